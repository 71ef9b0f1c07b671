"""SmppTransport against the simulated SMSC on loopback, and our PDU reading against PDUs and
receipts other programs and providers wrote (OpenMarket's documented hex PDUs, receipts quoted by
Nexmo/Vonage, Stack Overflow, jsmpp's simulator and node-smpp users), and the simulator against
smpplib's own client. No database."""

import asyncio
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import smpp34  # requirements-dev.txt: an SMPP 3.4 server someone else wrote
import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from modem.transports.base import (
    DeliveryReport,
    ErrorKind,
    Incoming,
    Outgoing,
    SecretRejected,
    SubmitFailed,
    TransportError,
    Unencodable,
)
from modem.transports.smpp import (
    SmppTransport,
    encode_pdu,
    event_from,
    id_spellings,
    parse_pdu,
)
from simulators.smsc import SimulatedSmsc

NUMBER = "+59170000288"
OTHER = "+59171234567"
LONG = "Estimado cliente, su pedido numero 4711 ya fue despachado y llegara manana. " * 5  # 380 characters
SPANISH = "Canción del niño: ¿Cuándo llegará el camión?"  # 44 characters: one UCS-2 part


def nothing() -> None:
    pass


class SmppTestCase(unittest.TestCase):
    def start(self, **settings) -> tuple[str, int]:
        self.smsc = SimulatedSmsc(**settings)
        self.addCleanup(self.smsc.stop)
        return self.smsc.start()

    def line(self, address: tuple[str, int], password: str = "clave", **options) -> SmppTransport:
        options = {"timeout": 5.0, "enquire_seconds": 30.0, "source_addr": "SMSMotor"} | options
        line = SmppTransport(address[0], address[1], "smsmotor", password, **options)
        self.addCleanup(line.close)
        return line

    def opened(self, settings: dict | None = None, **options) -> SmppTransport:
        line = self.line(self.start(**(settings or {})), **options)
        line.open()
        return line

    def send(self, line: SmppTransport, text: str, phone: str = NUMBER) -> list[str]:
        return line.submit(phone, text, on_handed=nothing)

    def wait_for_events(self, line: SmppTransport, count: int, timeout: float = 5.0) -> list:
        found, deadline = [], time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            found += line.events(timeout=0.2)
        self.assertEqual(len(found), count, found)
        return found


