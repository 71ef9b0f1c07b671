"""The simulated modem's families (simulators/profiles.py), through the real pyserial path.

Each test checks an answer shape a real device of that family gives (the profile's comment
names the manual or log): what our driver must cope with, not what it expects.
"""

import re
import time

from django.test import SimpleTestCase

from modem.at import pdu
from modem.tests.test_simulator import FINAL, NUMBER, Port
from simulators import PROFILES, SimulatedModem
from simulators.control import ControlServer
from simulators.settings import SIM_STATES
from simulators.ussd import pack_gsm7, unpack_gsm7


class ProfileTestCase(SimpleTestCase):
    def start(self, profile: str, *, init: bool = True, **settings) -> Port:
        """A zero-latency simulator of `profile` (start-up notices off unless asked) and a port on it,
        with echo off and numeric errors unless `init` is False."""
        settings.setdefault("boot_urcs", False)
        self.modem = SimulatedModem(latency=0, seed=1, profile=profile, **settings)
        self.addCleanup(self.modem.stop)
        port = Port(self.modem.start())
        self.addCleanup(port.close)
        if init:
            for command in ("ATE0", "AT+CMEE=1"):
                self.assertTrue(self.at(port, command).endswith("OK\r\n"), command)
        return port

    def at(self, port: Port, command: str, final: re.Pattern | bytes = FINAL) -> str:
        """A command line and everything up to its final result, as latin-1 (names like "Mamá")."""
        port.write(command.encode("latin-1") + b"\r")
        return port.read_until(final).decode("latin-1")

    def send(self, port: Port, text: str = "Hola", **options) -> str:
        (part,) = pdu.encode_submit(NUMBER, text, **options)
        port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        port.read_until(b"> ")
        port.write(part.hex.encode() + b"\x1a")
        return port.read_until(FINAL).decode()


class IdentificationTestCase(ProfileTestCase):
    def test_it_answers_in_every_family_and_names_it(self):
        for name, profile in PROFILES.items():
            with self.subTest(name):
                port = self.start(name)
                self.assertEqual(self.at(port, "AT"), "\r\nOK\r\n")
                self.assertIn(profile.manufacturer.strip(), self.at(port, "AT+CGMI"))
                self.assertRegex(self.at(port, "AT+CGSN"), r"^\r\n\d{15}\r\n\r\nOK\r\n$")
                self.assertTrue(self.at(port, "ATI").endswith("\r\n\r\nOK\r\n"))

    def test_it_answers_each_familys_own_shapes(self):
        cases = [
            ("huawei", "AT+CGMI", "\r\nhuawei\r\n\r\nOK\r\n"),
            ("quectel", "ATI", "\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A02M4G\r\n\r\nOK\r\n"),
            ("simcom", "ATI", "\r\nSIM800 R14.18\r\n\r\nOK\r\n"),
            ("simcom_sim7600", "AT+CGMR", "\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n"),
            ("telit", "ATI4", "\r\nGL865-QUAD\r\n\r\nOK\r\n"),
            ("wavecom", "AT+CGMM", "\r\n MULTIBAND  900E  1800 \r\n\r\nOK\r\n"),
            ("ublox", "ATI9", "\r\n23.41,A01.00\r\n\r\nOK\r\n"),
            ("cinterion", "ATI", "\r\nCinterion\r\nEHS6\r\nREVISION 03.001\r\n\r\nOK\r\n"),
            ("nokia", "ATI3", "\r\nV 03.88\r\n20-08-05\r\nRM-72\r\n(c) Nokia.\r\n\r\nOK\r\n"),
            ("sonyericsson", "AT+CGMM", "\r\nAAF-1052051-BV\r\n\r\nOK\r\n"),
        ]
        for name, command, answer in cases:
            with self.subTest(name):
                self.assertEqual(self.at(self.start(name), command), answer)
        sierra = self.at(self.start("sierra"), "ATI")
        self.assertIn("\r\nModel: MC7304\r\n", sierra)
        self.assertIn("\r\nIMEI SV: 21\r\n", sierra)

    def test_it_refuses_identification_so_that_drivers_fall_back_to_ati(self):
        port = self.start("nokia", identification_unsupported=True)
        self.assertEqual(self.at(port, "AT+CGMI"), "\r\nERROR\r\n")
        self.assertEqual(self.at(port, "AT+CGMM"), "\r\nERROR\r\n")
        self.assertEqual(self.at(port, "ATI"), "\r\nNokia\r\n\r\nOK\r\n")


