"""What tests tune on the simulated HiLink stick (`StickSettings`), the firmware's error codes, and
what its local SMS storage holds (`StoredMessage`). No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

# The <error><code> values the firmware answers, with the names Huawei's web UI gives them.
# huawei_lte_api raises its own classes for 100002-100005, 125002, 125003 and, on login, 108xxx;
# anything else comes as ResponseErrorException carrying the code.
UNKNOWN = 100001
NOT_SUPPORTED = 100002
NO_RIGHTS = 100003  # not logged in, or the session expired
BUSY = 100004
FORMAT_ERROR = 100005
LOGIN_ALREADY = 108003
LOGIN_WRONG = 108006  # user name or password wrong
LOGIN_TOO_MANY = 108007  # locked for a while after too many wrong passwords
USSD_IN_SESSION = 111013
USSD_NO_ANSWER = 111019  # ERROR_USSD_NET_NO_RETURN
# Not in Huawei's published table; E3372/B-series sticks answer it to a send that comes while the
# previous one is still going out (huawei-lte-api issue #197, "when I sent 4 messages one after the other").
SMS_SEND_REFUSED = 113004
SMS_ILLEGAL_ARGUMENT = 113017
SMS_OVERTIME = 113018  # ERROR_SMS_OVERTIME: the SMS module is busy
SMS_DELETE_FAILED = 113036
SMS_STORAGE_FULL = 113053  # ERROR_SMS_LOCAL_SPACE_NOT_ENOUGH
SMS_NUMBER_TOO_LONG = 113054
CSRF = 125002  # the session is unknown (expired, rebooted): huawei_lte_api re-reads its tokens and retries once
WRONG_TOKEN = 125003  # the token is not one this session was given (reused, or from another session)

# Bolivia (MCC 736): the names and MCC-MNC the networks broadcast.
OPERATORS = {"ENTEL": ("Entel", "73602"), "VIVA": ("VIVA", "73601"), "TIGO": ("TIGO", "73603")}
TOKEN_STYLES = ("rotating", "session")
LIST_COUNTS = ("page", "total")

# Smstat and SmsType values of sms-list (huawei_lte_api.enums.sms StatusEnum / TypeEnum).
UNREAD, READ, SENDING, SENT, SEND_FAILED = 0, 1, 2, 3, 4
SINGLE, CONCATENATED, REPORT_DELIVERED, REPORT_FAILED = 1, 2, 7, 8
INBOX, SENT_BOX = 1, 2


@dataclass
class StickSettings:
    """What tests, benchmarks and the demo tune; `SimulatedStick.set()` changes them while it serves."""

    latency: float = 2.0  # seconds the network takes per SMS part; the stick answers OK at once and sends meanwhile
    answer_delay: float = 0.0  # seconds every HTTP answer takes (real sticks: tens of milliseconds)
    username: str = "admin"
    password: str | None = None  # None: a stick without a web password (everything answers without login)
    password_type: int = 4  # 4: base64(sha256(user + base64(sha256(password)) + token)), hex digests; 0: base64
    login_attempts: int = 3  # wrong passwords in a row before the lockout (108007)
    lockout_seconds: float = 60.0
    session_timeout: float = 300.0  # idle seconds before the firmware forgets a session (and its login)
    # "rotating" (E3372h-320 and other current firmware): two tokens in the home page's
    # <meta name="csrf_token">, each POST spends one and a successful answer hands out the next.
    # "session" (older firmware): no meta tokens, /api/webserver/token unsupported; SesTokInfo's
    # token serves the whole session.
    tokens: str = "rotating"
    error_answers_rotate_token: bool = False  # False: an <error> answer hands out no new token (see the package)
    wrong_token_logs_out: bool = True  # a 125003 also ends the session's login
    send_interval: float = 0.0  # a send within this many seconds of the previous one is refused (113004)
    network_refuses: bool = False  # sends answer OK but never leave (send-status FailPhone, sent box Smstat 4)
    refusal_rate: float = 0.0  # share of messages the network refuses that way (repeatable with the seed)
    busy_rate: float = 0.0  # share of send-sms answered 113018 (the SMS module busy), likewise
    registered: bool = True  # on the network: False is no service (sends fail, USSD gets no answer)
    delivery_reports: bool = True  # the network sends the reports the stick asks for
    use_sreport: bool = False  # the stick's own switch (sms/config UseSReport) at power-on
    report_delay: float | None = None  # seconds from the send to the report; None: 1 s, or 0 when latency is 0
    report_status: int = 0  # TP-ST of the network's reports: 0 delivered, 0x40 and up failed
    report_content: str = ""  # what a report entry shows as <Content>
    ussd_delay: float | None = None  # seconds until the answer; None: 0.5 s, or 0 when latency is 0
    ussd_replies: dict[str, str] = field(
        default_factory=lambda: {"*105#": "Su saldo es Bs 12.50, vigente hasta 31/12/2026"}
    )
    capacity: int = 500  # messages the local storage holds, inbox and sent box together (LocalMax)
    max_read_count: int = 50  # the largest ReadCount sms-list accepts
    list_count: str = "page"  # sms-list <Count>: messages in the page, or in the whole box ("total")
    part_gap: float = 0.0  # seconds between the parts of a long incoming SMS: listed incomplete meanwhile
    unresponsive: bool = False  # connections are accepted but never answered
    reboot_seconds: float = 0.0  # how long the stick is gone after device/control Control=1
    operator: str = "ENTEL"
    rsrp: int | None = -95  # dBm; None: no signal
    rsrq: int = -9
    sinr: int = 12
    rssi: int = -67
    smsc: str = "+59170000000"  # made up, as in the AT simulator
    device_name: str = "E3372h-320"
    imei: str = "863743012345675"
    imsi: str = ""  # empty: the operator's MCC-MNC + 0123456789
    iccid: str = "89591020000012345678"
    serial_number: str = "G4PDW20C01234567"
    hardware_version: str = "CL4E3372HM"
    software_version: str = "10.0.3.1(H192SP2C983)"
    webui_version: str = "WEBUI 10.0.3.1(W13SP1C7401)"

    def __post_init__(self) -> None:
        choices = {"tokens": TOKEN_STYLES, "list_count": LIST_COUNTS, "operator": tuple(OPERATORS)}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if self.password_type not in (0, 4):
            raise ValueError("password_type is 0 (base64) or 4 (sha256 with the token)")
        for name in ("refusal_rate", "busy_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.login_attempts < 1 or self.capacity < 1 or self.max_read_count < 1:
            raise ValueError("login_attempts, capacity and max_read_count must be at least 1")

    def delay(self, value: float | None, realistic: float) -> float:
        if value is not None:
            return value
        return 0.0 if self.latency == 0 else realistic

    def updated(self, **changes: Any) -> StickSettings:
        """A copy with `changes`, validated like the constructor; TypeError names unknown fields."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return StickSettings(**{name: getattr(self, name) for name in known} | changes)

    @property
    def plmn(self) -> tuple[str, str]:
        """(name, MCC-MNC) of the network the stick is on."""
        return OPERATORS[self.operator]

    @property
    def imsi_or_default(self) -> str:
        return self.imsi or self.plmn[1] + "0123456789"


