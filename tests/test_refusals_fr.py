"""The engine's refusals (EngineError, the play layer's ChoiceRefused) in the player's language:
a French player reads why an input was not taken in French, in the window and in the terminal
(issue 15: they used to be the engine's English)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import io
from pathlib import Path

import pygame

from game.engine.loader import load_case
from game.engine.session import Session
from game.text_play import TextPlayer
from game.ui.app import App, Settings
from window_driver import key, run_until, shown

ROOT = Path(__file__).resolve().parent.parent
KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"


def french_window(tmp_path: Path):
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang="fr", speed=20.0, data_dir=tmp_path / "data"))
    live = LiveScene(app, load_case(KRYPTONITE, "fr").case, KRYPTONITE, seed=3)
    app.push(live)
    return app, live


def test_a_refused_inject_is_said_in_french_in_the_window(tmp_path: Path) -> None:
    """The facilitator's list (I) was opened, then the inject came in another way before the pick
    (the round's own facilitator call here): the pick is refused, and the note says why in French."""
    app, live = french_window(tmp_path)
    try:
        app.frame(0.5)
        key(app, pygame.K_i, unicode="i")
        assert live.picker is not None and live.picker.kind == "inject"
        first = live.picker.items[0][0]
        live.round.fire(first)
        key(app, pygame.K_1, unicode="1")
        said = shown(app)
        assert f"plus d'inject optionnel «\u00a0{first}\u00a0» à déclencher" in said
        assert "left to fire" not in said
    finally:
        app.close()


def test_a_refused_written_reply_is_said_in_french_in_its_box(tmp_path: Path) -> None:
    """A call takes no public reply: the reply box says so in French, under the typed text."""
    app, live = french_window(tmp_path)
    try:
        session = live.session
        run_until(app, lambda: any(session.channels[p.channel].is_inbox and not live.round.replies_for(p)
                                   for p in session.feed))
        call = next(p for p in session.feed if session.channels[p.channel].is_inbox and not live.round.replies_for(p))
        app.push(app.new_scene("reply", live, call))
        for ch in "Merci, nous vous rappelons.":
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        app.frame(0.0)
        key(app, pygame.K_RETURN)
        assert app.top.name == "reply"
        assert "cette publication n'appelle pas de réponse ici" in shown(app)
        assert "takes no reply" not in shown(app)
    finally:
        app.close()


class Typist:
    """Types the terminal's commands as the posts they need come in (the real clock is fake)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = 0.0
        self.typed: list[str] = []

    def clock(self) -> float:
        return self.now

    def poll(self, timeout: float) -> str | None:
        self.now += timeout
        feed, channels, typed = self.session.feed, self.session.channels, self.typed
        calls = [p for p in feed if channels[p.channel].is_inbox and p.author != "organisation"]
        ours = [p for p in feed if p.author == "organisation"]
        line = None
        if feed and not typed:
            line = f"a {feed[0].id[1:]} 1"  # answer the first post: the organisation's reply is in the feed
        elif ours and len(typed) == 1:
            line = f"x {ours[0].id[1:]}"  # dismiss our own reply: refused
        elif calls and len(typed) == 2:
            line = f"r {calls[0].id[1:]} Merci, nous vous rappelons."  # a call takes no public reply: refused
        elif len(typed) == 3:
            line = "f 9999"
        elif len(typed) == 4:
            line = "q"
        if line:
            typed.append(line)
        return line


def test_the_terminal_says_refusals_in_french() -> None:
    session = Session(load_case(KRYPTONITE, "fr").case, seed=3)
    typist = Typist(session)
    out = io.StringIO()
    TextPlayer(session, out, typist, typist.clock, speed=60).run()
    text = out.getvalue()
    assert len(typist.typed) == 5
    assert "Impossible\u00a0: cette publication est celle de l'organisation." in text
    assert "Impossible\u00a0: cette publication n'appelle pas de réponse ici." in text
    assert "Cette publication n’existe pas." in text and "p9999" not in text
    assert "organisation's own" not in text and "takes no reply" not in text