class SmppSendingTestCase(SmppTestCase):
    def test_it_sends_a_short_text_in_gsm7_asking_for_a_receipt(self):
        line = self.opened()
        references = self.send(line, "Hola, su codigo es 4711")
        self.assertEqual(len(references), 1)
        self.assertRegex(references[0], r"^[0-9A-F]+$")  # the simulator answers hexadecimal ids
        (sent,) = self.smsc.sent
        self.assertEqual((sent.number, sent.text, sent.encoding), (NUMBER, "Hola, su codigo es 4711", "GSM7"))
        self.assertTrue(sent.status_report)
        self.assertIsNone(sent.concat)

    def test_it_writes_extension_characters_as_escaped_septets(self):
        line = self.opened()
        self.send(line, "Precio: 10€ [oferta] {hoy}")
        (sent,) = self.smsc.sent
        self.assertEqual(sent.text, "Precio: 10€ [oferta] {hoy}")
        self.assertIn("1B65", sent.pdu)  # € is ESC 0x65 in GSM 03.38, one octet per septet on SMPP
        self.assertEqual(line.parts(NUMBER, "€" * 80), 1)  # 160 septets
        self.assertEqual(line.parts(NUMBER, "€" * 81), 2)

    def test_it_splits_a_long_text_with_an_8_bit_udh(self):
        line = self.opened()
        self.assertEqual(line.parts(NUMBER, LONG), 3)
        references = self.send(line, LONG)
        self.assertEqual(len(set(references)), 3)
        parts = self.smsc.sent
        self.assertEqual([part.concat.sequence for part in parts], [1, 2, 3])
        self.assertEqual(
            {(part.concat.reference, part.concat.total) for part in parts}, {(parts[0].concat.reference, 3)}
        )
        self.assertTrue(all(part.pdu.startswith("050003") for part in parts))
        self.assertEqual("".join(part.text for part in parts), LONG)
        self.assertEqual([len(part.text) for part in parts], [153, 153, 74])

    def test_it_never_splits_an_escape_pair_across_parts(self):
        line = self.opened()
        text = "a" * 152 + "€" + "b" * 20
        self.send(line, text)
        parts = self.smsc.sent
        self.assertEqual([part.text for part in parts], ["a" * 152, "€" + "b" * 20])

    def test_it_sends_accents_gsm7_lacks_in_ucs2(self):
        line = self.opened()
        self.send(line, SPANISH)
        self.assertEqual([(part.text, part.encoding) for part in self.smsc.sent], [(SPANISH, "UCS2")])

    def test_it_splits_ucs2_without_breaking_a_surrogate_pair(self):
        line = self.opened()
        text = "á" * 66 + "😀" + "ó" * 10  # the emoji's pair would straddle units 67 and 68
        self.assertEqual(line.parts(NUMBER, text), 2)
        self.send(line, text)
        self.assertEqual([part.text for part in self.smsc.sent], ["á" * 66, "😀" + "ó" * 10])

    def test_it_transliterates_when_the_line_says_so(self):
        line = self.opened(spanish="TRANSLITERATE")
        self.send(line, "Canción del camión")
        self.assertEqual([(part.text, part.encoding) for part in self.smsc.sent], [("Cancion del camion", "GSM7")])

    def test_it_sends_latin1_octets_when_that_is_the_accounts_default_alphabet(self):
        line = self.opened(default_alphabet="latin1")
        self.send(line, "Hola @ todos")
        (sent,) = self.smsc.sent
        self.assertEqual(sent.pdu, "Hola @ todos".encode("latin-1").hex().upper())  # @ is 0x40, not GSM's 0x00

    def test_it_lets_the_smsc_split_a_long_text_in_message_payload(self):
        line = self.opened(long_messages="payload")
        self.assertTrue(line.capabilities.splits_itself)
        self.assertEqual(line.parts(NUMBER, LONG), 3)  # what the SMSC will send, for pacing and the counter
        references = self.send(line, LONG)
        self.assertEqual(len(references), 3)  # one per SMS, as every line counts them
        self.assertEqual(references[1:], ["", ""])  # one submit_sm, one id: its receipt covers the whole message
        self.assertEqual("".join(part.text for part in self.smsc.sent), LONG)
        self.assertEqual(len(self.smsc.sent), 3)
        self.assertEqual(self.smsc.received_pdus["submit_sm"], 1)

    def test_it_refuses_what_it_cannot_send_before_handing_it(self):
        line = self.opened()
        handed = []
        with self.assertRaises(Unencodable):
            line.submit("no es un numero", "Hola", on_handed=lambda: handed.append(1))
        with self.assertRaises(Unencodable):
            line.submit(NUMBER, "", on_handed=lambda: handed.append(1))
        self.assertEqual(handed, [])
        results = line.submit_window([Outgoing("12ab", "Hola"), Outgoing(NUMBER, "Hola")], on_handed=nothing)
        self.assertIsInstance(results[0], SubmitFailed)
        self.assertEqual((results[0].refused, results[0].kind), (True, ErrorKind.PERMANENT))
        self.assertEqual(len(results[1]), 1)

    def test_it_calls_on_handed_once_before_the_first_submit_sm(self):
        line = self.opened()
        written_before = []
        line.submit_window(
            [Outgoing(NUMBER, f"Mensaje {i}") for i in range(5)],
            on_handed=lambda: written_before.append(self.smsc.received_pdus["submit_sm"]),
        )
        self.assertEqual(written_before, [0])
        self.assertEqual(len(self.smsc.sent), 5)

    def test_it_sends_nothing_when_on_handed_fails(self):
        line = self.opened()

        def fail() -> None:
            raise RuntimeError("database gone")

        with self.assertRaises(RuntimeError):
            line.submit(NUMBER, "Hola", on_handed=fail)
        time.sleep(0.05)
        self.assertEqual(self.smsc.received_pdus["submit_sm"], 0)

    def test_it_keeps_a_window_of_submit_sm_in_flight(self):
        line = self.opened({"latency": 0.02}, window=10)
        batch = [Outgoing(f"+591700{i:05d}", f"Mensaje numero {i}") for i in range(200)]
        started = time.monotonic()
        results = line.submit_window(batch, on_handed=nothing)
        elapsed = time.monotonic() - started
        self.assertTrue(all(isinstance(result, list) and len(result) == 1 for result in results), results[:3])
        self.assertEqual(len({result[0] for result in results}), 200)
        self.assertEqual([sent.number for sent in self.smsc.sent], [item.phone for item in batch])
        # One at a time, 200 answers 20 ms apart would take 4 s; ten in flight take about 0.4 s.
        self.assertLess(elapsed, 2.0)

    def test_it_keeps_to_the_accounts_rate(self):
        line = self.opened(per_second=50)
        started = time.monotonic()
        results = line.submit_window([Outgoing(NUMBER, f"Mensaje {i}") for i in range(11)], on_handed=nothing)
        self.assertTrue(all(isinstance(result, list) for result in results))
        self.assertGreaterEqual(time.monotonic() - started, 0.19)  # ten gaps of 20 ms

    def test_it_sends_hundreds_of_messages_a_second_without_latency(self):
        line = self.opened(window=50)
        batch = [Outgoing(f"+591700{i:05d}", f"Mensaje numero {i}") for i in range(1000)]
        started = time.monotonic()
        results = line.submit_window(batch, on_handed=nothing)
        rate = len(batch) / (time.monotonic() - started)
        self.assertTrue(all(isinstance(result, list) for result in results))
        self.assertEqual(len(self.smsc.sent), 1000)
        self.assertGreater(rate, 300, f"{rate:.0f} messages/s")


