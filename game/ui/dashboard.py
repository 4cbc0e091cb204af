"""The dashboard of the live screen: metric gauges with small history graphs, and notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from game.ui import theme as th
from game.i18n import Translator
from game.play.moments import moment
from game.ui.chart import marker, sparkline
from game.ui.text import Sheet

if TYPE_CHECKING:
    from game.ui.live import LiveScene

MAX_WAIT = 8  # frames a redraw may wait for a quieter frame
# The gauges are drawn again at most this often (real seconds, or frames when frames carry no
# time): at 1 s = 120 s the metrics move every frame, faster than anyone reads a gauge.
REFRESH_SECONDS = 0.25
REFRESH_FRAMES = 15
HISTORY = 30  # samples in a gauge's graph: the last half hour of simulated time


def metric_name(tr: Translator, name: str, case_names: dict[str, str] | None = None) -> str:
    """A metric's name in the chosen language (a case names its own extra metrics in ``metric_names``)."""
    return tr.metric(name, case_names)


def warning(name: str, value: float) -> bool:
    """A metric in a zone the team should worry about."""
    if name in th.HIGH_IS_BAD:
        return value >= 65 if name == "visibility" else value >= 50
    return value < 35


@dataclass
class Note:
    """A notification: an icon and words, a colour, when it happened, and how long it has shown."""

    icon: str
    text: str
    colour: tuple[int, int, int]
    t: int
    age: float = 0.0
    # The note's box as last drawn, and what it was drawn for (see draw_notes).
    drawn: tuple[tuple[object, ...], Sheet] | None = field(default=None, repr=False, compare=False)


