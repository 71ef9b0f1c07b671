"""What a modem's worker tells the apps above it, which it does not import (credit counts the
segments and reads balance answers)."""

from django.dispatch import Signal

# Segments the worker sent since its last report (it reports in batches): segments=int.
segments_sent = Signal()
# A command of the Modem tab or of another app is done; its result is saved: command=ModemCommand.
command_finished = Signal()
