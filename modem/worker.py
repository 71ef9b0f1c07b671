"""The modem worker: one process drives one line (an AT modem, a HiLink stick...), sending and
receiving through the line's transport (`modem.transports`), the only thing it talks to.

`run_modem` builds a Worker and calls run(). One unit of work per method, each returning
whether it found work; a signal only sets a flag, so a message in hand is always finished
(or released) before the worker stops. The worker owns each message's fate in the database:
it is marked handed before the transport's step that may send it, and an answer that may or
may not mean "sent" makes it UNKNOWN, never a silent retry.

Longer than 500 lines on purpose: sending, receiving, the web's commands and the status it
publishes share one line, one set of claimed messages and one pacer, and run in one loop; what
is not the worker's own state lives elsewhere (transports, pacing, routing, messaging.services).
"""

from __future__ import annotations

import datetime
import logging
import socket
import time
from collections import deque

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.licensing import stopped_reason
from accounts.services import licence_current
from messaging import reports as delivery
from messaging import services as messaging
from messaging.models import MessageStatus as S
from messaging.models import MessagingSettings, OutgoingMessage, SentPart
from modem import signals
from modem.lines import line_secret, transport_for
from modem.models import CommandKind, CommandStatus, Modem, ModemCommand, ModemEvent, ModemState, WaitingReason
from modem.pacing import Pacer
from modem.ports import detect_ports
from modem.routing import reserved_for_others
from modem.transports.base import (
    Call,
    DeliveryReport,
    ErrorKind,
    Event,
    Incoming,
    Outgoing,
    SecretRejected,
    SubmitFailed,
    Transport,
    TransportError,
    Unencodable,
    Unreadable,
    UssdAnswer,
    gettext_noop,
)
from smsmotor.texts import Text, as_text, plural_noop

logger = logging.getLogger("smsmotor.modem")

DB_ERRORS = (OperationalError, InterfaceError)
SETTINGS_EVERY = 1.0  # seconds: the switch and the window are obeyed within this
HEARTBEAT_EVERY = 10.0
SIGNAL_EVERY = 60.0
PROMOTE_EVERY = 2.0
RECOVER_EVERY = 15.0  # with messaging.services.CLAIM_EXPIRES: a dead worker's claims are back within a minute
STORAGE_EVERY = 120.0
PRUNE_EVERY = 3600.0
LICENCE_EVERY = 10.0  # a renewed licence restarts sending within this
# Failed sends in a row (network refusals, a silent modem) before the modem is taken out of
# rotation for LINE_PAUSE: its messages go to the other modems meanwhile.
FAILURES_BEFORE_ROTATION_OUT = 5
ACTIVITY_KEPT = datetime.timedelta(days=7)  # the Processing tab is live activity; the event log keeps the rest
IDLE_WAIT = 0.5  # seconds of waiting for the modem when there is nothing to send
CLAIM_BATCH = 20  # messages claimed at once at full speed
WINDOW_BATCH_MAX = 200  # a line with several messages in flight gets batches of up to this many
RECALL_MAX = 200  # uncertain sends asked about at each connection (lines that keep our ids)
# Only recent ones: a phone whose app was reinstalled or pruned its history answers "never got it".
RECALL_WITHIN = datetime.timedelta(days=1)
# Refusals that say more about the line than about the message (no credit, barred; the transport
# says which): after a few in a row the line pauses instead of failing the whole queue at its speed.
LINE_REFUSALS_BEFORE_PAUSE = 3
LINE_PAUSE = 600.0


class Reconnect(Exception):
    """Close the port and connect again (asked from the web, or the port changed)."""


class DatabaseDown(OperationalError):
    """A result could not be saved and the worker is stopping (or gave up): the message stays
    as the database last knew it, for recovery to settle."""


class MessageTakenAway(Exception):
    """The claimed message is no longer ours (recovered by another worker, cancelled)."""


def reason_text(error: TransportError) -> Text:
    """The error as a sentence (translated when shown), with the device's own words."""
    reason = Text(error.reason, **error.params)
    if error.detail:
        return Text("%(reason)s (%(detail)s)", reason=reason, detail=error.detail)
    return reason


