"""A run of a case: the simulated clock, the feed, the story's spread, decisions and triage.

The front ends (terminal, pygame, bots) all drive this one API::

    session = Session(case, seed=7)
    events = session.advance(30.0)          # simulated seconds (whole seconds; the rest is kept)
    session.decide("takedown", "leave-it")  # while status is AWAITING_DECISION
    session.triage(post_id, "flag")
    session.write("statement", text)        # a written answer (responses: write | both)
    session.reply(post_id, text)            # a written reply to a post (the case's responses: write | both)
    session.override("statement", strategy="apology", key_points={"refund": True}, by="Ana")
    session.set_noise(3)                    # a facilitator's storm of background posts
    session.subscribe(SessionLog(stream))   # anyone may listen: inputs, events, the end
    result = score(session)                 # game.engine.scoring, once status is ENDED

Whatever drives a session to its end (a bot, a replayed log, a resumed round) goes through
:func:`run`.

The clock is event-driven (docs/dynamics.md): the session jumps from one thing that happens to
the next (a story or noise post, a scheduled inject, a reply, a deadline, the once-a-minute gauge
step) instead of stepping every few seconds. An input at simulated second ``t`` comes after
everything that happens up to and including ``t``, however the caller got there, so the same
case, seed and inputs give the same log and score whether a person played in a window, a bot
played headless or a log is replayed.

The engine never reads the wall clock and draws every random number from one seeded
``random.Random``.
"""

from __future__ import annotations

import heapq
import math
import random
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from mypy_extensions import mypyc_attr

from game.engine.conditions import EffectHooks, compile_condition, effect_steps
from game.engine.model import (
    STANCE_ORDER,
    Case,
    Channel,
    Condition,
    Decision,
    Effects,
    Inject,
    NoisePool,
    Option,
    Persona,
    Reaction,
    Responses,
    Stance,
    Strategy,
    Temperament,
)
from game.i18n import N_, Translator
from game.engine.state import (
    FRESHNESS,
    LinkedPost,
    NoisePost,
    Post,
    PostIndex,
    PostKind,
    Response,
    RunState,
    Speaker,
    StoryPost,
    TriageAction,
)
from game.engine.assess import Assessment, Override, answered_text, assess_answer, check_override, closest_option

ENGINE_VERSION = 4
"""Which engine wrote a log; bumped whenever the same case, seed and inputs would play differently.

1. Until December 2026.
2. ``end()`` plays the rest of the round out in silence before scoring (issue 17).
3. The event-driven clock (issue 12): posts at their own second, the story drawn by Ogata
   thinning, noise by exponential gaps, gauges once a minute; no text repeated within a pool's
   round, no author twice in a row; replies to private messages stay private (issue 17).
4. ``story.supportive_when`` holds back kind words in every case (it was read only in a case
   whose noise or channels had conditions); ``story.start`` (issue 16).
"""

TICK = 10
"""Simulated seconds of :meth:`Session.step`, and how often :func:`run` wakes a driver that does
not say when it wants to act (see :class:`Driver`)."""

SAMPLE_EVERY = 60
"""The gauge step: visibility, media, trust and attention are brought up to date, and sampled
(for charts and the log), once per simulated minute."""

TEMPERAMENT_CHANCE = {
    Temperament.calm: 0.5,
    Temperament.measured: 0.9,
    Temperament.passionate: 1.2,
    Temperament.volatile: 1.5,
}
ORGANISATION = "organisation"
NOISE_CALM, NOISE_NORMAL, NOISE_STORM = 0.0, 1.0, 3.0
"""Noise factors a facilitator is offered (:meth:`Session.set_noise`): no filler, the case's, a storm."""
MAX_NOISE = 5.0
"""Largest noise factor: five times the case's filler is already more than a team can read."""
MAX_BRANCHING = 0.95
SPREAD_MEMORY = 900
VISIBILITY_MEMORY = 180
"""Seconds over which visibility follows the story's rate, and the effect of a clumsy (or a good)
answer on contagion (``spread``) wears off (``SPREAD_MEMORY``)."""
_SPREAD_KEEP = math.exp(-SAMPLE_EVERY / SPREAD_MEMORY)
_INF = math.inf


def _round3(x: float) -> float:
    """``round(x, 3)``, bit for bit, at half its cost: the product by 1000 is rounded to the nearest
    integer unless it lies within a hair of a half (where the float product's own rounding could
    decide), and an integer over 1000 divides to the float nearest the decimal, as ``round`` gives."""
    if x.__class__ is float:
        y = x * 1000.0
        k = round(y)
        if k and -0.4999 < y - k < 0.4999:
            return k / 1000
    return round(x, 3)


class Status(StrEnum):
    RUNNING = "running"
    AWAITING_DECISION = "awaiting_decision"
    ENDED = "ended"


# Compiled, a class refuses interpreted subclasses unless it says so: the play layer's ChoiceRefused is one.
@mypyc_attr(allow_interpreted_subclasses=True)
class EngineError(ValueError):
    """A front end asked for something impossible (a closed decision, an unknown post).

    ``text`` is a message id of the catalogue (marked ``N_``) with ``{name}`` placeholders filled
    from ``params``: ``str()`` is the reason in English, :meth:`say` words it in a front end's
    language (a host's page in French says it in French).
    """

    def __init__(self, text: str, /, **params: Any) -> None:
        self.text = text
        self.params = params
        super().__init__(text.format(**params) if params else text)

    def say(self, tr: Translator) -> str:
        """The reason in ``tr``'s language."""
        return tr.gettext(self.text, **self.params)


# --- events: what the engine reports to front ends ----------------------------------------


PostAdded = Post
"""A post is its own event (the most frequent one: no second object per post); ``event.post`` is
the post itself, so front ends read ``isinstance(event, PostAdded)`` and ``event.post`` as ever."""


@dataclass(frozen=True, slots=True)
class DecisionOpened:
    decision: Decision
    closes_at: int


@dataclass(frozen=True, slots=True)
class DecisionClosed:
    decision: Decision
    option: Option | None  # None: ran out of time
    t: int = 0  # when it closed


@dataclass(frozen=True, slots=True)
class MetricsSampled:
    t: int
    metrics: dict[str, float]


@dataclass(frozen=True, slots=True)
class Triaged:
    post: Post
    action: TriageAction


@dataclass(frozen=True, slots=True)
class WrittenReply:
    """A post answered in writing: which post, the authored reply closest to the text (it brought
    the effects and reactions), and how the text was read."""

    post: str
    closest: str
    assessment: Assessment
    offered: tuple[Option, ...]
    """The replies offered on the post when it was answered (the best of them is shown beside it)."""


@dataclass(frozen=True, slots=True)
class Ended:
    ending_id: str


Event = Post | DecisionOpened | DecisionClosed | MetricsSampled | Triaged | Ended


def event_time(event: Event, default: int) -> int:
    """The simulated second an event happened at (``default`` for those made by an input or the end)."""
    if isinstance(event, PostAdded):
        return event.post.t
    if isinstance(event, MetricsSampled | DecisionClosed):
        return event.t
    if isinstance(event, DecisionOpened):
        return event.closes_at - event.decision.time_limit
    return default


class Subscriber(Protocol):
    """Whoever listens to a session (its log, the results recorder, a screen).

    The session calls ``on_start`` when the subscriber joins, ``on_input`` for each input before
    it takes effect, ``on_events`` with what happened after each step or input (the same list the
    call returns; ``t`` is the session's time then, each event knows its own: :func:`event_time`),
    and ``on_end`` once, after the events of the end.
    """

    def on_start(self, session: Session) -> None: ...

    def on_input(self, t: int, kind: str, fields: dict[str, Any]) -> None: ...

    def on_events(self, t: int, events: list[Event]) -> None: ...

    def on_end(self, session: Session) -> None: ...


