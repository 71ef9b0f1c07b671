"""Wavecom Multiband 900E 1800 (old serial GSM modem), as python-gsmmodem's profile records it.

Source: faucamp/python-gsmmodem, test/fakemodems.py, class WavecomMultiband900E1800
(commit 068c6b413237a5e9fc53bbdd6b7de2e99046ffb6): identification with a leading space and
double spaces, AT+CGMR refused, "+CPIN: READY" WITHOUT the final OK (reported by a user, see
the class docstring), a nested +CPMS=? answer, +WIND call notices and +CRING/+CLIP.
Verbatim: the listed answers. Adapted: AT+CMEE=1, AT+CMGF=0 and AT+CLIP=1 answered OK (the
library's connect() sends them; the profile answers OK); the five-parameter AT+CNMI stands for
the recorded four-parameter one (<bfr> 0 is the default value).
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py WavecomMultiband900E1800"
DEVICE = "Wavecom Multiband 900E 1800"

ANSWERS = {
    "AT+CGMI": [" WAVECOM MODEM", "OK"],
    "AT+CGMM": [" MULTIBAND  900E  1800", "OK"],
    "AT+CGMR": ["ERROR"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+CLAC": ["ERROR"],
    "AT+WIND?": ["+WIND: 0", "OK"],
    "AT+WIND=50": ["OK"],
    "AT+ZPAS?": ["ERROR"],
    'AT+CPMS="SM","SM","SR"': ["ERROR"],
    "AT+CPMS=?": ['+CPMS: (("SM","BM","SR"),("SM"))', "OK"],
    'AT+CPMS="SM","SM"': ["+CPMS: 14,50,14,50", "OK"],
    "AT+CNMI=2,1,0,2": ["OK"],
    "AT+CVHU=0": ["ERROR"],
    "AT+CPIN?": ["+CPIN: READY"],  # note: no OK
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CLIP=1": ["OK"],
}
ALIASES = {"AT+CNMI=2,1,0,2,0": "AT+CNMI=2,1,0,2"}

# pinLock = True: "+CPIN: SIM PIN" without OK
LOCKED_CPIN = ["+CPIN: SIM PIN"]
# getCallInitNotification / getRemoteHangupNotification / getIncomingCallNotification
CALL_NOTICES = ["+WIND: 5,1", "+WIND: 2", "NO CARRIER", "+WIND: 6,1"]
INCOMING_CALL = ["+CRING: VOICE", '+CLIP: "+27821231234",145']
