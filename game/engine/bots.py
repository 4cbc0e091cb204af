"""Players with no person behind them, for tests, balance reports and the trainer's preview.

- ``silent`` never answers anything: the baseline of doing nothing.
- ``random`` answers at random times with random options and triages a few posts at random.
- ``best`` answers at once with the option the rubric rates best, flags every true signal and
  answers the signals that have replies of their own.
- ``worst`` waits until the last moment, takes the option the rubric rates worst, dismisses
  signals and flags noise.

Bots draw from their own ``random.Random`` seeded from the run's seed, so a bot's run is as
reproducible as a person's log. Each says when it wants to act next (``wake``), so the session
jumps from one of those moments to the next instead of showing every post to every bot.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from game.engine.model import Case, Decision, Option
from game.engine.scoring import option_quality
from game.engine.session import ORGANISATION, TICK, Driver, Event, PostAdded, Session, Subscriber, Wake, run

Bot = Driver
"""A bot is a :class:`~game.engine.session.Driver` with no person behind it."""


def option_value(option: Option, session: Session) -> float:
    """The rubric's rating of an option, with its effects on the metrics as a tie-breaker."""
    effects = option.effects
    m = effects.metrics
    swing = m.get("sentiment", 0) + m.get("trust", 0) - m.get("visibility", 0) - m.get("media", 0)
    swing += (1 - (effects.spread or 1)) * 20 - effects.heat
    return option_quality(option, session) + 0.004 * swing


def _on_tick(t: int) -> int:
    """The first multiple of ``TICK`` from ``t``: bots act on the tick, woken or stepped alike."""
    return -(-t // TICK) * TICK


class SilentBot:
    def act(self, session: Session, events: list[Event]) -> None:
        return None

    def wake(self, session: Session) -> Wake:
        return Wake()


TRIAGE_SHARE = 0.14
"""Share of the posts the random bot triages: 8 in 14 flagged, 4 dismissed, 2 answered."""
_SKIP = math.log(1 - TRIAGE_SHARE)


class RandomBot:
    """Answers each decision at a random moment of its time (sometimes too late) with a random
    option, and triages about one post in seven at random.

    Which posts it triages is drawn ahead (a geometric gap to the next one), so it never looks
    at the posts it leaves alone.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"random-bot:{seed}")
        self.plans: dict[str, int] = {}
        self.next_post: int | None = None  # the feed's length once the next post to triage is in

    def act(self, session: Session, events: list[Event]) -> None:
        rng, feed = self.rng, session.feed
        if self.next_post is not None and len(feed) >= self.next_post:
            post = feed[self.next_post - 1]
            if post.author != ORGANISATION:
                roll = rng.random() * TRIAGE_SHARE
                if roll < 0.08:
                    session.triage(post.id, "flag")
                elif roll < 0.12:
                    session.triage(post.id, "dismiss")
                else:
                    replies = session.replies_for(post)
                    if replies:
                        session.triage(post.id, "answer", rng.choice(replies).id)
            self.next_post = None
        if self.next_post is None:
            self.next_post = len(session.feed) + 1 + int(math.log(1.0 - rng.random()) / _SKIP)
        for decision in session.open_decisions:
            plan = self.plans.get(decision.id)
            if plan is None:
                opened = session.state.opened_at[decision.id]
                plan = self.plans[decision.id] = opened + int(rng.uniform(0, decision.time_limit * 1.15))
            if session.t >= plan:
                session.decide(decision.id, rng.choice(decision.options).id)

    def wake(self, session: Session) -> Wake:
        # A decision its own input opened is planned at the next tick, as it would be stepped.
        plans = [self.plans.get(d, session.t + 1) for d in session.state.open]
        return Wake(_on_tick(min(plans)) if plans else None, self.next_post, decisions=True)


class _RubricBot:
    """Shared by ``best`` and ``worst``: pick options by the rubric's rating."""

    def __init__(self, pick: Callable[..., Option], wait: bool) -> None:
        self.pick = pick
        self.wait = wait

    def choose(self, session: Session, options: list[Option]) -> Option:
        return self.pick(options, key=lambda o: option_value(o, session))

    writes = False  # the writing bots answer in their own words where a decision takes text

    def act(self, session: Session, events: list[Event]) -> None:
        for decision in session.open_decisions:
            if not self.wait or session.time_left(decision.id) <= TICK:
                option = self.choose(session, decision.options)
                text = self.text(session, decision, option) if self.writes and decision.responses != "choose" else None
                if text is not None:
                    session.write(decision.id, text)
                else:
                    session.decide(decision.id, option.id)
        for event in events:
            if isinstance(event, PostAdded) and event.post.author != "organisation":
                self.triage(session, event)

    def wake(self, session: Session) -> Wake:
        """At every inject and decision (signals are injects); a waiting bot also at its deadlines."""
        # Waiting: at the last tick before each deadline; else at the next tick, for a decision
        # its own input opened.
        due = [session.closes_at(d) - TICK if self.wait else session.t + 1 for d in session.state.open]
        return Wake(_on_tick(min(due)) if due else None, self.watch(session), True)

    def watch(self, session: Session) -> int | None:
        """The feed length to be woken at: None, as only injects (woken for anyway) matter."""
        return None

    def triage(self, session: Session, event: PostAdded) -> None:
        raise NotImplementedError

    def text(self, session: Session, decision: Decision, option: Option) -> str | None:
        """What a writing bot writes: the chosen option's post (None: choose it instead)."""
        return option.post


class BestBot(_RubricBot):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(max, wait=False)

    def triage(self, session: Session, event: PostAdded) -> None:
        post = event.post
        if not post.signal:
            return
        own = post.inject and session.injects[post.inject].replies
        if own:
            session.triage(post.id, "answer", self.choose(session, session.replies_for(post)).id)
        else:
            session.triage(post.id, "flag")


class WorstBot(_RubricBot):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(min, wait=True)
        self.rng = random.Random(f"worst-bot:{seed}")

    def watch(self, session: Session) -> int | None:
        return len(session.feed) + 1  # it flags noise too: every post, on its tick

    def triage(self, session: Session, event: PostAdded) -> None:
        post = event.post
        if post.signal:
            session.triage(post.id, "dismiss")
        elif self.rng.random() < 0.2:
            session.triage(post.id, "flag")


class BestWriter(BestBot):
    """Writes the best option's post where a decision takes text (``simulate`` measures writing rounds)."""

    writes = True


class WorstWriter(WorstBot):
    """Writes a red line where a decision takes text, else the worst option's post."""

    writes = True

    def text(self, session: Session, decision: Decision, option: Option) -> str | None:
        for line in decision.red_lines:
            phrases = line.phrases(session.case.language)
            if phrases:
                return phrases[0].replace("...", "").strip()
        return option.post


BOTS: dict[str, Callable[[int], Bot]] = {
    "silent": lambda seed: SilentBot(),
    "random": RandomBot,
    "best": BestBot,
    "worst": WorstBot,
    "best-writer": BestWriter,
    "worst-writer": WorstWriter,
}


def play(case: Case, seed: int, bot: Bot | str, log: Subscriber | None = None) -> Session:
    """Play a whole run with a bot and return the ended session."""
    if isinstance(bot, str):
        bot = BOTS[bot](seed)
    return run(Session(case, seed, log), bot)
