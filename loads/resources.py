from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields

from loads.models import Load
from smsmotor.exports import SafeResource


class LoadResource(SafeResource):
    """The columns of the Load history tab."""

    id = fields.Field(attribute="id", column_name=_("Load ID"))
    type = fields.Field(attribute="get_type_display", column_name=_("Type"))
    created_at = fields.Field(attribute="created_at", column_name=_("Loaded at"))
    created_by = fields.Field(attribute="created_by__username", column_name=_("Loaded by"))
    file_name = fields.Field(attribute="file_name", column_name=_("File"))
    reference_date = fields.Field(attribute="reference_date", column_name=_("Reference date"))
    send_date = fields.Field(attribute="send_date", column_name=_("Send date"))
    rows_read = fields.Field(attribute="rows_read", column_name=_("Rows read"))
    messages_created = fields.Field(attribute="messages_created", column_name=_("Messages"))
    rows_rejected = fields.Field(attribute="rows_rejected", column_name=_("Rejected"))
    segments = fields.Field(attribute="segments", column_name=_("Segments"))
    cancelled_count = fields.Field(attribute="cancelled_count", column_name=pgettext_lazy("count", "Cancelled"))

    class Meta:
        model = Load
        fields = (
            "id",
            "type",
            "created_at",
            "created_by",
            "file_name",
            "reference_date",
            "send_date",
            "rows_read",
            "messages_created",
            "rows_rejected",
            "segments",
            "cancelled_count",
        )
