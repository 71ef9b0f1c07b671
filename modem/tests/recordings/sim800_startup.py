"""SIMCom SIM800L just powered on: start-up notices, and AT+CMGF refused until "SMS Ready".

Source: https://github.com/Seeed-Studio/GPRS_SIM900/issues/39 "get rid of error from AT+CMGF=1"
(SIM800L): "When calling init() the first time the AT+CMGF=1 command always returns an ERROR.
The second attempt is working. [...] It seems like this command works only after the module put
these lines on the serial: +CPIN: READY / Call Ready / SMS Ready".
Verbatim: the three notices and the ERROR. Adapted: the notices are sent right after that first
ERROR, as the report describes; AT+CMGF=0 (PDU mode) is refused like AT+CMGF=1 was; the other
set-up commands are answered OK.
"""

SOURCE = "https://github.com/Seeed-Studio/GPRS_SIM900/issues/39"
DEVICE = "SIMCom SIM800L"

NOTICES = ["+CPIN: READY", "Call Ready", "SMS Ready"]
FIRST_CMGF = ["ERROR"]
