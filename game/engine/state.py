"""All mutable state of a run, in one serialisable object."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

STATE_VERSION = 1

# Engagement grows with the story's activity; this is how long a post stays "fresh" (seconds).
FRESHNESS = 600.0

PostKind = Literal["inject", "decision", "noise", "story", "reaction", "organisation"]
TriageAction = Literal["flag", "dismiss", "answer"]
TRIAGE_ACTIONS: tuple[TriageAction, ...] = ("flag", "dismiss", "answer")


class Speaker:
    """Who a post is by, as the feed shows it (and the organisation whose case it is, for the
    ``{org}`` of its texts): built once per case, shared by all its posts."""

    __slots__ = ("author", "name", "handle", "followers", "org")

    def __init__(self, author: str, name: str, handle: str, followers: int, org: str) -> None:
        self.author, self.name, self.handle, self.followers, self.org = author, name, handle, followers, org


_PLACEHOLDER = re.compile(r"\{(org|name|handle)\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Fill ``{org}``, ``{name}`` and ``{handle}``; any other brace is left as written."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: values[m[1]], template)


class Post:
    """One item of the feed or the inbox; also the event that says it was added (``PostAdded``).

    Lean on purpose (a run makes hundreds): it is the ``n``-th post of the feed (its id is
    ``f"p{n}"``), who wrote it is a shared :class:`Speaker`, and its text is filled from its
    template only when someone reads it (a front end, the log). Story and noise posts are
    :class:`StoryPost` and :class:`NoisePost`; injects, decisions' messages, reactions and the
    organisation's own are :class:`LinkedPost`, which also carries ``signal``, ``inject``,
    ``reply_to``, ``subject`` and a count of ``replies``.
    """

    __slots__ = ("n", "t", "channel", "speaker", "template", "weight", "attention0", "_text")
    _text: str  # set when the text is first read (or at once, for a text that is no template)
    kind: PostKind
    signal: bool = False
    inject: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    replies: int = 0

    def __init__(self, n: int, t: int, channel: str, speaker: Speaker, template: str, weight: float,
                 attention0: float) -> None:
        self.n, self.t, self.channel, self.speaker, self.template = n, t, channel, speaker, template
        self.weight, self.attention0 = weight, attention0

    @property
    def id(self) -> str:
        return f"p{self.n}"

    @property
    def post(self) -> Post:
        """The post itself: a post is its own ``PostAdded`` event (``event.post``)."""
        return self

    @property
    def author(self) -> str:
        return self.speaker.author

    @property
    def name(self) -> str:
        return self.speaker.name

    @property
    def handle(self) -> str:
        return self.speaker.handle

    @property
    def followers(self) -> int:
        return self.speaker.followers

    @property
    def text(self) -> str:
        try:
            return self._text
        except AttributeError:  # not read yet: fill the template once
            speaker = self.speaker
            self._text = fill(self.template, {"org": speaker.org, "name": speaker.name, "handle": speaker.handle})
            return self._text

    def engagement(self, attention: float) -> tuple[int, int, int]:
        """Likes, shares and replies at the moment the story's attention integral is ``attention``."""
        # The same ratios for every post: counters must not give away which posts are signals.
        likes = self.weight * (attention - self.attention0)
        return int(likes), int(likes * 0.25), int(likes * 0.08) + self.replies

    def to_dict(self) -> dict[str, Any]:
        """The post as the log writes it (fields that are unset, false or zero left out, ``signal`` kept)."""
        speaker = self.speaker
        data: dict[str, Any] = {"id": self.id, "t": self.t, "channel": self.channel, "kind": self.kind,
                                "author": speaker.author, "name": speaker.name, "handle": speaker.handle}
        if speaker.followers:
            data["followers"] = speaker.followers
        data["text"] = self.text
        data["signal"] = self.signal
        for key in ("inject", "reply_to", "subject"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.weight:
            data["weight"] = self.weight
        if self.attention0:
            data["attention0"] = self.attention0
        if self.replies:
            data["replies"] = self.replies
        return data

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r}, t={self.t}, {self.channel}, {self.author!r})"


class StoryPost(Post):
    """The crowd's chatter about the crisis."""

    __slots__ = ()
    kind: PostKind = "story"


class NoisePost(Post):
    """Background posts, the haystack the signals hide in."""

    __slots__ = ()
    kind: PostKind = "noise"


class LinkedPost(Post):
    """A post tied to the case: an inject (maybe a signal), a decision's message, a reaction, the
    organisation's own."""

    __slots__ = ("kind", "signal", "inject", "reply_to", "subject", "replies")

    def __init__(self, n: int, t: int, channel: str, kind: PostKind, speaker: Speaker, template: str,
                 weight: float, attention0: float, signal: bool = False, inject: str | None = None,
                 reply_to: str | None = None, subject: str | None = None) -> None:
        self.n, self.t, self.channel, self.speaker, self.template = n, t, channel, speaker, template
        self.weight, self.attention0 = weight, attention0
        self.kind, self.signal, self.inject, self.reply_to, self.subject = kind, signal, inject, reply_to, subject
        self.replies = 0


class PostIndex(Mapping[str, Post]):
    """The feed's posts by id, read straight from the feed (``"p7"`` is its seventh post)."""

    __slots__ = ("feed",)

    def __init__(self, feed: list[Post]) -> None:
        self.feed = feed

    def get(self, key: object, default: Any = None) -> Any:
        if isinstance(key, str) and key[:1] == "p" and key[1:].isdigit() and key[1:2] != "0":
            n = int(key[1:])
            if n <= len(self.feed):
                return self.feed[n - 1]
        return default

    def __getitem__(self, key: str) -> Post:
        post: Post | None = self.get(key)
        if post is None:
            raise KeyError(key)
        return post

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (post.id for post in self.feed)

    def __len__(self) -> int:
        return len(self.feed)


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
    excitation: float = 0.0  # story posts per minute above the base rate, as of the last post or heat
    spread: float = 1.0
    attention: float = 0.0  # the attention integral at the last gauge step (Session.attention is now's)
    rate: float = 0.0  # mean story posts per minute over the last gauge step
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
