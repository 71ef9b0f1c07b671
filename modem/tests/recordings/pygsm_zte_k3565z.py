"""ZTE K3565-Z (Vodafone-branded stick), as python-gsmmodem's profile and tests record it.

Sources:
- faucamp/python-gsmmodem, test/fakemodems.py, class ZteK3565Z (commit
  068c6b413237a5e9fc53bbdd6b7de2e99046ffb6): identification, +CPMS=?, AT+CLAC as bare lines.
- faucamp/python-gsmmodem, test/test_modem.py (commit ff3682529fa69e55e253417927c28ce2e8304e73),
  test_sendSmsResponseMixedWithUnsolictedMessages: +ZDONR/+ZPASR notices before the send prompt
  and before +CMGS ("taken from github issue #11"); and test_receiveSmsPduMode_problemCases /
  test_receiveStatusReportPduMode: "AT+CMGR response from ZTE modem", a status report whose
  +CMGR header has no <stat> and whose PDU has a wrong SMSC part ("+CMGR: ,,27"); the test
  states what it holds: reference 28, sent 2013-07-26 14:29:27+02, done 14:29:31+02, delivered.
Verbatim: the listed answers. Adapted: AT+CMEE=1, AT+CMGF=0, AT+CNMI=2,1,0,2 and AT+CLIP=1
answered OK (the library's connect() sends them); five-parameter AT+CNMI stands for the
four-parameter one; the +CMGS reference (142) is the one the test used for its first message.
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py ZteK3565Z + test/test_modem.py"
DEVICE = "ZTE K3565-Z"

ANSWERS = {
    "AT+CGMI": ["ZTE INCORPORATED", "OK"],
    "AT+CGMM": ["K3565-Z", "OK"],
    "AT+CGMR": ["BD_P673A2V1.0.0B09", "OK"],
    "AT+CFUN?": ["+CFUN: (0-1,4-7),(0-1)", "OK"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+WIND?": ["ERROR"],
    "AT+ZPAS?": ['+BEARTYPE: "UMTS","CS_PS"', "OK"],
    "AT+CPMS=?": ['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', "OK"],
    "AT+CVHU=0": ["+CVHU: (0-1)", "OK"],
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CNMI=2,1,0,2": ["OK"],
    "AT+CLIP=1": ["OK"],
    "AT+CMGR=1": ["+CMGR: ,,27", "0297F1061C0F910B487228297020F5317062419272803170624192138000", "OK"],
}
ALIASES = {"AT+CNMI=2,1,0,2,0": "AT+CNMI=2,1,0,2"}
PREFIXES = {
    "AT+CMGS=": ['+ZDONR: "METEOR",272,3,"CS_ONLY","ROAM_OFF"', '+ZPASR: "UMTS"', "> "],
}
SEND_RESULT = [
    '+ZDONR: "METEOR",272,3,"CS_ONLY","ROAM_OFF"',
    '+ZPASR: "UMTS"',
    '+ZDONR: "METEOR",272,3,"CS_PS","ROAM_OFF"',
    '+ZPASR: "UMTS"',
    "+CMGS: 142",
    "OK",
]