class Dashboard:
    """Gauges redrawn only when a value or the history changes (at most once a tick)."""

    def __init__(self, scene: LiveScene) -> None:
        self.scene = scene
        self.rect = pygame.Rect(0, 0, 1, 1)
        self.sheet: Sheet | None = None
        self.key: tuple[object, ...] | None = None
        self.gauge_rects: dict[str, pygame.Rect] = {}
        self.waited = 0
        self._since = 0.0  # real seconds since the last redraw
        self._frames = 0
        self._fit: tuple[tuple[object, ...], bool] | None = None  # see hints_fit
        self._legend: tuple[tuple[object, ...], list[str]] | None = None  # see legend

    def set_rect(self, rect: pygame.Rect) -> None:
        self.rect = rect
        self.key = None

    def gauge_height(self) -> int:
        t = self.scene.theme
        return t.line("bold") + t.px(8) + t.px(26) + t.px(10)

    def height(self) -> int:
        t = self.scene.theme
        legend = self.legend()
        below = len(legend) * t.line("small") + t.px(6) if legend else 0
        return len(self.scene.session.state.metrics) * self.gauge_height() + t.px(4) + below

    def hint(self, name: str) -> str:
        """Which way is better for a gauge, in the chosen language."""
        return self.scene._("↓ is better") if name in th.HIGH_IS_BAD else self.scene._("↑ is better")

    def hints_fit(self) -> bool:
        """Whether every gauge's hint fits whole beside its name (a wide value with its warning is
        assumed, so the hints do not come and go as the values move)."""
        scene, t = self.scene, self.scene.theme
        # Asked every frame (the height of the dashboard places the notifications): worked out
        # once per width, type size, language and set of gauges.
        key = (self.rect.w, t.scale, scene.app.settings.lang, tuple(scene.session.state.metrics))
        if self._fit is not None and self._fit[0] == key:
            return self._fit[1]
        fit = self._hints_fit(scene, t)
        self._fit = (key, fit)
        return fit

    def _hints_fit(self, scene: LiveScene, t: th.Theme) -> bool:
        w = self.rect.w - 2 * t.px(8)
        widest_value = t.font("bold").size("⚠ 88 →")[0]
        return all(t.px(16) + t.font("bold").size(scene.metric_name(name))[0] + t.font("small").size(self.hint(name))[0]
                   + t.px(8) + t.px(24) + widest_value <= w for name in scene.session.state.metrics)

    def legend(self) -> list[str]:
        """When a hint does not fit beside its gauge (projector type, a narrow window): one line
        under the gauges for each way, naming the gauges ("↑ is better: Sentiment, Trust")."""
        if self.hints_fit():
            return []
        assert self._fit is not None
        if self._legend is not None and self._legend[0] == self._fit[0]:
            return self._legend[1]
        scene = self.scene
        names = list(scene.session.state.metrics)
        lines: list[str] = []
        for bad in (False, True):
            those = [scene.metric_name(n) for n in names if (n in th.HIGH_IS_BAD) == bad]
            if those:
                hint = scene._("↓ is better") if bad else scene._("↑ is better")
                words = scene._("{heading}: {text}", heading=hint, text=", ".join(those))
                lines += scene.painter.cache.wrap(scene.theme, words, "small", self.rect.w - 2 * scene.theme.px(8))
        self._legend = (self._fit[0], lines)
        return lines

    def update(self, busy: bool = False, dt: float = 0.0) -> bool:
        """Redraw the gauges if a value changed, at most every ``REFRESH_SECONDS``; on a ``busy``
        frame (the engine made a crowd of posts) wait a few frames, so that the two never land
        on the same frame. True when the gauges were drawn again (the feed then waits a frame)."""
        self._since += dt
        self._frames += 1
        state = self.scene.session.state
        key = (self.rect.size, tuple(round(v, 1) for v in state.metrics.values()), len(state.samples),
               self.scene.app.settings.lang)
        if key == self.key:
            self.waited = 0
            return False
        if self.sheet is not None and self.key is not None and key[0] == self.key[0] and key[3] == self.key[3]:
            if self._since < REFRESH_SECONDS and self._frames < REFRESH_FRAMES:
                return False
            if busy and self.waited < MAX_WAIT:
                self.waited += 1
                return False
        self.key, self.waited, self._since, self._frames = key, 0, 0.0, 0
        self.sheet = self._draw()
        return True

    def _draw(self) -> Sheet:
        scene = self.scene
        t, p = scene.theme, scene.painter
        state = scene.session.state
        sheet = Sheet((self.rect.w, self.height()), th.PANEL)
        surface = sheet.surface
        y = t.px(4)
        history = state.samples[-HISTORY:]
        self.gauge_rects = {}
        beside = self.hints_fit()
        for index, (name, value) in enumerate(state.metrics.items()):
            colour = th.metric_colour(name, index)
            pad = t.px(8)
            w = self.rect.w - 2 * pad
            x = pad
            marker(surface, th.METRIC_MARKERS.get(name, "circle"), colour, (x + t.px(5), y + t.line("bold") // 2),
                   t.px(5))
            label = p.text(sheet, scene.metric_name(name), (x + t.px(16), y), "bold", th.TEXT)
            bad = warning(name, value)
            previous = history[-6][1].get(name, value) if len(history) >= 6 else (history[0][1].get(name, value)
                                                                                  if history else value)
            delta = value - previous
            arrow = "↑" if delta > 0.5 else "↓" if delta < -0.5 else "→"
            value_text = f"{'⚠ ' if bad else ''}{scene.tr.decimal(value, 0)} {arrow}"
            p.text(sheet, value_text, (x + w, y), "bold", th.ORANGE if bad else th.TEXT, anchor="topright")
            room = x + w - label.right - t.font("bold").size(value_text)[0] - t.px(24)
            # A cut hint is noise: whole beside every gauge, or all in the legend below (and none
            # over a value wider than the one assumed: 100 with its warning).
            if beside and t.font("small").size(self.hint(name))[0] <= room:
                p.text(sheet, self.hint(name), (label.right + t.px(8), y + t.line("bold") // 2), "small", th.FAINT,
                       anchor="midleft")
            y += t.line("bold") + t.px(4)
            bar = pygame.Rect(x, y, w // 2 - t.px(6), t.px(10))
            pygame.draw.rect(surface, th.CARD, bar, border_radius=t.px(3))
            fill = bar.copy()
            fill.w = max(1, int(bar.w * max(0.0, min(100.0, value)) / 100))
            pygame.draw.rect(surface, colour, fill, border_radius=t.px(3))
            for tick in (25, 50, 75):
                tx = bar.x + bar.w * tick // 100
                pygame.draw.line(surface, th.BG, (tx, bar.y), (tx, bar.bottom))
            graph = pygame.Rect(x + w // 2 + t.px(6), y - t.px(8), w - w // 2 - t.px(6), t.px(26))
            pygame.draw.rect(surface, th.CARD, graph)
            sparkline(surface, graph.inflate(-t.px(4), -t.px(4)), [m.get(name, 0) for _, m in history], colour,
                      max(1, t.px(2)))
            self.gauge_rects[name] = pygame.Rect(x, y - t.line("bold"), w, t.line("bold") + t.px(26))
            y += t.px(26) + t.px(8)
        for line in self.legend():
            p.text(sheet, line, (t.px(8), y), "small", th.MUTED)
            y += t.line("small")
        return sheet

    def draw(self, surface: pygame.Surface) -> None:
        if self.sheet is not None:
            self.scene.painter.sheet(surface, self.sheet, self.rect.topleft)


NOTE_FRESH = 4.0  # real seconds a notification stays highlighted


def draw_notes(scene: LiveScene, surface: pygame.Surface, rect: pygame.Rect, notes: list[Note]) -> None:
    """Newest first; each with its icon, its words and the simulated time it happened.

    Each box is drawn once into a sheet (again when it stops being fresh): a new note moves the
    others down, and at 4K writing them all again is a couple of milliseconds."""
    t, p = scene.theme, scene.painter
    # Every pixel of ``rect`` is painted (the background only between the boxes): the screen
    # need not fill it first.
    surface.set_clip(rect)
    y = rect.y + t.line("head") + t.px(4)
    surface.fill(th.BG, (rect.x, rect.y, rect.w, y - rect.y))
    p.text(surface, scene._("Notifications"), (rect.x, rect.y), "head", th.TEXT)
    for note in reversed(notes):
        if y > rect.bottom:
            break
        box = _note_box(scene, note, rect.w)
        p.sheet(surface, box, (rect.x, y))
        y += box.size[1]
        surface.fill(th.BG, (rect.x, y, rect.w, t.px(6)))
        y += t.px(6)
    if y < rect.bottom:
        surface.fill(th.BG, (rect.x, y, rect.w, rect.bottom - y))
    surface.set_clip(None)


def _note_box(scene: LiveScene, note: Note, width: int) -> Sheet:
    t, p = scene.theme, scene.painter
    fresh = note.age < NOTE_FRESH
    key = (width, fresh, t.scale, scene.app.settings.lang)
    if note.drawn is not None and note.drawn[0] == key:
        return note.drawn[1]
    box_h = p.wrapped_height(note.text, width - t.px(60), "small") + t.line("small") + t.px(8)
    sheet = Sheet((width, box_h), th.BG)
    box = pygame.Rect(0, 0, width, box_h)
    pygame.draw.rect(sheet.surface, th.CARD if fresh else th.PANEL, box, border_radius=t.px(4))
    pygame.draw.rect(sheet.surface, note.colour, (box.x, box.y, t.px(4), box.h))
    p.text(sheet, note.icon, (box.x + t.px(10), box.y + t.px(4)), "bold", note.colour)
    p.text(sheet, moment(scene.tr, scene.case.calendar, note.t), (box.right - t.px(6), box.y + t.px(4)), "small", th.FAINT, anchor="topright")
    p.paragraph(sheet, note.text, (box.x + t.px(34), box.y + t.px(4) + t.line("small")), width - t.px(60),
                "small", th.TEXT if fresh else th.MUTED)
    note.drawn = (key, sheet)
    return sheet
