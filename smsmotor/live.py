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
from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

POLL_SECONDS = 3  # the live tables (and, on their pages, the status bar with them)
STATUS_SECONDS = 5  # the status bar on the other pages


def no_change() -> HttpResponse:
    """htmx leaves the page alone on a 204."""
    return HttpResponse(status=204)


# What the status bar shows is the shell's (shell.status: it reads every app), and the shell sits
# above the apps whose views answer polls here: it hands its function in at start-up
# (shell.apps.ShellConfig.ready) instead of this module importing upwards.
_status_bar: Callable[[], object] | None = None


def status_bar_provide(function: Callable[[], object]) -> None:
    global _status_bar
    _status_bar = function


def status_part(request, *, why: bool = False) -> str:
    """The status bar (and, with `why`, the Outgoing tab's "why nothing leaves" box) as
    out-of-band parts of a live answer; "" when the page already shows exactly this. One poll per
    round carries both the page's table and the status bar, so a page costs one request."""
    if _status_bar is None:
        return ""  # no shell installed: the tables still refresh
    context = {"status": _status_bar(), "oob": True}
    bar = render_to_string("_status_bar.html", context, request=request)
    box = render_to_string("_sending_why.html", context, request=request) if why else ""
    sig = signature([bar, box])
    if request.GET.get("status_sig") == sig:
        return ""
    wrapped = format_html(
        '<div hx-swap-oob="innerHTML:#status-bar">{}<input type="hidden" id="status-sig" name="status_sig" value="{}">'
        "</div>",
        mark_safe(bar),
        sig,
    )
    return wrapped + box  # the box swaps itself (hx-swap-oob on its own element)


def answer(request, parts: list[str], *, why: bool = False) -> HttpResponse:
    """The answer to a poll: the parts that changed and the status bar if it changed; 204 if none."""
    body = "".join(part for part in parts if part) + status_part(request, why=why)
    return HttpResponse(body) if body else no_change()


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
