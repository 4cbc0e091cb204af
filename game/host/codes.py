"""Join codes a player can read aloud and type, and the limit on guessing them.

A team's code is six characters from an alphabet without the look-alikes 0/O and 1/I
(``K7Q-M3X``): 32 symbols, so 32**6, about a billion codes. That alone would fall to a script in
an afternoon; :class:`Guesses` is what makes it safe: an address that gives
:data:`MAX_WRONG` wrong codes within :data:`WINDOW` seconds is refused every code, right or
wrong, for :data:`LOCKED` seconds. One address then tries at most 42 codes an hour, so a whole day
of guessing finds one of ten teams with a chance of about three in a million.

The facilitator's secret stays a long random token: it is never typed.
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass, field

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""The code's symbols: A-Z and 2-9 without O and I (and so without 0 and 1): 32 of them."""

LENGTH = 6
MAX_WRONG = 8
"""Wrong codes one address may give within :data:`WINDOW` before it is refused for a while."""

WINDOW = 600.0
LOCKED = 600.0
ADDRESSES_KEPT = 10_000
"""Addresses the limit remembers at most (the oldest forgotten first): bounded memory."""


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A random code in its plain form (``K7QM3X``), none of ``taken``."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if code not in taken:
            return code


def normalise(typed: str) -> str:
    """``typed`` as a code's plain form: case, spaces and dashes ignored (``k7q m3x`` -> ``K7QM3X``).

    Any other text comes back upper-cased, and so matches no code.
    """
    return "".join(c for c in typed.upper() if c not in " -\t\u00a0\u202f")


def is_code(text: str) -> bool:
    """True when ``text`` is a code's plain form."""
    return len(text) == LENGTH and all(c in ALPHABET for c in text)


def shown(code: str) -> str:
    """A code as printed and read: ``K7Q-M3X``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if is_code(code) else code


@dataclass
class _Record:
    wrong: deque[float] = field(default_factory=deque)
    until: float = 0.0


class Guesses:
    """The wrong codes each address gave, and which addresses are refused for now.

    Times are a monotonic clock's seconds, passed in (tests pass their own).
    """

    def __init__(self, max_wrong: int = MAX_WRONG, window: float = WINDOW, locked: float = LOCKED) -> None:
        self.max_wrong = max_wrong
        self.window = window
        self.locked = locked
        self._records: dict[str, _Record] = {}

    def wait(self, address: str, now: float) -> float:
        """Seconds ``address`` must still wait before any code is checked for it (0: none)."""
        record = self._records.get(address)
        return max(0.0, record.until - now) if record else 0.0

    def wrong(self, address: str, now: float) -> float:
        """Count a wrong code from ``address``; the seconds it is now refused for (0: not yet)."""
        record = self._records.pop(address, None) or _Record()
        self._records[address] = record  # the newest last: the oldest go first when full
        while record.wrong and record.wrong[0] <= now - self.window:
            record.wrong.popleft()
        record.wrong.append(now)
        if len(record.wrong) >= self.max_wrong:
            record.until = now + self.locked
            record.wrong.clear()
        while len(self._records) > ADDRESSES_KEPT:
            del self._records[next(iter(self._records))]
        return self.wait(address, now)
