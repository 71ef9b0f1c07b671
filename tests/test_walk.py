"""A new user's walk through every tab, clicking, in Spanish and again in English.

Headless Chromium against a live server, a modem worker on the simulated modem and the demo
company database. Every step keeps a screenshot in $TEST_ARTIFACTS/walk-<language>/. The walk
fails on any console error (a Content-Security-Policy violation is one), any answer >= 500, any
required field the page filled with a value the browser rejects (a date rendered 02/12/2026 in
an <input type="date"> shows blank), and, in Spanish, any English word of ours on the page.
"""

import base64
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from unittest import mock

import polib
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from accounts.modules import Module
from messaging.models import MessagingSettings, OutgoingMessage
from modem.models import Modem
from shell.navigation import DATA_TABS, TOOLBAR
from smsmotor.test import PASSWORD, make_user
from tests.test_browser import CHROMIUM, FLAGS
from tests.test_guide import guide_shots

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Words that may appear in English on a Spanish page: names, units, technical terms users know.
ALLOWED_WORDS = {
    "sms", "ussd", "imei", "imsi", "smtp", "excel", "csv", "huawei", "entel", "tigo", "viva", "motor", "pin", "puk",
    "online", "email", "gsm", "ucs", "dbm", "usb", "url", "api", "ok",
    "english",  # the language selector names each language in its own language
}  # fmt: skip
# Nouns our pages count, whether or not a plural text of ours names them yet.
COUNTED_NOUNS = {
    "mensajes", "filas", "partes", "cargas", "usuarios", "archivos", "minutos", "segundos", "horas", "días",
    "messages", "rows", "parts", "loads", "users", "files", "minutes", "seconds", "hours", "days",
}  # fmt: skip
FINAL_OR_SENT = {"es": ("Enviado", "Entregado"), "en": ("Sent", "Delivered")}


GUIDE_PICTURES = Path(__file__).resolve().parent.parent / "docs" / "img"
PICTURE_TOLERANCE = 0.015  # mean grey difference (0 to 1) at 64x64: the same page differs by < 0.003, another by > 0.03
PICTURE_DISTANCE = """async ([one, other]) => {
    const load = (source) => new Promise((done, fail) => {
        const image = new Image(); image.onload = () => done(image); image.onerror = fail; image.src = source; });
    const [a, b] = await Promise.all([load(one), load(other)]);
    const grey = (image) => {
        const canvas = document.createElement('canvas'); canvas.width = canvas.height = 64;
        const context = canvas.getContext('2d'); context.drawImage(image, 0, 0, 64, 64);
        const rgba = context.getImageData(0, 0, 64, 64).data, values = [];
        for (let i = 0; i < rgba.length; i += 4) values.push((rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3 / 255);
        return values; };
    const [x, y] = [grey(a), grey(b)];
    const distance = x.reduce((sum, value, i) => sum + Math.abs(value - y[i]), 0) / x.length;
    return {distance, widths: [a.width, b.width], heights: [a.height, b.height]};
}"""


