"""Load benchmark: a 100 000-row Excel import, a 60 MB CSV, and a 100 000-row ERP load.

    .venv/bin/python bench/loads.py [--rows 100000] [--database sqlite|mariadb|both] [--rounds 3]

For each database, side by side over the same .xlsx: a bare openpyxl read-only pass, a bare
calamine pass, and the whole import (read, check, plan, insert). Targets: the import within
0.6x the openpyxl pass, peak memory under 150 MB. Then a 60 MB CSV (200 000 long messages)
through `manage.py import_excel` (target: under 300 MB), the same CSV posted to the web's
upload (target: refused for its size, the reader never called), and the ERP load.
Each measurement runs in its own process so that its peak memory (RSS) is its own. This
2-core machine's timings wander by +-20 % from run to run, so the passes are measured in
alternation, `--rounds` times each (each import into a fresh database), and best is compared
with best; every figure is printed.
"""

import argparse
import csv
import datetime
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from common import verdict  # noqa: E402 - bench/ is the script folder

# A database of its own, so that this benchmark can run beside bench/dispatcher.py.
DATABASES = {
    "sqlite": "sqlite:///{folder}/bench.sqlite3",
    "mariadb": "mysql://root@127.0.0.1:3306/smsmotor_bench_loads",
}
TEXT = "Estimado {name}, su cuota {n} de Bs {amount} vence el 30/11/2026. Gracias por su puntualidad."
LONG_TEXT = (
    "Estimado {name}, le recordamos que su cuota {n} de Bs {amount} vence el {due}. Puede pagar en "
    "cualquier agencia o por banca móvil; si ya pagó, ignore este mensaje. Consultas al 800-10-2030, "
    "de lunes a sábado. Gracias por su puntualidad, atentamente su cooperativa. Ref {i}"
)
NAMES = ["Juan Pérez", "Ana Núñez", "Carlos Rojas", "María Fernández", "Luis Choque"]
CSV_ROWS = 200_000  # a load's limit


def make_files(folder: Path, rows: int) -> tuple[Path, Path, Path]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clientes")
    sheet.append(["Teléfono", "Mensaje", "Nombre", "Monto"])
    for i in range(rows):
        name = NAMES[i % len(NAMES)]
        sheet.append([float(70000000 + i), TEXT.format(name=name, n=i % 12 + 1, amount=150 + i % 900), name, 150.5])
    xlsx = folder / "clientes.xlsx"
    book.save(xlsx)
    big_csv = folder / "clientes-60mb.csv"
    with big_csv.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Celular", "Mensaje", "Nombre", "Monto", "Fecha de vencimiento"])
        for i in range(CSV_ROWS):
            name = NAMES[i % len(NAMES)]
            amount = f"{150 + i % 900},50"
            text = LONG_TEXT.format(name=name, n=i % 12 + 1, amount=amount, due="30/12/2026", i=i)
            writer.writerow([70000000 + i, text, name, amount, "30/12/2026"])
    erp = folder / "erp.sqlite3"
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()  # always ahead of "today"
    with sqlite3.connect(erp) as db:
        db.execute(
            "CREATE TABLE cuotas (telefono TEXT, nombre TEXT, numerocuota INT, montocuota NUMERIC,"
            " moneda TEXT, vence DATE)"
        )
        db.executemany(
            "INSERT INTO cuotas VALUES (?, ?, ?, ?, 'Bs', ?)",
            ((str(70000000 + i), NAMES[i % 5], i % 12 + 1, 150 + i % 900, due) for i in range(rows)),
        )
    return xlsx, big_csv, erp


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: str) -> dict:
    """Run in a child process: one measurement, printed as JSON."""
    started = time.perf_counter()
    if kind == "openpyxl":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True)) - 1
        return {"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": peak_mb()}
    if kind == "calamine":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(path)
        rows = sum(1 for _row in book.get_sheet_by_index(0).iter_rows()) - 1
        return {"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": peak_mb()}
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from loads import services
    from loads.models import IntegrationSource, Load, Template

    user = get_user_model().objects.get_or_create(username="bench")[0]
    if kind == "web":
        return measure_web_refusal(path, user)
    started = time.perf_counter()  # the import itself, not Django's start-up
    if kind == "excel":
        with open(path, "rb") as file:
            load = services.load_create_from_excel(
                file=file, file_name="clientes.xlsx", user=user, send_date=timezone.localdate()
            )
    elif kind == "csv":
        from io import StringIO

        from django.core.management import call_command

        call_command("import_excel", path, "--send-date", timezone.localdate().isoformat(), stdout=StringIO())
        load = Load.objects.latest("pk")
    else:
        IntegrationSource.objects.update_or_create(
            pk=1,
            defaults={
                "engine": "sqlite",
                "database": path,
                "query": "SELECT telefono, nombre, numerocuota, montocuota, moneda, vence AS fechavencimiento"
                " FROM cuotas WHERE vence > :fecha",
            },
        )
        template = Template.objects.get_or_create(
            name="bench", defaults={"text": "Estimado <nombre>, su cuota <numerocuota> de <moneda> <montocuota>."}
        )[0]
        load = services.load_create_from_erp(
            type="MANUAL",
            reference_date=timezone.localdate(),
            send_date=timezone.localdate(),
            template=template,
            user=user,
            confirm_repeat=True,
        )
    return {"seconds": time.perf_counter() - started, "rows": load.messages_created, "peak_mb": peak_mb()}


