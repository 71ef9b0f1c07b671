"""Cleaning one cell: phones, dates, amounts and text as offices type them.

Each cleaner returns (value, None) or (what could be read, a user-facing reason). Numbers come
as floats from spreadsheets (70000288.0) and as text from CSV files ("5.9170000288E+10");
dates as dates, Excel serials or text in Bolivian forms; amounts with "Bs" and either mark.
"""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

PHONE = "phone"
MESSAGE = "message"
SEND_DATE = "send_date"
AMOUNT = "montocuota"

# Excel accepts 1 (1900-01-01) to 2958465 (9999-12-31); below 3654 (1910-01-01) a number in a date
# column is far more likely a year or a day typed alone than a date.
EXCEL_SERIAL_MIN = 3654
EXCEL_SERIAL_MAX = 2958465
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 0 in the 1900 system, after Lotus's leap-year slip
EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#SPILL!", "#CALC!"}


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plain(text: str) -> str:
    """Lower case without accents: 'Fecha de Envío' -> 'fecha de envio'."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).lower()


def column_kind(name: str) -> str:
    if name == PHONE:
        return "phone"
    if name == AMOUNT:
        return "amount"
    if name in (SEND_DATE, "fechavencimiento") or "fecha" in name or "date" in name:
        return "date"
    return "text"


def clean_cell(name: str, value: object) -> tuple[object, str | None]:
    """(cleaned value, user-facing error or None) for one cell of column `name`."""
    return CLEANERS[column_kind(name)](value)


def _excel_error(value: object) -> str | None:
    """The message for a cell showing "#N/A" and the like."""
    if value.__class__ is str and "#" in value and value.strip() in EXCEL_ERRORS:
        return gettext("the cell shows the Excel error %(error)s: fix the formula") % {"error": value.strip()}
    return None


def _clean_phone(value: object) -> tuple[str, str | None]:
    if value.__class__ is int and value > 0:  # the usual: a number cell
        return str(value), None
    if value.__class__ is float and value.is_integer() and 0 < value < 1e15:  # 70000288.0
        return str(int(value)), None
    if message := _excel_error(value):
        return "", message
    return _phone(value)


def _clean_date(value: object) -> tuple[datetime.date | None, str | None]:
    if message := _excel_error(value):
        return None, message
    return _date(value)


def _clean_amount(value: object) -> tuple[Decimal | str | None, str | None]:
    if message := _excel_error(value):
        return None, message
    return _amount(value), None


def _clean_text(value: object) -> tuple[str, str | None]:
    if message := _excel_error(value):
        return "", message
    if value.__class__ is str:
        text = value.strip()
        if not text or (text[0] < "\xad" and text[-1] < "\xad"):  # no invisible mark: the first Cf is U+00AD
            return text, None
        return _strip(text), None
    return cell_text(value), None


def _strip(text: str) -> str:
    # Phones copied from WhatsApp carry invisible direction marks (category Cf) around them.
    text = text.strip()
    while text and unicodedata.category(text[0]) == "Cf":
        text = text[1:].strip()
    while text and unicodedata.category(text[-1]) == "Cf":
        text = text[:-1].strip()
    return text


def _number_text(value: int | float | Decimal) -> str:
    """70000288.0 -> '70000288', 150.5 -> '150.5'; never scientific notation."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _strip(value)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M" if value.time() else "%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, datetime.timedelta):  # a duration cell ("[h]:mm")
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return _strip(str(value))


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE]\+?\d+")
_POINT_ZERO = re.compile(r"(\+?\d+)[.,]0+")


def _phone(value: object) -> tuple[str, str | None]:
    text = cell_text(value)
    if re.fullmatch(r"'[+\d][\d\s-]*", text):  # the apostrophe that keeps Excel from eating digits
        text = text[1:]
    if _SCIENTIFIC.fullmatch(text):  # a CSV written by Excel: "5.9170000288E+10"
        number = Decimal(text.replace(",", "."))
        digits = _number_text(number)
        if len(number.as_tuple().digits) < len(digits.lstrip("+-")):
            # "5,917E+10" is what Excel displayed, not the number: the last digits are gone.
            message = gettext(
                "“%(value)s” lost its last digits: format the column as Text or Number in Excel and export it again"
            )
            return text, message % {"value": text}
        return digits, None
    if match := _POINT_ZERO.fullmatch(text):  # a CSV written by pandas: "70000288.0"
        return match[1], None
    return text, None


