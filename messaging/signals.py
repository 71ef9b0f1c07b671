"""What messaging tells the apps above it, which it does not import (credit reads operator
answers among the incoming messages)."""

from django.dispatch import Signal

# An incoming SMS is stored whole (every part of a multipart one is in): message=IncomingMessage.
# Sent inside incoming_store's transaction, so a receiver's writes commit or roll back with it.
incoming_received = Signal()

# A call rang a modem (one per ringing): call=IncomingCall. Sent inside call_store's transaction.
call_received = Signal()
