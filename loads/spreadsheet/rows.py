"""From the raw values of a row to a `SheetRow`: cleaned cells, and why any could not be read.

This is the hot loop of a 100 000-row load: the cleaner of each column is chosen once, and a
row only costs what its columns need.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

from loads.spreadsheet.cells import CLEANERS, PHONE, column_kind, is_empty
from loads.spreadsheet.errors import too_big
from loads.spreadsheet.header import IgnoredColumn, Layout

ROW = ""  # the key in SheetRow.errors of a reason about the whole row


@dataclass(slots=True)
class SheetRow:
    number: int  # as the user sees it: Excel row number, or CSV line number
    values: dict[str, object]  # canonical column -> cleaned value
    errors: dict[str, str]  # canonical column (or ROW) -> why it could not be read


@dataclass
class Sheet:
    columns: list[str]  # canonical names, in file order
    header_row: int
    rows: list[SheetRow]  # blank rows skipped
    ignored_columns: list[IgnoredColumn]
    phone_columns: list[str] = field(default_factory=list)  # header texts, in the order they are tried


class RowBuilder:
    """Turns (number, values) into SheetRows following the layout of the header.

    `split_by` is the CSV delimiter: there, values beyond the header's last column mean a
    delimiter inside a text split the row, so the row is refused rather than cut short. In a
    workbook they are a column without a header, listed as ignored.
    `find_hidden` returns {(row number, column index): reason} of cells the reader shows empty
    though they are not (a formula never computed, "#N/A"); it is asked once, at the first empty
    cell.
    """

    def __init__(
        self,
        layout: Layout,
        *,
        max_rows: int,
        split_by: str | None = None,
        find_hidden: Callable[[], dict[tuple[int, int], str]] | None = None,
    ):
        self.layout = layout
        self.max_rows = max_rows
        self.split_by = split_by
        self.find_hidden = find_hidden
        self.hidden: dict[int, dict[str, str]] | None = None if find_hidden else {}
        self.use_only(None)
        self.clean_phone = CLEANERS["phone"]
        self.phones = layout.phones
        self.watched = list(layout.unnamed)  # columns whose data would be ignored
        self.width = layout.width
        self.count = 0

    def use_only(self, names: set[str] | None) -> None:
        """Clean only these columns (None: all): a load need not clean what it will not send."""
        fields = [(index, name) for index, name in self.layout.fields if names is None or name in names]
        self.indexes = [index for index, _name in fields]
        self.names = [name for _index, name in fields]
        self.cleaners = [CLEANERS[column_kind(name)] for name in self.names]
        self.last_index = max(self.indexes, default=-1)

    def build(self, number: int, values: Sequence) -> SheetRow | None:
        """The row, or None for a blank one."""
        width = len(values)
        if width > self.last_index:
            picked = [values[index] for index in self.indexes]
        else:
            picked = [values[index] if index < width else None for index in self.indexes]
        phone = None
        for index in self.phones:
            if index < width:
                value = values[index]
                if value is not None and (value.__class__ is not str or value.strip()):
                    phone = value
                    break
        # A formula never computed reads as "" (and a missing cell of a short row as None).
        if self.hidden is None and (phone is None or "" in picked or None in picked):
            self._find_hidden()
        hidden = self.hidden.get(number) if self.hidden else None
        overflow = width > self.width and any(not is_empty(value) for value in values[self.width :])
        if phone is None and not hidden and not overflow and all(is_empty(value) for value in picked):
            return None
        if self.count >= self.max_rows:
            raise too_big(gettext("it has more than %(max)d rows.") % {"max": self.max_rows})
        self.count += 1
        for index in self.watched:
            if index < width and not is_empty(values[index]):
                self.layout.note_unnamed_data(index)
        errors = {}
        cleaned = {PHONE: ""}
        cleaned[PHONE], error = self.clean_phone(phone)
        if error:
            errors[PHONE] = error
        for name, clean, value in zip(self.names, self.cleaners, picked, strict=True):
            cleaned[name], error = clean(value)
            if error:
                errors[name] = error
        if hidden:
            for name, reason in hidden.items():
                if is_empty(cleaned.get(name)):
                    errors[name] = reason
        if overflow:
            self._overflow(values, errors)
        return SheetRow(number, cleaned, errors)

    def _overflow(self, values: Sequence, errors: dict[str, str]) -> None:
        extra = [index for index in range(self.width, len(values)) if not is_empty(values[index])]
        if self.split_by is None:
            for index in extra:
                self.layout.note_unnamed_data(index)
            return
        count = extra[-1] + 1
        delimiter = {"\t": gettext("tab")}.get(self.split_by, f"“{self.split_by}”")
        errors[ROW] = ngettext(
            "The row has %(count)d values but the header has %(columns)d column: ",
            "The row has %(count)d values but the header has %(columns)d columns: ",
            self.width,
        ) % {"count": count, "columns": self.width} + gettext(
            'a %(delimiter)s or a double quote (") inside the message probably split it, and nothing of the row '
            "is sent. Put each text between double quotes, or save the file as Excel (.xlsx)."
        ) % {"delimiter": delimiter}

    def trailing(self, after: int, last_row: int) -> Iterator[SheetRow]:
        """Rows past the reader's last one: it ends its grid at the last value, so rows of
        formulas never computed come from the sheet's XML alone."""
        if self.find_hidden is None or last_row <= after:
            return
        if self.hidden is None:
            self._find_hidden()
        for number in sorted(self.hidden):
            if number > after:
                row = self.build(number, [])
                if row is not None:
                    yield row

    def _find_hidden(self) -> None:
        self.hidden = {}
        names = dict(self.layout.fields) | dict.fromkeys(self.phones, PHONE)
        for (row_number, index), reason in sorted(self.find_hidden().items()):
            name = names.get(index)
            if name is not None and row_number > self.layout.header_row:
                self.hidden.setdefault(row_number, {}).setdefault(name, reason)