@dataclass
class StoredMessage:
    """An entry of the stick's local storage as sms-list shows it: a received SMS (reassembled
    by the firmware when it came in parts), a sent one, or a delivery report."""

    index: int  # <Index>: local storage counts from 40000
    box: int  # INBOX or SENT_BOX
    phone: str
    content: str
    date: datetime  # the stick's local time (La Paz); shown as "YYYY-MM-DD hh:mm:ss"
    stat: int  # <Smstat>: UNREAD, READ (inbox); SENDING, SENT, SEND_FAILED (sent box)
    sms_type: int  # <SmsType>: SINGLE, CONCATENATED, REPORT_DELIVERED, REPORT_FAILED
    sca: str = ""

    def fields(self) -> dict[str, Any]:
        """The <Message> children, in the firmware's order."""
        return {
            "Smstat": self.stat,
            "Index": self.index,
            "Phone": self.phone,
            "Content": self.content,
            "Date": f"{self.date:%Y-%m-%d %H:%M:%S}",
            "Sca": self.sca,
            "SaveType": 4,  # what E3372 sticks show for local storage
            "Priority": 0,
            "SmsType": self.sms_type,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "box": self.box,
            "phone": self.phone,
            "content": self.content,
            "date": self.date.isoformat(),
            "stat": self.stat,
            "sms_type": self.sms_type,
        }
