"""The scene protocol: every screen handles input, updates from the engine, and draws.

Scenes live on a stack in :class:`game.ui.app.App`. Input goes to the top scene first and
passes down until one uses it (an overlay that does not use a key lets the screen under it
have it). ``update`` moves the scene on by ``dt`` real seconds; ``draw`` only reads state, it
may fill render caches but never changes what the scene or the engine holds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

import pygame

from game.i18n import Translator
from game.ui import theme as th
from game.ui.text import Painter, Sheet
from game.ui.widgets import Button, button_width, draw_button

if TYPE_CHECKING:
    from game.ui.app import App

Colour = tuple[int, int, int]
PageItem = tuple[int, Callable[[Sheet, int], object]]
"""One part of a tall page: its height, and how to draw it on the page's sheet ``y`` pixels down."""


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
    def painter(self) -> Painter:
        return self.app.painter

    @property
    def theme(self) -> th.Theme:
        return self.app.painter.theme

    @property
    def tr(self) -> Translator:
        """Words (``ngettext``, ``pgettext``), numbers and times in the chosen language."""
        return self.app.tr

    def _(self, message: str, /, **values: object) -> str:
        """``message`` (English, the gettext message id) in the chosen language, placeholders filled."""
        return self.app.tr.gettext(message, **values)

    def handle(self, event: pygame.event.Event) -> bool:
        """React to one input event; True when the event was used."""
        return False

    def update(self, dt: float) -> None:
        """Move on by ``dt`` real seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; must not change its state."""

    def layout(self, size: tuple[int, int]) -> None:
        """The window changed size (or the type size or language changed): recompute positions and caches."""

    def language_changed(self) -> None:
        """The interface language changed; ``layout`` follows. Drop words kept from before."""

    def resume(self) -> None:
        """The scene is on top again."""

    def pause(self) -> None:
        """Another scene was pushed over this one."""


class KeptPart:
    """A part of a screen left as the window shows it while what it depends on stays the same.

    Redrawing a 4K window costs milliseconds of pixels per frame; most parts of the live screen
    change a few times a second at most. The screen says each frame whether the window still
    holds what it drew last frame (``clean``: nothing drawn over it since), and the part's
    ``key`` (everything its pixels depend on); an unchanged part is not drawn again, and the
    words it showed are recorded again for ``App.shown``.

    A part may also name a ``detail``: what changes often in a small area of it (a countdown).
    When only the detail changed, only that area is drawn again (``draw`` gets it as a clip),
    and the words recorded are those drawn there plus the part's others.
    """

    def __init__(self) -> None:
        self.key: Hashable = None
        self.detail: Hashable = None
        self.texts: list[tuple[str, pygame.Rect]] = []
        self.keep = False
        self.only: pygame.Rect | None = None  # this frame, only this area is drawn again

    def unchanged(self, clean: bool, key: Hashable, detail: Hashable = None,
                  area: pygame.Rect | None = None) -> bool:
        """Whether this frame may leave the part's pixels as they are (when only ``detail``
        changed, the part is drawn again only in ``area``, see ``draw``)."""
        same = clean and key == self.key
        self.keep = same and detail == self.detail
        self.only = area if same and not self.keep and area is not None else None
        self.key, self.detail = key, detail
        return self.keep

    def draw(self, painter: Painter, draw: Callable[..., object]) -> None:
        """Run ``draw`` unless the part is kept; either way the part's words are on record.

        When only the detail changed, ``draw(area)`` is called: it draws inside ``area`` only."""
        if self.keep:
            self.keep = False
            painter.frame.extend(self.texts)
            return
        start = len(painter.frame)
        only, self.only = self.only, None
        if only is not None:
            draw(only)
            fresh = painter.frame[start:]
            # In the order a whole drawing records them: the words drawn again take the place
            # of those they replace.
            kept: list[tuple[str, pygame.Rect]] = []
            at = None
            for text, rect in self.texts:
                if not rect.colliderect(only):
                    kept.append((text, rect))
                elif at is None:
                    at = len(kept)
            replaced = len(self.texts) - len(kept)
            if at is None:
                kept += fresh
            elif replaced == len(fresh):
                old = iter(fresh)
                kept = [next(old) if rect.colliderect(only) else (text, rect) for text, rect in self.texts]
            else:
                kept[at:at] = fresh
            painter.frame[start:] = kept
        else:
            draw()
        self.texts = painter.frame[start:]


def fill_except(surface: pygame.Surface, holes: Sequence[pygame.Rect], colour: tuple[int, int, int],
                areas: Sequence[pygame.Rect] | None = None) -> None:
    """Fill ``surface`` (or only its ``areas``, the parts drawn again) but the ``holes`` (parts
    whose pixels stay as they are)."""
    pieces = [surface.get_rect()] if areas is None else [pygame.Rect(a) for a in areas]
    for hole in holes:
        rest = []
        for r in pieces:
            cut = r.clip(hole)
            if not cut.w or not cut.h:
                rest.append(r)
                continue
            rest += [pygame.Rect(r.x, r.y, r.w, cut.y - r.y), pygame.Rect(r.x, cut.bottom, r.w, r.bottom - cut.bottom),
                     pygame.Rect(r.x, cut.y, cut.x - r.x, cut.h), pygame.Rect(cut.right, cut.y, r.right - cut.right, cut.h)]
        pieces = [r for r in rest if r.w > 0 and r.h > 0]
    for r in pieces:
        surface.fill(colour, r)


