"""A round being played: the session, its clock and speed, the facilitator's actions, alerts.

Like YarnSpinner's dialogue runner, a :class:`Round` sits between the engine and every front end
(the terminal, the window, the workshop host): they render what it publishes and send it inputs.
It never reads the wall clock: the front end passes the real seconds it measured to
:meth:`Round.tick`.

API::

    round = Round(session)                   # default speed: game.play.pace.default_speed(case)
    round.subscribe(listener)                # listener(Update) gets every update, whoever made the input
    update = round.tick(real_seconds)        # advance; Update(items=(events and alerts...), by=None)
    round.decide(decision_id, option_id, by="Ana")   # raises ChoiceRefused for a closed decision
    round.write(decision_id, text, by=None)  # a written answer (responses: write | both)
    round.reply(post_id, text, by=None)      # a written reply to a post (the case's responses)
    round.override(decision_id, strategy=..., key_points={...}, red_lines={...}, by="Ana")  # also after the end
    round.triage(post_id, "flag" | "dismiss" | "answer", reply_id=None, by=None)  # answer: one of replies_for
    round.replies_for(post)                  # the prepared replies offered (a call or an email: its own only)
    round.pause(by) / resume(by) / toggle_pause(by) / faster(by) / slower(by) / set_speed(s, by)
    round.optional_items()                   # the facilitator's injects and decisions not yet fired
    round.fire(item_id, by)                  # players see only the post/decision it makes
    round.set_noise(factor, by)              # the filler's rate x factor: 0 calm, 1 normal, 3 storm (max 5)
    round.note(text, by=None, at=None)       # the facilitator's note: a NoteKept alert, facilitator only
    round.end(by)
    round.real_time_left(decision_id)        # real seconds at the speed the clock runs now
    round.real_until_tick()                  # real seconds to the engine's next tick (one tick a frame)
    round.effective_speed                    # chosen speed, capped by the reading rule (pace.py)
    round.trending                           # ids of the posts trending now
    round.score_so_far()                     # the score earned up to now (the console's, live)

Every update's items are the engine's events (``PostAdded``, ``DecisionOpened``...) followed by
alerts (:mod:`game.play.alerts`); :func:`game.play.alerts.for_players` drops the facilitator's own.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass

from game.engine.clock import SimClock
from game.engine.model import Decision, Option
from game.engine.scoring import score_so_far
from game.engine.session import (
    ORGANISATION,
    TICK,
    Ended,
    EngineError,
    Event,
    PostAdded,
    Session,
)
from game.engine.state import Post, TriageAction
from game.i18n import N_
from game.play.alerts import (
    Alert,
    DeadlineNear,
    InboxNew,
    InjectFired,
    Item,
    NoteKept,
    Published,
    SavingFailed,
    SpeedChanged,
    Trending,
    Update,
)
from game.play.pace import default_speed, speed_cap, step_speed

DEADLINE_WARNING = 60.0
"""Real seconds left on a decision when the "one minute left" alert is given."""

TRENDING_WINDOW = 600  # a post can trend during its first ten simulated minutes
TRENDING_MIN_LIKES = 25
TRENDING_COUNT = 3
TRENDING_ALERT_EVERY = 120  # simulated seconds between two trending alerts
TRENDING_SCAN = 200  # heaviest young posts looked at
SCORE_EVERY = 60
"""Simulated seconds between two workings-out of the score so far (inputs work it out at once)."""

Listener = Callable[[Update], None]


class ChoiceRefused(EngineError):
    """An input the round cannot take (a decision already closed); the message says why."""


@dataclass(frozen=True, slots=True)
class OptionalItem:
    """An optional inject or decision the facilitator may bring in.

    Attributes:
        id: Its id in the case.
        title: The decision's title, or the inject's subject (its author's name when none).
        text: The decision's prompt or the inject's text.
        kind: ``"inject"`` or ``"decision"``.
        channel: The channel it arrives on, if any.
    """

    id: str
    title: str
    text: str
    kind: str
    channel: str | None


def replies_for(session: Session, post: Post) -> list[Option]:
    """The prepared replies a team may give ``post`` now, in every front end.

    A call or an email is answered privately, so the case's general replies, worded for the
    public page ("Thank you for your comment..."), are not offered there; only the replies its
    own inject brings are. A post offered none takes no written reply either.
    """
    if session.channels[post.channel].is_inbox and not (post.inject and session.injects[post.inject].replies):
        return []
    return session.replies_for(post)


class TrendingTracker:
    """The few recent posts gaining likes fastest; recomputed once per simulated tick.

    A post's likes grow in proportion to its engagement weight (the story's attention is the
    same for all), so the recent posts are kept sorted by weight and the first few with enough
    likes to be noticed are the ones trending. No scan of the whole feed.

    A post is announced once, and so are its words: a noise text posted again by another author
    trends as a new post, which is not news (the mark on the card still shows it trending).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.inbox = {c.id for c in session.case.channels if c.is_inbox}
        self.now: set[str] = set()
        self.ever: set[str] = set()
        self.told: set[str] = set()  # the texts already announced
        self._t = -1
        self._alerted = -TRENDING_ALERT_EVERY
        self._recent = 0  # first post still young enough to trend
        self._ranked = 0  # posts already in _by_weight
        self._by_weight: list[tuple[float, str]] = []  # young posts, heaviest first

    def update(self) -> list[Trending]:
        session = self.session
        if session.t == self._t:
            return []
        self._t = session.t
        feed, by_weight = session.feed, self._by_weight
        while self._ranked < len(feed):
            post = feed[self._ranked]
            self._ranked += 1
            if post.author != ORGANISATION and post.channel not in self.inbox:
                insort(by_weight, (-post.weight, post.id))
        while self._recent < len(feed) and feed[self._recent].t < session.t - TRENDING_WINDOW:
            old = feed[self._recent]
            self._recent += 1
            i = bisect_left(by_weight, (-old.weight, old.id))
            if i < len(by_weight) and by_weight[i][1] == old.id:
                del by_weight[i]
        trending = []
        for _, pid in by_weight[:TRENDING_SCAN]:
            if session.engagement(session.posts[pid])[0] >= TRENDING_MIN_LIKES:
                trending.append(pid)
                if len(trending) == TRENDING_COUNT:
                    break
        self.now = set(trending)
        fresh = [session.posts[pid] for pid in sorted(self.now - self.ever)]
        self.ever |= self.now
        fresh = [post for post in fresh if post.text not in self.told]
        if fresh and session.t - self._alerted >= TRENDING_ALERT_EVERY:
            # One alert at a time, so trending chatter does not bury the messages and decisions.
            self._alerted = session.t
            post = max(fresh, key=lambda p: session.engagement(p)[0])
            self.told.add(post.text)
            return [Trending(post)]
        return []


