"""A run of a case: the simulated clock, the feed, the story's spread, decisions and triage.

The front ends (terminal, pygame, bots) all drive this one API::

    session = Session(case, seed=7)
    events = session.advance(30.0)          # simulated seconds; runs whole ticks
    session.decide("takedown", "leave-it")  # while status is AWAITING_DECISION
    session.triage(post_id, "flag")
    session.write("statement", text)        # a written answer (responses: write | both)
    session.override("statement", strategy="apology", key_points={"refund": True}, by="Ana")
    session.subscribe(SessionLog(stream))   # anyone may listen: inputs, events, the end
    result = score(session)                 # game.engine.scoring, once status is ENDED

Whatever drives a session to its end (a bot, a replayed log, a resumed round) goes through
:func:`run`.

The engine never reads the wall clock and draws every random number from one seeded
``random.Random``: the same case, seed and inputs give the same log and score.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from game.engine.conditions import compile_condition
from game.engine.model import (
    STANCE_ORDER,
    Case,
    Channel,
    Condition,
    Decision,
    Effects,
    Inject,
    InjectAfter,
    NoisePool,
    Option,
    Persona,
    Reaction,
    Responses,
    Stance,
    Strategy,
    Temperament,
)
from game.engine.state import FRESHNESS, Post, Response, RunState, TriageAction
from game.engine.assess import Assessment, Override, assess_answer, check_override, closest_option

ENGINE_VERSION = 2
"""Which engine wrote a log; bumped whenever the same case, seed and inputs would play differently.

1. Until December 2026.
2. ``end()`` plays the rest of the round out in silence before scoring (issue 17).
"""

TICK = 10
"""Simulated seconds per engine step."""

SAMPLE_EVERY = 60
"""Metrics are sampled (for charts and the log) once per simulated minute."""

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
VISIBILITY_RELAX = 1 - math.exp(-TICK / 180)
"""Seconds over which the effect of a clumsy (or a good) answer on contagion wears off."""


class Status(StrEnum):
    RUNNING = "running"
    AWAITING_DECISION = "awaiting_decision"
    ENDED = "ended"


class EngineError(ValueError):
    """A front end asked for something impossible (a closed decision, an unknown post)."""


# --- events: what the engine reports to front ends ----------------------------------------


@dataclass(slots=True)  # not frozen: the most frequent event, and frozen init costs a setattr per field
class PostAdded:
    post: Post


@dataclass(frozen=True, slots=True)
class DecisionOpened:
    decision: Decision
    closes_at: int


@dataclass(frozen=True, slots=True)
class DecisionClosed:
    decision: Decision
    option: Option | None  # None: ran out of time


@dataclass(frozen=True, slots=True)
class MetricsSampled:
    t: int
    metrics: dict[str, float]


@dataclass(frozen=True, slots=True)
class Triaged:
    post: Post
    action: TriageAction


@dataclass(frozen=True, slots=True)
class Ended:
    ending_id: str


Event = PostAdded | DecisionOpened | DecisionClosed | MetricsSampled | Triaged | Ended


class Subscriber(Protocol):
    """Whoever listens to a session (its log, the results recorder, a screen).

    The session calls ``on_start`` when the subscriber joins, ``on_input`` for each input before
    it takes effect, ``on_events`` with what happened after each step or input (the same list the
    call returns), and ``on_end`` once, after the events of the end.
    """

    def on_start(self, session: Session) -> None: ...

    def on_input(self, t: int, kind: str, fields: dict[str, Any]) -> None: ...

    def on_events(self, t: int, events: list[Event]) -> None: ...

    def on_end(self, session: Session) -> None: ...


class Driver(Protocol):
    """Makes a session's inputs: a bot, a replayed log."""

    def act(self, session: Session, events: list[Event]) -> None:
        """Look at what just happened and make inputs (decide, triage, ...) on the session."""


_PLACEHOLDER = re.compile(r"\{(org|name|handle)\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Fill ``{org}``, ``{name}`` and ``{handle}``; any other brace is left as written."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: values[m[1]], template)


