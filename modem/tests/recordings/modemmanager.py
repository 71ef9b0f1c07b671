"""Answers of real modems kept in ModemManager's unit tests.

Source: linux-mobile-broadband/ModemManager, src/tests/test-modem-helpers.c:
- test_parse_cds: "<CR><LF>+CDS: 24<CR><LF>07914356060013F1065A098136395339F6219011700463802190117004638030<CR><LF>"
  (a delivery report delivered straight to the terminal). Independent decode (python-gsmmodem-new
  0.13): reference 90, recipient 639335936, sent and done 2012-09-11 07:40:36+02:00, TP-ST 0x30
  (an SC-specific temporary error: the centre is still trying).
- test_cpms_response_huawei_mu609: '+CPMS: "ME","MT","SM"' (the answer to AT+CPMS=?, without
  parentheses).
- test_cpms_response_nokia_c6: "+CPMS: (),(),()".
Verbatim: those lines.
"""

SOURCE = "linux-mobile-broadband/ModemManager src/tests/test-modem-helpers.c"
DEVICE = "Huawei MU609, Nokia C6, a modem sending +CDS"

CDS = "\r\n+CDS: 24\r\n07914356060013F1065A098136395339F6219011700463802190117004638030\r\n"
MU609_CPMS_TEST = ['+CPMS: "ME","MT","SM"', "OK"]
NOKIA_C6_CPMS_TEST = ["+CPMS: (),(),()", "OK"]
