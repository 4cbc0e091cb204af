"""Driving the pygame window in tests (dummy video driver): keys, typed text, frames, what is shown.

Shared by the window's test files so that each presses keys and reads the screen the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.ui.app import App

FRAME = 0.25  # real seconds per frame while a test waits for something to happen


def key(app: App, k: int, mod: int = 0, unicode: str = "", frames: int = 1) -> None:
    """Press and release a key, then run a frame so the screen shows the result."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=unicode, scancode=0))
    for _ in range(frames):
        app.frame(0.0)


def type_text(app: App, text: str) -> None:
    """Type ``text`` as SDL's text input delivers it, then run a frame."""
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.frame(0.0)


def run_until(app: App, done: Callable[[], object], limit: int = 20_000) -> None:
    """Run frames of FRAME seconds until ``done()`` holds; fail if it never does."""
    for _ in range(limit):
        if done():
            return
        app.frame(FRAME)
    raise AssertionError("the condition was never met")


def shown(app: App) -> str:
    """Everything on screen as one string (a wrapped paragraph reads as one line)."""
    return " ".join(app.shown())
