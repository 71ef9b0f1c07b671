"""The production pieces: systemd units that run real commands, Redis as django-q's broker."""

import configparser
import shlex
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands
from django.test import SimpleTestCase

DEPLOY = Path(settings.BASE_DIR) / "deploy"


class SystemdUnitsTestCase(SimpleTestCase):
    def units(self) -> dict[str, configparser.ConfigParser]:
        units = {}
        for path in sorted((DEPLOY / "systemd").glob("*.service")):
            parser = configparser.ConfigParser(strict=False, interpolation=None)
            parser.optionxform = str
            parser.read(path)
            units[path.name] = parser
        return units

    def test_each_unit_runs_an_existing_command_restarts_and_reads_the_environment(self):
        units = self.units()
        self.assertEqual(set(units), {"smsmotor-web.service", "smsmotor-cluster.service", "smsmotor-modem@.service"})
        commands = get_commands()
        for name, unit in units.items():
            with self.subTest(unit=name):
                service = unit["Service"]
                self.assertIn(service["Restart"], ("on-failure", "always"))
                self.assertEqual(service["EnvironmentFile"], "/etc/smsmotor/env")
                argv = shlex.split(service["ExecStart"])
                if "manage.py" in argv:
                    self.assertIn(argv[argv.index("manage.py") + 1], commands)
                else:
                    self.assertTrue(argv[0].endswith("/gunicorn"))
                    self.assertIn("smsmotor.wsgi", argv)
        modem = units["smsmotor-modem@.service"]["Service"]
        self.assertIn("--port /dev/%I", modem["ExecStart"])  # one instance per port
        self.assertEqual(modem["KillSignal"], "SIGTERM")

    def test_the_environment_example_names_the_production_settings(self):
        text = (DEPLOY / "env.example").read_text()
        for name in [
            "DJANGO_SETTINGS_MODULE=smsmotor.settings_production",
            "SECRET_KEY=",
            "DATABASE_URL=",
            "ENCRYPTION_KEY=",
        ]:
            self.assertIn(name, text)


class RedisBrokerTestCase(SimpleTestCase):
    """django-q's Redis broker against the Redis on 127.0.0.1:6379."""

    def test_a_task_goes_through_redis(self):
        from unittest import mock

        from django_q.brokers.redis_broker import Redis
        from django_q.conf import Conf

        name = f"smsmotor-test-{uuid.uuid4().hex[:8]}"
        # What Q_BROKER=redis gives (smsmotor.settings); this test process runs on the ORM broker.
        with (
            mock.patch.object(Conf, "REDIS", "redis://127.0.0.1:6379/5"),
            mock.patch.object(Conf, "DJANGO_REDIS", None),
        ):
            broker = Redis(list_key=name)
            try:
                self.assertTrue(broker.ping())
                broker.enqueue("payload-1")
                self.assertEqual(broker.queue_size(), 1)
                ((_id, task),) = broker.dequeue()
                self.assertEqual(task, b"payload-1")
            finally:
                broker.delete_queue()
