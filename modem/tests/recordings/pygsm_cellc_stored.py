"""Messages stored on a Cell C (South Africa) SIM, and its delivery reports, from python-gsmmodem's tests.

Source: faucamp/python-gsmmodem, test/test_modem.py (commit
ff3682529fa69e55e253417927c28ce2e8304e73):
- TestStoredSms.initFakeModemResponses: the PDU-mode +CMGL/+CMGR answers and expectedMessages
  (sender, status, text, time with SimpleOffsetTzInfo(2), i.e. +02:00);
- test_listStoredSms_pdu: "an invalid line is added between PDU data (line should be ignored)";
- TestSmsStatusReports.test_receiveStatusReportPduMode: the Cell C report ('+CMGR: 0,,24'),
  reference 183, recipient 0829200000, sent 2013-07-17 15:58:09+02, done 15:58:14+02, delivered;
- test_receiveStatusReportTextMode: a text-mode report read after +CDSI: "SR",57
  ('+CMGR: ,6,20,"0870000000",129,...'), reference 20, sent 2013-04-29 19:58:00+01,
  done 19:59:00+01, delivered.
Verbatim: all lines. The device is python-gsmmodem's generic profile; the PDUs are real
messages (a SIM in South Africa: "Hello raspberry pi", Cell C and Standard Bank notices).
"""

from datetime import datetime, timedelta, timezone

SOURCE = "faucamp/python-gsmmodem test/test_modem.py TestStoredSms, TestSmsStatusReports"
DEVICE = "python-gsmmodem generic profile, Cell C SIM"

SAST = timezone(timedelta(hours=2))
PDU_UNREAD = "07917248014000F3240B917247587706F400003110824115248012C8329BFD06C9C373B8B82C97E741F034"
PDU_CELLC = (
    "07917248010080F020109172480010359099990000312070101344809FCEF21D14769341E8B2BC0CA2BF41737A381F0211DFEE131DA4"
    "AECFE92079798C0ECBCF65D0B40A0D0E9141E9B1080ABBC9A073990ECABFEB7290BC3C4687E5E73219144ECBE9E976796594168BA061"
    "99CD1E82E86FD0B0CC660F41EDB47B0E3281A6CDE97C659497CB2072981E06D1DFA0FABC0C0ABBF3F474BBEC02514D4350180E67E75D"
    "A06199CD060D01"
)
PDU_BANK = (
    "07917248010080F0240B917248001064F30000312070604220809F537AD84D0ECBC92061D8BDD681B2EFBA1C141E8FDF75377D0E0ACBCB"
    "20F71BC47EBBCF6539C8981C0641E3771BCE4E87DD741708CA2E87E76590589E769F414922C80482CBDF6F33E86D06C9CBF334B9EC1E97"
    "41F43728ECCE83C4F2B07B8C06D1DF2079393CA6A7ED617A19947FD7E5A0F078FCAEBBE97317285A2FCBD3E5F90F04C3D96030D88C2693"
    "B900"
)

ANSWERS = {
    "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CMEE=1": ["OK"],
    "AT+CMGF=0": ["OK"],
    "AT+CPMS=?": ['+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")', "OK"],
    "AT+CNMI=2,1,0,2,0": ["OK"],
    "AT+CLIP=1": ["OK"],
    "AT+CMGL=4": ["+CMGL: 0,0,,35", PDU_UNREAD, "+CMGL: 1,1,,161", PDU_CELLC, "+CMGL: 2,1,,159", PDU_BANK, "OK"],
    "AT+CMGR=0": ["+CMGR: 0,,35", PDU_UNREAD, "OK"],
    "AT+CMGR=3": ["+CMGR: 0,,24", "07917248014000F506B70AA18092020000317071518590803170715185418000", "OK"],
    "AT+CMGR=57": [
        '+CMGR: ,6,20,"0870000000",129,"13/04/29,19:58:00+04","13/04/29,19:59:00+04",0',
        "OK",
    ],
}
# test_listStoredSms_pdu inserts this line after the first header.
GARBAGE = "AFSDLF SDKFJSKDLFJLKSDJF SJDLKFSKLDJFKSDFS"

EXPECTED = [
    # index, status, sender, time, text
    (0, 0, "+27748577604", datetime(2013, 1, 28, 14, 51, 42, tzinfo=SAST), "Hello raspberry pi"),
    (
        1,
        1,
        "+2784000153099999",
        datetime(2013, 2, 7, 1, 31, 44, tzinfo=SAST),
        "New and here to stay! Don't just recharge SUPACHARGE and get your recharged airtime+FREE CellC to "
        "CellC mins & SMSs+Free data to use anytime. T&C apply. Cell C",
    ),
    (
        2,
        1,
        "+27840001463",
        datetime(2013, 2, 7, 6, 24, 2, tzinfo=SAST),
        "Standard Bank: Your accounts are no longer FICA compliant. Please bring ID & proof of residence to any "
        "branch to reactivate your accounts. Queries? 0860003422.",
    ),
]
