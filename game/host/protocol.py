"""The messages a browser may send the host, checked strictly before anything acts on them.

Every message is one JSON object of at most :data:`MAX_BYTES` bytes with a known ``type`` and
exactly the fields that type takes, of the right JSON types and lengths. Anything else is refused
with a reason the page shows, and changes nothing. A :class:`Flood` limits how many messages one
connection may send per second, so a stuck key or a script cannot starve the other teams.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 4096
"""Largest message a browser may send (a note of a few paragraphs fits)."""

MAX_TEXT = 2000
"""Longest free text (a note, a player's name is far shorter: :data:`MAX_NAME`)."""

MAX_NAME = 40

TEAM_MESSAGES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "decide": {"decision": str, "option": str},
    "triage": {"post": str, "action": str},
    "answer": {"post": str, "reply": str},
    "write": {"decision": str, "text": str},
    "reply": {"post": str, "text": str},
    "hello": {"name": str, "lang": str},
}
CONSOLE_MESSAGES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "start": {"team": str},
    "pause": {"team": str},
    "resume": {"team": str},
    "speed": {"team": str, "speed": (int, float)},
    "noise": {"team": str, "level": str},
    "fire": {"team": str, "item": str},
    "note": {"team": str, "text": str},
    "end": {"team": str},
    "override": {"team": str, "decision": str, "strategy": str},
    "mark": {"team": str, "decision": str, "finding": str, "id": str, "value": str},
}
TRIAGE_ACTIONS = ("flag", "dismiss")
NOISE_LEVELS = ("storm", "calm", "normal")


class Refused(ValueError):
    """A message the host will not act on; ``str()`` is the reason shown to the sender."""


def parse(raw: str | bytes, kinds: dict[str, dict[str, type | tuple[type, ...]]]) -> dict[str, Any]:
    """The message as a dict, checked against ``kinds``; raises :class:`Refused` with the reason."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise Refused(f"message too large ({size} bytes; the limit is {MAX_BYTES})")
    try:
        message = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refused("not a JSON message") from None
    if not isinstance(message, dict):
        raise Refused("a message is a JSON object")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in kinds:
        raise Refused(f"unknown message type {str(kind)[:40]!r}")
    fields = kinds[kind]
    extra = set(message) - set(fields) - {"type"}
    if extra:
        raise Refused(f"{kind}: unexpected field {sorted(extra)[0][:40]!r}")
    for name, expected in fields.items():
        if name not in message:
            raise Refused(f"{kind}: missing field {name!r}")
        value = message[name]
        # bool is an int in Python: a speed of true is still a wrong type.
        if isinstance(value, bool) or not isinstance(value, expected):
            raise Refused(f"{kind}: field {name!r} has the wrong type")
        if isinstance(value, str) and len(value) > (MAX_NAME if name == "name" else MAX_TEXT):
            raise Refused(f"{kind}: field {name!r} is too long")
    return message


@dataclass
class Flood:
    """A token bucket: ``rate`` messages a second on average, bursts up to ``burst``."""

    rate: float = 10.0
    burst: float = 20.0
    tokens: float = field(default=20.0)
    last: float | None = None

    def allow(self, now: float) -> bool:
        """True when a message arriving at ``now`` (a monotonic time) is within the limit."""
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
