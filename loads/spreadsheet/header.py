"""Finding the header row and deciding what each column is.

Headers are matched by meaning, in Spanish or English, with or without accents, notes and
numbers ("Nro. Celular:", "Celular 2"). The header may sit below titles and blank rows, anywhere
in the first 50 rows. Every column that will not be used is named with the reason, so the
preview can show it: nothing is dropped without the user seeing it.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext

from loads.spreadsheet.cells import AMOUNT, MESSAGE, PHONE, SEND_DATE, cell_text, is_empty, plain
from loads.spreadsheet.errors import SpreadsheetError

SYNONYMS = {
    PHONE: [
        "telefono", "tel", "celular", "cel", "movil", "nro celular", "numero de celular", "numero", "phone",
        "mobile", "cellphone", "phone number", "whatsapp", "nro de celular", "numero celular", "numero de telefono",
        "nro telefono", "nro de telefono", "telefono celular", "telefono movil", "celulares", "telefonos",
        "cell", "cell phone", "mobile number", "telephone",
    ],
    MESSAGE: ["mensaje", "texto", "sms", "message", "text", "contenido"],
    SEND_DATE: [
        "fecha envio", "fecha de envio", "enviar", "envio", "send date", "send on", "date to send",
        "fecha programada",
    ],
    "nombre": ["nombre", "name", "cliente", "customer", "nombre cliente", "nombre del cliente", "nombres"],
    "numerocuota": ["numerocuota", "nro cuota", "numero de cuota", "cuota", "installment number", "numero cuota"],
    AMOUNT: ["montocuota", "monto", "monto cuota", "importe", "amount", "installment amount", "monto de cuota"],
    "moneda": ["moneda", "currency", "divisa"],
    "fechavencimiento": [
        "fechavencimiento", "fecha vencimiento", "fecha de vencimiento", "vencimiento", "vence", "due date",
    ],
}  # fmt: skip
_CANONICAL = {synonym: canonical for canonical, synonyms in SYNONYMS.items() for synonym in synonyms}

HEADER_SCAN_ROWS = 50


def normalise_header(text: object) -> str:
    """'  Fecha_de  Envío: ' -> 'fecha de envio'."""
    text = re.sub(r"[\s_.]+", " ", plain(cell_text(text))).strip()
    return text.rstrip(":*").strip()


def canonical_name(text: object) -> str:
    """Canonical column name for a header cell; '' for an empty header."""
    name = normalise_header(text)
    without_notes = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()  # "Celular (sin 591)"
    without_number = re.sub(r"^(?:n°|no|nro|num|numero|#)\s*(?:de\s+)?", "", without_notes)  # "Nº de cuota"
    for candidate in (name, without_notes, without_number):
        if candidate in _CANONICAL:
            return _CANONICAL[candidate]
    if _CANONICAL.get(re.sub(r"\s*\d+$", "", without_number)) == PHONE:  # "Celular 1", "Celular 2"
        return PHONE
    return name.replace(" ", "")


def is_placeholder(name: str) -> bool:
    """pandas writes "Unnamed: 3", Excel tables "Column1"/"Columna1": not names anyone chose."""
    return bool(re.fullmatch(r"(?:unnamed:? ?|columna? ?|col ?)\d+", normalise_header(name)))


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB': how the user finds the column in Excel."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def no_phone_column() -> SpreadsheetError:
    return SpreadsheetError(
        gettext(
            "No column with phone numbers was found in the first %(rows)d rows: name a column “Teléfono” or “Celular”."
        )
        % {"rows": HEADER_SCAN_ROWS}
    )


def find_header(rows: Iterator[tuple[int, list]]) -> tuple[tuple[int, list] | None, bool]:
    """Consume rows up to the header; return ((number, values) or None, whether any row had data)."""
    scanned = 0
    for number, values in rows:
        if all(is_empty(value) for value in values):
            continue
        if any(canonical_name(value) == PHONE for value in values):
            return (number, list(values)), True
        scanned += 1
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, scanned > 0


@dataclass
class IgnoredColumn:
    column: str  # its letter, as Excel shows it
    header: str  # its header text, "" when it has none
    reason: str  # a translated sentence
    order: int = 0  # its place in the sheet, to list columns left to right

    def __str__(self) -> str:
        name = f"{self.column} “{self.header}”" if self.header else self.column
        return f"{name}: {self.reason}"


@dataclass
class Layout:
    """What each column of the sheet is, decided from its header row."""

    header_row: int
    width: int  # columns up to the last one with a header
    fields: list[tuple[int, str]]  # (index, canonical name) of the columns read, the phone ones apart
    phones: list[int]  # every phone column, in order: a row's phone is the first one not empty
    phone_headers: list[str]
    ignored: dict[int, IgnoredColumn] = field(default_factory=dict)
    unnamed: list[int] = field(default_factory=list)  # columns without a header, inside the width
    offset: int = 0  # index of the sheet's first column, for letters
    headers: dict[int, str] = field(default_factory=dict)  # index -> header text as written

    @property
    def columns(self) -> list[str]:
        """Canonical names in file order, the phone once."""
        names = [(self.phones[0], PHONE), *self.fields]
        return [name for _index, name in sorted(names)]

    def letter(self, index: int) -> str:
        return column_letter(self.offset + index)

    def ignore(self, index: int, reason: str) -> None:
        self.ignored[index] = IgnoredColumn(self.letter(index), self.headers.get(index, ""), reason, index)

    def note_unnamed_data(self, index: int) -> None:
        if index not in self.ignored:
            self.ignore(index, gettext("it has data but no name in the header row, so it is not read"))

    def ignored_columns(self) -> list[IgnoredColumn]:
        return [self.ignored[index] for index in sorted(self.ignored)]


def layout_from_header(header_row: int, header: Iterable, *, offset: int = 0) -> Layout:
    texts = [cell_text(value) for value in header]
    while texts and not texts[-1]:
        texts.pop()
    layout = Layout(
        header_row=header_row,
        width=len(texts),
        fields=[],
        phones=[],
        phone_headers=[],
        offset=offset,
        headers={index: text for index, text in enumerate(texts) if text},
    )
    first_of: dict[str, int] = {}
    for index, text in enumerate(texts):
        if not text:
            layout.unnamed.append(index)
            continue
        if is_placeholder(text):
            layout.ignore(index, gettext("its name is a placeholder, not a column name, so it is not read"))
            continue
        name = canonical_name(text)
        if name == PHONE:
            layout.phones.append(index)
            layout.phone_headers.append(text)
        elif name in first_of:
            first = first_of[name]
            layout.ignore(
                index,
                gettext("it means the same as column %(column)s (“%(header)s”), which is the one read")
                % {"column": layout.letter(first), "header": texts[first]},
            )
        else:
            first_of[name] = index
            layout.fields.append((index, name))
    return layout
