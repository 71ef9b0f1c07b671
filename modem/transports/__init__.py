"""Transports: the kinds of line the worker drives through one interface (`base.Transport`)."""
