"""The real AT driver against recordings of real modems and phones (modem/tests/recordings/).

Each recording names its public source (python-gsmmodem's device profiles and tests, Gammu's AT
test data and users' debug logs, ModemManager's tests, issue threads) and what in it was
adapted. `RecordedPort` plays a recording back as a modem would: it echoes while echo is on (ATE1
until ATE0), answers each command from the recording (exactly, then by prefix) and ERROR to what
the recording does not know, shows the '>' prompt of AT+CMGS and answers after Ctrl-Z.

Expected values come from the sources themselves (the tests that recorded them state them) or
from an independent decoder (python-gsmmodem-new's gsmmodem.pdu), never from our own code.
"""

import time
import unittest
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import ModuleType

from modem.at import pdu
from modem.at.driver import AtModem, Identity, NewMessage, ReportReceived, Ring, Unparsed, UssdReply
from modem.at.errors import CmeError, CommandError, CommandTimeout, PinRejected, PinRequired
from modem.at.listing import REC_READ, REC_UNREAD, UNKNOWN_STAT
from modem.tests.recordings import (
    ati_identity,
    dlink_dwm157,
    gammu_at_sms,
    gammu_huawei_e1752,
    gammu_ussd,
    modemmanager,
    pygsm_cellc_stored,
    pygsm_huawei_e1752,
    pygsm_huawei_k3715,
    pygsm_nokia_n79,
    pygsm_qualcomm_m6280,
    pygsm_ussd,
    pygsm_wavecom,
    pygsm_zte_k3565z,
    sim800_startup,
    sim_states,
)

CTRL_Z = 0x1A
ESC = 0x1B
OK = ["OK"]
# An answer: lines (framed "\r\n<line>\r\n" as a modem in verbose mode frames them), exact
# characters (str), or a function of the port that returns one of those.
Answer = list[str] | str | Callable[["RecordedPort"], "list[str] | str"]


def frame(answer: list[str] | str) -> bytes:
    if isinstance(answer, str):
        return answer.encode("latin-1")
    out = b""
    for line in answer:
        # The send prompt is "\r\n> " with nothing after it.
        out += b"\r\n" + line.encode("latin-1") + (b"" if line == "> " else b"\r\n")
    return out


