"""A simulated USB GSM modem on a pseudo-terminal, for tests, benchmarks and the demo.

    modem = SimulatedModem(latency=0)
    device = modem.start(link="/tmp/modem0")   # open /tmp/modem0 (or device) with pyserial
    modem.inject_sms("+59170000288", "Hola")     # +CMTI: "SM",0 on the port
    modem.unplug(); modem.replug()               # the USB modem pulled out and put back
    modem.stop()

One thread serves the pty with select() and short timeouts, so a driver that hangs, closes or
reopens the port never blocks it. The AT commands themselves are in `interpreter.py`.
Every public method is thread-safe: tests call them while the modem serves.

Like a USB modem, it keeps what it says while nobody has the port open (a +CMGS answer to a
client that wrote its PDU and left, a +CMTI, the start-up notices) and hands it to the next
client once that one is listening, after pyserial's flush on open: right after its first
write, or a moment after it opened. What a client had received but not read when it closed is
lost, as the tty layer flushes it. (Linux: inotify tells who opens the device; elsewhere the
output simply flows.)
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import random
import select
import struct
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from simulators.interpreter import AtInterpreter
from simulators.settings import NetworkReport, SentSms, Settings, StoredSms

logger = logging.getLogger("smsmotor.simulators")

POLL_SECONDS = 0.2  # the longest the loop sleeps without looking at stop/unplug requests
MAX_PENDING_OUTPUT = 64 * 1024  # unread answers kept for a driver that stopped reading
OPEN_GRACE = 0.3  # seconds after a client opens before kept output flows even if it never writes


class SimulatedModem:
    """A modem of one of `profiles.PROFILES` (default "huawei", an E173) answering AT commands on a pty.

    Keyword arguments are `Settings` fields: profile, latency (seconds per send, 0 for
    benchmarks), cms_error_rate, error_code, no_credit, sim_missing, pin, rssi, operator,
    delivery_reports, report_delay... `seed` makes the fault rate repeatable.
    """

    def __init__(self, *, seed: int | None = None, **settings: Any):
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._output = bytearray()
        self._master: int | None = None
        self._slave: int | None = None
        self._device: str | None = None
        self._link: str | None = None
        self._generation = 0  # bumped at each unplug/replug: the loop drops a stale fd
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._interpreter = AtInterpreter(Settings(**settings), emit=self._emit, rng=random.Random(seed))
        self._watch = PortWatch()
        self._release_at: float | None = None  # a client opened: kept output flows from then

    # Life cycle -----------------------------------------------------------------------------
    def start(self, link: str | None = None) -> str:
        """Open the pty and serve it; returns the device to open. `link` becomes a symlink to it."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("the simulated modem is already started")
            self._link = link
            self._plug()
            self._thread = threading.Thread(target=self._serve, name="simulated-modem", daemon=True)
            self._thread.start()
            return self._device

    def stop(self) -> None:
        """Stop serving, close the pty and remove the link. Safe to call twice."""
        self._stopping.set()
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._lock:
            self._unplug()
            for fd in (self._wake_read, self._wake_write):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._wake_read = self._wake_write = -1
            self._watch.close()

    def __enter__(self) -> SimulatedModem:
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """The USB modem pulled out: the pty vanishes (the driver's reads and writes fail) and the
        link is removed. Stored SMS stay on the SIM; SMS injected meanwhile wait in the network."""
        with self._lock:
            self._unplug()

    def replug(self) -> str:
        """Plugged back in: a new pty (the link points to it) and a freshly powered modem, which
        asks for its PIN again and has lost ATE0, CMEE, CNMI... Returns the new device."""
        with self._lock:
            self._unplug()
            self._plug()
            return self._device

    # Control --------------------------------------------------------------------------------
    @property
    def device(self) -> str | None:
        return self._device

    @property
    def link(self) -> str | None:
        return self._link

    @property
    def settings(self) -> Settings:
        with self._lock:
            return replace(self._interpreter.settings)

    def set(self, **settings: Any) -> None:
        """Change settings (faults, signal, latency...) while serving, e.g. set(no_credit=True)."""
        with self._lock:
            self._interpreter.update(**settings)

    def snapshot(self) -> dict[str, Any]:
        """Device, link and settings, for the control socket and logs."""
        with self._lock:
            return {"device": self._device, "link": self._link, "settings": asdict(self._interpreter.settings)}

    @property
    def sent(self) -> list[SentSms]:
        """Every send the network accepted, oldest first."""
        with self._lock:
            return list(self._interpreter.sent)

    @property
    def stored(self) -> list[StoredSms]:
        """What is in the modem's memories (SIM first, then ME and SR), by position."""
        with self._lock:
            return [replace(store[index]) for store in self._interpreter.memories.values() for index in sorted(store)]

    @property
    def reports(self) -> list[NetworkReport]:
        """Every delivery report the network generated, oldest first (delivered to the port or not)."""
        with self._lock:
            return list(self._interpreter.reports)

    def preload(self, number: str, text: str, *, stat: int = 1, memory: str = "SM", **extra: Any) -> int:
        """Put a message in a memory as if it had been there: stat 0/1 received, 2 an unsent
        draft, 3 a sent copy. Returns its position."""
        return self._call(self._interpreter.preload, number=number, text=text, stat=stat, memory=memory, **extra)

    def wait_for_sent(self, count: int, timeout: float = 5.0) -> list[SentSms]:
        """Block until at least `count` sends were accepted; TimeoutError after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._interpreter.sent) >= count, timeout):
                raise TimeoutError(f"{len(self._interpreter.sent)} of {count} sends after {timeout} s")
            return list(self._interpreter.sent)

    def inject_sms(self, sender: str, text: str, timestamp: datetime | None = None) -> list[str]:
        """An incoming SMS: stored and announced (+CMTI) or delivered (+CMT) as AT+CNMI says.
        A long text arrives as several parts with one concatenation reference. Returns the PDUs."""
        return self._call(self._interpreter.inject_sms, sender, text, timestamp)

    def inject_status_report(self, reference: int, recipient: str, status: int = 0) -> str:
        """A delivery report for message reference `reference` (+CDS, or stored with +CDSI)."""
        return self._call(self._interpreter.inject_status_report, reference, recipient, status)

    def ring(self, number: str, *, times: int = 2, interval: float | None = None) -> None:
        """An incoming call: RING (+ +CLIP with the number after AT+CLIP=1), `times` times."""
        self._call(self._interpreter.ring, number, times, interval)

    def on_next_send(self, action: Callable[[], None], *, when: str = "answer") -> None:
        """Run `action` in the middle of the next AT+CMGS, to put unsolicited lines where a real
        modem may: when="answer" while the network has the PDU (between it and +CMGS),
        when="prompt" between the AT+CMGS=<n> line and the "> " prompt. E.g.
        `modem.on_next_send(lambda: modem.ring("+59170000288"))`."""
        self._call(self._interpreter.on_next_send, action, when)

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            result = method(*args, **kwargs)
            self._changed.notify_all()
        self._wake()
        return result

    # The pty --------------------------------------------------------------------------------
    def _plug(self) -> None:
        master, slave = os.openpty()
        # Raw at once: with the default ECHO the line discipline would hand our own answers back.
        tty.setraw(slave)
        os.set_blocking(master, False)
        # We keep the slave open ourselves: the master then never reads EIO (nor loses the
        # settings) while the driver closes and reopens the port.
        self._master, self._slave = master, slave
        self._device = os.ttyname(slave)
        os.set_blocking(slave, False)  # ours only: to drain what a client left unread
        self._watch.watch(self._device)
        self._release_at = None
        self._generation += 1
        if self._link:
            point_link(self._link, self._device)
        self._interpreter.power_on()
        logger.info("simulated modem on %s%s", self._device, f" ({self._link})" if self._link else "")
        self._wake()

    def _unplug(self) -> None:
        if self._master is None:
            return
        self._interpreter.power_off()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._link and os.path.islink(self._link) and os.readlink(self._link) == self._device:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._link)
        self._master = self._slave = None
        self._output.clear()
        self._generation += 1
        self._wake()

    def _emit(self, data: bytes) -> None:
        """What the modem says (called by the interpreter, under the lock)."""
        if self._master is None:
            return
        self._output += data
        if len(self._output) > MAX_PENDING_OUTPUT:
            del self._output[:-MAX_PENDING_OUTPUT]
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # the pipe is full (already woken) or closed (stopped)
            os.write(self._wake_write, b"!")

    # Who listens --------------------------------------------------------------------------
    def _listening(self) -> bool:
        """May what the modem says go into the pty now?"""
        if not self._watch.available:
            return True
        if self._watch.clients == 0:
            return False
        if self._release_at is not None and time.monotonic() >= self._release_at:
            self._release_at = None
        return self._release_at is None

    def _port_events(self) -> None:
        for event in self._watch.events():
            if event == "open" and self._watch.clients == 1:
                self._release_at = time.monotonic() + OPEN_GRACE  # after its flush on open
            elif event == "close" and self._watch.clients == 0 and self._slave is not None:
                with contextlib.suppress(OSError):
                    while os.read(self._slave, 4096):  # received but unread: lost on close
                        pass

    def _serve(self) -> None:
        resting_until = 0.0  # after EIO: nobody on the other side, look again a bit later
        while not self._stopping.is_set():
            with self._lock:
                master, generation = self._master, self._generation
                timeout = self._interpreter.next_timeout()
                writing = master is not None and bool(self._output) and self._listening()
                if self._release_at is not None and self._output:
                    grace = max(0.0, self._release_at - time.monotonic())
                    timeout = grace if timeout is None else min(timeout, grace)
            timeout = POLL_SECONDS if timeout is None else min(timeout, POLL_SECONDS)
            reading = [self._wake_read]
            if self._watch.available:
                reading.append(self._watch.fd)
            if master is not None and time.monotonic() >= resting_until:
                reading.append(master)
            try:
                readable, writable, _ = select.select(reading, [master] if writing else [], [], timeout)
            except (OSError, ValueError):  # an fd closed by unplug() or stop() meanwhile
                continue
            if self._wake_read in readable:
                with contextlib.suppress(OSError):
                    os.read(self._wake_read, 4096)
            with self._lock:
                if self._watch.fd in readable:
                    self._port_events()
                if generation == self._generation and master is not None:
                    if master in readable and not self._read(master):
                        resting_until = time.monotonic() + 0.05
                    if master in writable and self._listening():
                        self._flush(master)
                self._interpreter.run_due()
                self._changed.notify_all()

    def _read(self, master: int) -> bool:
        try:
            data = os.read(master, 4096)
        except BlockingIOError:
            return True
        except OSError as exc:
            if exc.errno != errno.EIO:
                logger.warning("simulated modem: reading the pty failed: %s", exc)
            return False
        if not data:
            return False
        self._release_at = None  # the client writes: it has flushed and listens
        self._interpreter.receive(data)
        return True

    def _flush(self, master: int) -> None:
        try:
            written = os.write(master, self._output)
        except BlockingIOError:
            return  # the driver is not reading: keep it for later
        except OSError as exc:
            logger.debug("simulated modem: writing the pty failed: %s", exc)
            self._output.clear()
            return
        del self._output[:written]


class PortWatch:
    """Counts the clients that have the pty open, from inotify's open and close events on its
    device file. Where inotify is missing, `available` is False and nobody is counted."""

    OPEN, CLOSE_WRITE, CLOSE_NOWRITE = 0x20, 0x08, 0x10
    EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)

    def __init__(self) -> None:
        self.clients = 0
        self._wd = -1
        try:
            self._libc = ctypes.CDLL(None, use_errno=True)
            self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            self.fd = -1

    @property
    def available(self) -> bool:
        return self.fd >= 0

    def watch(self, path: str) -> None:
        """Count the clients of `path` from now on (our own open of it is not counted)."""
        self.clients = 0
        if self.available:
            mask = self.OPEN | self.CLOSE_WRITE | self.CLOSE_NOWRITE
            self._wd = self._libc.inotify_add_watch(self.fd, os.fsencode(path), mask)

    def events(self) -> list[str]:
        """ "open" / "close" for each event since the last call, counting clients."""
        try:
            data = os.read(self.fd, 4096)
        except OSError:
            return []
        found, position = [], 0
        while position + self.EVENT.size <= len(data):
            wd, mask, _, length = self.EVENT.unpack_from(data, position)
            position += self.EVENT.size + length
            if wd != self._wd:
                continue  # a pty of before the last replug
            if mask & self.OPEN:
                self.clients += 1
                found.append("open")
            if mask & (self.CLOSE_WRITE | self.CLOSE_NOWRITE):
                self.clients = max(0, self.clients - 1)
                found.append("close")
        return found

    def close(self) -> None:
        if self.available:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


def point_link(link: str, target: str) -> None:
    """Make `link` a symlink to `target`, atomically; never clobber a real file or device."""
    if os.path.lexists(link) and not os.path.islink(link):
        raise FileExistsError(f"{link} exists and is not a symlink: not replacing it")
    temporary = f"{link}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.symlink(target, temporary)
    os.replace(temporary, link)
