"""Reading reminders from the company's own database (the integration source)."""

import datetime
import re
import sqlite3

from django.utils.translation import gettext as _

from loads.models import ErpEngine, IntegrationSource
from loads.spreadsheet import Sheet, SheetRow, canonical_name, clean_cell

PARAMETER = re.compile(r":fecha\b")
MAX_ROWS = 200_000


class ErpError(ValueError):
    """The integration cannot be read; a sentence for the user."""


def _connect(source: IntegrationSource):
    if not source.database:
        raise ErpError(_("The integration has no database configured."))
    try:
        if source.engine == ErpEngine.SQLITE:
            return sqlite3.connect(f"file:{source.database}?mode=ro", uri=True, timeout=10), "?"
        if source.engine == ErpEngine.MYSQL:
            import MySQLdb

            return MySQLdb.connect(
                host=source.host or "127.0.0.1",
                port=source.port or 3306,
                user=source.user,
                passwd=source.password,
                db=source.database,
                charset="utf8mb4",
                connect_timeout=10,
            ), "%s"
        try:
            import psycopg
        except ImportError:
            raise ErpError(_("The PostgreSQL driver (psycopg) is not installed on this server.")) from None
        return psycopg.connect(
            host=source.host or "127.0.0.1",
            port=source.port or 5432,
            user=source.user,
            password=source.password,
            dbname=source.database,
            connect_timeout=10,
        ), "%s"
    except ErpError:
        raise
    except Exception as error:  # every driver has its own exception tree
        raise ErpError(_("Cannot connect to the company's database: %(error)s") % {"error": error}) from error


def fetch(source: IntegrationSource, reference_date: datetime.date) -> tuple[list[str], list[tuple]]:
    """Run the integration query for a reference date: (column names, rows)."""
    if not source.query.strip().lower().startswith(("select", "with")):
        raise ErpError(_("The integration query must be a SELECT."))
    connection, placeholder = _connect(source)
    try:
        sql = PARAMETER.sub(placeholder, source.query)
        count = len(PARAMETER.findall(source.query))
        cursor = connection.cursor()
        cursor.execute(sql, [reference_date.isoformat()] * count)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchmany(MAX_ROWS + 1)
    except Exception as error:
        raise ErpError(_("The integration query failed: %(error)s") % {"error": error}) from error
    finally:
        connection.close()
    if len(rows) > MAX_ROWS:
        raise ErpError(_("The query returned more than %(max)d rows.") % {"max": MAX_ROWS})
    return columns, list(rows)


def test_connection(source: IntegrationSource) -> int:
    """Connect and run the query for today; how many rows it returns."""
    _columns, rows = fetch(source, datetime.date.today())
    return len(rows)


def as_sheet(columns: list[str], rows: list[tuple]) -> Sheet:
    """Query results in the shape of a spreadsheet, so that loads treat both alike."""
    names = [canonical_name(column) for column in columns]
    if "phone" not in names:
        raise ErpError(_("The query returns no phone column (name it “telefono” or “celular”)."))
    sheet_rows = []
    for number, row in enumerate(rows, start=1):
        values, errors = {}, {}
        for name, value in zip(names, row, strict=True):
            if name in values:
                continue
            cleaned, error = clean_cell(name, value)
            values[name] = cleaned
            if error:
                errors[name] = error
        sheet_rows.append(SheetRow(number=number, values=values, errors=errors))
    return Sheet(columns=list(dict.fromkeys(names)), header_row=0, rows=sheet_rows, ignored_columns=[])
