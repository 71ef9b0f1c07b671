"""Serial ports as the worker's machine sees them, USB modems first."""

from serial.tools import list_ports


def detect_ports() -> list[dict]:
    """Every serial port with its description; `usb` tells USB devices (modems) apart from
    the built-in /dev/ttyS* that Linux always lists."""
    ports = []
    for port in list_ports.comports():
        ports.append(
            {
                "device": port.device,
                "description": port.description if port.description != "n/a" else "",
                "manufacturer": port.manufacturer or "",
                "usb": port.vid is not None,
                "hwid": port.hwid,
            }
        )
    return sorted(ports, key=lambda p: (not p["usb"], p["device"]))
