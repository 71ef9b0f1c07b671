"""The stick's status endpoints (device/, monitoring/, net/), USSD and reboot. A mixin of
`firmware.Firmware`, which owns the settings, the clock and the timers.

USSD as the web UI does it: POST ussd/send answers OK at once; ussd/status says <result>1</result>
while the network is working on it and 0 once done; ussd/get then has the answer's <content>,
or 111019 when the network gave none (unknown code, no service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.hilink import settings as codes
from simulators.hilink.wire import FirmwareError

if TYPE_CHECKING:
    from simulators.hilink.firmware import Call

NETWORK_TYPE_LTE, NETWORK_TYPE_EX_LTE = 19, 101  # <CurrentNetworkType>, <CurrentNetworkTypeEx>
CONNECTED, DISCONNECTED = 901, 902  # <ConnectionStatus>
RAT_LTE = 7


def signal_icon(rsrp: int | None) -> int:
    """The web UI's bars (0-5) from the LTE RSRP."""
    if rsrp is None:
        return 0
    return 1 + sum(rsrp >= floor for floor in (-115, -105, -95, -85))


class DeviceEndpoints:
    def _init_device(self) -> None:
        self._ussd_pending = False
        self._ussd_answer: str | None = None
        self._ussd_round = 0  # bumped by release and power-off: a late answer is dropped

    def _end_ussd(self) -> None:
        """The USSD session with the network ends (release, power-off): a late answer is dropped."""
        self._ussd_pending, self._ussd_answer = False, None
        self._ussd_round += 1

    def _on_air(self) -> bool:
        return self.settings.registered and self.settings.rsrp is not None

    # Status ----------------------------------------------------------------------------------
    def api_information(self, call: Call) -> dict[str, Any]:
        s = self.settings
        return {
            "DeviceName": s.device_name,
            "SerialNumber": s.serial_number,
            "Imei": s.imei,
            "Imsi": s.imsi_or_default,
            "Iccid": s.iccid,
            "Msisdn": "",
            "HardwareVersion": s.hardware_version,
            "SoftwareVersion": s.software_version,
            "WebUIVersion": s.webui_version,
            "MacAddress1": "00:1E:10:1F:00:00",
            "MacAddress2": "",
            "WanIPAddress": "10.64.12.34" if self._on_air() else "",
            "wan_dns_address": "",
            "WanIPv6Address": "",
            "wan_ipv6_dns_address": "",
            "ProductFamily": "LTE",
            "Classify": "hilink",
            "supportmode": "LTE|WCDMA|GSM",
            "workmode": "LTE" if self._on_air() else "NO SERVICE",
            "submask": "",
            "Mccmnc": s.plmn[1],
            "iniversion": f"{s.device_name}-CUST 10.0.3.2(C1217)",
            "uptime": int(self.clock() - self._powered_at),
            "ImeiSvn": "05",
            "spreadname_en": "HUAWEI 4G Dongle",
            "spreadname_zh": "",
        }

    def api_signal(self, call: Call) -> dict[str, Any]:
        s, on_air = self.settings, self._on_air()

        def value(text: str) -> str:
            return text if on_air else ""

        # An LTE band 2 (1900 MHz) cell, as Bolivian operators use.
        return {
            "pci": value("273"),
            "sc": "",
            "cell_id": value("20512771"),
            "rsrq": value(f"{s.rsrq}.0dB"),
            "rsrp": value(f"{s.rsrp}dBm"),
            "rssi": value(f"{s.rssi}dBm"),
            "sinr": value(f"{s.sinr}dB"),
            "rscp": "",
            "ecio": "",
            "mode": RAT_LTE if on_air else 0,
            "ulbandwidth": value("15MHz"),
            "dlbandwidth": value("15MHz"),
            "txpower": value("PPusch:7dBm PPucch:-2dBm PSrs:0dBm PPrach:0dBm"),
            "tdd": "",
            "ul_mcs": value("mcsUpCarrier1:20"),
            "dl_mcs": value("mcsDownCarrier1Code0:15 mcsDownCarrier1Code1:15"),
            "earfcn": value("DL:900 UL:18900"),
            "rrc_status": value("1"),
            "rac": "",
            "lac": "",
            "tac": value("1101"),
            "band": value("2"),
            "nei_cellid": "",
            "plmn": value(s.plmn[1]),
            "ims": 0,
            "lteulfreq": value("18800"),
            "ltedlfreq": value("19600"),
            "transmode": value("TM[2]"),
            "enodeb_id": value("0080128"),
            "cqi0": value("11"),
            "cqi1": value("9"),
            "ulfrequency": value("1880000kHz"),
            "dlfrequency": value("1960000kHz"),
        }

    def api_status(self, call: Call) -> dict[str, Any]:
        on_air = self._on_air()
        return {
            "ConnectionStatus": CONNECTED if on_air else DISCONNECTED,
            "WifiConnectionStatus": "",
            "SignalStrength": "",
            "SignalIcon": signal_icon(self.settings.rsrp) if on_air else 0,
            "CurrentNetworkType": NETWORK_TYPE_LTE if on_air else 0,
            "CurrentServiceDomain": 3 if on_air else 0,
            "RoamingStatus": 0,
            "BatteryStatus": "",
            "BatteryLevel": "",
            "BatteryPercent": "",
            "simlockStatus": 0,
            "PrimaryDns": "",
            "SecondaryDns": "",
            "wififrequence": 0,
            "flymode": 0,
            "PrimaryIPv6Dns": "",
            "SecondaryIPv6Dns": "",
            "CurrentWifiUser": "",
            "TotalWifiUser": "",
            "currenttotalwifiuser": 0,
            "ServiceStatus": 2 if on_air else 1,
            "SimStatus": 1,
            "WifiStatus": "",
            "CurrentNetworkTypeEx": NETWORK_TYPE_EX_LTE if on_air else 0,
            "maxsignal": 5,
            "wifiindooronly": 0,
            "classify": "hilink",
            "usbup": 0,
            "wifiswitchstatus": 0,
            "WifiStatusExCustom": 0,
            "hvdcp_online": 0,
        }

    def api_current_plmn(self, call: Call) -> dict[str, Any]:
        if not self._on_air():
            return {"State": 1, "FullName": "", "ShortName": "", "Numeric": "", "Rat": "", "Spn": ""}
        name, numeric = self.settings.plmn
        return {"State": 0, "FullName": name, "ShortName": name, "Numeric": numeric, "Rat": RAT_LTE, "Spn": ""}

    def api_control(self, call: Call) -> str:
        """Control=1 reboots: OK first, then the stick is gone for `reboot_seconds`."""
        if str(call.request.get("Control")) != "1":
            raise FirmwareError(codes.NOT_SUPPORTED)
        call.reboot = True
        return "OK"

    # USSD ------------------------------------------------------------------------------------
    def api_ussd_send(self, call: Call) -> str:
        code = str(call.request.get("content") or "").strip()
        if not code:
            raise FirmwareError(codes.FORMAT_ERROR)
        if self._ussd_pending:
            raise FirmwareError(codes.USSD_IN_SESSION)
        self._ussd_pending, self._ussd_answer = True, None
        round_ = self._ussd_round
        reply = self.settings.ussd_replies.get(code) if self._on_air() else None

        def answer() -> None:
            if round_ == self._ussd_round:
                self._ussd_pending, self._ussd_answer = False, reply

        self.schedule(self.settings.delay(self.settings.ussd_delay, 0.5), answer)
        return "OK"

    def api_ussd_status(self, call: Call) -> dict[str, Any]:
        return {"result": 1 if self._ussd_pending else 0}

    def api_ussd_get(self, call: Call) -> dict[str, Any]:
        if self._ussd_pending or self._ussd_answer is None:
            raise FirmwareError(codes.USSD_NO_ANSWER)
        return {"content": self._ussd_answer}

    def api_ussd_release(self, call: Call) -> str:
        self._end_ussd()
        return "OK"