class RecordedPort:
    """A pyserial-like port that answers as the recorded device did."""

    def __init__(
        self,
        answers: dict[str, Answer] | None = None,
        *,
        prefixes: dict[str, Answer] | None = None,
        aliases: dict[str, str] | None = None,
        by_cmee: dict[str, dict[int, Answer]] | None = None,
        before: dict[str, str] | None = None,
        send_result: Answer | None = None,
        default: Answer = ("ERROR",),
        echo: bool = True,
    ):
        self.answers = {key.upper(): value for key, value in (answers or {}).items()}
        self.prefixes = sorted(((k.upper(), v) for k, v in (prefixes or {}).items()), key=lambda kv: -len(kv[0]))
        self.aliases = {key.upper(): value.upper() for key, value in (aliases or {}).items()}
        self.by_cmee = {key.upper(): value for key, value in (by_cmee or {}).items()}
        self.before = {key.upper(): value for key, value in (before or {}).items()}
        self.send_result = send_result
        self.default = list(default)
        self.echo = echo
        self.cmee = 0
        self.pending = b""
        self.line = b""
        self.prompt = False
        self.data = b""
        self.commands: list[str] = []  # every command line received, in order
        self.pdus: list[str] = []  # every PDU sent after a prompt

    @classmethod
    def of(cls, recording: ModuleType, **overrides) -> "RecordedPort":
        settings = {
            "answers": getattr(recording, "ANSWERS", None),
            "prefixes": getattr(recording, "PREFIXES", None),
            "aliases": getattr(recording, "ALIASES", None),
            "by_cmee": getattr(recording, "BY_CMEE", None),
            "before": getattr(recording, "BEFORE", None),
            "send_result": getattr(recording, "SEND_RESULT", None),
            "default": getattr(recording, "DEFAULT", ["ERROR"]),
            "echo": getattr(recording, "ECHO", True),
        }
        answers = dict(settings["answers"] or {})
        answers.update(overrides.pop("answers", {}))
        settings["answers"] = answers
        settings.update(overrides)
        return cls(**settings)

    # The pyserial surface the driver uses.
    @property
    def in_waiting(self) -> int:
        return len(self.pending)

    def read(self, size: int = 1) -> bytes:
        data, self.pending = self.pending[:size], self.pending[size:]
        if not data:
            time.sleep(0.001)  # a real port blocks for its timeout; do not spin the CPU
        return data

    def write(self, data: bytes) -> int:
        for byte in data:
            if self.prompt:
                if byte == CTRL_Z:
                    self.prompt = False
                    self.pdus.append(self.data.decode("ascii"))
                    self.data = b""
                    self.pending += frame(self._resolve(self.send_result or ["ERROR"]))
                elif byte == ESC:
                    self.prompt = False
                    self.data = b""
                else:
                    self.data += bytes([byte])
            elif byte == ESC:
                self.line = b""
            elif byte == 0x0D:
                self._command(self.line)
                self.line = b""
            elif byte != 0x0A:
                self.line += bytes([byte])
        return len(data)

    def close(self) -> None:
        pass

    # Playing the device.
    def notify(self, answer: list[str] | str) -> None:
        """Unsolicited lines, as the device sent them on its own."""
        self.pending += frame(answer)

    def _command(self, raw: bytes) -> None:
        text = raw.decode("latin-1").strip()
        if not text:
            return  # an empty command line gets no answer
        self.commands.append(text)
        key = text.upper()
        self.pending += self.before.get(key, "").encode("latin-1")
        if self.echo:
            self.pending += raw + b"\r"
        answer = self._resolve(self._answer(key))
        self.pending += frame(answer)
        succeeded = answer == OK or (isinstance(answer, list) and answer[-1:] == OK)
        if key.replace(" ", "") in ("ATE0", "ATE0V1", "ATE1", "ATE1V1"):
            self.echo = "E1" in key
        if key.startswith("AT+CMEE=") and succeeded:
            self.cmee = int(key[8:] or 0)
        if key.startswith("AT+CMGS=") and isinstance(answer, list) and answer[-1:] == ["> "]:
            self.prompt = True

    def _answer(self, key: str) -> Answer:
        key = self.aliases.get(key, key)
        if key in self.by_cmee:
            return self.by_cmee[key][self.cmee]
        if key in self.answers:
            return self.answers[key]
        for prefix, answer in self.prefixes:
            if key.startswith(prefix):
                return answer
        if key in ("AT", "ATE0", "ATE1", "ATE1V1", "ATE0V1", "ATV1") or key.startswith("ATS7="):
            return OK  # V.250 basics every modem answers
        return self.default

    def _resolve(self, answer: Answer) -> list[str] | str:
        return answer(self) if callable(answer) else answer


def modem_on(port: RecordedPort) -> AtModem:
    return AtModem(port, command_timeout=0.5, send_timeout=1.0)


def at(moment: tuple[int, ...], offset_minutes: int) -> datetime:
    return datetime(*moment, tzinfo=timezone(timedelta(minutes=offset_minutes)))


def sent_commands(port: RecordedPort, start: str) -> list[str]:
    return [command for command in port.commands if command.upper().startswith(start.upper())]


# The python-gsmmodem device profiles, with what each says about the device.
PROFILES = {
    "Huawei K3715": (
        pygsm_huawei_k3715,
        Identity("huawei", "K3715", "11.104.05.00.00", "111111111111111", "111111111111111"),
    ),
    "Huawei E1752": (
        pygsm_huawei_e1752,
        Identity("huawei", "E1752", "11.126.13.00.00", "111111111111111", "111111111111111"),
    ),
    # Leading space and doubled spaces as the modem gives them; AT+CGMR refused.
    "Wavecom": (
        pygsm_wavecom,
        Identity("WAVECOM MODEM", "MULTIBAND  900E  1800", "", "111111111111111", "111111111111111"),
    ),
    "Qualcomm M6280": (
        pygsm_qualcomm_m6280,
        Identity(
            "QUALCOMM INCORPORATED",
            "M6280",
            "M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]",
            "111111111111111",
            "111111111111111",
        ),
    ),
    "ZTE K3565-Z": (
        pygsm_zte_k3565z,
        Identity("ZTE INCORPORATED", "K3565-Z", "BD_P673A2V1.0.0B09", "111111111111111", "111111111111111"),
    ),
    # A five-line AT+CGMR: its first line is the revision.
    "Nokia N79": (
        pygsm_nokia_n79,
        Identity("Nokia", "Nokia N79", "V ICPR72_08w44.1", "111111111111111", "111111111111111"),
    ),
}