class SimStateTestCase(ProfileTestCase):
    def test_it_is_busy_for_the_first_moments_after_power_on(self):
        port = self.start("quectel", sim_busy_seconds=0.3)
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CME ERROR: 14\r\n")
        self.assertEqual(self.at(port, "AT+CMGL=4"), "\r\n+CME ERROR: 14\r\n")
        self.assertEqual(self.at(port, "AT+CREG?"), "\r\n+CREG: 0,0\r\n\r\nOK\r\n")
        time.sleep(0.35)
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n")

    def test_it_says_please_wait_and_answers_cpin_without_ok_on_a_wavecom(self):
        port = self.start("wavecom", sim_busy_seconds=0.2)
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CME ERROR: 515\r\n")
        time.sleep(0.25)
        port.write(b"AT+CPIN?\r")
        self.assertEqual(port.read_until(b"+CPIN: READY\r\n"), b"\r\n+CPIN: READY\r\n")
        self.assertEqual(self.at(port, "AT"), "\r\nOK\r\n")  # no OK was left behind

    def test_it_says_each_familys_start_up_notices(self):
        cases = {
            "quectel": b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n",
            "simcom": b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n",
            "huawei": b"\r\n^SIMST:1\r\n\r\n^SRVST:2\r\n\r\n^MODE:5,4\r\n",
            "cinterion": b"\r\n^SYSSTART\r\n",
        }
        for name, notices in cases.items():
            with self.subTest(name):
                port = self.start(name, init=False, boot_urcs=True)
                port.write(b"AT\r")  # a USB modem hands over what it said once the port is opened
                said = port.read_until(notices[notices.rstrip().rfind(b"\r\n") :])
                self.assertEqual(said.replace(b"AT\r", b"").replace(b"\r\nOK\r\n", b""), notices)

    def test_it_can_be_put_in_any_state_of_27007(self):
        port = self.start("telit")
        for state in SIM_STATES:
            with self.subTest(state):
                self.modem.set(sim_state_override=state)
                self.assertEqual(self.at(port, "AT+CPIN?"), f"\r\n+CPIN: {state}\r\n\r\nOK\r\n")
        self.modem.set(sim_state_override="PH-NET PIN")
        self.assertEqual(self.at(port, "AT+CIMI"), "\r\n+CME ERROR: 40\r\n")
        self.assertEqual(self.at(port, "AT+CMGL=4"), "\r\n+CMS ERROR: 302\r\n")
        self.assertEqual(self.at(port, 'AT+CPIN="1234"'), "\r\nOK\r\n")
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n")

    def test_it_unblocks_a_sim_puk_with_the_puk_and_a_new_pin(self):
        port = self.start("simcom", pin="1234")
        for _ in range(3):
            self.at(port, 'AT+CPIN="0000"')
        self.assertEqual(self.at(port, 'AT+CPIN="87654321","4321"'), "\r\n+CME ERROR: 16\r\n")
        self.assertEqual(self.at(port, 'AT+CPIN="12345678","4321"'), "\r\nOK\r\n")
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n")


