"""All mutable state of a run, in one serialisable object."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

STATE_VERSION = 1

# Engagement grows with the story's activity; this is how long a post stays "fresh" (seconds).
FRESHNESS = 600.0

PostKind = Literal["inject", "decision", "noise", "story", "reaction", "organisation"]
TriageAction = Literal["flag", "dismiss", "answer"]
TRIAGE_ACTIONS: tuple[TriageAction, ...] = ("flag", "dismiss", "answer")


@dataclass(slots=True)
class Post:
    """One item of the feed or the inbox."""

    id: str
    t: int
    channel: str
    kind: PostKind
    author: str
    name: str
    handle: str
    followers: int
    text: str
    signal: bool = False
    inject: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    weight: float = 0.0
    attention0: float = 0.0
    replies: int = 0

    def engagement(self, attention: float) -> tuple[int, int, int]:
        """Likes, shares and replies at the moment the story's attention integral is ``attention``."""
        # The same ratios for every post: counters must not give away which posts are signals.
        likes = self.weight * (attention - self.attention0)
        return int(likes), int(likes * 0.25), int(likes * 0.08) + self.replies

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False) or k == "signal"}


@dataclass(slots=True)
class Response:
    """Something the organisation did: an option chosen, a post answered, or a decision missed."""

    t: int
    source: str  # "decision-id.option-id", "decision-id.timeout" or "reply:reply-id@post-id"
    strategy: str
    tone: str | None
    channel: str | None
    length: int | None
    published: bool
    also: tuple[str, ...] = ()


@dataclass(slots=True)
class RunState:
    """Everything that changes during a run. ``to_dict`` gives a JSON-ready snapshot."""

    metrics: dict[str, float]
    stances: dict[str, int]
    version: int = STATE_VERSION
    t: int = 0
    carry: float = 0.0
    flags: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    cancelled: set[str] = field(default_factory=set)
    choices: dict[str, str | None] = field(default_factory=dict)
    decided_at: dict[str, int] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    opened_at: dict[str, int] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)
    triage: dict[str, tuple[TriageAction, int]] = field(default_factory=dict)
    caught_at: dict[str, int] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    excitation: float = 0.0
    spread: float = 1.0
    attention: float = 0.0
    rate: float = 0.0
    first_signal_at: int | None = None
    first_response_at: int | None = None
    ended: bool = False
    ending: str | None = None
    noise: float = 1.0  # the facilitator's noise factor (Session.set_noise)
    ended_early_at: int | None = None  # when the round was ended before its time (then played out in silence)

    def to_dict(self) -> dict[str, Any]:
        data = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, set):
                value = sorted(value)
            elif name == "posts":
                value = [p.to_dict() for p in value]
            elif name == "responses":
                value = [asdict(r) for r in value]
            data[name] = value
        return data