class InitialiseTestCase(unittest.TestCase):
    def test_it_initialises_every_profiled_device(self):
        # (report memory "SR" offered for reading, where +CMTI/+CDSI go)
        expected = {
            "Huawei K3715": ("SR", "stored"),
            "Huawei E1752": ("SR", "stored"),
            "Wavecom": ("SR", "stored"),  # +CPMS: (("SM","BM","SR"),("SM"))
            "Qualcomm M6280": ("SR", "stored"),
            "ZTE K3565-Z": ("SR", "stored"),
            "Nokia N79": ("", ""),  # +CPMS: (),(),() and every AT+CNMI refused
        }
        for name, (recording, _identity) in PROFILES.items():
            with self.subTest(device=name):
                port = RecordedPort.of(recording)
                modem = modem_on(port)
                modem.initialise()
                self.assertEqual((modem.report_memory, modem.reports), expected[name])
                self.assertTrue(modem.calls_supported)
                self.assertIn("AT+CMGF=0", port.commands)
                self.assertFalse(port.echo, "the driver must leave echo off")

    def test_it_reads_the_sim_state_without_a_final_ok(self):
        # Wavecom: "+CPIN: READY" and no OK.
        modem = modem_on(RecordedPort.of(pygsm_wavecom))
        modem.initialise()
        self.assertEqual(modem.sim_state(), "READY")

    def test_it_reports_a_pin_request_without_a_final_ok_as_pin_required(self):
        port = RecordedPort.of(pygsm_wavecom, answers={"AT+CPIN?": pygsm_wavecom.LOCKED_CPIN})
        with self.assertRaises(PinRequired) as caught:
            modem_on(port).initialise()
        self.assertNotIsInstance(caught.exception, PinRejected)
        self.assertEqual(caught.exception.detail, "SIM PIN")

    def test_it_reports_a_pin_locked_sim_without_a_pin_as_sim_pin(self):
        port = RecordedPort({"AT+CPIN?": sim_states.PIN_LOCKED_CPIN, "AT+CMEE=1": OK}, default=OK)  # chan_dongle #79
        with self.assertRaises(PinRequired) as caught:
            modem_on(port).initialise()
        self.assertNotIsInstance(caught.exception, PinRejected)
        self.assertEqual(caught.exception.detail, "SIM PIN")
        self.assertEqual(sent_commands(port, 'AT+CPIN="'), [], "never guess a PIN")

    def test_it_unlocks_a_pin_locked_sim_with_its_pin(self):
        state = {"unlocked": False}

        def cpin(_port):
            return "\r\n+CPIN: READY\r\n\r\nOK\r\n" if state["unlocked"] else sim_states.PIN_LOCKED_CPIN

        def give_pin(_port):
            state["unlocked"] = True
            return OK

        port = RecordedPort({"AT+CPIN?": cpin, f'AT+CPIN="{sim_states.PIN}"': give_pin}, default=OK)
        modem = modem_on(port)
        modem.initialise(pin=sim_states.PIN)
        self.assertEqual(sent_commands(port, 'AT+CPIN="'), [f'AT+CPIN="{sim_states.PIN}"'])
        self.assertEqual(modem.sim_state(), "READY")

    def test_it_reports_a_missing_sim_as_cme_error_10(self):
        # SIM800 without a SIM: ERROR before AT+CMEE, "+CME ERROR: SIM not inserted" with CMEE=2.
        port = RecordedPort(
            {"AT+CMEE=1": OK, "AT+CMEE=2": OK}, by_cmee={"AT+CPIN?": sim_states.NO_SIM_CPIN}, default=OK
        )
        with self.assertRaises(CmeError) as caught:
            modem_on(port).initialise()
        self.assertEqual(caught.exception.code, 10)
        self.assertNotIsInstance(caught.exception, PinRequired)

    def test_it_reads_a_verbose_no_sim_error_as_code_10(self):
        port = RecordedPort({"AT+CMEE=2": OK}, by_cmee={"AT+CPIN?": sim_states.NO_SIM_CPIN}, default=OK)
        modem = modem_on(port)
        modem.command("AT+CMEE=2")
        with self.assertRaises(CmeError) as caught:
            modem.sim_state()
        self.assertEqual(caught.exception.code, 10)

    def test_it_takes_command_not_support_as_a_refusal(self):
        # Huawei E1752 under gammu: COMMAND NOT SUPPORT to what it lacks, notices in between.
        port = RecordedPort.of(gammu_huawei_e1752)
        modem = modem_on(port)
        modem.initialise()
        self.assertFalse(modem.calls_supported)  # AT+CLIP=1 -> COMMAND NOT SUPPORT
        self.assertEqual(modem.reports, "stored")
        self.assertIsNone(modem.try_command("AT+CPROT=?"))

    def test_it_sets_notices_aside_that_come_before_the_echo(self):
        # D-Link DWM-157: three +PSBEARER notices, then the echo, then OK.
        port = RecordedPort({"AT+CMGF=0": dlink_dwm157.CMGF_ANSWER}, default=OK)
        modem = modem_on(port)
        modem.initialise()
        self.assertEqual(modem.pop_events().count(Unparsed("+PSBEARER: 24, 0")), 3)

    def test_it_keeps_start_up_notices_left_on_the_port(self):
        port = RecordedPort(default=OK)
        port.notify(sim800_startup.NOTICES)  # +CPIN: READY / Call Ready / SMS Ready, before we opened it
        modem = modem_on(port)
        modem.initialise()
        events = modem.pop_events()
        self.assertIn(Unparsed("Call Ready"), events)
        self.assertIn(Unparsed("SMS Ready"), events)

    def test_it_waits_for_sms_ready_before_giving_up_on_pdu_mode(self):
        # SIM800L just powered: AT+CMGF answers ERROR once, then "+CPIN: READY", "Call Ready",
        # "SMS Ready" come, and from then on it works.
        state = {"ready": False}

        def cmgf(port):
            if state["ready"]:
                return OK
            state["ready"] = True
            return sim800_startup.FIRST_CMGF + sim800_startup.NOTICES

        port = RecordedPort({"AT+CMGF=0": cmgf}, default=OK)
        modem = modem_on(port)
        modem.initialise()
        self.assertGreaterEqual(len(sent_commands(port, "AT+CMGF=0")), 2)

    def test_it_reads_storage_lists_without_parentheses_or_with_empty_ones(self):
        for name, answer in (
            ("Huawei MU609", modemmanager.MU609_CPMS_TEST),
            ("Nokia C6", modemmanager.NOKIA_C6_CPMS_TEST),
        ):
            with self.subTest(device=name):
                modem = modem_on(RecordedPort({"AT+CPMS=?": answer}, default=OK))
                modem.initialise()
                self.assertEqual(modem.report_memory, "")


