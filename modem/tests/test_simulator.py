"""The simulated modem, through the real pyserial path on its pseudo-terminal."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import serial
from django.conf import settings
from django.test import SimpleTestCase

from modem.at import pdu
from simulators import SimulatedModem, control

FINAL = re.compile(rb"\r\n(OK|ERROR|COMMAND NOT SUPPORT|TOO MANY PARAMETERS|\+CM[ES] ERROR: [^\r]*)\r\n")
NUMBER = "+59170000288"


class Port:
    """A pyserial port and what was read past the last answer (the next unsolicited lines)."""

    def __init__(self, device: str):
        self.serial = serial.Serial(device, 115200, timeout=0.05)
        self.buffer = b""

    def write(self, data: bytes) -> None:
        self.serial.write(data)

    def read_until(self, pattern: re.Pattern | bytes, timeout: float = 2.0) -> bytes:
        """What the modem says up to the end of `pattern`; AssertionError with what came if it does not."""
        pattern = re.compile(re.escape(pattern)) if isinstance(pattern, bytes) else pattern
        deadline = time.monotonic() + timeout
        while not (match := pattern.search(self.buffer)):
            if time.monotonic() > deadline:
                raise AssertionError(f"waited for {pattern.pattern!r}, got {self.buffer!r}")
            self.buffer += self.serial.read(self.serial.in_waiting or 1)
        data, self.buffer = self.buffer[: match.end()], self.buffer[match.end() :]
        return data

    def at(self, command: str) -> str:
        """Send a command line; everything up to and including its final result."""
        self.write(command.encode() + b"\r")
        return self.read_until(FINAL).decode()

    def send_sms(self, text: str = "Hola", **options) -> str:
        """AT+CMGS with a PDU from modem.at.pdu; the answer after the PDU."""
        (part,) = pdu.encode_submit(NUMBER, text, **options)
        self.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        self.read_until(b"\r\n> ")
        self.write(part.hex.encode() + b"\x1a")
        return self.read_until(FINAL).decode()

    def close(self) -> None:
        self.serial.close()


class SimulatedModemTestCase(SimpleTestCase):
    def start(self, **settings) -> Port:
        """A zero-latency simulator and a port opened on it (echo left on)."""
        self.modem = SimulatedModem(latency=0, seed=1, **settings)
        self.addCleanup(self.modem.stop)
        return self.open(self.modem.start())

    def open(self, device: str) -> Port:
        port = Port(device)
        self.addCleanup(port.close)
        return port

    def ready(self, **settings) -> Port:
        """Initialised as our driver does: no echo, numeric errors, PDU mode, +CMTI and +CDS."""
        port = self.start(**settings)
        for command in ("ATE0", "AT+CMEE=1", "AT+CMGF=0", "AT+CNMI=2,1,0,1,0", "AT+CLIP=1"):
            self.assertTrue(port.at(command).endswith("\r\nOK\r\n"), command)
        return port

    # Basics ---------------------------------------------------------------------------------
    def test_it_answers_at_and_echoes_until_ate0(self):
        port = self.start()
        self.assertEqual(port.at("AT"), "AT\r\r\nOK\r\n")
        self.assertEqual(port.at("ATE0"), "ATE0\r\r\nOK\r\n")
        self.assertEqual(port.at("at"), "\r\nOK\r\n")
        self.assertEqual(port.at("ATE1"), "\r\nOK\r\n")
        self.assertEqual(port.at("AT"), "AT\r\r\nOK\r\n")

    def test_it_resets_echo_and_error_mode_with_atz(self):
        port = self.ready()
        self.assertEqual(port.at("ATZ"), "\r\nOK\r\n")
        self.assertEqual(port.at("AT+CMEE?"), "AT+CMEE?\r\r\n+CMEE: 0\r\n\r\nOK\r\n")

    def test_it_identifies_itself(self):
        port = self.ready()
        self.assertEqual(port.at("AT+CGMI"), "\r\nhuawei\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CGMM"), "\r\nE173\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CGMR"), "\r\n11.126.85.00.209\r\n\r\nOK\r\n")
        self.assertRegex(port.at("AT+CGSN"), r"^\r\n\d{15}\r\n\r\nOK\r\n$")
        self.assertEqual(port.at("AT+CIMI"), "\r\n736020123456789\r\n\r\nOK\r\n")
        self.assertRegex(port.at("ATI"), r"Manufacturer: huawei\r\nModel: E173\r\nRevision: .*\r\nIMEI: \d{15}")

    def test_it_reports_signal_registration_and_operator(self):
        port = self.ready(rssi=17, operator="TIGO")
        self.assertEqual(port.at("AT+CSQ"), "\r\n+CSQ: 17,99\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+COPS=3,0"), "\r\nOK\r\n")
        self.assertEqual(port.at("AT+COPS?"), '\r\n+COPS: 0,0,"TIGO",2\r\n\r\nOK\r\n')
        self.assertEqual(port.at("AT+CIMI"), "\r\n736030123456789\r\n\r\nOK\r\n")

    def test_it_can_be_a_zte_without_huaweis_own_commands(self):
        port = self.ready(profile="zte")
        self.assertEqual(port.at("AT+CGMI"), "\r\nZTE CORPORATION\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT^CURC=0"), "\r\nCOMMAND NOT SUPPORT\r\n")

    def test_it_floods_huawei_status_lines_until_curc_0(self):
        port = self.start(curc_interval=0.02)
        port.read_until(b"\r\n^RSSI:20\r\n")
        port.at("AT^CURC=0")
        time.sleep(0.1)
        self.assertEqual(port.at("AT"), "AT\r\r\nOK\r\n")  # no ^RSSI since

    def test_it_answers_error_to_unknown_commands(self):
        port = self.start()
        self.assertTrue(port.at("AT+NONSENSE").endswith("\r\nERROR\r\n"))
        port.at("AT+CMEE=1")
        self.assertTrue(port.at("AT+NONSENSE").endswith("\r\n+CME ERROR: 4\r\n"))

    def test_it_runs_chained_commands(self):
        port = self.start()
        self.assertEqual(port.at("ATE0V1+CMEE=1;+CMGF=0"), "ATE0V1+CMEE=1;+CMGF=0\r\r\nOK\r\n")
        self.assertEqual(port.at("AT+CMEE?;+CMGF?"), "\r\n+CMEE: 1\r\n\r\n+CMGF: 0\r\n\r\nOK\r\n")

    # SIM --------------------------------------------------------------------------------------
    def test_it_asks_for_the_pin_until_given(self):
        port = self.ready(pin="1234")
        self.assertEqual(port.at("AT+CPIN?"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CIMI"), "\r\n+CME ERROR: 11\r\n")
        self.assertEqual(port.at("AT+CREG?"), "\r\n+CREG: 0,0\r\n\r\nOK\r\n")
        self.assertEqual(port.at('AT+CPIN="0000"'), "\r\n+CME ERROR: 16\r\n")
        self.assertEqual(port.at('AT+CPIN="1234"'), "\r\nOK\r\n")
        self.assertEqual(port.at("AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n")

    def test_it_blocks_the_sim_after_three_wrong_pins(self):
        port = self.ready(pin="1234")
        for _ in range(3):
            self.assertEqual(port.at('AT+CPIN="9999"'), "\r\n+CME ERROR: 16\r\n")
        self.assertEqual(port.at("AT+CPIN?"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n")
        self.assertEqual(port.at('AT+CPIN="1234"'), "\r\n+CME ERROR: 12\r\n")

    def test_it_reports_a_missing_sim_in_each_error_mode(self):
        port = self.start(sim_missing=True)
        port.at("ATE0")
        self.assertEqual(port.at("AT+CPIN?"), "\r\nERROR\r\n")
        port.at("AT+CMEE=1")
        self.assertEqual(port.at("AT+CPIN?"), "\r\n+CME ERROR: 10\r\n")
        port.at("AT+CMEE=2")
        self.assertEqual(port.at("AT+CPIN?"), "\r\n+CME ERROR: SIM not inserted\r\n")
        self.assertEqual(port.at("AT+CSQ"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CMGL=4"), "\r\n+CMS ERROR: SIM not inserted\r\n")

    # Sending ----------------------------------------------------------------------------------
    def test_it_sends_a_pdu_and_records_it(self):
        port = self.ready()
        self.assertEqual(port.send_sms("Hola, su cuota vence mañana"), "\r\n+CMGS: 0\r\n\r\nOK\r\n")
        self.assertEqual(port.send_sms("Segundo"), "\r\n+CMGS: 1\r\n\r\nOK\r\n")
        first, second = self.modem.wait_for_sent(2, timeout=1)
        self.assertEqual((first.number, first.text, first.mr), (NUMBER, "Hola, su cuota vence mañana", 0))
        self.assertEqual((second.text, second.mr, second.concat), ("Segundo", 1, None))
        self.assertTrue(first.status_report)

    def test_it_echoes_the_prompt_and_the_pdu_with_echo_on(self):
        port = self.start()
        (part,) = pdu.encode_submit(NUMBER, "Hola")
        port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        self.assertEqual(port.read_until(b"> "), f"AT+CMGS={part.tpdu_length}\r\r\n> ".encode())
        port.write(part.hex.encode() + b"\x1a")
        self.assertEqual(port.read_until(FINAL), part.hex.encode() + b"\r\n+CMGS: 0\r\n\r\nOK\r\n")

    def test_it_records_the_parts_of_a_long_message(self):
        port = self.ready()
        for part in pdu.encode_submit(NUMBER, "x" * 200, concat_reference=7):
            port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
            port.read_until(b"> ")
            port.write(part.hex.encode() + b"\x1a")
            port.read_until(FINAL)
        first, second = self.modem.sent
        self.assertEqual((first.concat.reference, first.concat.sequence, first.concat.total), (7, 1, 2))
        self.assertEqual(first.text + second.text, "x" * 200)

    def test_it_refuses_a_pdu_of_the_wrong_length(self):
        port = self.ready()
        (part,) = pdu.encode_submit(NUMBER, "Hola")
        port.write(f"AT+CMGS={part.tpdu_length + 1}\r".encode())
        port.read_until(b"> ")
        port.write(part.hex.encode() + b"\x1a")
        self.assertEqual(port.read_until(FINAL), b"\r\n+CMS ERROR: 304\r\n")
        self.assertEqual(self.modem.sent, [])

    def test_it_refuses_a_pdu_that_is_not_one(self):
        port = self.ready()
        port.write(b"AT+CMGS=10\r")
        port.read_until(b"> ")
        port.write(b"00110000ZZ\x1a")
        self.assertEqual(port.read_until(FINAL), b"\r\n+CMS ERROR: 304\r\n")

    def test_it_cancels_a_send_with_escape(self):
        port = self.ready()
        port.write(b"AT+CMGS=20\r")
        port.read_until(b"> ")
        port.write(b"0011\x1b")
        self.assertEqual(port.read_until(FINAL), b"\r\nOK\r\n")
        self.assertEqual(port.at("AT"), "\r\nOK\r\n")

    def test_it_fails_sends_at_the_fault_rate_with_the_error_code(self):
        port = self.ready(cms_error_rate=1.0, error_code=38)
        self.assertEqual(port.send_sms(), "\r\n+CMS ERROR: 38\r\n")
        self.assertEqual(self.modem.sent, [])

    def test_it_rejects_every_send_without_credit(self):
        port = self.ready(no_credit=True)
        self.assertEqual(port.send_sms(), "\r\n+CMS ERROR: 21\r\n")
        self.modem.set(no_credit=False)
        self.assertEqual(port.send_sms(), "\r\n+CMGS: 0\r\n\r\nOK\r\n")

    def test_it_takes_the_configured_latency_per_send(self):
        port = self.ready()
        self.modem.set(latency=0.3)
        started = time.monotonic()
        port.send_sms()
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_it_sends_a_delivery_report(self):
        port = self.ready()
        port.send_sms(status_report=True)
        header = port.read_until(re.compile(rb"\r\n\+CDS: (\d+)\r\n([0-9A-F]+)\r\n"))
        length, hex_report = re.search(rb"\+CDS: (\d+)\r\n([0-9A-F]+)", header).groups()
        self.assertEqual(int(length), pdu.tpdu_length(hex_report.decode()))
        report = pdu.decode_status_report(hex_report.decode())
        self.assertEqual((report.reference, report.recipient, report.status), (0, NUMBER, 0))

    def test_it_stores_delivery_reports_with_cnmi_ds_2(self):
        port = self.ready()
        port.at("AT+CNMI=2,1,0,2,0")
        port.send_sms(status_report=True)
        self.assertEqual(port.read_until(b'+CDSI: "SM",0\r\n'), b'\r\n+CDSI: "SM",0\r\n')
        (stored,) = self.modem.stored
        self.assertEqual(pdu.decode_status_report(stored.pdu).recipient, NUMBER)

    def test_it_puts_unsolicited_lines_in_the_middle_of_a_send(self):
        port = self.ready()
        self.modem.on_next_send(lambda: self.modem.inject_sms(NUMBER, "Llegó"), when="prompt")
        self.modem.on_next_send(lambda: self.modem.ring(NUMBER, times=1))
        (part,) = pdu.encode_submit(NUMBER, "Hola", status_report=False)
        port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        self.assertEqual(port.read_until(b"> "), b'\r\n+CMTI: "SM",0\r\n\r\n> ')
        port.write(part.hex.encode() + b"\x1a")
        self.assertEqual(
            port.read_until(FINAL),
            f'\r\nRING\r\n\r\n+CLIP: "{NUMBER}",145,,,,0\r\n\r\n+CMGS: 0\r\n\r\nOK\r\n'.encode(),
        )

    # Receiving --------------------------------------------------------------------------------
    def test_it_stores_announces_lists_reads_and_deletes_an_incoming_sms(self):
        port = self.ready()
        self.modem.inject_sms(NUMBER, "Pagaré el lunes")
        self.assertEqual(port.read_until(b'+CMTI: "SM",0\r\n'), b'\r\n+CMTI: "SM",0\r\n')
        listing = port.at("AT+CMGL=4")
        match = re.fullmatch(r"\r\n\+CMGL: 0,0,,(\d+)\r\n([0-9A-F]+)\r\n\r\nOK\r\n", listing)
        self.assertIsNotNone(match, listing)
        self.assertEqual(int(match.group(1)), pdu.tpdu_length(match.group(2)))
        message = pdu.decode_deliver(match.group(2))
        self.assertEqual((message.sender, message.text), (NUMBER, "Pagaré el lunes"))
        self.assertRegex(port.at("AT+CMGR=0"), r"^\r\n\+CMGR: 1,,\d+\r\n[0-9A-F]+\r\n\r\nOK\r\n$")
        self.assertEqual(port.at("AT+CMGD=0"), "\r\nOK\r\n")
        self.assertEqual(port.at("AT+CMGR=0"), "\r\n+CMS ERROR: 321\r\n")
        self.assertEqual(port.at("AT+CMGL=4"), "\r\nOK\r\n")

    def test_it_stores_a_long_sms_as_parts_with_one_reference(self):
        port = self.ready()
        self.modem.inject_sms(NUMBER, "y" * 200)
        port.read_until(b'+CMTI: "SM",1\r\n')
        first, second = (pdu.decode_deliver(sms.pdu) for sms in self.modem.stored)
        self.assertEqual(first.concat.reference, second.concat.reference)
        self.assertEqual(port.at('AT+CPMS="SM","SM","SM"'), "\r\n+CPMS: 2,30,2,30,2,30\r\n\r\nOK\r\n")
        self.assertEqual(port.at("AT+CMGD=0,4"), "\r\nOK\r\n")
        self.assertEqual(self.modem.stored, [])

    def test_it_delivers_straight_to_the_port_with_cnmi_mt_2(self):
        port = self.ready()
        port.at("AT+CNMI=2,2,0,1,0")
        self.modem.inject_sms(NUMBER, "Directo")
        data = port.read_until(re.compile(rb"\+CMT: ,\d+\r\n[0-9A-F]+\r\n"))
        hex_deliver = re.search(rb"\+CMT: ,\d+\r\n([0-9A-F]+)", data).group(1).decode()
        self.assertEqual(pdu.decode_deliver(hex_deliver).text, "Directo")
        self.assertEqual(self.modem.stored, [])

    def test_it_stores_silently_before_cnmi_is_set(self):
        port = self.start()
        port.at("ATE0")
        self.modem.inject_sms(NUMBER, "Callado")
        self.assertEqual(port.at("AT"), "\r\nOK\r\n")  # no +CMTI before the OK
        self.assertEqual(len(self.modem.stored), 1)

    def test_it_rings_with_the_callers_number(self):
        port = self.ready()
        self.modem.ring(NUMBER, times=2, interval=0)
        expected = f'\r\nRING\r\n\r\n+CLIP: "{NUMBER}",145,,,,0\r\n'.encode()
        self.assertEqual(port.read_until(expected * 2), expected * 2)

    def test_it_answers_ussd_codes_later(self):
        port = self.ready()
        self.assertEqual(port.at('AT+CUSD=1,"*105#",15'), "\r\nOK\r\n")
        self.assertEqual(
            port.read_until(re.compile(rb"\+CUSD: .*\r\n")),
            b'\r\n+CUSD: 0,"Su saldo es Bs 12.50, vigente hasta 31/12/2026",15\r\n',
        )
        port.at('AT+CUSD=1,"*999#",15')
        self.assertEqual(port.read_until(re.compile(rb"\+CUSD: .*\r\n")), b"\r\n+CUSD: 4\r\n")

    # The port ---------------------------------------------------------------------------------
    def test_it_keeps_serving_when_the_port_is_closed_and_reopened(self):
        port = self.ready()
        port.close()
        self.modem.inject_sms(NUMBER, "Mientras tanto")
        time.sleep(0.1)  # the loop must survive nobody listening
        again = self.open(self.modem.device)
        # What it said meanwhile waits in the modem, like a USB modem's: the next client gets it.
        self.assertEqual(again.at("AT"), '\r\n+CMTI: "SM",0\r\n\r\nOK\r\n')
        self.assertEqual(len(self.modem.stored), 1)

    def test_it_gives_the_answer_to_a_pdu_of_a_client_that_left_to_the_next_one(self):
        port = self.ready()
        self.modem.set(latency=0.2)
        (part,) = pdu.encode_submit(NUMBER, "Hola", status_report=False)
        port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        port.read_until(b"> ")
        port.write(part.hex.encode() + b"\x1a")
        port.close()  # gone before the network answered
        self.modem.wait_for_sent(1, timeout=2)
        again = self.open(self.modem.device)
        self.assertEqual(again.at("AT"), "\r\n+CMGS: 0\r\n\r\nOK\r\n")  # the stale answer first
        self.assertEqual(again.read_until(b"\r\nOK\r\n", timeout=1), b"\r\nOK\r\n")  # then AT's own

    def test_it_loses_what_a_client_received_but_did_not_read(self):
        port = self.ready()
        self.modem.ring(NUMBER, times=1)
        time.sleep(0.1)  # RING is in the port's buffer, unread
        port.close()
        again = self.open(self.modem.device)
        self.assertEqual(again.at("AT"), "\r\nOK\r\n")

    def test_it_can_be_unplugged_and_replugged(self):
        link = os.path.join(self.enterContext(tempfile.TemporaryDirectory()), "modem0")
        self.modem = SimulatedModem(latency=0)
        self.addCleanup(self.modem.stop)
        first = self.modem.start(link)
        self.assertEqual(os.readlink(link), first)
        port = self.open(link)
        port.at("ATE0")
        self.modem.inject_sms(NUMBER, "Antes")

        self.modem.unplug()
        self.assertFalse(os.path.lexists(link))
        with self.assertRaises(OSError):  # SerialException, or EIO from the vanished pty
            port.serial.write(b"AT\r")
            port.serial.read(1)

        second = self.modem.replug()
        self.assertEqual(os.readlink(link), second)
        again = self.open(link)
        self.assertEqual(again.at("AT"), "AT\r\r\nOK\r\n")  # a power cycle: echo is back on
        self.assertEqual(len(self.modem.stored), 1)

    def test_it_loses_a_send_when_unplugged_in_the_middle(self):
        port = self.ready()
        self.modem.on_next_send(self.modem.unplug)
        (part,) = pdu.encode_submit(NUMBER, "Hola")
        port.write(f"AT+CMGS={part.tpdu_length}\r".encode())
        port.read_until(b"> ")
        port.write(part.hex.encode() + b"\x1a")
        with self.assertRaises(OSError):  # SerialException, or EIO from the vanished pty
            port.read_until(FINAL)
        self.assertEqual(self.modem.sent, [])


class SimulateModemCommandTestCase(SimpleTestCase):
    def test_it_runs_as_a_process_driven_through_its_control_socket(self):
        link = os.path.join(self.enterContext(tempfile.TemporaryDirectory()), "modem0")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "simulate_modem", "--link", link, "--zero-latency"],
            cwd=Path(settings.BASE_DIR),
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(process.kill)
        device = process.stdout.readline().strip()
        self.assertTrue(device.startswith("/dev/"), device)
        self.assertEqual(os.readlink(link), device)
        port = Port(link)
        self.addCleanup(port.close)
        for command in ("ATE0", "AT+CMEE=1", "AT+CNMI=2,1,0,1,0"):
            port.at(command)

        control.send(f"{link}.ctl", cmd="inject_sms", sender=NUMBER, text="Hola desde afuera")
        port.read_until(b'+CMTI: "SM",0\r\n')
        control.send(f"{link}.ctl", cmd="set", no_credit=True)
        self.assertEqual(port.send_sms("Sin saldo"), "\r\n+CMS ERROR: 21\r\n")
        control.send(f"{link}.ctl", cmd="set", no_credit=False)
        self.assertEqual(port.send_sms("Con saldo"), "\r\n+CMGS: 0\r\n\r\nOK\r\n")
        (sent,) = control.send(f"{link}.ctl", cmd="sent")["sent"]
        self.assertEqual((sent["number"], sent["text"], sent["mr"]), (NUMBER, "Con saldo", 0))
        with self.assertRaises(control.ControlError):
            control.send(f"{link}.ctl", cmd="set", nonsense=1)

        control.send(f"{link}.ctl", cmd="unplug")
        self.assertFalse(os.path.lexists(link))
        replugged = control.send(f"{link}.ctl", cmd="replug")["device"]
        self.assertEqual(os.readlink(link), replugged)
        again = Port(link)
        self.addCleanup(again.close)
        self.assertEqual(again.at("AT"), "AT\r\r\nOK\r\n")

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=5), 0)
        self.assertFalse(os.path.lexists(link))
        self.assertFalse(os.path.exists(f"{link}.ctl"))


class ModemInfoCommandTestCase(SimpleTestCase):
    def test_it_prints_what_the_driver_reads(self):
        import json
        from io import StringIO

        from django.core.management import call_command

        from simulators.simulator import SimulatedModem

        with SimulatedModem(latency=0, rssi=17, operator="TIGO") as sim:
            out = StringIO()
            call_command("modem_info", "--port", sim.device, "--json", stdout=out)
        info = json.loads(out.getvalue())
        self.assertEqual((info["manufacturer"], info["model"], info["operator"]), ("huawei", "E173", "TIGO"))
        self.assertEqual((info["signal_dbm"], info["signal_bars"], info["sim"]), (-79, 3, "READY"))
        self.assertEqual(len(info["imei"]), 15)
