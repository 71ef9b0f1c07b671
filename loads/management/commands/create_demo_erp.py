"""A small demo of a company's system, so that a newcomer can do a whole load."""

import datetime
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from loads import erp
from loads.models import IntegrationSource, LoadSettings, Template

CUSTOMERS = [
    ("70000288", "Juan Pérez Mamani", "Bs"),
    ("71234567", "Ana Núñez Quispe", "Bs"),
    ("72345678", "Carlos Rojas", "Bs"),
    ("73456789", "María Fernández", "USD"),
    ("60012345", "Luis Choque", "Bs"),
    ("6789", "Cliente con número incompleto", "Bs"),
]
QUERY = (
    "SELECT telefono, nombre, numerocuota, montocuota, moneda, fechavencimiento\n"
    "FROM cuotas\n"
    "WHERE fechavencimiento = date(:fecha, '+3 days')  -- reminders three days before they fall due"
)
TEMPLATE = "Estimado <nombre>, su cuota <numerocuota> de <moneda> <montocuota> vence el <fechavencimiento>."


class Command(BaseCommand):
    help = "Create the demo company database (instalments due) and wire it as the integration, if none is set."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="demo_erp.sqlite3", help="File name in ERP_SQLITE_DIR")

    def handle(self, *args, name, **options):
        folder = erp.sqlite_folder()
        if folder is None:
            raise CommandError(_("Set ERP_SQLITE_DIR: the folder of company databases."))
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / ".gitignore").write_text("*\n")  # company data never goes into git
        path = folder / name
        create_demo_database(path, today=datetime.date.today())
        source = IntegrationSource.load()
        if not source.database or (source.engine == "sqlite" and not _usable(source.database)):
            source.engine, source.database, source.query = "sqlite", name, QUERY
            source.save()
        template, _created = Template.objects.get_or_create(name="Recordatorio de cuota", defaults={"text": TEMPLATE})
        load_settings = LoadSettings.load()
        if load_settings.template_id is None:
            load_settings.template = template
            load_settings.save()
        self.stdout.write(_("Demo company database ready: %(path)s") % {"path": path})


def _usable(name: str) -> bool:
    try:
        erp.sqlite_path(name)
    except erp.ErpError:
        return False
    return True


def create_demo_database(path: Path, *, today: datetime.date) -> None:
    """Instalments falling due every day from a week ago to three weeks ahead."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE cuotas (telefono TEXT, nombre TEXT, numerocuota INTEGER, montocuota NUMERIC,"
            " moneda TEXT, fechavencimiento DATE)"
        )
        rows = []
        for offset in range(-7, 22):
            due = today + datetime.timedelta(days=offset)
            for i, (phone, name, currency) in enumerate(CUSTOMERS):
                if (offset + i) % 2 == 0:
                    rows.append(
                        (phone, name, 1 + (offset + 7) % 12, f"{150 + 35.5 * i:.2f}", currency, due.isoformat())
                    )
        db.executemany("INSERT INTO cuotas VALUES (?, ?, ?, ?, ?, ?)", rows)