class ListingTestCase(ProfileTestCase):
    def test_it_lists_each_familys_alpha_field(self):
        for name, header in [("quectel", "+CMGL: 0,1,,"), ("simcom", '+CMGL: 1,1,"",'), ("telit", '+CMGL: 1,1,"",')]:
            with self.subTest(name):
                port = self.start(name)
                self.modem.preload(NUMBER, "Hola")
                self.assertTrue(self.at(port, "AT+CMGL=4").startswith("\r\n" + header), name)
        port = self.start("wavecom")
        self.modem.preload(NUMBER, "Hola")
        self.assertRegex(self.at(port, "AT+CMGR=1"), r"^\r\n\+CMGR: 1,,\d+\r\n[0-9A-F]+\r\n")
        self.assertEqual(self.at(port, "AT+CMGR=2"), "\r\nOK\r\n")  # an empty position: a bare OK

    def test_it_lists_a_phonebook_name_with_a_comma_inside_its_quotes(self):
        port = self.start("huawei", phonebook={NUMBER: "Mamá, casa"})
        self.modem.preload(NUMBER, "Ya llegué", stat=0)
        listing = self.at(port, "AT+CMGL=4")
        self.assertRegex(listing, r'^\r\n\+CMGL: 0,0,"Mamá, casa",\d+\r\n[0-9A-F]+\r\n\r\nOK\r\n$')
        self.assertRegex(self.at(port, "AT+CMGR=0"), r'^\r\n\+CMGR: 1,"Mamá, casa",\d+\r\n')

    def test_it_puts_blank_lines_and_notices_between_entries(self):
        port = self.start("sonyericsson")
        self.modem.preload(NUMBER, "Uno")
        self.modem.preload(NUMBER, "Dos")
        self.assertRegex(self.at(port, "AT+CMGL=4"), r"^\r\n(\+CMGL: \d,1,,\d+\r\n[0-9A-F]+\r\n\r\n){2}\r\nOK\r\n$")
        port = self.start("huawei", listing_interleave="^RSSI:14")
        self.modem.preload(NUMBER, "Uno")
        self.modem.preload(NUMBER, "Dos")
        self.assertRegex(self.at(port, "AT+CMGL=4"), r"[0-9A-F]\r\n\^RSSI:14\r\n\+CMGL: 1,")

    def test_it_lists_stored_drafts_and_sent_copies(self):
        port = self.start("simcom")
        self.modem.preload(NUMBER, "Borrador", stat=2)
        self.modem.preload("+59171111111", "Enviado", stat=3)
        listing = self.at(port, "AT+CMGL=4")
        entries = re.findall(r"\+CMGL: (\d+),(\d),\"\",\d+\r\n([0-9A-F]+)", listing)
        self.assertEqual([(index, stat) for index, stat, _ in entries], [("1", "2"), ("2", "3")])
        self.assertEqual(pdu.decode_submit(entries[1][2]).text, "Enviado")
        self.assertEqual(len(re.findall(r"\+CMGL:", self.at(port, "AT+CMGL=2"))), 1)
        self.assertEqual(self.at(port, "AT+CMGD=1,2"), "\r\nOK\r\n")  # deletes read and sent only
        self.assertEqual([sms.stat for sms in self.modem.stored], [2])

    def test_it_lists_reads_and_sends_in_text_mode(self):
        port = self.start("quectel")
        self.at(port, "AT+CMGF=1")
        self.modem.inject_sms(NUMBER, "Pagaré el lunes\nSaludos")
        listing = self.at(port, 'AT+CMGL="ALL"')
        stamp = r'"\d\d/\d\d/\d\d,\d\d:\d\d:\d\d-16"'
        self.assertRegex(listing, rf'^\r\n\+CMGL: 0,"REC UNREAD","\+59170000288",,{stamp}\r\n')
        self.assertIn("\r\nPagaré el lunes\r\nSaludos\r\n\r\nOK\r\n", listing)
        self.assertRegex(self.at(port, "AT+CMGR=0"), rf'^\r\n\+CMGR: "REC READ","\+59170000288",,{stamp}\r\n')
        port.write(b'AT+CMGS="+59171234567"\r')
        port.read_until(b"> ")
        port.write(b"Hola en texto\x1a")
        self.assertEqual(port.read_until(FINAL), b"\r\n+CMGS: 0\r\n\r\nOK\r\n")
        (sent,) = self.modem.sent
        self.assertEqual((sent.number, sent.text), ("+59171234567", "Hola en texto"))

    def test_it_lists_status_reports_in_text_mode(self):
        port = self.start("huawei")
        self.at(port, "AT+CNMI=2,1,0,2,0")
        self.modem.inject_status_report(3, NUMBER)
        port.read_until(b'+CDSI: "SM",0\r\n')
        self.at(port, "AT+CMGF=1")
        stamp = r'"\d\d/\d\d/\d\d,\d\d:\d\d:\d\d-16"'
        self.assertRegex(
            self.at(port, 'AT+CMGL="ALL"'),
            rf'^\r\n\+CMGL: 0,"REC UNREAD",6,3,"\+59170000288",145,{stamp},{stamp},0\r\n',
        )

    def test_it_has_no_message_store_on_an_s60_phone(self):
        port = self.start("nokia_s60")
        self.assertEqual(self.at(port, "AT+CPMS=?"), "\r\n+CPMS: (),(),()\r\n\r\nOK\r\n")
        self.assertEqual(self.at(port, "AT+CNMI=2,1,0,2,0"), "\r\nERROR\r\n")
        self.assertEqual(self.at(port, "AT+CMGL=4"), "\r\nERROR\r\n")
        self.assertEqual(self.send(port), "\r\n+CMGS: 0\r\n\r\nOK\r\n")  # sending still works


