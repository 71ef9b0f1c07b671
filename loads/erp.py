"""Reading reminders from the company's own database (the integration source), read-only by
construction.

The query is typed by an administrator, so it is treated as untrusted: whatever it says, it
cannot change the company's data nor reach anything but the database configured.

- SQLite: only a file inside ERP_SQLITE_DIR (set in the environment), opened by a URI that this
  module builds from the checked path, in read-only mode, with `query_only` on and an authorizer
  that allows reading and nothing else (no ATTACH, PRAGMA, writes or transactions).
- MySQL/MariaDB: multi-statements off, session and transaction READ ONLY, a statement time limit
  and a row limit on the server.
- PostgreSQL: default_transaction_read_only and statement_timeout on the session, a read-only
  transaction and a prepared (so single) statement.
- Everywhere: one SELECT or WITH statement, no INTO (SELECT ... INTO OUTFILE writes files on a
  MySQL server even in a read-only transaction), STATEMENT_SECONDS and MAX_ROWS.

Read-only database users are still the first line (see the integration page).
"""

import contextlib
import datetime
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection as own_database
from django.utils.translation import gettext as _

from loads.models import ErpEngine, IntegrationSource
from loads.spreadsheet import Sheet, SheetRow, canonical_name, clean_cell

PARAMETER = re.compile(r":fecha\b")
MAX_ROWS = 200_000
STATEMENT_SECONDS = 60
CONNECT_SECONDS = 10
# How each database says that the statement ran out of time.
TIMED_OUT = re.compile(r"^interrupted$|max_statement_time|maximum statement execution time|statement timeout", re.I)

