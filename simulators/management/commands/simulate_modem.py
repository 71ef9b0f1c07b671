import argparse
import os
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from simulators.android import SimulatedPhone
from simulators.control import ControlServer
from simulators.hilink import SimulatedStick
from simulators.profiles import PROFILES
from simulators.settings import NO_CREDIT_CODE, SIM_STATES
from simulators.simulator import SimulatedModem
from simulators.smsc import SimulatedSmsc

PROFILE_HELP = "; ".join(f"{name}: {profile.family} {profile.models}" for name, profile in PROFILES.items())


class Command(BaseCommand):
    help = (
        "Run a simulated USB GSM modem or phone (one of the --profile families) on a pseudo-terminal "
        "until SIGTERM/Ctrl+C. Prints the device on the first line; --link makes a stable path to it. "
        "With --hilink, a simulated Huawei HiLink LTE stick on a loopback port instead (prints its URL); with "
        "--android, a phone running SMS Gateway for Android; with --smsc, an operator's SMPP server."
    )
    requires_system_checks = []  # it touches neither the database nor the apps

    def add_arguments(self, parser):
        parser.add_argument("--link", help="Make this path a symlink to the device (removed at exit)")
        parser.add_argument("--control", help="Control socket (default: <link>.ctl; none without --link)")
        parser.add_argument("--latency", type=float, default=2.0, help="Seconds the network takes per SMS")
        parser.add_argument("--zero-latency", action="store_true", help="No delays at all (benchmarks)")
        parser.add_argument("--error-rate", type=float, default=0.0, help="Share of sends that fail (0-1)")
        parser.add_argument("--error-code", type=int, default=500, help="The +CMS ERROR code of those failures")
        parser.add_argument(
            "--no-credit", action="store_true", help=f"Every send fails with +CMS ERROR: {NO_CREDIT_CODE}"
        )
        parser.add_argument("--sim-missing", action="store_true", help="No SIM card in the modem")
        parser.add_argument("--pin", help="The SIM asks for this PIN")
        parser.add_argument("--rssi", type=int, default=20, help="Signal for AT+CSQ, 0-31 (99: no network)")
        parser.add_argument("--operator", default="ENTEL", help="ENTEL, VIVA or TIGO")
        parser.add_argument("--profile", choices=list(PROFILES), default="huawei", help=PROFILE_HELP)
        parser.add_argument(
            "--sim-busy", type=float, help="Seconds the SIM stays busy after power-on (default: the profile's)"
        )
        parser.add_argument("--sim-state", choices=SIM_STATES, help="Put the SIM in this +CPIN? state")
        parser.add_argument(
            "--boot-urcs", action=argparse.BooleanOptionalAction, help="Start-up notices (default: the profile's)"
        )
        parser.add_argument("--seed", type=int, help="Make the error rate repeatable")
        parser.add_argument(
            "--hilink", action="store_true", help="A HiLink stick (HTTP/XML API on 127.0.0.1) instead of an AT modem"
        )
        parser.add_argument("--http-port", type=int, default=0, help="With --hilink: the port (default: a free one)")
        parser.add_argument("--password", help="With --hilink: the stick's web password (default: none)")
        parser.add_argument("--android", action="store_true", help="An Android phone (SMS Gateway app) instead")
        parser.add_argument("--smsc", action="store_true", help="An SMPP server (SMSC) instead")
        parser.add_argument(
            "--per-minute", type=int, default=30, help="With --android: SMS per minute the phone sends (Android: 30)"
        )
        parser.add_argument("--smpp-port", type=int, default=0, help="With --smsc: the port (default: a free one)")

    def handle(self, *args, **opts):
        if opts["hilink"]:
            return self.serve_hilink(opts)
        if opts["android"]:
            return self.serve_android(opts)
        if opts["smsc"]:
            return self.serve_smsc(opts)
        try:
            modem = SimulatedModem(
                latency=0.0 if opts["zero_latency"] else opts["latency"],
                cms_error_rate=opts["error_rate"],
                error_code=opts["error_code"],
                no_credit=opts["no_credit"],
                sim_missing=opts["sim_missing"],
                pin=opts["pin"],
                rssi=opts["rssi"],
                operator=opts["operator"].upper(),
                profile=opts["profile"],
                sim_busy_seconds=opts["sim_busy"],
                sim_state_override=opts["sim_state"] or "",
                boot_urcs=opts["boot_urcs"],
                seed=opts["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        link = opts["link"] and os.path.abspath(opts["link"])
        control_path = opts["control"] or (link and f"{link}.ctl")
        self.catch_signals()

        try:
            device = modem.start(link)
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        control = ControlServer(modem, control_path) if control_path else None
        description = (
            f"Simulated {modem.settings.manufacturer} {modem.settings.model} on {device}"
            + (f", linked from {link}" if link else "")
            + (f", control socket {control_path}" if control else "")
        )
        self.serve_until_signal(modem, control, device, description)

    def serve_hilink(self, opts):
        """A HiLink stick; --control serves the same JSON commands as for a modem (inject_sms, unplug,
        replug, set, sent, reports, stored, status)."""
        self.catch_signals()
        try:
            stick = SimulatedStick(
                latency=0.0 if opts["zero_latency"] else opts["latency"],
                password=opts["password"],
                operator=opts["operator"].upper(),
                seed=opts["seed"],
            )
            url = stick.start(port=opts["http_port"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        control = ControlServer(stick, opts["control"]) if opts["control"] else None
        description = f"Simulated HiLink {stick.settings.device_name} at {url}" + (
            f", control socket {opts['control']}" if control else ""
        )
        self.serve_until_signal(stick, control, url, description)

    def serve_android(self, opts):
        """A phone running SMS Gateway for Android: user "sms", password --password (default "clave")."""
        self.catch_signals()
        latency = 0.0 if opts["zero_latency"] else opts["latency"]
        try:
            phone = SimulatedPhone(
                seed=opts["seed"], latency=latency, password=opts["password"] or "clave", per_minute=opts["per_minute"]
            )
            url = phone.start(port=opts["http_port"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.serve_until_signal(phone, None, url, f"Simulated Android phone at {url} (user sms)")

    def serve_smsc(self, opts):
        """An SMPP 3.4 server for the account "smsmotor", password --password (default "clave")."""
        self.catch_signals()
        latency = 0.0 if opts["zero_latency"] else opts["latency"]
        try:
            smsc = SimulatedSmsc(password=opts["password"] or "clave", latency=latency, report_delay=latency)
            host, port = smsc.start(port=opts["smpp_port"])
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.serve_until_signal(smsc, None, f"{host}:{port}", f"Simulated SMSC at {host}:{port} (system_id smsmotor)")

    def serve_until_signal(self, simulator, control, first_line, description):
        """Say where the simulator is and serve until SIGTERM/Ctrl+C; then stop it and its control socket."""
        try:
            if control is not None:
                control.start()
            self.stdout.write(first_line)
            self.stdout.write(f"{description}. Ctrl+C stops it.")
            self.stdout.flush()
            while not self.stopping.wait(0.5):
                pass
        finally:
            if control is not None:
                control.stop()
            simulator.stop()

    def catch_signals(self):
        self.stopping = threading.Event()
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)

    def on_signal(self, signum, frame):
        self.stopping.set()
