"""Who the modem is: brand, model, firmware, IMEI and IMSI from whatever identification it answers.

AT+CGMI/+CGMM/+CGMR/+CGSN come as a bare value ("huawei"), prefixed ("+CGMI: Quectel"), quoted
('"Nokia"'), as "Manufacturer: ..." lines, or not at all on some phones and old modems, which only
answer the V.250 identification ATI / ATI3 / ATI4 (several "Key: value" or free lines). This module
turns the answers the driver collected into one Identity; it sends nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    manufacturer: str
    model: str
    revision: str
    imei: str
    imsi: str


# Brands as modems spell them in ATI, and how the Modem tab should show them when ATI is all we have.
BRANDS = (
    "huawei", "zte", "quectel", "simcom", "telit", "sierra wireless", "sierra", "wavecom", "u-blox", "ublox",
    "cinterion", "siemens", "gemalto", "thales", "nokia", "sony ericsson", "sonyericsson", "ericsson", "samsung",
    "motorola", "option", "novatel", "longsung", "fibocom", "meig", "neoway",
)  # fmt: skip
_KEYS = {
    "manufacturer": "manufacturer",
    "brand": "manufacturer",
    "model": "model",
    "revision": "revision",
    "firmware": "revision",
    "software": "revision",
    "imei": "imei",
    "imei sv": "",
    "svn": "",
    "+gcap": "",
}
_PREFIX = re.compile(r"^[+^*#$%][A-Za-z][A-Za-z0-9]*\s*:\s*")
_KEY_VALUE = re.compile(r"^([A-Za-z+][A-Za-z0-9 +_-]{1,20}?)\s*:\s*(.*)$")


def _clean(line: str) -> str:
    """The value of one answer line: without '+CGMI: ', quotes and surrounding spaces."""
    value = _PREFIX.sub("", line.strip())
    match = _KEY_VALUE.match(value)
    if match and match.group(1).strip().lower() in _KEYS:
        value = match.group(2)
    return value.strip().strip('"').strip()


def _first(lines: list[str]) -> str:
    for line in lines:
        value = _clean(line)
        if value:
            return value
    return ""


def _digits(lines: list[str], sizes: range) -> str:
    for line in lines:
        for run in re.findall(r"\d+", line):
            if len(run) in sizes:
                return run
    return ""


def _from_ati(lines: list[str]) -> dict[str, str]:
    """ "Manufacturer: huawei" / "Model: E173" lines, or free lines: a brand, then a model."""
    found: dict[str, str] = {}
    free: list[str] = []
    for line in lines:
        text = line.strip()
        match = _KEY_VALUE.match(text)
        key = _KEYS.get(match.group(1).strip().lower()) if match else None
        if key is not None:
            if key and match.group(2).strip() and key not in found:
                found[key] = match.group(2).strip().strip('"')
        elif text and not text.startswith("+"):
            free.append(text.strip('"'))
    if "manufacturer" not in found:
        for line in free:
            if any(brand in line.lower() for brand in BRANDS):
                found["manufacturer"] = line
                free.remove(line)
                break
    if "model" not in found and free:
        found["model"] = free[0]
    if "manufacturer" not in found and len(free) > 1:
        found["manufacturer"], found["model"] = free[0], free[1]
    return found


def identity_from_answers(answers: dict[str, list[str]]) -> Identity:
    """Answers by command ("AT+CGMI", "ATI"...; absent or [] when not supported) -> Identity."""
    ati = [line for command in ("ATI", "ATI3", "ATI4") for line in answers.get(command, [])]
    extra = _from_ati(ati)
    return Identity(
        manufacturer=_first(answers.get("AT+CGMI", [])) or extra.get("manufacturer", ""),
        model=_first(answers.get("AT+CGMM", [])) or extra.get("model", ""),
        revision=_first(answers.get("AT+CGMR", [])) or extra.get("revision", ""),
        imei=_digits(answers.get("AT+CGSN", []), range(14, 18)) or _digits(ati, range(15, 16)),
        imsi=_digits(answers.get("AT+CIMI", []), range(6, 16)),
    )
