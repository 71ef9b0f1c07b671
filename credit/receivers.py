"""Credit listens to the apps below it instead of being called by them: connected in
CreditConfig.ready()."""

from credit.services import balance_answer_from_command, balance_answer_from_sms, counter_add


def incoming_received(sender, *, message, **kwargs) -> None:
    """An SMS from an operator's short number may answer a balance query."""
    balance_answer_from_sms(phone=message.phone, text=message.text, received_at=message.received_at)


def segments_sent(sender, *, segments: int, **kwargs) -> None:
    counter_add(segments)


def command_finished(sender, *, command, **kwargs) -> None:
    """A USSD command may be a balance query's."""
    balance_answer_from_command(command)
