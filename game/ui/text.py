"""Cached text: rendered once, blitted many times.

``Painter`` is the one way screens put words on a surface. It keeps rendered lines in an LRU
cache (re-rendered only when the text, font or colour changes) and remembers which words were
drawn where in the last frame, so tests (and, one day, a screen reader) can ask what is on
screen without reading pixels.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable

import pygame

from game.ui.glyphs import printable
from game.ui.theme import Theme

Colour = tuple[int, int, int] | tuple[int, int, int, int]


class Sheet:
    """A surface drawn once (a post card, a debrief page) with the words written on it."""

    __slots__ = ("surface", "texts")

    def __init__(self, size: tuple[int, int], fill: Colour | None = None,
                 reuse: pygame.Surface | None = None) -> None:
        w, h = max(1, size[0]), max(1, size[1])
        if reuse is not None and fill is not None and reuse.get_size() == (w, h):
            # The pixels of a sheet no longer shown (a card dropped from the cache): a new
            # surface of megabytes at 4K is an allocation and a page fault per 4 KB.
            self.surface = reuse
            self.surface.fill(fill)
        elif fill is None:
            self.surface = pygame.Surface((w, h), pygame.SRCALPHA)
        else:
            # In the display's own pixel format, so blitting it needs no conversion.
            screen = pygame.display.get_surface()
            self.surface = pygame.Surface((w, h), 0, screen) if screen is not None else pygame.Surface((w, h))
            self.surface.fill(fill)
        self.texts: list[tuple[str, pygame.Rect]] = []

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()


# Text that did not come from a checked case (an imported round's notes, a results file) may hold
# characters no font takes: NUL makes pygame raise, a lone surrogate cannot even be encoded.
_UNDRAWABLE = re.compile(r"[\x00\ud800-\udfff]")


def drawable(text: str) -> str:
    """``text`` with the characters that would make rendering fail shown as "\ufffd", and those
    the font has no glyph for (emoji) left out (game/ui/glyphs.py): never an empty box."""
    return printable(_UNDRAWABLE.sub("\ufffd", text) if _UNDRAWABLE.search(text) else text)


class TextCache:
    """Rendered lines keyed by (text, font role, colour); least recently used dropped first."""

    def __init__(self, limit: int = 4000) -> None:
        self.limit = limit
        self._lines: OrderedDict[tuple[str, str, Colour], pygame.Surface] = OrderedDict()
        self._wraps: OrderedDict[tuple[str, str, int], tuple[str, ...]] = OrderedDict()
        self._cuts: OrderedDict[tuple[str, str, int], str] = OrderedDict()
        self.renders = 0

    def clear(self) -> None:
        self._lines.clear()
        self._wraps.clear()
        self._cuts.clear()

    def cut(self, theme: Theme, text: str, role: str, width: int) -> str:
        """``text`` with an ellipsis to fit ``width`` (measuring is a search: done once per text and width)."""
        key = (text, role, width)
        cut = self._cuts.get(key)
        if cut is None:
            cut = ellipsize(theme.font(role), text, width)
            self._cuts[key] = cut
            if len(self._cuts) > self.limit:
                self._cuts.popitem(last=False)
        return cut

    def line(self, theme: Theme, text: str, role: str, colour: Colour) -> pygame.Surface:
        key = (text, role, colour)
        surface = self._lines.get(key)
        if surface is not None:
            self._lines.move_to_end(key)
            return surface
        surface = theme.font(role).render(drawable(text), True, colour)
        self.renders += 1
        self._lines[key] = surface
        if len(self._lines) > self.limit:
            self._lines.popitem(last=False)
        return surface

    def wrap(self, theme: Theme, text: str, role: str, width: int) -> tuple[str, ...]:
        key = (text, role, width)
        lines = self._wraps.get(key)
        if lines is None:
            lines = tuple(wrap(theme.font(role), drawable(text), width))
            self._wraps[key] = lines
            if len(self._wraps) > self.limit:
                self._wraps.popitem(last=False)
        return lines


def wrap(font: pygame.font.Font, text: str, width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels; keeps blank lines between paragraphs.

    A word longer than the line is cut where it must be, so nothing is ever drawn past the edge.
    """
    lines: list[str] = []
    space = font.size(" ")[0]
    for paragraph in reflow(text):
        # Only ordinary spaces break a line: no-break spaces keep "1 234", "50 %" and
        # "texte :" together, as French typography wants; so does the plain space French text
        # puts before ? ! : ; » and after « (BREAKS), so "?" never starts a line alone.
        words = BREAKS.split(paragraph.strip(" \t"))
        if words == [""]:
            words = []
        if not words:
            lines.append("")
            continue
        current, used = "", 0
        words.reverse()  # taken from the end: a kept-together group too wide for a line goes back split
        while words:
            word = words.pop()
            w = font.size(word)[0]
            if w > width and " " in word:
                words.extend(reversed(_split_group(font, word, width)))
                continue
            if w > width:
                if current:
                    lines.append(current)
                    current, used = "", 0
                for piece in _cut(font, word, width):
                    lines.append(piece)
                current = lines.pop()
                used = font.size(current)[0]
                continue
            if current and used + space + w > width:
                lines.append(current)
                current, used = word, w
            else:
                current = f"{current} {word}" if current else word
                used = used + space + w if used else w
        lines.append(current)
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def _split_group(font: pygame.font.Font, group: str, width: int) -> list[str]:
    """A group kept together (``BREAKS``) too wide for a line, split at its spaces, its punctuation
    still with the word before it (and "«" with the word after) wherever the two fit."""
    pieces: list[str] = []
    for part in group.split(" "):
        if pieces and (PUNCTUATION.fullmatch(part) or pieces[-1] == "«") \
                and font.size(f"{pieces[-1]} {part}")[0] <= width:
            pieces[-1] = f"{pieces[-1]} {part}"
        else:
            pieces.append(part)
    return pieces


