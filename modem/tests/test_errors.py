"""The modem's error lines against the specs and against what real modems send.

Sources of the shapes below: 3GPP TS 27.007 9.2 (+CME ERROR), TS 27.005 3.2.5 (+CMS ERROR),
TS 24.011 annex E (RP/CP causes), TS 23.040 9.2.3.22 (TP-FCS), TS 27.007 8.3 (+CPIN); the
manufacturers' codes as Gammu's vendor-aware table cites them (Wavecom, Quectel EC25, SIMCom
SIM800, Telit 80617ST10991A, Siemens TC65, u-blox LENA-R8) and public forum threads quoted where used.
"""

import unittest

from modem.at.errors import (
    CME_REASONS,
    CMS_REASONS,
    SIM_STATES,
    VERBOSE_CME,
    VERBOSE_CMS,
    CmeError,
    CmsError,
    CommandError,
    CommandTimeout,
    ErrorKind,
    PinRejected,
    PinRequired,
    PortError,
    ResultCodeError,
    UnconfirmedSend,
    certainly_not_sent,
    is_busy,
    is_network_refusal,
    is_wrong_password,
    parse_error_line,
    sim_state_blocks,
    sim_state_normalise,
    sim_state_reason,
    vendor_of,
)

# TS 27.007 9.2.1 general errors, 9.2.2 packet domain (v17, as listed by ModemManager's
# MMMobileEquipmentError), 9.2.3 VBS/VGCS/eMLPP (v14, as listed by Nordic's at_cmd_custom).
CME_SPEC = [
    *range(0, 8), *range(10, 19), *range(20, 28), 30, 31, 32, *range(40, 64), 100,
    *range(102, 120), 122, *range(124, 151), *range(151, 166), *range(171, 234),
]  # fmt: skip
# TS 24.011 E-2 (RP causes, mobile originating) and E-1 (CP causes 17, 22).
RP_CAUSES = [1, 8, 10, 17, 21, 22, 27, 28, 29, 30, 38, 41, 42, 47, 50, 69, 81, 95, 96, 97, 98, 99, 111, 127]
# TS 23.040 9.2.3.22 TP-FCS (the values it defines; the rest of 0x80-0xFF is reserved or application-specific).
TP_FCS = [0x80, 0x81, 0x82, 0x8F, 0x90, 0x91, 0x9F, 0xA0, 0xA1, 0xAF, 0xB0, *range(0xC0, 0xC8), *range(0xD0, 0xD6)]
TP_FCS.append(0xFF)
# TS 27.005 3.2.5 itself.
CMS_OWN = [300, 301, 302, 303, 304, 305, *range(310, 319), 320, 321, 322, 330, 331, 332, 340, 500]
CPIN_SPEC = [
    "READY", "SIM PIN", "SIM PUK", "PH-SIM PIN", "PH-FSIM PIN", "PH-FSIM PUK", "SIM PIN2", "SIM PUK2",
    "PH-NET PIN", "PH-NET PUK", "PH-NETSUB PIN", "PH-NETSUB PUK", "PH-SP PIN", "PH-SP PUK", "PH-CORP PIN",
    "PH-CORP PUK",
]  # fmt: skip
# What office clerks should not have to read: the raw code stays in `detail`.
JARGON = ("PDU", "PH-", "AT command", "TP-", "RP-", "CME", "CMS", "PLMN", "GPRS", "PDP", "TFT", "VBS", "IMSI")


