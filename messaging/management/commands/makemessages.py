"""Django's makemessages, also reading smsmotor.texts.plural_noop: the singular/plural pairs of
texts the system stores and translates when they are shown (they become plural entries)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=plural_noop:1,2"]
