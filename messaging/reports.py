"""Delivery reports: which part each one is about, and what it settles.

A report names the modem's message reference (TP-MR: 0-255, reused), the recipient and the time
the service centre took the message. It goes to the newest unreported part sent by that modem
with that reference to that number. Lines that give no reference (a HiLink stick) send reports
that name only the recipient and the time: such a report goes to the oldest unreported part sent
by that line to that number. A worker killed after the modem took a message but before
it recorded the references leaves an UNKNOWN message with no parts: its reports are matched by
recipient and by the time the message was handed to the modem, and its parts recorded then.

A message is DELIVERED once every part has a delivered report; a failure report fails it; an
UNKNOWN message of several parts whose reports cover only some of them stays UNKNOWN and says
how many parts reached the phone.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from messaging.models import MessageStatus as S
from messaging.models import OutgoingMessage, SentPart
from messaging.services import messages_transition
from smsmotor.texts import Text

REFERENCE_WINDOW = datetime.timedelta(days=3)  # a report older than its part by this is someone else's
# Between our hand-over to the modem and the service centre's time stamp: network latency and the
# difference between the server's clock and the network's.
HANDOVER_WINDOW = datetime.timedelta(minutes=15)


@dataclasses.dataclass(frozen=True)
class Report:
    reference: str  # "" when the line gives none
    status: int
    delivered: bool
    final: bool
    recipient: str = ""
    submitted_at: datetime.datetime | None = None  # TP-SCTS: when the service centre took the message
    # Other spellings of the reference (an SMSC's id in hexadecimal and in decimal), tried in turn.
    alternatives: tuple[str, ...] = ()
    whole_message: bool = False  # about every part of the message (the line split it itself)


def _subscriber_digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())[-8:]


def _same_number(stored: str, reported: str) -> bool:
    """Reports may give the number in national form: compare the subscriber digits."""
    digits = _subscriber_digits(reported)
    return not digits or stored.endswith(digits)


@transaction.atomic
def delivery_reports_record(*, modem, reports: list[Report], now) -> set[int]:
    """Record delivery reports of `modem`; returns the ids of the messages they are about.

    A batch costs a few statements whatever its size: a worker at full speed receives one
    report per part it sends. One transaction: a worker killed half-way leaves neither a part
    marked reported nor its message moved, and reads the report again from the modem.
    """
    reports = [report for report in reports if report.final]  # "still trying" is followed by a final one
    if not reports:
        return set()
    reports = [dataclasses.replace(report, reference=str(report.reference)) for report in reports]
    matched, unmatched = _match_by_reference(modem, [report for report in reports if report.reference], now)
    without, unmatched = _match_without_reference(
        modem, unmatched + [report for report in reports if not report.reference], now
    )
    matched += without
    matched += _match_by_number(modem, unmatched, now)
    by_status: dict[int, list[int]] = {}
    for part_id, _message_id, report in matched:
        by_status.setdefault(report.status, []).append(part_id)
    for status, part_ids in by_status.items():
        SentPart.objects.filter(pk__in=part_ids, reported_at__isnull=True).update(report_status=status, reported_at=now)
    whole: dict[int, list[int]] = {}
    for _part_id, message_id, report in matched:
        if report.whole_message:
            whole.setdefault(report.status, []).append(message_id)
    for status, message_ids in whole.items():
        SentPart.objects.filter(message_id__in=message_ids, reported_at__isnull=True).update(
            report_status=status, reported_at=now
        )
    messages = {message_id for _part, message_id, _report in matched}
    _settle(messages, now)
    return messages


def _match_by_reference(modem, reports: list[Report], now) -> tuple[list, list[Report]]:
    spellings = {reference for r in reports for reference in (r.reference, *r.alternatives) if reference}
    candidates = (
        SentPart.objects.filter(modem=modem, reference__in=spellings, reported_at__isnull=True)
        .filter(sent_at__gte=now - REFERENCE_WINDOW)
        .order_by("-sent_at", "-id")
        .values_list("id", "message_id", "reference", "message__phone")
    )
    newest: dict[int, list[tuple[int, int, str]]] = {}
    for part_id, message_id, reference, phone in candidates:
        newest.setdefault(reference, []).append((part_id, message_id, phone))
    matched, unmatched = [], []
    for report in reports:
        # The newest unreported part with this reference (or another spelling of it), sent to the
        # reported number.
        for reference in (report.reference, *report.alternatives):
            parts = [part for part in newest.get(reference, []) if _same_number(part[2], report.recipient)]
            if parts:
                newest[reference].remove(parts[0])
                matched.append((parts[0][0], parts[0][1], report))
                break
        else:
            unmatched.append(report)
    return matched, unmatched


def _match_without_reference(modem, reports: list[Report], now) -> tuple[list, list[Report]]:
    """Reports without a reference: the oldest unreported part to that number with no reference."""
    asking = [report for report in reports if not report.reference and _subscriber_digits(report.recipient)]
    if not asking:
        return [], reports
    numbers = Q()
    for report in asking:
        numbers |= Q(message__phone__endswith=_subscriber_digits(report.recipient))
    candidates = list(
        SentPart.objects.filter(modem=modem, reference="", reported_at__isnull=True)
        .filter(sent_at__gte=now - REFERENCE_WINDOW)
        .filter(numbers)
        .order_by("sent_at", "id")
        .values_list("id", "message_id", "message__phone", "sent_at")
    )
    asked = {id(report) for report in asking}
    matched, unmatched = [], [report for report in reports if id(report) not in asked]
    for report in asking:
        part = next(
            (
                candidate
                for candidate in candidates
                if _same_number(candidate[2], report.recipient)
                and (report.submitted_at is None or candidate[3] <= report.submitted_at + HANDOVER_WINDOW)
            ),
            None,
        )
        if part is None:
            unmatched.append(report)
            continue
        candidates.remove(part)
        matched.append((part[0], part[1], report))
    return matched, unmatched


def _match_by_number(modem, reports: list[Report], now) -> list:
    """Reports of UNKNOWN messages whose references were never recorded: by number and time."""
    reports = [report for report in reports if _subscriber_digits(report.recipient)]
    if not reports:
        return []
    numbers = Q()
    for report in reports:
        numbers |= Q(phone__endswith=_subscriber_digits(report.recipient))
    candidates = list(
        OutgoingMessage.objects.filter(status=S.UNKNOWN, modem=modem, handed_at__gte=now - REFERENCE_WINDOW)
        .filter(numbers)
        .values_list("id", "phone", "handed_at", "segments")
    )
    if not candidates:
        return []
    taken = {
        (message_id, reference): count
        for message_id, reference, count in SentPart.objects.filter(message_id__in=[c[0] for c in candidates])
        .values_list("message_id", "reference")
        .annotate(count=Count("id"))
    }
    matched = []
    for report in reports:
        best = _closest(report, candidates, taken)
        if best is None:
            continue
        message_id, _phone, handed_at, _segments = best
        sequence = 1 + _parts_taken(taken, message_id)
        part = SentPart.objects.create(
            message_id=message_id, sequence=sequence, modem=modem, reference=report.reference, sent_at=handed_at
        )
        taken[(message_id, report.reference)] = taken.get((message_id, report.reference), 0) + 1
        matched.append((part.pk, message_id, report))
    return matched


def _parts_taken(taken: dict, message_id: int) -> int:
    return sum(count for (other, _ref), count in taken.items() if other == message_id)


def _closest(report: Report, candidates: list, taken: dict):
    """The UNKNOWN message to this number handed over closest to the report's time stamp."""
    fitting = [
        candidate
        for candidate in candidates
        if _same_number(candidate[1], report.recipient)
        and (
            (candidate[0], report.reference) not in taken
            if report.reference
            else _parts_taken(taken, candidate[0]) < candidate[3]  # no reference: while parts are missing
        )
    ]
    if report.submitted_at is not None:
        fitting = [c for c in fitting if abs(c[2] - report.submitted_at) <= HANDOVER_WINDOW]
        return min(fitting, key=lambda c: abs(c[2] - report.submitted_at), default=None)
    return max(fitting, key=lambda c: c[2], default=None)