class ReasonTablesTestCase(unittest.TestCase):
    def test_it_has_a_reason_and_kind_for_every_code_of_the_specs(self):
        for table, codes in ((CME_REASONS, CME_SPEC), (CMS_REASONS, RP_CAUSES + TP_FCS + CMS_OWN)):
            for code in codes:
                with self.subTest(code=code):
                    self.assertIn(code, table)

    def test_it_has_a_reason_for_every_manufacturer_code_from_500_to_535(self):
        for table in (CME_REASONS, CMS_REASONS):
            for code in range(500, 536):
                with self.subTest(code=code):
                    self.assertIn(code, table)

    def test_it_gives_every_code_a_plain_sentence_and_a_kind(self):
        for name, table in (("CME", CME_REASONS), ("CMS", CMS_REASONS)):
            for code, (reason, kind) in table.items():
                with self.subTest(table=name, code=code):
                    self.assertIsInstance(kind, ErrorKind)
                    self.assertTrue(reason[0].isupper() and reason.endswith("."), reason)
                    for word in JARGON:
                        self.assertNotIn(word, reason)

    def test_it_only_speaks_of_a_puk_when_the_modem_asks_for_one(self):
        for verbose, table in ((VERBOSE_CME, CME_REASONS), (VERBOSE_CMS, CMS_REASONS)):
            for text, code in verbose.items():
                with self.subTest(text=text):
                    if "PUK" in table[code][0]:
                        self.assertTrue("puk" in text or "blocked" in text, table[code][0])

    def test_it_says_puk_when_the_modem_asks_for_one(self):
        asking = [CmeError(7), CmeError(12), CmeError(18), CmeError(41), CmeError(47), CmsError(316), CmsError(318)]
        for error in asking:
            with self.subTest(error=error.detail):
                self.assertIn("PUK", error.reason)

    def test_it_keeps_the_no_credit_hint_of_rp_cause_21(self):
        # What a prepaid line without credit gets from Bolivian operators (see simulators).
        error = CmsError(21)
        self.assertIn("no credit", error.reason)
        self.assertIs(error.kind, ErrorKind.PERMANENT)

    def test_it_names_the_service_option_errors(self):
        self.assertIn("does not offer", CmeError(132).reason)
        self.assertIn("not subscribed", CmeError(133).reason)
        self.assertIn("temporarily out of order", CmeError(134).reason)
        self.assertIs(CmeError(134).kind, ErrorKind.TRANSIENT)

    def test_it_gives_codes_outside_the_tables_a_generic_reason_with_the_number(self):
        cases = [
            (CmsError(2), "The network refused the message"),  # reserved RP cause
            (CmsError(0x83), "message centre refused"),  # reserved TP-FCS
            (CmsError(400), "unknown error"),  # reserved by 27.005
            (CmsError(777), "of its own"),
            (CmeError(8), "unknown error"),  # reserved by 27.007
            (CmeError(300), "of its own"),
        ]
        for error, words in cases:
            with self.subTest(code=error.code):
                self.assertIn(words, error.reason)
                self.assertIn(str(error.code), error.detail)
                self.assertIs(error.kind, ErrorKind.TRANSIENT)


class VerboseErrorTestCase(unittest.TestCase):
    """AT+CMEE=2: the modem answers with text instead of the number."""

    def test_it_maps_every_known_text_back_to_its_code(self):
        for prefix, table, cls in (("+CME ERROR: ", VERBOSE_CME, CmeError), ("+CMS ERROR: ", VERBOSE_CMS, CmsError)):
            for text, code in table.items():
                with self.subTest(text=text):
                    error = parse_error_line(prefix + text)
                    self.assertIsInstance(error, cls)
                    self.assertEqual(error.code, code)

    def test_it_tolerates_case_punctuation_and_spaces(self):
        cases = [
            ("+CME ERROR: SIM not inserted", 10),  # 27.007's own spelling
            ("+CME ERROR: SIM PIN required", 11),
            ("+CME ERROR: sim  pin   required.", 11),
            ("+CME ERROR: SIM busy", 14),
            ("+CME ERROR: Operation not allowed", 3),
            ("+CME ERROR: Network not allowed, emergency calls only", 32),  # Telit's comma
            ("+CME ERROR: Network personalisation PIN required", 40),  # British spelling
            ("+CME ERROR: Illegal MS (#3).", 103),  # Gammu's wording
            ("+CME ERROR : SIM failure", 13),  # Wavecom G900 manual writes "+CME ERROR : <xxx>"
            ("+CME ERROR: Please wait, init or command processing in progress", 515),
            ("+CMS ERROR: (U)SIM PUK required", 316),
            ("+CMS ERROR: SIM PUK required", 316),
            ("+CMS ERROR: USIM busy", 314),
            ("+CMS ERROR: invalid memory index", 321),
            ("+CMS ERROR: memory full", 322),
            ("+CMS ERROR: SIM memory full", 322),  # our simulator's text
            ("+CMS ERROR: network timeout", 332),
            ("+CMS ERROR: Short message transfer rejected", 21),
            ("+CMS ERROR: SHORT MESSAGE TRANSFER REJECTED", 21),
            ("+CMS ERROR: no +CNMA acknowledgment expected", 340),  # American spelling (Nordic)
            ("+CMS ERROR: Requested facility not implemented", 69),
            ("+CMS ERROR: Please wait, init or command processing in progress", 515),
        ]
        for line, code in cases:
            with self.subTest(line=line):
                self.assertEqual(parse_error_line(line).code, code)

    def test_it_keeps_the_modems_own_words_in_the_detail(self):
        error = parse_error_line("+CME ERROR: SIM not inserted")
        self.assertEqual(error.detail, "+CME ERROR: SIM not inserted")
        self.assertIs(error.kind, ErrorKind.MODEM)

    def test_it_still_returns_an_error_for_texts_it_does_not_know(self):
        for line in ("+CME ERROR: something new", "+CMS ERROR: 0x15"):
            with self.subTest(line=line):
                error = parse_error_line(line)
                self.assertIs(type(error), CommandError)
                self.assertIsNone(error.code)
                self.assertTrue(error.reason)

    def test_it_learns_the_brand_from_a_manufacturers_text(self):
        self.assertEqual(parse_error_line("+CMS ERROR: MM establishment failure (for SMS)").vendor, "wavecom")
        self.assertEqual(parse_error_line("+CMS ERROR: TR1M timeout").vendor, "telit")
        self.assertEqual(parse_error_line("+CMS ERROR: Short message transfer rejected").vendor, "")