class SmppRefusalTestCase(SmppTestCase):
    def test_it_asks_to_wait_longer_each_time_it_is_throttled(self):
        line = self.opened({"throttle_per_second": 5}, window=1)
        results = line.submit_window([Outgoing(NUMBER, f"Mensaje {i}") for i in range(12)], on_handed=nothing)
        sent = [result for result in results if isinstance(result, list)]
        refused = [result for result in results if isinstance(result, SubmitFailed)]
        self.assertEqual(len(sent), 5)
        self.assertEqual(len(self.smsc.sent), 5)
        self.assertEqual(len(refused), 7)
        self.assertTrue(all(r.refused and r.kind is ErrorKind.TRANSIENT and r.retry_after > 0 for r in refused))
        # Nothing was written after the throttling answer: the SMSC saw one refused submit_sm, not seven.
        self.assertEqual(self.smsc.received_pdus["submit_sm"], 6)
        first_wait = refused[0].retry_after
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Otra vez")
        self.assertGreater(caught.exception.retry_after, first_wait)

    def test_a_full_queue_is_a_passing_refusal_too(self):
        line = self.opened()
        self.smsc.refuse_next(0x14)  # ESME_RMSGQFUL
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Hola")
        self.assertTrue(caught.exception.refused)
        self.assertEqual(caught.exception.kind, ErrorKind.TRANSIENT)
        self.assertGreater(caught.exception.retry_after, 0)

    def test_an_invalid_destination_fails_the_message_for_good(self):
        line = self.opened()
        self.smsc.refuse_next(0x0B)  # ESME_RINVDSTADR
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Hola")
        self.assertEqual((caught.exception.refused, caught.exception.kind), (True, ErrorKind.PERMANENT))
        self.assertIn("0x0B", caught.exception.detail)
        self.assertEqual(self.send(line, "Hola de nuevo")[0][:1].isalnum(), True)  # the session goes on

    def test_a_generic_nack_is_a_refusal(self):
        line = self.opened()
        self.smsc.refuse_next(0x08, nack=True)
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Hola")
        self.assertTrue(caught.exception.refused)
        self.assertIn("generic_nack", caught.exception.detail)
        self.assertEqual(self.smsc.sent, [])

    def test_a_long_message_refused_halfway_names_the_parts_that_left(self):
        line = self.opened(window=1)
        self.smsc.refuse_next(0x0B, after=1)
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, LONG)
        self.assertTrue(caught.exception.refused)
        self.assertEqual(len(caught.exception.references), 1)
        self.assertEqual(len(self.smsc.sent), 1)
        self.assertEqual(self.smsc.received_pdus["submit_sm"], 2)  # the third part was not written

    def test_it_reports_a_wrong_password_as_a_rejected_secret(self):
        address = self.start()
        with self.assertRaises(SecretRejected):
            self.line(address, password="otra").open()
        with self.assertRaises(SecretRejected):
            SmppTransport(address[0], address[1], "nadie", "clave").open()

    def test_an_smsc_that_is_not_there_is_not_a_wrong_password(self):
        address = self.start()
        self.smsc.unplug()
        with self.assertRaises(TransportError) as caught:
            self.line(address).open()
        self.assertNotIsInstance(caught.exception, SecretRejected)

    def test_a_lost_connection_leaves_written_messages_unknown_and_the_rest_unsent(self):
        line = self.opened({"latency": 0.3}, window=10)
        self.smsc.lose_next_answer()
        batch = [Outgoing(f"+591700{i:05d}", f"Mensaje {i}") for i in range(30)]
        results = line.submit_window(batch, on_handed=nothing)
        self.assertTrue(all(isinstance(result, SubmitFailed) and result.reconnect for result in results))
        self.assertEqual([result.refused for result in results], [False] * 10 + [True] * 20)
        self.assertEqual({result.kind for result in results[10:]}, {ErrorKind.MODEM})  # queued again at once
        self.assertEqual(self.smsc.received_pdus["submit_sm"], 10)  # never more than the window
        with self.assertRaises(TransportError):
            line.events()  # the worker reconnects
        line.open()
        self.assertEqual(len(self.send(line, "Despues de reconectar")), 1)

    def test_an_smsc_that_stops_answering_leaves_the_message_unknown(self):
        line = self.opened({"latency": 3.0}, timeout=0.3)
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Hola")
        self.assertEqual((caught.exception.refused, caught.exception.reconnect), (False, True))
        self.assertIn("did not answer in time", str(caught.exception))
        with self.assertRaises(TransportError):
            line.events()

    def test_an_unplugged_smsc_makes_the_next_call_fail_and_a_replug_brings_it_back(self):
        line = self.opened()
        self.smsc.unplug()
        with self.assertRaises(TransportError):
            line.events(timeout=1.0)
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, "Hola")
        self.assertTrue(caught.exception.refused and caught.exception.reconnect)
        with self.assertRaises(TransportError):
            line.open()
        self.smsc.replug()
        line.open()
        self.assertEqual(len(self.send(line, "Hola")), 1)
        for _ in range(2):  # unplugged again at once, with no client left blocked in accept: same port
            self.smsc.unplug()
            self.assertEqual(self.smsc.replug()[1], line.port)
        line.open()

    def test_it_unbinds_when_closing(self):
        line = self.opened()
        line.close()
        self.smsc.wait_until(lambda: self.smsc.received_pdus["unbind"] == 1)
        line.close()  # twice is fine


