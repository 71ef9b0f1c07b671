"""The AT driver against a scripted port: parsing, unsolicited lines, errors, the send prompt.

The real serial path is covered against the simulated modem in test_worker.py.
"""

import unittest
from collections.abc import Callable

from modem.at.driver import AtModem, NewMessage, Ring, Signal, UssdReply, decode_ussd
from modem.at.errors import CmeError, CmsError, CommandError, CommandTimeout, ErrorKind, PortError, UnconfirmedSend


class ScriptedPort:
    """Answers each written command from `script` (command -> bytes or callable)."""

    def __init__(self, script: dict[str, bytes | Callable[[], bytes]] | None = None):
        self.script = script or {}
        self.written: list[bytes] = []
        self.pending = b""
        self.broken = False

    @property
    def in_waiting(self) -> int:
        return len(self.pending)

    def read(self, size: int = 1) -> bytes:
        if self.broken:
            raise OSError(5, "Input/output error")
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def write(self, data: bytes) -> int:
        if self.broken:
            raise OSError(5, "Input/output error")
        self.written.append(data)
        key = data.rstrip(b"\r").decode("latin-1")
        answer = self.script.get(key)
        if answer is not None:
            self.pending += answer() if callable(answer) else answer
        return len(data)

    def close(self) -> None:
        pass


def modem_with(script, **kwargs) -> tuple[AtModem, ScriptedPort]:
    port = ScriptedPort(script)
    return AtModem(port, command_timeout=0.3, **kwargs), port


