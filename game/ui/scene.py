"""The scene protocol: every screen handles input, updates from the engine, and draws.

Scenes live on a stack in :class:`game.ui.app.App`. Input goes to the top scene first and
passes down until one uses it (an overlay that does not use a key lets the screen under it
have it). ``update`` moves the scene on by ``dt`` real seconds; ``draw`` only reads state, it
may fill render caches but never changes what the scene or the engine holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from game.ui.app import App


class Scene:
    """Base class for a screen.

    Attributes:
        name: A short name for screenshots and tests ("menu", "live", ...).
        overlay: Drawn over the scene under it, which keeps updating and gets unused input.
    """

    name = "scene"
    overlay = False

    def __init__(self, app: App) -> None:
        self.app = app

    @property
    def painter(self):  # noqa: ANN201 - the app's Painter
        return self.app.painter

    @property
    def theme(self):  # noqa: ANN201 - the app's Theme
        return self.app.painter.theme

    def t(self, key: str, **values: object) -> str:
        """The interface's words in the chosen language."""
        return self.app.t(key, **values)

    def handle(self, event: pygame.event.Event) -> bool:
        """React to one input event; True when the event was used."""
        return False

    def update(self, dt: float) -> None:
        """Move on by ``dt`` real seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; must not change its state."""

    def layout(self, size: tuple[int, int]) -> None:
        """The window changed size (or the type size changed): recompute positions and caches."""

    def resume(self) -> None:
        """The scene is on top again."""

    def pause(self) -> None:
        """Another scene was pushed over this one."""
