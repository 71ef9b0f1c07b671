"""Load benchmark: a 100 000-row Excel import and a 100 000-row ERP load.

    .venv/bin/python bench/loads.py [--rows 100000] [--database sqlite|mariadb|both] [--rounds 3]

Prints rows per second, peak memory (RSS) and, for Excel, the ratio to simply reading the
same file with openpyxl in read-only mode. Targets: within 2x of the raw read, peak memory
under 300 MB. Each measurement runs in its own process so that peak memory is its own.
This 2-core machine's timings wander by +-20 % from run to run, so the raw read and the
import are measured in alternation, `--rounds` times each (each import into a fresh
database), and the best time of each is compared; every figure is printed.
"""

import argparse
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
from common import DATABASES, fresh_database, verdict  # noqa: E402 - bench/ is the script folder

TEXT = "Estimado {name}, su cuota {n} de Bs {amount} vence el 30/11/2026. Gracias por su puntualidad."
NAMES = ["Juan Pérez", "Ana Núñez", "Carlos Rojas", "María Fernández", "Luis Choque"]


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clientes")
    sheet.append(["Teléfono", "Mensaje", "Nombre", "Monto"])
    for i in range(rows):
        name = NAMES[i % len(NAMES)]
        sheet.append([float(70000000 + i), TEXT.format(name=name, n=i % 12 + 1, amount=150 + i % 900), name, 150.5])
    xlsx = folder / "clientes.xlsx"
    book.save(xlsx)
    erp = folder / "erp.sqlite3"
    with sqlite3.connect(erp) as db:
        db.execute(
            "CREATE TABLE cuotas (telefono TEXT, nombre TEXT, numerocuota INT, montocuota NUMERIC,"
            " moneda TEXT, vence DATE)"
        )
        db.executemany(
            "INSERT INTO cuotas VALUES (?, ?, ?, ?, 'Bs', '2026-12-01')",
            ((str(70000000 + i), NAMES[i % 5], i % 12 + 1, 150 + i % 900) for i in range(rows)),
        )
    return xlsx, erp


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: str) -> dict:
    """Run in a child process: one measurement, printed as JSON."""
    started = time.perf_counter()
    if kind == "raw":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True)) - 1
        return {"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": peak_mb()}
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from loads import services
    from loads.models import IntegrationSource, Template

    user = get_user_model().objects.get_or_create(username="bench")[0]
    started = time.perf_counter()  # the import itself, not Django's start-up
    if kind == "excel":
        with open(path, "rb") as file:
            load = services.load_create_from_excel(
                file=file, file_name="clientes.xlsx", user=user, send_date=timezone.localdate()
            )
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


def child(kind: str, path: str, url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smsmotor.settings", LOG_LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, path], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def seconds(measurements: list[dict]) -> str:
    return ", ".join(f"{figures['seconds']:.2f}" for figures in measurements)


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
    print(f"Making a {options.rows}-row Excel file and ERP table in {folder}...")
    xlsx, erp = make_files(folder, options.rows)
    for name in ["sqlite", "mariadb"] if options.database == "both" else [options.database]:
        url = DATABASES[name].format(folder=folder)
        raws, excels = [], []
        for _round in range(options.rounds):
            raws.append(child("raw", str(xlsx), "sqlite://"))
            fresh_database(url)
            excels.append(child("excel", str(xlsx), url))
        raw = min(raws, key=lambda figures: figures["seconds"])
        excel = min(excels, key=lambda figures: figures["seconds"])
        print(f"{name}: raw openpyxl read-only {seconds(raws)} s; import {seconds(excels)} s")
        ratio = excel["seconds"] / raw["seconds"]
        peak = max(figures["peak_mb"] for figures in excels)
        print(
            f"== {name}: Excel import {excel['rows'] / excel['seconds']:.0f} rows/s ({excel['seconds']:.1f} s),"
            f" raw read {raw['rows'] / raw['seconds']:.0f} rows/s ({raw['seconds']:.1f} s, {raw['peak_mb']:.0f} MB),"
            f" best against best {ratio:.2f}x [target < 2x: {verdict(ratio < 2)}],"
            f" peak {peak:.0f} MB [target < 300 MB: {verdict(peak < 300)}]"
        )
        load = child("erp", str(erp), url)
        print(
            f"== {name}: ERP load {load['rows'] / load['seconds']:.0f} rows/s ({load['seconds']:.1f} s),"
            f" peak {load['peak_mb']:.0f} MB [target < 300 MB: {verdict(load['peak_mb'] < 300)}]"
        )


if __name__ == "__main__":
    main()
