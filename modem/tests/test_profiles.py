"""The driver against every simulated family (simulators/profiles.py), through the real pyserial path.

Each profile answers in the shapes its family's manual and public logs show: identification,
+CPIN? forms and busy start-up, listing headers, junk lines, report memories, USSD styles, error
codes. The driver must take all of them.
"""

import time
import unittest

from modem.at import pdu
from modem.at.driver import AtModem, MessageReceived, NewMessage, ReportReceived, ReportStored, UssdReply
from modem.at.errors import CmsError, CommandError, PinRejected, PinRequired, certainly_not_sent
from simulators import SimulatedModem
from simulators.profiles import PROFILES
from simulators.settings import SIM_STATES, USSD_STYLES

NUMBER = "+59170000288"
BALANCE = "Su saldo es Bs 12.50, vigente hasta 31/12/2026"
# Families that keep messages the driver can read (a Nokia S60 phone can only send).
READABLE = [name for name, profile in PROFILES.items() if profile.sms_storage]


class ProfileTestCase(unittest.TestCase):
    def start(self, profile: str, **settings) -> tuple[SimulatedModem, AtModem]:
        settings = {"latency": 0, "seed": 1, "report_delay": 0, "ussd_delay": 0, **settings}
        sim = SimulatedModem(profile=profile, **settings)
        self.addCleanup(sim.stop)
        modem = AtModem.open(sim.start(), command_timeout=2, send_timeout=5)
        modem.ussd_notice_grace = modem.ussd_packed_after = 0.5  # the simulator says everything at once
        self.addCleanup(modem.close)
        return sim, modem

    def ready(self, profile: str, **settings) -> tuple[SimulatedModem, AtModem]:
        sim, modem = self.start(profile, **settings)
        modem.initialise(pin=settings.get("pin") or "")
        return sim, modem

    def wait_for(self, modem: AtModem, kinds: tuple, timeout: float = 3.0) -> list:
        deadline, found = time.monotonic() + timeout, []
        while time.monotonic() < deadline and not found:
            found = [event for event in modem.poll(0.2) if isinstance(event, kinds)]
        self.assertTrue(found, f"no {kinds} within {timeout} s")
        return found

    def send(self, modem: AtModem, text: str = "Hola") -> list[int]:
        parts = pdu.encode_submit(NUMBER, text, concat_reference=modem.next_concat_reference())
        return [modem.send_pdu(part) for part in parts]


class IdentificationTestCase(ProfileTestCase):
    def test_it_initialises_and_identifies_every_family(self):
        for name in PROFILES:
            with self.subTest(profile=name):
                sim, modem = self.ready(name)
                identity = modem.identify()
                expected = sim.settings
                self.assertEqual(identity.manufacturer, expected.manufacturer.strip())
                self.assertEqual(identity.model, expected.model.strip())
                self.assertEqual(identity.imei, expected.imei)
                self.assertEqual(modem.sim_state(), "READY")
                self.assertEqual(modem.signal().rssi, 20)

    def test_it_falls_back_to_ati_when_cgmi_is_not_supported(self):
        for name in ("huawei", "quectel", "telit", "nokia", "cinterion"):
            with self.subTest(profile=name):
                sim, modem = self.ready(name, identification_unsupported=True)
                identity = modem.identify()
                self.assertIn(sim.settings.manufacturer.split()[0].lower(), identity.manufacturer.lower())
                self.assertTrue(identity.model)

    def test_a_busy_sim_at_power_on_is_waited_for(self):
        for name in ("quectel", "wavecom", "telit", "huawei_e1550"):
            with self.subTest(profile=name):
                _sim, modem = self.ready(name, sim_busy_seconds=1.0, boot_urcs=True)
                self.assertEqual(modem.sim_state(), "READY")