class Round:
    """One round in play. See the module docstring for the API.

    Args:
        session: The run; the round drives it and never replaces it.
        speed: Simulated seconds per real second; None for the case's default pace.
        pace: Keep the reading rule (every open decision leaves its reading time in real
            seconds). False only when a player chose "fast" knowingly.
        paused: Start paused (a resumed round).
        notes: The facilitator's notes already kept ``(simulated time, text)`` (a resumed round).
    """

    def __init__(self, session: Session, *, speed: float | None = None, pace: bool = True,
                 paused: bool = False, notes: list[tuple[int, str]] | None = None) -> None:
        self.session = session
        self.clock = SimClock(speed or default_speed(session.case), paused)
        self.pace = pace
        self.notes: list[tuple[int, str]] = list(notes or [])
        self.listeners: list[Listener] = []
        self.warned: set[str] = set()
        self.told: set[str] = set()
        self.savers: list[tuple[str, Callable[[], str | None]]] = [
            ("log", lambda: getattr(session.log, "problem", None))]
        self.trends = TrendingTracker(session)
        self._seen = len(session.feed)
        self._inbox_kind = {c.id: c.kind.value for c in session.case.channels if c.is_inbox}
        self._inputs = 0  # inputs taken so far: a new one makes the score so far stale
        self._score: tuple[tuple[int, bool, int], float] | None = None

    # --- state -----------------------------------------------------------------------

    @property
    def speed(self) -> float:
        """The speed chosen (by default, by the facilitator or the player)."""
        return self.clock.speed

    @property
    def paused(self) -> bool:
        return self.clock.paused

    @property
    def ended(self) -> bool:
        return self.session.state.ended

    @property
    def trending(self) -> set[str]:
        return self.trends.now

    @property
    def effective_speed(self) -> float:
        """The speed the clock runs at now: the chosen one, slowed while a decision needs reading time."""
        caps = [speed_cap(d) for d in self.session.open_decisions] if self.pace else []
        return min([self.clock.speed, *caps])

    def real_time_left(self, decision_id: str) -> float:
        """Real seconds before ``decision_id`` closes, at the speed the clock runs now (pause aside)."""
        return self.session.time_left(decision_id) / self.effective_speed

    def decision_real_length(self, decision: Decision) -> float:
        """Real seconds ``decision`` stays open at the chosen speed under the reading rule."""
        cap = speed_cap(decision) if self.pace else self.clock.speed
        return decision.time_limit / min(self.clock.speed, cap)

    def score_so_far(self) -> float:
        """The score the round has earned up to now (:func:`game.engine.scoring.score_so_far`);
        once ended, the round's score. Worked out again after each input and once a simulated
        minute, not on every call: a console asks for every team's several times a second."""
        state = self.session.state
        key = (state.t // SCORE_EVERY, state.ended, self._inputs)
        if self._score is None or self._score[0] != key:
            self._score = (key, score_so_far(self.session))
        return self._score[1]

    # --- listeners -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every update from now on; returns the function that unsubscribes."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def watch_saving(self, what: str, problem: Callable[[], str | None]) -> None:
        """Report a :class:`SavingFailed` once whenever ``problem()`` returns a new reason."""
        self.savers.append((what, problem))

    def _publish(self, events: list[Event], alerts: list[Alert] | None = None, by: str | None = None) -> Update:
        items: list[Item] = [*events, *self._derived(events), *(alerts or [])]
        update = Update(tuple(items), by)
        for listener in list(self.listeners):
            listener(update)
        return update

    def _derived(self, events: list[Event]) -> list[Alert]:
        alerts: list[Alert] = []
        for event in events:
            if isinstance(event, PostAdded):
                post = event.post
                if post.author == ORGANISATION:
                    alerts.append(Published(post))
                elif post.channel in self._inbox_kind:
                    alerts.append(InboxNew(post, self._inbox_kind[post.channel]))
        if not self.ended:
            alerts += self.trends.update()
            for decision in self.session.open_decisions:
                left = self.real_time_left(decision.id)
                if left <= DEADLINE_WARNING and decision.id not in self.warned:
                    self.warned.add(decision.id)
                    alerts.append(DeadlineNear(decision, left))
        for what, problem in self.savers:
            reason = problem()
            if reason and reason not in self.told:
                self.told.add(reason)
                alerts.append(SavingFailed(what, reason))
        return alerts

    # --- the clock -------------------------------------------------------------------

    def tick(self, real_seconds: float) -> Update:
        """Let ``real_seconds`` of real time pass, at the effective speed, tick by tick.

        The speed is looked at again after every engine tick, so a decision that opens in the
        middle of a long step is slowed from the moment it opens.
        """
        events: list[Event] = []
        if not self.paused:
            left = max(0.0, real_seconds)
            session = self.session
            while left > 1e-9 and not session.state.ended:
                speed = self.effective_speed
                # Simulated seconds up to the next engine tick, or what the real time left covers.
                to_tick = TICK - session.state.carry + 1e-9
                simulated = min(left * speed, to_tick)
                events += session.advance(simulated)
                left -= simulated / speed
        return self._publish(events)

    def real_until_tick(self) -> float:
        """Real seconds, at the speed the clock runs now, that take the clock to ``TICK`` simulated
        seconds past the last whole second: a front end that passes no more than this to
        :meth:`tick` per frame never makes one frame run a long stretch of the round."""
        return (TICK - self.session.state.carry) / self.effective_speed

    def pause(self, by: str | None = None) -> Update:
        self.clock.paused = True
        return self._speed_changed(by)

    def resume(self, by: str | None = None) -> Update:
        self.clock.paused = False
        return self._speed_changed(by)

    def toggle_pause(self, by: str | None = None) -> Update:
        self.clock.paused = not self.clock.paused
        return self._speed_changed(by)

    def faster(self, by: str | None = None) -> Update:
        return self.set_speed(step_speed(self.clock.speed, 1), by)

    def slower(self, by: str | None = None) -> Update:
        return self.set_speed(step_speed(self.clock.speed, -1), by)

    def set_speed(self, speed: float, by: str | None = None) -> Update:
        if speed <= 0:
            raise ValueError("a speed is a positive number of simulated seconds per real second")
        self.clock.speed = float(speed)
        return self._speed_changed(by)

    def _speed_changed(self, by: str | None) -> Update:
        return self._publish([], [SpeedChanged(self.clock.speed, self.clock.paused, by)], by)

    # --- inputs ----------------------------------------------------------------------

    def _still_open(self, decision_id: str) -> None:
        if decision_id not in self.session.state.open:
            decision = self.session.decisions.get(decision_id)
            if decision is not None and decision_id in self.session.state.choices:
                raise ChoiceRefused(N_("“{title}” has already closed"), title=decision.title)
            raise ChoiceRefused(N_("decision '{id}' is not open"), id=decision_id)

    def decide(self, decision_id: str, option_id: str, by: str | None = None) -> Update:
        """Choose ``option_id`` in ``decision_id``; a closed decision is refused, never redirected."""
        self._still_open(decision_id)
        self._inputs += 1
        return self._publish(self.session.decide(decision_id, option_id), by=by)

    def write(self, decision_id: str, text: str, by: str | None = None) -> Update:
        """Answer ``decision_id`` with a written text (``responses: write | both``), published as the
        organisation's post; a closed decision is refused, a text over a microblog's limit too
        (EngineError, saying the count)."""
        self._still_open(decision_id)
        self._inputs += 1
        return self._publish(self.session.write(decision_id, text), by=by)

    def reply(self, post_id: str, text: str, by: str | None = None) -> Update:
        """Answer a post with a written reply (the case's ``responses: write | both``), published
        under it (:meth:`Session.reply`; a text over the channel's limit is refused, and so is a
        reply to a post offered no prepared reply, such as a private call)."""
        post = self.session.posts.get(post_id)
        if post is not None and post.author != ORGANISATION and not self.replies_for(post):
            raise ChoiceRefused(N_("this post takes no reply here"))
        events = self.session.reply(post_id, text)
        self._inputs += 1
        return self._publish(events, by=by)

    def override(self, decision_id: str | None = None, *, post: str | None = None, strategy: str | None = None,
                 key_points: dict[str, bool] | None = None, red_lines: dict[str, bool] | None = None,
                 by: str | None = None) -> None:
        """The facilitator's correction of a written answer's findings (a decision's, or with
        ``post`` a written reply's), during the round or in the debrief after it
        (:meth:`Session.override`; a round kept in the results store is amended there too);
        score the session again to see it."""
        self.session.override(decision_id, post=post, strategy=strategy, key_points=key_points, red_lines=red_lines,
                              by=by)
        self._inputs += 1

    def replies_for(self, post: Post) -> list[Option]:
        """The prepared replies offered for ``post`` now (:func:`replies_for`)."""
        return replies_for(self.session, post)

    def triage(self, post_id: str, action: TriageAction, reply_id: str | None = None,
               by: str | None = None) -> Update:
        """Flag, dismiss or answer a post; an answer must be one of :meth:`replies_for` (a general,
        public reply to a private call is refused)."""
        post = self.session.posts.get(post_id)
        if action == "answer" and post is not None and reply_id is not None \
                and reply_id not in {o.id for o in self.replies_for(post)}:
            raise ChoiceRefused(N_("reply '{id}' is not offered for this post"), id=reply_id)
        events = self.session.triage(post_id, action, reply_id)
        self._inputs += 1
        return self._publish(events, by=by)

    def optional_items(self) -> list[OptionalItem]:
        """The facilitator's optional injects and decisions not brought in yet, in the case's order."""
        session = self.session
        fired = session.state.fired
        items = [OptionalItem(i.id, i.subject or session.personas[i.author].name, i.text, "inject", i.channel)
                 for i in session.case.injects if i.optional and i.id not in fired]
        items += [OptionalItem(d.id, d.title, d.prompt, "decision", d.channel)
                  for d in session.case.decisions if d.optional and d.id not in fired]
        return items

    def fire(self, item_id: str, by: str | None = None) -> Update:
        """Bring in an optional item now; it arrives as the post, message or decision it is."""
        if item_id not in {item.id for item in self.optional_items()}:
            raise ChoiceRefused(N_("no optional inject '{id}' left to fire"), id=item_id)
        events = self.session.fire(item_id)
        self._inputs += 1
        return self._publish(events, [InjectFired(item_id, by)], by)

    def set_noise(self, factor: float, by: str | None = None) -> Update:
        """Turn this team's background noise up or down (:meth:`Session.set_noise`; ValueError when out of range)."""
        return self._publish(self.session.set_noise(factor), by=by)

    def note(self, text: str, by: str | None = None, at: int | None = None) -> Update:
        """Keep the facilitator's note at ``at`` (now by default); it never reaches the players."""
        moment = self.session.t if at is None else at
        self.notes.append((moment, text))
        return self._publish([], [NoteKept(moment, text, by)], by)

    def end(self, by: str | None = None) -> Update:
        """End the round now. The engine plays the rest out as silence, off screen: of what that
        produces only the end is published (no decision opens and times out in front of players)."""
        return self._publish([e for e in self.session.end() if isinstance(e, Ended)], by=by)