class FinalResultTestCase(unittest.TestCase):
    def test_it_turns_every_final_error_result_into_an_error(self):
        for line in (
            "ERROR",
            "COMMAND NOT SUPPORT",  # ZTE and Huawei
            "TOO MANY PARAMETERS",  # Huawei
            "NO CARRIER",
            "BUSY",
            "NO ANSWER",
            "NO DIALTONE",
            "NO DIAL TONE",
            "MODEM ERROR",
        ):
            with self.subTest(line=line):
                error = parse_error_line(line)
                self.assertIsInstance(error, ResultCodeError)
                self.assertIsInstance(error, CommandError)
                self.assertEqual(error.result, line)
                self.assertTrue(error.reason.endswith("."))

    def test_it_reads_numeric_errors_in_every_spacing(self):
        for line in ("+CME ERROR: 515", "+CME ERROR: 515 ", "+CME ERROR:515", "+CME ERROR:  515\r", "+cme error: 515"):
            with self.subTest(line=line):
                error = parse_error_line(line)
                self.assertIsInstance(error, CmeError)
                self.assertEqual(error.code, 515)
        self.assertEqual(parse_error_line("+CMS ERROR: 21").detail, "+CMS ERROR: 21")

    def test_it_takes_an_empty_error_for_noise(self):
        # Real modems emit a bare "+CME ERROR:" now and then; it ends nothing.
        for line in ("+CME ERROR:", "+CMS ERROR:", "+CME ERROR:   ", '+CMS ERROR: ""'):
            with self.subTest(line=line):
                self.assertIsNone(parse_error_line(line))

    def test_it_ignores_lines_that_are_not_final_errors(self):
        for line in ("OK", "RING", '+CMTI: "SM",3', "+CMGS: 42", "", "> ", "error", "ERRORS", "+CSQ: 20,99"):
            with self.subTest(line=line):
                self.assertIsNone(parse_error_line(line))


class BusyTestCase(unittest.TestCase):
    def test_it_says_busy_for_the_codes_that_clear_by_themselves(self):
        busy = [
            CmeError(14),  # SIM busy
            CmsError(314),  # (U)SIM busy
            CmsError(301),  # SMS service of ME reserved
            CmeError(515),  # Wavecom: "please wait, init or command processing in progress"
            CmsError(515),
            CmeError(527),  # Wavecom: "please wait, RR or MM is busy"
            CmeError(256),  # Siemens: "operation temporary not allowed"
            CmeError(258),  # Huawei, Telit: "retry operation"
            parse_error_line("+CME ERROR: SIM busy"),
            parse_error_line("+CMS ERROR: (U)SIM busy"),
            parse_error_line("+CMS ERROR: SMS service of ME reserved"),
            parse_error_line("+CME ERROR: Please wait, init or command processing in progress"),
            parse_error_line("+CME ERROR: Please wait, RR or MM is busy. Retry your selection later"),
            parse_error_line("+CMS ERROR: SIM not ready"),  # Quectel 512
        ]
        for error in busy:
            with self.subTest(error=error.detail):
                self.assertTrue(is_busy(error))

    def test_it_does_not_say_busy_for_other_errors(self):
        for error in (CmeError(10), CmeError(11), CmsError(21), CmsError(512), parse_error_line("ERROR")):
            with self.subTest(error=error.detail):
                self.assertFalse(is_busy(error))
        self.assertFalse(is_busy(CommandTimeout("x")))

    def test_it_knows_a_brands_own_busy_codes(self):
        self.assertTrue(is_busy(CmsError(512), manufacturer="Quectel"))
        self.assertTrue(is_busy(CmsError(535), manufacturer="Cinterion"))
        self.assertFalse(is_busy(CmsError(535), manufacturer="huawei"))


