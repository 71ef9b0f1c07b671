"""A simulated Huawei HiLink LTE stick (E3372h-320, E8372, E5573...): the web server such sticks
run on 192.168.8.1, with its HTTP/XML API and no AT port, on a loopback port here.

Plain Python (no Django), for tests, benchmarks and the demo (`simulate_modem --hilink`). The
network behind it is the AT simulator's: what the stick sends is recorded as `SentSms` parts with
their PDUs (built by `modem.at.pdu`, as a modem's firmware would), reports as `NetworkReport`, and
an injected SMS arrives as SMS-DELIVER parts; see `sms.py`.

Where the firmware's behaviour comes from (and what is inferred):
- huawei_lte_api 2.0.1 (Session.py, api/User.py, api/Sms.py, enums/): the endpoints, the request
  shapes, the token headers it reads (__RequestVerificationToken, ...one/...two after login), the
  <meta name="csrf_token"> tokens of the home page, the password_type 4 hash, which errors it
  retries (125002 only: it re-reads its tokens and tries once more).
- Real answers quoted in public threads: sms-list entries with Index 40000 and SaveType 4
  (pablo/huawei-modem-python-api-client#13), sms-count and sms/config fields (Salamek/huawei-lte-api-ts#6,
  Salamek/huawei-lte-api#79), device/information of an E3372h-320 (home-assistant/core#126984),
  error bodies with CRLF and Content-Type text/html (kenshaw/hilink#19, arska/e3372#17),
  113004 after quick consecutive sends (Salamek/huawei-lte-api#197), multipart entries of
  SmsType 2 (Salamek/huawei-lte-api#164), the error-code table of the web UI
  (telegram-sms/telegram-sms-huawei-dongle client/error/error_code.go).
- Inferred: a user's log (yoratoni/huawei-router-sms-forwarding#1) shows 113004, then 125003, then
  100003 on the following requests: an <error> answer hands out no new token, so the library's
  token queue falls one behind and its next-but-one POST carries a spent token; and a wrong token
  ends the login. Both are settings (`error_answers_rotate_token`, `wrong_token_logs_out`).
  Older firmware ("session" tokens) must accept the same token again, or the library's
  single-token mode could not work with it. send-status's separators, the report entries'
  <Content> (empty) and one entry per part, the sent box's Smstat 2 while sending, 113053 for a
  send into a full storage, 111019 for a USSD code without answer, the lockout answers
  (108006 until the last attempt, then 108007) are plausible guesses, not observed.
"""

from simulators.hilink.server import SimulatedStick
from simulators.hilink.settings import StickSettings, StoredMessage

__all__ = ["SimulatedStick", "StickSettings", "StoredMessage"]
