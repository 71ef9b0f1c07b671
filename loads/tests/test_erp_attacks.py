"""Attacks through the ERP box: whatever an administrator types as the company's database and
query, nothing in it is written, and nothing outside it is opened.

Each test tries the attack through erp.fetch() (what the page and the loads run) and, for the
read-only guarantees, straight on the connection erp opens, past our own query check: the
database itself must refuse."""

import datetime
import hashlib
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

from django.db import connection as own_database
from django.test import override_settings
from django.urls import reverse

from loads import erp
from loads.management.commands.create_demo_erp import QUERY, create_demo_database
from loads.models import IntegrationSource
from smsmotor.test import BaseTestCase

TODAY = datetime.date(2026, 11, 24)

# Writes in every shape an ERP box has been seen to let through.
WRITES = [
    "DELETE FROM cuotas",
    "WITH a AS (SELECT 1) DELETE FROM cuotas",
    "WITH a AS (SELECT 1) UPDATE cuotas SET nombre = 'x'",
    "WITH a AS (SELECT 1) INSERT INTO cuotas SELECT * FROM cuotas",
    "SELECT 1; DROP TABLE cuotas",
    "SELECT 1 /* ; */; DROP TABLE cuotas",
    "SELECT 1 -- comment\n; DROP TABLE cuotas",
    "select telefono from cuotas;\nDELETE FROM cuotas;",
    "SELECT * INTO copia FROM cuotas",
    "SELECT load_extension('/tmp/evil')",
]


