"""The simulated modem's device commands: identification, SIM and PIN, network, calls, and
Huawei's periodic status lines. A mixin of `AtInterpreter`, shaped by the profile."""

from __future__ import annotations

from simulators.profiles import STATE_CME
from simulators.settings import OPERATORS, AtError

UNBLOCKING = ("SIM PUK", "SIM PUK2", "PH-FSIM PUK", "PH-NET PUK", "PH-NETSUB PUK", "PH-SP PUK", "PH-CORP PUK")
SERVICE_STATES = ("READY", "SIM PIN2", "SIM PUK2")  # the SIM serves; PIN2 only guards the FDN list


class DeviceCommands:
    # General commands -------------------------------------------------------------------------
    def at_cmee(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMEE: {self.cmee}"]
        if kind == "test":
            return ["+CMEE: (0-2)"]
        self.cmee = self._int(args, 0, range(3), default=0)
        return []

    def hw_curc(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"^CURC: {self.curc}"]
        if kind == "set":
            self.curc = self._int(args, 0, range(2))
        return []

    def at_cfun(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CFUN: {self.cfun}"]
        if kind == "test":
            return ["+CFUN: (0,1,4),(0-1)"]
        if kind == "set":
            self.cfun = self._int(args, 0, range(5))
            self._flush_network()
        return []

    def _identification(self, kind: str, lines: tuple[str, ...]) -> list[str]:
        if self.settings.identification_unsupported:
            raise AtError("ERROR")
        return self._identity(lines) if kind == "exec" else []

    def at_cgmi(self, kind: str, args: list[str]) -> list[str]:
        return self._identification(kind, self.profile.cgmi)

    def at_cgmm(self, kind: str, args: list[str]) -> list[str]:
        return self._identification(kind, self.profile.cgmm)

    def at_cgmr(self, kind: str, args: list[str]) -> list[str]:
        return self._identification(kind, self.profile.cgmr)

    def at_cgsn(self, kind: str, args: list[str]) -> list[str]:
        return self._identity(self.profile.cgsn) if kind == "exec" else []

    at_gmi, at_gmm, at_gmr, at_gsn = at_cgmi, at_cgmm, at_cgmr, at_cgsn

    def at_gcap(self, kind: str, args: list[str]) -> list[str]:
        return ["+GCAP: +CGSM,+DS,+ES"]

    def at_cimi(self, kind: str, args: list[str]) -> list[str]:
        if kind != "exec":
            return []
        self._need_sim()
        return [self.settings.imsi_or_default]

    def at_cpin(self, kind: str, args: list[str]) -> list[str]:
        state = self.sim_state()
        if state == "MISSING":
            raise self._cme(10)
        if state == "BUSY":
            raise self._cme(self.profile.busy_code)
        if kind == "read":
            line = f'+CPIN: "{state}"' if self.profile.cpin_quoted else f"+CPIN: {state}"
            if not self.profile.cpin_ok:
                raise AtError(line)  # the +CPIN line is the whole answer: no OK follows
            return [line]
        if kind != "set" or not args or not args[0]:
            return []
        if state == "READY":
            raise self._cme(3)  # no PIN was asked for
        if state in UNBLOCKING:
            return self._unblock(state, args)
        pin = self.settings.pin or "1234"
        if args[0] != pin:
            self._pin_attempts -= 1  # three wrong PINs block the SIM (SIM PUK)
            raise self._cme(16)
        self._pin_entered = self._override_cleared = True
        self._flush_network()
        return []

    def _unblock(self, state: str, args: list[str]) -> list[str]:
        if len(args) < 2 or not args[1]:
            raise self._cme(STATE_CME.get(state, 12))  # a PUK state wants <puk>,<new pin>
        if args[0] != self.settings.puk:
            raise self._cme(16)
        self.settings.pin = args[1] if state == "SIM PUK" else self.settings.pin
        self._pin_entered = self._override_cleared = True
        self._pin_attempts = 3
        self._flush_network()
        return []

    def at_csq(self, kind: str, args: list[str]) -> list[str]:
        if kind == "test":
            return ["+CSQ: (0-31,99),(0-7,99)"]
        rssi = self.settings.rssi if self.sim_state() != "MISSING" and self.cfun == 1 else 99
        return [f"+CSQ: {rssi},99"]

    def _registration(self) -> int:
        if self.registered():
            return 1
        return 2 if self.sim_state() in SERVICE_STATES and self.cfun == 1 else 0  # 2: searching

    def at_creg(self, kind: str, args: list[str]) -> list[str]:
        if kind == "set":
            self.creg = self._int(args, 0, range(3), default=0)
            return []
        if kind == "test":
            return ["+CREG: (0-2)"]
        if kind == "read":
            cell = ',"0F5A","1B3C"' if self.creg == 2 and self.registered() else ""
            return [f"+CREG: {self.creg},{self._registration()}{cell}"]
        return []

    def at_cgreg(self, kind: str, args: list[str]) -> list[str]:
        return [f"+CGREG: 0,{self._registration()}"] if kind == "read" else []

    def at_cops(self, kind: str, args: list[str]) -> list[str]:
        s = self.settings
        if kind == "read":
            if not self.registered():
                return ["+COPS: 0"]
            name = s.operator_numeric if self.cops_format == 2 else s.operator
            return [f'+COPS: 0,{self.cops_format},"{name}",2']
        if kind == "test":
            found = [f'({2 if n == s.operator else 1},"{n}","{n}","{c}",2)' for n, c in OPERATORS.items()]
            return [f"+COPS: {','.join(found)},,(0,1,2,3,4),(0,1,2)"]
        if kind == "set" and args and args[0] == "3":
            self.cops_format = self._int(args, 1, range(3), default=0)
        return []

    def at_cscs(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f'+CSCS: "{self.cscs}"']
        if kind == "test":
            return ['+CSCS: ("IRA","GSM","UCS2")']
        if kind == "set":
            charset = (args[0] if args else "").upper()
            if charset not in ("IRA", "GSM", "UCS2", "8859-1"):
                raise self._cme(4)
            self.cscs = charset
        return []

    # Calls ------------------------------------------------------------------------------------
    def at_clip(self, kind: str, args: list[str]) -> list[str]:
        if not self.profile.voice:
            raise self._unsupported()
        if kind == "read":
            return [f"+CLIP: {self.clip},1"]
        if kind == "set":
            self.clip = self._int(args, 0, range(2))
        return []

    def at_crc(self, kind: str, args: list[str]) -> list[str]:
        if not self.profile.voice:
            raise self._unsupported()
        if kind == "read":
            return [f"+CRC: {self.crc}"]
        if kind == "set":
            self.crc = self._int(args, 0, range(2))
        return []

    def at_chup(self, kind: str, args: list[str]) -> list[str]:
        self._call += 1
        return []

    def ring(self, number: str, times: int = 2, interval: float | None = None) -> None:
        """An incoming call: RING (+CRING: VOICE after AT+CRC=1) and +CLIP when AT+CLIP=1,
        `times` times, until ATH. A data-only module never announces calls."""
        if not self.profile.voice:
            return
        call = self._call
        gap = self.settings.delay(interval if interval is not None else self.settings.ring_interval, 2.0)
        clip = self.profile.clip.format(number=number, type=145 if number.startswith("+") else 129)

        def once() -> None:
            if call != self._call or not self.registered():
                return
            self._say("+CRING: VOICE" if self.crc else "RING")
            if self.clip:
                self._say(clip)

        once()
        for repeat in range(1, times):
            self.schedule(gap * repeat, once)

    # Huawei's periodic status lines --------------------------------------------------------------
    def _start_periodic(self) -> None:
        self._periodic += 1
        interval, generation = self.settings.curc_interval, self._periodic
        if not interval or not self.profile.rssi_urc or not self.powered:
            return

        def tick() -> None:
            if generation != self._periodic or not self.powered:
                return
            if self.curc:
                self._say(self.profile.rssi_urc.format(rssi=self.settings.rssi))
            self.schedule(interval, tick)

        self.schedule(interval, tick)