class SimStateTestCase(ProfileTestCase):
    def test_every_state_is_named_as_the_sim_says_and_puk_only_when_it_says_puk(self):
        for state in SIM_STATES:
            with self.subTest(state=state):
                _sim, modem = self.start("quectel", sim_state_override=state)
                if state in ("READY", "SIM PIN2", "SIM PUK2"):
                    modem.initialise()  # PIN2 states do not stop SMS (TS 27.007 8.3)
                    continue
                with self.assertRaises(PinRequired) as caught:
                    modem.initialise()
                self.assertEqual(caught.exception.detail, state)
                self.assertEqual("PUK" in caught.exception.reason, "PUK" in state, caught.exception.reason)

    def test_the_pin_is_entered_and_a_wrong_one_is_reported_once(self):
        for name in ("huawei", "wavecom", "sonyericsson"):
            with self.subTest(profile=name):
                _sim, modem = self.start(name, pin="1234")
                modem.initialise(pin="1234")
                self.assertEqual(modem.sim_state(), "READY")
                _sim, modem = self.start(name, pin="1234")
                with self.assertRaises(PinRejected):
                    modem.initialise(pin="9999")
                with self.assertRaises(PinRequired) as caught:
                    modem.initialise()  # no PIN: asks for it, never says PUK
                self.assertNotIn("PUK", caught.exception.reason)


class SendingTestCase(ProfileTestCase):
    def test_it_sends_and_gets_the_delivery_report_on_every_family(self):
        for name in PROFILES:
            with self.subTest(profile=name):
                sim, modem = self.ready(name)
                [reference] = self.send(modem)
                self.assertEqual(reference, sim.sent[-1].mr)
                if not modem.reports:
                    continue  # a phone that routes no reports (Nokia S60)
                event = self.wait_for(modem, (ReportStored, ReportReceived))[0]
                if isinstance(event, ReportStored):
                    stored = modem.read_message(event.index, event.storage)
                    report = stored.message
                    modem.delete_message(event.index, event.storage)
                    self.assertEqual(sim.stored, [])
                else:
                    report = event.report
                    modem.acknowledge()
                self.assertIsInstance(report, pdu.StatusReport)
                self.assertEqual((report.reference, report.delivered), (reference, True))

    def test_reports_are_kept_by_the_modem_not_sent_to_a_port_nobody_reads(self):
        for name in PROFILES:
            with self.subTest(profile=name):
                _sim, modem = self.ready(name)
                self.assertIn(modem.reports, ("stored", ""), "a report must survive a worker that is not running")

    def test_no_credit_is_a_refusal_and_a_network_timeout_is_not(self):
        _sim, modem = self.ready("huawei", no_credit=True)
        with self.assertRaises(CmsError) as caught:
            self.send(modem)
        self.assertEqual(caught.exception.code, 21)
        self.assertTrue(caught.exception.after_data and certainly_not_sent(caught.exception))
        _sim, modem = self.ready("huawei", cms_error_rate=1, error_code=332)
        with self.assertRaises(CmsError) as caught:
            self.send(modem)
        self.assertFalse(certainly_not_sent(caught.exception))

    def test_a_send_whose_answer_was_never_read_does_not_shift_the_next_answers(self):
        for name in ("huawei", "quectel", "wavecom"):
            with self.subTest(profile=name):
                sim, modem = self.ready(name, latency=0.5, sim_busy_seconds=0)
                [part] = pdu.encode_submit(NUMBER, "Hola")
                modem._write(f"AT+CMGS={part.tpdu_length}\r".encode())
                self.assertEqual(modem._read_line(time.monotonic() + 2, prompt=True), ">")
                modem._write(part.hex.encode() + b"\x1a")
                modem.close()  # killed: the +CMGS answer comes to a port nobody reads
                again = AtModem.open(sim.device, command_timeout=2, send_timeout=5)
                self.addCleanup(again.close)
                again.initialise()
                self.assertEqual(again.identify().imei, sim.settings.imei)
                self.assertEqual(again.signal().rssi, 20)
                self.assertEqual(len(sim.sent), 1)


