"""USSD answers from python-gsmmodem's tests (TestUssd), several reported by users.

Source: faucamp/python-gsmmodem, test/test_modem.py (commit
ff3682529fa69e55e253417927c28ce2e8304e73), TestUssd:
- setUp: five sessions (request, answer, expected text, whether the session stays open);
  "#100#" is a real Australian prepaid menu with \\r\\n inside the quoted text;
- test_sendUssdResponseBeforeOk: "+CUSD responses that arrive before the +CUSD command's OK is
  issued (non-standard behaviour) - reported by user";
- test_sendUssdExtraRelease: "Some modems send an extra +CUSD: 2 message when the USSD session is
  released - see issue #14 on github": the real answer follows a "+CUSD: 2,"Initiating Release""
  or a "+CUSD: 3,"Other local client responded"" notice, and is the one the user wants;
- test_sendUssdError: '+CME ERROR: 30' (no network service) as the answer to AT+CUSD=1.
Verbatim: all lines.
"""

SOURCE = "faucamp/python-gsmmodem test/test_modem.py TestUssd"
DEVICE = "python-gsmmodem generic profile (users' modems)"

# (code, answer lines after the request, expected text, session left open by the network)
SESSIONS = [
    ("*101#", ["OK", '+CUSD: 0,"Available Balance: R 96.45 .",15'], "Available Balance: R 96.45 .", False),
    ("*120*500#", ["OK", '+CUSD: 1,"Hallo daar",15'], "Hallo daar", True),
    ("*130*111#", ["OK", '+CUSD: 2,"Totsiens",15'], "Totsiens", False),
    (
        "*111*502#",
        ["OK", '+CUSD: 2,"You have the following remaining balances:\n0 free minutes\n20 MORE Weekend minutes ",15'],
        "You have the following remaining balances:\n0 free minutes\n20 MORE Weekend minutes ",
        False,
    ),
    (
        "#100#",
        [
            "OK",
            '+CUSD: 1,"Bal:$100.00 *\r\nExp 01 Jan 2013\r\n1. Recharge\r\n2. Balance\r\n3. My Offer\r\n4. PlusPacks'
            '\r\n5. Tones&Extras\r\n6. History\r\n7. CredMe2U\r\n8. Hlp\r\n00. Home\r\n*charges can take 48hrs",15',
        ],
        "Bal:$100.00 *\r\nExp 01 Jan 2013\r\n1. Recharge\r\n2. Balance\r\n3. My Offer\r\n4. PlusPacks\r\n"
        "5. Tones&Extras\r\n6. History\r\n7. CredMe2U\r\n8. Hlp\r\n00. Home\r\n*charges can take 48hrs",
        True,
    ),
]

# (code, answer lines, expected text): a notice of release before the real answer (issue #14).
EXTRA_RELEASE = [
    (
        "*100#",
        ['+CUSD: 2,"Initiating Release",15', '+CUSD: 0,"Wrong order test message",15', "OK"],
        "Wrong order test message",
    ),
    (
        "*101#",
        ["OK", '+CUSD: 2,"Initiating Release",15', '+CUSD: 0,"Notifications test",15'],
        "Notifications test",
    ),
    ("*101#", ["OK", '+CUSD: 3,"Other local client responded",15', '+CUSD: 0,"Test2",15'], "Test2"),
]

NO_NETWORK = ["+CME ERROR: 30"]
