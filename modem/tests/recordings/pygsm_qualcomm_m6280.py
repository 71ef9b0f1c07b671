"""Qualcomm M6280 (a ZTE stick), as python-gsmmodem's profile records it.

Source: faucamp/python-gsmmodem, test/fakemodems.py, class QualcommM6280 ("information provided
by davidphiliplee on github"; commit 068c6b413237a5e9fc53bbdd6b7de2e99046ffb6). The profile
answers "+CME ERROR: 14" (SIM busy) to AT+CSCA? a few times after start-up (issue #10).
Verbatim: the listed answers. Adapted: AT+CMEE=1, AT+CMGF=0, AT+CNMI=2,1,0,2 and AT+CLIP=1
answered OK (the library's connect() sends them; the profile answers OK); the five-parameter
AT+CNMI stands for the recorded four-parameter one (<bfr> 0 is the default value).
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py QualcommM6280"
DEVICE = "Qualcomm M6280 (ZTE)"

ANSWERS = {
    "AT+CGMI": ["QUALCOMM INCORPORATED", "OK"],
    "AT+CGMM": ["M6280", "OK"],
    "AT+CGMR": ["M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]", "OK"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+CLAC": ["ERROR"],
    "AT+WIND?": ["ERROR"],
    "AT+ZPAS?": ['+BEARTYPE: "UMTS","CS_PS"', "OK"],
    "AT+CPMS=?": ['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', "OK"],
    "AT+CVHU=0": ["+CVHU: (0-1)", "OK"],
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CNMI=2,1,0,2": ["OK"],
    "AT+CLIP=1": ["OK"],
}
ALIASES = {"AT+CNMI=2,1,0,2,0": "AT+CNMI=2,1,0,2"}
SIM_BUSY = ["+CME ERROR: 14"]
