"""Buttons and a one-line text field, drawn by hand.

pygame_gui was considered for menus and text entry (docs/ui.md says why it was not taken): the
screens need few widgets, and these keep every word on the cached-text path the tests read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pygame

from game.i18n import Translator
from game.ui import theme as th
from game.ui.text import Painter, Sheet, ellipsize


def key_name(tr: Translator, key: str) -> str:
    """A key's name as the keyboard of the language prints it ("Enter" is "Entrée" in French);
    letters, digits and symbols stay as they are. ``key`` may hold several names and words."""
    words = {
        "Enter": tr.pgettext("key", "Enter"),
        "Esc": tr.pgettext("key", "Esc"),
        "Space": tr.pgettext("key", "Space"),
        "PgUp": tr.pgettext("key", "PgUp"),
        "PgDn": tr.pgettext("key", "PgDn"),
        "Backspace": tr.pgettext("key", "Backspace"),
    }
    return " ".join(words.get(word, word) for word in key.split(" "))


@dataclass
class Button:
    """A clickable area with a label and the key that does the same.

    Attributes:
        action: What the scene does when it is pressed (an id the scene understands).
        label: The words on it.
        key: The keyboard shortcut shown on it, e.g. "F" or "Enter".
        rect: Where it is, in the coordinates of what it is drawn on.
    """

    action: str
    label: str
    key: str = ""
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    colour: tuple[int, int, int] = th.LINE
    enabled: bool = True
    active: bool = False

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.enabled and self.rect.collidepoint(pos)


def button_width(painter: Painter, label: str, key: str, role: str = "small") -> int:
    font = painter.theme.font(role)
    pad = painter.theme.px(8)
    width = font.size(label)[0] + 2 * pad
    if key:
        width += font.size(key)[0] + painter.theme.px(10)
    return width


def draw_button(painter: Painter, target: pygame.Surface | Sheet, button: Button, role: str = "small",
                focused: bool = False) -> None:
    """A rounded box with the label, and the key in a small box at its left."""
    surface = target.surface if isinstance(target, Sheet) else target
    t = painter.theme
    rect = button.rect
    radius = t.px(5)
    if button.active:
        pygame.draw.rect(surface, button.colour, rect, border_radius=radius)
        text_colour, key_colour = th.BG, th.BG
    else:
        pygame.draw.rect(surface, th.PANEL if button.enabled else th.CARD_DONE, rect, border_radius=radius)
        pygame.draw.rect(surface, button.colour if button.enabled else th.LINE, rect, width=max(1, t.px(1.5)),
                         border_radius=radius)
        text_colour = th.TEXT if button.enabled else th.FAINT
        key_colour = th.MUTED
    if focused:
        pygame.draw.rect(surface, th.FOCUS, rect.inflate(t.px(6), t.px(6)), width=max(2, t.px(2)),
                         border_radius=radius + t.px(2))
    x = rect.x + t.px(8)
    cy = rect.centery
    if button.key:
        key_rect = painter.text(target, button.key, (x, cy), role, key_colour, anchor="midleft")
        pygame.draw.rect(surface, key_colour, key_rect.inflate(t.px(6), t.px(2)), width=1, border_radius=t.px(3))
        x = key_rect.right + t.px(10)
    painter.text(target, button.label, (x, cy), role, text_colour, anchor="midleft",
                 width=max(8, rect.right - x - t.px(6)))


class TextField:
    """One line of text the user types into (the team's name, a note).

    A field opened by a key (N for the team's name or a note) never types that key: SDL sends
    the key's ``KEYDOWN`` (which the screen takes to open the field) and then its ``TEXTINPUT``,
    which would land in the field as its first letter ("nAlice"). The window tells the fields
    which text the key it is dispatching would type (:attr:`key_text`, set by
    :meth:`game.ui.app.App.dispatch` for the length of one ``KEYDOWN``); a field that starts
    editing then drops that one text if it comes next. A field opened by a click, by Tab or by
    a key that types nothing drops nothing.

    Args:
        text: What the field holds at first.
        limit: The most characters it takes (a hard limit: typing stops there).
    """

    #: The text the key being dispatched now would type ("" between keys).
    key_text: ClassVar[str] = ""

    def __init__(self, text: str = "", limit: int = 40) -> None:
        self.text = text
        self.limit = limit
        self._editing = False
        self._opening_text = ""  # the text of the key that opened the field, if it may still come

    @property
    def editing(self) -> bool:
        return self._editing

    @editing.setter
    def editing(self, value: bool) -> None:
        if value and not self._editing:
            self._opening_text = TextField.key_text
        elif not value:
            self._opening_text = ""
        self._editing = value

    def type(self, text: str) -> None:
        """Add typed text, up to the field's limit (a hard limit: what goes over is not taken)."""
        self.text = (self.text + text)[: self.limit]

    def handle(self, event: pygame.event.Event) -> bool:
        """Typing while editing; Enter or Escape stops editing. Returns True when used."""
        if not self.editing:
            return False
        if event.type == pygame.TEXTINPUT:
            opening, self._opening_text = self._opening_text, ""
            if event.text != opening:  # the key that opened the field is not typed into it
                self.type(event.text)
            return True
        if event.type == pygame.KEYDOWN:
            self._opening_text = ""
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE, pygame.K_TAB):
                self.editing = False
            elif event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
            return True
        return False

    def draw(self, painter: Painter, surface: pygame.Surface, rect: pygame.Rect, placeholder: str) -> None:
        t = painter.theme
        pygame.draw.rect(surface, th.CARD, rect, border_radius=t.px(4))
        pygame.draw.rect(surface, th.FOCUS if self.editing else th.LINE, rect, width=max(1, t.px(2)),
                         border_radius=t.px(4))
        shown = self.text + ("|" if self.editing else "")
        colour = th.TEXT if self.text else th.FAINT
        painter.text(surface, ellipsize(t.font("body"), shown or placeholder, rect.w - t.px(12)),
                     (rect.x + t.px(6), rect.centery), "body", colour, anchor="midleft")