def _bounded(value: float) -> float:
    """Metrics stay between 0 and 100."""
    return 0.0 if value < 0 else 100.0 if value > 100 else value


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of one tick."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class Session:
    """One run of a case. See the module docstring for the API."""

    def __init__(self, case: Case, seed: int = 0, log: Subscriber | None = None) -> None:
        """Args:
            case: The case to play.
            seed: Seeds the one random generator of the run.
            log: A first subscriber (usually the session log); kept as ``session.log``.
        """
        self.case = case
        self.seed = seed
        self.rng = random.Random(seed)
        self.log = log
        self.subscribers: list[Subscriber] = []
        self.state = RunState(
            metrics={name: float(value) for name, value in case.metrics.items()},
            stances={p.id: STANCE_ORDER.index(p.stance) for p in case.personas},
        )
        self.personas: dict[str, Persona] = {p.id: p for p in case.personas}
        self.channels: dict[str, Channel] = {c.id: c for c in case.channels}
        self.injects: dict[str, Inject] = {i.id: i for i in case.injects}
        self.decisions: dict[str, Decision] = {d.id: d for d in case.decisions}
        self.posts: dict[str, Post] = {}
        # Written answers by decision (rebuilt by replay from the "write" inputs, like everything else).
        self.written: dict[str, Assessment] = {}
        # The facilitator's corrections of those answers' findings, by decision ("override" inputs).
        self.overrides: dict[str, Override] = {}
        dyn = case.dynamics
        self._decay_minutes = dyn.decay / 60
        self._decay_per_tick = math.exp(-TICK / dyn.decay)
        self._spread_relax = 1 - math.exp(-TICK / SPREAD_MEMORY)
        self._seq = 0
        self._queue: list[tuple[int, int, str, Any]] = []
        self._conditional: list[tuple[Inject | Decision, Callable[[RunState], bool]]] = []
        self._armed_live = 0
        self._checks = {item.id: compile_condition(item.when)
                        for item in [*case.injects, *case.decisions] if item.when is not None}
        for item in [*case.injects, *case.decisions]:
            if item.optional:
                continue
            # A conditional item is only watched from its `at` time on ("armed"), to keep ticks cheap.
            self._schedule(item.at or 0, "arm" if item.when is not None else "fire", item.id)
        self._endings = [(e, compile_condition(e.when) if e.when else None) for e in case.endings]
        self._objectives = [(o, compile_condition(o.met_when) if o.met_when else None) for o in case.objectives]
        # The `when` of options, post variants, channels, noise pools and supportive chatter, compiled on
        # first use (by the condition's identity: the case keeps every condition alive).
        self._tests: dict[int, Callable[[RunState], bool]] = {}
        options = [o for d in case.decisions for o in d.options] + [o for i in case.injects for o in i.replies]
        self._conditional_options = any(o.when is not None or o.variants for o in [*options, *case.replies]) \
            or any(c.when is not None for c in case.channels)
        # For each inject, the options that answer it, by decision: those `handled_by` names, a bare decision
        # meaning every option but a no_comment one (saying nothing does not answer a signal).
        self._answers: dict[str, dict[str, set[str]]] = {}
        for inject in case.injects:
            answers = self._answers[inject.id] = {}
            for ref in inject.handled_by:
                decision, _, option = ref.partition(".")
                answers.setdefault(decision, set()).update(
                    [option] if option else
                    [o.id for o in self.decisions[decision].options if o.strategy is not Strategy.no_comment])
        self._conditional_noise = any(p.when is not None for p in case.noise) or any(c.when for c in case.channels)
        self._events: list[Event] = []
        self._pressing: list[Inject] = []  # public signals not answered yet (derived from the state)
        self._pressing_version: tuple[int, int, int] = (0, 0, 0)
        self._fresh = 1.0  # exp(t / FRESHNESS), updated once per tick
        self._noise_until: float = 0
        self._noise_pools: list[NoisePool] = []
        self._noise_total = 0.0
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
        if post.inject and self.injects[post.inject].replies:
            replies = self.injects[post.inject].replies
        else:
            replies = self.case.replies
        if not self._conditional_options:
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

    def engagement(self, post: Post) -> tuple[int, int, int]:
        return post.engagement(self.state.attention)

    def stance(self, persona_id: str) -> Stance:
        return STANCE_ORDER[self.state.stances[persona_id]]

    # --- inputs ----------------------------------------------------------------------

    def advance(self, seconds: float) -> list[Event]:
        """Let ``seconds`` of simulated time pass; runs as many whole ticks as they cover."""
        state = self.state
        state.carry += seconds
        events: list[Event] = []
        while state.carry >= TICK and not state.ended:
            state.carry -= TICK
            events += self.step()
        return events

    def step(self) -> list[Event]:
        """Run one tick of ``TICK`` simulated seconds."""
        if self.state.ended:
            return []
        self._tick()
        return self._flush()

    def decide(self, decision_id: str, option_id: str) -> list[Event]:
        """Choose an option of an open decision."""
        if decision_id not in self.state.open:
            raise EngineError(f"decision {decision_id!r} is not open")
        decision = self.decisions[decision_id]
        option = next((o for o in decision.options if o.id == option_id), None)
        if option is None:
            raise EngineError(f"decision {decision_id!r} has no option {option_id!r}")
        self._input("decide", decision=decision_id, option=option_id)
        self._close(decision, option)
        return self._flush()

    def write(self, decision_id: str, text: str) -> list[Event]:
        """Answer an open decision with a written text (``responses: write`` or ``both``).

        The text is published as the organisation's post on the channel of the decision's first
        option with one (a channel's limit is hard, as on the real network); the option closest to
        the assessed text gives the effects and reactions, and the text's own strategy, tone and
        length are what the score judges.
        """
        if decision_id not in self.state.open:
            raise EngineError(f"decision {decision_id!r} is not open")
        decision = self.decisions[decision_id]
        if decision.responses is Responses.choose:
            raise EngineError(f"decision {decision_id!r} takes a chosen option, not a written answer")
        channel = next((o.channel for o in decision.options if o.channel), None)
        if channel is None:  # the options offered have none: the decision as written has one
            channel = next(o.channel for d in self.case.decisions if d.id == decision_id for o in d.options if o.channel)
        limit = self.channels[channel].limit
        if limit is not None and len(text) > limit:
            raise EngineError(f"the answer is {len(text)} characters; {channel} takes {limit}")
        self._input("write", decision=decision_id, text=text)
        assessment = assess_answer(text, decision, self.case.language, limit=limit)
        self.written[decision_id] = assessment
        option = closest_option(assessment, decision, self.case.language)
        self._close(decision, option, written=(text, channel, assessment))
        return self._flush()

    def override(self, decision_id: str, *, strategy: str | None = None,
                 key_points: dict[str, bool] | None = None, red_lines: dict[str, bool] | None = None,
                 by: str | None = None) -> None:
        """The facilitator's last word on a written answer: its primary strategy, a key point
        said or not, a red line crossed or not. Only the score follows (the round's effects were
        the closest option's when the answer was published).

        An input like any other, logged and replayed; unlike the others it is also taken after
        the end (the debrief is where a trainer reads the text): the log then gets the input and
        the new result (the assess helper's addition, issue 11).
        """
        if decision_id not in self.written:
            raise EngineError(f"decision {decision_id!r} has no written answer to correct")
        change = Override(strategy, dict(key_points or {}), dict(red_lines or {}), by)
        try:
            check_override(change, self.decisions[decision_id])
        except ValueError as exc:
            raise EngineError(str(exc)) from None
        fields = {"decision": decision_id, "strategy": strategy, "key_points": key_points or None,
                  "red_lines": red_lines or None, "by": by}
        if self.state.ended:
            if self.log is not None:
                self.log.on_input(self.state.t, "override", fields)
        else:
            self._input("override", **fields)
        previous = self.overrides.get(decision_id)
        self.overrides[decision_id] = previous.then(change) if previous else change
        if self.state.ended and self.log is not None:
            self.log.on_end(self)  # the result changed: the log's last result line is the new one

    def triage(self, post_id: str, action: TriageAction, reply_id: str | None = None) -> list[Event]:
        """Flag a post as a signal, dismiss it, or answer it with one of ``replies_for(post)``."""
        post = self.posts.get(post_id)
        if post is None:
            raise EngineError(f"no post {post_id!r}")
        if post.author == ORGANISATION:
            raise EngineError("that post is the organisation's own")
        reply: Option | None = None
        if action == "answer":
            reply = next((o for o in self.replies_for(post) if o.id == reply_id), None)
            if reply is None:
                raise EngineError(f"no reply {reply_id!r} for this post")
        elif action not in ("flag", "dismiss"):
            raise EngineError(f"unknown triage action {action!r}")
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
        return self._flush()

    def fire(self, item_id: str) -> list[Event]:
        """Bring in an inject or decision now (a facilitator's live inject)."""
        if item_id not in self.injects and item_id not in self.decisions:
            raise EngineError(f"no inject or decision {item_id!r}")
        self._input("fire", item=item_id)
        self._fire(item_id, forced=True)
        return self._flush()

    def set_noise(self, factor: float) -> list[Event]:
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
            raise EngineError(f"a noise factor is a number from 0 (calm) to {MAX_NOISE:g} (storm), not {factor!r}")
        self._input("noise", factor=float(factor))
        self.state.noise = float(factor)
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
            while not state.ended:
                self._tick()
        return self._flush()

    def objectives_met(self) -> dict[str, bool | None]:
        """Each objective: met, not met, or None when the case gives no test for it."""
        return {o.id: (check(self.state) if check else None) for o, check in self._objectives}

    # --- the tick --------------------------------------------------------------------

    def _tick(self) -> None:
        state = self.state
        state.t += TICK
        queue = self._queue
        while queue and queue[0][0] <= state.t:
            _, _, kind, payload = heapq.heappop(queue)
            if kind == "fire":
                self._fire(payload)
            elif kind == "arm":
                item = self.injects.get(payload) or self.decisions[payload]
                self._conditional.append((item, self._checks[payload]))
            elif kind == "reaction":
                self._react(*payload)
        if self._conditional:
            self._check_conditions()
        if state.open:
            for decision_id, opened in list(state.open.items()):
                decision = self.decisions[decision_id]
                if state.t >= opened + decision.time_limit:
                    self._close(decision, None)
        self._spread()
        self._noise()
        if state.t % SAMPLE_EVERY == 0:
            self._sample()
        if state.t >= self.case.duration:
            self._finish()

    def _check_conditions(self) -> None:
        state = self.state
        ready = [item for item, check in self._conditional if check(state)]
        for item in ready:
            self._fire(item.id)
        if ready or len(self._conditional) != self._armed_live:
            done = state.fired | state.cancelled
            self._conditional = [(i, c) for i, c in self._conditional if i.id not in done]
            self._armed_live = len(self._conditional)

    def _spread(self) -> None:
        """The story as a self-exciting (Hawkes) process with an exponential kernel."""
        state, dyn, rng, metrics = self.state, self.case.dynamics, self.rng, self.state.metrics
        unanswered = self._unanswered_signals()
        rate = min(dyn.max_rate, dyn.base_rate + state.excitation + dyn.silence_pressure * unanswered)
        state.rate = rate
        minutes = TICK / 60
        count = _poisson(rng, rate * minutes)
        story = self.case.story
        supportive = 0
        if count:
            cheer = (metrics["sentiment"] - 45) / 70 if story.supportive_texts else 0.0
            if cheer > 0 and not self._holds(story.supportive_when):
                cheer = 0.0
            members = rng.choices(self.case.crowd, k=count)
            channels = rng.choices(story.channels, k=count)
            for member, channel in zip(members, channels):
                positive = rng.random() < cheer
                text = rng.choice(story.supportive_texts if positive else story.texts)
                if self._conditional_noise and not self.channel_open(channel):
                    supportive += positive  # the talk goes on elsewhere: a channel not open yet shows none of it
                    continue
                self._post("story", channel, f"crowd:{member.handle}", member.name, member.handle,
                           member.followers, self._text(text, member.name, member.handle))
                supportive += positive
        # Each post provokes `branching` more on average; kept below 1 so the story, however hot,
        # burns out once nobody feeds it. Clumsy answers raise `spread`, which wears off again.
        branching = min(MAX_BRANCHING, dyn.branching * state.spread)
        state.excitation = state.excitation * self._decay_per_tick + count * branching / self._decay_minutes
        state.spread += (1.0 - state.spread) * self._spread_relax
        sentiment, visibility = metrics["sentiment"], metrics["visibility"]
        if count:
            # The crowd saturates: the lower sentiment is, the less one more critical post moves it.
            loss = (count - supportive) * sentiment / 50
            sentiment = _bounded(sentiment + dyn.sentiment_per_post * (0.5 * supportive - loss))
            metrics["sentiment"] = sentiment
        if unanswered:
            metrics["trust"] = _bounded(metrics["trust"] - dyn.trust_erosion * unanswered * minutes)
        target = 100 * (1 - math.exp(-rate / dyn.visibility_scale))
        visibility = metrics["visibility"] = visibility + (target - visibility) * VISIBILITY_RELAX
        over = visibility - dyn.media_threshold
        metrics["media"] = _bounded(metrics["media"] + (0.08 * over if over > 0 else -0.3) * minutes)
        self._fresh = math.exp(state.t / FRESHNESS)
        state.attention += (rate + 1) / self._fresh * minutes

    def _noise(self) -> None:
        """Background posts: one draw for how many, then which pool each comes from by its rate."""
        t, rng = self.state.t, self.rng
        if t >= self._noise_until:
            self._refresh_noise(t)
        pools, total = self._noise_pools, self._noise_total
        if self._conditional_noise:
            pools = [p for p in pools if self._holds(p.when) and self.channel_open(p.channel)]
            total = sum(p.rate for p in pools)
        if not pools:
            return
        for _ in range(_poisson(rng, total * self.state.noise * TICK / 60)):
            pick = rng.random() * total
            for pool in pools:
                pick -= pool.rate
                if pick < 0:
                    break
            text = rng.choice(pool.texts)
            author = self.personas[rng.choice(pool.authors)] if pool.authors else rng.choice(self.case.crowd)
            self._post("noise", pool.channel, getattr(author, "id", f"crowd:{author.handle}"), author.name,
                       author.handle, author.followers, self._text(text, author.name, author.handle))

    def _refresh_noise(self, t: int) -> None:
        """The pools active at ``t``, and until when that set holds."""
        pools = self.case.noise
        self._noise_pools = [p for p in pools if p.start <= t and (p.end is None or t <= p.end)]
        self._noise_total = sum(p.rate for p in self._noise_pools)
        bounds = [b for p in pools for b in (p.start, (p.end + 1) if p.end is not None else None)
                  if b is not None and b > t]
        self._noise_until = min(bounds, default=math.inf)

    def _unanswered_signals(self) -> int:
        """Public signals nobody has answered yet (an unanswered email is not seen by the public)."""
        state = self.state
        # Only answers and decisions can settle a signal: recount when their number changes.
        version = (len(state.answered), len(state.choices), len(self._pressing))
        if version != self._pressing_version:
            self._pressing = [
                inject for inject in self._pressing
                if inject.id not in state.answered
                and not any(state.choices.get(d) in self._answers[inject.id].get(d, ()) for d in state.choices)
            ]
            self._pressing_version = (len(state.answered), len(state.choices), len(self._pressing))
        return len(self._pressing)

    def _sample(self) -> None:
        metrics = {k: round(v, 3) for k, v in self.state.metrics.items()}
        self.state.samples.append((self.state.t, metrics))
        self._events.append(MetricsSampled(self.state.t, metrics))

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

    def _fire(self, item_id: str, forced: bool = False) -> None:
        state = self.state
        if item_id in state.cancelled and not forced:
            return
        if item_id in state.fired:
            return
        state.fired.add(item_id)
        if item_id in self.injects:
            inject = self.injects[item_id]
            author = self.personas[inject.author]
            heat = inject.heat if inject.heat is not None else (3.0 if inject.signal else 0.5)
            self._post(
                "inject", inject.channel, author.id, author.name, author.handle, author.followers,
                self._text(inject.text, author.name, author.handle),
                signal=inject.signal, inject=inject.id, subject=inject.subject, boost=1 + heat,
            )
            if inject.signal and state.first_signal_at is None:
                state.first_signal_at = state.t
            if inject.signal and not self.channels[inject.channel].is_inbox:
                self._pressing.append(inject)
            self._heat(heat)
            self._apply(inject.effects)
        else:
            decision = self.decisions[item_id]
            if self._conditional_options:
                # Front ends, decide() and the score all read the options through self.decisions.
                decision = self.decisions[item_id] = self._offer(decision)
            state.open[item_id] = state.opened_at[item_id] = state.t
            if decision.channel:
                author = self.personas.get(decision.author or "")
                self._post(
                    "decision", decision.channel, author.id if author else ORGANISATION,
                    author.name if author else self.case.organisation.name,
                    author.handle if author else self.case.organisation.handle,
                    author.followers if author else 0, decision.prompt, subject=decision.title,
                )
            self._events.append(DecisionOpened(decision, state.t + decision.time_limit))

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
            published = self._post("organisation", channel, ORGANISATION, self.case.organisation.name,
                                   self.case.organisation.handle, 0, text, boost=3) if text.strip() else None
            self._respond(f"{decision.id}.{option.id}", option, channel, published, assessment)
        else:
            published = self._publish(option, option.channel) if option.post and option.channel else None
            self._respond(f"{decision.id}.{option.id}", option, option.channel, published)
        self._events.append(DecisionClosed(decision, option))

    def _publish(self, option: Option, channel: str, reply_to: Post | None = None) -> Post | None:
        if not option.post:
            return None
        org = self.case.organisation
        return self._post(
            "organisation", channel, ORGANISATION, org.name, org.handle, 0, option.post,
            reply_to=reply_to.id if reply_to else None, boost=3,
        )

    def _respond(self, source: str, option: Option, channel: str | None, published: Post | None,
                 written: Assessment | None = None) -> None:
        """Record what the organisation did, apply its effects and let the personas react.

        A written answer is recorded with its own strategies, tone and length (what the score
        judges); the closest option brings its effects and reactions.
        """
        state = self.state
        if published is not None and state.first_response_at is None:
            state.first_response_at = state.t
        if written is not None:
            response = Response(state.t, source, written.strategy, written.tone, channel, written.length,
                                published is not None, tuple(written.also))
        else:
            response = Response(
                state.t, source, option.strategy.value, option.tone.value, channel,
                len(option.post) if option.post else None, published is not None,
                tuple(s.value for s in option.also),
            )
        state.responses.append(response)
        late = option.late
        self._apply(late.effects if late is not None and state.t >= late.after else option.effects)
        ref = source.removeprefix("reply:").split("@")[0]
        for reaction in self.case.reactions:
            if self._matches(reaction, option, ref):
                self._schedule_reactions(reaction, published)

    def _matches(self, reaction: Reaction, option: Option, ref: str) -> bool:
        state, trigger = self.state, reaction.on
        if not trigger.matches(option, ref):
            return False
        since = state.t - (state.first_signal_at if state.first_signal_at is not None else 0)
        if trigger.later_than is not None and since <= trigger.later_than:
            return False
        if trigger.within is not None and since > trigger.within:
            return False
        return True

    def _schedule_reactions(self, reaction: Reaction, target: Post | None) -> None:
        state, rng = self.state, self.rng
        if reaction.personas:
            who = [self.personas[p] for p in reaction.personas]
        elif reaction.stances:
            wanted = {STANCE_ORDER.index(s) for s in reaction.stances}
            who = [p for p in self.case.personas if state.stances[p.id] in wanted]
        else:
            who = list(self.case.personas)  # `kinds` alone: everyone of those kinds
        if reaction.kinds or reaction.exclude:
            who = [p for p in who if (not reaction.kinds or p.kind in reaction.kinds) and p.id not in reaction.exclude]
        for persona in who:
            if rng.random() >= reaction.chance * TEMPERAMENT_CHANCE[persona.temperament]:
                continue
            delay = max(TICK, int(reaction.delay * rng.uniform(0.5, 1.5)))
            text = rng.choice(reaction.texts)
            self._schedule(state.t + delay, "reaction", (reaction.id, persona.id, text, target.id if target else None))

    def _react(self, reaction_id: str, persona_id: str, text: str, target_id: str | None) -> None:
        reaction = next(r for r in self.case.reactions if r.id == reaction_id)
        persona = self.personas[persona_id]
        target = self.posts.get(target_id) if target_id else None
        channel = target.channel if target else self.case.story.channels[0]
        self._post(
            "reaction", channel, persona.id, persona.name, persona.handle, persona.followers,
            self._text(text, persona.name, persona.handle),
            reply_to=target_id, boost=1 + reaction.heat,
        )
        if target is not None:
            target.replies += 1
        stances = self.state.stances
        stances[persona_id] = min(len(STANCE_ORDER) - 1, max(0, stances[persona_id] + reaction.stance_shift))
        self._heat(reaction.heat * (0.5 + persona.influence))
        self._apply(reaction.effects)

    def _heat(self, heat: float) -> None:
        self.state.excitation = max(0.0, self.state.excitation + heat / self._decay_minutes)

    def _apply(self, effects: Effects) -> None:
        state = self.state
        for name, delta in effects.metrics.items():
            state.metrics[name] += delta
        if effects.metrics:
            self._clamp()
        state.flags.update(effects.set_flags)
        state.flags.difference_update(effects.clear_flags)
        if effects.spread is not None:
            state.spread = min(4.0, max(0.1, state.spread * effects.spread))
        if effects.heat:
            self._heat(effects.heat)
        for item_id in effects.cancel:
            state.cancelled.add(item_id)
            if item_id in state.open:
                del state.open[item_id]
        for item in effects.trigger:
            if isinstance(item, InjectAfter):
                self._schedule(state.t + item.after, "fire", item.inject)
            else:
                self._fire(item)

    def _post(
        self, kind: str, channel: str, author: str, name: str, handle: str, followers: int, text: str, *,
        signal: bool = False, inject: str | None = None, subject: str | None = None,
        reply_to: str | None = None, boost: float = 1.0,
    ) -> Post:
        state = self.state
        virality = 0.4 * math.sqrt(followers + 100) * boost * (0.4 + 1.2 * self.rng.random())
        post = Post(
            f"p{len(state.posts) + 1}", state.t, channel, kind, author, name, handle,  # type: ignore[arg-type]
            followers, text, signal, inject, reply_to, subject, virality * self._fresh, state.attention,
        )
        state.posts.append(post)
        self.posts[post.id] = post
        self._events.append(PostAdded(post))
        return post

    def _text(self, template: str, name: str, handle: str) -> str:
        if "{" not in template:
            return template
        return fill(template, {"org": self.case.organisation.name, "name": name, "handle": handle})

    def _finish(self) -> None:
        state = self.state
        for decision_id in list(state.open):
            self._close(self.decisions[decision_id], None)
        if state.t % SAMPLE_EVERY:
            self._sample()
        state.ending = next(e.id for e, check in self._endings if check is None or check(state))
        state.ended = True
        self._events.append(Ended(state.ending))

    def _input(self, kind: str, **fields: Any) -> None:
        if self.state.ended:
            raise EngineError("the run has ended")
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
    """Let ``driver`` play ``session`` to its end (or to simulated time ``until``), tick by tick.

    The one loop behind bots, replayed logs and resumed rounds: the driver sees the events of
    the last step (none at first) and makes its inputs, then the clock moves one tick.
    """
    events: list[Event] = []
    while not session.state.ended:
        driver.act(session, events)
        if session.state.ended or (until is not None and session.t >= until):
            break
        events = session.step()
    return session
