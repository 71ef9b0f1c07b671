"""The one interface the worker drives, whatever the line is: an AT modem on a serial port, a
HiLink stick's web API, an Android phone, an SMPP account. Plain Python, no Django.

The worker owns the message's fate in the database (claim, handed, sent, unknown, retried) and
the pacing; a transport only talks to its device and says, for each send, what happened:

- `submit()` returns the parts' references when the device took the message;
- it raises `SubmitFailed` otherwise, saying whether the message certainly did not leave
  (`refused`), whose fault it is (`kind`: the message's, a passing condition, the device's),
  whether the line itself refused (no credit, barred: `line_refusal`), which parts did leave
  (`references`) and whether to reconnect. `on_handed` is called right before the step that may
  send the message; the worker marks the message handed there, so a crash afterwards leaves it
  "may have been sent" (UNKNOWN) and never sends it again by itself.

What arrives (`events()`, `stored()`) comes as plain events. The worker saves them, and only then
calls `settle()` so the transport may delete or acknowledge them on the device: a crash in
between reads them again, never loses them.
"""

from __future__ import annotations

import abc
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar


def gettext_noop(text: str) -> str:
    """Marks a string for translation (picked up by makemessages); translated when shown."""
    return text


class ErrorKind(Enum):
    # Retrying this message later may work (network busy, temporary failure).
    TRANSIENT = "transient"
    # This message will never go (bad number, barred, invalid PDU): fail it.
    PERMANENT = "permanent"
    # The device or SIM is not usable (no SIM, PIN, no network): keep the message, fix the device.
    MODEM = "modem"


class TransportError(Exception):
    """Anything that went wrong with a line. `reason` is a translatable English sentence for office
    clerks (with `params`), the device's own words stay in `detail`."""

    kind = ErrorKind.MODEM

    def __init__(self, reason: str, detail: str = "", **params: Any):
        super().__init__(f"{reason % params if params else reason} {detail}".strip())
        self.reason = reason
        self.detail = detail
        self.params = params


class SecretRejected(TransportError):
    """The device refused the PIN or password of the settings: trying it again could lock the SIM
    or the device (PUK, login lockout), so the worker does not until the setting changes."""


class Unencodable(TransportError):
    """The text cannot be sent on this line (it will never go: fail the message)."""

    kind = ErrorKind.PERMANENT


class SubmitFailed(TransportError):
    """A send that did not end with the device's acceptance. See the module docstring."""

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        refused: bool,
        kind: ErrorKind,
        references: Sequence[str] = (),
        line_refusal: bool = False,
        reconnect: bool = False,
        retry_after: float = 0.0,
        **params: Any,
    ):
        super().__init__(reason, detail, **params)
        self.refused = refused  # the message certainly did not leave (the parts in `references` did)
        self.kind = kind
        self.references = list(references)
        self.line_refusal = line_refusal
        self.reconnect = reconnect
        self.retry_after = retry_after  # seconds the line asks us to wait before the next send (throttling)


@dataclass(frozen=True)
class Capabilities:
    delivery_reports: bool = True
    ussd: bool = True
    calls: bool = False
    references: bool = True  # reports name the reference submit() returned (else: matched by number and time)
    splits_itself: bool = False  # the device splits long texts into parts (we only count them)
    per_minute: int = 0  # the device's own limit (0: none known); the modem's settings may be lower
    # How many messages may be in flight at once (SMPP's window): above 1 the worker hands the line
    # batches through submit_window() and writes their fates together.
    window: int = 1
    recall: bool = False  # recall() can say what became of an uncertain send, asked by our id


@dataclass(frozen=True)
class Outgoing:
    """One message of a batch for submit_window(). `ident`: our own id for it (see submit())."""

    phone: str
    text: str
    ident: str = ""


@dataclass(frozen=True)
class Signal:
    dbm: int | None = None
    bars: int = 0


@dataclass(frozen=True)
class LineStatus:
    """Who the device is and how it is, for the Modem tab and the status bar."""

    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    imei: str = ""
    operator: str = ""
    signal: Signal = Signal()
    where: str = ""  # the port or the address, as the activity log says it


@dataclass(frozen=True)
class Concat:
    """Part `sequence` (from 1) of `total` of a long incoming message, the parts sharing `reference`."""

    reference: int
    total: int
    sequence: int