class NotSentTestCase(unittest.TestCase):
    """After AT+CMGS's data: only some answers prove that the message did not leave."""

    def test_it_trusts_the_networks_and_the_message_centres_refusals(self):
        for code in [*range(1, 128), *range(128, 224), 255]:
            with self.subTest(code=code):
                self.assertTrue(certainly_not_sent(CmsError(code)))

    def test_it_trusts_the_modems_own_refusals(self):
        for code in [301, 302, 303, 304, 305, *range(310, 319), 320, 321, 322, 330, 331]:
            with self.subTest(code=code):
                self.assertTrue(certainly_not_sent(CmsError(code)))
        for code in [3, 4, 10, 11, 12, 13, 14, 16, 24, 25, 26, 27, 30, 32, 40, 47, 50]:
            with self.subTest(cme=code):
                self.assertTrue(certainly_not_sent(CmeError(code)))

    def test_it_trusts_manufacturer_codes_that_mean_never_left(self):
        # Wavecom/Sierra +CME 515 please wait, 527 RR/MM busy, 528/529 emergency calls only, 531 FDN.
        for code in (515, 527, 528, 529, 531):
            with self.subTest(cme=code):
                self.assertTrue(certainly_not_sent(CmeError(code)))
        # The same meaning on every brand we know: invalid length/characters, MO SMS not allowed...
        for code in (516, 517, 518, 519, 520, *range(522, 534), 535):
            with self.subTest(cms=code):
                self.assertTrue(certainly_not_sent(CmsError(code)))

    def test_it_doubts_whatever_may_come_after_the_network_took_the_message(self):
        doubtful = [
            CmsError(0),
            CmsError(224),  # MediaTek/SIMCom: CP retry exceeded
            CmsError(225),  # RP TR1M timeout
            CmsError(226),  # SMS connection broken
            CmsError(300),  # ME failure
            CmsError(332),  # network timeout
            CmsError(340),
            CmsError(500),  # unknown error
            CmsError(513),  # Wavecom: lower layer failure; Telit: TR1M timeout
            CmsError(514),  # Wavecom: CP error
            CmsError(600),  # a manufacturer's code we do not know
            CmeError(0),
            CmeError(31),  # network timeout
            CmeError(100),
            parse_error_line("ERROR"),
            parse_error_line("NO CARRIER"),
            parse_error_line("+CMS ERROR: something new"),
            parse_error_line("+CMS ERROR: TR1M timeout"),  # Telit
            parse_error_line("+CMS ERROR: no response from network"),  # Telit 515
            CommandTimeout("The modem did not answer in time."),
            UnconfirmedSend("The modem did not confirm the message."),
            PortError("gone"),
        ]
        for error in doubtful:
            with self.subTest(error=str(error)):
                self.assertFalse(certainly_not_sent(error))

    def test_it_doubts_512_and_515_of_an_unknown_brand(self):
        # Wavecom's 512 is "MM establishment failure" (never left), but u-blox's 512 is a "relay
        # protocol acknowledgement" and Telit's 515 "no response from network" (may have left).
        for code in (512, 515):
            with self.subTest(code=code):
                self.assertFalse(certainly_not_sent(CmsError(code)))
                self.assertTrue(certainly_not_sent(CmsError(code), manufacturer="WAVECOM MODEM"))
                self.assertTrue(certainly_not_sent(CmsError(code), manufacturer="Sierra Wireless, Incorporated"))
        self.assertFalse(certainly_not_sent(CmsError(515), manufacturer="Telit"))
        self.assertTrue(certainly_not_sent(CmsError(512), manufacturer="Telit"))  # "no SM resources"
        # A Wavecom after AT+CMGS: forum.sierrawireless.com/t/cms-error-512/7940
        self.assertTrue(certainly_not_sent(parse_error_line("+CMS ERROR: MM establishment failure (for SMS)")))
        self.assertTrue(certainly_not_sent(parse_error_line("+CMS ERROR: SIM not ready")))  # Quectel 512

    def test_it_knows_the_brand_families_by_their_cgmi_answer(self):
        cases = {
            "WAVECOM MODEM": "wavecom",
            "Sierra Wireless, Incorporated": "wavecom",
            "Quectel": "quectel",
            "SIMCOM_Ltd": "simcom",
            "Telit": "telit",
            "Cinterion": "cinterion",
            "SIEMENS": "cinterion",
            "u-blox": "ublox",
            "huawei": "",
            "": "",
        }
        for manufacturer, vendor in cases.items():
            with self.subTest(manufacturer=manufacturer):
                self.assertEqual(vendor_of(manufacturer), vendor)


