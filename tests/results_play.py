"""Playing rounds out for the results tests (a bot plays; the straight run to compare with)."""

from __future__ import annotations

import io
from pathlib import Path

from game.engine.bots import BOTS
from game.engine.log import SessionLog
from game.engine.scoring import score
from game.engine.session import Session


def play_out(session: Session, bot: str = "best", stop=None) -> None:
    """Let ``bot`` play until the round ends, or until ``stop(session)`` is true."""
    player, events = BOTS[bot](session.seed), []
    while not session.state.ended:
        if stop is not None and stop(session):
            return
        player.act(session, events)
        events = session.step()


def straight_log(case, path: Path, seed: int, bot: str = "best") -> list[str]:
    """The log lines of the same round played in one go, never stored."""
    stream = io.StringIO()
    session = Session(case, seed, SessionLog(stream, path))
    play_out(session, bot)
    return stream.getvalue().splitlines()


def straight_score(loaded, seed: int) -> float:
    """The score of the round played in one go by the best bot."""
    session = Session(loaded.case, seed)
    play_out(session)
    return score(session).score