class ReceivingTestCase(ProfileTestCase):
    def test_it_reads_single_and_multipart_sms_on_every_family(self):
        long_text = "Gracias por su pago. " * 12
        for name in READABLE:
            with self.subTest(profile=name):
                sim, modem = self.ready(name)
                sim.inject_sms(NUMBER, "Pagaré mañana")
                sim.inject_sms(NUMBER, long_text)
                texts = []
                for event in self.wait_for(modem, (NewMessage, MessageReceived)):
                    if isinstance(event, NewMessage):
                        stored = modem.read_message(event.index, event.storage)
                        texts.append(stored.message.text)
                        modem.delete_message(event.index, event.storage)
                    else:
                        texts.append(event.deliver.text)
                for stored in modem.list_messages():
                    if not stored.is_sent_copy:
                        texts.append(stored.message.text)
                        modem.delete_message(stored.index, stored.storage)
                self.assertIn("Pagaré mañana", texts)
                self.assertEqual("".join(t for t in texts if t != "Pagaré mañana"), long_text)

    def test_listings_with_drafts_sent_copies_names_and_junk_lines(self):
        for name in READABLE:
            with self.subTest(profile=name):
                sim, modem = self.ready(
                    name,
                    phonebook={NUMBER: "Mamá, casa"},
                    listing_blank_lines=True,
                    listing_interleave="^RSSI:14",
                )
                sim.preload(NUMBER, "Recibido", stat=1)
                sim.preload(NUMBER, "Borrador", stat=2)
                sim.preload(NUMBER, "Copia enviada", stat=3)
                entries = modem.list_messages()
                incoming = [e for e in entries if not e.is_sent_copy]
                self.assertEqual([e.message.text for e in incoming], ["Recibido"])
                self.assertEqual(incoming[0].message.sender, NUMBER)
                self.assertEqual(
                    sorted(e.message.text for e in entries if e.is_sent_copy), ["Borrador", "Copia enviada"]
                )
                self.assertEqual({e.index for e in entries}, {s.index for s in sim.stored})

    def test_a_modem_switched_to_text_mode_is_switched_back(self):
        for name in ("huawei", "simcom", "cinterion"):
            with self.subTest(profile=name):
                sim, modem = self.ready(name)
                sim.inject_sms(NUMBER, "Hola " * 40)  # two parts: only PDU mode joins them
                modem.poll(0.3)
                modem.command("AT+CMGF=1")  # another program touched the port
                entries = modem.list_messages()
                self.assertEqual(len(entries), 2)
                self.assertTrue(all(e.message.concat is not None for e in entries), "read in PDU mode again")
                self.assertEqual(modem.command("AT+CMGF?"), ["+CMGF: 0"])


class UssdTestCase(ProfileTestCase):
    def test_every_answer_style_is_decoded(self):
        for style in USSD_STYLES:
            with self.subTest(style=style):
                _sim, modem = self.ready("huawei", ussd_style=style)
                reply = modem.ussd("*105#", timeout=3)
                self.assertEqual(reply.text, BALANCE)

    def test_every_family_answers_the_balance_code(self):
        for name in PROFILES:
            with self.subTest(profile=name):
                _sim, modem = self.ready(name)
                self.assertEqual(modem.ussd("*105#", timeout=3).text, BALANCE)

    def test_a_huawei_in_transparent_mode_gets_the_code_packed(self):
        _sim, modem = self.ready("huawei_e1550")
        self.assertEqual(modem.ussd("*105#", timeout=3).text, BALANCE)
        self.assertTrue(modem.ussd_packed)

    def test_notices_before_the_answer_are_not_taken_for_it(self):
        for notice in (2, 4):
            with self.subTest(notice=notice):
                _sim, modem = self.ready("zte", ussd_notice_first=notice)
                self.assertEqual(modem.ussd("*105#", timeout=8).text, BALANCE)

    def test_a_menu_session_is_closed_and_an_unknown_code_explained(self):
        sim, modem = self.ready("huawei", ussd_menus={"*111#": "1. Saldo\n2. Paquetes"})
        reply = modem.ussd("*111#", timeout=3)
        self.assertEqual((reply.status, reply.text), (1, "1. Saldo\n2. Paquetes"))
        self.assertEqual(modem.ussd("*105#", timeout=3).text, BALANCE)  # the menu did not stay open
        with self.assertRaises(CommandError) as caught:
            modem.ussd("*999#", timeout=8)
        self.assertIn("operator", caught.exception.reason.lower())
        self.assertIsInstance(UssdReply(0, ""), UssdReply)
        del sim
