"""The simulated clock a front end keeps: speed and pause, over any source of real time.

The engine itself only counts ticks (``Session.advance``); the clock turns the real seconds a
front end measures into simulated seconds. It never reads time itself: the caller passes the
real elapsed time, so tests drive it with whatever numbers they like.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEEDS: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
"""Simulated seconds per real second offered by the front ends (60 = a minute per second)."""


@dataclass(slots=True)
class SimClock:
    """Speed and pause of a run.

    Attributes:
        speed: Simulated seconds per real second.
        paused: While paused, no simulated time passes.
    """

    speed: float = 20.0
    paused: bool = False

    def simulated(self, real_seconds: float) -> float:
        """Simulated seconds that pass during ``real_seconds`` of real time."""
        return 0.0 if self.paused else max(0.0, real_seconds) * self.speed

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def faster(self) -> float:
        return self._step(1)

    def slower(self) -> float:
        return self._step(-1)

    def _step(self, step: int) -> float:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, index + step))]
        return self.speed