def _settle(message_ids: set[int], now) -> None:
    """Move each message as its parts' reports say (one query for all the parts of all of them)."""
    if not message_ids:
        return
    parts: dict[int, list[int | None]] = {}
    for message_id, status in SentPart.objects.filter(message_id__in=message_ids).values_list(
        "message_id", "report_status"
    ):
        parts.setdefault(message_id, []).append(status)
    rows = OutgoingMessage.objects.filter(pk__in=message_ids, status__in=[S.SENT, S.UNKNOWN]).values_list(
        "id", "status", "segments"
    )
    delivered = []
    for message_id, status, segments in rows:
        statuses = parts.get(message_id, [])
        failed = [code for code in statuses if code is not None and code > 0x02]
        if failed:
            reason = Text(gettext_noop("The operator could not deliver the message (report status %(status)d)."),
                          status=failed[0])  # fmt: skip
            messages_transition(
                OutgoingMessage.objects.filter(pk=message_id),
                old=[status],
                new=S.FAILED,
                result=str(reason),
                result_text=reason.stored(),
            )
        elif None in statuses:
            continue  # a part still waits for its report
        elif len(statuses) >= segments:
            delivered.append(message_id)
        elif status == S.UNKNOWN:
            reason = Text(
                gettext_noop("Only %(reached)d of %(total)d parts reached the phone; the rest may not have been sent."),
                reached=len(statuses),
                total=segments,
            )
            OutgoingMessage.objects.filter(pk=message_id, status=S.UNKNOWN).update(
                result=str(reason), result_text=reason.stored()
            )
    if delivered:
        messages_transition(
            OutgoingMessage.objects.filter(pk__in=delivered), old=[S.SENT, S.UNKNOWN], new=S.DELIVERED, delivered_at=now
        )