class PinAndNetworkTestCase(unittest.TestCase):
    def test_it_recognises_a_wrong_pin(self):
        self.assertTrue(is_wrong_password(CmeError(16)))
        self.assertTrue(is_wrong_password(parse_error_line("+CME ERROR: incorrect password")))
        self.assertTrue(is_wrong_password(parse_error_line("+CME ERROR: Incorrect password or Bad user PIN")))
        self.assertFalse(is_wrong_password(CmeError(12)))
        self.assertFalse(is_wrong_password(CmsError(16)))

    def test_it_takes_a_rejected_pin_for_a_pin_problem(self):
        self.assertTrue(issubclass(PinRejected, PinRequired))

    def test_it_tells_the_networks_refusals_from_the_modems(self):
        for error in (CmsError(21), CmsError(196), CmeError(30), CmeError(31), CmeError(62), CmeError(257)):
            with self.subTest(error=error.detail):
                self.assertTrue(is_network_refusal(error))
        for error in (CmsError(304), CmeError(3), CmeError(4), CmeError(50), parse_error_line("ERROR")):
            with self.subTest(error=error.detail):
                self.assertFalse(is_network_refusal(error))


class SimStateTestCase(unittest.TestCase):
    def test_it_normalises_what_real_modems_answer_to_cpin(self):
        cases = [
            (" READY", "READY"),  # "+CPIN: READY", the usual shape
            ("READY\r", "READY"),
            ('"READY"', "READY"),
            (" SIM PIN", "SIM PIN"),
            ("sim  pin", "SIM PIN"),
            (" SIM PIN,3,10,3,10", "SIM PIN"),  # Huawei ^CPIN: <code>,<times>,<puk_times>,<pin_times>...
            ("+CPIN: SIM PUK", "SIM PUK"),
            (" SIM PIN 2", "SIM PIN2"),
            (" PH-NET PIN", "PH-NET PIN"),
            ("ph - net pin", "PH-NET PIN"),
            ("PH_NET PIN", "PH-NET PIN"),  # the underscore of several error lists
            ("(U)SIM PUK", "SIM PUK"),
            (" NOT INSERTED", "NOT INSERTED"),  # SIMCom SIM800C, Quectel EC21
            (" NOT READY", "NOT READY"),  # Quectel (MuditaOS's Cpin.hpp), SIMCom
            ("", ""),
        ]
        for text, state in cases:
            with self.subTest(text=text):
                self.assertEqual(sim_state_normalise(text), state)

    def test_it_describes_every_state_of_27007(self):
        for state in CPIN_SPEC:
            with self.subTest(state=state):
                self.assertIn(state, SIM_STATES)
                self.assertTrue(SIM_STATES[state].reason)

    def test_it_only_uses_the_configured_pin_for_sim_pin(self):
        self.assertEqual([state for state, info in SIM_STATES.items() if info.needs_pin], ["SIM PIN"])

    def test_it_lets_sending_go_on_for_ready_pin2_and_puk2(self):
        free = sorted(state for state, info in SIM_STATES.items() if not info.blocks_sending)
        self.assertEqual(free, ["READY", "SIM PIN2", "SIM PUK2"])
        self.assertFalse(sim_state_blocks(""))  # the modem did not say: the next command will
        self.assertFalse(sim_state_blocks("SOMETHING NEW"))
        self.assertTrue(sim_state_blocks(" sim puk"))

    def test_it_names_the_state_correctly(self):
        for state, info in SIM_STATES.items():
            with self.subTest(state=state):
                self.assertEqual("PUK" in info.reason, "PUK" in state, info.reason)
        self.assertIn("one operator's SIM cards", sim_state_reason("PH-NET PIN"))
        self.assertIn("network unlock code", sim_state_reason("PH-NET PIN"))
        self.assertIn("locked to another SIM card", sim_state_reason("PH-SIM PIN"))
        self.assertIn("put it in a phone and enter its PUK", sim_state_reason("SIM PUK"))
        self.assertTrue(sim_state_reason("SOMETHING NEW"))