class ReportsTestCase(ProfileTestCase):
    def test_it_stores_reports_in_sr_where_the_family_does(self):
        for name, routing in [("cinterion", "AT+CNMI=2,1,0,2,1"), ("sonyericsson", "AT+CNMI=2,1,0,2,0")]:
            with self.subTest(name):
                port = self.start(name)
                self.assertEqual(self.at(port, routing), "\r\nOK\r\n")
                self.send(port, status_report=True)
                port.read_until(b'+CDSI: "SR",1\r\n')
                self.assertEqual(self.at(port, "AT+CMGR=1"), "\r\n+CMS ERROR: 321\r\n")  # not in "SM"
                self.assertTrue(self.at(port, 'AT+CPMS="SR"').startswith("\r\n+CPMS: 1,30,"))
                report = re.search(r"\+CMGR: 0,,\d+\r\n([0-9A-F]+)", self.at(port, "AT+CMGR=1")).group(1)
                self.assertEqual(pdu.decode_status_report(report).reference, self.modem.sent[0].mr)
                self.assertEqual([r.pdu for r in self.modem.reports], [report])

    def test_it_refuses_the_cnmi_values_a_family_does_not_take(self):
        cases = [
            ("cinterion", "AT+CNMI=2,1,0,1,0", "\r\n+CMS ERROR: 303\r\n"),  # no +CDS, <bfr> only 1
            ("cinterion", "AT+CNMI=2,2,0,2,1", "\r\n+CMS ERROR: 303\r\n"),  # no +CMT
            ("sonyericsson", "AT+CNMI=1,1,0,2,0", "\r\nERROR\r\n"),
            ("nokia", "AT+CNMI=2,1,0,1,0", "\r\nERROR\r\n"),
            ("quectel", "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n"),
        ]
        for name, command, answer in cases:
            with self.subTest(f"{name} {command}"):
                self.assertEqual(self.at(self.start(name), command), answer)

    def test_it_waits_for_cnma_under_csms_1_and_gives_up_direct_routing_without_it(self):
        port = self.start("quectel", cnma_timeout=0.2)
        self.assertEqual(self.at(port, "AT+CSMS=1"), "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n")
        self.at(port, "AT+CNMI=2,2,0,1,0")
        self.modem.inject_sms(NUMBER, "Uno")
        port.read_until(re.compile(rb"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"))
        self.assertEqual(self.at(port, "AT+CNMA"), "\r\nOK\r\n")
        self.assertEqual(self.at(port, "AT+CNMA"), "\r\n+CMS ERROR: 340\r\n")  # only once
        self.modem.inject_sms(NUMBER, "Dos")
        port.read_until(re.compile(rb"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"))
        time.sleep(0.3)  # never acknowledged
        self.assertEqual(self.at(port, "AT+CNMI?"), "\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n")
        self.assertEqual([pdu.decode_deliver(sms.pdu).text for sms in self.modem.stored], ["Dos"])


class UssdTestCase(ProfileTestCase):
    def answer(self, port: Port, command: str) -> str:
        self.assertEqual(self.at(port, command), "\r\nOK\r\n")
        return port.read_until(re.compile(rb"\+CUSD: [^\r]*(\r\n[^\r+]+)*\r\n")).decode()

    def test_it_packs_codes_as_huawei_transparent_mode_wants(self):
        self.assertEqual(pack_gsm7("*100#"), "AA180C3602")  # the worked example Huawei users paste
        self.assertEqual(unpack_gsm7("AA182C3602"), "*101#")
        port = self.start("huawei_e1550")
        reply = re.search(r'\+CUSD: 0,"([0-9A-F]+)",15', self.answer(port, f'AT+CUSD=1,"{pack_gsm7("*105#")}",15'))
        self.assertEqual(unpack_gsm7(reply.group(1)), "Su saldo es Bs 12.50, vigente hasta 31/12/2026")
        self.assertEqual(self.answer(port, 'AT+CUSD=1,"*105#",15'), "\r\n+CUSD: 4\r\n")  # plain: garbage
        self.assertEqual(self.at(port, "AT^USSDMODE?"), "\r\n^USSDMODE: 1\r\n\r\nOK\r\n")
        self.at(port, "AT^USSDMODE=0")
        self.assertIn('+CUSD: 0,"Su saldo es', self.answer(port, 'AT+CUSD=1,"*105#",15'))

    def test_it_answers_in_ucs2_on_zte_and_with_a_language_under_dcs_17(self):
        zte = self.answer(self.start("zte"), 'AT+CUSD=1,"*105#",15')
        self.assertTrue(zte.startswith('\r\n+CUSD: 0,"00530075002000730061006C0064006F'), zte)
        self.assertTrue(zte.endswith('",72\r\n'))
        lang = self.answer(self.start("ublox", ussd_style="ucs2_lang"), 'AT+CUSD=1,"*105#",15')
        self.assertTrue(lang.startswith('\r\n+CUSD: 0,"E53900530075'), lang)  # "es" packed, then UCS-2

    def test_it_answers_menus_over_several_lines_and_closes_the_session(self):
        port = self.start(
            "simcom", ussd_menus={"*105#": "1. Saldo\n2. Paquetes"}, ussd_replies={"*105#>1": "Saldo: Bs 5"}
        )
        self.assertEqual(self.answer(port, 'AT+CUSD=1,"*105#",15'), '\r\n+CUSD: 1,"1. Saldo\r\n2. Paquetes",15\r\n')
        self.assertEqual(self.answer(port, 'AT+CUSD=1,"1",15'), '\r\n+CUSD: 0,"Saldo: Bs 5",15\r\n')
        self.answer(port, 'AT+CUSD=1,"*105#",15')
        self.assertEqual(self.at(port, "AT+CUSD=2"), "\r\nOK\r\n")

    def test_it_sends_notices_first_unquoted_answers_and_refusals(self):
        port = self.start("huawei", ussd_notice_first=2, ussd_style="unquoted")
        self.assertEqual(self.at(port, 'AT+CUSD=1,"*105#",15'), "\r\nOK\r\n")
        self.assertEqual(
            port.read_until(b",15\r\n"),
            b"\r\n+CUSD: 2\r\n\r\n+CUSD: 0,Su saldo es Bs 12.50, vigente hasta 31/12/2026,15\r\n",
        )
        port = self.start("cinterion")
        self.assertEqual(self.at(port, 'AT+CUSD=1,"*999#",15'), "\r\nOK\r\n")
        self.assertEqual(port.read_until(b"132\r\n"), b"\r\n+CME ERROR: 132\r\n")  # after the OK