class SqliteAttackTestCase(BaseTestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(override_settings(ERP_SQLITE_DIR=str(self.folder)))
        self.path = self.folder / "erp.sqlite3"
        create_demo_database(self.path, today=TODAY)
        self.before = self.fingerprint()
        self.source = IntegrationSource(engine="sqlite", database="erp.sqlite3", query=QUERY)

    def fingerprint(self, path: Path | None = None) -> str:
        return hashlib.sha256((path or self.path).read_bytes()).hexdigest()

    def assertUnchanged(self):
        self.assertEqual(self.fingerprint(), self.before)
        with sqlite3.connect(self.path) as db:
            self.assertEqual(db.execute("SELECT COUNT(*) FROM cuotas").fetchone()[0], 87)

    def test_it_still_reads(self):
        columns, rows = erp.fetch(self.source, TODAY)
        self.assertIn("telefono", columns)
        self.assertTrue(rows)

    def test_no_write_gets_through_the_box(self):
        for query in WRITES:
            with self.subTest(query=query):
                self.source.query = query
                with self.assertRaises(erp.ErpError):
                    erp.fetch(self.source, TODAY)
        self.assertUnchanged()

    def test_the_connection_itself_refuses_writes_attach_and_pragmas(self):
        """Past our query check: the file is opened read-only, with query_only and an authorizer."""
        outside = Path(self.enterContext(tempfile.TemporaryDirectory())) / "other.sqlite3"
        sqlite3.connect(outside).close()
        for statement in [
            "DELETE FROM cuotas",
            "WITH a AS (SELECT 1) DELETE FROM cuotas",
            "UPDATE cuotas SET nombre = 'x'",
            "CREATE TABLE nueva (a)",
            "CREATE TEMP TABLE nueva (a)",
            "DROP TABLE cuotas",
            "PRAGMA query_only = OFF",
            "PRAGMA journal_mode = DELETE",
            f"ATTACH DATABASE 'file:{outside}?mode=rw' AS otra",
            "BEGIN IMMEDIATE",
            "VACUUM",
        ]:
            with self.subTest(statement=statement):
                db, _placeholder = erp._connect(self.source)
                try:
                    with self.assertRaises(sqlite3.DatabaseError):
                        db.execute(statement)
                    db.commit()
                finally:
                    db.close()
        self.assertUnchanged()

    def test_a_file_name_cannot_open_the_file_writable_nor_leave_the_folder(self):
        outside_folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        outside = outside_folder / "otra.sqlite3"
        create_demo_database(outside, today=TODAY)
        (self.folder / "enlace.sqlite3").symlink_to(outside)
        (self.folder / "sub").mkdir()
        for name in [
            "erp.sqlite3?mode=rw#",
            "erp.sqlite3?mode=rwc",
            "file:erp.sqlite3?mode=rw",
            "file:erp.sqlite3",
            "../" + outside_folder.name + "/otra.sqlite3",
            "sub/../../" + outside_folder.name + "/otra.sqlite3",
            str(outside),
            "enlace.sqlite3",
            "/etc/passwd",
            "/proc/self/environ",
            "sub",
            "",
        ]:
            with self.subTest(name=name):
                self.source.database = name
                self.source.query = "WITH a AS (SELECT 1) DELETE FROM cuotas"
                with self.assertRaises(erp.ErpError):
                    erp.fetch(self.source, TODAY)
        self.assertUnchanged()
        with sqlite3.connect(outside) as db:
            self.assertEqual(db.execute("SELECT COUNT(*) FROM cuotas").fetchone()[0], 87)

    def test_a_name_with_uri_characters_is_only_a_file_name(self):
        """A file really named like a URI is opened as that file, read-only."""
        tricky = self.folder / "demo.db?mode=rw#x"
        create_demo_database(tricky, today=TODAY)
        before = self.fingerprint(tricky)
        self.source.database = tricky.name
        self.source.query = "SELECT COUNT(*) AS n FROM cuotas"
        self.assertEqual(erp.fetch(self.source, TODAY)[1], [(87,)])
        db, _placeholder = erp._connect(self.source)
        with self.assertRaises(sqlite3.DatabaseError):
            db.execute("DELETE FROM cuotas")
        db.close()
        self.assertEqual(self.fingerprint(tricky), before)

    def test_the_servers_own_database_is_refused(self):
        if own_database.vendor != "sqlite":
            self.skipTest("the application's database is not a SQLite file here")
        own = Path(str(own_database.settings_dict["NAME"])).resolve()
        with override_settings(ERP_SQLITE_DIR=str(own.parent)):
            self.source.database = own.name
            self.source.query = "SELECT username, password FROM accounts_user"
            with self.assertRaises(erp.ErpError) as caught:
                erp.fetch(self.source, TODAY)
        self.assertIn("SMS Motor", str(caught.exception))

    def test_without_a_folder_sqlite_is_off(self):
        with override_settings(ERP_SQLITE_DIR=""), self.assertRaises(erp.ErpError) as caught:
            erp.fetch(self.source, TODAY)
        self.assertIn("ERP_SQLITE_DIR", str(caught.exception))

    def test_a_long_query_is_stopped(self):
        self.source.query = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"  # endless
        )
        started = time.monotonic()
        with mock.patch.object(erp, "STATEMENT_SECONDS", 1), self.assertRaises(erp.ErpError) as caught:
            erp.fetch(self.source, TODAY)
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn("1", str(caught.exception))

    def test_rows_are_limited(self):
        self.source.query = "SELECT * FROM cuotas"
        with mock.patch.object(erp, "MAX_ROWS", 5), self.assertRaises(erp.ErpError) as caught:
            erp.fetch(self.source, TODAY)
        self.assertIn("5", str(caught.exception))

    def test_the_page_refuses_them_when_saving(self):
        self.login(self.alice)
        create_demo_database(self.folder.parent / "fuera.sqlite3", today=TODAY)
        self.addCleanup((self.folder.parent / "fuera.sqlite3").unlink)
        attempts = [
            {"database": "erp.sqlite3?mode=rw#", "query": QUERY},
            {"database": "../fuera.sqlite3", "query": QUERY},
            {"database": "erp.sqlite3", "query": "SELECT 1; DROP TABLE cuotas"},
            {"database": "erp.sqlite3", "query": "DELETE FROM cuotas"},
            {"database": "erp.sqlite3", "query": "SELECT telefono INTO OUTFILE '/tmp/x' FROM cuotas"},
        ]
        for attempt in attempts:
            with self.subTest(**attempt):
                response = self.client.post(reverse("loads:integration_test"), {"engine": "sqlite", **attempt})
                self.assertEqual(response.status_code, 200)  # the form again, with its error
                self.assertTrue(response.context["form"].errors)
        self.assertFalse(IntegrationSource.objects.filter(database__contains="mode=").exists())
        response = self.client.get(reverse("loads:integration"))
        self.assertContains(response, 'data-testid="read-only-advice"')
        self.assertUnchanged()


def mysql(sql: str, database: str = "") -> subprocess.CompletedProcess:
    args = ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-N", "-B", "-e", sql]
    return subprocess.run([*args, database] if database else args, capture_output=True, text=True)


