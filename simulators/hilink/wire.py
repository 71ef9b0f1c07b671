"""The HiLink firmware's XML, both ways: requests parsed into dicts, answers rendered the way the
sticks write them (CRLF between elements, characters outside the BMP in CESU-8). No I/O."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
CRLF = "\r\n"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class FirmwareError(Exception):
    """Ends a request with the firmware's <error> answer carrying `code`."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def parse_request(body: bytes) -> dict[str, Any]:
    """The children of <request> as a dict: text for leaves, dicts for branches, lists when a
    name repeats (<Phones><Phone>a</Phone><Phone>b</Phone></Phones>). FORMAT_ERROR (100005)
    when it is not XML. huawei_lte_api sends characters outside the BMP in CESU-8, as the
    firmware expects: each half of the surrogate pair encoded on its own."""
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass").decode("utf-16")
        root = ET.fromstring(text)
    except (UnicodeError, ET.ParseError):
        raise FirmwareError(100005) from None
    value = _value(root)
    return value if isinstance(value, dict) else {}


def _value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    result: dict[str, Any] = {}
    for child in children:
        value = _value(child)
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[child.tag] = value
    return result


def as_list(value: Any) -> list[Any]:
    """A repeated element as a list, whether it came once, several times or not at all."""
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def render(data: dict[str, Any] | str) -> bytes:
    """<response>: "OK" for a set, or the fields of a get."""
    return _cesu8(DECLARATION + CRLF + _element("response", data) + CRLF)


def render_error(code: int) -> bytes:
    """The firmware's error answer, byte for byte as the sticks send it."""
    body = f"<error>{CRLF}<code>{code}</code>{CRLF}<message></message>{CRLF}</error>"
    return _cesu8(DECLARATION + CRLF + body + CRLF)


def _element(name: str, value: Any) -> str:
    if isinstance(value, list):
        return CRLF.join(_element(name, item) for item in value)
    if isinstance(value, dict):
        inner = CRLF.join(_element(key, item) for key, item in value.items())
        return f"<{name}>{CRLF}{inner}{CRLF}</{name}>" if inner else f"<{name}></{name}>"
    text = "" if value is None else escape(str(value))
    return f"<{name}>{text}</{name}>"


def _cesu8(text: str) -> bytes:
    """UTF-8, except that characters outside the BMP go as a surrogate pair (what the sticks send;
    huawei_lte_api's cesu8_fix turns them back)."""

    def pair(match: re.Match[str]) -> str:
        base = ord(match.group()) - 0x10000
        return chr(0xD800 + (base >> 10)) + chr(0xDC00 + (base & 0x3FF))

    return _ASTRAL.sub(pair, text).encode("utf-8", "surrogatepass")


def home_page(tokens: list[str]) -> bytes:
    """What GET / answers: the web UI's page, with the CSRF tokens in its head (none on older firmware)."""
    metas = "".join(f'<meta name="csrf_token" content="{token}"/>{CRLF}' for token in tokens)
    return (
        f'<!DOCTYPE html>{CRLF}<html>{CRLF}<head>{CRLF}<meta charset="utf-8"/>{CRLF}{metas}'
        f"<title>HUAWEI</title>{CRLF}</head>{CRLF}<body></body>{CRLF}</html>{CRLF}"
    ).encode()