class PageScene(Scene):
    """A screen that is one tall page (briefing, debrief) over a row of buttons.

    Subclasses build the page in ``_page(width)``, lay it out with :meth:`lay_out_page`, carry
    out button actions in ``press`` and map their own keys to those actions in ``KEYS``;
    buttons, the wheel and the usual keys scroll it.
    """

    KEYS: dict[int, str] = {}

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.scroll = 0
        self.sheet: Sheet | None = None  # the rendered page
        self.view = pygame.Rect(0, 0, 1, 1)
        self.buttons: list[Button] = []

    def _page(self, width: int) -> Sheet:
        raise NotImplementedError

    def stack(self, items: list[PageItem], width: int, top: int) -> Sheet:
        """One tall sheet of ``(height, draw(sheet, y))`` items, one under the other, ``top`` base pixels down."""
        sheet = Sheet((width, sum(h for h, _ in items) + self.theme.px(40)), th.BG)
        y = self.theme.px(top)
        for h, draw in items:
            draw(sheet, y)
            y += h
        return sheet

    def scroll_hint(self) -> str:
        """Words shown after the scroll position under a long page (none by default)."""
        return ""

    def draw(self, surface: pygame.Surface) -> None:
        """The page, clipped to its view at the scroll position, the scroll position, and the buttons."""
        t, p = self.theme, self.painter
        surface.fill(th.BG)
        if self.sheet is not None:
            surface.set_clip(self.view)
            p.sheet(surface, self.sheet, self.view.topleft, pygame.Rect(0, self.scroll, self.view.w, self.view.h))
            surface.set_clip(None)
        pygame.draw.line(surface, th.LINE, (0, self.view.bottom), (surface.get_width(), self.view.bottom))
        if self.max_scroll:
            shown = "↕ " + self.tr.percent(self.scroll / self.max_scroll)
            hint = self.scroll_hint()
            p.text(surface, f"{shown} · {hint}" if hint else shown, (self.view.x, self.view.bottom + t.px(14)),
                   "small", th.MUTED)
        for button in self.buttons:
            draw_button(p, surface, button, "body")

    def lay_out_page(self, size: tuple[int, int], margin: int, widest: int,
                     buttons: Sequence[tuple[str, str, str, tuple[int, int, int] | None]]) -> None:
        """Centre the page in a column and line the buttons up under it, from the right.

        Args:
            size: The window's size.
            margin: Space kept on both sides of the column, in base pixels.
            widest: The column's greatest width, in base pixels.
            buttons: ``(action, label, key, colour or None)``, the rightmost first.
        """
        t = self.theme
        w, h = size
        footer = t.line("body") + t.px(36)
        column = min(w - t.px(margin), t.px(widest))
        self.view = pygame.Rect((w - column) // 2, 0, column, h - footer)
        self.sheet = self._page(column)
        self.scroll = min(self.scroll, self.max_scroll)
        y, height, right = h - footer + t.px(10), t.line("body") + t.px(12), self.view.right
        self.buttons = []
        for action, label, key, colour in buttons:
            width = button_width(self.painter, label, key, "body")
            rect = pygame.Rect(right - width, y, width, height)
            self.buttons.append(Button(action, label, key, rect, colour or th.LINE))
            right -= width + t.px(12)

    @property
    def max_scroll(self) -> int:
        return max(0, (self.sheet.size[1] if self.sheet else 0) - self.view.h)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in self.buttons:
                if button.hit(event.pos):
                    self.press(button.action)
                    return True
            return False
        if event.type == pygame.MOUSEWHEEL:
            self.scroll_by(-event.y * self.theme.px(60))
            return True
        if event.type != pygame.KEYDOWN:
            return False
        if event.key in self.KEYS:
            self.press(self.KEYS[event.key])
            return True
        return self.scroll_key(event.key)

    def scroll_key(self, key: int) -> bool:
        """Arrows (and j/k), Page Up/Down (and Space), Home and End scroll the page."""
        step = self.theme.line("body") * 3
        if key in (pygame.K_DOWN, pygame.K_j):
            self.scroll_by(step)
        elif key in (pygame.K_UP, pygame.K_k):
            self.scroll_by(-step)
        elif key in (pygame.K_PAGEDOWN, pygame.K_SPACE):
            self.scroll_by(self.view.h - step)
        elif key == pygame.K_PAGEUP:
            self.scroll_by(-(self.view.h - step))
        elif key == pygame.K_HOME:
            self.scroll = 0
        elif key == pygame.K_END:
            self.scroll = self.max_scroll
        else:
            return False
        return True

    def scroll_by(self, pixels: int) -> None:
        self.scroll = max(0, min(self.max_scroll, self.scroll + pixels))

    def press(self, action: str) -> None:
        """Carry out a button's action."""
