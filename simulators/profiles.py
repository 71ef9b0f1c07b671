"""The modem families the simulator can be: identity, answer shapes and quirks, as data.

Each `Profile` says how one family answers where families differ; `interpreter.py` reads the
switches and never names a vendor. A comment on each quirk names where it comes from: the
manufacturer's AT manual, or a real session pasted in a public thread (gammu, python-gsmmodem,
chan-dongle, Sierra Wireless forum). Where nobody has shown a family's shape, the profile keeps
the 3GPP TS 27.005/27.007 one.

Format strings may use {manufacturer} {model} {revision} {imei}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STANDARD_ATI = ("Manufacturer: {manufacturer}", "Model: {model}", "Revision: {revision}", "IMEI: {imei}")


@dataclass(frozen=True)
class Profile:
    family: str
    models: str  # the devices this stands for, for --help and the README
    manufacturer: str
    model: str
    revision: str
    # Identification: the lines each command answers (a tuple: some answer several lines).
    cgmi: tuple[str, ...] = ("{manufacturer}",)
    cgmm: tuple[str, ...] = ("{model}",)
    cgmr: tuple[str, ...] = ("{revision}",)
    cgsn: tuple[str, ...] = ("{imei}",)
    ati: dict[int, tuple[str, ...]] = field(default_factory=lambda: {0: STANDARD_ATI})  # ATIn; others as ATI0
    # SIM and start-up.
    cpin_quoted: bool = False  # +CPIN: "SIM PIN" instead of +CPIN: SIM PIN
    cpin_ok: bool = True  # False: +CPIN? ends with the +CPIN line itself, no OK
    busy_code: int = 14  # +CME ERROR while the SIM initialises (14 "SIM busy" in TS 27.007)
    start_seconds: float = 3.0  # how long that lasts after power-on, when latency is realistic
    boot_urcs: tuple[str, ...] = ()  # said at power-on
    ready_urcs: tuple[str, ...] = ()  # said when the SIM and SMS are ready
    boot_urcs_default: bool = True
    # Stored messages.
    first_index: int = 1
    alpha: str = ""  # an empty <alpha> in PDU listings: "" (+CMGL: 1,0,,23) or '""' (+CMGL: 1,0,"",23)
    cmgr_alpha: bool = True  # False: +CMGR: <stat>,<length> (no alpha field at all)
    listing_blank_lines: bool = False  # a blank line after each listed PDU
    empty_read_ok: bool = False  # AT+CMGR of an empty position: OK instead of +CMS ERROR: 321
    memories: tuple[str, ...] = ("SM", "ME", "MT")
    report_memory: str = ""  # "SR": reports stored apart (+CDSI: "SR",n; read after AT+CPMS="SR")
    cnmi: str = "(0-2),(0-3),(0,2),(0-2),(0,1)"  # AT+CNMI=? ; other values are refused
    cnmi_refusal: str = "cms"  # "cms": +CMS ERROR: 303 (ERROR under CMEE 0); "error": plain ERROR
    sms_storage: bool = True  # False: no readable message store (CPMS lists nothing, CMGL/CNMI ERROR)
    # USSD.
    ussd_style: str = "text"  # how answers come: see interpreter USSD section
    ussd_mode_command: bool = False  # AT^USSDMODE switches between text (0) and packed GSM-7 (1)
    ussd_refusal: str = "+CUSD: 4"  # an unknown code, after OK
    # Errors and commands.
    unknown_command: str = ""  # empty: +CME ERROR: 4 (ERROR under CMEE 0); else this line
    too_many_parameters: str = ""  # the answer to a command with extra parameters; empty: CME 50
    caret_commands: bool = False  # Huawei's ^ commands (^CURC, ^USSDMODE)
    transient_errors: tuple[int, ...] = (41, 42)  # +CMS ERROR codes of `transient_error_rate`
    rssi_urc: str = ""  # the periodic signal line `curc_interval` sends
    # Calls.
    voice: bool = True  # False: a data-only module, AT+CLIP/+CRC answer ERROR and calls never show
    clip: str = '+CLIP: "{number}",{type},,,,0'


PROFILES: dict[str, Profile] = {
    # Huawei HSPA sticks. Bare identification and the ATI block (gammu issues #292/#374: AT+CGMI
    # answers "huawei"); ^ notices without a space after the colon (^SRVST:0, ^MODE:5,4 in gammu
    # #126); positions from 0 (gammu F_SMS_LOCATION_0). The default profile: start-up notices off
    # so it stays as quiet as the driver's tests expect; USSD in text unless AT^USSDMODE=1.
    "huawei": Profile(
        family="Huawei",
        models="E173 (also E1552, E3131 in stick mode)",
        manufacturer="huawei",
        model="E173",
        revision="11.126.85.00.209",
        ati={0: (*STANDARD_ATI, "+GCAP: +CGSM,+DS,+ES")},
        start_seconds=0.0,  # the default modem: ready at once, whatever the latency (as before)
        boot_urcs=("^SIMST:1", "^SRVST:2", "^MODE:5,4"),
        boot_urcs_default=False,
        first_index=0,
        ussd_mode_command=True,
        too_many_parameters="TOO MANY PARAMETERS",  # Huawei HSPA module AT interface spec, 1.3
        caret_commands=True,
        rssi_urc="^RSSI:{rssi}",
    ),
    # Older Huawei firmware (E1550/E160/E169): USSD in and out as packed GSM-7 hex (gammu's phone
    # database flags them F_ENCODED_USSD; hsmr.cc "Huawei E173" shows *100# sent as AA180C3602),
    # "COMMAND NOT SUPPORT" for unknown commands (gammu #385), notices from power-on.
    "huawei_e1550": Profile(
        family="Huawei",
        models="E1550, E160, E169 (transparent USSD)",
        manufacturer="huawei",
        model="E1550",
        revision="11.608.12.02.21",
        ati={0: (*STANDARD_ATI, "+GCAP: +CGSM,+DS,+ES")},
        boot_urcs=("^SIMST:1", "^SRVST:2", "^MODE:5,4"),
        first_index=0,
        ussd_style="gsm7",
        ussd_mode_command=True,
        unknown_command="COMMAND NOT SUPPORT",
        too_many_parameters="TOO MANY PARAMETERS",
        caret_commands=True,
        rssi_urc="^RSSI:{rssi}",
    ),
    # ZTE sticks: "COMMAND NOT SUPPORT" for unknown commands, USSD answered in UCS-2 hex with
    # DCS 72 on many firmwares (the case our driver's decode_ussd already handles), +ZUSIMR and
    # +ZPASR notices after power-on.
    "zte": Profile(
        family="ZTE",
        models="MF190, MF667",
        manufacturer="ZTE CORPORATION",
        model="MF190",
        revision="BD_MF190V1.0.0B05",
        ati={0: (*STANDARD_ATI, "+GCAP: +CGSM,+FCLASS,+DS")},
        boot_urcs=("+ZUSIMR:2", '+ZPASR: "UMTS"'),
        first_index=0,
        ussd_style="ucs2",
        unknown_command="COMMAND NOT SUPPORT",
    ),
    # Quectel EC25/EC21 AT Commands Manual: ATI is three bare lines; power-on URCs RDY, +CFUN: 1,
    # +CPIN: READY, +QUSIM: 1, +QIND: SMS DONE, +QIND: PB DONE; +CME ERROR: 14 until the SIM is
    # read; CNMA/CSMS as in its AT+CNMA example (+CMS ERROR: 340 for a second ack).
    "quectel": Profile(
        family="Quectel",
        models="EC25, EC21, UC20, M35",
        manufacturer="Quectel",
        model="EC25",
        revision="EC25EFAR06A02M4G",
        ati={0: ("{manufacturer}", "{model}", "Revision: {revision}")},
        start_seconds=5.0,
        boot_urcs=("RDY", "+CFUN: 1"),
        ready_urcs=("+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"),
        first_index=0,
        cnmi="(0-2),(0-3),(0-2),(0-2),(0,1)",
        transient_errors=(500, 41, 42),
        clip='+CLIP: "{number}",{type},"",0,"",0',
    ),
    # SIMCom SIM800 Series AT Command Manual V1.09: RDY, Call Ready, SMS Ready at power-on; ATI is
    # "SIM800 R14.18"; <alpha> listed as "" (quoted empty) in PDU listings; positions from 1.
    "simcom": Profile(
        family="SIMCom",
        models="SIM800L, SIM800C, SIM900",
        manufacturer="SIMCOM_Ltd",
        model="SIMCOM_SIM800L",
        revision="Revision:1418B04SIM800L24",
        ati={0: ("SIM800 R14.18",)},
        boot_urcs=("RDY", "+CFUN: 1"),
        ready_urcs=("+CPIN: READY", "Call Ready", "SMS Ready"),
        alpha='""',
        transient_errors=(500, 41, 42),
        clip='+CLIP: "{number}",{type},"",0,"",0',
    ),
    # SIMCom's Qualcomm-based modules (SIM7500/SIM7600 Series AT Command Manual; the SIM5320E in
    # gammu #408): +CGMR: prefixed revision, SMS DONE/PB DONE, reports stored in "SR" (+CDSI: "SR",0,
    # then AT+CPMS="SR" to read them).
    "simcom_sim7600": Profile(
        family="SIMCom",
        models="SIM7600E-H, SIM5320E",
        manufacturer="SIMCOM INCORPORATED",
        model="SIMCOM_SIM7600E-H",
        revision="LE20B04SIM7600M22",
        cgmr=("+CGMR: {revision}",),
        ati={0: (*STANDARD_ATI, "+GCAP: +CGSM")},
        boot_urcs=("RDY",),
        ready_urcs=("+CPIN: READY", "SMS DONE", "PB DONE"),
        first_index=0,
        alpha='""',
        memories=("SM", "ME", "SR"),
        report_memory="SR",
        transient_errors=(500, 41, 42),
        clip='+CLIP: "{number}",{type},"",0,"",0',
    ),
    # Telit AT Commands Reference Guide (GL865/HE910/LE910, DE910): PDU listings carry <alpha> as ""
    # ("+CMGL: <index>,<stat>,"",<length>"); ATI3/ATI4 give the revision and the model.
    "telit": Profile(
        family="Telit",
        models="GL865-QUAD, HE910, LE910",
        manufacturer="Telit",
        model="GL865-QUAD",
        revision="10.00.146",
        ati={0: ("{manufacturer}",), 3: ("{revision}",), 4: ("{model}",)},
        alpha='""',
        clip='+CLIP: "{number}",{type},"",128,"",0',
    ),
    # Sierra Wireless MC7304 (Qualcomm MDM9215): the long ATI block with IMEI SV and FSN; a data
    # module without voice, so AT+CLIP answers ERROR and calls are never announced.
    "sierra": Profile(
        family="Sierra Wireless",
        models="MC7304, MC7354 (data-only)",
        manufacturer="Sierra Wireless, Incorporated",
        model="MC7304",
        revision="SWI9X15C_05.05.58.00 r27038 carmd-fwbuild1 2015/03/04 21:30:23",
        ati={0: (*STANDARD_ATI, "IMEI SV: 21", "FSN: J8532500171110", "+GCAP: +CGSM")},
        first_index=0,
        voice=False,
    ),
    # Wavecom (now Sierra) Fastrack Q2303: +CME ERROR: 515 "please wait, init in progress" (Sierra
    # forum "CME Error 536/515"); "+CPIN?" answered without OK (Wavecom GSM modem user manual, 2.3);
    # AT+CGMM " MULTIBAND  900E  1800 " with its spaces (gammu tests/at-model/01.dump); "+CMGR: 0,,20"
    # and a bare OK for an empty position (Sierra forum "Modem hangs with CME ERROR 515" trace);
    # +CMS ERROR: 512/513 (Wavecom's MM establishment / lower layer failure) on a bad radio link.
    "wavecom": Profile(
        family="Sierra Wireless (Wavecom)",
        models="Fastrack Q2303, M1306B",
        manufacturer="WAVECOM MODEM",
        model=" MULTIBAND  900E  1800 ",
        revision="R74_00gg.FSU001 2120164 061907 17:30",
        ati={0: ("{manufacturer}",), 3: ("{revision}",)},
        cpin_ok=False,
        busy_code=515,
        start_seconds=5.0,
        ready_urcs=("+WIND: 4",),
        empty_read_ok=True,
        cnmi="(0-3),(0-3),(0-2),(0-2),(0,1)",
        transient_errors=(512, 513),
        clip='+CLIP: "{number}",{type}',
    ),
    # u-blox SARA-U2/LISA-U AT Commands Manual: ATI answers the type number, ATI9 the modem and
    # application versions.
    "ublox": Profile(
        family="u-blox",
        models="SARA-U260, LISA-U200",
        manufacturer="u-blox",
        model="SARA-U260",
        revision="23.41",
        ati={0: ("{model}-00S-00",), 9: ("{revision},A01.00",)},
    ),
    # Cinterion (Gemalto/Thales): ^SYSSTART at power-on; ATI "Cinterion / model / REVISION x";
    # AT+CNMI=? (0-3),(0,1),(0,2,3),(0,2),(1): no +CMT, no +CDS, only <bfr> 1 (gammu PR #1207, MC75i);
    # reports stored in "SR" (+CDSI: "SR",1 from a BGS5 in gammu #759); an unsupported USSD gets
    # +CME ERROR: 132 after the OK (gammu #689, MC55i).
    "cinterion": Profile(
        family="Cinterion",
        models="EHS6, BGS5, MC55i, MC75i",
        manufacturer="Cinterion",
        model="EHS6",
        revision="REVISION 03.001",
        ati={0: ("{manufacturer}", "{model}", "{revision}")},
        boot_urcs=("^SYSSTART",),
        memories=("ME", "SM", "MT", "SR"),
        report_memory="SR",
        cnmi="(0-3),(0,1),(0,2,3),(0,2),(1)",
        ussd_refusal="+CME ERROR: 132",
    ),
    # A Nokia Series 40 phone on its USB/Bluetooth serial port: AT+CGMM "Nokia 5210"-style model
    # (gammu tests/at-model/02.dump), a multi-line ATI3; phones store reports in "SR" and route
    # only to storage (no +CMT/+CDS: a refused CNMI gets plain ERROR).
    "nokia": Profile(
        family="Nokia (Series 40 phone)",
        models="6230i, 6300, 2730c",
        manufacturer="Nokia",
        model="Nokia 6230i",
        revision="V 03.88",
        ati={0: ("{manufacturer}",), 3: ("{revision}", "20-08-05", "RM-72", "(c) Nokia.")},
        start_seconds=0.0,
        memories=("SM", "ME", "SR"),
        report_memory="SR",
        cnmi="(1,2),(0,1,3),(0,2),(0,2),(0)",
        cnmi_refusal="error",
        clip='+CLIP: "{number}",{type}',
    ),
    # A Nokia S60 smartphone (E52) or Maemo N900: sends SMS, but has no readable message store
    # over AT: AT+CPMS=? is "(),(),()", AT+CNMI and AT+CMGL answer ERROR (python-gsmmodem #15,
    # pygsm #5).
    "nokia_s60": Profile(
        family="Nokia (S60 phone)",
        models="E52, E71, N900",
        manufacturer="Nokia",
        model="Nokia E52",
        revision="V 052.003",
        ati={0: ("{manufacturer}",), 3: ("{revision}",)},
        start_seconds=0.0,
        sms_storage=False,
        clip='+CLIP: "{number}",{type}',
    ),
    # A Sony Ericsson phone: AT+CGMM answers the product code (AAB-1022041-BV in gammu
    # tests/at-model/03.dump; AAF-1052051-BV is a W810i in gammu's phone database), the
    # revision is "R4EA031 ... prgCXC..." (gammu #292); routes to storage only, reports in "SR".
    "sonyericsson": Profile(
        family="Sony Ericsson (phone)",
        models="W810i, K750i, K800i",
        manufacturer="Sony Ericsson",
        model="AAF-1052051-BV",
        revision="R4EA031     prgCXC1250316_GENERIC_HN",
        ati={0: ("{model}",)},
        start_seconds=0.0,
        listing_blank_lines=True,
        memories=("ME", "SM", "SR"),
        report_memory="SR",
        cnmi="(2,3),(0,1,3),(0,2),(0,2),(0)",
        cnmi_refusal="error",
        clip='+CLIP: "{number}",{type}',
    ),
}

# Result texts under AT+CMEE=2 (TS 27.007 9.2, TS 27.005 3.2.5, and the vendors' own codes).
CME_TEXT = {
    3: "operation not allowed",
    4: "operation not supported",
    5: "PH-SIM PIN required",
    6: "PH-FSIM PIN required",
    7: "PH-FSIM PUK required",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    14: "SIM busy",
    16: "incorrect password",
    17: "SIM PIN2 required",
    18: "SIM PUK2 required",
    30: "no network service",
    40: "network personalization PIN required",
    41: "network personalization PUK required",
    42: "network subset personalization PIN required",
    43: "network subset personalization PUK required",
    44: "service provider personalization PIN required",
    45: "service provider personalization PUK required",
    46: "corporate personalization PIN required",
    47: "corporate personalization PUK required",
    50: "Incorrect parameters",
    100: "unknown",
    132: "service option not supported",
    133: "requested service option not subscribed",
    134: "service option temporarily out of order",
    515: "Please wait, init or command processing in progress",
}
CMS_TEXT = {
    21: "Short message transfer rejected",
    27: "Destination out of service",
    38: "Network out of order",
    41: "Temporary failure",
    42: "Congestion",
    69: "Requested facility not implemented",
    300: "ME failure",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    310: "SIM not inserted",
    311: "SIM PIN required",
    312: "PH-SIM PIN required",
    314: "SIM busy",
    316: "SIM PUK required",
    317: "SIM PIN2 required",
    318: "SIM PUK2 required",
    321: "invalid memory index",
    322: "SIM memory full",
    331: "no network service",
    340: "no +CNMA acknowledgement expected",
    500: "unknown error",
    512: "MM establishment failure",
    513: "Lower layer failure",
}
# The +CME ERROR each +CPIN? state gets from commands that need the SIM (TS 27.007 9.2.1).
STATE_CME = {
    "MISSING": 10, "SIM PIN": 11, "SIM PUK": 12, "PH-SIM PIN": 5, "PH-FSIM PIN": 6, "PH-FSIM PUK": 7,
    "PH-NET PIN": 40, "PH-NET PUK": 41, "PH-NETSUB PIN": 42, "PH-NETSUB PUK": 43, "PH-SP PIN": 44,
    "PH-SP PUK": 45, "PH-CORP PIN": 46, "PH-CORP PUK": 47,
}  # fmt: skip
STATE_CMS = {"MISSING": 310, "SIM PIN": 311, "PH-SIM PIN": 312, "SIM PUK": 316}  # others: 302