class MariaDbAttackTestCase(BaseTestCase):
    """A real company database on the machine's MariaDB server, attacked through the box."""

    def setUp(self):
        self.database = f"smsmotor_erp_attack_{os.getpid()}"
        result = mysql(
            f"DROP DATABASE IF EXISTS {self.database}; CREATE DATABASE {self.database} CHARACTER SET utf8mb4;"
            f"USE {self.database}; CREATE TABLE cartera (celular VARCHAR(20), cliente VARCHAR(80), vence DATE);"
            "INSERT INTO cartera VALUES ('70000288', 'Juan Pérez', '2026-11-24'), ('71234567', 'Ana', '2026-11-24');"
        )
        if result.returncode:
            self.skipTest(f"no MariaDB on 127.0.0.1: {result.stderr.strip()}")
        self.addCleanup(mysql, f"DROP DATABASE IF EXISTS {self.database}")
        self.outfile = Path(f"/tmp/smsmotor-erp-attack-{os.getpid()}.txt")
        self.addCleanup(self.outfile.unlink, missing_ok=True)
        self.source = IntegrationSource(
            engine="mysql",
            database=self.database,
            host="127.0.0.1",
            user="root",
            query="SELECT celular, cliente AS nombre FROM cartera WHERE vence = :fecha",
        )

    def assertUnchanged(self):
        result = mysql("SHOW TABLES; SELECT COUNT(*) FROM cartera;", self.database)
        self.assertEqual(result.stdout.split(), ["cartera", "2"])
        self.assertFalse(self.outfile.exists())

    def test_it_still_reads(self):
        self.assertEqual(len(erp.fetch(self.source, TODAY)[1]), 2)

    def test_no_write_gets_through_the_box(self):
        out = self.outfile
        for query in [
            "DELETE FROM cartera",
            "SELECT 1; DROP TABLE cartera",
            "SELECT 1; DELETE FROM cartera",
            "SELECT 1 /*! ; DROP TABLE cartera */",
            "WITH a AS (SELECT 1) DELETE FROM cartera",
            "SELECT * FROM cartera FOR UPDATE",
            f"SELECT celular INTO OUTFILE '{out}' FROM cartera",
            f"SELECT celular FROM cartera /*!50000 INTO OUTFILE '{out}' */",
            f"SELECT celular FROM cartera /*! INTO DUMPFILE '{out}' */",
            f"SELECT celular FROM cartera /*M! INTO OUTFILE '{out}' */",
            f"SELECT celular FROM cartera /*M!100000 INTO OUTFILE '{out}' */",
            f"SELECT 'a\\' INTO OUTFILE '{out}' -- '",
            f"SELECT celular FROM cartera # \n INTO OUTFILE '{out}'",
            "SELECT celular FROM cartera WHERE vence = :fecha; DROP TABLE cartera",
        ]:
            with self.subTest(query=query):
                self.source.query = query
                with self.assertRaises(erp.ErpError):
                    erp.fetch(self.source, TODAY)
        self.assertUnchanged()

    def test_the_connection_itself_is_read_only_and_single_statement(self):
        """Past our query check: MariaDB refuses, because of how erp opened the session."""
        for statements in [
            ["DELETE FROM cartera"],
            ["SELECT 1; DROP TABLE cartera"],
            ["DROP TABLE cartera"],
            ["SELECT * FROM cartera FOR UPDATE"],
            ["COMMIT", "DELETE FROM cartera"],  # a new transaction is read-only too
            ["COMMIT", "CREATE TABLE otra (a INT)"],
        ]:
            with self.subTest(statements=statements):
                db, _placeholder = erp._connect(self.source)
                cursor = db.cursor()
                try:
                    with self.assertRaises(Exception):  # noqa: B017 - MySQLdb's tree
                        for statement in statements:
                            cursor.execute(statement)
                    db.commit()
                finally:
                    db.close()
        self.assertUnchanged()

    def test_a_long_query_is_stopped_by_the_server(self):
        self.source.query = "SELECT SLEEP(5) AS s"
        started = time.monotonic()
        with mock.patch.object(erp, "STATEMENT_SECONDS", 1), self.assertRaises(erp.ErpError) as caught:
            erp.fetch(self.source, TODAY)
        self.assertLess(time.monotonic() - started, 4)
        self.assertIn("1", str(caught.exception))

    def test_rows_are_limited(self):
        self.source.query = "SELECT * FROM cartera"
        with mock.patch.object(erp, "MAX_ROWS", 1), self.assertRaises(erp.ErpError):
            erp.fetch(self.source, TODAY)