class IdentifyTestCase(unittest.TestCase):
    def test_it_identifies_every_profiled_device(self):
        for name, (recording, identity) in PROFILES.items():
            with self.subTest(device=name):
                modem = modem_on(RecordedPort.of(recording))
                modem.initialise()
                self.assertEqual(modem.identify(), identity)

    def test_it_identifies_modules_that_answer_only_ati(self):
        cases = {
            "Sierra Wireless MC7455": (
                ati_identity.MC7455_ATI,
                Identity(
                    "Sierra Wireless, Incorporated",
                    "MC7455",
                    "SWI9X30C_02.33.03.00 r8209 CARMD-EV-FRMWR2 2019/08/28 20:59:30",
                    "359072061513111",
                    "",
                ),
            ),
            "BroadMobi BM806C": (
                ati_identity.BM806C_ATI,
                Identity("BroadMobi", "BM806C", "M1.2.0_E1.0.1_A1.1.8", "358289080491316", ""),
            ),
        }
        for name, (ati, identity) in cases.items():
            with self.subTest(device=name):
                modem = modem_on(RecordedPort({"ATI": ati}))
                self.assertEqual(modem.identify(), identity)

    def test_it_leaves_the_imsi_empty_when_the_sim_is_missing(self):
        # SIMCom A7670E: AT+CIMI -> "+CME ERROR: SIM not inserted".
        port = RecordedPort.of(pygsm_huawei_k3715, answers={"AT+CIMI": sim_states.A7670_CIMI})
        identity = modem_on(port).identify()
        self.assertEqual((identity.manufacturer, identity.imsi), ("huawei", ""))