PUNCTUATION = re.compile(r"[?!:;»]+")
# A run of spaces, unless it follows "«" or comes before ? ! : ; or "»" (French spacing).
BREAKS = re.compile(r"(?<![« \t])[ \t]+(?![ \t?!:;»])")
LIST_ITEM = re.compile(r"^\s*([-•*]|\d+[.)])\s")


def reflow(text: str) -> list[str]:
    """Paragraphs of ``text``: authors' hard line breaks (YAML ``|`` blocks) become spaces,
    blank lines stay blank, and list items keep their own lines."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.replace("\r", "").strip("\n").split("\n"):
        if not line.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append("")
        elif LIST_ITEM.match(line) and current:
            paragraphs.append(" ".join(current))
            current = [line.strip()]
        else:
            current.append(line.strip())
    if current:
        paragraphs.append(" ".join(current))
    # Several blank lines in a row read as one.
    return [p for i, p in enumerate(paragraphs) if p or (i and paragraphs[i - 1])]


def _cut(font: pygame.font.Font, word: str, width: int) -> Iterable[str]:
    start = 0
    while start < len(word):
        end = start + 1
        while end < len(word) and font.size(word[start:end + 1])[0] <= width:
            end += 1
        yield word[start:end]
        start = end


def ellipsize(font: pygame.font.Font, text: str, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if font.size(text)[0] <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.size(text[:mid] + "…")[0] <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


class Painter:
    """Draws cached text and records what the last frame showed.

    Args:
        theme: Fonts for the current window size.
    """

    def __init__(self, theme: Theme, shown_with: Painter | None = None) -> None:
        self.theme = theme
        self.cache = TextCache()
        # ``shown_with``: a painter of another type size (the decision shown large, a step smaller)
        # records what it draws in that painter's frame, so the screen's words stay one list.
        self.frame: list[tuple[str, pygame.Rect]] = shown_with.frame if shown_with is not None else []

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.cache.clear()

    def begin_frame(self) -> None:
        self.frame.clear()  # in place: a painter made ``shown_with`` this one shares the list

    def text(
        self,
        target: pygame.Surface | Sheet,
        text: str,
        pos: tuple[int, int],
        role: str = "body",
        colour: Colour = (236, 239, 244),
        anchor: str = "topleft",
        width: int | None = None,
    ) -> pygame.Rect:
        """Draw one line; with ``width``, cut it with an ellipsis to fit."""
        text = drawable(text)  # what is recorded as shown is what is drawn
        if width is not None:
            text = self.cache.cut(self.theme, text, role, width)
        surface = self.cache.line(self.theme, text, role, colour)
        rect = surface.get_rect(**{anchor: pos})
        self._blit(target, surface, rect, text)
        return rect

    def paragraph(
        self,
        target: pygame.Surface | Sheet,
        text: str,
        pos: tuple[int, int],
        width: int,
        role: str = "body",
        colour: Colour = (236, 239, 244),
        max_lines: int | None = None,
    ) -> int:
        """Draw wrapped text from ``pos``; returns the height used."""
        lines = self.cache.wrap(self.theme, text, role, width)
        if max_lines is not None and len(lines) > max_lines:
            lines = (*lines[: max_lines - 1], ellipsize(self.theme.font(role), lines[max_lines - 1] + " …", width))
        x, y = pos
        step = self.theme.line(role)
        for line in lines:
            if line:
                surface = self.cache.line(self.theme, line, role, colour)
                self._blit(target, surface, surface.get_rect(topleft=(x, y)), line)
            y += step
        return y - pos[1]

    def wrapped_height(self, text: str, width: int, role: str = "body", max_lines: int | None = None) -> int:
        lines = len(self.cache.wrap(self.theme, text, role, width))
        if max_lines is not None:
            lines = min(lines, max_lines)
        return lines * self.theme.line(role)

    def sheet(self, screen: pygame.Surface, sheet: Sheet, dest: tuple[int, int],
              area: pygame.Rect | None = None) -> None:
        """Blit a sheet (or the ``area`` of it) and record the words that show."""
        screen.blit(sheet.surface, dest, area)
        view = area or sheet.surface.get_rect()
        clip = screen.get_clip()
        for text, rect in sheet.texts:
            if rect.colliderect(view):
                on_screen = rect.move(dest[0] - view.x, dest[1] - view.y)
                if on_screen.colliderect(clip):
                    self.frame.append((text, on_screen))

    def _blit(self, target: pygame.Surface | Sheet, surface: pygame.Surface, rect: pygame.Rect, text: str) -> None:
        if isinstance(target, Sheet):
            target.surface.blit(surface, rect)
            target.texts.append((text, rect))
        else:
            target.blit(surface, rect)
            clip = target.get_clip()
            if target is pygame.display.get_surface() and rect.colliderect(clip):
                self.frame.append((text, rect))

    def record(self, text: str, rect: pygame.Rect) -> None:
        """Note words drawn by other means (a cached surface blitted directly)."""
        self.frame.append((text, rect))

    def shown(self) -> list[str]:
        """Every line of text the last frame put on screen."""
        return [text for text, _ in self.frame]
