"""The simulated HiLink stick, driven only through the real huawei_lte_api Connection/Client."""

from datetime import datetime, timedelta

import requests
from django.test import SimpleTestCase
from huawei_lte_api.api.Sms import Message
from huawei_lte_api.Client import Client
from huawei_lte_api.Connection import Connection
from huawei_lte_api.enums.client import ResponseEnum
from huawei_lte_api.enums.device import ControlModeEnum
from huawei_lte_api.enums.sms import BoxTypeEnum, StatusEnum, TypeEnum
from huawei_lte_api.exceptions import (
    LoginErrorUsernamePasswordOverrunException,
    LoginErrorUsernamePasswordWrongException,
    ResponseErrorException,
    ResponseErrorLoginRequiredException,
    ResponseErrorSystemBusyException,
    ResponseErrorWrongSessionToken,
)

from modem.at.pdu import Encoding
from simulators.hilink import SimulatedStick
from simulators.settings import LA_PAZ

NUMBER = "+59170000288"
OTHER = "+59171234567"
PASSWORD = "clave-del-stick"
OK = ResponseEnum.OK.value


class FakeClock:
    """The stick's monotonic clock, moved by the test instead of by waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class HiLinkSimulatorTestCase(SimpleTestCase):
    def start(self, **settings) -> str:
        """A zero-latency stick on a free loopback port, on a clock the test moves; its URL."""
        settings.setdefault("latency", 0)
        self.clock = FakeClock()
        self.stick = SimulatedStick(seed=1, clock=self.clock, **settings)
        self.addCleanup(self.stick.stop)
        return self.stick.start()

    def connect(self, url: str, password: str | None = None, **options) -> Connection:
        return Connection(url, username="admin" if password else None, password=password, timeout=3, **options)

    def abandon(self, connection: Connection) -> None:
        """Close without logging out: what a client does with a connection to a rebooted stick."""
        connection.user_session = None
        connection.close()

    def inbox(self, client: Client) -> list[Message]:
        """The inbox through the library's iterator (which leaves out multipart SMS younger than 10 s)."""
        return list(client.sms.get_messages(box_type=BoxTypeEnum.LOCAL_INBOX))

    def listed(self, client: Client) -> list[Message]:
        """The first page of the inbox, by index."""
        messages = [Message.from_dict(m) for m in client.sms.get_sms_list()["Messages"]["Message"]]
        return sorted(messages, key=lambda message: message.index)

    # Login and sessions ----------------------------------------------------------------------
    def test_it_serves_a_stick_without_password(self):
        url = self.start()
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.user.state_login()["State"], "-1")
            self.assertEqual(client.sms.get_sms_list()["Count"], "0")
            self.assertEqual(client.sms.send_sms([NUMBER], "Hola"), OK)
        with self.connect(url, password="any") as connection:  # a password the stick does not ask for
            self.assertEqual(Client(connection).device.information()["DeviceName"], "E3372h-320")
        self.assertEqual([sms.text for sms in self.stick.sent], ["Hola"])

    def test_it_logs_in_with_the_password_hashed_with_the_token(self):
        url = self.start(password=PASSWORD)
        with self.connect(url) as anonymous:
            client = Client(anonymous)
            self.assertEqual(client.device.signal()["rsrp"], "-95dBm")  # no login needed
            self.assertEqual(client.user.state_login()["password_type"], "4")
            with self.assertRaises(ResponseErrorLoginRequiredException):
                client.sms.get_sms_list()
            with self.assertRaises(ResponseErrorLoginRequiredException):
                client.device.information()
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            self.assertEqual(client.user.state_login()["State"], "0")
            self.assertEqual(client.sms.sms_count()["LocalInbox"], "0")

    def test_it_refuses_wrong_passwords_and_locks_after_three(self):
        url = self.start(password=PASSWORD, lockout_seconds=60)
        for password in ("nope", "Clave-del-stick"):
            with self.assertRaises(LoginErrorUsernamePasswordWrongException) as caught:
                self.connect(url, password)
            self.assertEqual(caught.exception.code, 108006)
        with self.assertRaises(LoginErrorUsernamePasswordOverrunException):
            self.connect(url, "third")
        with self.assertRaises(LoginErrorUsernamePasswordOverrunException):
            self.connect(url, PASSWORD)  # locked: even the right one
        with self.connect(url) as anonymous:
            self.assertEqual(Client(anonymous).user.state_login()["lockstatus"], "1")
        self.clock.advance(61)
        with self.connect(url, PASSWORD) as connection:
            self.assertEqual(Client(connection).user.state_login()["State"], "0")

    def test_it_rotates_its_tokens_over_many_posts(self):
        url = self.start(password=PASSWORD)
        self.stick.inject_sms(OTHER, "Hola")
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            used = set()
            for _ in range(25):
                used.update(connection.request_verification_tokens)
                self.assertEqual(client.sms.set_read(40000), OK)
                self.assertEqual(client.sms.get_sms_list()["Count"], "1")
            self.assertEqual(len(used), 50)  # every POST spent a token of its own and got the next

    def test_it_refuses_a_spent_token_and_ends_the_login(self):
        url = self.start(password=PASSWORD)
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            spent = connection.request_verification_tokens[0]
            client.sms.set_read(40000)
            connection.request_verification_tokens = [spent, spent]
            with self.assertRaises(ResponseErrorWrongSessionToken):
                client.sms.set_read(40000)
            connection.reload()  # fresh tokens from the home page, same session
            with self.assertRaises(ResponseErrorLoginRequiredException):
                client.sms.get_sms_list()
            self.assertTrue(client.user.login("admin", PASSWORD, force_new_login=True))
            self.assertEqual(client.sms.get_sms_list()["Count"], "0")

    def test_it_hands_out_no_token_with_an_error_so_the_library_falls_behind(self):
        url = self.start()
        with self.connect(url) as connection:
            client = Client(connection)
            self.stick.fail_next(113018, endpoint="sms/send-sms")
            with self.assertRaises(ResponseErrorException) as caught:
                client.sms.send_sms([NUMBER], "uno")
            self.assertEqual(caught.exception.code, 113018)
            self.assertEqual(client.sms.send_sms([NUMBER], "dos"), OK)  # its last token still serves...
            with self.assertRaises(ResponseErrorWrongSessionToken):
                client.sms.send_sms([NUMBER], "tres")  # ...but the next one it pops was spent
            connection.reload()
            self.assertEqual(client.sms.send_sms([NUMBER], "cuatro"), OK)
        self.assertEqual([sms.text for sms in self.stick.sent], ["dos", "cuatro"])

    def test_it_can_hand_out_tokens_with_errors_too(self):
        url = self.start(error_answers_rotate_token=True)
        with self.connect(url) as connection:
            client = Client(connection)
            self.stick.fail_next(100004, count=2)
            for _ in range(2):
                with self.assertRaises(ResponseErrorSystemBusyException):
                    client.sms.send_sms([NUMBER], "uno")
            for text in ("dos", "tres"):
                self.assertEqual(client.sms.send_sms([NUMBER], text), OK)
        self.assertEqual([sms.text for sms in self.stick.sent], ["dos", "tres"])

    def test_it_makes_the_library_reload_its_tokens_on_a_session_error(self):
        url = self.start(password=PASSWORD)
        with self.connect(url, PASSWORD) as connection:
            self.stick.fail_next(125002, endpoint="sms/send-sms")
            self.assertEqual(Client(connection).sms.send_sms([NUMBER], "Hola"), OK)  # retried after the reload
        self.assertEqual(len(self.stick.sent), 1)

    def test_it_forgets_idle_sessions(self):
        url = self.start(password=PASSWORD, session_timeout=300)
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            self.clock.advance(299)
            self.assertEqual(client.sms.get_sms_list()["Count"], "0")  # each request restarts the idle time
            self.clock.advance(301)
            with self.assertRaises(ResponseErrorLoginRequiredException):  # 125002, reload, retry: 100003
                client.sms.get_sms_list()
            self.assertTrue(client.user.login("admin", PASSWORD, force_new_login=True))
            self.assertEqual(client.sms.get_sms_list()["Count"], "0")
            self.stick.expire_sessions()
            with self.assertRaises(ResponseErrorLoginRequiredException):
                client.sms.sms_count()
            connection.reload()
            self.assertTrue(client.user.login("admin", PASSWORD, force_new_login=True))

    def test_it_works_with_the_older_firmware_tokens(self):
        url = self.start(password=PASSWORD, tokens="session")
        with self.connect(url, PASSWORD) as connection:  # no meta tokens, no webserver/token: SesTokInfo
            client = Client(connection)
            for n in range(10):
                self.assertEqual(client.sms.send_sms([NUMBER], f"Mensaje {n}"), OK)
                self.assertEqual(client.sms.get_sms_list(box_type=BoxTypeEnum.LOCAL_SENT)["Count"], str(n + 1))
        self.assertEqual(len(self.stick.sent), 10)

    # Sending ---------------------------------------------------------------------------------
    def test_it_sends_an_sms_to_the_network_exactly_once(self):
        url = self.start(password=PASSWORD)
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.send_sms([NUMBER], "Su pedido está listo"), OK)
            status = client.sms.send_status()
            (copy,) = client.sms.get_messages(box_type=BoxTypeEnum.LOCAL_SENT)
        (sms,) = self.stick.sent
        self.assertEqual((sms.number, sms.text, sms.concat), (NUMBER, "Su pedido está listo", None))
        self.assertFalse(sms.status_report)
        self.assertEqual(sms.encoding, Encoding.UCS2)  # "á" has no GSM 7-bit code
        self.assertEqual((status["SucPhone"], status["FailPhone"], status["CurIndex"]), (NUMBER, None, "1"))
        self.assertEqual((copy.phone, copy.content), (NUMBER, sms.text))
        self.assertEqual((copy.status, copy.type), (StatusEnum.SEND, TypeEnum.SINGLE))

    def test_it_splits_a_long_text_into_parts_itself(self):
        url = self.start()
        text = "Estimado cliente, su saldo vence pronto." * 5  # 200 GSM 7-bit characters: 2 parts
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.send_sms([NUMBER, OTHER], text), OK)
            copies = client.sms.get_sms_list(box_type=BoxTypeEnum.LOCAL_SENT, ascending=True)["Messages"]["Message"]
        parts = self.stick.sent
        self.assertEqual(
            [(p.number, p.concat.sequence, p.concat.total) for p in parts],
            [(NUMBER, 1, 2), (NUMBER, 2, 2), (OTHER, 1, 2), (OTHER, 2, 2)],
        )
        self.assertEqual(parts[0].concat.reference, parts[1].concat.reference)
        self.assertNotEqual(parts[0].concat.reference, parts[2].concat.reference)
        self.assertEqual("".join(p.text for p in parts[:2]), text)
        self.assertEqual(
            [(c["Phone"], c["Content"], c["SmsType"]) for c in copies], [(n, text, "2") for n in (NUMBER, OTHER)]
        )

    def test_it_carries_characters_outside_the_bmp_both_ways(self):
        url = self.start()  # the library and the firmware write them in CESU-8
        self.stick.inject_sms(OTHER, "Llegó 👍 & listo")
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.send_sms([NUMBER], "Gracias 😀 <pronto>"), OK)
            (incoming,) = self.listed(client)
        self.assertEqual(incoming.content, "Llegó 👍 & listo")
        self.assertEqual(
            [(sms.text, sms.encoding) for sms in self.stick.sent], [("Gracias 😀 <pronto>", Encoding.UCS2)]
        )

    def test_it_refuses_sends_that_come_too_quickly(self):
        url = self.start(latency=3)  # seconds per part: the stick is busy meanwhile
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.send_sms([NUMBER], "uno"), OK)
            with self.assertRaises(ResponseErrorException) as caught:
                client.sms.send_sms([NUMBER], "dos")
            self.assertEqual(caught.exception.code, 113004)
            self.assertEqual((self.stick.sent, client.sms.send_status()["Phone"]), ([], NUMBER))  # still going out
            self.clock.advance(3)
            self.assertEqual(client.sms.send_sms([NUMBER], "tres"), OK)
            self.clock.advance(3)
        self.assertEqual([sms.text for sms in self.stick.sent], ["uno", "tres"])

    def test_it_refuses_sends_closer_than_its_interval(self):
        url = self.start(send_interval=5)
        with self.connect(url) as connection:
            client = Client(connection)
            client.sms.send_sms([NUMBER], "uno")
            with self.assertRaises(ResponseErrorException) as caught:
                client.sms.send_sms([NUMBER], "dos")
            self.assertEqual(caught.exception.code, 113004)
            self.clock.advance(5)
            self.assertEqual(client.sms.send_sms([NUMBER], "tres"), OK)
        self.assertEqual([sms.text for sms in self.stick.sent], ["uno", "tres"])

    def test_it_says_ok_to_a_send_the_network_then_refuses(self):
        url = self.start(network_refuses=True)
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.send_sms([NUMBER], "Hola"), OK)
            status = client.sms.send_status()
            (copy,) = client.sms.get_messages(box_type=BoxTypeEnum.LOCAL_SENT)
            self.stick.set(network_refuses=False)
            self.stick.refuse_next_sends(1)
            client.sms.send_sms([NUMBER, OTHER], "Otra vez")
            second = client.sms.send_status()
        self.assertEqual((status["SucPhone"], status["FailPhone"], copy.status), (None, NUMBER, StatusEnum.SEND_FAILED))
        self.assertEqual((second["SucPhone"], second["FailPhone"], second["TotalCount"]), (OTHER, NUMBER, "2"))
        self.assertEqual([(sms.number, sms.text) for sms in self.stick.sent], [(OTHER, "Otra vez")])

    def test_it_refuses_a_seeded_share_of_sends(self):
        runs = []
        for _ in range(2):  # the same seed, the same faults
            url = self.start(refusal_rate=0.4, busy_rate=0.2, error_answers_rotate_token=True)
            outcomes = []
            with self.connect(url) as connection:
                client = Client(connection)
                for n in range(12):
                    try:
                        client.sms.send_sms([NUMBER], f"Mensaje {n}")
                    except ResponseErrorException as error:
                        outcomes.append(error.code)
                    else:
                        outcomes.append("sent" if client.sms.send_status()["SucPhone"] else "refused")
            self.assertEqual(len(self.stick.sent), outcomes.count("sent"))
            runs.append(outcomes)
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(set(runs[0]), {"sent", "refused", 113018})

    def test_it_loses_the_answer_but_not_the_sms(self):
        url = self.start()
        with self.connect(url) as connection:
            self.stick.drop_next_answer("sms/send-sms")
            with self.assertRaises(requests.exceptions.ConnectionError):
                Client(connection).sms.send_sms([NUMBER], "Hola")
        self.assertEqual(len(self.stick.sent), 1)  # it went: sending it again makes a duplicate

    # Receiving -------------------------------------------------------------------------------
    def test_it_shows_an_incoming_sms_in_the_inbox(self):
        url = self.start(part_gap=5)
        long_text = ("Quiero pedir dos cajas más para el viernes, por favor. " * 3).strip()  # UCS-2: 3 parts
        self.stick.inject_sms(OTHER, "Hola, soy Ana", datetime(2026, 12, 1, 9, 30, tzinfo=LA_PAZ))
        parts = self.stick.inject_sms(NUMBER, long_text)
        with self.connect(url) as connection:
            client = Client(connection)
            short, long = self.listed(client)
            self.clock.advance(10)  # the other parts arrive
            complete = self.listed(client)[1]
        self.assertEqual(len(parts), 3)
        self.assertEqual((short.phone, short.content, short.sca), (OTHER, "Hola, soy Ana", "+59170000000"))
        self.assertEqual((short.type, short.status), (TypeEnum.SINGLE, StatusEnum.NEW))
        self.assertEqual(short.date_time, datetime(2026, 12, 1, 9, 30))
        self.assertEqual(long.type, TypeEnum.MULTIPART)
        self.assertEqual(long.content, long_text[:67])  # only the first part so far
        self.assertEqual(complete.content, long_text)

    def test_it_lists_pages_in_order_marks_read_and_deletes(self):
        url = self.start()
        start = datetime(2026, 12, 1, 9, 0, tzinfo=LA_PAZ)
        for n in range(5):
            self.stick.inject_sms(f"+5917000010{n}", f"Mensaje {n}", start + timedelta(minutes=n))
        with self.connect(url) as connection:
            client = Client(connection)

            def contents(**options) -> list[str]:
                return [m["Content"] for m in client.sms.get_sms_list(**options)["Messages"]["Message"]]

            first = client.sms.get_sms_list(page=1, read_count=2)
            self.assertEqual(first["Count"], "2")
            self.assertEqual(first["Messages"]["Message"][0]["Date"], "2026-12-01 09:04:00")
            self.assertEqual(contents(page=1, read_count=2), ["Mensaje 4", "Mensaje 3"])
            self.assertEqual(contents(page=3, read_count=2), ["Mensaje 0"])
            self.assertEqual(client.sms.get_sms_list(page=4, read_count=2)["Count"], "0")
            self.assertEqual(contents(read_count=5, ascending=True), [f"Mensaje {n}" for n in range(5)])
            every = self.inbox(client)  # the library pages until an empty page
            self.assertEqual(len(every), 5)
            newest = every[0].index
            self.assertEqual(client.sms.set_read(newest), OK)
            self.assertEqual(client.sms.sms_count()["LocalUnread"], "4")
            self.assertEqual(contents(read_count=5, unread_preferred=True)[-1], "Mensaje 4")
            self.assertEqual(client.sms.delete_sms(newest), OK)
            self.assertEqual(client.sms.sms_count()["LocalInbox"], "4")
            with self.assertRaises(ResponseErrorException) as caught:
                client.sms.delete_sms(newest)
            self.assertEqual(caught.exception.code, 113036)

    def test_it_keeps_incoming_sms_in_the_network_while_the_storage_is_full(self):
        url = self.start(capacity=2)
        for n in range(3):
            self.stick.inject_sms(OTHER, f"Mensaje {n}")
        with self.connect(url) as connection:
            client = Client(connection)
            self.assertEqual(client.monitoring.check_notifications()["SmsStorageFull"], "1")
            with self.assertRaises(ResponseErrorException) as caught:
                client.sms.send_sms([NUMBER], "No cabe")
            self.assertEqual(caught.exception.code, 113053)
            connection.reload()  # the error answer brought no token
            oldest = min(message.index for message in self.inbox(client))
            client.sms.delete_sms(oldest)
            contents = sorted(message.content for message in self.inbox(client))
        self.assertEqual(contents, ["Mensaje 1", "Mensaje 2"])

    def test_it_lists_delivery_reports_when_the_stick_asks_for_them(self):
        url = self.start()
        with self.connect(url) as connection:
            client = Client(connection)
            client.sms.send_sms([NUMBER], "Sin reporte")
            self.assertEqual(self.inbox(client), [])
            self.assertEqual(client.sms.set_config("+59170000000", use_s_report=True), OK)
            self.assertEqual(client.sms.config()["UseSReport"], "1")
            client.sms.send_sms([NUMBER], "Con reporte")
            (report,) = self.inbox(client)
            self.stick.set(report_status=0x41)  # the network gives up on the next one
            client.sms.send_sms([OTHER], "Número dado de baja")
            failed = [message for message in self.inbox(client) if message.phone == OTHER]
        self.assertEqual((report.phone, report.status), (NUMBER, StatusEnum.NEW))
        self.assertEqual(report.type, TypeEnum.DELIVERY_CONFIRMATION_SUCCESS)
        self.assertEqual([message.type for message in failed], [TypeEnum.DELIVERY_CONFIRMATION_FAILURE])
        self.assertEqual([sms.status_report for sms in self.stick.sent], [False, True, True])
        self.assertEqual([(r.reference, r.recipient) for r in self.stick.reports], [(1, NUMBER), (2, OTHER)])

    # Status and USSD -------------------------------------------------------------------------
    def test_it_answers_signal_operator_and_device_information(self):
        url = self.start(rsrp=-101, sinr=4)
        with self.connect(url) as connection:
            client = Client(connection)
            signal, status = client.device.signal(), client.monitoring.status()
            plmn, information = client.net.current_plmn(), client.device.information()
            self.stick.set(rsrp=None)
            lost = client.monitoring.status()
        self.assertEqual(
            [signal[key] for key in ("rsrp", "rsrq", "sinr", "rssi")], ["-101dBm", "-9.0dB", "4dB", "-67dBm"]
        )
        self.assertEqual(
            [status[key] for key in ("ConnectionStatus", "SignalIcon", "CurrentNetworkType")], ["901", "3", "19"]
        )
        self.assertEqual((plmn["FullName"], plmn["ShortName"], plmn["Numeric"]), ("Entel", "Entel", "73602"))
        self.assertEqual((information["DeviceName"], information["Imei"]), ("E3372h-320", "863743012345675"))
        self.assertEqual((lost["ConnectionStatus"], lost["SignalIcon"]), ("902", "0"))

    def test_it_answers_a_balance_query_over_ussd(self):
        url = self.start(password=PASSWORD, ussd_delay=2)
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            self.assertEqual(client.ussd.send("*105#"), OK)
            self.assertEqual(client.ussd.status()["result"], "1")
            with self.assertRaises(ResponseErrorException) as caught:
                client.ussd.get()
            self.assertEqual(caught.exception.code, 111019)
            self.clock.advance(2)
            self.assertEqual(client.ussd.status()["result"], "0")
            self.assertEqual(client.ussd.get()["content"], "Su saldo es Bs 12.50, vigente hasta 31/12/2026")

    # The stick coming and going --------------------------------------------------------------
    def test_it_vanishes_and_comes_back_rebooted(self):
        url = self.start(password=PASSWORD)
        self.stick.inject_sms(OTHER, "Antes")
        with self.connect(url, PASSWORD) as connection:
            client = Client(connection)
            self.assertEqual(client.sms.sms_count()["LocalInbox"], "1")
            self.stick.unplug()
            with self.assertRaises(requests.exceptions.ConnectionError):
                client.device.signal()
            self.stick.inject_sms(OTHER, "Mientras tanto")  # the network keeps it
            self.assertEqual(self.stick.replug(), url)
            with self.assertRaises(ResponseErrorLoginRequiredException):
                client.sms.sms_count()  # a new boot: the session is gone
            connection.reload()
            self.assertTrue(client.user.login("admin", PASSWORD, force_new_login=True))
            self.assertEqual(sorted(message.content for message in self.inbox(client)), ["Antes", "Mientras tanto"])

    def test_it_reboots_when_told(self):
        url = self.start(password=PASSWORD)
        connection = self.connect(url, PASSWORD)
        self.assertEqual(Client(connection).device.set_control(ControlModeEnum.REBOOT), OK)
        self.stick.wait_until(lambda: self.stick.snapshot()["boots"] == 2)
        self.abandon(connection)
        with self.connect(url, PASSWORD) as fresh:
            self.assertEqual(Client(fresh).user.state_login()["State"], "0")

    def test_it_hangs_when_unresponsive(self):
        url = self.start()
        with self.connect(url) as connection:
            connection.timeout = 0.3
            client = Client(connection)
            self.stick.set(unresponsive=True)
            with self.assertRaises(requests.exceptions.Timeout):
                client.device.signal()
            self.stick.set(unresponsive=False)
            self.assertEqual(client.device.signal()["rsrp"], "-95dBm")