def data_url(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def english_words() -> set[str]:
    """Words of our English texts that no Spanish translation of ours uses."""
    catalogue = polib.pofile(str(CATALOGUE))
    english, spanish = set(), set()
    for entry in catalogue:
        if entry.obsolete:
            continue
        english |= set(re.findall(r"[a-z]{4,}", (entry.msgid + " " + entry.msgid_plural).lower()))
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        spanish |= set(re.findall(r"[a-záéíóúñü]{4,}", " ".join(translations).lower()))
    return english - spanish - ALLOWED_WORDS


def plural_words() -> set[str]:
    """The words that follow a count in the plural forms of our texts and differ from the singular
    ("mensajes", "filas", "messages"): "1 mensajes" on a page is a count without plural handling."""
    catalogue = polib.pofile(str(CATALOGUE))
    words = set()
    for entry in catalogue:
        if entry.obsolete or not entry.msgid_plural:
            continue
        for one, many in ((entry.msgid, entry.msgid_plural), (entry.msgstr_plural[0], entry.msgstr_plural[1])):
            after = re.compile(r"%(?:\(\w+\))?d\s+([^\W\d_]+)")
            words |= {word.lower() for word in after.findall(many)} - {word.lower() for word in after.findall(one)}
    return words | COUNTED_NOUNS


class WalkTestCase(StaticLiveServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enterClassContext(mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
        cls.english = english_words()
        nouns = "|".join(sorted(plural_words()))
        cls.plurals = re.compile(rf"(?<![\d.,])\b1\s+(?:{nouns})\b|\w\((?:s|es)\)", re.IGNORECASE)
        cls.profile = tempfile.mkdtemp(prefix="chromium-")
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch_persistent_context(
            cls.profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1366, "height": 900},
            locale="es-BO",  # a browser in Bolivia (without chromium-l10n, time fields still show 12-hour)
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        from modem.worker import Worker
        from simulators.simulator import SimulatedModem

        self.admin = make_user("encargado", {Module.SERVER})
        self.operator = make_user("operadora", {Module.OPERATOR})
        MessagingSettings.objects.update_or_create(pk=1, defaults={"window_start": "00:00", "window_end": "00:00"})
        call_command("create_demo_erp", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        self.sim = SimulatedModem(latency=0.3, report_delay=0.5)
        link = Path(tempfile.mkdtemp(prefix="sim-")) / "modem"
        self.sim.start(link=str(link))
        self.addCleanup(self.sim.stop)
        modem = Modem.objects.create(name="Entel 1", port=str(link), rate_per_minute=0, rate_per_day=0)
        self.worker = Worker(modem=modem)
        thread = threading.Thread(target=self.worker.run, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 15)
        self.addCleanup(self.worker.stop)
        self.problems: list[str] = []
        self.page = self.browser.new_page()
        self.page.context.clear_cookies()
        self.page.on("console", self.on_console)
        self.page.on("response", self.on_response)
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.addCleanup(self.page.close)

    def on_console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({self.page.url})")

    def on_response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    # Each step ----------------------------------------------------------------------------------
    def step(self, name: str) -> None:
        """Checks every page the walk reaches, and keeps its screenshot."""
        self.page.wait_for_load_state("networkidle")
        blank = self.page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                 .filter(e => e.getAttribute('value') && !e.value && e.type !== 'file' && e.type !== 'password')
                 .map(e => e.name)"""
        )
        self.assertEqual(blank, [], f"{name}: fields the page filled show blank")
        repeated = self.page.evaluate(
            """() => { const seen = {};
                       document.querySelectorAll('[id]').forEach(e => seen[e.id] = (seen[e.id] || 0) + 1);
                       return Object.keys(seen).filter(id => seen[id] > 1); }"""
        )
        self.assertEqual(repeated, [], f"{name}: HTML ids used twice")
        if self.language == "es":
            # What a person reads, without technical values shown as code (file names, ports, commands).
            text = self.page.evaluate(
                """() => { const copy = document.body.cloneNode(true);
                           // Data rows of the admin's lists (user agents, paths) are data, not our words.
                           const data = '#result_list tbody, #changelist-filter ul';
                           copy.querySelectorAll('code, pre, kbd, samp, script, style, ' + data)
                               .forEach(e => e.remove());
                           return copy.innerText; }"""
            )
            text = re.sub(r"\S+@\S+|\S+\.(?:bo|org|com|xlsx|csv)\b", " ", text)  # addresses and file names are data
            words = set(re.findall(r"[^\W\d_]{4,}", text.lower()))
            untranslated = sorted(words & self.english)
            self.assertEqual(untranslated, [], f"{name}: English on a Spanish page ({self.page.url})")
        shown = self.page.evaluate("() => document.body.innerText")
        self.assertEqual(self.plurals.findall(shown), [], f"{name}: a count without plural handling")
        self.count += 1
        # The status bar sticks to the window's foot: in a picture of the whole page it goes last (css).
        self.page.evaluate("document.documentElement.classList.add('whole-page')")
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        self.page.evaluate("document.documentElement.classList.remove('whole-page')")
        self.assertEqual(self.problems, [], name)

    def log_in(self, username: str) -> None:
        self.page.goto(self.live_server_url + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        expect(self.page.locator("#status-bar")).to_be_visible()
        if self.page.locator("html").get_attribute("lang") != self.language:
            self.page.select_option("select[name=language]", self.language)
            expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state("networkidle")

    # The walk -------------------------------------------------------------------------------------
    def walk(self, language: str) -> None:
        self.language, self.count, self.admin_pages = language, 0, []
        self.folder = ARTIFACTS / f"walk-{language}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        page = self.page
        self.log_in("encargado")
        self.step("login")
        for tab in [tab for group in TOOLBAR for tab in group.tabs] + list(DATA_TABS):
            page.goto(self.live_server_url + tab.url)
            self.step("tab-" + tab.url_name.replace(":", "-"))
        # The administration, which Django and the libraries we use translate (and we, where they do not).
        page.goto(self.live_server_url + "/admin/")
        self.step("admin")
        for link in page.locator("#content-main a[href$='/']:not(.addlink)").all()[:40]:
            href = link.get_attribute("href")
            if href and href.count("/") == 4:  # /admin/<app>/<model>/
                self.admin_pages.append(href)
        for href in dict.fromkeys(self.admin_pages):
            page.goto(self.live_server_url + href)
            self.step("admin-" + href.strip("/").replace("/", "-"))

        # The modem: detect ports, connect, a test SMS watched on the Outgoing tab without reloading.
        page.goto(self.live_server_url + "/modem/")
        self.click("form[action$='/detect-ports/'] button")
        self.step("modem-detect-ports")
        self.click("form[action$='/reconnect/'] button")
        expect(page.locator(".alert-success, .alert-warning").first).to_be_visible()
        self.step("modem-connect")
        page.fill("input[name=phone]", "70000288")
        self.click("form[action$='test-sms/'] button")
        self.step("modem-test-sms")
        page.goto(self.live_server_url + "/messages/outgoing/")
        page.evaluate("window.walkMarker = 'still the same page'")
        badge = page.locator("#outgoing-table tbody tr").first.locator(".state-badge")
        expect(badge).to_have_text(re.compile("|".join(FINAL_OR_SENT[language])), timeout=20_000)
        self.assertEqual(page.evaluate("window.walkMarker"), "still the same page", "the page was reloaded")
        self.step("outgoing-test-sms-sent")

        # A load from the company's database: test it, load exactly what the preview shows, delete it.
        page.goto(self.live_server_url + "/loads/")
        page.fill("input[name=send_date]", timezone.localdate().isoformat())
        self.click("button[formaction$='erp/test/']")  # the ERP form's Test load
        self.step("load-preview")
        self.click("form[action$='/erp/'] button")
        self.step("load-stored")
        page.goto(self.live_server_url + "/loads/history/")
        self.click("button[id^=delete-load-]")
        self.step("load-deleted")

        # A template: edit, save, test send.
        page.goto(self.live_server_url + "/loads/templates/")
        page.locator(".list-group a").first.click()
        page.fill("textarea[name=text]", "Estimado <nombre>, su cuota vence el <fechavencimiento>.")
        self.click("#template-form button")
        self.step("template-saved")
        page.fill("form[action*='test'] input[name=phone]", "70000288")
        self.click("form[action*='test'] button")
        self.step("template-test-sent")

        # Users: create one, reset its password, disable it.
        page.goto(self.live_server_url + "/users/")
        self.step("users")
        page.fill("form#user-create input[name=username]", f"cajera-{language}")
        page.fill("form#user-create input[name=password1]", "Clave-Segura-2026")
        page.fill("form#user-create input[name=password2]", "Clave-Segura-2026")
        self.click("form#user-create button")
        self.step("user-created")
        row = page.locator("tr", has_text=f"cajera-{language}")
        row.locator("button[data-action=reset-password]").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("[data-testid=new-password]")).to_be_visible()
        self.step("user-password-reset")
        page.locator("tr", has_text=f"cajera-{language}").locator("button[data-action=disable]").click()
        page.wait_for_load_state("networkidle")
        self.step("user-disabled")

        # An operator uploads an Excel file and confirms it.
        page.context.clear_cookies()
        self.log_in("operadora")
        from loads.excel import example_workbook

        example = self.folder / "clientes.xlsx"
        example.write_bytes(example_workbook())
        page.goto(self.live_server_url + "/loads/")
        page.set_input_files("input[name=file]", str(example))
        self.click("form[action$='excel/'] button[type=submit], form[enctype] button")
        self.step("excel-preview")
        self.click("form[action$='confirm/'] button")
        self.step("excel-loaded")
        self.assertTrue(OutgoingMessage.objects.filter(load__created_by=self.operator).exists())

    def compare_guide_pictures(self) -> None:
        """The guide's pictures (docs/img) still look like the pages the walk just saw: each is
        shrunk to 64x64 grey pixels beside the fresh screenshot; a moved or new part of the page
        makes them differ. scripts/guide_screenshots.sh replaces them with the fresh ones."""
        self.page.goto("about:blank")  # no Content-Security-Policy on images from data: here
        for step, picture in guide_shots().items():
            fresh = next(self.folder.glob(f"*-{step}.png"))
            kept = GUIDE_PICTURES / f"{picture}.png"
            figures = self.page.evaluate(PICTURE_DISTANCE, [data_url(fresh), data_url(kept)])
            self.assertEqual(figures["widths"][0], figures["widths"][1], picture)
            ratio = figures["heights"][0] / figures["heights"][1]
            self.assertTrue(
                0.8 < ratio < 1.25 and figures["distance"] < PICTURE_TOLERANCE,
                f"docs/img/{picture}.png no longer looks like the page ({figures}): run scripts/guide_screenshots.sh",
            )

    def test_a_new_user_walks_every_tab_in_spanish(self):
        self.walk("es")
        self.compare_guide_pictures()

    def test_a_new_user_walks_every_tab_in_english(self):
        self.walk("en")