class Wake(NamedTuple):
    """When a driver wants to act next (see :class:`Driver`); None or False: no such wish."""

    at: int | None = None  # at this simulated second
    posts: int | None = None  # once the feed holds this many posts
    items: bool = False  # whenever an inject or a decision comes in
    decisions: bool = False  # whenever a decision comes in


class Driver(Protocol):
    """Makes a session's inputs: a bot, a replayed log.

    A driver may also have ``wake(session) -> Wake``: :func:`run` then jumps straight to the
    moment it asked for (the session does not stop in between). A driver without it is woken
    every ``TICK`` simulated seconds.
    """

    def act(self, session: Session, events: list[Event]) -> None:
        """Look at what just happened and make inputs (decide, triage, ...) on the session."""


def _bounded(value: float) -> float:
    """Metrics stay between 0 and 100."""
    return 0.0 if value < 0 else 100.0 if value > 100 else value


class _Dynamics:
    """The case's ``dynamics:`` numbers and its duration as plain attributes: a pydantic model's
    attributes are many times slower to read, and the gauge step reads them every minute."""

    __slots__ = ("decay", "max_rate", "branching", "sentiment_per_post", "base_rate", "silence_pressure",
                 "trust_erosion", "visibility_scale", "media_threshold", "duration")
    decay: int
    max_rate: float
    branching: float
    sentiment_per_post: float
    base_rate: float
    silence_pressure: float
    trust_erosion: float
    visibility_scale: float
    media_threshold: float
    duration: int

    def __init__(self, case: Case) -> None:
        dyn = case.dynamics
        self.decay, self.max_rate, self.branching = dyn.decay, dyn.max_rate, dyn.branching
        self.sentiment_per_post, self.base_rate = dyn.sentiment_per_post, dyn.base_rate
        self.silence_pressure, self.trust_erosion = dyn.silence_pressure, dyn.trust_erosion
        self.visibility_scale, self.media_threshold = dyn.visibility_scale, dyn.media_threshold
        self.duration = case.duration


class _CaseIndex:
    """What every run of a case needs and none changes, built once per case object."""

    def __init__(self, case: Case) -> None:
        self.personas: dict[str, Persona] = {p.id: p for p in case.personas}
        self.channels: dict[str, Channel] = {c.id: c for c in case.channels}
        self.inbox = frozenset(c.id for c in case.channels if c.is_inbox)
        self.injects: dict[str, Inject] = {i.id: i for i in case.injects}
        self.decisions: dict[str, Decision] = {d.id: d for d in case.decisions}
        events: list[Inject | Decision] = [*case.injects, *case.decisions]
        self.checks = {item.id: compile_condition(item.when) for item in events if item.when is not None}
        self.scheduled = [(item.at or 0, "arm" if item.when is not None else "fire", item.id)
                          for item in events if not item.optional]
        self.endings = [(e, compile_condition(e.when) if e.when else None) for e in case.endings]
        self.objectives = [(o, compile_condition(o.met_when) if o.met_when else None) for o in case.objectives]
        self.reactions: dict[str, Reaction] = {r.id: r for r in case.reactions}
        self.dynamics = _Dynamics(case)
        org = case.organisation
        self.org = org.name
        self.organisation = Speaker(ORGANISATION, org.name, org.handle, 0, org.name)
        self.speakers = {p.id: Speaker(p.id, p.name, p.handle, p.followers, org.name) for p in case.personas}
        self.crowd = [Speaker(f"crowd:{m.handle}", m.name, m.handle, m.followers, org.name) for m in case.crowd]
        self.crowd_virality = [0.4 * math.sqrt(m.followers + 100) for m in case.crowd]
        self.noise = [(pool, pool.start, pool.end, pool.channel, pool.rate) for pool in case.noise]
        self.noise_authors = {pool.id: [self.speakers[a] for a in pool.authors] for pool in case.noise}
        self.noise_viralities = {pool.id: [0.4 * math.sqrt(s.followers + 100) for s in authors]
                                 for pool, authors in zip(case.noise, self.noise_authors.values())}
        self.noise_bounds = sorted({b for p in case.noise for b in (p.start, (p.end + 1) if p.end is not None else None)
                                    if b is not None and b > 0})
        # For each inject, the options that answer it, by decision: those `handled_by` names, a bare
        # decision meaning every option but a no_comment one (saying nothing does not answer a signal).
        self.answers: dict[str, dict[str, set[str]]] = {}
        for inject in case.injects:
            answers = self.answers[inject.id] = {}
            for ref in inject.handled_by:
                decision, _, option = ref.partition(".")
                answers.setdefault(decision, set()).update(
                    [option] if option else
                    [o.id for o in self.decisions[decision].options if o.strategy is not Strategy.no_comment])
        options = [o for d in case.decisions for o in d.options] + [o for i in case.injects for o in i.replies]
        self.conditional_options = any(o.when is not None or o.variants for o in [*options, *case.replies]) \
            or any(c.when is not None for c in case.channels)
        self.conditional_noise = any(p.when is not None for p in case.noise) or any(c.when for c in case.channels)

        def offered_as_written(option: Option) -> bool:
            return option.when is None and not option.variants and (
                option.channel is None or self.channels[option.channel].when is None)

        # The replies to an inject's post (None: to any other post), and whether some depend on the run.
        self.replies: dict[str | None, tuple[list[Option], bool]] = {
            key: (replies, not all(offered_as_written(o) for o in replies))
            for key, replies in [(None, case.replies), *((i.id, i.replies) for i in case.injects if i.replies)]}
        # The `when` of options, post variants, channels, noise pools and supportive chatter, compiled
        # on first use (by the condition's identity: the case keeps every condition alive).
        self.tests: dict[int, Callable[[RunState], bool]] = {}
        self.effects: dict[int, tuple[Effects, list[tuple[Callable[..., None], Any]]]] = {}
        self._reactions = case.reactions
        self._reacting: dict[tuple[int, str], list[Reaction]] = {}
        self._who: dict[str, tuple[list[str], set[int] | None, list[float]]] = {}
        self._personas = list(case.personas)
        self.initial_metrics = {name: float(value) for name, value in case.metrics.items()}
        self.initial_stances = {p.id: STANCE_ORDER.index(p.stance) for p in case.personas}


    def reacting(self, reaction: Reaction) -> tuple[list[str], set[int] | None, list[float]]:
        """Who may react to a reaction's trigger, in order (``wanted``: the stances they must have
        then, None for any) and each one's chance; the same for every run, so worked out once."""
        found = self._who.get(reaction.id)
        if found is None:
            personas = [self.personas[p] for p in reaction.personas] if reaction.personas else self._personas
            wanted = {STANCE_ORDER.index(s) for s in reaction.stances} if reaction.stances and not reaction.personas \
                else None
            if reaction.kinds or reaction.exclude:
                personas = [p for p in personas if (not reaction.kinds or p.kind in reaction.kinds)
                            and p.id not in reaction.exclude]
            found = self._who[reaction.id] = ([p.id for p in personas], wanted,
                                              [reaction.chance * TEMPERAMENT_CHANCE[p.temperament] for p in personas])
        return found

    def reactions_to(self, option: Option, ref: str) -> list[Reaction]:
        """The reactions a message made with ``option`` (``ref``: ``decision.option`` or a reply id)
        triggers, timing aside; the same for every run, so worked out once."""
        key = (id(option), ref)
        found = self._reacting.get(key)
        if found is None:
            found = self._reacting[key] = [r for r in self._reactions if r.on.matches(option, ref)]
        return found


_INDEXES: dict[int, _CaseIndex] = {}


def _index(case: Case) -> _CaseIndex:
    """The case's index; dropped when the case object is (so an id is never mistaken for another's)."""
    index = _INDEXES.get(id(case))
    if index is None:
        index = _INDEXES[id(case)] = _CaseIndex(case)
        weakref.finalize(case, _INDEXES.pop, id(case), None)
    return index


