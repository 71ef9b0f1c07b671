"""Per-SIM pacing: operators block lines that send too fast. Plain Python, no Django."""

from __future__ import annotations

import datetime
from collections import deque


class Pacer:
    """Per-SIM limits, counted in SMS parts: operators block lines that send too fast."""

    def __init__(self, per_minute: int, per_day: int, sent_today: int, today: datetime.date):
        self.per_minute = per_minute
        self.per_day = per_day
        self.recent: deque[float] = deque()
        self.today = today
        self.sent_today = sent_today

    def wait_seconds(self, parts: int, now: float, today: datetime.date) -> float | None:
        """0 if `parts` may go now, seconds to wait, or None when the day's quota is used."""
        if today != self.today:
            self.today, self.sent_today = today, 0
        if self.per_day and self.sent_today + parts > self.per_day:
            return None
        while self.recent and now - self.recent[0] >= 60.0:
            self.recent.popleft()
        if not self.per_minute or len(self.recent) + parts <= self.per_minute:
            return 0.0
        return max(0.0, 60.0 - (now - self.recent[0]))

    def record(self, parts: int, now: float) -> None:
        self.recent.extend([now] * parts)
        self.sent_today += parts