class SmppReceivingTestCase(SmppTestCase):
    def test_a_receipt_with_a_decimal_id_names_the_hexadecimal_reference(self):
        line = self.opened({"hex_ids_in_resp": True, "decimal_ids_in_receipts": True})
        (reference,) = self.send(line, "Hola")
        (report,) = self.wait_for_events(line, 1)
        self.assertIsInstance(report, DeliveryReport)
        self.assertEqual(report.reference, reference)
        self.assertIn(str(int(reference, 16)), report.alternatives)
        self.assertTrue(report.delivered and report.final)
        self.assertEqual((report.status, report.recipient), (0, NUMBER))

    def test_a_receipt_with_a_hexadecimal_id_names_the_decimal_reference(self):
        line = self.opened({"hex_ids_in_resp": False, "decimal_ids_in_receipts": False})
        (reference,) = self.send(line, "Hola")
        self.assertTrue(reference.isdecimal())
        (report,) = self.wait_for_events(line, 1)
        self.assertEqual(report.reference, reference)

    def test_after_a_restart_the_alternatives_still_hold_the_other_spelling(self):
        address = self.start(receipt_tlvs=False, report_delay=0.2)
        first = self.line(address)
        first.open()
        (reference,) = self.send(first, "Hola")
        first.close()  # the worker restarts before the receipt comes
        second = self.line(address)
        second.open()
        (report,) = self.wait_for_events(second, 1)
        self.assertEqual(report.reference, str(int(reference, 16)))
        self.assertIn(reference, report.alternatives)

    def test_a_failed_delivery_is_final_and_not_delivered(self):
        line = self.opened({"report_status": "UNDELIV"})
        self.send(line, "Hola")
        (report,) = self.wait_for_events(line, 1)
        self.assertEqual((report.delivered, report.final), (False, True))

    def test_it_reads_a_message_from_a_phone(self):
        line = self.opened()
        self.smsc.inject_sms(OTHER, "Quiero mi saldo")
        (message,) = self.wait_for_events(line, 1)
        self.assertIsInstance(message, Incoming)
        self.assertEqual((message.sender, message.text, message.concat), (OTHER, "Quiero mi saldo", None))

    def test_it_reads_the_parts_of_a_long_message_and_ucs2(self):
        line = self.opened()
        text = SPANISH * 4  # 176 characters: three UCS-2 parts of 67
        self.assertEqual(self.smsc.inject_sms(OTHER, text, reference=0x99), 3)
        parts = self.wait_for_events(line, 3)
        self.assertEqual([part.concat.sequence for part in parts], [1, 2, 3])
        self.assertEqual({(part.concat.reference, part.concat.total) for part in parts}, {(0x99, 3)})
        self.assertEqual("".join(part.text for part in parts), text)

    def test_it_acknowledges_a_deliver_sm_only_when_settled(self):
        line = self.opened()
        self.smsc.inject_sms(OTHER, "Hola")
        events = self.wait_for_events(line, 1)
        time.sleep(0.1)
        self.assertEqual(self.smsc.owed, 1)  # given to the worker, not answered
        self.assertEqual(line.stored(), events)
        line.settle(events)
        self.smsc.wait_until(lambda: self.smsc.owed == 0)
        self.assertEqual(line.stored(), [])

    def test_an_unsettled_deliver_sm_comes_again_after_reconnecting(self):
        line = self.opened()
        self.smsc.inject_sms(OTHER, "No me pierdas")
        self.wait_for_events(line, 1)
        line.close()  # the worker died before saving it
        line.open()
        (again,) = self.wait_for_events(line, 1)
        self.assertEqual(again.text, "No me pierdas")
        line.settle([again])
        self.smsc.wait_until(lambda: self.smsc.owed == 0)

    def test_a_receipt_as_another_smsc_writes_it_arrives_on_the_live_session(self):
        line = self.opened()
        text = "id:0870928761 sub:001 dlvrd:001 submit date:1610191112 done date:1610191112 stat:EXPIRED err:000 text:"
        self.smsc.inject_pdu(source_addr="59170000288", source_addr_ton=1, esm_class=0x04, short_message=text.encode())
        (report,) = self.wait_for_events(line, 1)
        self.assertEqual(
            (report.reference, report.delivered, report.final, report.status), ("0870928761", False, True, 0x46)
        )
        self.assertIn("33E95179", report.alternatives)

    def test_it_keeps_the_link_alive_both_ways(self):
        line = self.opened(enquire_seconds=0.2)
        self.smsc.wait_until(lambda: self.smsc.received_pdus["enquire_link"] >= 1, timeout=3)
        self.assertEqual(self.smsc.ping(), 1)
        self.smsc.wait_until(lambda: self.smsc.enquire_link_answers == 1)
        self.assertEqual(line.events(), [])


