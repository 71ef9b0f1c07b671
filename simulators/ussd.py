"""USSD (AT+CUSD) as each family answers it. A mixin of `AtInterpreter`.

The network's answer comes as an unsolicited +CUSD after the OK (or before it, with
`ussd_before_ok`), in the profile's style (or `Settings.ussd_style`):
- "text": +CUSD: 0,"Su saldo...",15, line breaks inside the quotes (most modules);
- "unquoted": +CUSD: 0,Su saldo...,15 (some firmwares);
- "ucs2": UCS-2 hex with DCS 72 (ZTE and many Huawei firmwares);
- "ucs2_lang": DCS 17, UCS-2 preceded by a packed two-letter language (TS 23.038 5);
- "gsm7": packed GSM-7 hex both ways, Huawei's "transparent" mode (AT^USSDMODE=1): the request
  must be packed too ("*100#" is "AA180C3602"); a plain request reaches the network as garbage
  and gets the answer to an unknown code.
A menu (`ussd_menus`) answers +CUSD: 1 and keeps the session: the next AT+CUSD=1,"<choice>"
is looked up as "<code>><choice>"; AT+CUSD=2 ends it.
"""

from __future__ import annotations

import math

from modem.at import charset
from simulators.settings import AtError

LANGUAGE = "es"  # what a Bolivian network puts before a DCS 17 answer
CR = 0x0D


def pack_gsm7(text: str) -> str:
    """Packed GSM-7 (TS 23.038 6.1.2.3), as hex; 7 spare bits at the end hold a CR, not an @."""
    septets = [unit for char in text for unit in (charset.GSM7.septets(char) or (0x3F,))]
    if len(septets) % 8 == 7:
        septets.append(CR)
    bits = 0
    for position, septet in enumerate(septets):
        bits |= septet << (7 * position)
    return bits.to_bytes(math.ceil(7 * len(septets) / 8), "little").hex().upper()


def unpack_gsm7(hex_text: str) -> str | None:
    """The text of packed GSM-7 hex; None if it is not hex at all."""
    try:
        data = bytes.fromhex(hex_text)
    except ValueError:
        return None
    count = len(data) * 8 // 7
    bits = int.from_bytes(data, "little")
    septets = [(bits >> (7 * position)) & 0x7F for position in range(count)]
    if count % 8 == 0 and septets and septets[-1] in (0, CR):
        septets.pop()  # the filler of the last octet
    return charset.GSM7.decode(septets)


def ucs2_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def lang_ucs2_hex(text: str, language: str = LANGUAGE) -> str:
    first, second = (charset.GSM7.septets(char)[0] for char in language)
    return (first | second << 7).to_bytes(2, "little").hex().upper() + ucs2_hex(text)


class UssdCommands:
    def _ussd_style(self) -> str:
        style = self.settings.ussd_style or self.profile.ussd_style
        if self.profile.ussd_mode_command:
            return "gsm7" if self.ussd_mode else ("text" if style == "gsm7" else style)
        return style

    def hw_ussdmode(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"^USSDMODE: {self.ussd_mode}"]
        if kind == "test":
            return ["^USSDMODE: (0-1)"]
        if kind == "set":
            self.ussd_mode = self._int(args, 0, range(2))
        return []

    def at_cusd(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CUSD: {self.cusd}"]
        if kind == "test":
            return ["+CUSD: (0-2)"]
        if kind != "set":
            return []
        mode = self._int(args, 0, range(3), default=0)
        if mode == 2:
            self._ussd_session = None  # cancel the session
            return []
        self.cusd = mode
        if len(args) < 2:
            return []  # only switch the result codes
        self._need_sim()
        if not self.registered():
            raise self._cme(30)
        lines = self._ussd_answer(self._ussd_request(args[1]))
        if self.settings.ussd_before_ok:
            if lines[-1].startswith("+CME ERROR"):
                raise AtError(lines[-1])
            return lines

        def answer() -> None:
            for line in lines:
                self._say(line)

        self.schedule(self.settings.delay(self.settings.ussd_delay, 0.5), answer)
        return []

    def _ussd_request(self, raw: str) -> str | None:
        """The code the network receives; None when it cannot make sense of it."""
        if self._ussd_style() == "gsm7":
            return unpack_gsm7(raw)
        if self.cscs == "UCS2":
            try:
                return bytes.fromhex(raw).decode("utf-16-be")
            except ValueError:
                return None
        return raw

    def _ussd_answer(self, code: str | None) -> list[str]:
        s = self.settings
        lines = [f"+CUSD: {s.ussd_notice_first}"] if s.ussd_notice_first is not None else []
        session, self._ussd_session = self._ussd_session, None
        key = f"{session}>{code}" if session and code and code[0] not in "*#" else code
        if key in s.ussd_menus:
            self._ussd_session = key
            return [*lines, self._cusd_line(1, s.ussd_menus[key])]
        if key in s.ussd_replies:
            return [*lines, self._cusd_line(0, s.ussd_replies[key])]
        return [*lines, s.ussd_refusal or self.profile.ussd_refusal]

    def _cusd_line(self, status: int, text: str) -> str:
        style = self._ussd_style()
        if style == "gsm7":
            return f'+CUSD: {status},"{pack_gsm7(text)}",15'
        if style == "ucs2":
            return f'+CUSD: {status},"{ucs2_hex(text)}",72'
        if style == "ucs2_lang":
            return f'+CUSD: {status},"{lang_ucs2_hex(text)}",17'
        shown = ucs2_hex(text) if self.cscs == "UCS2" else text.replace("\n", "\r\n")
        if style == "unquoted":
            return f"+CUSD: {status},{shown},15"
        return f'+CUSD: {status},"{shown}",15'
