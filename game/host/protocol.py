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

from game.i18n import N_, Translator

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
OPTIONAL_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    # Who corrects a written answer's findings: the report says "changed by NAME" (none: "by the facilitator").
    "override": {"by": str},
    "mark": {"by": str},
}
"""Fields a console message may leave out, by message type."""
TRIAGE_ACTIONS = ("flag", "dismiss")
NOISE_LEVELS = ("storm", "calm", "normal")


class Refused(ValueError):
    """A message the host will not act on, and why: ``text`` is a message id of the catalogue
    (marked ``N_``) with ``{name}`` placeholders filled from ``params``. ``str()`` is the reason
    in English; :meth:`say` words it in the sender's language."""

    def __init__(self, text: str, /, **params: Any) -> None:
        self.text = text
        self.params = params
        super().__init__(text.format(**params) if params else text)

    def say(self, tr: Translator) -> str:
        """The reason in ``tr``'s language."""
        return tr.gettext(self.text, **self.params)


def parse(raw: str | bytes, kinds: dict[str, dict[str, type | tuple[type, ...]]]) -> dict[str, Any]:
    """The message as a dict, checked against ``kinds``; raises :class:`Refused` with the reason."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise Refused(N_("message too large ({size} bytes; the limit is {limit})"), size=size, limit=MAX_BYTES)
    try:
        message = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refused(N_("not a JSON message")) from None
    if not isinstance(message, dict):
        raise Refused(N_("a message is a JSON object"))
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in kinds:
        raise Refused(N_("unknown message type “{kind}”"), kind=str(kind)[:40])
    fields = kinds[kind]
    optional = OPTIONAL_FIELDS.get(kind, {}) if kinds is CONSOLE_MESSAGES else {}
    extra = set(message) - set(fields) - set(optional) - {"type"}
    if extra:
        raise Refused(N_("{kind}: unexpected field “{field}”"), kind=kind, field=sorted(extra)[0][:40])
    for name, expected in fields.items():
        if name not in message:
            raise Refused(N_("{kind}: missing field “{field}”"), kind=kind, field=name)
        value = message[name]
        # bool is an int in Python: a speed of true is still a wrong type.
        if isinstance(value, bool) or not isinstance(value, expected):
            raise Refused(N_("{kind}: field “{field}” has the wrong type"), kind=kind, field=name)
        if isinstance(value, str) and len(value) > (MAX_NAME if name == "name" else MAX_TEXT):
            raise Refused(N_("{kind}: field “{field}” is too long"), kind=kind, field=name)
    for name, expected in optional.items():
        if name in message and (isinstance(message[name], bool) or not isinstance(message[name], expected)):
            raise Refused(N_("{kind}: field “{field}” has the wrong type"), kind=kind, field=name)
        if isinstance(message.get(name), str) and len(message[name]) > MAX_NAME:
            raise Refused(N_("{kind}: field “{field}” is too long"), kind=kind, field=name)
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
