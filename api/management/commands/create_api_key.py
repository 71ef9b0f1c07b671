"""python manage.py create_api_key USERNAME [--name NAME]: a new API key, printed once (last line)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a user and print it once: the last line is the key alone."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the key is for (shown in the Users tab).")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        key, plain = api_key_create(user=user, name=options["name"])
        self.stdout.write(f"API key {key.prefix}… for {user.get_username()}; keep it now, it is not shown again:")
        self.stdout.write(plain)