class AtModemTestCase(unittest.TestCase):
    def test_it_returns_the_answer_without_echo_and_ok(self):
        modem, _port = modem_with({"AT+CGMI": b"AT+CGMI\r\r\nhuawei\r\n\r\nOK\r\n"})
        self.assertEqual(modem.command("AT+CGMI"), ["huawei"])

    def test_it_queues_unsolicited_lines_that_arrive_mid_command(self):
        modem, _port = modem_with(
            {"AT+CSQ": b'\r\n+CMTI: "SM",3\r\n\r\n+CSQ: 20,99\r\nRING\r\n\r\n+CLIP: "+59170000288",145,,,,0\r\nOK\r\n'}
        )
        self.assertEqual(modem.signal(), Signal(20, -73, 4))
        self.assertEqual(modem.pop_events(), [NewMessage("SM", 3), Ring(""), Ring("+59170000288")])

    def test_it_turns_cms_errors_into_readable_typed_errors(self):
        modem, _port = modem_with({"AT+CMGS=20": b"\r\n+CMS ERROR: 21\r\n"})
        with self.assertRaises(CmsError) as caught:
            modem.command("AT+CMGS=20")
        self.assertEqual(caught.exception.code, 21)
        self.assertIs(caught.exception.kind, ErrorKind.PERMANENT)
        self.assertIn("no credit", caught.exception.reason)

    def test_it_understands_verbose_cme_errors(self):
        modem, _port = modem_with({"AT+CPIN?": b"\r\n+CME ERROR: SIM not inserted\r\n"})
        with self.assertRaises(CmeError) as caught:
            modem.sim_state()
        self.assertEqual(caught.exception.code, 10)
        self.assertIs(caught.exception.kind, ErrorKind.MODEM)

    def test_plain_error_is_a_command_error(self):
        modem, _port = modem_with({"AT+FOO": b"\r\nERROR\r\n"})
        with self.assertRaises(CommandError):
            modem.command("AT+FOO")
        self.assertIsNone(modem.try_command("AT+FOO"))

    def test_unknown_and_manufacturer_codes_still_read(self):
        for code in (599, 4000):
            with self.subTest(code=code):
                error = CmsError(code)
                self.assertTrue(error.reason)
                self.assertIs(error.kind, ErrorKind.TRANSIENT)

    def test_silence_is_a_timeout(self):
        modem, _port = modem_with({})
        with self.assertRaises(CommandTimeout):
            modem.command("AT")

    def test_a_vanished_port_is_a_port_error(self):
        modem, port = modem_with({})
        port.broken = True
        with self.assertRaises(PortError):
            modem.command("AT")

    def test_send_waits_for_the_prompt_and_marks_handed_before_writing(self):
        order: list[str] = []

        class Part:
            hex = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
            tpdu_length = 23

        port = ScriptedPort({"AT+CMGS=23": b'\r\n+CMTI: "SM",1\r\n\r\n> '})
        original_write = port.write

        def write(data: bytes) -> int:
            if data.endswith(b"\x1a"):
                order.append("pdu")
                port.pending += b"\r\n+CMGS: 42\r\n\r\nOK\r\n"
            return original_write(data)

        port.write = write
        modem = AtModem(port, command_timeout=0.3)
        reference = modem.send_pdu(Part(), on_handed=lambda: order.append("handed"))
        self.assertEqual(reference, 42)
        self.assertEqual(order, ["handed", "pdu"])
        self.assertEqual(port.written[-1], Part.hex.encode() + b"\x1a")
        self.assertEqual(modem.pop_events(), [NewMessage("SM", 1)])

    def test_ok_without_a_reference_is_not_a_refusal(self):
        class Part:
            hex = "00"
            tpdu_length = 23

        port = ScriptedPort({"AT+CMGS=23": b"\r\n> "})
        original_write = port.write

        def write(data: bytes) -> int:
            if data.endswith(b"\x1a"):
                port.pending += b"\r\nOK\r\n"
            return original_write(data)

        port.write = write
        with self.assertRaises(UnconfirmedSend):
            AtModem(port, command_timeout=0.3).send_pdu(Part())

    def test_a_refused_send_never_writes_the_pdu(self):
        class Part:
            hex = "00"
            tpdu_length = 23

        modem, port = modem_with({"AT+CMGS=23": b"\r\n+CMS ERROR: 304\r\n"})
        handed = []
        with self.assertRaises(CmsError):
            modem.send_pdu(Part(), on_handed=lambda: handed.append(True))
        self.assertEqual(handed, [])
        self.assertFalse(any(chunk.endswith(b"\x1a") for chunk in port.written))

    def test_poll_returns_events_and_ignores_late_answers(self):
        modem, port = modem_with({})
        port.pending = b'\r\nOK\r\n\r\n+CUSD: 0,"Su saldo es Bs 12.50",15\r\n'
        self.assertEqual(modem.poll(0.3), [UssdReply(0, "Su saldo es Bs 12.50", 15)])

    def test_ussd_waits_for_the_network_answer(self):
        modem, _port = modem_with({'AT+CUSD=1,"*105#",15': b'\r\nOK\r\n\r\n+CUSD: 0,"Saldo: Bs 5",15\r\n'})
        self.assertEqual(modem.ussd("*105#", timeout=0.5).text, "Saldo: Bs 5")

    def test_ucs2_ussd_answers_are_decoded(self):
        self.assertEqual(decode_ussd("00530061006C0064006F", "72"), "Saldo")
        self.assertEqual(decode_ussd("Saldo", "15"), "Saldo")

    def test_signal_maps_to_dbm_and_bars(self):
        self.assertEqual(Signal.from_rssi(99), Signal(99, None, 0))
        self.assertEqual(Signal.from_rssi(0).bars, 0)
        self.assertEqual(Signal.from_rssi(31), Signal(31, -51, 5))
        self.assertEqual(Signal.from_rssi(12).bars, 2)

    def test_initialise_unlocks_the_sim_with_its_pin(self):
        state = {"pin": False}

        def cpin() -> bytes:
            return b"\r\n+CPIN: READY\r\n\r\nOK\r\n" if state["pin"] else b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"

        def give_pin() -> bytes:
            state["pin"] = True
            return b"\r\nOK\r\n"

        ok = b"\r\nOK\r\n"
        script = {
            "\x1b": b"",
            "AT": ok,
            "ATE0": ok,
            "AT+CMEE=1": ok,
            "AT+CPIN?": cpin,
            'AT+CPIN="1234"': give_pin,
            "AT+CMGF=0": ok,
            "AT+CPMS?": b'\r\n+CPMS: "SM",0,30,"SM",0,30,"SM",0,30\r\n\r\nOK\r\n',
            "AT+CPMS=?": b'\r\n+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")\r\n\r\nOK\r\n',
            "AT+CNMI=2,1,0,2,0": ok,
            "AT+CLIP=1": b"\r\nERROR\r\n",
            "AT^CURC=0": ok,
        }
        modem, _port = modem_with(script)
        modem.initialise(pin="1234")
        self.assertTrue(state["pin"])
        self.assertFalse(modem.calls_supported)
