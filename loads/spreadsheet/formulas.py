"""Cells the reader shows empty though they are not, in an .xlsx: formulas Excel never
computed, and error values ("#N/A").

Files written by programs that cannot compute (openpyxl, some ERPs) keep a formula without its
value; the reader gives an empty cell for it, as for a formula that computed "". The sheet's XML
tells them apart: Excel writes t="str" and an empty <v> for "", while an uncomputed formula has
no <v>, or an empty one on a numeric cell. Only read when a row has an empty cell, and only after
a cheap scan found a formula or an error value at all.
"""

import re
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.utils.translation import gettext

from loads.spreadsheet.errors import damaged
from loads.spreadsheet.limits import Package

_FORMULA_TAG = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')


def _has_formulas(package: Package, part: str) -> bool:
    tail = b""
    for chunk in package.inflate(part):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-16:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index


def hidden_values(package: Package, part: str, offset: int) -> dict[tuple[int, int], str]:
    """{(row number, column index counted from `offset`): why the cell reads as empty}."""
    if not _has_formulas(package, part):
        return {}
    uncomputed = gettext("the cell has a formula without a computed value: open and save the file in Excel")
    found = {}
    row_number = column = 0
    parser = XMLPullParser(events=("start", "end"))
    try:
        for chunk in package.inflate(part):
            parser.feed(chunk)
            for event, element in parser.read_events():
                tag = _local(element.tag)
                if event == "start":
                    if tag == "row":
                        row_number = int(element.get("r") or row_number + 1)
                        column = 0
                    continue
                if tag == "c":
                    reference = element.get("r")
                    column = _column_index(reference) if reference else column + 1
                    children = {_local(child.tag): child for child in element}
                    value = children.get("v")
                    if element.get("t") == "e":
                        error = (value.text or "").strip() if value is not None else ""
                        found[row_number, column - 1 - offset] = gettext(
                            "the cell shows the Excel error %(error)s: fix the formula"
                        ) % {"error": error or "#N/A"}
                    elif "f" in children and (value is None or (not value.text and element.get("t") != "str")):
                        found[row_number, column - 1 - offset] = uncomputed
                elif tag == "row":
                    element.clear()
        parser.close()
    except (ParseError, ValueError) as exc:
        raise damaged() from exc
    return found
