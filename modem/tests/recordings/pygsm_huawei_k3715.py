"""Huawei K3715 (Vodafone-branded 3G stick), as python-gsmmodem's test profile records it.

Source: faucamp/python-gsmmodem, test/fakemodems.py, class HuaweiK3715
(commit 068c6b413237a5e9fc53bbdd6b7de2e99046ffb6), and the incoming-call lines of
getIncomingCallNotification. The IMEI/IMSI are the profile's own mask (all ones).
Verbatim: every listed answer. Adapted: none; AT+CMEE=1, AT+CMGF=0, AT+CNMI=2,1,0,2 and
AT+CLIP=1 are answered OK because the library's connect() sends them to this device and its
profile answers OK; the five-parameter AT+CNMI our driver sends stands for the recorded
four-parameter one (<bfr> 0 is the default value, TS 27.005 3.4.1).
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py HuaweiK3715"
DEVICE = "Huawei K3715"

ANSWERS = {
    "AT+CGMI": ["huawei", "OK"],
    "AT+CGMM": ["K3715", "OK"],
    "AT+CGMR": ["11.104.05.00.00", "OK"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+CPMS=?": ['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', "OK"],
    "AT+WIND?": ["ERROR"],
    "AT+ZPAS?": ["ERROR"],
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CNMI=2,1,0,2": ["OK"],
    "AT+CLIP=1": ["OK"],
}
ALIASES = {"AT+CNMI=2,1,0,2,0": "AT+CNMI=2,1,0,2"}

# getIncomingCallNotification(callerNumber="+27821231234", ton=145)
INCOMING_CALL = ["+CRING: VOICE", '+CLIP: "+27821231234",145,,,,0']
