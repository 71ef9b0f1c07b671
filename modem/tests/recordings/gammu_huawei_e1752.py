"""Huawei E1752 under gammu-smsd: notices between answers, a PDU listing, COMMAND NOT SUPPORT.

Sources (gammu debug logs, which show every byte read as hex):
- https://github.com/gammu/gammu/issues/126 "Issue with Huawei E1752 modem" (2015-08-17):
  "^SRVST:0\\r\\n" read right before the echo of AT+CPMS="SM","SM" and its answer;
  "^MODE:5,4" and "+CREG: 1, E006B, ABE0016" arriving on their own; AT+CPIN? answered
  "+CPIN: READY", OK; AT+CMGL=4 answered with one stored message:
  "+CMGL: 0,0,,23\\r\\n07913366003051F5040B913366304381F900005180719120348004D4F29C0E\\r\\n\\r\\nOK".
- https://github.com/gammu/gammu/issues/138 (same user): "^RSSI:14", "^RSSI:10" on their own, and
  "COMMAND NOT SUPPORT" as the answer to commands the modem lacks (AT+CPROT=?, AT+SYNCML=?).
Verbatim: those lines. Adapted: the ^SRVST notice is put before the answer to AT+CMGL=4 (it came
before AT+CPMS="SM","SM", which our driver does not send); AT+CMEE=1, AT+CMGF=0 and AT+CNMI
answered OK (gammu's log of the same session shows the modem accepting them); the rest of the
SMS set-up commands our driver sends are answered COMMAND NOT SUPPORT, as this modem answers
what it does not know. The message decodes (independent decoder, python-gsmmodem-new 0.13) as
"Test" from +33660334189, sent 2015-08-17 19:02:43+02:00.
"""

SOURCE = "https://github.com/gammu/gammu/issues/126 and /issues/138"
DEVICE = "Huawei E1752 (gammu-smsd)"

ANSWERS = {
    "AT+CPIN?": "\r\n+CPIN: READY\r\n\r\nOK\r\n",
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CNMI=2,1,0,2,0": ["OK"],
    "AT+CPROT=?": ["COMMAND NOT SUPPORT"],
    "AT+SYNCML=?": ["COMMAND NOT SUPPORT"],
    "AT+CMGL=4": "\r\n+CMGL: 0,0,,23\r\n07913366003051F5040B913366304381F900005180719120348004D4F29C0E\r\n\r\nOK\r\n",
}
DEFAULT = ["COMMAND NOT SUPPORT"]
BEFORE = {"AT+CMGL=4": "^SRVST:0\r\n"}
NOTICES = "^MODE:5,4\r\n+CREG: 1, E006B, ABE0016\r\n^RSSI:14\r\n^RSSI:10\r\n"
