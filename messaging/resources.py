from django.utils.translation import gettext_lazy as _
from import_export import fields

from messaging.models import IncomingMessage, OutgoingMessage
from smsmotor.exports import SafeResource


class OutgoingMessageResource(SafeResource):
    """The columns of the Outgoing tab, headed in the user's language."""

    id = fields.Field(attribute="id", column_name=_("ID"))
    status = fields.Field(attribute="get_status_display", column_name=_("State"))
    sent_at = fields.Field(attribute="sent_at", column_name=_("Sent at"))
    send_date = fields.Field(attribute="send_date", column_name=_("Send date"))
    loaded_at = fields.Field(attribute="loaded_at", column_name=_("Loaded at"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    text = fields.Field(attribute="text", column_name=_("Message"))
    result = fields.Field(attribute="result_display", column_name=_("Result"))
    load_type = fields.Field(attribute="load_type", column_name=_("Type"))
    load = fields.Field(attribute="load_id", column_name=_("Load ID"))

    class Meta:
        model = OutgoingMessage
        fields = ("id", "status", "sent_at", "send_date", "loaded_at", "phone", "text", "result", "load_type", "load")


class IncomingMessageResource(SafeResource):
    id = fields.Field(attribute="id", column_name=_("ID"))
    received_at = fields.Field(attribute="received_at", column_name=_("Received at"))
    phone = fields.Field(attribute="phone", column_name=_("Phone"))
    text = fields.Field(attribute="text", column_name=_("Message"))

    class Meta:
        model = IncomingMessage
        fields = ("id", "received_at", "phone", "text")