# --- dates --------------------------------------------------------------------------------------

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s*m\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DMY = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_YMD = re.compile(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})" + _TIME, re.IGNORECASE)
_D_MONTH_Y = re.compile(r"(\d{1,2})(?:\s+de\s+|[\s/\-.]+)([a-z]{3,})\.?(?:\s+de\s+|[\s/\-.]+)(\d{4}|\d{2})")
_MONTHS = {
    "ene": 1, "jan": 1, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "may": 5, "jun": 6, "jul": 7,
    "ago": 8, "aug": 8, "sep": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12, "dec": 12,
}  # fmt: skip


def _date(value: object) -> tuple[datetime.date | None, str | None]:
    if is_empty(value):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    date = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        date = _from_serial(value)
    elif isinstance(value, str):
        date = _parse_date(_strip(value))
    if date is None:
        message = gettext("“%(value)s” is not a date (use day/month/year)") % {"value": cell_text(value)}
        return None, message
    return date, None


def _from_serial(value) -> datetime.date | None:
    if not EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
        return None
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def _make_date(year: str, month: str | int, day: str) -> datetime.date | None:
    year = int(year)
    if year < 100:
        year += 2000  # "30/11/26": these are due and send dates, never the 1900s
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        return None


def _parse_date(text: str) -> datetime.date | None:
    if match := _DMY.fullmatch(text):
        return _make_date(match[3], match[2], match[1])
    if match := _YMD.fullmatch(text):
        return _make_date(match[1], match[2], match[3])
    plain_text = plain(text)
    # "30-nov-2026", "30 de noviembre de 2026"
    if (match := _D_MONTH_Y.fullmatch(plain_text)) and match[2][:3] in _MONTHS:
        return _make_date(match[3], _MONTHS[match[2][:3]], match[1])
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):  # a serial number that became text in a CSV
        return _from_serial(Decimal(text))
    if re.fullmatch(r"\d{8}", text):  # "30112026" or "20261130", only when one reading is a date
        dates = {_make_date(text[4:], text[2:4], text[:2]), _make_date(text[:4], text[4:6], text[6:])} - {None}
        return dates.pop() if len(dates) == 1 else None
    return None


# --- amounts ------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"(?i)(?<![a-z])(?:bs|bob|usd|sus)(?![a-z])\.?|\$us|us\$|u\$s|\$b|\$")
_AMOUNT_TEXT = re.compile(r"[\d.,][\d.,' \u00a0]*")
_GROUPED = {".": re.compile(r"\d{1,3}(?:\.\d{3})*"), ",": re.compile(r"\d{1,3}(?:,\d{3})*")}  # thousands
CENT = Decimal("0.01")


def _amount(value: object) -> Decimal | str | None:
    """Decimal with two decimals; text that is not an amount ("a convenir") stays text."""
    if is_empty(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number.quantize(CENT, ROUND_HALF_UP) if number.is_finite() else cell_text(value)
    text = cell_text(value)
    number = _parse_amount(text)
    return number.quantize(CENT, ROUND_HALF_UP) if number is not None else text


def _parse_amount(text: str) -> Decimal | None:
    """'Bs 1.500,50', '1,500.50', '1 500,50', '$us 100' -> Decimal; None if it is not an amount."""
    negative = bool(re.match(r"\D*-", text))
    core = _CURRENCY.sub("", text).strip(" -\u00a0").rstrip(".").strip()  # "Bs. 150.-"
    if not _AMOUNT_TEXT.fullmatch(core) or not re.search(r"\d", core):
        return None
    core = re.sub(r"[' \u00a0]", "", core)
    if "," in core and "." in core:
        decimal_mark = "," if core.rfind(",") > core.rfind(".") else "."
        whole, _, fraction = core.rpartition(decimal_mark)
        thousands = "." if decimal_mark == "," else ","
        if not _GROUPED[thousands].fullmatch(whole):
            return None
        digits = whole.replace(thousands, "") + "." + fraction
    elif "," in core or "." in core:
        mark = "," if "," in core else "."
        whole, _, fraction = core.rpartition(mark)
        if core.count(mark) > 1 or (len(fraction) == 3 and whole not in ("", "0") and len(whole) <= 3):
            # "1.500" and "1.500.000" group thousands; "150,5" and "0.500" have decimals
            if not _GROUPED[mark].fullmatch(core):
                return None
            digits = core.replace(mark, "")
        else:
            digits = whole + "." + fraction
    else:
        digits = core
    try:
        number = Decimal(digits.rstrip("."))
    except InvalidOperation:
        return None
    return -number if negative else number


CLEANERS = {"phone": _clean_phone, "date": _clean_date, "amount": _clean_amount, "text": _clean_text}
