"""Huawei E1752 (Cell C, South Africa), as python-gsmmodem's test profile records it.

Source: faucamp/python-gsmmodem, test/fakemodems.py, class HuaweiE1752
(commit 068c6b413237a5e9fc53bbdd6b7de2e99046ffb6). The profile notes that this modem answers
"COMMAND NOT SUPPORT" instead of ERROR, and that it starts in ^USSDMODE=1, where AT+CUSD=1
answers ERROR until AT^USSDMODE=0 is given (getResponse); test_sendUssd_differentModems gives
its USSD answer: '+CUSD: 2,"Testing 123",15' then OK.
Verbatim: the listed answers. Adapted: AT+CMEE=1, AT+CMGF=0, AT+CNMI=2,1,0,2 and AT+CLIP=1
answered OK (the library's connect() sends them; the profile answers OK); the packed USSD
request is answered like the text one (the profile refuses every AT+CUSD=1 in ^USSDMODE=1).
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py HuaweiE1752"
DEVICE = "Huawei E1752"

ANSWERS = {
    "AT+CGMI": ["huawei", "OK"],
    "AT+CGMM": ["E1752", "OK"],
    "AT+CGMR": ["11.126.13.00.00", "OK"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+CPMS=?": ['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', "OK"],
    "AT+WIND?": ["COMMAND NOT SUPPORT"],
    "AT+WIND=50": ["COMMAND NOT SUPPORT"],
    "AT+ZPAS?": ["COMMAND NOT SUPPORT"],
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CNMI=2,1,0,2": ["OK"],
    "AT+CLIP=1": ["OK"],
    "AT^USSDMODE=0": ["OK"],
}
ALIASES = {"AT+CNMI=2,1,0,2,0": "AT+CNMI=2,1,0,2"}
# In ^USSDMODE=1 (the default) every AT+CUSD=1 is refused; after AT^USSDMODE=0 the text request works.
USSD_REFUSED = ["ERROR"]
USSD_ANSWER = ["OK", '+CUSD: 2,"Testing 123",15']