@dataclass(frozen=True)
class Note:
    """Something odd about an incoming message: an English template for translation, and its parameters."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


# Events: `handle` is the transport's own token for settle() (None: nothing to do on the device).
@dataclass(frozen=True)
class Incoming:
    sender: str
    text: str
    received_at: datetime.datetime | None  # None: unknown, the worker uses the arrival time
    concat: Concat | None = None
    notes: tuple[Note, ...] = ()
    raw: str = ""  # the message as the device gave it, kept when something could not be read
    handle: Any = None


@dataclass(frozen=True)
class Unreadable:
    """Something arrived that cannot be read: kept as it came, with the reason."""

    raw: str
    error: str
    handle: Any = None


@dataclass(frozen=True)
class DeliveryReport:
    reference: str  # "" when the line gives none: matched by recipient and time
    status: int | None  # TP-ST (TS 23.040 9.2.3.15) or the nearest equivalent
    delivered: bool
    final: bool
    recipient: str = ""
    submitted_at: datetime.datetime | None = None
    handle: Any = None
    # Other spellings of the same reference, tried when `reference` matches no part: an SMSC may
    # give a message id in hexadecimal when it takes the message and in decimal in its receipt.
    alternatives: tuple[str, ...] = ()
    # The report covers every part of the message (a line that split the text itself and reports
    # on the whole message: an Android phone, an SMSC given the text whole).
    whole_message: bool = False


@dataclass(frozen=True)
class Call:
    number: str
    handle: Any = None


@dataclass(frozen=True)
class UssdAnswer:
    status: int
    text: str
    handle: Any = None


Event = Incoming | Unreadable | DeliveryReport | Call | UssdAnswer


class Transport(abc.ABC):
    """One line. Methods raise `TransportError` (or a subclass) when the device fails."""

    kind: ClassVar[str]
    capabilities: Capabilities = Capabilities()
    # How Spanish accents go where the line lets us choose (modem.at.pdu.SpanishMode's values);
    # the worker updates it when the Modem tab changes it.
    spanish: str = "UCS2"
    # Called while waiting for a slow device, so the worker's heartbeat goes on.
    on_wait: Callable[[], None] | None = None

    @abc.abstractmethod
    def open(self) -> LineStatus:
        """Connect, log in or unlock, and say who the device is."""

    @abc.abstractmethod
    def close(self) -> None:
        """Let go of the device; safe to call twice or after a failure."""

    @abc.abstractmethod
    def signal(self) -> Signal: ...

    @abc.abstractmethod
    def parts(self, phone: str, text: str) -> int:
        """How many SMS parts the text takes on this line (pacing and the counter); raises Unencodable."""

    @abc.abstractmethod
    def submit(self, phone: str, text: str, *, on_handed: Callable[[], None], ident: str = "") -> list[str]:
        """Send one message; the references of its parts, in order ("" where the line gives none).

        `on_handed()` is called before the step that may send it; if it raises, nothing is sent and
        the exception propagates (the transport undoes what it began first). Raises `SubmitFailed`
        for every other outcome. `ident`: our own id for this attempt, unique; a line that keeps
        it (an Android phone) can be asked about it later through recall()."""

    def submit_window(
        self, batch: Sequence[Outgoing], *, on_handed: Callable[[], None]
    ) -> list[list[str] | SubmitFailed]:
        """Send several messages with up to `capabilities.window` in flight; each one's references
        or its SubmitFailed, in the batch's order. `on_handed()` is called once, before the first
        of them may leave (the worker marks the whole batch handed). Lines without a window send
        them one by one."""
        results: list[list[str] | SubmitFailed] = []
        handed = False

        def hand() -> None:
            nonlocal handed
            if not handed:
                on_handed()
                handed = True

        for item in batch:
            try:
                results.append(self.submit(item.phone, item.text, on_handed=hand, ident=item.ident))
            except SubmitFailed as error:
                results.append(error)
        return results

    def recall(self, ident: str) -> list[str] | None:
        """What became of an uncertain send, asked of the device by the `ident` given to submit():
        its parts' references if the device took it, None if it certainly never got it (sending it
        again is safe). Raises TransportError when it cannot tell."""
        raise TransportError(gettext_noop("This line cannot look up a message it was given."), ident)

    @abc.abstractmethod
    def events(self, timeout: float = 0.0) -> list[Event]:
        """What arrived; waits up to `timeout` seconds when nothing has."""

    @abc.abstractmethod
    def stored(self) -> list[Event]:
        """Everything kept on the device (arrived while nobody listened)."""

    @abc.abstractmethod
    def settle(self, events: Sequence[Event]) -> None:
        """The events are saved: delete or acknowledge them on the device."""

    def ussd(self, code: str) -> UssdAnswer:
        raise TransportError(gettext_noop("This line cannot run USSD codes."), code)