class ErrorsAndCallsTestCase(ProfileTestCase):
    def test_it_answers_unknown_commands_and_extra_parameters_the_familys_way(self):
        self.assertEqual(self.at(self.start("zte"), "AT+NONSENSE"), "\r\nCOMMAND NOT SUPPORT\r\n")
        self.assertEqual(self.at(self.start("huawei"), "AT+CMGF=0,1"), "\r\nTOO MANY PARAMETERS\r\n")
        self.assertEqual(self.at(self.start("quectel"), "AT+CMGF=0,1"), "\r\n+CME ERROR: 50\r\n")

    def test_it_fails_sends_with_the_familys_temporary_errors(self):
        port = self.start("wavecom", transient_error_rate=1.0)
        self.assertIn(self.send(port), ("\r\n+CMS ERROR: 512\r\n", "\r\n+CMS ERROR: 513\r\n"))
        self.modem.set(transient_error_rate=0.0)
        self.assertEqual(self.send(port), "\r\n+CMGS: 0\r\n\r\nOK\r\n")

    def test_it_rings_in_each_familys_shape_and_not_at_all_without_voice(self):
        port = self.start("simcom")
        self.at(port, "AT+CLIP=1;+CRC=1")
        self.modem.ring(NUMBER, times=1)
        self.assertEqual(
            port.read_until(b",0\r\n"), f'\r\n+CRING: VOICE\r\n\r\n+CLIP: "{NUMBER}",145,"",0,"",0\r\n'.encode()
        )
        port = self.start("sierra")
        self.assertEqual(self.at(port, "AT+CLIP=1"), "\r\n+CME ERROR: 4\r\n")
        self.modem.ring(NUMBER, times=1)
        self.assertEqual(self.at(port, "AT"), "\r\nOK\r\n")  # no RING before the OK


class ControlTestCase(ProfileTestCase):
    def test_it_preloads_sets_and_reports_through_the_control_commands(self):
        port = self.start("simcom_sim7600")
        control = ControlServer(self.modem, "/nonexistent")
        self.assertEqual(
            control.handle({"cmd": "preload", "number": NUMBER, "text": "Borrador", "stat": 2}),
            {"ok": True, "index": 0},
        )
        self.assertTrue(control.handle({"cmd": "set", "sim_state_override": "SIM PIN"})["ok"])
        self.assertEqual(self.at(port, "AT+CPIN?"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        control.handle({"cmd": "set", "sim_state_override": ""})
        self.at(port, "AT+CNMI=2,1,0,2,0")
        self.send(port, status_report=True)
        port.read_until(b'+CDSI: "SR",0\r\n')
        (report,) = control.handle({"cmd": "reports"})["reports"]
        (sent,) = control.handle({"cmd": "sent"})["sent"]
        self.assertEqual((report["reference"], report["recipient"], report["status"]), (sent["mr"], NUMBER, 0))
        self.assertIn("sonyericsson", control.handle({"cmd": "profiles"})["profiles"])
