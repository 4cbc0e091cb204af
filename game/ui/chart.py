"""Metric history drawn as lines: the small graphs of the dashboard and the debrief's timeline.

Lines differ by colour and by marker shape, and carry their name at the end, so the chart reads
in grey too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pygame

from game.ui import theme as th
from game.ui.text import Painter, Sheet


def marker(surface: pygame.Surface, shape: str, colour: tuple[int, int, int], centre: tuple[float, float],
           r: int) -> None:
    x, y = centre
    if shape == "square":
        pygame.draw.rect(surface, colour, (x - r, y - r, 2 * r, 2 * r))
    elif shape == "triangle":
        pygame.draw.polygon(surface, colour, [(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)])
    elif shape == "diamond":
        pygame.draw.polygon(surface, colour, [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)])
    else:
        pygame.draw.circle(surface, colour, (x, y), r)


def sparkline(surface: pygame.Surface, rect: pygame.Rect, values: Sequence[float],
              colour: tuple[int, int, int], width: int = 2) -> None:
    """A small line of the last values (0-100) in ``rect``, with a faint mid line."""
    if len(values) < 2:
        if values:
            y = rect.bottom - values[0] / 100 * rect.h
            pygame.draw.line(surface, colour, (rect.x, y), (rect.right, y), width)
        return
    # Scaled to the values shown (at least a 10-point span) so that small moves can be seen.
    low, high = min(values), max(values)
    if high - low < 10:
        mid = (high + low) / 2
        low, high = mid - 5, mid + 5
    step = rect.w / (len(values) - 1)
    points = [(rect.x + i * step, rect.bottom - (v - low) / (high - low) * rect.h) for i, v in enumerate(values)]
    pygame.draw.lines(surface, colour, False, points, width)


def timeline(
    painter: Painter,
    sheet: Sheet,
    rect: pygame.Rect,
    samples: list[tuple[int, dict[str, float]]],
    duration: int,
    names: dict[str, str],
    marks: list[tuple[int, str]],
    clock: Callable[[float], str] | None = None,
) -> None:
    """The debrief chart: each metric over the run, with numbered marks where decisions were made.

    Args:
        painter: Draws the words.
        sheet: Where to draw.
        rect: The chart's area on the sheet (axes included).
        samples: ``(t, metrics)`` once per simulated minute.
        duration: The case's length, for the time axis.
        names: Metric id -> name to print.
        marks: ``(t, label)`` for each decision answered or missed.
        clock: Words a tick's time (the real day and hour of a case with a calendar,
            :func:`game.play.moments.moments`); None: minutes of the round (``5′``).
    """
    t = painter.theme
    surface = sheet.surface
    left = rect.x + t.px(34)
    right = rect.right - t.px(96)
    top, bottom = rect.y + t.px(8), rect.bottom - t.line("small") - t.px(6)
    plot = pygame.Rect(left, top, max(10, right - left), max(10, bottom - top))
    pygame.draw.rect(surface, th.PANEL, plot)
    for value in (0, 25, 50, 75, 100):
        y = plot.bottom - value / 100 * plot.h
        pygame.draw.line(surface, th.LINE, (plot.x, y), (plot.right, y))
        painter.text(sheet, str(value), (plot.x - t.px(6), int(y)), "small", th.MUTED, anchor="midright")
    end = max(duration, samples[-1][0] if samples else 1, 1)

    def x_of(seconds: float) -> float:
        return plot.x + seconds / end * plot.w

    minutes = end // 60
    steps = (1, 2, 5, 10, 15, 30, 60)
    step = next((s for s in steps if minutes / s <= 10), 60)
    words = {minute: f"{minute}′" for minute in range(0, minutes + 1)}
    if clock is not None:
        # Dates are wider than minutes: as many ticks as their words fit side by side.
        words = {minute: clock(minute * 60) for minute in range(0, minutes + 1)}
        widest = max(painter.theme.font("small").size(text)[0] for text in words.values()) + t.px(16)
        step = next((s for s in steps if s >= step and s * 60 / end * plot.w >= widest), minutes or 1)
    for minute in range(0, minutes + 1, step):
        x = x_of(minute * 60)
        pygame.draw.line(surface, th.LINE, (x, plot.bottom), (x, plot.bottom + t.px(4)))
        half = painter.theme.font("small").size(words[minute])[0] / 2  # a wide date stays whole at either end
        anchor = "topleft" if x - half < rect.x else "topright" if x + half > rect.right else "midtop"
        painter.text(sheet, words[minute], (int(x), plot.bottom + t.px(4)), "small", th.MUTED, anchor=anchor)
    for seconds, label in marks:
        x = int(x_of(seconds))
        for y in range(plot.y, plot.bottom, t.px(8)):
            pygame.draw.line(surface, th.TEXT, (x, y), (x, min(plot.bottom, y + t.px(4))))
        box = painter.text(sheet, label, (x, plot.y + t.px(2)), "small", th.BG, anchor="midtop")
        pygame.draw.rect(surface, th.TEXT, box.inflate(t.px(6), t.px(2)), border_radius=t.px(3))
        painter.text(sheet, label, (x, plot.y + t.px(2)), "small", th.BG, anchor="midtop")
    ends: list[tuple[float, str, tuple[int, int, int], str]] = []
    for index, name in enumerate(names):
        colour = th.metric_colour(name, index)
        shape = th.METRIC_MARKERS.get(name, "circle")
        points = [(x_of(s), plot.bottom - max(0.0, min(100.0, m.get(name, 0))) / 100 * plot.h) for s, m in samples
                  if name in m]
        if len(points) >= 2:
            pygame.draw.lines(surface, colour, False, points, max(2, t.px(2)))
        every = max(1, len(points) // 8)
        for point in points[::every]:
            marker(surface, shape, colour, point, t.px(4))
        if points:
            ends.append((points[-1][1], names[name], colour, shape))
    # Names at the line ends, pushed apart so they never overlap.
    ends.sort()
    gap = t.line("small")
    placed: list[float] = []
    for y, _, _, _ in ends:
        y = max(y, placed[-1] + gap if placed else plot.y + gap / 2)
        placed.append(y)
    overflow = placed[-1] - (plot.bottom - gap / 2) if placed else 0
    if overflow > 0:
        placed = [y - overflow for y in placed]
    for (_, label, colour, shape), y in zip(ends, placed):
        marker(surface, shape, colour, (plot.right + t.px(16), y), t.px(4))
        painter.text(sheet, label, (plot.right + t.px(24), int(y)), "small", colour, anchor="midleft")