class Worker:
    def __init__(
        self,
        *,
        modem: Modem,
        exit_when_idle: bool = False,
        ignore_window: bool = False,
        simulator=None,
        open_line=transport_for,
    ):
        self.modem = modem
        # Builds the transport from the modem's settings at each connection (tests pass their own).
        self.open_line = open_line
        # The simulated device this worker drives (demo_modem), for the demo's commands.
        self.simulator = simulator
        # Only for the demo's simulated modem: a real modem always obeys the send window.
        self.ignore_window = ignore_window
        self.exit_when_idle = exit_when_idle
        self.shutdown = False
        self.line: Transport | None = None
        self.started_at = timezone.now()
        self.host = socket.gethostname()
        self.settings: MessagingSettings | None = None
        self.pacer: Pacer | None = None
        self._due: dict[str, float] = {}
        self._activity: list[ModemEvent] = []
        self._claimed: deque[OutgoingMessage] = deque()
        self._reports: list[messaging.Report] = []
        self._line_refusals = 0
        self._paused_until = 0.0
        self.sent_count = 0
        self.licence_ok = True
        self._segments_unreported = 0  # for the Credit tab's counter, reported with the heartbeat
        self._accepted: list[messaging.Accepted] = []  # sent, not written yet (see send())
        self._failures_in_a_row = 0
        self._waiting: tuple[str, datetime.datetime | None] = ("", None)  # as published
        # A PIN or password the device refused: never tried again (three wrong PINs block the SIM,
        # wrong passwords lock a HiLink stick's login) until it changes.
        self._rejected_secret: str | None = None
        self._beat_at = 0.0

    # Lifecycle ----------------------------------------------------------------------------
    def run(self) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        logger.info("Modem worker for %s started on %s", self.modem.name, self.host)
        backoff = 1.0
        while not self.shutdown:
            try:
                self.connect()
                backoff = 1.0
                self.serve()
            except Reconnect:
                self.activity(Text(gettext_noop("Reconnecting to the modem.")))
            except TransportError as error:
                self.report_modem_error(error)
                self.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
            except DB_ERRORS as error:
                logger.warning("Database unavailable (%s); retrying", error)
                connection.close()
                self.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
            except Exception as error:
                # A bug must not stop the modem (and with it, under honcho, the whole system).
                logger.exception("Unexpected error in the modem worker for %s", self.modem.name)
                self.report_modem_error(
                    TransportError(gettext_noop("Unexpected error in the modem worker."), repr(error))
                )
                self.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
            finally:
                self.disconnect()
        self.flush_activity(force=True)
        self.flush_counter()
        self.publish(state=ModemState.DISCONNECTED)
        logger.info("Modem worker for %s stopped (%d sent)", self.modem.name, self.sent_count)

    def stop(self, *_args) -> None:
        self.shutdown = True

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.shutdown and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def connect(self) -> None:
        self.modem.refresh_from_db()
        self._waiting = ("", None)
        self.publish(state=ModemState.CONNECTING, last_error="", waiting_reason="", waiting_until=None)
        secret = line_secret(self.modem)
        self.line = self.open_line(self.modem, secret_rejected=bool(secret) and secret == self._rejected_secret)
        self.line.on_wait = self.beat
        try:
            status = self.line.open()
        except SecretRejected:
            self._rejected_secret = secret
            raise
        self.publish(
            state=ModemState.READY,
            manufacturer=status.manufacturer[:60],
            model=status.model[:60],
            revision=status.revision[:60],
            imei=status.imei[:20],
            operator=status.operator[:60],
            signal_dbm=status.signal.dbm,
            signal_bars=status.signal.bars,
            calls_supported=self.line.capabilities.calls,
            host=self.host[:100],
        )
        self.activity(
            Text(
                gettext_noop("Connected to %(brand)s %(model)s on %(port)s."),
                brand=status.manufacturer,
                model=status.model,
                port=status.where,
            )
        )
        if not self.line.capabilities.calls and self.line.kind == "at":  # other kinds never report calls
            self.activity(Text(gettext_noop("This modem cannot report incoming calls.")), level="WARNING")
        # Our own messages left in SENDING by a previous run of this worker.
        self.recover(modems=[self.modem])
        if self.line.capabilities.recall:
            self.settle_uncertain()
        self.pacer = self.new_pacer()
        self._due.clear()

    def disconnect(self) -> None:
        try:
            self.flush_accepted()
            self.release_claimed()
            self.flush_reports()  # the device may be gone: what it keeps waits for the next start
        except DB_ERRORS as error:
            # Claims left behind are recovered at this worker's next start, or by any
            # worker once its heartbeat is old; reports stay on the modem for the next start.
            logger.warning("Database unavailable while disconnecting: %s", error)
            self._claimed.clear()
            self._reports.clear()
            self._accepted.clear()  # left handed: recovery makes them UNKNOWN
        if self.line is not None:
            self.line.close()
            self.line = None

    def new_pacer(self) -> Pacer:
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        sent_today = SentPart.objects.filter(modem=self.modem, sent_at__gte=midnight).count()
        pacer = Pacer(self.modem.rate_per_minute, self.modem.rate_per_day, sent_today, today)
        # What this SIM sent in the last minute still counts after a reconnect.
        now, wall = time.monotonic(), timezone.now()
        last_minute = SentPart.objects.filter(modem=self.modem, sent_at__gte=wall - datetime.timedelta(seconds=60))
        for sent_at in last_minute.order_by("sent_at").values_list("sent_at", flat=True):
            pacer.recent.append(now - (wall - sent_at).total_seconds())
        return pacer

    # The loop -----------------------------------------------------------------------------
    def serve(self) -> None:
        while not self.shutdown:
            self.housekeeping()
            if self.send_one():
                continue
            self.flush_accepted()
            if self.exit_when_idle and not self.has_due_messages():
                self.shutdown = True
                break
            self.idle()

    def every(self, name: str, seconds: float) -> bool:
        now = time.monotonic()
        if now >= self._due.get(name, 0.0):
            self._due[name] = now + seconds
            return True
        return False

    def housekeeping(self) -> None:
        if self.every("settings", SETTINGS_EVERY):
            self.settings = MessagingSettings.load()
            self.refresh_modem()
            self.run_commands()
            self.take(self.line.events())
        if self.every("licence", LICENCE_EVERY):
            self.check_licence()
        if self.every("heartbeat", HEARTBEAT_EVERY):
            extra = {}
            if self.every("signal", SIGNAL_EVERY):
                signal = self.line.signal()
                extra = {"signal_dbm": signal.dbm, "signal_bars": signal.bars}
            self.publish(**extra)
            self.flush_activity(force=True)
            self.flush_counter()
        if self.every("promote", PROMOTE_EVERY):
            messaging.messages_promote_due(today=timezone.localdate())
        if self.every("recover", RECOVER_EVERY):
            self.recover()  # claims of workers that died long ago, on any machine
        if self.every("storage", STORAGE_EVERY):
            self.read_storage()
        if self.every("prune", PRUNE_EVERY):
            ModemEvent.objects.filter(modem=self.modem, created_at__lt=timezone.now() - ACTIVITY_KEPT).delete()

    def refresh_modem(self) -> None:
        """Settings changed in the Modem tab reach the running worker within a second."""
        where = (self.modem.transport, self.modem.where)
        self.modem.refresh_from_db(
            fields=["enabled", "transport", "port", "url", "rate_per_minute", "rate_per_day", "spanish_encoding"]
        )
        self.pacer.per_minute, self.pacer.per_day = self.modem.rate_per_minute, self.modem.rate_per_day
        if (self.modem.transport, self.modem.where) != where:
            raise Reconnect

    def idle(self) -> None:
        self.flush_activity()
        self.flush_reports()
        self.take(self.line.events(IDLE_WAIT))

    def sending_allowed(self) -> bool:
        """The start/stop switch, and "send on start-up" for a freshly started worker."""
        current = self.settings
        if current is None or not current.sending_enabled or not self.modem.enabled or not self.licence_ok:
            return False
        if time.monotonic() < self._paused_until:
            return False
        return current.send_on_startup or (
            current.sending_changed_at is not None and current.sending_changed_at >= self.started_at
        )

    def flush_counter(self) -> None:
        segments, self._segments_unreported = self._segments_unreported, 0
        try:
            signals.segments_sent.send(sender=Worker, segments=segments)  # the Credit tab's counter
        except DatabaseError as error:
            self._segments_unreported += segments  # next time
            logger.warning("Could not update the message counter: %s", error)

    def check_licence(self) -> None:
        """An expired or forged licence stops sending; queued messages wait for a valid one."""
        licence = licence_current()
        if licence.ok != self.licence_ok:
            self.licence_ok = licence.ok
            if licence.ok:
                self.activity(Text(gettext_noop("Licence valid again: sending resumes.")))
            else:
                self.activity(stopped_reason(licence), "ERROR")

    def has_due_messages(self) -> bool:
        """Is anything left that this worker could still send (for --exit-when-idle)?"""
        if not self.sending_allowed():
            return False
        due = OutgoingMessage.objects.filter(status__in=["PENDING", "QUEUED"], send_date__lte=timezone.localdate())
        if not self.in_window():
            due = due.filter(is_test=True)
        return due.exists()

    def in_window(self) -> bool:
        return self.ignore_window or self.settings.in_window(timezone.localtime().time())

    # Sending ------------------------------------------------------------------------------
    def send_one(self) -> bool:
        """Send the next due message; False when there is nothing (allowed) to send."""
        if not self.sending_allowed():
            self.release_claimed()
            return False
        if not self.pacer_allows(1):
            return False
        if not self._claimed:
            self._claimed.extend(
                messaging.messages_claim(
                    modem=self.modem,
                    now=timezone.now(),
                    today=timezone.localdate(),
                    limit=self.claim_size(),
                    tests_only=not self.in_window(),
                    leave_prefixes=self.leave_prefixes(),
                )
            )
        if not self._claimed:
            return False
        self.line.spanish = self.modem.spanish_encoding
        if self.line.capabilities.window > 1:
            return self.send_window()
        message = self._claimed.popleft()
        try:
            parts = self.line.parts(message.phone, message.text)
        except Unencodable as error:
            self.fail_unencodable(message, error)
            return True
        if not self.pacer_allows(parts):
            self._claimed.appendleft(message)
            self.release_claimed()
            return False
        self.send(message, parts)
        return True

    def pacer_allows(self, parts: int) -> bool:
        wait = self.pacer.wait_seconds(parts, time.monotonic(), timezone.localdate())
        if wait is None:
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            self.set_waiting(
                WaitingReason.PER_DAY, timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
            )
        elif wait > 0:
            self.set_waiting(WaitingReason.PER_MINUTE, timezone.now() + datetime.timedelta(seconds=wait))
        else:
            if self._waiting[0] in (WaitingReason.PER_MINUTE, WaitingReason.PER_DAY):
                self.set_waiting("", None)
            return True
        self.release_claimed()
        return False

    def set_waiting(self, reason: str, until: datetime.datetime | None) -> None:
        """Why this modem holds its messages back, for the status bar; written only when it changes
        (a minute's pace changes its end time every message: that is written once a minute at most)."""
        previous, previous_until = self._waiting
        if reason == previous and (
            until is None or (previous_until and abs(until - previous_until).total_seconds() < 60)
        ):
            return
        self._waiting = (reason, until)
        self.publish(waiting_reason=reason, waiting_until=until)

    def leave_prefixes(self) -> list[str]:
        """With routing by operator on: the numbers other working modems' operators serve,
        looked up at every claim (one small query) so a modem coming up or going down
        changes the routing at once."""
        if not self.settings.route_by_operator:
            return []
        return reserved_for_others(self.modem)

    def claim_size(self) -> int:
        """A few messages per claim saves statements; never more than the SIM may send soon,
        so that other workers are not kept waiting. A line with several messages in flight
        (SMPP) gets a few windows' worth."""
        window = self.line.capabilities.window if self.line is not None else 1
        batch = CLAIM_BATCH if window <= 1 else min(WINDOW_BATCH_MAX, max(CLAIM_BATCH, window * 5))
        if not self.pacer.per_minute:
            return batch
        return max(1, min(batch, self.pacer.per_minute // 6))

    def release_claimed(self) -> None:
        """Give back claimed messages not yet handed to the modem (stop, switch, pacing)."""
        while self._claimed:
            message = self._claimed.popleft()
            self.until_saved(lambda message=message: messaging.message_requeue(message))

    def send(self, message: OutgoingMessage, parts: int) -> None:
        handed = False

        def on_handed() -> None:
            nonlocal handed
            if not handed:
                # The previous message's acceptance goes in the same round trip and commit.
                accepted, self._accepted = self._accepted, []
                try:
                    ours = messaging.message_mark_handed(message, now=timezone.now(), segments=parts, accepted=accepted)
                except BaseException:
                    self._accepted = accepted + self._accepted  # maybe not written: written again later
                    raise
                if not ours:
                    raise MessageTakenAway
                handed = True

        try:
            # A database error while marking it handed propagates: nothing was sent (the transport
            # undid what it began), and recovery re-queues the message.
            references = self.line.submit(message.phone, message.text, on_handed=on_handed, ident=self.ident(message))
        except MessageTakenAway:
            self.activity(
                Text(gettext_noop("Message %(id)d was taken over elsewhere; not sent from here."), id=message.pk),
                level="WARNING",
            )
            return
        except SubmitFailed as error:
            self.after_send_error(message, error, handed=handed, total=parts)
            if error.retry_after:  # the line asked us to slow down
                self._paused_until = max(self._paused_until, time.monotonic() + error.retry_after)
            if error.reconnect:
                raise
            return
        self._line_refusals = 0
        self._failures_in_a_row = 0
        if self._paused_until:
            self._paused_until = 0.0
            self._waiting = ("", None)
            self.publish(state=ModemState.READY, last_error="", waiting_reason="", waiting_until=None)
        self.pacer.record(len(references), time.monotonic())
        # Written with the next message's handed mark, or as soon as the worker does anything else
        # (flush_accepted): one commit instead of two per message. A kill in between leaves this
        # one handed, and so UNKNOWN, never sent again.
        self._accepted.append(messaging.Accepted(message, references, timezone.now()))
        if not self._claimed:  # no next message at hand
            self.flush_accepted()
        self.sent_count += 1
        self._segments_unreported += len(references)
        self.take(self.line.events())  # e.g. a delivery report that came with the answer
        self.activity(
            Text.counted(
                plural_noop(
                    "Sent message %(id)d to %(phone)s (%(count)d SMS).",
                    "Sent message %(id)d to %(phone)s (%(count)d SMS).",
                ),
                len(references),
                id=message.pk,
                phone=message.phone,
            )
        )

    def send_window(self) -> bool:
        """A window's worth of the claimed messages through a line with several in flight (SMPP):
        all marked handed in one commit, submitted together, their fates written together. A kill
        meanwhile leaves them handed: UNKNOWN, never sent twice."""
        batch: list[tuple[OutgoingMessage, int]] = []
        planned = 0
        # One window at a time: a kill leaves at most a window's messages in doubt.
        while self._claimed and len(batch) < self.line.capabilities.window:
            message = self._claimed[0]
            try:
                parts = self.line.parts(message.phone, message.text)
            except Unencodable as error:
                self._claimed.popleft()
                self.fail_unencodable(message, error)
                continue
            if self.pacer.wait_seconds(planned + parts, time.monotonic(), timezone.localdate()) != 0:
                break
            batch.append((self._claimed.popleft(), parts))
            planned += parts
        if not batch:
            if self._claimed:  # the first one does not fit the pace now: say why and wait
                self.pacer_allows(self.line.parts(self._claimed[0].phone, self._claimed[0].text))
                return False
            return True
        accepted, self._accepted = self._accepted, []
        try:
            ours = messaging.messages_mark_handed(batch, now=timezone.now(), accepted=accepted)
        except BaseException:
            self._accepted = accepted + self._accepted
            self._claimed.extendleft(message for message, _parts in reversed(batch))  # nothing sent
            raise
        for (message, _parts), mine in zip(batch, ours, strict=True):
            if not mine:
                self.activity(
                    Text(gettext_noop("Message %(id)d was taken over elsewhere; not sent from here."), id=message.pk),
                    level="WARNING",
                )
        batch = [item for item, mine in zip(batch, ours, strict=True) if mine]
        if not batch:
            return True
        outgoing = [Outgoing(message.phone, message.text, self.ident(message)) for message, _parts in batch]
        results = self.line.submit_window(outgoing, on_handed=lambda: None)  # handed above
        now, sent, segments, trouble = timezone.now(), [], 0, None
        for (message, parts), result in zip(batch, results, strict=True):
            if isinstance(result, SubmitFailed):
                self.after_send_error(message, result, handed=True, total=parts)
                if result.retry_after:
                    self._paused_until = max(self._paused_until, time.monotonic() + result.retry_after)
                if result.reconnect and trouble is None:
                    trouble = result
                continue
            self.pacer.record(len(result), time.monotonic())
            sent.append(messaging.Accepted(message, result, now))
            segments += len(result)
        if sent:
            self.until_saved(lambda: messaging.messages_mark_sent(sent))
            self.sent_count += len(sent)
            self._segments_unreported += segments
            self._line_refusals = self._failures_in_a_row = 0
            self.activity(
                Text(
                    gettext_noop("Sent %(messages)s (%(parts)s)."),
                    messages=Text.counted(plural_noop("%(count)d message", "%(count)d messages"), len(sent)),
                    parts=Text.counted(plural_noop("%(count)d SMS", "%(count)d SMS"), segments),
                )
            )
        if trouble is not None:
            raise trouble
        self.take(self.line.events())
        return True

    def fail_unencodable(self, message: OutgoingMessage, error: Unencodable) -> None:
        reason = reason_text(error)
        self.until_saved(lambda: messaging.message_mark_failed(message, reason=reason))
        self.activity(Text(gettext_noop("Message %(id)d failed: %(reason)s"), id=message.pk, reason=reason), "ERROR")

    @staticmethod
    def ident(message: OutgoingMessage) -> str:
        """Our id for one attempt at a message, for lines that keep it (an Android phone): the
        message and its claim, so an UNKNOWN message (which keeps its claim) can be asked about."""
        claimed = int(message.claimed_at.timestamp() * 1_000_000) if message.claimed_at else 0
        return f"sm{message.pk}-{claimed:x}"

    def settle_uncertain(self) -> None:
        """Ask a line that keeps our ids what became of its UNKNOWN messages: sent (SENT), or
        never received (queued again); what it cannot tell stays UNKNOWN."""
        since = timezone.now() - RECALL_WITHIN
        doubtful = OutgoingMessage.objects.filter(modem=self.modem, status=S.UNKNOWN, claimed_at__gte=since)
        for message in doubtful.order_by("id")[:RECALL_MAX]:
            try:
                references = self.line.recall(self.ident(message))
            except TransportError as error:
                logger.info("Message %d: the line cannot tell (%s)", message.pk, error)
                continue
            if messaging.message_recalled(message, references=references, now=timezone.now()):
                text = (
                    gettext_noop("Message %(id)d: the line never received it; queued again.")
                    if references is None
                    else gettext_noop("Message %(id)d: the line confirms it was sent.")
                )
                self.activity(Text(text, id=message.pk), level="WARNING")

    def flush_accepted(self) -> None:
        """Write the messages accepted since the last write (see send())."""
        if self._accepted:
            accepted = self._accepted
            self.until_saved(lambda: messaging.messages_mark_sent(accepted))
            self._accepted = []

    def after_send_error(self, message, error: SubmitFailed, *, handed: bool, total: int) -> None:
        """Decide the message's fate from what the transport says: only a certain refusal
        (`error.refused`) proves the message did not leave; anything else after it was handed
        means it may have left."""
        self.flush_accepted()
        reason = reason_text(error)
        references = error.references
        sent_parts = len(references)
        if sent_parts:
            reason = Text(
                gettext_noop("Only %(sent)d of %(total)d parts were sent: %(reason)s"),
                sent=sent_parts,
                total=total,
                reason=reason,
            )
        refused = error.refused
        if handed and not refused:
            self.until_saved(lambda: messaging.message_mark_unknown(message, reason=reason, references=references))
            text, level = gettext_noop("Message %(id)d may have been sent: %(reason)s"), "WARNING"
        elif sent_parts:
            # Part of it reached the network: never repeat it automatically; its parts' reports still count.
            self.until_saved(lambda: messaging.message_mark_failed(message, reason=reason, references=references))
            text, level = gettext_noop("Message %(id)d failed: %(reason)s"), "ERROR"
        elif refused and error.line_refusal and self.line_refused(reason):
            self.until_saved(lambda: messaging.message_requeue(message, reason=reason))
            text, level = gettext_noop("Message %(id)d queued again: %(reason)s"), "WARNING"
        elif refused and error.kind is ErrorKind.PERMANENT:
            self.until_saved(lambda: messaging.message_mark_failed(message, reason=reason))
            text, level = gettext_noop("Message %(id)d failed: %(reason)s"), "ERROR"
        elif refused and error.kind is ErrorKind.TRANSIENT:
            self.until_saved(lambda: messaging.message_retry_later(message, reason=reason, now=timezone.now()))
            text, level = gettext_noop("Message %(id)d will be retried: %(reason)s"), "WARNING"
        else:
            # The modem, not the message, failed (no network, no SIM, silent before the prompt).
            self.until_saved(lambda: messaging.message_requeue(message, reason=reason))
            text, level = gettext_noop("Message %(id)d queued again: %(reason)s"), "WARNING"
        self.activity(Text(text, id=message.pk, reason=reason), level=level)
        if not (refused and error.kind is ErrorKind.PERMANENT):  # the message's fault, not the modem's
            self.count_failure(reason)

    def count_failure(self, reason: Text) -> None:
        """Repeated failures take the modem out of rotation; the others send its messages."""
        self._failures_in_a_row += 1
        if self._failures_in_a_row < FAILURES_BEFORE_ROTATION_OUT or self._paused_until:
            return
        self._failures_in_a_row = 0
        self._paused_until = time.monotonic() + LINE_PAUSE
        text = Text(
            gettext_noop(
                "Paused for %(minutes)d min after %(count)d failed sends in a row; the other lines send its "
                "messages meanwhile. Last error: %(reason)s"
            ),
            minutes=int(LINE_PAUSE // 60),
            count=FAILURES_BEFORE_ROTATION_OUT,
            reason=reason,
        )
        self.activity(text, level="ERROR")
        self.publish(state=ModemState.ERROR, last_error=str(text))
        self.set_waiting(WaitingReason.ROTATION, timezone.now() + datetime.timedelta(seconds=LINE_PAUSE))
        self.release_claimed()

    def line_refused(self, reason: Text) -> bool:
        """Count a line-level refusal; True (pause, keep the message) once they repeat."""
        self._line_refusals += 1
        if self._line_refusals < LINE_REFUSALS_BEFORE_PAUSE:
            return False
        self._paused_until = time.monotonic() + LINE_PAUSE
        text = Text(
            gettext_noop("Sending paused for %(minutes)d minutes: %(reason)s"),
            minutes=int(LINE_PAUSE // 60),
            reason=reason,
        )
        self.activity(text, level="ERROR")
        self.publish(state=ModemState.ERROR, last_error=str(text))
        self.set_waiting(WaitingReason.REFUSED, timezone.now() + datetime.timedelta(seconds=LINE_PAUSE))
        return True

    def until_saved(self, write) -> None:
        """Run a database write that must not be lost, waiting out a database restart; but a
        stop (SIGTERM) is obeyed at once: the message is left as the database knows it, and
        recovery settles it (re-queued if never handed over, "may have been sent" otherwise)."""
        delay = 0.5
        for _attempt in range(120):
            try:
                write()
                return
            except DB_ERRORS as error:
                logger.warning("Database unavailable while saving a send result (%s); retrying", error)
                connection.close()
                if self.shutdown:
                    break
                self.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise DatabaseDown("The database stayed unavailable; the message is left for recovery")

    def beat(self) -> None:
        """The heartbeat, also while waiting for a slow modem: a silent worker's claims are taken back."""
        now = time.monotonic()
        if now - self._beat_at >= HEARTBEAT_EVERY / 2:
            self._beat_at = now
            self.publish()

    def recover(self, *, modems=None) -> None:
        requeued, unknown = messaging.messages_recover_abandoned(modems=modems, now=timezone.now())
        if requeued or unknown:
            self.activity(
                Text(
                    gettext_noop("Recovered after a stop: %(requeued)s, %(unknown)s."),
                    requeued=Text.counted(
                        plural_noop("%(count)d message queued again", "%(count)d messages queued again"), requeued
                    ),
                    unknown=Text.counted(
                        plural_noop("%(count)d may have been sent", "%(count)d may have been sent"), unknown
                    ),
                ),
                level="WARNING",
            )

    # Receiving ----------------------------------------------------------------------------
    def take(self, events: list[Event]) -> None:
        """Save what arrived; only then let the transport delete or acknowledge it on the device."""
        if not events:
            return
        for event in events:
            self.take_one(event)
        self.flush_reports()
        self.line.settle([event for event in events if event.handle is not None])

    def read_storage(self) -> None:
        """Everything the device keeps: messages and reports that arrived while we were not listening."""
        self.take(self.line.stored())

    def take_one(self, event: Event) -> None:
        if isinstance(event, Incoming):
            self.store_incoming(event)
        elif isinstance(event, DeliveryReport):
            # Recorded in batches (one per part sent adds up), before take() settles them.
            self._reports.append(
                delivery.Report(
                    event.reference,
                    event.status,
                    event.delivered,
                    event.final,
                    event.recipient,
                    event.submitted_at,
                    event.alternatives,
                    event.whole_message,
                )
            )
        elif isinstance(event, Unreadable):
            # Kept as it came, with the reason, rather than lost.
            messaging.incoming_store(
                modem=self.modem,
                phone="",
                text=gettext("[unreadable message]"),
                received_at=timezone.now(),
                note=gettext("The message could not be read: %(error)s") % {"error": event.error},
                pdu=event.raw,
            )
            self.activity(
                Text(gettext_noop("Unreadable message kept as it came: %(error)s"), error=event.error), "WARNING"
            )
        elif isinstance(event, Call):
            call = messaging.call_store(modem=self.modem, phone=event.number, now=timezone.now())
            if call is not None:
                self.activity(Text(gettext_noop("Incoming call from %(phone)s."), phone=event.number or "?"))
        elif isinstance(event, UssdAnswer):
            self.activity(Text(gettext_noop("USSD answer: %(text)s"), text=event.text))

    def store_incoming(self, event: Incoming) -> None:
        notes = [gettext(note.text) % note.params for note in event.notes]
        stored = messaging.incoming_store(
            modem=self.modem,
            phone=event.sender,
            text=event.text,
            received_at=event.received_at or timezone.now(),
            concat=event.concat,
            note=" ".join(notes),
            pdu=event.raw,
        )
        if stored is not None:
            self.activity(Text(gettext_noop("SMS received from %(phone)s."), phone=event.sender))

    def flush_reports(self) -> None:
        """Record the delivery reports received."""
        if self._reports:
            self.flush_accepted()  # the parts they report on
            reports, self._reports = self._reports, []
            try:
                self.until_saved(
                    lambda: delivery.delivery_reports_record(modem=self.modem, reports=reports, now=timezone.now())
                )
            except DatabaseDown:
                self._reports = reports + self._reports  # kept for the next try; not deleted from the device
                raise

    # Commands from the web ----------------------------------------------------------------
    def run_commands(self) -> None:
        for command in ModemCommand.objects.filter(modem=self.modem, status=CommandStatus.PENDING).order_by("id"):
            try:
                result = self.run_command(command)
                status = CommandStatus.DONE
            except Reconnect:
                self.finish_command(command, CommandStatus.DONE, {})
                raise
            except TransportError as error:
                result, status = {"error": str(reason_text(error))}, CommandStatus.FAILED
            self.finish_command(command, status, result)
            if command.kind == CommandKind.USSD:
                signals.command_finished.send(sender=Worker, command=command)  # e.g. a balance query's answer

    def run_command(self, command: ModemCommand) -> dict:
        if command.kind == CommandKind.DETECT_PORTS:
            ports = detect_ports()
            if self.simulator is not None:
                ports.append({"device": self.modem.where, "description": gettext("Simulated modem"), "usb": False})
            return {"ports": ports}
        if command.kind in (CommandKind.SIMULATE_SMS, CommandKind.SIMULATE_CALL):
            return self.simulate(command)
        if command.kind == CommandKind.RECONNECT:
            raise Reconnect
        if command.kind == CommandKind.USSD:
            reply = self.line.ussd(command.argument)
            self.activity(Text(gettext_noop("USSD %(code)s: %(text)s"), code=command.argument, text=reply.text))
            return {"status": reply.status, "text": reply.text}
        return {"error": gettext("Unknown modem command.")}

    def simulate(self, command: ModemCommand) -> dict:
        """The demo: the simulated modem receives an SMS or a call, as from the network."""
        if self.simulator is None:
            return {"error": gettext("Only a simulated modem can do this.")}
        sender, _sep, text = command.argument.partition("\n")
        if command.kind == CommandKind.SIMULATE_SMS:
            self.simulator.inject_sms(sender, text or gettext("Hello, I already paid."))
        elif not self.line.capabilities.calls:
            return {"error": gettext("This kind of line does not receive calls.")}
        else:
            self.simulator.ring(sender)
        return {"phone": sender}

    @staticmethod
    def finish_command(command: ModemCommand, status: str, result: dict) -> None:
        ModemCommand.objects.filter(pk=command.pk).update(status=status, result=result, done_at=timezone.now())

    # Status and activity ------------------------------------------------------------------
    def publish(self, **fields) -> None:
        fields.setdefault("heartbeat_at", timezone.now())
        try:
            Modem.objects.filter(pk=self.modem.pk).update(**fields)
        except DatabaseError as error:
            logger.warning("Could not publish the modem status: %s", error)

    def report_modem_error(self, error: TransportError) -> None:
        text = str(reason_text(error))
        logger.error("Modem %s: %s", self.modem.name, text)
        self.activity(text, level="ERROR")
        self.publish(state=ModemState.ERROR, last_error=text)

    def activity(self, text: Text | str, level: str = "INFO") -> None:
        rendered, stored = as_text(text)
        # One line per event: the logger writes it to the console (and the event log file).
        logger.log(getattr(logging, level, logging.INFO), "[%s] %s", self.modem.name, rendered)
        self._activity.append(
            ModemEvent(modem=self.modem, level=level, text=rendered, text_stored=stored, created_at=timezone.now())
        )
        if level == "ERROR" or len(self._activity) >= 200:
            self.flush_activity(force=True)  # an error is worth keeping even if the process dies next

    def flush_activity(self, force: bool = False) -> None:
        if not self._activity or not (force or self.every("activity", 1.0)):
            return
        try:
            ModemEvent.objects.bulk_create(self._activity)
            self._activity = []
        except DatabaseError as error:
            logger.warning("Could not write the activity log: %s", error)