def measure_web_refusal(path: str, user) -> dict:
    """POST the file to the upload view as a browser does: the body streamed from disk through
    Django's request handling (the test client would build it in memory), the reader watched."""
    from django.test import Client
    from django.test.client import ClientHandler
    from django.urls import reverse

    from accounts import services as accounts
    from accounts.modules import Module
    from loads import services

    accounts.user_set_access(user=user, enabled=True, modules={Module.OPERATOR}, by=None)
    client = Client()
    client.force_login(user)
    calls = []
    original = services.load_preview_from_excel
    services.load_preview_from_excel = lambda **kwargs: calls.append(kwargs) or original(**kwargs)
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="send_date"\r\n\r\n{datetime.date.today()}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="clientes.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = Path(tempfile.mkdtemp(prefix="bench-web-")) / "body"
    with body.open("wb") as out, open(path, "rb") as source:
        out.write(head)
        while chunk := source.read(1 << 20):
            out.write(chunk)
        out.write(tail)
    started = time.perf_counter()
    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": reverse("loads:excel_upload"),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(body.stat().st_size),
            "HTTP_COOKIE": "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items()),
        }
        response = ClientHandler(enforce_csrf_checks=False)(environ)
    seconds = time.perf_counter() - started
    body.unlink()
    content = response.content.decode()
    return {
        "seconds": seconds,
        "status": response.status_code,
        "refused": "20 MB" in content,
        "reader_called": bool(calls),
        "upload_mb": os.path.getsize(path) / 2**20,
        "peak_mb": peak_mb(),
    }


def child(kind: str, path: str, url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smsmotor.settings", LOG_LEVEL="WARNING")
    env["ERP_SQLITE_DIR"] = str(Path(path).parent)  # the ERP's SQLite file must sit in that folder
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, path], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_database(url: str) -> None:
    """An empty, migrated benchmark database (MariaDB's is dropped and created again)."""
    if url.startswith("mysql"):
        name = url.rsplit("/", 1)[-1]
        subprocess.run(
            [
                "mysql",
                "--protocol=tcp",
                "-h127.0.0.1",
                "-uroot",
                "-e",
                f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4",
            ],
            check=True,
        )
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smsmotor.settings", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)


def seconds(measurements: list[dict]) -> str:
    return ", ".join(f"{figures['seconds']:.2f}" for figures in measurements)


def best(measurements: list[dict]) -> dict:
    return min(measurements, key=lambda figures: figures["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "mariadb", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(*options.measure)))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-loads-"))
    print(f"Making a {options.rows}-row .xlsx, a {CSV_ROWS}-row CSV and an ERP table in {folder}...")
    xlsx, big_csv, erp = make_files(folder, options.rows)
    print(f"  .xlsx {xlsx.stat().st_size / 2**20:.1f} MB, CSV {big_csv.stat().st_size / 2**20:.1f} MB")
    for name in ["sqlite", "mariadb"] if options.database == "both" else [options.database]:
        url = DATABASES[name].format(folder=folder)
        openpyxls, calamines, imports = [], [], []
        for _round in range(options.rounds):
            openpyxls.append(child("openpyxl", str(xlsx), "sqlite://"))
            calamines.append(child("calamine", str(xlsx), "sqlite://"))
            fresh_database(url)
            imports.append(child("excel", str(xlsx), url))
        raw, bare, whole = best(openpyxls), best(calamines), best(imports)
        print(
            f"{name}: openpyxl read-only {seconds(openpyxls)} s; calamine {seconds(calamines)} s;"
            f" import {seconds(imports)} s"
        )
        ratio = whole["seconds"] / raw["seconds"]
        peak = max(figures["peak_mb"] for figures in imports)
        print(
            f"== {name}: Excel import {whole['rows'] / whole['seconds']:.0f} rows/s ({whole['seconds']:.2f} s),"
            f" openpyxl pass {raw['seconds']:.2f} s ({raw['peak_mb']:.0f} MB),"
            f" calamine pass {bare['seconds']:.2f} s ({bare['peak_mb']:.0f} MB);"
            f" import/openpyxl {ratio:.2f}x [target <= 0.6x: {verdict(ratio <= 0.6)}],"
            f" import/calamine {whole['seconds'] / bare['seconds']:.1f}x,"
            f" peak {peak:.0f} MB [target < 150 MB: {verdict(peak < 150)}]"
        )
        fresh_database(url)
        big = child("csv", str(big_csv), url)
        print(
            f"== {name}: 60 MB CSV by import_excel: {big['rows']} messages in {big['seconds']:.1f} s,"
            f" peak {big['peak_mb']:.0f} MB [target < 300 MB: {verdict(big['peak_mb'] < 300)}]"
        )
        if name == "sqlite" or options.database == "mariadb":
            web = child("web", str(big_csv), url)
            ok = web["refused"] and not web["reader_called"]
            print(
                f"== {name}: the same {web['upload_mb']:.0f} MB CSV posted to the web: HTTP {web['status']},"
                f" refused for its size {web['refused']}, reader called {web['reader_called']},"
                f" {web['seconds']:.2f} s, peak {web['peak_mb']:.0f} MB [target: refused unread: {verdict(ok)}]"
            )
        load = child("erp", str(erp), url)
        erp_ok = load["rows"] > 0 and load["peak_mb"] < 300
        print(
            f"== {name}: ERP load {load['rows']} messages, {load['rows'] / load['seconds']:.0f} rows/s"
            f" ({load['seconds']:.1f} s), peak {load['peak_mb']:.0f} MB [target: runs, < 300 MB: {verdict(erp_ok)}]"
        )


if __name__ == "__main__":
    main()
