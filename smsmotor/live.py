"""Live parts of the pages: what the polling of a table (htmx, every few seconds) asks for.

A page renders its table with a small "live state" (hidden inputs); the poller sends it back and
gets an empty 204 when nothing changed, so twenty open browsers cost a few indexed look-ups each
round (bench/live.py). Two kinds of state:

- `watch`: the ids and states of the rows on the page that can still change (a message QUEUED,
  SENDING, SENT...), looked up by primary key; only the rows that changed are sent back;
- `after`: the newest id on the first page: a newer row re-renders the table;
- `sig`: for short lists (the Processing log, the Modem tab's tests), a signature of what is
  shown; a different one re-renders the list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.http import HttpResponse

POLL_SECONDS = 3


def no_change() -> HttpResponse:
    """htmx leaves the page alone on a 204."""
    return HttpResponse(status=204)


def watch_text(rows: Iterable, final: frozenset[str] | set[str]) -> str:
    return ",".join(f"{row.pk}:{row.status}" for row in rows if row.status not in final)


def parse_watch(text: str, limit: int = 200) -> dict[int, str]:
    watched: dict[int, str] = {}
    for item in text.split(",")[:limit]:
        pk, _sep, status = item.partition(":")
        if pk.isdigit() and status:
            watched[int(pk)] = status
    return watched


def after_value(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def signature(values: Iterable) -> str:
    """A short digest of what a list shows (ids, states, times)."""
    return hashlib.blake2s(repr(list(values)).encode(), digest_size=8).hexdigest()
