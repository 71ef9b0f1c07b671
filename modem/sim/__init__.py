"""The simulated modem: a Huawei/ZTE USB GSM modem answering AT commands on a pseudo-terminal.

Plain Python (no Django), so tests, benchmarks and the demo drive the real pyserial path.
`python manage.py simulate_modem` runs it as a process; `modem.sim.control` talks to that.
"""

from modem.sim.interpreter import NO_CREDIT_CODE, SentSms, Settings, StoredSms
from modem.sim.simulator import SimulatedModem

__all__ = ["NO_CREDIT_CODE", "SentSms", "Settings", "SimulatedModem", "StoredSms"]