# What the query may do in SQLite: read tables, call functions, recurse in a WITH.
SQLITE_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
# The parts of a query that are not code: strings, quoted names and comments. MySQL runs what is
# inside /*! ... */ (MariaDB also /*M! ... */), so those are not skipped; with backslash escapes,
# as MySQL reads strings.
_SKIPPED = {
    "standard": re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/", re.S),
    "mysql": re.compile(
        r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`(?:[^`]|``)*`|(?:--\s|#)[^\n]*|/\*(?!M?!).*?\*/", re.S
    ),
}


class ErpError(ValueError):
    """The integration cannot be read; a sentence for the user."""


def sqlite_folder() -> Path | None:
    folder = settings.ERP_SQLITE_DIR
    return Path(folder).resolve() if folder else None


def sqlite_path(name: str) -> Path:
    """The SQLite file `name` (relative to ERP_SQLITE_DIR, or absolute inside it); ErpError for
    anything else: a URI, a path leading out of the folder (.., a link), the server's own database."""
    folder = sqlite_folder()
    if folder is None:
        raise ErpError(_("SQLite files are not enabled on this server: the administrator sets ERP_SQLITE_DIR."))
    try:
        path = (folder / name.strip()).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        path = None
    if path is None or not path.is_relative_to(folder) or not path.is_file():
        raise ErpError(
            _("There is no file “%(name)s” in the folder of company databases (%(folder)s).")
            % {"name": name, "folder": folder}
        )
    if own_database.vendor == "sqlite" and path == Path(str(own_database.settings_dict["NAME"])).resolve():
        raise ErpError(_("That file is SMS Motor's own database, not the company's."))
    return path


def query_check(query: str) -> str:
    """The query without a trailing semicolon; ErpError unless it is one statement that reads.
    Checked as standard SQL and as MySQL reads it (backslash escapes, # comments, /*! code */),
    so that nothing can hide from one reading what the other would run."""
    for skipped in _SKIPPED.values():
        code = skipped.sub(" ", query)
        words = code.split()
        if not words or words[0].lower() not in ("select", "with"):
            raise ErpError(_("The integration query must be a SELECT."))
        if ";" in code.rstrip().rstrip(";"):
            raise ErpError(_("The integration query must be a single statement."))
        if re.search(r"\binto\b", code, re.I):
            raise ErpError(_("The integration query may only read: INTO is not allowed."))
    return query.rstrip().rstrip(";").rstrip()


def _sqlite_authorizer(action, *args):
    return sqlite3.SQLITE_OK if action in SQLITE_ALLOWED else sqlite3.SQLITE_DENY


def _connect_sqlite(source: IntegrationSource):
    # The URI is ours: the name can no longer add ?mode=rw, #, or another file.
    uri = f"file:{quote(sqlite_path(source.database).as_posix())}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=CONNECT_SECONDS)
    connection.execute("PRAGMA query_only = ON")
    connection.set_authorizer(_sqlite_authorizer)
    deadline = time.monotonic() + STATEMENT_SECONDS
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)  # True interrupts
    return connection, "?"


def _connect_mysql(source: IntegrationSource):
    import MySQLdb

    connection = MySQLdb.connect(
        host=source.host or "127.0.0.1",
        port=source.port or 3306,
        user=source.user,
        passwd=source.password,
        db=source.database,
        charset="utf8mb4",
        connect_timeout=CONNECT_SECONDS,
        read_timeout=STATEMENT_SECONDS + 5,
        multi_statements=False,
    )
    cursor = connection.cursor()
    cursor.execute("SET SESSION TRANSACTION READ ONLY")
    cursor.execute("SET SESSION sql_select_limit = %s", [MAX_ROWS + 1])
    if "mariadb" in connection.get_server_info().lower():
        cursor.execute("SET SESSION max_statement_time = %s", [STATEMENT_SECONDS])
    else:
        cursor.execute("SET SESSION max_execution_time = %s", [STATEMENT_SECONDS * 1000])
    cursor.execute("START TRANSACTION READ ONLY")
    cursor.close()
    return connection, "%s"


def _connect_postgresql(source: IntegrationSource):
    try:
        import psycopg
    except ImportError:
        raise ErpError(_("The PostgreSQL driver (psycopg) is not installed on this server.")) from None
    connection = psycopg.connect(
        host=source.host or "127.0.0.1",
        port=source.port or 5432,
        user=source.user,
        password=source.password,
        dbname=source.database,
        connect_timeout=CONNECT_SECONDS,
        options=f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_SECONDS * 1000}",
    )
    connection.read_only = True
    return connection, "%s"


def _connect(source: IntegrationSource):
    if not source.database:
        raise ErpError(_("The integration has no database configured."))
    connect = {
        ErpEngine.SQLITE: _connect_sqlite,
        ErpEngine.MYSQL: _connect_mysql,
        ErpEngine.POSTGRESQL: _connect_postgresql,
    }[source.engine]
    try:
        return connect(source)
    except ErpError:
        raise
    except Exception as error:  # every driver has its own exception tree
        raise ErpError(_("Cannot connect to the company's database: %(error)s") % {"error": error}) from error


def fetch(source: IntegrationSource, reference_date: datetime.date) -> tuple[list[str], list[tuple]]:
    """Run the integration query for a reference date: (column names, rows)."""
    query = query_check(source.query)
    connection, placeholder = _connect(source)
    try:
        sql = PARAMETER.sub(placeholder, query)
        parameters = [reference_date.isoformat()] * len(PARAMETER.findall(query))
        cursor = connection.cursor()
        if source.engine == ErpEngine.POSTGRESQL:
            cursor.execute(sql, parameters, prepare=True)  # a prepared statement is one statement
        elif source.engine == ErpEngine.MYSQL:
            cursor.execute(sql, parameters or None)  # without parameters, a % is just a %
        else:
            cursor.execute(sql, parameters)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchmany(MAX_ROWS + 1)
    except Exception as error:
        if TIMED_OUT.search(str(error)):
            raise ErpError(
                _("The integration query took more than %(seconds)d seconds and was stopped.")
                % {"seconds": STATEMENT_SECONDS}
            ) from error
        raise ErpError(_("The integration query failed: %(error)s") % {"error": error}) from error
    finally:
        with contextlib.suppress(Exception):  # a connection already lost has nothing to end
            connection.rollback()  # nothing was written: end the read-only transaction
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
