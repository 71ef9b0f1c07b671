"""Spanish (Bolivia) formats: dates as dd/mm/yyyy, and ISO first among the input formats.

`<input type="date">` and `<input type="time">` only accept ISO values (2026-12-02, 14:30):
with Django's Spanish default (%d/%m/%Y first) every date field of a form came up blank.
Typed dd/mm/yyyy values are still read.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
FIRST_DAY_OF_WEEK = 1
