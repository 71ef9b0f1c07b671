"""D-Link DWM-157 (MediaTek): +PSBEARER notices before the echo and the answer.

Source: https://github.com/gammu/gammu/pull/543 "Fixed D-Link dwm-157 +PSBEARER unknown answer":
the hex dump of the answer to AT+CMGF=0 reads
"+PSBEARER: 24, 0\\r\\n\\r\\n+PSBEARER: 24, 0\\r\\n\\r\\n+PSBEARER: 24, 0\\r\\nAT+CMGF=0\\r\\r\\nOK\\r\\n".
Verbatim: that answer (the echo in it is the modem's; the port adds none for this command).
Adapted: other commands are answered as any modem does (OK to the set-up commands), since the
point is the notices.
"""

SOURCE = "https://github.com/gammu/gammu/pull/543"
DEVICE = "D-Link DWM-157"

CMGF_ANSWER = "+PSBEARER: 24, 0\r\n\r\n+PSBEARER: 24, 0\r\n\r\n+PSBEARER: 24, 0\r\nAT+CMGF=0\r\r\nOK\r\n"
