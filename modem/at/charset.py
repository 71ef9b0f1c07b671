"""The GSM 7-bit alphabets of 3GPP TS 23.038, one character at a time, and transliteration into them.

The tables come from the gsm0338 package (its codec "gsm03.38": default alphabet with '@' at 0x00,
the extension table behind the escape 0x1B, and the Spanish single shift table). We read them once,
through the codec, into plain dicts because a PDU needs more than whole-string encoding: septets
per character (to count them and never split an escape pair across parts) and the spec's rule for
unknown escapes when decoding.
"""

import unicodedata
from collections.abc import Iterable

import gsm0338

ESCAPE = 0x1B


def _table(codec: gsm0338.Codec, prefix: bytes = b"") -> dict[int, str]:
    """septet -> character, asking the codec about each of the 128 septets (after `prefix`)."""
    table = {}
    for septet in range(128):
        # "ignore" turns a septet the table does not have (and the bare escape itself) into "".
        char = codec.decode(prefix + bytes([septet]), "ignore")[0]
        if char:
            table[septet] = char
    return table


_DEFAULT_CODEC = gsm0338.Codec()
_SPANISH_CODEC = gsm0338.Codec(single_shift_decode_map=gsm0338.SINGLE_SHIFT_CHARACTER_SET_SPANISH)

# The default alphabet: every septet but 0x1B, which announces the single shift table.
DEFAULT: dict[int, str] = _table(_DEFAULT_CODEC)
# What follows 0x1B: the default extension table (€ [ ] { } \ ^ ~ | and form feed) ...
EXTENSION: dict[int, str] = _table(_DEFAULT_CODEC, bytes([ESCAPE]))
# ... or, when the UDH carries IE 0x24 = 0x02, the Spanish single shift table (the same plus á í ó ú ç ...).
SPANISH: dict[int, str] = _table(_SPANISH_CODEC, bytes([ESCAPE]))


class Alphabet:
    """The default alphabet plus one single shift table, as the receiving phone will read them."""

    def __init__(self, shift: dict[int, str]) -> None:
        self.shift = shift
        self._septets: dict[str, tuple[int, ...]] = {char: (septet,) for septet, char in DEFAULT.items()}
        for septet, char in shift.items():
            # A character in both tables costs one septet in the default one, so that one wins.
            self._septets.setdefault(char, (ESCAPE, septet))
        self._chars = frozenset(self._septets)

    def septets(self, char: str) -> tuple[int, ...] | None:
        """The septets for one character (two for a shifted one), or None if it is not in here."""
        return self._septets.get(char)

    def fits(self, text: str) -> bool:
        return self._chars.issuperset(text)

    def units(self, text: str) -> list[tuple[int, ...]]:
        """Septets per character of a text that fits (KeyError otherwise: check with fits first)."""
        return [self._septets[char] for char in text]

    def decode(self, septets: Iterable[int]) -> str:
        chars = []
        escaped = False
        for septet in septets:
            if escaped:
                # TS 23.038 6.2.1.1: a phone shows an escape it does not know as the default-table
                # character after it, and ESC ESC (reserved) as a space.
                chars.append(self.shift.get(septet) or DEFAULT.get(septet, " "))
                escaped = False
            elif septet == ESCAPE:
                escaped = True
            else:
                chars.append(DEFAULT[septet])
        return "".join(chars)


GSM7 = Alphabet(EXTENSION)
SPANISH_SHIFT = Alphabet(SPANISH)
# Characters of one septet each: a text made only of these needs no per-character work.
DEFAULT_CHARS = frozenset(DEFAULT.values())

# What Unicode decomposition does not simplify by itself: typographic punctuation that word
# processors and phones put into texts people paste into templates.
_REPLACEMENTS = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark (also the "smart" apostrophe)
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u00b4": "'",  # acute accent on its own
    "`": "'",
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',  # double prime
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # ellipsis
    "\u2022": "-",  # bullet
    "\u00b7": ".",  # middle dot
    "\u00b0": "o",  # degree sign, as in the Spanish "N°" (número)
    "\t": " ",
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # byte order mark pasted from files
    "\u0153": "oe",  # œ
    "\u0152": "OE",  # Œ
}


def transliterate(text: str) -> str:
    """Replace what GSM-7 (default + extension) lacks by plain characters; keep what it has.

    é è ñ ü ¿ ¡ à ò ù ì Ç ... stay as they are; á → a, Ú → U, curly quotes → ", dashes → -,
    … → ... A character with no plain form (emoji, Chinese) is kept, so the caller sees that the
    text still does not fit.
    """
    return "".join(_plain(char) for char in text)


def _plain(char: str) -> str:
    if GSM7.septets(char):
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    # NFKD splits "á" into "a" + combining acute (dropped) and also flattens compatibility forms
    # (no-break space, "ﬁ", "º", full-width letters).
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return decomposed if decomposed and GSM7.fits(decomposed) else char
