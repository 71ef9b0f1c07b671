"""The simulated devices, in a package of their own that production code never imports: the demo
(`demo_modem`), the tests and the benchmarks start them.

The simulated modem: a USB GSM modem or phone of one of the families in `profiles.py`
(Huawei, ZTE, Quectel, SIMCom, Telit, Sierra/Wavecom, u-blox, Cinterion, Nokia, Sony Ericsson)
answering AT commands on a pseudo-terminal.

Plain Python (no Django), so tests, benchmarks and the demo drive the real pyserial path.
`python manage.py simulate_modem` runs it as a process (`--hilink`: the simulated HiLink stick of
`simulators.hilink`); `simulators.control` talks to that.
"""

from simulators.profiles import PROFILES, Profile
from simulators.settings import NO_CREDIT_CODE, NetworkReport, SentSms, Settings, StoredSms
from simulators.simulator import SimulatedModem

__all__ = [
    "NO_CREDIT_CODE",
    "PROFILES",
    "NetworkReport",
    "Profile",
    "SentSms",
    "Settings",
    "SimulatedModem",
    "StoredSms",
]
