"""Simulated times as people type and read them: the one parser and the one plain formatter.

Every place that reads a time (the case format, test plans, MSEL imports, ``crisis-sim note
--at``) uses :func:`parse_time`, so a time means the same everywhere and a mistake gets the same
message. ``12:30`` is refused as ambiguous (twelve minutes or twelve hours?) everywhere.

Every place that writes a time for a file or a terminal uses :func:`format_time`
(``HH:MM:SS``, which :func:`parse_time` reads back); screens and reports word times in the
player's language with :meth:`game.i18n.Translator.clock` and ``duration``, which split seconds
with :func:`split`.
"""

from __future__ import annotations

import re
from typing import Any

_DURATION_RE = re.compile(r"^(?:(?P<h>\d+)h)?\s*(?:(?P<m>\d+)m(?:in)?)?\s*(?:(?P<s>\d+)s)?$")
_CLOCK_RE = re.compile(r"^(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)$")
_SHORT_RE = re.compile(r"^(\d{1,2}):(\d{2})$")

FORMS = '"HH:MM:SS" (e.g. "00:05:00") or "90s", "5m", "1h30m"'
"""The accepted forms, as error messages and help texts name them."""

JSON_PATTERN = r"^(\d{1,2}:[0-5]\d:[0-5]\d|(\d+h)?\s*(\d+m(in)?)?\s*(\d+s)?)$"
"""What :func:`parse_time` accepts, as a JSON Schema pattern (editors check it while typing)."""


def split(seconds: float) -> tuple[int, int, int]:
    """Whole hours, minutes and seconds of a (non-negative) time."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs


def format_time(seconds: float) -> str:
    """Seconds as ``"HH:MM:SS"``, the form authors write and :func:`parse_time` reads back."""
    hours, minutes, secs = split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def parse_time(value: Any) -> int:
    """Turn a typed time (``"00:01:30"``, ``"90s"``, ``"5m"``, ``"1h30m"``) into seconds.

    A bare number and ``MM:SS``/``HH:MM`` are refused: each reads two ways, and a wrong guess
    moves an inject or a note by a factor of sixty.

    Raises:
        ValueError: with a message that shows the accepted forms.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a time such as \"00:05:00\" or \"5m\", got {value!r}")
    text = str(value).strip()
    if isinstance(value, int) or text.isdigit():
        raise ValueError(f"a bare number ({text}) is ambiguous as a time: write \"{text}s\" or \"{text}m\" or \"HH:MM:SS\"")
    clock = _CLOCK_RE.match(text)
    if clock:
        return int(clock["h"]) * 3600 + int(clock["m"]) * 60 + int(clock["s"])
    match = _DURATION_RE.match(text)
    if text and match and any(match.groupdict().values()):
        return sum(int(match[k] or 0) * f for k, f in (("h", 3600), ("m", 60), ("s", 1)))
    short = _SHORT_RE.match(text)
    if short:
        a, b = short.groups()
        raise ValueError(f"{text!r} is ambiguous: write \"00:{int(a):02d}:{b}\" for {int(a)} min {b} s, "
                         f"or \"{int(a):02d}:{b}:00\" for {int(a)} h {b} min")
    raise ValueError(f"{text!r} is not a time: write {FORMS}")
