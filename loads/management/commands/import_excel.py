import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from loads import services
from loads.models import Template
from loads.spreadsheet import SpreadsheetError


class Command(BaseCommand):
    help = (
        "Load the messages of a spreadsheet (.xlsx, .xlsm, .xlsb, .xls, .ods or .csv), as the Excel load "
        "of the web does. CSV files are read as a stream, whatever their size."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--send-date", help="YYYY-MM-DD, for rows without their own send date")
        parser.add_argument("--template", help="Name of the template, for files without a message column")
        parser.add_argument("--user", help="Username the load is recorded for")

    def handle(self, *args, file, send_date, template, user, **options):
        try:
            day = datetime.date.fromisoformat(send_date) if send_date else None
        except ValueError:
            raise CommandError(_("--send-date must be a date like 2026-11-30.")) from None
        chosen = None
        if template:
            chosen = Template.objects.filter(name=template).first()
            if chosen is None:
                raise CommandError(_("There is no template called “%(name)s”.") % {"name": template})
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(_("There is no user called “%(name)s”.") % {"name": user})
        try:
            with open(file, "rb") as handle:
                load = services.load_create_from_excel(
                    file=handle, file_name=file[-255:], user=owner, send_date=day, template=chosen
                )
        except OSError as error:
            raise CommandError(_("The file cannot be read: %(error)s") % {"error": error.strerror}) from error
        except services.LoadError as error:
            self._print_rejected(error.rejected)
            raise CommandError(str(error)) from error
        except SpreadsheetError as error:
            raise CommandError(str(error)) from error
        self._print_rejected(load.rejections)
        self.stdout.write(_("Load %(id)d") % {"id": load.pk})
        for line in services.load_counts(load):
            self.stdout.write(line)

    def _print_rejected(self, rejected: list[dict]) -> None:
        for item in rejected:
            self.stdout.write(_("  row %(row)d: %(reason)s") % item)
