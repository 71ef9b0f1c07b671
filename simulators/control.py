"""Drive a simulated modem that runs in another process, through a UNIX socket.

One JSON object per line each way:

    {"cmd": "inject_sms", "sender": "+59170000288", "text": "Hola"}   -> {"ok": true, "parts": 1}
    {"cmd": "ring", "number": "+59170000288"}                        -> {"ok": true}
    {"cmd": "unplug"} / {"cmd": "replug"}                            -> {"ok": true, "device": ...}
    {"cmd": "set", "no_credit": true}                                -> {"ok": true}
    {"cmd": "sent"}                                                  -> {"ok": true, "sent": [...]}
    {"cmd": "reports"}   the delivery reports the network generated  -> {"ok": true, "reports": [...]}
    {"cmd": "preload", "number": "+591...", "text": "Borrador", "stat": 2}  -> {"ok": true, "index": 1}
    {"cmd": "set", "sim_state_override": "PH-NET PIN"}, {"cmd": "set", "ussd_style": "ucs2"} (any Settings field)
    {"cmd": "profiles"}                                              -> {"ok": true, "profiles": {...}}
    {"cmd": "stored"}, {"cmd": "status"}, {"cmd": "status_report", "reference": 3, "recipient": "..."}
    {"cmd": "on_next_send", "action": {"cmd": "ring", ...}, "when": "answer"}
    anything wrong                                                   -> {"ok": false, "error": "..."}

    from simulators import control
    control.send("/tmp/modem0.ctl", cmd="inject_sms", sender="+59170000288", text="Hola")
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import stat
import threading
from datetime import datetime
from typing import Any

from simulators.profiles import PROFILES
from simulators.simulator import SimulatedModem

logger = logging.getLogger("smsmotor.simulators")


class ControlError(Exception):
    """The simulator refused a control command."""


def send(path: str, /, *, timeout: float = 5.0, **request: Any) -> dict[str, Any]:
    """Send one command (`cmd=...` and its fields) to the simulator at `path`; its JSON reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(json.dumps(request).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    answer = json.loads(reply)
    if not answer.get("ok"):
        raise ControlError(answer.get("error", "no reason given"))
    return answer


class ControlServer:
    """Serves the control socket of one simulated modem, in its own threads."""

    def __init__(self, modem: SimulatedModem, path: str):
        self.modem = modem
        self.path = path
        self._socket: socket.socket | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if os.path.exists(self.path) and stat.S_ISSOCK(os.stat(self.path).st_mode):
            os.unlink(self.path)  # left by a simulator that was killed
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.bind(self.path)
        self._socket.listen()
        self._socket.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, name="simulated-modem-control", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._socket is not None:
            self._socket.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._converse, args=(connection,), daemon=True).start()

    def _converse(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rwb") as stream:
            for line in stream:
                try:
                    reply = self.handle(json.loads(line))
                except Exception as exc:  # a bad request must not kill the simulator
                    reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                stream.write(json.dumps(reply).encode() + b"\n")
                stream.flush()

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        request = dict(request)
        command = request.pop("cmd", None)
        modem = self.modem
        if command == "inject_sms":
            timestamp = request.get("timestamp")
            parts = modem.inject_sms(
                request["sender"], request["text"], datetime.fromisoformat(timestamp) if timestamp else None
            )
            return {"ok": True, "parts": len(parts)}
        if command == "ring":
            modem.ring(request["number"], times=request.get("times", 2), interval=request.get("interval"))
        elif command == "status_report":
            modem.inject_status_report(request["reference"], request["recipient"], request.get("status", 0))
        elif command == "unplug":
            modem.unplug()
        elif command == "replug":
            return {"ok": True, "device": modem.replug()}
        elif command == "set":
            modem.set(**request)
        elif command == "sent":
            return {"ok": True, "sent": [sms.to_json() for sms in modem.sent]}
        elif command == "reports":
            return {"ok": True, "reports": [report.to_json() for report in modem.reports]}
        elif command == "preload":
            return {"ok": True, "index": modem.preload(**request)}
        elif command == "profiles":
            return {"ok": True, "profiles": {name: f"{p.family}: {p.models}" for name, p in PROFILES.items()}}
        elif command == "stored":
            return {"ok": True, "stored": [sms.to_json() for sms in modem.stored]}
        elif command == "status":
            return {"ok": True, **modem.snapshot()}
        elif command == "on_next_send":
            action = request["action"]
            modem.on_next_send(lambda: self.handle(action), when=request.get("when", "answer"))
        else:
            return {"ok": False, "error": f"unknown command {command!r}"}
        return {"ok": True}
