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


STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080)
"""Minutes between two ticks of the time axis (up to a week: a long case's calendar)."""


def time_ticks(end: int, clock: Callable[[float], str] | None, size: Callable[[str], tuple[int, int]],
               plot: pygame.Rect, bounds: pygame.Rect, beside: pygame.Rect, gap: int) -> list[tuple[int, str, pygame.Rect]]:
    """The labelled ticks of the time axis, ``(minute, words, box)``: as many as fit without two
    boxes touching (``gap`` pixels at least between them).

    At most about ten ticks, at a round step; dates (``clock``) are wider than minutes (``5′``), so
    the step grows until every label has its room. A label stays whole inside ``bounds`` (the
    first and the last are pushed in from the edges), and clear of ``beside`` (the value axis's
    "0"); a label that still cannot have its room is left out rather than drawn over another.
    """
    minutes = end // 60

    def words(minute: int) -> str:
        return clock(minute * 60) if clock is not None else f"{minute}\u2032"

    top = plot.bottom + max(2, gap // 3)

    def box(minute: int) -> pygame.Rect:
        w, h = size(words(minute))
        x = plot.x + minute * 60 / end * plot.w if end else plot.x
        r = pygame.Rect(int(x - w / 2), top, w, h)
        r.right = min(r.right, bounds.right)
        r.left = max(r.left, bounds.left)
        if r.colliderect(beside.inflate(gap, 0)):
            r.left = beside.right + gap
        return r

    def clear(boxes: list[pygame.Rect]) -> bool:
        return all(b.left - a.right >= gap for a, b in zip(boxes, boxes[1:])) and \
            all(b.right <= bounds.right for b in boxes)

    first = next((s for s in STEPS if minutes / s <= 10), STEPS[-1])
    for step in (s for s in STEPS if s >= first):
        ticks = [(m, words(m), box(m)) for m in range(0, minutes + 1, step)]
        if clear([b for _, _, b in ticks]):
            return ticks
        if len(ticks) <= 2:
            break
    return [(0, words(0), box(0))]  # not even two fit: the start alone


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

    font = t.font("small")
    zero = font.size("0")  # the value axis's "0" sits at the bottom left, beside the first tick's words
    beside = pygame.Rect(plot.x - t.px(6) - zero[0], plot.bottom - zero[1] // 2, zero[0], zero[1])
    for minute, text, box in time_ticks(end, clock, font.size, plot, rect, beside, t.px(12)):
        x = x_of(minute * 60)
        pygame.draw.line(surface, th.LINE, (x, plot.bottom), (x, plot.bottom + t.px(4)))
        painter.text(sheet, text, box.topleft, "small", th.MUTED)
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