def smpplib_parse(data: bytes, allow_unknown: bool = True):
    client = smpplib.client.Client("127.0.0.1", 1, allow_unknown_opt_params=allow_unknown)
    return smpplib.smpp.parse_pdu(data, client=client, allow_unknown_opt_params=allow_unknown)


def deliver_sm(hex_pdu: str):
    return parse_pdu(bytes.fromhex(hex_pdu))


def receipt(text: str, **tlvs) -> bytes:
    fields = {"source_addr_ton": 1, "source_addr": "59170000288", "esm_class": 0x04, "short_message": text.encode()}
    return encode_pdu("deliver_sm", 7, **fields, **tlvs)


class SmppWorldTestCase(unittest.TestCase):
    """What other SMSCs and libraries write, read by our code."""

    def test_openmarket_mo_with_a_ticket_id_is_a_message_not_a_receipt(self):
        # OpenMarket's documented deliver_sm for an MO "Help" (v4 SMPP, "Example deliver_sm request"):
        # it carries receipted_message_id with their ticket id, on a message from a phone.
        pdu = deliver_sm(
            "0000005d0000000500000000000000014f4d5634000101343437373030393030373635000101343437373030393030"
            "373530000000000000000000000448656c70001e0018313631385a2d30313032472d323333334d2d3235464a4600"
        )
        event = event_from(pdu)
        self.assertIsInstance(event, Incoming)
        self.assertEqual((event.sender, event.text), ("+447700900765", "Help"))

    def test_openmarket_rejected_receipt_with_a_ticket_id(self):
        text = (
            "id:0118Z-0122I-2309U-57DGB sub:000 dlvrd:000 submitdate:180122230957 donedate:000000000000 "
            "stat:REJECTD err:375 text:"
        )
        report = event_from(parse_pdu(receipt(text)))
        self.assertEqual(report.reference, "0118Z-0122I-2309U-57DGB")
        self.assertEqual((report.delivered, report.final, report.recipient), (False, True, "+59170000288"))

    def test_a_receipt_without_tlvs_or_text_field(self):
        # Quoted on Stack Overflow (q. 8754853) as an SMSC's sample receipt.
        text = "id:40072910491427628 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:DELIVRD err:000"
        report = event_from(parse_pdu(receipt(text)))
        self.assertEqual(report.reference, "40072910491427628")
        self.assertIn(f"{40072910491427628:x}", report.alternatives)
        self.assertTrue(report.delivered and report.final)

    def test_jsmpp_simulator_ids_hex_in_the_answer_padded_decimal_in_the_receipt(self):
        # jsmpp issue 56: the answer said 33E95179, the receipt id:0870928761 (10 digits, zero-padded).
        text = "id:0870928761 sub:001 dlvrd:001 submit date:1610191112 done date:1610191112 stat:DELIVRD err:000 text:"
        pdu = parse_pdu(receipt(text))
        self.assertIn("33E95179", event_from(pdu).alternatives)  # a worker that forgot the answer
        known = {"33e95179": "33E95179"}
        self.assertEqual(event_from(pdu, known=known.get).reference, "33E95179")

    def test_node_smpp_receipt_with_padded_ids_in_text_and_tlv(self):
        # As a node-smpp user's SMSC sent it (farhadi/node-smpp#199).
        text = (
            "id:0000029095 sub:001 dlvrd:001 submit date:211125034959 done date:211125035001 stat:DELIVRD err:000 text:"
        )
        report = event_from(parse_pdu(receipt(text, receipted_message_id="0000029095")))
        self.assertEqual(report.reference, "0000029095")
        self.assertTrue({"29095", "71A7"} <= set(report.alternatives))

    def test_nexmo_receipt_with_text_none(self):
        text = (
            "id:0000000012345678 sub:001 dlvrd:001 submit date:1601010100 done date:1601010101 stat:DELIVRD "
            "err:000 text:none"
        )
        report = event_from(parse_pdu(receipt(text)))
        self.assertEqual(report.reference, "0000000012345678")
        self.assertIn("12345678", report.alternatives)

    def test_message_state_tlv_wins_and_intermediate_notifications_are_not_final(self):
        text = "id:ABC123 sub:001 dlvrd:000 submit date:2412011200 done date:2412011201 stat:ENROUTE err:000 text:"
        pdu = parse_pdu(receipt(text, receipted_message_id="ABC123", message_state=1))
        self.assertFalse(event_from(pdu).final)
        pdu.fields["esm_class"] = 0x20  # intermediate delivery notification, whatever the state says
        pdu.tlvs[0x0427] = b"\x02"
        self.assertEqual((event_from(pdu).delivered, event_from(pdu).final), (True, False))

    def test_a_receipted_message_id_without_its_nul_keeps_its_last_character(self):
        body = bytes(receipt("id:1 stat:DELIVRD")[16:]) + struct.pack(">HH", 0x001E, 6) + b"A1B2C3"  # no NUL
        data = struct.pack(">LLLL", 16 + len(body), 5, 0, 9) + body
        self.assertEqual(event_from(parse_pdu(data)).reference, "A1B2C3")
        self.assertEqual(smpplib_parse(data).receipted_message_id, b"A1B2C")  # why we read PDUs ourselves

    def test_vendor_tlvs_and_tlvs_of_other_commands_are_skipped(self):
        body = bytes(receipt("id:77 stat:DELIVRD")[16:])
        vendor = body + struct.pack(">HH", 0x1401, 2) + b"\x00\x01"  # a vendor-specific tag
        ussd = (
            body + struct.pack(">HH", 0x0501, 1) + b"\x02"
        )  # ussd_service_op, which smpplib expects only in submit_sm
        for extra in (vendor, ussd):
            data = struct.pack(">LLLL", 16 + len(extra), 5, 0, 9) + extra
            self.assertEqual(event_from(parse_pdu(data)).reference, "77")
        with self.assertRaises(smpplib.exceptions.UnknownCommandError):
            smpplib_parse(struct.pack(">LLLL", 16 + len(vendor), 5, 0, 9) + vendor, allow_unknown=False)
        with self.assertRaises(KeyError):
            smpplib_parse(struct.pack(">LLLL", 16 + len(ussd), 5, 0, 9) + ussd)

    def test_an_incoming_message_split_with_sar_tlvs_or_in_message_payload(self):
        fields = {"source_addr_ton": 1, "source_addr": "59171234567", "data_coding": 8}
        sar = encode_pdu(
            "deliver_sm", 3, short_message="Año".encode("utf-16-be"), sar_msg_ref_num=0x1234,
            sar_total_segments=2, sar_segment_seqnum=2, **fields,
        )  # fmt: skip
        event = event_from(parse_pdu(sar))
        self.assertEqual(
            (event.text, event.concat.reference, event.concat.total, event.concat.sequence), ("Año", 0x1234, 2, 2)
        )
        payload = encode_pdu("deliver_sm", 4, message_payload=("ñ" * 200).encode("utf-16-be"), **fields)
        self.assertEqual(event_from(parse_pdu(payload)).text, "ñ" * 200)

    def test_a_message_delivered_with_data_sm(self):
        pdu = encode_pdu(
            "data_sm", 8, source_addr_ton=1, source_addr="59171234567", destination_addr="2525", data_coding=0,
            message_payload=b"Saldo por favor",
        )  # fmt: skip
        event = event_from(parse_pdu(pdu))
        self.assertEqual((event.sender, event.text), (OTHER, "Saldo por favor"))

    def test_a_receipt_whose_state_cannot_be_read_fails_nothing(self):
        report = event_from(parse_pdu(receipt("id:12 sub:001 dlvrd:001 stat:WEIRD")))
        self.assertEqual((report.reference, report.delivered, report.final), ("12", False, False))

    def test_a_16_bit_reference_udh(self):
        udh = bytes([6, 0x08, 4, 0x01, 0x02, 3, 1])
        pdu = encode_pdu("deliver_sm", 5, esm_class=0x40, short_message=udh + b"Hola", source_addr="70000288")
        event = event_from(parse_pdu(pdu))
        self.assertEqual((event.text, event.concat.reference, event.concat.total), ("Hola", 0x0102, 3))

    def test_id_spellings(self):
        self.assertEqual(id_spellings("2A0F3C")[0], "2A0F3C")
        self.assertIn("2756412", id_spellings("2A0F3C"))
        self.assertIn("2a0f3c", id_spellings("2756412"))
        self.assertIn("2A0F3C", id_spellings("002756412"))


