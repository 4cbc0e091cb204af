"""A written reply to a post in the window (dummy driver): offered beside the prepared replies,
typed with the channel's counter, published under the post, and shown with its marks in the
debrief; in English and in French."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path

import pygame
import pytest

from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.ui.app import App, Settings
from window_driver import key, run_until, shown

ROOT = Path(__file__).resolve().parent.parent
KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"
OPSEC = ROOT / "scenarios" / "armed-forces-opsec"

WORDS = {
    "en": {"write": "Write your own reply", "heading": "Your reply, published under the post on",
           "replies": "Your written replies", "said": "✔ said: Give him a person to call",
           "mark": "① “you're right” — ",
           "text": "Sal, you're right to take them off the floor. Call me on my direct line today."},
    "fr": {"write": "Écrire votre propre réponse", "heading": "Votre réponse, publiée sous le message sur",
           "replies": "Vos réponses écrites", "said": "✔ dit : Lui donner quelqu'un à appeler",
           "mark": "① « avez raison » — ",
           "text": "Sal, vous avez raison de les retirer du rayon. Appelez ma ligne directe aujourd'hui."},
}


def type_keys(app: App, text: str) -> None:
    """Type ``text`` as a keyboard does: each letter's KEYDOWN, then its TEXTINPUT."""
    for ch in text:
        code = ord(ch.lower()) if ch.isascii() else 0
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=ch, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.frame(0.0)


def open_reply(app: App, live, inject: str, write: str):
    """Once the inject's post is in, select it in the feed, press A, see "Write your own reply"
    beside the prepared replies, and pick it (its number key). Returns the post."""
    session = live.session
    run_until(app, lambda: any(p.inject == inject for p in session.feed))
    post = next(p for p in session.feed if p.inject == inject)
    live.focus.selected = post.id
    key(app, pygame.K_a, unicode="a")
    assert live.picker is not None and live.picker.items[-1][1].endswith(write)
    assert write in shown(app)
    number = len(live.picker.items)
    key(app, getattr(pygame, f"K_{number}"), unicode=str(number))
    assert app.top.name == "reply"
    return post


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_written_reply_in_the_window_and_its_debrief(tmp_path: Path, lang: str) -> None:
    from game.ui.live import LiveScene

    w = WORDS[lang]
    loaded = load_case(KRYPTONITE, lang)
    app = App(Settings(scenarios=[], lang=lang, speed=20.0, data_dir=tmp_path / "data"))
    try:
        live = LiveScene(app, loaded.case, KRYPTONITE, seed=3)
        app.push(live)
        session = live.session
        post = open_reply(app, live, "forum-pileon", w["write"])
        assert w["heading"] in shown(app) and post.text.split()[0] in shown(app)
        type_keys(app, w["text"])  # keys that are shortcuts in the feed (F, X, A, 1...) only type
        assert not session.state.triage.get(post.id)
        assert app.top.field.text == w["text"]
        key(app, pygame.K_RETURN, frames=3)
        assert app.top.name == "live"
        ours = [p for p in session.feed if p.author == "organisation" and p.reply_to == post.id]
        assert [p.text for p in ours] == [w["text"]]
        assert session.written_replies[post.id].closest == "sal-thanks"
        if lang == "en":
            app.save(tmp_path / "reply-live.png")
        live.bot = BOTS["best"](session.seed)
        run_until(app, lambda: app.top.name == "debrief")
        words = shown(app)
        for _ in range(60):
            key(app, pygame.K_PAGEDOWN)
            words += " " + shown(app)
        words = " ".join(words.split())  # French puts a no-break space before its colons
        assert w["replies"] in words
        assert w["said"] in words
        marked = w["text"].replace("avez raison", "[avez raison]①") if lang == "fr" \
            else w["text"].replace("you're right", "[you're right]①")
        assert marked.split(".")[0] in words.replace("“", "").replace("”", "")
        assert w["mark"] in words  # the number says what the phrase was read as
    finally:
        app.close()


def test_a_micro_reply_in_the_window_stops_at_the_channels_limit(tmp_path: Path) -> None:
    from game.ui.live import LiveScene

    loaded = load_case(OPSEC, "en")
    app = App(Settings(scenarios=[], lang="en", speed=20.0, data_dir=tmp_path / "data"))
    try:
        live = LiveScene(app, loaded.case, OPSEC, seed=2)
        app.push(live)
        session = live.session
        post = open_reply(app, live, "rumour-start", WORDS["en"]["write"])
        reply = app.top
        limit = session.channels[post.channel].limit
        type_keys(app, "y" * (limit + 10))
        assert len(reply.field.text) == limit
        assert f"{limit} / {limit}" in shown(app)
        key(app, pygame.K_ESCAPE)
        assert app.top is live and post.id not in session.written_replies
    finally:
        app.close()
