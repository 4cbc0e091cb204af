"""Players with no person behind them, for tests, balance reports and the trainer's preview.

- ``silent`` never answers anything: the baseline of doing nothing.
- ``random`` answers at random times with random options and triages a few posts at random.
- ``best`` answers at once with the option the rubric rates best, flags every true signal and
  answers the signals that have replies of their own.
- ``worst`` waits until the last moment, takes the option the rubric rates worst, dismisses
  signals and flags noise.

Bots draw from their own ``random.Random`` seeded from the run's seed, so a bot's run is as
reproducible as a person's log.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from game.engine.model import Case, Option
from game.engine.scoring import option_quality
from game.engine.session import TICK, DecisionOpened, Driver, Event, PostAdded, Session, Subscriber, run

Bot = Driver
"""A bot is a :class:`~game.engine.session.Driver` with no person behind it."""


def option_value(option: Option, session: Session) -> float:
    """The rubric's rating of an option, with its effects on the metrics as a tie-breaker."""
    effects = option.effects
    m = effects.metrics
    swing = m.get("sentiment", 0) + m.get("trust", 0) - m.get("visibility", 0) - m.get("media", 0)
    swing += (1 - (effects.spread or 1)) * 20 - effects.heat
    return option_quality(option, session) + 0.004 * swing


class SilentBot:
    def act(self, session: Session, events: list[Event]) -> None:
        return None


class RandomBot:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"random-bot:{seed}")
        self.plans: dict[str, int] = {}

    def act(self, session: Session, events: list[Event]) -> None:
        rng = self.rng
        for event in events:
            if isinstance(event, DecisionOpened):
                limit = event.decision.time_limit
                self.plans[event.decision.id] = session.t + int(rng.uniform(0, limit * 1.15))
            elif isinstance(event, PostAdded) and event.post.author != "organisation":
                roll = rng.random()
                if roll < 0.08:
                    session.triage(event.post.id, "flag")
                elif roll < 0.12:
                    session.triage(event.post.id, "dismiss")
                elif roll < 0.14 and session.replies_for(event.post):
                    session.triage(event.post.id, "answer", rng.choice(session.replies_for(event.post)).id)
        for decision in session.open_decisions:
            if session.t >= self.plans.get(decision.id, 0):
                session.decide(decision.id, rng.choice(decision.options).id)


class _RubricBot:
    """Shared by ``best`` and ``worst``: pick options by the rubric's rating."""

    def __init__(self, pick: Callable[..., Option], wait: bool) -> None:
        self.pick = pick
        self.wait = wait

    def choose(self, session: Session, options: list[Option]) -> Option:
        return self.pick(options, key=lambda o: option_value(o, session))

    def act(self, session: Session, events: list[Event]) -> None:
        for decision in session.open_decisions:
            if not self.wait or session.time_left(decision.id) <= TICK:
                session.decide(decision.id, self.choose(session, decision.options).id)
        for event in events:
            if isinstance(event, PostAdded) and event.post.author != "organisation":
                self.triage(session, event)

    def triage(self, session: Session, event: PostAdded) -> None:
        raise NotImplementedError


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

    def triage(self, session: Session, event: PostAdded) -> None:
        post = event.post
        if post.signal:
            session.triage(post.id, "dismiss")
        elif self.rng.random() < 0.2:
            session.triage(post.id, "flag")


BOTS: dict[str, Callable[[int], Bot]] = {
    "silent": lambda seed: SilentBot(),
    "random": RandomBot,
    "best": BestBot,
    "worst": WorstBot,
}


def play(case: Case, seed: int, bot: Bot | str, log: Subscriber | None = None) -> Session:
    """Play a whole run with a bot and return the ended session."""
    if isinstance(bot, str):
        bot = BOTS[bot](seed)
    return run(Session(case, seed, log), bot)
