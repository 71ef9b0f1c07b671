from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.services import administrator_create


class Command(BaseCommand):
    help = "Create the first administrator with a generated password, printed once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists() or User.objects.filter(username=username).exists():
            self.stdout.write(_("An administrator already exists; nothing to do."))
            return
        user, password = administrator_create(username=username)
        line = "=" * 60
        self.stdout.write(line)
        self.stdout.write(_("Administrator created. Write the password down: it is shown only once."))
        self.stdout.write(_("  user:     %(username)s") % {"username": user.username})
        self.stdout.write(_("  password: %(password)s") % {"password": password})
        self.stdout.write(line)