class _Deck:
    """Draws a pool's texts (or authors) without repetition: each comes back only once all the
    others have been drawn, and never twice in a row across rounds.

    ``draw`` takes the session's bound ``rng.random``: one C call to pick a card, no shuffling.
    """

    __slots__ = ("size", "cards", "last")

    def __init__(self, size: int) -> None:
        self.cards: list[int] = []
        self.size, self.last = size, -1

    def refill(self, random_: Callable[[], float]) -> int:
        """Start a new round of cards and draw its first, which is not the previous round's last."""
        cards, last = self.cards, self.last
        cards[:] = range(self.size)
        if 0 <= last and len(cards) > 1:
            del cards[last]
        card = cards.pop(int(random_() * len(cards)))
        if 0 <= last != card:
            cards.append(last)
        self.last = card if not cards else -1
        return card

    def draw(self, random_: Callable[[], float]) -> int:
        cards = self.cards
        if cards:
            card = cards.pop(int(random_() * len(cards)))
            if not cards:
                self.last = card
            return card
        return self.refill(random_)


class Session:
    """One run of a case. See the module docstring for the API."""

    def __init__(self, case: Case, seed: int = 0, log: Subscriber | None = None) -> None:
        """Args:
            case: The case to play.
            seed: Seeds the one random generator of the run.
            log: A first subscriber (usually the session log); kept as ``session.log``.
        """
        index = self._index = _index(case)
        self.case = case
        self.seed = seed
        self.rng = random.Random(seed)
        self.log = log
        self.subscribers: list[Subscriber] = []
        self.state = RunState(metrics=dict(index.initial_metrics), stances=dict(index.initial_stances))
        self._hooks: EffectHooks | None = None  # made on first use, dropped at the end (see _finish)
        self.personas = index.personas
        self.channels = index.channels
        self.injects = index.injects
        # A decision with `when:` options is offered as it opens (Session._offer), so this run keeps its own.
        self.decisions = dict(index.decisions) if index.conditional_options else index.decisions
        self._conditional_options, self._conditional_noise = index.conditional_options, index.conditional_noise
        self._answers, self._tests, self._effects = index.answers, index.tests, index.effects
        self.posts = PostIndex(self.state.posts)
        # Written answers by decision (rebuilt by replay from the "write" inputs, like everything else).
        self.written: dict[str, Assessment] = {}
        # Written replies to posts, by post id ("reply" inputs).
        self.written_replies: dict[str, WrittenReply] = {}
        # The facilitator's corrections of those answers' findings, by decision ("override" inputs).
        self.overrides: dict[str, Override] = {}
        # And of written replies' findings, by post.
        self.reply_overrides: dict[str, Override] = {}
        dyn = self._dyn = index.dynamics
        story = case.story
        self._random = self.rng.random
        self._decay = float(dyn.decay)
        self._tau = dyn.decay / 60  # the kernel's mean life in minutes: a post adds b / tau to the rate
        self._cap = dyn.max_rate
        self._kick = min(MAX_BRANCHING, dyn.branching) / self._tau  # what one story post adds to the rate
        self._sentiment_step = dyn.sentiment_per_post
        self._critical, self._supportive = story.texts, story.supportive_texts
        self._cheers = bool(story.supportive_texts)
        self._cheers_when = story.supportive_when is not None  # kind words wait for this condition
        self._critical_deck, self._supportive_deck = _Deck(len(story.texts)), _Deck(len(story.supportive_texts))
        self._story_channels = story.channels
        self._crowd_speakers, self._crowd_virality = index.crowd, index.crowd_virality
        self._cancelled_seen = 0
        self._unanswered = 0
        self._closed: set[str] = set()  # channels an option's `closes_channel` closed to the public
        self._seq = 0
        self._queue: list[tuple[int, int, str, Any]] = []
        self._conditional: list[tuple[Inject | Decision, Callable[[RunState], bool]]] = []
        for at, kind, item_id in index.scheduled:
            # A conditional item is only watched from its `at` time on ("armed"), to keep steps cheap.
            self._schedule(at, kind, item_id)
        for bound in index.noise_bounds:
            self._schedule(bound, "pools", None)
        self._events: list[Event] = []
        self._pressing: list[Inject] = []  # public signals not answered yet
        self._decks: dict[Any, _Deck] = {}
        self._crowd = _Deck(len(case.crowd))
        # The story's intensity, lambda = min(max_rate, base + E + pressure * U), posts per minute.
        # Before the story's `start` the crowd does not talk on its own: the base rate waits for it.
        self._base = dyn.base_rate if story.start <= 0 else 0.0
        if story.start > 0:
            self._schedule(story.start, "story", None)
        self._floor = self._base  # base + pressure * U
        self._e_t = 0.0  # when state.excitation was last brought up to date
        self._lam_int = 0.0  # integral of lambda dt (posts/min x s) since the last gauge step
        self._u_int = 0.0  # integral of U dt (signals x s) since the last gauge step
        self._story_next = _INF  # the next candidate of the thinning, and its bound
        self._story_bound = 0.0
        self._draw_story(0.0)
        self._noise_pools: list[NoisePool] = []
        self._noise_entries = {
            id(pool): (rate, channel, pool.texts, self._deck(pool.id, len(pool.texts)), index.noise_authors[pool.id],
                       self._deck(("authors", pool.id), len(index.noise_authors[pool.id]))
                       if len(index.noise_authors[pool.id]) > 1 else None, index.noise_viralities[pool.id])
            for pool, _, _, channel, rate in index.noise}
        self._noise_table: list[tuple[Any, ...]] = []
        self._noise_rate = 0.0  # posts per minute, all active pools, times the noise factor
        self._noise_next = _INF
        self._refresh_noise()
        self._gauge_t = 0  # the last gauge step
        self._gauge_next = min(SAMPLE_EVERY, case.duration)
        self._att_keep = 1.0  # exp(-gauge_t / FRESHNESS)
        self._att_now = (-1, 0.0)  # attention at a time, cached for the front ends' engagement counters
        # What the hot loop (_chatter) reads and that never changes during a run, in one tuple.
        self._fixed = (self.state, self.state.posts, self.state.posts.append, self.state.metrics, self._random,
                       math.log, math.exp, math.ceil, FRESHNESS, self._cap, self._decay, self._cheers,
                       self._conditional_noise, self._sentiment_step, self._crowd_speakers, self._crowd_virality,
                       self._crowd, self._critical, self._critical_deck, self._cheers_when)
        if log is not None:
            self.subscribe(log)
        self._sample()

    def subscribe(self, subscriber: Subscriber) -> None:
        """Tell ``subscriber`` of every input, event and the end from now on."""
        self.subscribers.append(subscriber)
        subscriber.on_start(self)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.remove(subscriber)

    # --- queries ---------------------------------------------------------------------

    @property
    def status(self) -> Status:
        if self.state.ended:
            return Status.ENDED
        return Status.AWAITING_DECISION if self.state.open else Status.RUNNING

    @property
    def t(self) -> int:
        """Simulated seconds since the start."""
        return self.state.t

    @property
    def open_decisions(self) -> list[Decision]:
        return [self.decisions[d] for d in self.state.open]

    def closes_at(self, decision_id: str) -> int:
        return self.state.open[decision_id] + self.decisions[decision_id].time_limit

    def time_left(self, decision_id: str) -> int:
        return max(0, self.closes_at(decision_id) - self.state.t)

    @property
    def feed(self) -> list[Post]:
        return self.state.posts

    def replies_for(self, post: Post) -> list[Option]:
        """The ways the trainee may answer a post now (a reply's `when` must hold; variants resolved)."""
        replies, conditional = self._index.replies.get(post.inject) or self._index.replies[None]
        if not conditional:
            return replies
        return [offered for option in replies if (offered := self._offered(option)) is not None]

    def channel_open(self, channel_id: str) -> bool:
        """Whether a channel is open: always, unless its `when` does not hold yet."""
        return self._holds(self.channels[channel_id].when)

    def _holds(self, condition: Condition | None) -> bool:
        if condition is None:
            return True
        check = self._tests.get(id(condition))
        if check is None:
            check = self._tests[id(condition)] = compile_condition(condition)
        return check(self.state)

    def _offered(self, option: Option) -> Option | None:
        """The option as offered now: None when its `when` (or its channel's) does not hold; else with
        the post of the first variant whose `when` holds."""
        if not self._holds(option.when) or (option.channel and not self.channel_open(option.channel)):
            return None
        for variant in option.variants:
            if self._holds(variant.when):
                return option.model_copy(update={"post": variant.post})
        return option

    def _offer(self, decision: Decision) -> Decision:
        """The decision as it opens: only the options whose `when` holds now, posts resolved."""
        options = [offered for option in decision.options if (offered := self._offered(option)) is not None]
        if len(options) == len(decision.options) and all(a is b for a, b in zip(options, decision.options)):
            return decision
        return decision.model_copy(update={"options": options})

    @property
    def attention(self) -> float:
        """The story's attention integral now (engagement counters grow with it; docs/dynamics.md)."""
        t = self.state.t
        if self._att_now[0] != t:
            self._att_now = (t, self._attention_at(t))
        return self._att_now[1]

    def engagement(self, post: Post) -> tuple[int, int, int]:
        return post.engagement(self.attention)

    def stance(self, persona_id: str) -> Stance:
        return STANCE_ORDER[self.state.stances[persona_id]]

    @property
    def next_event_at(self) -> int:
        """The simulated second of the next thing the session has in store (the end at the latest)."""
        queue = self._queue
        nxt = min(self._gauge_next, queue[0][0] if queue else _INF,
                  math.ceil(min(self._story_next, self._noise_next, _INF - 1)))
        return int(min(nxt, self._dyn.duration))

    # --- inputs ----------------------------------------------------------------------

    def advance(self, seconds: float) -> list[Event]:
        """Let ``seconds`` of simulated time pass: whole seconds now, the fraction kept for later."""
        state = self.state
        state.carry += seconds
        whole = int(state.carry)
        if whole <= 0 or state.ended:
            return []
        state.carry -= whole
        self._run_to(state.t + whole)
        return self._flush()

    def step(self) -> list[Event]:
        """Let ``TICK`` simulated seconds pass."""
        if self.state.ended:
            return []
        self._run_to(self.state.t + TICK)
        return self._flush()

    def decide(self, decision_id: str, option_id: str) -> list[Event]:
        """Choose an option of an open decision."""
        if decision_id not in self.state.open:
            raise EngineError(N_("decision '{id}' is not open"), id=decision_id)
        decision = self.decisions[decision_id]
        option = next((o for o in decision.options if o.id == option_id), None)
        if option is None:
            raise EngineError(N_("decision '{id}' has no option '{option}'"), id=decision_id, option=option_id)
        self._input("decide", decision=decision_id, option=option_id)
        self._close(decision, option)
        self._after_input()
        return self._flush()

    def write(self, decision_id: str, text: str) -> list[Event]:
        """Answer an open decision with a written text (``responses: write`` or ``both``).

        The text is published as the organisation's post on the channel of the decision's first
        option with one (a channel's limit is hard, as on the real network); the option closest to
        the assessed text gives the effects and reactions, and the text's own strategy, tone and
        length are what the score judges.
        """
        if decision_id not in self.state.open:
            raise EngineError(N_("decision '{id}' is not open"), id=decision_id)
        decision = self.decisions[decision_id]
        if decision.responses is Responses.choose:
            raise EngineError(N_("decision '{id}' takes a chosen option, not a written answer"), id=decision_id)
        channel = next((o.channel for o in decision.options if o.channel), None)
        if channel is None:  # the options offered have none: the decision as written has one
            channel = next(o.channel for d in self.case.decisions if d.id == decision_id for o in d.options if o.channel)
        limit = self.channels[channel].limit
        if limit is not None and len(text) > limit:
            raise EngineError(N_("the answer is {length} characters; {channel} takes {limit}"), length=len(text), channel=channel, limit=limit)
        self._input("write", decision=decision_id, text=text)
        assessment = assess_answer(text, decision, self.case.language, limit=limit,
                                   post=answered_text(self.case, decision, self.state.fired))
        self.written[decision_id] = assessment
        option = closest_option(assessment, decision, self.case.language)
        self._close(decision, option, written=(text, channel, assessment))
        self._after_input()
        return self._flush()

    def override(self, decision_id: str | None = None, *, post: str | None = None, strategy: str | None = None,
                 key_points: dict[str, bool] | None = None, red_lines: dict[str, bool] | None = None,
                 by: str | None = None) -> None:
        """The facilitator's last word on a written answer (a decision's, or with ``post`` a
        written reply to that post): its primary strategy, a key point said or not, a red line
        crossed or not. Only the score follows (the round's effects were the closest option's
        when the answer was published).

        An input like any other, logged and replayed; unlike the others it is also taken after
        the end (the debrief is where a trainer reads the text): the log then gets the input and
        the new result (the assess helper's addition, issue 11).
        """
        if (decision_id is None) == (post is None):
            raise EngineError(N_("an override corrects one decision's written answer or one written reply"))
        change = Override(strategy, dict(key_points or {}), dict(red_lines or {}), by)
        if post is not None:
            if post not in self.written_replies:
                raise EngineError(N_("post '{id}' has no written reply to correct"), id=post)
            posted = self.posts[post]
            inject: Decision | Inject | None = self.injects.get(posted.inject) if posted.inject else None
            what = f"the reply to post {post!r}"
            kept, key = self.reply_overrides, post
        else:
            assert decision_id is not None
            if decision_id not in self.written:
                raise EngineError(N_("decision '{id}' has no written answer to correct"), id=decision_id)
            inject, what, kept, key = self.decisions[decision_id], None, self.overrides, decision_id
        try:
            check_override(change, inject, what)
        except ValueError as exc:
            raise EngineError(str(exc)) from None
        fields = {"decision": decision_id, "post": post, "strategy": strategy, "key_points": key_points or None,
                  "red_lines": red_lines or None, "by": by}
        if self.state.ended:
            if self.log is not None:
                self.log.on_input(self.state.t, "override", fields)
        else:
            self._input("override", **fields)
        previous = kept.get(key)
        kept[key] = previous.then(change) if previous else change
        if self.state.ended and self.log is not None:
            self.log.on_end(self)  # the result changed: the log's last result line is the new one

    def triage(self, post_id: str, action: TriageAction, reply_id: str | None = None) -> list[Event]:
        """Flag a post as a signal, dismiss it, or answer it with one of ``replies_for(post)``."""
        post = self.posts.get(post_id)
        if post is None:
            raise EngineError(N_("no post '{id}'"), id=post_id)
        if post.author == ORGANISATION:
            raise EngineError(N_("that post is the organisation's own"))
        reply: Option | None = None
        if action == "answer":
            reply = next((o for o in self.replies_for(post) if o.id == reply_id), None)
            if reply is None:
                raise EngineError(N_("no reply '{id}' for this post"), id=reply_id)
        elif action not in ("flag", "dismiss"):
            raise EngineError(N_("unknown triage action '{id}'"), id=action)
        self._input("triage", post=post_id, action=action, reply=reply_id)
        state = self.state
        state.triage[post_id] = (action, state.t)
        if post.signal and action in ("flag", "answer") and post_id not in state.caught_at:
            state.caught_at[post_id] = state.t
        if post.inject and action == "flag":
            state.flagged.add(post.inject)
        self._events.append(Triaged(post, action))
        if reply is not None:
            if post.inject:
                state.answered.add(post.inject)
            channel = post.channel
            published = self._publish(reply, channel, reply_to=post)
            self._respond(f"reply:{reply.id}@{post_id}", reply, channel, published)
            self._after_input()
        elif action == "flag" and self._conditional:
            self._check_conditions()  # a condition may wait for this flag
        return self._flush()

    def reply(self, post_id: str, text: str) -> list[Event]:
        """Answer a post with a written reply (the case's ``responses: write`` or ``both``).

        Like answering it with one of ``replies_for(post)``: the post counts as answered (a signal
        caught), the text is published under it on its channel (whose limit is hard), and the reply
        closest to the assessed text brings its effects and persona reactions. The text's own
        strategy, tone and length are what the score judges, with the key points and red lines of
        the post's inject when the case gives them; its questions are the ones to take up.
        """
        post = self.posts.get(post_id)
        if post is None:
            raise EngineError(N_("no post '{id}'"), id=post_id)
        if post.author == ORGANISATION:
            raise EngineError(N_("that post is the organisation's own"))
        if self.case.responses is Responses.choose:
            raise EngineError(N_("this case's posts take a chosen reply, not a written one"))
        offered = self.replies_for(post)
        if not offered:
            raise EngineError(N_("this post has no reply to compare a written one with"))
        limit = self.channels[post.channel].limit
        if limit is not None and len(text) > limit:
            raise EngineError(N_("the reply is {length} characters; {channel} takes {limit}"), length=len(text), channel=post.channel, limit=limit)
        if not text.strip():
            raise EngineError(N_("the reply is empty"))
        self._input("reply", post=post_id, text=text)
        inject = self.injects.get(post.inject) if post.inject else None
        lang = self.case.language
        assessment = assess_answer(text, inject, lang, limit=limit, post=post.text)
        closest = closest_option(assessment, inject, lang, offered)
        self.written_replies[post_id] = WrittenReply(post_id, closest.id, assessment, tuple(offered))
        state = self.state
        state.triage[post_id] = ("answer", state.t)
        if post.signal and post_id not in state.caught_at:
            state.caught_at[post_id] = state.t
        self._events.append(Triaged(post, "answer"))
        if post.inject:
            state.answered.add(post.inject)
        published = self._post("organisation", post.channel, self._index.organisation, text,
                               reply_to=post.id, boost=3, raw=True)
        self._respond(f"reply:{closest.id}@{post_id}", closest, post.channel, published, assessment)
        self._after_input()
        return self._flush()

    def fire(self, item_id: str) -> list[Event]:
        """Bring in an inject or decision now (a facilitator's live inject)."""
        if item_id not in self.injects and item_id not in self.decisions:
            raise EngineError(N_("no inject or decision '{id}'"), id=item_id)
        self._input("fire", item=item_id)
        self._fire(item_id, forced=True)
        self._after_input()
        return self._flush()

    def set_noise(self, factor: object) -> list[Event]:  # object: callers pass what they were sent
        """Turn the background noise (the case's ``noise:`` pools) up or down from now on.

        ``factor`` multiplies every pool's rate: ``NOISE_CALM`` (0) silences the filler,
        ``NOISE_NORMAL`` (1) is the case as written, ``NOISE_STORM`` (3) a storm of posts; any number
        from 0 to ``MAX_NOISE`` (5). The story, injects and reactions are not touched, so the gauges
        keep their meaning; only the haystack the signals hide in grows or shrinks. Logged as an
        input, so replay and resume play the same round.

        Raises:
            EngineError: ``factor`` is not a number from 0 to ``MAX_NOISE``, or the run has ended.
        """
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= MAX_NOISE:
            raise EngineError(N_("a noise factor is a number from 0 (calm) to {most} (storm), not {factor}"), most=f"{MAX_NOISE:g}", factor=repr(factor))
        self._input("noise", factor=float(factor))
        self.state.noise = float(factor)
        self._refresh_noise()
        return self._flush()

    def end(self) -> list[Event]:
        """End the round now (a facilitator's decision).

        Ending early must not dodge what is left of the round: the rest plays out as silence
        (decisions still to come open and time out, the story runs to the case's end, no inputs)
        before the round is scored, and ``state.ended_early_at`` says when it was stopped.
        """
        state = self.state
        if not state.ended:
            self._input("end")
            state.ended_early_at = state.t
            self._run_to(self._dyn.duration)
        return self._flush()

    def objectives_met(self) -> dict[str, bool | None]:
        """Each objective: met, not met, or None when the case gives no test for it."""
        return {o.id: (check(self.state) if check else None) for o, check in self._index.objectives}

    # --- the event-driven clock ------------------------------------------------------

    def _run_to(self, limit: int, posts: int | None = None, items: bool = False, decisions: bool = False) -> None:
        """Play everything that happens up to and including simulated second ``limit``.

        With ``posts``, stop early once the feed holds that many posts; with ``items``, once an
        inject or decision has come in (with ``decisions``, a decision); either way at the end of
        that ``TICK`` (the next multiple of ten seconds), so a bot woken that way acts exactly when
        it would have, stepped tick by tick (``step``), and sees what a person (or a replay) would
        see at that second.
        """
        state, queue, feed = self.state, self._queue, self.state.posts
        limit = min(limit, self._dyn.duration)
        while not state.ended:
            gauge = self._gauge_next
            due = queue[0][0] if queue and queue[0][0] < gauge else gauge
            story, noise = self._story_next, self._noise_next
            if (story if story < noise else noise) < due:  # some chatter first
                passed, limit, posts = self._chatter(due, limit, posts)
                if passed:
                    state.t = max(state.t, limit)
                    return
            if due > limit:
                break
            state.t = due
            seen = len(state.fired) if items else len(state.opened_at)
            if queue and queue[0][0] == due:
                _, _, kind, payload = heapq.heappop(queue)
                self._happen(kind, payload)
                # Conditions are looked at after what decides the story (an inject, a deadline)
                # and at each gauge step; a reply's small effects wait for the next of those.
                if kind != "reaction" and kind != "pools" and kind != "story":
                    self._look_at_conditions()
            else:
                self._gauge()
            if ((items or decisions) and seen != (len(state.fired) if items else len(state.opened_at))
                    or posts is not None and len(feed) >= posts):
                limit, posts = min(limit, -(-due // TICK) * TICK), None
        if not state.ended:
            state.t = max(state.t, limit)

    def _chatter(self, due: float, limit: int, posts: int | None) -> tuple[bool, int, int | None]:
        """The story's and the noise's posts before ``due`` (the next scheduled thing or gauge step):
        the hot loop of a run, with what it reads and writes held in local variables.

        Returns whether the clock went past ``limit`` (the step is over), and ``limit`` and
        ``posts`` as a ``posts`` wish (see :meth:`_run_to`) left them.
        """
        story, noise = self._story_next, self._noise_next
        if (story if story < noise else noise) >= due:
            return False, limit, posts
        (state, feed, add, metrics, random_, log, exp, ceil, freshness, cap, decay, cheers, conditional, step,
         speakers, viralities, crowd, critical, critical_deck, cheers_when) = self._fixed
        tell = self._events.append
        # What stays put between two scheduled things: the story's parameters and the attention's.
        floor, kick, unanswered = self._floor, self._kick, self._unanswered
        attention, keep = state.attention, self._att_keep
        growth = (state.rate + 1) * (FRESHNESS / 60)
        channels = self._story_channels
        several = len(channels)  # more than one: a story post's channel is drawn
        if several == 1:
            several = 0
        pools, noise_rate, factor = self._noise_table, self._noise_rate, state.noise
        excitation, e_t, bound = state.excitation, self._e_t, self._story_bound
        lam_int, u_int = self._lam_int, self._u_int
        sentiment = metrics["sentiment"]
        n = len(feed)
        wish = posts if posts is not None else _INF  # the feed length that ends the step at its tick
        stamp = state.t
        passed = False
        while True:
            if story <= noise:
                if story >= due:
                    break
                x = story
                if x > limit:  # its second, ceil(x), is past the limit
                    passed = True
                    break
                # A candidate of the thinning: kept with probability lambda(x) / bound; a kept one
                # excites the story and draws the next candidate from the new, higher rate.
                dt = x - e_t
                e1 = excitation * exp(-dt / decay)
                if floor + excitation <= cap:  # _area, inlined
                    lam_int += floor * dt + (excitation - e1) * decay
                elif floor + e1 >= cap:
                    lam_int += cap * dt
                else:
                    edge = cap - floor
                    below = decay * log(excitation / edge)
                    lam_int += cap * below + floor * (dt - below) + (edge - e1) * decay
                u_int += unanswered * dt
                e_t = x
                lam = floor + e1
                if lam > cap:
                    lam = cap
                if random_() * bound <= lam:
                    stamp = ceil(x)
                    positive = cheers and random_() < (sentiment - 45) / 70
                    if positive and cheers_when:
                        state.t, metrics["sentiment"] = stamp, sentiment
                        positive = self._holds(self.case.story.supportive_when)
                    if positive:
                        texts, deck = self._supportive, self._supportive_deck
                    else:
                        texts, deck = critical, critical_deck
                    cards = deck.cards
                    if cards:
                        card = cards.pop(int(random_() * len(cards)))
                        if not cards:
                            deck.last = card
                    else:
                        card = deck.refill(random_)
                    text = texts[card]
                    cards = crowd.cards
                    if cards:
                        member = cards.pop(int(random_() * len(cards)))
                        if not cards:
                            crowd.last = member
                    else:
                        member = crowd.refill(random_)
                    channel = channels[int(random_() * several)] if several else channels[0]
                    fresh = exp(stamp / freshness)
                    weight = viralities[member] * (0.4 + 1.2 * random_()) * fresh
                    if conditional:
                        state.t, metrics["sentiment"] = stamp, sentiment
                    if not conditional or self.channel_open(channel):  # else the talk goes on elsewhere
                        n += 1
                        post = StoryPost(n, stamp, channel, speakers[member], text, weight,
                                         attention + growth * (keep - 1 / fresh))
                        add(post)
                        tell(post)
                    # Each post provokes `branching` more on average, spread over the kernel's life;
                    # kept below 1 so the story, however hot, burns out once nobody feeds it. The
                    # crowd saturates: the lower sentiment is, the less one more critical post moves it.
                    e1 += kick
                    lam = floor + e1
                    if lam > cap:
                        lam = cap
                    sentiment += 0.5 * step if positive else -step * sentiment / 50
                    sentiment = 0.0 if sentiment < 0 else 100.0 if sentiment > 100 else sentiment
                else:
                    stamp = ceil(x)
                excitation = e1
                bound = lam
                story = x - log(1.0 - random_()) * 60 / lam if lam > 0 else _INF
            else:
                if noise >= due:
                    break
                if noise > limit:
                    passed = True
                    break
                stamp = ceil(noise)
                # One background post, its pool chosen in proportion to the pools' rates.
                entry = pools[0]
                if len(pools) > 1:
                    pick = random_() * noise_rate / factor
                    for entry in pools:
                        pick -= entry[0]
                        if pick < 0:
                            break
                _, channel, texts, deck, authors, author_deck, author_viralities = entry
                cards = deck.cards
                if cards:
                    card = cards.pop(int(random_() * len(cards)))
                    if not cards:
                        deck.last = card
                else:
                    card = deck.refill(random_)
                text = texts[card]
                if author_deck is not None:
                    card = author_deck.draw(random_)
                    speaker, virality = authors[card], author_viralities[card]
                elif authors:
                    speaker, virality = authors[0], author_viralities[0]
                else:
                    cards = crowd.cards
                    if cards:
                        member = cards.pop(int(random_() * len(cards)))
                        if not cards:
                            crowd.last = member
                    else:
                        member = crowd.refill(random_)
                    speaker, virality = speakers[member], viralities[member]
                fresh = exp(stamp / freshness)
                n += 1
                made = NoisePost(n, stamp, channel, speaker, text, virality * (0.4 + 1.2 * random_()) * fresh,
                                 attention + growth * (keep - 1 / fresh))
                add(made)
                tell(made)
                noise = noise - log(1.0 - random_()) * 60 / noise_rate
            if n >= wish:
                limit, wish, posts = min(limit, -(-stamp // TICK) * TICK), _INF, None
        state.t = stamp
        metrics["sentiment"] = sentiment
        state.excitation, self._e_t = excitation, e_t
        self._story_bound, self._story_next = bound, story
        self._lam_int, self._u_int, self._noise_next = lam_int, u_int, noise
        return passed, limit, posts

    def _happen(self, kind: str, payload: Any) -> None:
        """One scheduled thing."""
        if kind == "fire":
            self._fire(payload)
        elif kind == "arm":
            item = self.injects.get(payload) or self.decisions[payload]
            self._conditional.append((item, self._index.checks[payload]))
        elif kind == "reaction":
            self._react(*payload)
        elif kind == "timeout":
            decision_id, opened = payload
            if self.state.open.get(decision_id) == opened:
                self._close(self.decisions[decision_id], None)
        elif kind == "pools":
            self._refresh_noise()
        elif kind == "story":  # the story's start: the crowd's own talk begins
            self._base = self._dyn.base_rate
            self._set_pressing(self._pressing)

    def _check_conditions(self) -> None:
        """Fire the items waiting for a condition that now holds (each test is a pure function of
        the state, so the common case, none holds, is found without building a list)."""
        state = self.state
        for _, check in self._conditional:
            if check(state):
                break
        else:
            if len(state.cancelled) == self._cancelled_seen:
                return
        ready = [item for item, check in self._conditional if check(state)]
        for item in ready:
            self._fire(item.id)
        if ready or len(state.cancelled) != self._cancelled_seen:
            done = state.fired | state.cancelled
            self._conditional = [(i, c) for i, c in self._conditional if i.id not in done]
            self._cancelled_seen = len(state.cancelled)

    def _after_input(self) -> None:
        """An input may settle a signal or meet a condition: both take effect at once."""
        self._update_pressing()
        self._look_at_conditions()

    def _look_at_conditions(self) -> None:
        """Fire what waits for a condition that now holds; in a case whose noise pools or channels
        have ``when:``, start or stop those pools."""
        if self._conditional:
            self._check_conditions()
        if self._conditional_noise:
            t = self.state.t
            pools = [p for p in self.case.noise if p.start <= t and (p.end is None or t <= p.end)
                     and p.channel not in self._closed and self._holds(p.when) and self.channel_open(p.channel)]
            if pools != self._noise_pools:
                self._refresh_noise()

    # --- the story: a self-exciting process drawn by thinning --------------------------

    def _settle(self, x: float) -> float:
        """Bring the excitation and the rate integrals up to time ``x``; returns lambda(x)."""
        state = self.state
        dt = x - self._e_t
        e0 = state.excitation
        cap, floor = self._cap, self._floor
        if dt > 0:
            e1 = e0 * math.exp(-dt / self._decay)
            self._lam_int += self._area(dt, e0, e1)
            self._u_int += self._unanswered * dt
            state.excitation = e1
            self._e_t = x
        lam = floor + state.excitation
        return cap if lam > cap else lam

    def _area(self, dt: float, e0: float, e1: float) -> float:
        """The integral of lambda over ``dt`` seconds while the excitation decays from e0 to e1."""
        cap, floor, decay = self._cap, self._floor, self._decay
        if floor + e0 <= cap:
            return floor * dt + (e0 - e1) * decay
        if floor + e1 >= cap:
            return cap * dt
        edge = cap - floor  # capped until the excitation falls to cap - floor
        below = decay * math.log(e0 / edge)
        return cap * below + floor * (dt - below) + (edge - e1) * decay

    def _draw_story(self, x: float) -> None:
        """The next candidate story post after ``x``: an exponential gap at the bound lambda(x)."""
        bound = self._settle(x)
        self._story_bound = bound
        self._story_next = x - math.log(1.0 - self.rng.random()) * 60 / bound if bound > 0 else _INF

    def _set_spread(self, spread: float) -> None:
        """Clumsy answers raise ``spread`` (the branching ratio's multiplier), good ones lower it."""
        self.state.spread = spread
        self._kick = min(MAX_BRANCHING, self._dyn.branching * spread) / self._tau

    def _heat(self, heat: float) -> None:
        state = self.state
        t = state.t
        self._settle(t)
        excitation = state.excitation + heat / self._tau
        excitation = state.excitation = excitation if excitation > 0 else 0.0
        # _draw_story(t), the excitation being up to date
        bound = self._floor + excitation
        if bound > self._cap:
            bound = self._cap
        self._story_bound = bound
        self._story_next = t - math.log(1.0 - self._random()) * 60 / bound if bound > 0 else _INF

    def _update_pressing(self) -> None:
        """Public signals nobody has answered yet (an unanswered email is not seen by the public);
        they add to the story's rate and erode trust."""
        state = self.state
        pressing = [inject for inject in self._pressing if inject.id not in state.answered
                    and not any(state.choices.get(d) in self._answers[inject.id].get(d, ()) for d in state.choices)]
        if len(pressing) != len(self._pressing):
            self._set_pressing(pressing)

    def _set_pressing(self, pressing: list[Inject]) -> None:
        t = self.state.t
        self._settle(t)  # the old pressure up to now
        self._pressing = pressing
        self._unanswered = len(pressing)
        self._floor = self._base + self._dyn.silence_pressure * len(pressing)
        self._draw_story(t)

    # --- noise: the pools' posts at exponential gaps ---------------------------------

    def _refresh_noise(self) -> None:
        """The pools active now and their total rate (times the noise factor); the next noise post."""
        t = self.state.t
        self._noise_pools = [p for p, start, end, channel, _ in self._index.noise
                             if start <= t and (end is None or t <= end) and channel not in self._closed]
        if self._conditional_noise:
            self._noise_pools = [p for p in self._noise_pools if self._holds(p.when) and self.channel_open(p.channel)]
        # What a noise post reads of its pool, in plain values (a case's model is slow to read).
        self._noise_table = [self._noise_entries[id(p)] for p in self._noise_pools]
        self._noise_rate = sum(entry[0] for entry in self._noise_table) * self.state.noise
        rate = self._noise_rate / 60
        self._noise_next = t + self.rng.expovariate(rate) if rate > 0 else _INF

    def _deck(self, key: Any, size: int) -> _Deck:
        deck = self._decks.get(key)
        if deck is None:
            deck = self._decks[key] = _Deck(size)
        return deck

    # --- the gauges, once a minute ----------------------------------------------------

    def _attention_at(self, t: float) -> float:
        """attention(t) = attention at the last gauge step + integral of (rate + 1) exp(-s/600) ds / 60,
        with the rate of the last full minute (so the counters only ever grow)."""
        state = self.state
        return state.attention + (state.rate + 1) * (FRESHNESS / 60) * (self._att_keep - math.exp(-t / FRESHNESS))

    def _gauge(self) -> None:
        state, dyn, metrics = self.state, self._dyn, self.state.metrics
        t = state.t
        dt = t - self._gauge_t
        self._settle(t)
        if dt > 0:
            minutes = dt / 60
            rate = self._lam_int / dt
            unanswered = self._u_int / 60  # signal-minutes
            keep = math.exp(-t / FRESHNESS)
            state.attention += (state.rate + 1) * (FRESHNESS / 60) * (self._att_keep - keep)  # _attention_at(t)
            self._att_keep = keep
            state.rate = rate
            if unanswered:
                trust = metrics["trust"] - dyn.trust_erosion * unanswered
                metrics["trust"] = 0.0 if trust < 0 else 100.0 if trust > 100 else trust  # _bounded
            target = 100 * (1 - math.exp(-rate / dyn.visibility_scale))
            visibility = metrics["visibility"]
            visibility = metrics["visibility"] = visibility + (target - visibility) * (
                1 - math.exp(-dt / VISIBILITY_MEMORY))
            over = visibility - dyn.media_threshold
            media = metrics["media"] + (0.08 * over if over > 0 else -0.3) * minutes
            metrics["media"] = 0.0 if media < 0 else 100.0 if media > 100 else media  # _bounded
            keep = _SPREAD_KEEP if dt == SAMPLE_EVERY else math.exp(-dt / SPREAD_MEMORY)
            spread = state.spread = 1.0 + (state.spread - 1.0) * keep  # _set_spread
            self._kick = min(MAX_BRANCHING, dyn.branching * spread) / self._tau
            self._lam_int = self._u_int = 0.0
        self._gauge_t = t
        self._look_at_conditions()
        if t >= self._dyn.duration:
            self._finish()
            return
        if t % SAMPLE_EVERY == 0:
            self._sample()
        self._gauge_next = min(t + SAMPLE_EVERY, self._dyn.duration)

    def _sample(self) -> None:
        state = self.state
        metrics = {name: _round3(value) for name, value in state.metrics.items()}
        state.samples.append((state.t, metrics))
        self._events.append(MetricsSampled(state.t, metrics))

    def _clamp(self) -> None:
        metrics = self.state.metrics
        for name, value in metrics.items():
            if value < 0:
                metrics[name] = 0.0
            elif value > 100:
                metrics[name] = 100.0

    # --- things happening ------------------------------------------------------------

    def _schedule(self, t: int, kind: str, payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (t, self._seq, kind, payload))

    def _fire(self, item_id: str, forced: bool = False) -> bool:
        state = self.state
        if item_id in state.cancelled and not forced:
            return False
        if item_id in state.fired:
            return False
        state.fired.add(item_id)
        if item_id in self.injects:
            inject = self.injects[item_id]
            heat = inject.heat if inject.heat is not None else (3.0 if inject.signal else 0.5)
            self._post("inject", inject.channel, self._index.speakers[inject.author], inject.text,
                       signal=inject.signal, inject=inject.id, subject=inject.subject, boost=1 + heat)
            if inject.signal and state.first_signal_at is None:
                state.first_signal_at = state.t
            if inject.signal and inject.channel not in self._index.inbox:
                self._set_pressing([*self._pressing, inject])
            self._heat(heat)
            self._apply(inject.effects)
        else:
            decision = self.decisions[item_id]
            if self._conditional_options:
                # Front ends, decide() and the score all read the options through self.decisions.
                decision = self.decisions[item_id] = self._offer(decision)
            state.open[item_id] = state.opened_at[item_id] = state.t
            self._schedule(state.t + decision.time_limit, "timeout", (item_id, state.t))
            if decision.channel:
                speaker = self._index.speakers.get(decision.author or "", self._index.organisation)
                self._post("decision", decision.channel, speaker, decision.prompt, subject=decision.title,
                           raw=True)
            self._events.append(DecisionOpened(decision, state.t + decision.time_limit))
        return True

    def _close(self, decision: Decision, option: Option | None,
               written: tuple[str, str, Assessment] | None = None) -> None:
        state = self.state
        state.open.pop(decision.id, None)
        state.choices[decision.id] = option.id if option else None
        state.decided_at[decision.id] = state.t
        if option is None:
            timeout = decision.on_timeout
            state.responses.append(
                Response(state.t, f"{decision.id}.timeout", timeout.strategy.value, None, None, None, False)
            )
            self._apply(timeout.effects)
        elif written is not None:
            text, channel, assessment = written
            published = self._post("organisation", channel, self._index.organisation, text, boost=3,
                                   raw=True) if text.strip() else None
            self._respond(f"{decision.id}.{option.id}", option, channel, published, assessment)
        else:
            published = self._publish(option, option.channel) if option.post and option.channel else None
            self._respond(f"{decision.id}.{option.id}", option, option.channel, published)
        self._events.append(DecisionClosed(decision, option, state.t))

    def _publish(self, option: Option, channel: str, reply_to: Post | None = None) -> Post | None:
        if not option.post:
            return None
        return self._post("organisation", channel, self._index.organisation, option.post,
                          reply_to=reply_to.id if reply_to else None, boost=3, raw=True)

    def _respond(self, source: str, option: Option, channel: str | None, published: Post | None,
                 written: Assessment | None = None) -> None:
        """Record what the organisation did, apply its effects and let the personas react.

        A written answer is recorded with its own strategies, tone and length (what the score
        judges); the closest option brings its effects and reactions. A message on an inbox
        channel (an email, a phone call) is private: the public neither sees it nor reacts to it,
        and it is not one of the organisation's public messages.
        """
        state = self.state
        public = published is not None and published.channel not in self._index.inbox
        if public and state.first_response_at is None:
            state.first_response_at = state.t
        if written is not None:
            response = Response(state.t, source, written.strategy, written.tone, channel, written.length,
                                public, tuple(written.also))
        else:
            response = Response(
                state.t, source, option.strategy.value, option.tone.value, channel,
                len(option.post) if option.post else None, public,
                tuple(s.value for s in option.also),
            )
        state.responses.append(response)
        late = option.late
        effects = late.effects if late is not None and state.t >= late.after else option.effects
        self._apply(effects)
        if channel is not None and option.closes_channel:
            self._close_channel(channel)
        elif public and channel in self._closed:
            self._close_channel(channel, reopen=True)  # the organisation speaks there again: it is open
        if published is not None and not public:
            return
        ref = source.removeprefix("reply:").split("@")[0]
        for reaction in self._index.reactions_to(option, ref):
            if self._in_time(reaction):
                self._schedule_reactions(reaction, published)

    def _close_channel(self, channel: str, reopen: bool = False) -> None:
        """The public can no longer post on ``channel`` (or can again): its noise stops, the story
        moves elsewhere."""
        if reopen:
            self._closed.discard(channel)
        else:
            self._closed.add(channel)
        story = self.case.story.channels
        self._story_channels = [c for c in story if c not in self._closed] or story
        self._refresh_noise()

    def _in_time(self, reaction: Reaction) -> bool:
        """Whether now is within the reaction's ``later_than`` and ``within`` of the first signal."""
        state, trigger = self.state, reaction.on
        since = state.t - (state.first_signal_at if state.first_signal_at is not None else 0)
        if trigger.later_than is not None and since <= trigger.later_than:
            return False
        if trigger.within is not None and since > trigger.within:
            return False
        return True

    def _schedule_reactions(self, reaction: Reaction, target: Post | None) -> None:
        state, random_ = self.state, self._random
        who, wanted, chances = self._index.reacting(reaction)
        stances = state.stances
        deck = self._deck(("reaction", reaction.id), len(reaction.texts))
        texts, delay, target_id = reaction.texts, reaction.delay, target.id if target else None
        for persona_id, chance in zip(who, chances):
            if wanted is not None and stances[persona_id] not in wanted:
                continue
            if random_() >= chance:
                continue
            # delay x U(0.5, 1.5), as random.uniform draws it (0.5 + (1.5 - 0.5) * random()).
            wait = max(TICK, int(delay * (0.5 + 1.0 * random_())))
            text = texts[deck.draw(random_)]
            self._schedule(state.t + wait, "reaction", (reaction.id, persona_id, text, target_id))

    def _react(self, reaction_id: str, persona_id: str, text: str, target_id: str | None) -> None:
        reaction = self._index.reactions[reaction_id]
        persona = self.personas[persona_id]
        target = self.posts.get(target_id) if target_id else None
        channel = target.channel if target else self._story_channels[0]
        if channel in self._closed:
            channel = self._story_channels[0]
        self._post("reaction", channel, self._index.speakers[persona_id], text,
                   reply_to=target_id, boost=1 + reaction.heat)
        if target is not None:
            target.replies += 1
        stances = self.state.stances
        stances[persona_id] = min(len(STANCE_ORDER) - 1, max(0, stances[persona_id] + reaction.stance_shift))
        self._heat(reaction.heat * (0.5 + persona.influence))
        self._apply(reaction.effects)

    def _apply(self, effects: Effects) -> None:
        # Each field is applied by its entry in the effects registry (game/engine/conditions.py),
        # the one definition the loader, the linter and the graph read too; which fields a block
        # sets is worked out once per block (by identity: the case keeps its blocks alive).
        steps = self._effects.get(id(effects))
        if steps is None or steps[0] is not effects:
            steps = self._effects[id(effects)] = (effects, effect_steps(effects))
        state, hooks = self.state, self._hooks
        if hooks is None:
            hooks = self._hooks = EffectHooks(self._clamp, self._set_spread, self._heat, self._fire, self._schedule)
        for apply, value in steps[1]:
            apply(value, state, hooks)

    def _post(self, kind: PostKind, channel: str, speaker: Speaker, text: str, *, signal: bool = False,
              inject: str | None = None, subject: str | None = None, reply_to: str | None = None,
              boost: float = 1.0, raw: bool = False) -> Post:
        """An inject, a decision's message, a reaction or the organisation's own post.

        ``text`` is a template unless ``raw`` (the organisation's own words, a decision's prompt).
        """
        state = self.state
        t = state.t
        fresh = math.exp(t / FRESHNESS)
        virality = 0.4 * math.sqrt(speaker.followers + 100) * boost
        feed = state.posts
        post = LinkedPost(len(feed) + 1, t, channel, kind, speaker, text,
                          virality * (0.4 + 1.2 * self._random()) * fresh,
                          state.attention + (state.rate + 1) * (FRESHNESS / 60) * (
                              self._att_keep - math.exp(-t / FRESHNESS)),  # _attention_at(t)
                          signal, inject, reply_to, subject)
        if raw:
            post._text = text
        feed.append(post)
        self._events.append(post)
        return post

    def _finish(self) -> None:
        state = self.state
        for decision_id in list(state.open):
            self._close(self.decisions[decision_id], None)
        self._sample()  # the gauges' last state, at the end (a minute's sample or not)
        state.ending = next(e.id for e, check in self._index.endings if check is None or check(state))
        state.ended = True
        self._events.append(Ended(state.ending))
        # The hooks' bound methods are the session's only reference cycle: without them a finished
        # run is freed as soon as nobody holds it, not at the garbage collector's next full pass.
        self._hooks = None

    def _input(self, kind: str, **fields: Any) -> None:
        if self.state.ended:
            raise EngineError(N_("the run has ended"))
        for subscriber in self.subscribers:
            subscriber.on_input(self.state.t, kind, fields)

    def _flush(self) -> list[Event]:
        events, self._events = self._events, []
        if self.subscribers:
            t, ended = self.state.t, self.state.ended
            for subscriber in self.subscribers:
                subscriber.on_events(t, events)
                if ended:
                    subscriber.on_end(self)
            if ended:
                self.subscribers = []  # the end is told once
        return events


def run(session: Session, driver: Driver, until: int | None = None) -> Session:
    """Let ``driver`` play ``session`` to its end (or to simulated time ``until``).

    The one loop behind bots, replayed logs and resumed rounds: the driver sees the events since
    it last acted (none at first) and makes its inputs, then the clock moves to the moment the
    driver asked for with ``wake`` (every ``TICK`` seconds for a driver that does not say).
    """
    wake = getattr(driver, "wake", None)
    events: list[Event] = []
    state = session.state
    end = session.case.duration if until is None else min(until, session.case.duration)
    while not state.ended:
        driver.act(session, events)
        if state.ended or (until is not None and state.t >= until):
            break
        if wake is None:
            session._run_to(min(state.t + TICK, end))
        else:
            at, posts, items, decisions = wake(session)
            target = end if at is None else min(end, max(at, state.t + 1))
            session._run_to(target, posts, items, decisions)
        events = session._flush()
    return session
