"""What the benchmarks share: the databases they run on and how they print a verdict."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASES = {
    "sqlite": "sqlite:///{folder}/bench.sqlite3",
    "mariadb": "mysql://root@127.0.0.1:3306/smsmotor_bench",
}


def fresh_database(url: str) -> None:
    """An empty, migrated benchmark database (MariaDB's is dropped and created again)."""
    if url.startswith("mysql"):
        subprocess.run(
            [
                "mysql",
                "--protocol=tcp",
                "-h127.0.0.1",
                "-uroot",
                "-e",
                "DROP DATABASE IF EXISTS smsmotor_bench; CREATE DATABASE smsmotor_bench CHARACTER SET utf8mb4",
            ],
            check=True,
        )
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smsmotor.settings", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)


def verdict(ok: bool) -> str:
    return "OK" if ok else "NOT MET"
