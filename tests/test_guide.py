"""The Spanish guide (docs/guia.md): there, linked from the README's top, its pictures from the
browser walk, and its words the pages' words.

The walk (tests/test_walk.py) checks that each picture still looks like the page it shows; this
checks what needs no browser. A button the guide names in *italics* or a message it quotes in
«guillemets» must be one the Spanish pages really show (a word of the catalogue), so renaming a
button without updating the guide fails here.
"""

import re
from pathlib import Path

import polib
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guia.md"
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
SCRIPT = ROOT / "scripts" / "guide_screenshots.sh"
# What the guide quotes that is not a text of the pages: examples of what people type, the
# columns of their own spreadsheets, the README's sections (in English) and emphasis.
NOT_PAGE_TEXTS = {
    "Entel 1", "Celular", "Teléfono", "Mensaje", "problemas frecuentes", "replace",
}  # fmt: skip


def guide_shots() -> dict[str, str]:
    """The walk's step → the guide's picture, as scripts/guide_screenshots.sh copies them."""
    return dict(re.findall(r"^copy (\S+) (\S+)$", SCRIPT.read_text(), re.MULTILINE))


class GuideTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guide = GUIDE.read_text(encoding="utf-8")
        catalogue = polib.pofile(str(CATALOGUE))
        texts = [text for entry in catalogue for text in (entry.msgstr, *entry.msgstr_plural.values())]
        cls.page_texts = re.sub(r"%\(\w+\)[sd]", "N", "\n".join(texts)).lower()  # "Cargar estos N mensajes"

    def test_the_readme_links_the_guide_at_its_top(self):
        top = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:15])
        self.assertIn("(docs/guia.md)", top)

    def test_the_guide_covers_the_first_day_and_the_frequent_problems(self):
        headings = re.findall(r"^#+ (.+)$", self.guide, re.MULTILINE)
        for wanted in ("Conectar el módem", "SMS de prueba", "correo", "Licencia", "Usuarios", "Primera carga"):
            self.assertTrue(any(wanted.lower() in heading.lower() for heading in headings), wanted)
        for problem in ("no se detecta", "No se puede conectar", "SMS no llega", "correo no llega", "licencia venció"):
            self.assertTrue(any(problem.lower() in heading.lower() for heading in headings), problem)
        for linux in ("dialout", "ModemManager", "usb-modeswitch", "HiLink", "/dev/ttyUSB", "ENCRYPTION_KEY"):
            self.assertIn(linux, self.guide)

    def test_every_picture_is_there_and_taken_by_the_walk(self):
        pictures = re.findall(r"!\[[^\]]*\]\(img/([^)]+)\.png\)", self.guide)
        self.assertGreaterEqual(len(pictures), 4)
        self.assertEqual(set(pictures) - set(guide_shots().values()), set(), "a picture the walk does not take")
        for picture in pictures:
            self.assertTrue((GUIDE.parent / "img" / f"{picture}.png").is_file(), picture)
        walk = (ROOT / "tests" / "test_walk.py").read_text()
        for step in guide_shots():
            self.assertTrue(f'"{step}"' in walk or step.startswith("tab-"), f"the walk has no step {step}")

    def test_the_buttons_and_messages_it_names_are_the_pages_words(self):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        named = re.findall(r"«([^»]+)»", self.guide) + re.findall(r"(?<![*\w])\*([^*\n]+)\*(?!\*)", self.guide)
        unknown = [
            text
            for text in named
            if text not in NOT_PAGE_TEXTS
            and text.lower() not in self.page_texts
            and f"**{text}.**" not in readme
            and f"\n## {text}\n" not in readme
        ]
        self.assertEqual(unknown, [], "words of the guide that no Spanish page shows")
