"""Texts the system writes for people to read later (a message's result, a line of the Processing
log), kept as their English message id and parameters and translated when shown, so that a
Spanish reader and an English reader each read them in their own language.

    reason = Text(gettext_noop("Message %(id)d failed: %(reason)s"), id=7, reason=Text(error.reason))
    message.result_text = reason.stored()      # {"text": "Message %(id)d failed: %(reason)s", "params": {...}}
    str(reason)                                # in the active language, now
    render(message.result_text, message.result)  # in the reader's language, later

Parameters may themselves be texts (a modem's reason inside "may have been sent: %(reason)s");
anything else is shown as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext


def plural_noop(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural pair for the catalogue (makemessages is told to read it, see
    messaging/management/commands/makemessages.py); translated with ngettext when shown."""
    return singular, plural


class Text:
    """A translatable message id and its parameters; with `plural` and `count`, a count that
    goes through ngettext ("1 mensaje", "2 mensajes")."""

    __slots__ = ("count", "msgid", "params", "plural")

    def __init__(self, msgid: str, /, *, plural: str = "", count: int | None = None, **params: Any) -> None:
        self.msgid = msgid
        self.plural = plural
        self.count = count
        if plural or count is not None:
            params.setdefault("count", count)  # the %(count)d of the sentence
        self.params = params

    @classmethod
    def of_label(cls, label: Any) -> Text | str:
        """A gettext_lazy label (a model's choice, a verbose name) as a Text of its message id;
        anything else as the string it is."""
        args = getattr(label, "_args", None)  # django.utils.functional.lazy keeps the call's arguments
        if isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], str):
            return cls(args[0])
        return str(label)

    @classmethod
    def counted(cls, pair: tuple[str, str], count: int, /, **params: Any) -> Text:
        """A count in words: Text.counted(plural_noop("%(count)d message", "%(count)d messages"), n)."""
        return cls(pair[0], plural=pair[1], count=count, **params)

    def __str__(self) -> str:
        return _translate(self.msgid, self.params, self.plural, self.count)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.msgid, self.params) == (other.msgid, other.params)

    __hash__ = None  # mutable parameters

    def stored(self) -> dict:
        """JSON for a JSONField: nested texts become nested dicts."""
        data = {"text": self.msgid, "params": {key: _stored(value) for key, value in self.params.items()}}
        if self.plural:
            data |= {"plural": self.plural, "count": self.count}
        return data


def _stored(value: Any) -> Any:
    if isinstance(value, Text):
        return value.stored()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _translate(msgid: str, params: dict, plural: str = "", count: int | None = None) -> str:
    text = ngettext(msgid, plural, count or 0) if plural else gettext(msgid)
    if not params:
        return text
    values = {key: render(value) if isinstance(value, dict) else value for key, value in params.items()}
    for template in (text, msgid):  # a translation with a wrong placeholder falls back to English
        try:
            return template % values
        except (KeyError, TypeError, ValueError):
            continue
    return text


def render(stored: dict | None, fallback: str = "") -> str:
    """A stored text in the active language; `fallback` (a text written before this existed, or
    in another way) when there is none."""
    if not stored or not isinstance(stored, dict) or "text" not in stored:
        return fallback
    return _translate(stored["text"], stored.get("params") or {}, stored.get("plural", ""), stored.get("count"))


def as_text(value: Text | str) -> tuple[str, dict | None]:
    """What to write: the text in the active language (for e-mails, exports and older readers)
    and, for a Text, its stored form."""
    if isinstance(value, Text):
        return str(value), value.stored()
    return value, None