class StoredMessagesTestCase(unittest.TestCase):
    def assert_cellc(self, entries):
        self.assertEqual(len(entries), 3)
        for entry, (index, status, sender, moment, text) in zip(entries, pygsm_cellc_stored.EXPECTED, strict=True):
            with self.subTest(index=index):
                self.assertEqual((entry.index, entry.status), (index, status))
                self.assertIsInstance(entry.message, pdu.Deliver, entry.error)
                self.assertEqual(entry.message.sender, sender)
                self.assertEqual(entry.message.text, text)
                self.assertEqual(entry.message.timestamp, moment)
                self.assertFalse(entry.is_sent_copy)

    def test_it_lists_a_pdu_listing(self):
        modem = modem_on(RecordedPort.of(pygsm_cellc_stored))
        modem.initialise()
        self.assert_cellc(modem.list_messages())

    def test_it_skips_a_garbage_line_between_entries(self):
        lines = list(pygsm_cellc_stored.ANSWERS["AT+CMGL=4"])
        lines.insert(1, pygsm_cellc_stored.GARBAGE)
        modem = modem_on(RecordedPort.of(pygsm_cellc_stored, answers={"AT+CMGL=4": lines}))
        modem.initialise()
        self.assert_cellc(modem.list_messages())

    def test_it_reads_one_stored_message(self):
        modem = modem_on(RecordedPort.of(pygsm_cellc_stored))
        modem.initialise()
        entry = modem.read_message(0)
        self.assertIsNotNone(entry)
        self.assertEqual((entry.index, entry.status), (0, REC_UNREAD))
        self.assertEqual(entry.message.sender, "+27748577604")
        self.assertEqual(entry.message.text, "Hello raspberry pi")

    def test_it_reads_a_stored_delivery_report(self):
        modem = modem_on(RecordedPort.of(pygsm_cellc_stored))
        modem.initialise()
        entry = modem.read_message(3)
        self.assertIsNotNone(entry)
        report = entry.message
        self.assertIsInstance(report, pdu.StatusReport, entry.error)
        sast = pygsm_cellc_stored.SAST
        self.assertEqual((report.reference, report.recipient, report.delivered), (183, "0829200000", True))
        self.assertEqual(report.sent_at, datetime(2013, 7, 17, 15, 58, 9, tzinfo=sast))
        self.assertEqual(report.done_at, datetime(2013, 7, 17, 15, 58, 14, tzinfo=sast))

    def test_it_reads_a_report_whose_header_has_no_status(self):
        # ZTE: "+CMGR: ,,27" and a PDU whose SMSC part is wrong.
        modem = modem_on(RecordedPort.of(pygsm_zte_k3565z))
        modem.initialise()
        entry = modem.read_message(1)
        self.assertIsNotNone(entry, "the ZTE report was dropped: +CMGR: ,,27 was not read as a header")
        report = entry.message
        self.assertIsInstance(report, pdu.StatusReport, entry.error)
        self.assertEqual((report.reference, report.delivered), (28, True))
        self.assertTrue(report.recipient.endswith("08427829207025"), report.recipient)
        sast = timezone(timedelta(hours=2))
        self.assertEqual(report.sent_at, datetime(2013, 7, 26, 14, 29, 27, tzinfo=sast))
        self.assertEqual(report.done_at, datetime(2013, 7, 26, 14, 29, 31, tzinfo=sast))

    def test_it_reads_a_text_mode_report_whose_header_has_no_status(self):
        # After +CDSI: "SR",57 on a modem left in text mode.
        answers = {'AT+CPMS="SR"': OK, 'AT+CPMS="SM"': OK}
        modem = modem_on(RecordedPort.of(pygsm_cellc_stored, answers=answers))
        modem.initialise()
        entry = modem.read_message(57, "SR")
        self.assertIsNotNone(entry, "the text-mode report was dropped: '+CMGR: ,6,20,...' was not read")
        report = entry.message
        self.assertIsInstance(report, pdu.StatusReport, entry.error)
        self.assertEqual((report.reference, report.recipient, report.delivered), (20, "0870000000", True))
        cet = timezone(timedelta(hours=1))
        self.assertEqual(report.sent_at, datetime(2013, 4, 29, 19, 58, tzinfo=cet))
        self.assertEqual(report.done_at, datetime(2013, 4, 29, 19, 59, tzinfo=cet))

    def test_it_lists_while_huawei_notices_arrive(self):
        port = RecordedPort.of(gammu_huawei_e1752)
        modem = modem_on(port)
        modem.initialise()
        entries = modem.list_messages()
        self.assertEqual(len(entries), 1)
        entry = entries[0]
        self.assertEqual((entry.index, entry.status), (0, REC_UNREAD))
        self.assertIsInstance(entry.message, pdu.Deliver, entry.error)
        self.assertEqual(entry.message.sender, "+33660334189")
        self.assertEqual(entry.message.text, "Test")
        self.assertEqual(entry.message.timestamp, datetime(2015, 8, 17, 19, 2, 43, tzinfo=timezone(timedelta(hours=2))))
        self.assertIn(Unparsed("^SRVST:0"), modem.pop_events())


