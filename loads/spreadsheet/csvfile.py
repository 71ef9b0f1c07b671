"""Streaming CSV: the `csv` module over a stream decoded as it is read.

The encoding and the delimiter are decided from a sample; the rest of the file is never held
whole, so a 60 MB file costs what one batch of rows costs. Offices send UTF-8 (with or without
BOM), Windows-1252 and Excel's "Unicode text" (UTF-16, tab separated); a UTF-8 file with a few
Windows-1252 letters is read letter by letter rather than refused.
"""

import codecs
import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext

from loads.spreadsheet.errors import SpreadsheetError, empty, not_a_spreadsheet
from loads.spreadsheet.header import canonical_name, find_header, no_phone_column

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")


def _fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 (or not Windows-1252) read as Windows-1252, else Latin-1."""
    bad = error.object[error.start : error.end]
    return "".join(_single_byte(byte) for byte in bad), error.end


def _single_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([byte]).decode("latin-1")


codecs.register_error("smsmotor-cp1252", _fallback)


def sniff_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = sample[: len(sample) // 2 * 2]
    if pairs and pairs[1::2].count(0) > len(pairs) * 0.4 and pairs[::2].count(0) < len(pairs) * 0.05:
        return "utf-16-le"  # "Unicode text" without its BOM: every other byte is zero
    if pairs and pairs[::2].count(0) > len(pairs) * 0.4 and pairs[1::2].count(0) < len(pairs) * 0.05:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _check_text(sample: str) -> None:
    """A file full of control characters is binary, not a CSV; a few (a NUL in a line) are
    reported where they are, as the rows are read."""
    controls = sum(1 for char in sample if (char < " " and char not in "\t\n\r\f\v") or char == "\x7f")
    if controls > max(16, len(sample) // 20):
        raise not_a_spreadsheet()


class _Lines:
    """The decoded stream's lines, counted, refusing a NUL where it is."""

    def __init__(self, text: io.TextIOBase):
        self.text = text
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.text:
            self.number += 1
            if "\x00" in line:
                raise SpreadsheetError(
                    gettext(
                        "Line %(line)d of the file has an invalid character (NUL, code 0) at position %(position)d: "
                        "the file is damaged or was not saved as text. Open it in Excel, save it as CSV and "
                        "upload it again."
                    )
                    % {"line": self.number, "position": line.index("\x00") + 1}
                )
            yield line


class CsvSource:
    """An open CSV: its encoding, delimiter, and its rows as (line number, values)."""

    def __init__(self, file):
        file.seek(0)
        sample = file.read(SAMPLE_BYTES)
        if not sample.strip(b' \t\r\n;,|"\xef\xbb\xbf'):
            raise empty()
        self.encoding = sniff_encoding(sample)
        errors = "strict" if self.encoding.startswith("utf-16") else "smsmotor-cp1252"
        decoder = codecs.getincrementaldecoder(self.encoding)(errors=errors)
        text = decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
        _check_text(text)
        if len(sample) == SAMPLE_BYTES:
            text = text[: max(text.rfind("\n"), 0)]  # whole lines only
        self.delimiter = choose_delimiter(text)
        file.seek(0)
        self.file, self.errors = file, errors

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        stream = io.TextIOWrapper(_Unclosable(self.file), encoding=self.encoding, errors=self.errors, newline="")
        lines = _Lines(stream)
        reader = csv.reader(iter(lines), delimiter=self.delimiter, skipinitialspace=True)
        start = 1
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise _damaged_near(start, exc) from exc
                except UnicodeDecodeError as exc:
                    raise SpreadsheetError(
                        gettext("The text of the file is damaged near line %(line)d.") % {"line": lines.number}
                    ) from exc
                yield start, values
                start = lines.number + 1  # a quoted cell can span lines: report where the record starts
        finally:
            stream.detach()


def _damaged_near(line: int, error: csv.Error) -> SpreadsheetError:
    if "field larger than field limit" in str(error):
        return SpreadsheetError(
            gettext(
                'From line %(line)d on, the file reads as one enormous cell: a double quote (") opens a text '
                "that is never closed. Fix that line or save the file as Excel (.xlsx)."
            )
            % {"line": line}
        )
    return SpreadsheetError(gettext("The CSV file is damaged near line %(line)d.") % {"line": line})


class _Unclosable(io.RawIOBase):
    """Lets TextIOWrapper read the caller's file without closing it."""

    def __init__(self, file):
        self.file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def choose_delimiter(sample: str) -> str:
    """The delimiter under which a phone header appears, with the most named columns: counting
    separators alone is fooled by "Bs 1.500,50" in a ';' file."""
    best = None
    for delimiter in DELIMITERS:
        rows = _sample_rows(sample, delimiter)
        header, _has_data = find_header(rows)
        if header is not None:
            named = sum(1 for value in header[1] if canonical_name(value))
            if best is None or named > best[0]:
                best = (named, delimiter)
    if best is None:
        if not any(_sample_rows(sample, ",")):
            raise empty()
        raise no_phone_column()
    return best[1]


def _sample_rows(sample: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, skipinitialspace=True)
    try:
        for number, values in enumerate(reader, start=1):
            if any(value.strip(" \t;,|") for value in values):
                yield number, values
    except csv.Error:
        return
