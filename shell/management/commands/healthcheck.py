import json as json_module

from django.core.management.base import BaseCommand

from shell.health import health_report


class Command(BaseCommand):
    help = "Check the database, the django-q cluster and every modem's heartbeat; exit 1 if one is down."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, **options):
        report = health_report()
        if options["json"]:
            self.stdout.write(json_module.dumps(report, indent=2))
        else:
            self._print(report)
        if not report["ok"]:
            raise SystemExit(1)

    def _print(self, report: dict) -> None:
        def line(ok: bool, text: str) -> None:
            self.stdout.write(f"{'OK  ' if ok else 'DOWN'} {text}")

        database = report["database"]
        line(database["ok"], f"database {database.get('vendor') or database.get('error')}")
        cluster = report["cluster"]
        if cluster is not None:
            detail = cluster.get("error") or f"outbox schedule late by {cluster['late_seconds']} s"
            line(cluster["ok"], f"django-q cluster ({detail})")
        for modem in report["modems"]:
            line(modem["ok"], f"modem {modem['name']} ({modem['state']}, heartbeat {modem['heartbeat_at'] or 'never'})")