class GammuDumpTestCase(unittest.TestCase):
    """Gammu's +CMGR test data: one answer per phone, read with read_message()."""

    def read(self, name: str):
        _commit, dump = gammu_at_sms.DUMPS[name]
        command, *lines = [line for line in dump.split("\n") if line]
        index = int(command.split("=")[1])
        modem = modem_on(RecordedPort({command: lines}))
        return index, modem.read_message(index)

    def check(self, name: str, *, header_trusted: bool) -> None:
        expected = gammu_at_sms.EXPECTED[name]
        index, entry = self.read(name)
        self.assertIsNotNone(entry, "the answer was not read at all")
        self.assertEqual(entry.index, index)
        if header_trusted and expected["status"] is not None:
            self.assertEqual(entry.status, expected["status"])
        message = entry.message
        kind = expected["kind"]
        if kind == "deliver":
            self.assertIsInstance(message, pdu.Deliver, entry.error or f"decoded as {type(message).__name__}")
            senders = expected["sender"] if isinstance(expected["sender"], tuple) else (expected["sender"],)
            self.assertIn(message.sender, senders)
            if "text" in expected:
                self.assertEqual(message.text, expected["text"])
            if "time" in expected:
                self.assertEqual(message.timestamp, at(*expected["time"]))
            if header_trusted and expected["status"] in (REC_UNREAD, REC_READ):
                self.assertFalse(entry.is_sent_copy)
        elif kind == "submit":
            self.assertIsInstance(message, pdu.Submit, entry.error or f"decoded as {type(message).__name__}")
            self.assertEqual(message.number, expected["recipient"])
            self.assertEqual(message.text, expected["text"])
            self.assertTrue(entry.is_sent_copy)
        else:
            self.assertIsInstance(message, pdu.StatusReport, entry.error or f"decoded as {type(message).__name__}")
            self.assertEqual(message.reference, expected["reference"])
            self.assertEqual(message.recipient, expected["recipient"])
            self.assertEqual(message.status, expected["report_status"])
            self.assertEqual(message.delivered, expected["report_status"] == 0)
            self.assertEqual(message.sent_at, at(*expected["sent"]))
            self.assertEqual(message.done_at, at(*expected["done"]))

    def test_it_reads_every_phone_answer(self):
        for name in sorted(gammu_at_sms.HEADER_MATCHES):
            with self.subTest(dump=name):
                self.check(name, header_trusted=True)

    def test_it_reads_the_fixtures_whose_header_length_is_stale(self):
        for name in sorted(set(gammu_at_sms.EXPECTED) - gammu_at_sms.HEADER_MATCHES):
            with self.subTest(dump=name):
                self.check(name, header_trusted=False)

    def test_it_reads_an_answer_that_gives_no_status(self):
        # "+CMGR: 24": only the length. The status must not be taken from the length.
        _index, entry = self.read("38")
        self.assertIsNotNone(entry)
        self.assertIn(entry.status, (UNKNOWN_STAT, REC_UNREAD, REC_READ))


def ussd_port(answer: Answer, **kwargs) -> RecordedPort:
    return RecordedPort({"AT+CUSD=2": OK}, prefixes={"AT+CUSD=1,": answer}, **kwargs)


