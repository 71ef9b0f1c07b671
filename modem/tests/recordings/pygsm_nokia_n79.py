"""Nokia N79 (Symbian S60 phone as a modem; also the N95 of python-gsmmodem issue #15).

Source: faucamp/python-gsmmodem, test/fakemodems.py, class NokiaN79
(commit 068c6b413237a5e9fc53bbdd6b7de2e99046ffb6): "SMS reading is not supported on these
devices via AT commands; thus commands like AT+CNMI are not supported"; a five-line AT+CGMR;
+CPMS answers with empty storage lists.
Verbatim: the listed answers. Adapted: AT+CMEE=1, AT+CMGF=0 and AT+CLIP=1 answered OK (the
library's connect() sends them and the profile, a GenericTestModem, answers OK); every AT+CNMI
is refused, as the profile refuses AT+CNMI=? and AT+CNMI=2,1,0,2.
"""

SOURCE = "faucamp/python-gsmmodem test/fakemodems.py NokiaN79"
DEVICE = "Nokia N79"

ANSWERS = {
    "AT+CGMI": ["Nokia", "OK"],
    "AT+CGMM": ["Nokia N79", "OK"],
    "AT+CGMR": ["V ICPR72_08w44.1", "24-11-08", "RM-348", "(c) Nokia", "11.049", "OK"],
    "AT+CIMI": ["111111111111111", "OK"],
    "AT+CGSN": ["111111111111111", "OK"],
    "AT+CNMI=?": ["ERROR"],
    "AT+CLAC=?": ["ERROR"],
    "AT+CLAC": ["ERROR"],
    'AT+CPMS="SM","SM","SR"': ["ERROR"],
    "AT+CPMS=?": ["+CPMS: (),(),()", "OK"],
    "AT+CPMS?": ["+CPMS: ,,,,,,,,", "OK"],
    "AT+CPMS=,,": ["ERROR"],
    'AT+CPMS="SM","SM"': ["ERROR"],
    "AT+CSMP?": ["+CSMP: 49,167,0,0", "OK"],
    "AT+GCAP": ["+GCAP: +CGSM,+DS,+W", "OK"],
    "AT+CVHU=0": ["OK"],
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CLIP=1": ["OK"],
}
PREFIXES = {"AT+CNMI=": ["ERROR"]}
