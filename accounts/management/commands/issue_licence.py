import datetime
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.licensing import key_issue, key_verify, keypair_generate


class Command(BaseCommand):
    help = (
        "Issue a signed licence key (vendor side), or make the key pair: the private key stays with"
        " the vendor, the public one goes into the code (LICENCE_VENDOR_PUBLIC_KEY in smsmotor/settings.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate-keypair", action="store_true", help="Print a new private/public key pair")
        parser.add_argument("--company", help="Company name, appended to every message sent")
        parser.add_argument("--expires", help="YYYY-MM-DD; leave out with --perpetual")
        parser.add_argument("--perpetual", action="store_true")
        parser.add_argument("--installed", help="Installation date, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--private-key-file",
            help="File holding the private key (default: the LICENCE_PRIVATE_KEY environment variable)",
        )

    def handle(self, *args, generate_keypair, company, expires, perpetual, installed, private_key_file, **options):
        if generate_keypair:
            private, public = keypair_generate()
            self.stdout.write(f"LICENCE_PRIVATE_KEY={private}")
            self.stdout.write(f"LICENCE_PUBLIC_KEY={public}")
            self.stderr.write(
                _("Keep the private key secret; the public one goes into the code (LICENCE_VENDOR_PUBLIC_KEY).")
            )
            return
        if not company:
            raise CommandError(_("--company is required."))
        if bool(expires) == bool(perpetual):
            raise CommandError(_("Give either --expires YYYY-MM-DD or --perpetual."))
        try:
            expires_on = datetime.date.fromisoformat(expires) if expires else None
            installed_on = datetime.date.fromisoformat(installed) if installed else datetime.date.today()
        except ValueError:
            raise CommandError(_("Dates must be written like 2027-12-31.")) from None
        if private_key_file:
            private = Path(private_key_file).read_text().strip().removeprefix("LICENCE_PRIVATE_KEY=")
        else:
            private = os.environ.get("LICENCE_PRIVATE_KEY", "")
        if not private:
            raise CommandError(_("No private key: use --private-key-file or set LICENCE_PRIVATE_KEY."))
        try:
            key = key_issue(private_key=private, company=company, installed_on=installed_on, expires_on=expires_on)
        except ValueError as error:
            raise CommandError(_("The private key is not valid: %(error)s") % {"error": error}) from error
        self.stdout.write(key)
        try:
            key_verify(key)
        except ValueError:
            self.stderr.write(_("Note: this key does not match this installation's LICENCE_PUBLIC_KEY."))