def same_lines(text: str) -> list[str]:
    """USSD text compared line by line: CRLF or LF between lines, trailing blanks aside."""
    return [line.rstrip() for line in text.strip().splitlines()]


class UssdTestCase(unittest.TestCase):
    def test_it_reads_the_answers_users_recorded(self):
        for code, answer, text, session_open in pygsm_ussd.SESSIONS:
            for order in ("after OK", "before OK"):
                with self.subTest(code=code, order=order):
                    lines = answer if order == "after OK" else [*answer[1:], "OK"]
                    port = ussd_port(lines)
                    reply = modem_on(port).ussd(code, timeout=1.0)
                    self.assertEqual(same_lines(reply.text), same_lines(text))
                    self.assertEqual(reply.status, 1 if session_open else int(answer[1][7]))
                    self.assertEqual(bool(sent_commands(port, "AT+CUSD=2")), session_open)

    def test_it_takes_the_answer_not_the_release_notice_before_it(self):
        # python-gsmmodem issue #14: "+CUSD: 2,"Initiating Release"" (or 3, "Other local client
        # responded") and then the real answer.
        for code, answer, text in pygsm_ussd.EXTRA_RELEASE:
            with self.subTest(first=answer[0] if answer[0] != "OK" else answer[1]):
                reply = modem_on(ussd_port(answer)).ussd(code, timeout=1.0)
                self.assertEqual(reply.text, text)
                self.assertEqual(reply.status, 0)

    def test_it_passes_on_the_networks_refusal(self):
        port = ussd_port(pygsm_ussd.NO_NETWORK)
        with self.assertRaises(CmeError) as caught:
            modem_on(port).ussd("*101#", timeout=1.0)
        self.assertEqual(caught.exception.code, 30)
        self.assertEqual(len(sent_commands(port, "AT+CUSD=1,")), 1, "a network refusal is not retried packed")

    def test_it_reads_the_answer_on_every_profiled_device(self):
        # test_sendUssd_differentModems: '+CUSD: 2,"Testing 123",15' then OK.
        for name, (recording, _identity) in PROFILES.items():
            if recording is pygsm_huawei_e1752:
                continue  # its own test below
            with self.subTest(device=name):
                answer = ['+CUSD: 2,"Testing 123",15', "OK"]
                port = RecordedPort.of(recording, prefixes={"AT+CUSD=1,": answer})
                modem = modem_on(port)
                modem.initialise()
                self.assertEqual(modem.ussd("*101#", timeout=1.0), UssdReply(2, "Testing 123", 15))

    def test_it_gets_an_answer_from_a_huawei_in_ussd_pdu_mode(self):
        # Huawei E1752 starts in ^USSDMODE=1: every AT+CUSD=1 -> ERROR until AT^USSDMODE=0.
        state = {"text_mode": False}

        def ussdmode(_port):
            state["text_mode"] = True
            return OK

        def cusd(_port):
            return pygsm_huawei_e1752.USSD_ANSWER if state["text_mode"] else pygsm_huawei_e1752.USSD_REFUSED

        port = RecordedPort.of(pygsm_huawei_e1752, answers={"AT^USSDMODE=0": ussdmode}, prefixes={"AT+CUSD=1,": cusd})
        modem = modem_on(port)
        modem.initialise()
        modem.identify()
        self.assertEqual(modem.ussd("*101#", timeout=1.0).text, "Testing 123")

    def test_it_reads_a_multi_line_answer_without_dcs(self):
        code, answer, text = gammu_ussd.Z710I  # Sony Ericsson Z710i
        reply = modem_on(ussd_port(answer)).ussd(code, timeout=1.0)
        self.assertEqual((reply.status, same_lines(reply.text)), (0, same_lines(text)))

    def test_it_returns_an_empty_answer_at_once(self):
        code, answer = gammu_ussd.W810I  # Sony Ericsson W810i: '+CUSD: 0,""'
        started = time.monotonic()
        reply = modem_on(ussd_port(answer)).ussd(code, timeout=3.0)
        self.assertEqual((reply.status, reply.text), (0, ""))
        self.assertLess(time.monotonic() - started, 2.0)

    def test_it_decodes_ucs2_hex_under_dcs_15(self):
        code, answer, text = gammu_ussd.UCS2
        reply = modem_on(ussd_port(answer)).ussd(code, timeout=1.0)
        self.assertEqual((reply.status, reply.text), (2, text))

    def test_it_decodes_an_answer_in_hex_characters(self):
        code, answer, text = gammu_ussd.HEX
        port = ussd_port(answer)
        reply = modem_on(port).ussd(code, timeout=1.0)
        self.assertEqual(reply.status, 1)
        self.assertEqual(same_lines(reply.text), same_lines(text))
        self.assertEqual(sent_commands(port, "AT+CUSD=2"), ["AT+CUSD=2"])

    def test_it_reports_a_refusal_that_comes_after_ok(self):
        # Cinterion MC55i: OK, then "+CME ERROR: 132" (service option not supported) on its own.
        code, answer = gammu_ussd.MC55I
        started = time.monotonic()
        with self.assertRaises(CommandError) as caught:
            modem_on(ussd_port(answer)).ussd(code, timeout=3.0)
        self.assertNotIsInstance(caught.exception, CommandTimeout)
        self.assertIsInstance(caught.exception, CmeError, type(caught.exception).__name__)
        self.assertEqual(caught.exception.code, 132)
        self.assertLess(time.monotonic() - started, 2.0)


