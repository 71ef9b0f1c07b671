"""The texts themselves: every count goes through plural handling, and no "mensaje(s)".

The browser walk catches "1 mensajes" on the pages it reaches; this reads every text of ours in the
Spanish catalogue, so a count on a page the walk never reaches (an e-mail, an error, a command's
output) fails here: a number followed by a noun must be an ngettext entry, or a fixed limit that is
never 1, named below with its reason.
"""

import re
from pathlib import Path

import polib
from django.test import SimpleTestCase

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
# A number placeholder followed by a word: "%(count)d messages".
COUNTED = re.compile(r"%(?:\((\w+)\))?d\s+([^\W\d_]+)")
# Words that read the same for one and for many, and placeholders that are not counts.
SAME_IN_PLURAL = {"SMS", "MB", "min", "of", "per", "for"}
NOT_COUNTS = {"id", "line"}
# Limits of the code, never 1: "more than 100000 rows" needs no singular.
FIXED_LIMITS = {
    "The integration query took more than %(seconds)d seconds and was stopped.": "a timeout setting, in tens",
    "The query returned more than %(max)d rows.": "MAX_ERP_ROWS",
    "its sheets together hold more than %(count)d cells.": "MAX_CELLS",
    "its shared-strings table holds more than %(count)d texts.": "MAX_SHARED_STRINGS",
    "it has more than %(max)d rows.": "MAX_ROWS",
    "No column with phone numbers was found in the first %(rows)d rows: name a column “Teléfono” or “Celular”.": (
        "HEADER_SEARCH_ROWS"
    ),
    "the sheet “%(sheet)s” uses %(columns)d columns (at most %(max)d).": "only over MAX_COLUMNS",
    "Only %(reached)d of %(total)d parts reached the phone; the rest may not have been sent.": (
        "only messages of two parts or more"
    ),
    "Only %(sent)d of %(total)d parts were sent: %(reason)s": "only messages of two parts or more",
    "Paused for %(minutes)d min after %(count)d failed sends in a row; the other lines send its messages meanwhile. "
    "Last error: %(reason)s": "FAILURES_BEFORE_ROTATION_OUT, 5",
    "Sending paused for %(minutes)d minutes: %(reason)s": "LINE_PAUSE, 10 minutes",
    "accents such as á or í, or emoji, need the wide alphabet (UCS-2): only %(per_segment)d characters per SMS, so "
    "each message costs more": "70 or 67",
}


class CatalogueTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entries = [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]

    def test_every_count_of_ours_goes_through_plural_handling(self):
        unhandled = []
        for entry in self.entries:
            if entry.msgid_plural or entry.msgid in FIXED_LIMITS:
                continue
            if not any(path.endswith((".py", ".html", ".txt")) for path, _line in entry.occurrences):
                continue
            if "third_party_texts.py" in str(entry.occurrences):
                continue  # other projects' texts, translated as they are
            for name, word in COUNTED.findall(entry.msgid):
                if name not in NOT_COUNTS and word not in SAME_IN_PLURAL:
                    unhandled.append(entry.msgid)
                    break
        self.maxDiff = None
        self.assertEqual(unhandled, [], "a count without ngettext: it will read '1 messages' / '1 mensajes'")

    def test_no_text_hedges_its_plural(self):
        hedged = re.compile(r"\w\((?:s|es|a|as|o|os)\)")
        found = [
            text
            for entry in self.entries
            for text in (entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values())
            if text and hedged.search(text)
        ]
        self.assertEqual(found, [], "«mensaje(s)»: use ngettext instead")

    def test_the_fixed_limits_listed_are_still_ours(self):
        ours = {entry.msgid for entry in self.entries}
        self.assertEqual(set(FIXED_LIMITS) - ours, set(), "a text listed above is gone: remove it from the list")

    def test_plural_entries_are_translated_in_both_numbers(self):
        half = [
            entry.msgid
            for entry in self.entries
            if entry.msgid_plural and not all(entry.msgstr_plural.get(form) for form in (0, 1))
        ]
        self.assertEqual(half, [])
