"""A demo case's own clock: every step of the case moves forward from the previous one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


class Clock:
    """A case's own clock: every step moves forward from the previous one."""

    def __init__(self, start: datetime, rng: random.Random) -> None:
        self.now = start
        self.rng = rng
        self.brisk = False  # every step within minutes, as on a same-day case

    def _advance(self, delta: timedelta) -> datetime:
        self.now = self.now + delta
        return self.now

    def hours(self, low: float, high: float) -> datetime:
        if self.brisk:
            return self._advance(timedelta(minutes=self.rng.randint(3, 25)))
        return self._advance(timedelta(minutes=self.rng.randint(int(low * 60), int(high * 60))))

    def days(self, low: int, high: int) -> datetime:
        return self._advance(timedelta(days=self.rng.randint(low, high), minutes=self.rng.randint(0, 240)))

    def working_days(self, low: int, high: int) -> datetime:
        """Late on purpose: past the 2-working-day limits."""
        return self._advance(timedelta(days=self.rng.randint(low, high) + 2))
