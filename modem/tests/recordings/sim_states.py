"""SIM states as real modems report them.

- A Huawei stick under asterisk-chan-dongle with a PIN-locked SIM whose operator forbids turning
  the PIN off, https://github.com/bg111/asterisk-chan-dongle/issues/79 (a terminal session):
  "AT+CPIN?" / "+CPIN: SIM PIN" / "" / "OK" / 'AT+CPIN="11111"' / "OK".
- SIMCom SIM800 on a LilyGo T-Call board without a SIM,
  https://github.com/Xinyuan-LilyGO/LilyGo-T-Call-SIM800/issues/33: "AT+CPIN?" answered "ERROR"
  before AT+CMEE, and "+CME ERROR: SIM not inserted" after AT+CMEE=2.
- SIMCom A7670E without a SIM, https://github.com/Xinyuan-LilyGO/T-Internet-COM/issues/24:
  "AT+CIMI" answered "+CME ERROR: SIM not inserted" (verbose errors are its default).
Verbatim: those lines. Adapted: after the PIN, AT+CPIN? answers "+CPIN: READY" (the session did
not ask again; READY is what TS 27.007 gives once the PIN is accepted); with AT+CMEE=1 the SIM800
answers the numeric "+CME ERROR: 10" (TS 27.007 9.2: code 10 is "SIM not inserted").
"""

SOURCE = "bg111/asterisk-chan-dongle#79, Xinyuan-LilyGO/LilyGo-T-Call-SIM800#33, T-Internet-COM#24"
DEVICE = "Huawei (chan_dongle), SIMCom SIM800, SIMCom A7670E"

PIN_LOCKED_CPIN = "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"
PIN = "11111"
NO_SIM_CPIN = {0: ["ERROR"], 1: ["+CME ERROR: 10"], 2: ["+CME ERROR: SIM not inserted"]}
A7670_CIMI = ["+CME ERROR: SIM not inserted"]
