"""Table exports to Excel and CSV (django-import-export), safe to open in a spreadsheet."""

import re

from django.http import HttpResponse
from django.utils import timezone
from import_export import resources

# A cell starting with one of these can run as a formula in a spreadsheet ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\s.,]*")
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    """Prefix a quote to text a spreadsheet would run as a formula; numbers (phones) stay."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


def export_response(resource: SafeResource, queryset, *, name: str, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        file_format = "xlsx"
    data = resource.export(queryset=queryset).export(file_format)
    if file_format == "csv":
        data = "\ufeff" + data  # so that Excel opens the accents right
    response = HttpResponse(data, content_type=FORMATS[file_format])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{file_format}"'
    return response