class SimulatedSmscWithSmpplibTestCase(unittest.TestCase):
    """The simulator against a client library that is not ours: smpplib's Client."""

    def test_smpplibs_client_binds_sends_and_gets_its_receipt(self):
        smsc = SimulatedSmsc()
        self.addCleanup(smsc.stop)
        host, port = smsc.start()
        client = smpplib.client.Client(host, port, timeout=5, allow_unknown_opt_params=True)
        client.connect()
        self.addCleanup(client.disconnect)
        client.bind_transceiver(system_id="smsmotor", password="clave")
        answers, receipts = [], []
        client.set_message_sent_handler(lambda pdu: answers.append(pdu.message_id))
        client.set_message_received_handler(lambda pdu: receipts.append(pdu.receipted_message_id))
        parts, coding, esm = smpplib.gsm.make_parts("Hola desde smpplib " * 12)
        for part in parts:
            client.send_message(
                source_addr="SMSMotor", destination_addr="59170000288", short_message=part,
                data_coding=coding, esm_class=esm, registered_delivery=1,
            )  # fmt: skip
        while len(answers) < len(parts) or len(receipts) < len(parts):
            client.read_once()
        self.assertEqual(len(parts), 2)
        self.assertEqual([sent.concat.sequence for sent in smsc.sent], [1, 2])
        self.assertEqual("".join(sent.text for sent in smsc.sent), "Hola desde smpplib " * 12)
        self.assertEqual(sorted(int(answer, 16) for answer in answers), sorted(int(r) for r in receipts))
        client.unbind()

    def test_a_wrong_password_is_esme_rinvpaswd(self):
        smsc = SimulatedSmsc()
        self.addCleanup(smsc.stop)
        host, port = smsc.start()
        sock = socket.create_connection((host, port))
        self.addCleanup(sock.close)
        sock.sendall(encode_pdu("bind_transceiver", 1, system_id="smsmotor", password="mala"))
        answer = sock.recv(1024)
        self.assertEqual(struct.unpack(">LLLL", answer[:16])[1:3], (0x80000009, smpplib.consts.SMPP_ESME_RINVPASWD))