class NoticesTestCase(unittest.TestCase):
    def test_it_turns_an_incoming_call_into_ring_events(self):
        for recording in (pygsm_huawei_k3715, pygsm_wavecom):
            with self.subTest(device=recording.DEVICE):
                port = RecordedPort.of(recording)
                modem = modem_on(port)
                modem.initialise()
                modem.pop_events()
                port.notify(recording.INCOMING_CALL)
                modem.listen(0.3)
                self.assertEqual(modem.pop_events(), [Ring(""), Ring("+27821231234")])

    def test_it_keeps_vendor_notices_apart_from_answers(self):
        port = RecordedPort.of(pygsm_wavecom)
        modem = modem_on(port)
        modem.initialise()
        modem.pop_events()
        port.notify(pygsm_wavecom.CALL_NOTICES)  # +WIND: 5,1 / +WIND: 2 / NO CARRIER / +WIND: 6,1
        modem.listen(0.3)
        self.assertEqual(modem.pop_events(), [Unparsed("+WIND: 5,1"), Unparsed("+WIND: 2"), Unparsed("+WIND: 6,1")])
        self.assertEqual(modem.command("AT"), [])

    def test_it_keeps_huawei_notices_as_events(self):
        port = RecordedPort.of(gammu_huawei_e1752)
        modem = modem_on(port)
        modem.initialise()
        modem.pop_events()
        port.notify(gammu_huawei_e1752.NOTICES)
        modem.listen(0.3)
        self.assertEqual(
            modem.pop_events(),
            [Unparsed("^MODE:5,4"), Unparsed("+CREG: 1, E006B, ABE0016"), Unparsed("^RSSI:14"), Unparsed("^RSSI:10")],
        )

    def test_it_reads_a_report_delivered_straight_to_us(self):
        port = RecordedPort(default=OK)
        modem = modem_on(port)
        port.notify(modemmanager.CDS)
        events = modem.poll(0.5)
        self.assertEqual(len(events), 1)
        self.assertIsInstance(events[0], ReportReceived)
        report = events[0].report
        moment = datetime(2012, 9, 11, 7, 40, 36, tzinfo=timezone(timedelta(hours=2)))
        self.assertEqual((report.reference, report.recipient, report.status), (90, "639335936", 0x30))
        self.assertFalse(report.delivered)
        self.assertFalse(report.final)  # 0x30: the centre is still trying
        self.assertEqual((report.sent_at, report.done_at), (moment, moment))

    def test_it_sends_through_zte_notices(self):
        port = RecordedPort.of(pygsm_zte_k3565z)
        modem = modem_on(port)
        modem.initialise()
        modem.pop_events()
        [part] = pdu.encode_submit("+0123456789", "Hello world!")
        self.assertEqual(modem.send_pdu(part), 142)
        self.assertEqual(port.pdus, [part.hex])
        events = modem.pop_events()
        self.assertEqual(len(events), 6)
        self.assertTrue(all(isinstance(event, Unparsed) for event in events))
        self.assertNotIn(NewMessage, [type(event) for event in events])


if __name__ == "__main__":
    unittest.main()
