"""The pace of a round: how fast simulated time runs, so a person can read and talk (issue 12).

The rule, in one place:

- At the default speed a round lasts the real time its briefing announces: the case's
  ``plays_in`` when it gives one, otherwise its duration at 1 s = 1 s.
- Every decision leaves at least the time to read it (its words at :data:`WORDS_PER_MINUTE`)
  plus :data:`TALK_SECONDS` to talk it over, in real seconds, whatever the speed: while a
  decision is open the clock runs no faster than ``time_limit / reading_time`` (see
  :meth:`game.play.round.Round.effective_speed`). A solo player who chooses "fast" turns this
  off knowingly (``Round(pace=False)``).

Bots and ``simulate`` never use this module: they step the session directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from game.engine.clock import SPEEDS
from game.engine.model import Case, Decision

WORDS_PER_MINUTE = 200
TALK_SECONDS = 30.0
_WORD = re.compile(r"\w+")

__all__ = ["SPEEDS", "Pace", "decision_words", "default_speed", "pace", "reading_time", "speed_cap", "step_speed"]


def decision_words(decision: Decision) -> int:
    """The words a player reads before choosing: title, situation, each option and what it publishes."""
    texts = [decision.title, decision.prompt, decision.on_timeout.label]
    for option in decision.options:
        texts += [option.label, option.post or ""]
    return sum(len(_WORD.findall(text)) for text in texts)


def reading_time(decision: Decision) -> float:
    """Real seconds a decision must leave: its words at 200 a minute, plus 30 s to talk it over."""
    return decision_words(decision) * 60 / WORDS_PER_MINUTE + TALK_SECONDS


def default_speed(case: Case) -> float:
    """Simulated seconds per real second that make the round last what its briefing announces."""
    return case.duration / case.plays_in if case.plays_in else 1.0


def speed_cap(decision: Decision) -> float:
    """The fastest speed at which ``decision`` still leaves its :func:`reading_time` in real seconds."""
    return decision.time_limit / reading_time(decision)


def step_speed(speed: float, step: int) -> float:
    """The next speed up (``step`` 1) or down (-1) among :data:`SPEEDS`, from any speed.

    A speed between two steps (a case's ``plays_in`` makes 1.5) goes to the next step in the
    direction asked, never stays put.
    """
    if step > 0:
        return next((s for s in SPEEDS if s > speed + 1e-9), SPEEDS[-1])
    return next((s for s in reversed(SPEEDS) if s < speed - 1e-9), SPEEDS[0])


@dataclass(frozen=True, slots=True)
class Pace:
    """What a briefing says about time: how long the round and each decision last, in real seconds.

    Attributes:
        speed: Simulated seconds per real second chosen for the round.
        round_seconds: Real length of the round at that speed, decisions' slow-downs included
            (assuming each decision stays open its whole time, the longest case).
        decisions: ``(decision id, real seconds it stays open at most)`` in the case's order.
        paced: Whether the reading rule holds (False when the player chose "fast").
    """

    speed: float
    round_seconds: float
    decisions: tuple[tuple[str, float], ...]
    paced: bool = True

    @property
    def shortest_decision(self) -> float:
        return min((s for _, s in self.decisions), default=0.0)

    @property
    def longest_decision(self) -> float:
        return max((s for _, s in self.decisions), default=0.0)


def pace(case: Case, speed: float | None = None, *, paced: bool = True) -> Pace:
    """The briefing's figures for ``case`` at ``speed`` (its default speed when None).

    The round's length adds, for each mandatory decision, the extra real time the reading rule
    gives it over the plain speed (optional decisions may never come).
    """
    speed = speed or default_speed(case)
    lengths = []
    extra = 0.0
    for decision in case.decisions:
        run_at = min(speed, speed_cap(decision)) if paced else speed
        real = decision.time_limit / run_at
        lengths.append((decision.id, real))
        if not decision.optional:
            extra += real - decision.time_limit / speed
    return Pace(speed, case.duration / speed + extra, tuple(lengths), paced)
