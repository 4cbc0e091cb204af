"""``--screenshot DIR``: walk through every screen as a player would and save a PNG of each.

The tour drives the screens through their own actions with a fixed frame time, never the wall
clock, so the same case and seed give the same pictures.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.engine.bots import BOTS
from game.ui.briefing import BriefingScene
from game.ui.debrief import DebriefScene
from game.ui.live import LiveScene
from game.ui.menu import MenuScene

if TYPE_CHECKING:
    from game.ui.app import App

FRAME = 0.25  # real seconds per frame of the tour


def _post_key(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def take_screenshots(app: App, folder: Path, case: Path | None = None) -> int:
    """Save menu, briefing, live (a decision open), help, debrief (two pages) into ``folder``."""
    app.settings.demo = False  # the bot waits until the live screenshot is taken
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shoot(name: str) -> None:
        for _ in range(8):  # new cards are drawn a few per frame
            app.frame(0.0)
        path = folder / f"{name}.png"
        app.save(path)
        saved.append(path)

    menu = app.scene("menu")
    assert isinstance(menu, MenuScene)
    menu.finish_loading()
    if app.top is menu:
        entry = menu.first_playable()
        if entry is None:
            shoot("menu")
            print("crisis-sim: no playable case to take the other screenshots with", file=sys.stderr)
            return 1
        menu.selected = menu.entries.index(entry)
        shoot("menu")
        menu.open(entry)
    shoot("briefing")
    if not isinstance(app.top, BriefingScene):
        print("crisis-sim: the case did not open", file=sys.stderr)
        return 1
    app.top.press("start")
    live = app.top
    assert isinstance(live, LiveScene)
    session = live.session
    # Play on until a decision has been open for a while, so the feed has something in it.
    while not live.ended:
        app.frame(FRAME)
        opened = [session.state.opened_at[d.id] for d in session.open_decisions]
        if opened and session.t - min(opened) >= 40 and len(session.feed) >= 6:
            break
    if not live.ended:
        for _ in range(3):
            live.feed.select_step(1)
        live.choose(0)
        shoot("live")
        _post_key(pygame.K_F1)
        shoot("help")
        _post_key(pygame.K_F1)
        app.frame(0.0)
    live.bot = BOTS["best"](session.seed)
    app.settings.speed = 120.0
    for _ in range(100_000):
        if isinstance(app.top, DebriefScene):
            break
        app.frame(FRAME)
    debrief = app.top
    if not isinstance(debrief, DebriefScene):
        print("crisis-sim: the round did not end", file=sys.stderr)
        return 1
    shoot("debrief")
    debrief.scroll_by(debrief.view.h - app.painter.theme.line("body") * 2)
    shoot("debrief-2")
    debrief.scroll_by(debrief.view.h - app.painter.theme.line("body") * 2)
    shoot("debrief-3")
    for path in saved:
        print(path)
    return 0