if __name__ == "__main__":
    unittest.main()


KANNEL = shutil.which("bearerbox") or ("/usr/sbin/bearerbox" if os.path.exists("/usr/sbin/bearerbox") else None)
KANNEL_CONF = """
group = core
admin-port = {admin}
admin-password = x
smsbox-port = {smsbox}
log-file = "{logs}/bearerbox.log"
log-level = 0
box-allow-ip = 127.0.0.1
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = {smsc}
transceiver-mode = true
smsc-username = smsmotor
smsc-password = clave
system-type = ""
# bit 0: submit_sm_resp ids in hexadecimal; bit 1 clear: receipts in decimal (as our simulator writes them)
msg-id-type = 0x01

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {sendsms}
log-file = "{logs}/smsbox.log"
log-level = 0

group = sendsms-user
username = u
password = p

group = sms-service
keyword = default
get-url = "http://127.0.0.1:{http}/mo?from=%p&text=%b&coding=%c"
max-messages = 0
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@unittest.skipUnless(KANNEL, "Kannel's bearerbox is not installed (apt-get install kannel)")
class KannelAgainstSimulatedSmscTestCase(unittest.TestCase):
    """Kannel 1.4 (Debian's), an ESME many operators' customers run, bound to the simulated SMSC:
    it must take our submit_sm_resp, match our receipts and join our UDH parts."""

    def setUp(self):
        self.smsc = SimulatedSmsc(report_delay=0.1)
        self.addCleanup(self.smsc.stop)
        ports = {name: free_port() for name in ("admin", "smsbox", "sendsms", "http")}
        self.ports = {**ports, "smsc": self.smsc.start()[1]}
        logs = Path(os.environ.get("TEST_ARTIFACTS") or tempfile.mkdtemp()) / f"kannel-{self._testMethodName}"
        logs.mkdir(parents=True, exist_ok=True)
        conf = logs / "kannel.conf"
        conf.write_text(KANNEL_CONF.format(logs=logs, **self.ports))
        self.calls: list[dict[str, str]] = []
        self.http = self.listen()
        self.start_box(KANNEL, conf)
        self.smsc.wait_until(lambda: self.smsc.bound == 1, timeout=10)
        self.start_box(KANNEL.replace("bearerbox", "smsbox"), conf)

    def listen(self) -> HTTPServer:
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = urllib.parse.urlsplit(self.path).query
                calls.append(
                    {"path": self.path.split("?")[0], **dict(urllib.parse.parse_qsl(query, encoding="latin-1"))}
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", self.ports["http"]), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server

    def start_box(self, program: str, conf: Path) -> None:
        box = subprocess.Popen([program, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(box.wait, 10)
        self.addCleanup(box.terminate)

    def sendsms(self, text: str) -> None:
        dlr_url = f"http://127.0.0.1:{self.ports['http']}/dlr?status=%d&id=%F"
        query = urllib.parse.urlencode(
            {"username": "u", "password": "p", "to": "59170000288", "from": "SMSMotor", "text": text,
             "dlr-mask": 3, "dlr-url": dlr_url}
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:  # until smsbox is up and connected to bearerbox
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms?{query}"
                ) as answer:
                    self.assertIn(b"Accepted", answer.read())
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def wait_for_call(self, path: str, timeout: float = 10.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [call for call in self.calls if call["path"] == path]
            if found:
                return found[0]
            time.sleep(0.05)
        self.fail(f"Kannel never called {path}: {self.calls}")

    def test_kannel_sends_through_it_and_matches_its_receipt(self):
        self.sendsms("Hola desde Kannel")
        self.smsc.wait_until(lambda: len(self.smsc.sent) == 1)
        (sent,) = self.smsc.sent
        self.assertEqual(sent.text, "Hola desde Kannel")
        report = self.wait_for_call("/dlr")
        self.assertEqual(report["status"], "1")  # Kannel's "delivered to phone"
        self.assertEqual(report["id"], str(sent.mr))  # matched by the decimal id of our receipt
        self.smsc.wait_until(lambda: self.smsc.owed == 0)  # Kannel answered the deliver_sm

    def test_kannel_joins_the_parts_of_a_long_message_from_a_phone(self):
        text = "Quiero saber el saldo de mi cuenta numero 4711, gracias. " * 4
        self.assertEqual(self.smsc.inject_sms(OTHER, text), 2)
        message = self.wait_for_call("/mo")
        self.assertEqual((message["from"], message["text"]), (OTHER, text))
        self.smsc.wait_until(lambda: self.smsc.owed == 0)


class RustSmsc:
    """smpp34's SMSC (a Rust SMPP 3.4 engine, not ours) on loopback, in its own asyncio thread: it
    takes every submit_sm and answers a receipt for it, as a plain SMSC would."""

    def __init__(self) -> None:
        self.submits: list = []
        self.acknowledged: list[bool] = []
        self.port = free_port()
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_until_complete, args=(self.serve(),), daemon=True).start()
        self.ready.wait(5)

    async def serve(self) -> None:
        self.server = smpp34.Server("127.0.0.1", self.port, system_id="RustSMSC")
        await self.server.start()
        self.ready.set()
        sessions, tasks = {}, set()
        while True:
            event = await self.server.next()
            if isinstance(event, smpp34.Esme):
                sessions[event.session_id] = event
            elif isinstance(event, smpp34.SubmitSmEvent):
                number = 0x5F000 + len(self.submits)
                self.submits.append(event)
                event.accept(message_id=f"{number:08x}")  # lower-case, zero-padded hexadecimal
                task = asyncio.create_task(self.receipt(sessions[event.session_id], event, number))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

    async def receipt(self, esme, submit, number: int) -> None:
        text = f"id:{number} sub:001 dlvrd:001 submit date:2612021200 done date:2612021201 stat:DELIVRD err:000 text:"
        tlvs = [smpp34.Tlv(0x001E, f"{number:08x}".encode() + b"\0"), smpp34.Tlv(0x0427, b"\x02")]
        answer = await esme.deliver_sm(
            submit.source_addr, text.encode(), source_addr=submit.destination_addr, source_addr_ton=1,
            esm_class=0x04, tlvs=tlvs,
        )  # fmt: skip
        self.acknowledged.append(answer.is_success)

    async def shut(self) -> None:
        await self.server.stop()  # smpp34's awaitables belong to the loop they are made in

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.shut(), self.loop).result(5)


class SmppTransportAgainstRustSmscTestCase(unittest.TestCase):
    """Our transport against an SMSC someone else wrote: smpp34 decodes our PDUs with its own codec."""

    def test_it_binds_sends_long_and_ucs2_texts_and_settles_the_receipts(self):
        smsc = RustSmsc()
        self.addCleanup(smsc.stop)
        line = SmppTransport("127.0.0.1", smsc.port, "smsmotor", "clave", source_addr="SMSMotor", timeout=5)
        self.addCleanup(line.close)
        self.assertEqual(line.open().operator, "RustSMSC")
        results = line.submit_window([Outgoing(NUMBER, LONG), Outgoing(OTHER, SPANISH)], on_handed=nothing)
        self.assertEqual([len(result) for result in results], [3, 1])
        # A window of submit_sm in flight: the SMSC may take them in any order.
        long_parts = sorted((part for part in smsc.submits if part.esm_class & 0x40), key=lambda p: p.short_message[5])
        (spanish,) = [part for part in smsc.submits if part.data_coding == 8]
        self.assertEqual(
            {part.short_message[:5] for part in long_parts}, {bytes([5, 0, 3, long_parts[0].short_message[3], 3])}
        )
        self.assertEqual({(part.data_coding, part.destination_addr) for part in long_parts}, {(0, NUMBER[1:])})
        self.assertEqual("".join(part.short_message[6:].decode("ascii") for part in long_parts), LONG)
        self.assertEqual((spanish.data_coding, spanish.short_message.decode("utf-16-be")), (8, SPANISH))
        self.assertEqual((spanish.dest_addr_ton, spanish.source_addr, spanish.source_addr_ton), (1, "SMSMotor", 5))
        reports = []
        deadline = time.monotonic() + 5
        while len(reports) < 4 and time.monotonic() < deadline:
            reports += line.events(timeout=0.2)
        self.assertEqual(
            sorted(report.reference for report in reports),
            sorted(reference for result in results for reference in result),
        )
        self.assertTrue(all(report.delivered and report.final for report in reports))
        self.assertEqual(smsc.acknowledged, [])  # nothing answered before the worker saved them
        line.settle(reports)
        deadline = time.monotonic() + 5
        while len(smsc.acknowledged) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(smsc.acknowledged, [True] * 4)
