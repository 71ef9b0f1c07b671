"""Uploads waiting for confirmation, and the example file."""

import datetime
import io
import time
import uuid
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

UPLOADS = Path(settings.MEDIA_ROOT) / "uploads"


def upload_keep(upload) -> str:
    """Keep an uploaded file until the user confirms or cancels its load; returns its key."""
    UPLOADS.mkdir(parents=True, exist_ok=True)
    key = uuid.uuid4().hex
    with (UPLOADS / key).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return key


def upload_path(key: str) -> Path:
    if not key.isalnum():
        raise FileNotFoundError(key)
    return UPLOADS / key


def upload_discard(key: str) -> None:
    upload_path(key).unlink(missing_ok=True)


def uploads_discard_stale(*, older_than: datetime.timedelta) -> int:
    """Delete uploads kept longer than `older_than`: previewed, never confirmed nor cancelled
    (the browser closed). Returns how many were deleted."""
    if not UPLOADS.is_dir():
        return 0
    limit = time.time() - older_than.total_seconds()
    deleted = 0
    for path in UPLOADS.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # confirmed or cancelled meanwhile
            continue
    return deleted


def example_workbook() -> bytes:
    """An example with every kind of column a load understands."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Mensajes"
    sheet.append(
        ["Teléfono", "Mensaje", "Fecha de envío", "Nombre", "NumeroCuota", "MontoCuota", "Moneda", "FechaVencimiento"]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "70000288",
            "Estimado Juan Pérez, su cuota 3 de Bs 1.500,50 vence el 30/11/2026.",
            None,
            "Juan Pérez",
            3,
            1500.5,
            "Bs",
            "30/11/2026",
        ]
    )
    sheet.append(
        [
            "+591 71234567",
            "Señora Núñez, le recordamos su pago. ¡Gracias!",
            None,
            "Ana Núñez",
            5,
            820,
            "Bs",
            "02/12/2026",
        ]
    )
    for column, width in zip("ABCDEFGH", (16, 70, 16, 18, 14, 14, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
