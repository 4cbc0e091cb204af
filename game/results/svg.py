"""Charts as inline SVG for the HTML reports: no script, no external file, prints as vectors.

Every text that reaches the markup goes through :func:`esc`. Lines differ by colour (Okabe and
Ito's palette), dash pattern and marker shape, and carry their name at the end, so a chart
printed in grey still reads.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

OKABE_ITO = {"orange": "#E69F00", "sky": "#2F8FC9", "green": "#009E73", "yellow": "#C9B800",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#777777"}
METRIC_STYLE = {
    "sentiment": (OKABE_ITO["sky"], "", "circle"),
    "visibility": (OKABE_ITO["orange"], "6 3", "triangle"),
    "trust": (OKABE_ITO["green"], "2 3", "square"),
    "media": (OKABE_ITO["purple"], "8 3 2 3", "diamond"),
}
EXTRA = [(OKABE_ITO["blue"], "4 2", "circle"), (OKABE_ITO["vermillion"], "1 2", "square"),
         (OKABE_ITO["yellow"], "", "triangle"), (OKABE_ITO["grey"], "3 3", "diamond")]
ENDING_COLOURS = {"success": OKABE_ITO["green"], "mixed": OKABE_ITO["orange"], "failure": OKABE_ITO["vermillion"]}
INK, MUTED, RULE = "#1d2330", "#5b6472", "#d5d9e0"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def metric_style(name: str, index: int) -> tuple[str, str, str]:
    return METRIC_STYLE.get(name, EXTRA[index % len(EXTRA)])


def marker(shape: str, x: float, y: float, colour: str, r: float = 3.5) -> str:
    if shape == "square":
        return f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{_n(x)},{_n(y - r - 1)} {_n(x - r - 1)},{_n(y + r)} {_n(x + r + 1)},{_n(y + r)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "diamond":
        pts = f"{_n(x)},{_n(y - r - 1)} {_n(x + r + 1)},{_n(y)} {_n(x)},{_n(y + r + 1)} {_n(x - r - 1)},{_n(y)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{colour}"/>'


def clock(seconds: int | float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def timeline(samples: Sequence[tuple[int, dict[str, float]]], duration: int, names: dict[str, str],
             decisions: Sequence[tuple[int, str, str]] = (), notes: Sequence[tuple[int, str, str]] = (),
             label: str = "", axis: str = "min", width: int = 920, height: int = 300) -> str:
    """Each metric over the round, decisions as numbered dashed lines, notes as ✎ marks.

    Args:
        samples: ``(t, {metric: value})`` in time order.
        duration: The round's length in simulated seconds (the x axis).
        names: Each metric's display name.
        decisions: ``(t, number, title)`` for each decision made or missed.
        notes: ``(t, number, text)`` for each observer's note.
        label: The chart's accessible description.
        axis: The unit word under the x axis.
    """
    left, right, top, bottom = 40, 120, 22, 34
    w, h = width - left - right, height - top - bottom
    span = max(duration, max((t for t, _ in samples), default=0), 60)

    def x(t: float) -> float:
        return left + w * t / span

    def y(v: float) -> float:
        return top + h * (1 - max(0.0, min(100.0, v)) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="{esc(label)}" class="chart">', f"<title>{esc(label)}</title>"]
    for v in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{_n(y(v))}" y2="{_n(y(v))}" stroke="{RULE}" '
                     f'stroke-width="1"/><text x="{left - 6}" y="{_n(y(v) + 4)}" text-anchor="end" '
                     f'font-size="11" fill="{MUTED}">{v}</text>')
    step = _tick_step(span)
    t = 0
    while t <= span:
        parts.append(f'<line x1="{_n(x(t))}" x2="{_n(x(t))}" y1="{top + h}" y2="{top + h + 4}" stroke="{MUTED}"/>'
                     f'<text x="{_n(x(t))}" y="{top + h + 16}" text-anchor="middle" font-size="11" '
                     f'fill="{MUTED}">{t // 60}</text>')
        t += step
    parts.append(f'<text x="{left + w / 2:.0f}" y="{height - 4}" text-anchor="middle" font-size="11" '
                 f'fill="{MUTED}">{esc(axis)}</text>')
    for t_at, number, title in decisions:
        px = _n(x(t_at))
        parts.append(f'<g><title>{esc(number)}. {esc(title)} ({clock(t_at)})</title>'
                     f'<line x1="{px}" x2="{px}" y1="{top}" y2="{top + h}" stroke="{INK}" stroke-width="1" '
                     f'stroke-dasharray="3 3" opacity="0.6"/>'
                     f'<text x="{px}" y="{top - 6}" text-anchor="middle" font-size="12" font-weight="bold" '
                     f'fill="{INK}">{esc(number)}</text></g>')
    ends: list[tuple[float, str, str, str]] = []
    for index, name in enumerate(names):
        colour, dash, shape = metric_style(name, index)
        points = [(x(t_at), y(values[name])) for t_at, values in samples if name in values]
        if not points:
            continue
        path = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g><title>{esc(names[name])}</title><polyline points="{path}" fill="none" '
                     f'stroke="{colour}" stroke-width="2"{dash_attr}/>')
        every = max(1, len(points) // 8)
        parts += [marker(shape, px, py, colour) for px, py in points[::every]]
        parts.append(marker(shape, *points[-1], colour) + "</g>")
        ends.append((points[-1][1], names[name], colour, shape))
    # Names at the end of the lines, pushed apart so they never overlap.
    ends.sort()
    placed: list[float] = []
    for py, name, colour, shape in ends:
        ly = max(py, placed[-1] + 14) if placed else py
        placed.append(ly)
        parts.append(marker(shape, left + w + 16, ly, colour) +
                     f'<text x="{left + w + 24}" y="{_n(ly + 4)}" font-size="12" fill="{INK}">{esc(name)}</text>')
    for t_at, number, text in notes:
        px = x(t_at)
        parts.append(f'<g><title>✎ {esc(number)} ({clock(t_at)}): {esc(text)}</title>'
                     f'<polygon points="{_n(px)},{top + h - 2} {_n(px - 6)},{top + h - 14} {_n(px + 6)},{top + h - 14}" '
                     f'fill="{OKABE_ITO["yellow"]}" stroke="{INK}" stroke-width="0.8"/>'
                     f'<text x="{_n(px)}" y="{top + h - 17}" text-anchor="middle" font-size="10" '
                     f'fill="{INK}">✎{esc(number)}</text></g>')
    parts.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="{MUTED}"/></svg>')
    return "".join(parts)


def _tick_step(span: float) -> int:
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120):
        if span / (minutes * 60) <= 12:
            return minutes * 60
    return 240 * 60


def bars(rows: Sequence[tuple[str, float, float]], label: str = "", width: int = 560) -> str:
    """Horizontal bars: ``(name, points, max)`` each, the figures written beside them."""
    row_h, name_w, bar_w = 26, 170, width - 170 - 90
    height = row_h * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'style="max-width:{width}px" role="img" aria-label="{esc(label)}" class="bars"><title>{esc(label)}</title>']
    for i, (name, points, top) in enumerate(rows):
        y0 = 4 + i * row_h
        share = points / top if top else 0
        parts.append(f'<text x="0" y="{y0 + 15}" font-size="13" fill="{INK}">{esc(name)}</text>'
                     f'<rect x="{name_w}" y="{y0 + 3}" width="{bar_w}" height="16" rx="3" fill="{RULE}"/>'
                     f'<rect x="{name_w}" y="{y0 + 3}" width="{_n(bar_w * max(0.0, min(1.0, share)))}" height="16" '
                     f'rx="3" fill="{OKABE_ITO["blue"]}"/>'
                     f'<text x="{name_w + bar_w + 8}" y="{y0 + 15}" font-size="13" fill="{INK}">'
                     f'{points:.1f} / {_n(top)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def meter(points: float, top: float, label: str = "", width: int = 150, height: int = 14) -> str:
    """A small bar: ``points`` out of ``top``."""
    share = max(0.0, min(1.0, points / top)) if top else 0.0
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{esc(label)}: {points:.1f} / {_n(top)}">'
            f'<rect width="{width}" height="{height}" rx="3" fill="{RULE}"/>'
            f'<rect width="{_n(width * share)}" height="{height}" rx="3" fill="{OKABE_ITO["blue"]}"/></svg>')


def scores(points: Sequence[tuple[str, float]], label: str = "", width: int = 560, height: int = 150) -> str:
    """Scores over rounds (0 to 100), each dot labelled with its score."""
    left, right, top, bottom = 34, 16, 16, 26
    w, h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: float) -> float:
        return top + h * (1 - max(0.0, min(100.0, v)) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'style="max-width:{width}px" role="img" aria-label="{esc(label)}" class="chart"><title>{esc(label)}</title>']
    for v in (0, 50, 100):
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{_n(y(v))}" y2="{_n(y(v))}" stroke="{RULE}"/>'
                     f'<text x="{left - 6}" y="{_n(y(v) + 4)}" text-anchor="end" font-size="11" fill="{MUTED}">{v}</text>')
    if n > 1:
        path = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, (_, v) in enumerate(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{OKABE_ITO["blue"]}" stroke-width="2"/>')
    for i, (name, v) in enumerate(points):
        parts.append(f'<g><title>{esc(name)}: {v:.1f}</title>{marker("circle", x(i), y(v), OKABE_ITO["blue"], 4)}'
                     f'<text x="{_n(x(i))}" y="{_n(y(v) - 8)}" text-anchor="middle" font-size="11" '
                     f'fill="{INK}">{v:.0f}</text><text x="{_n(x(i))}" y="{height - 8}" text-anchor="middle" '
                     f'font-size="11" fill="{MUTED}">{esc(name)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def spread(values: Sequence[tuple[str, float]], q1: float, median: float, q3: float, label: str = "",
           width: int = 920, height: int = 120) -> str:
    """A box plot on a 0-100 axis with one labelled dot per team."""
    left, right = 30, 30
    w = width - left - right
    mid = 46

    def x(v: float) -> float:
        return left + w * max(0.0, min(100.0, v)) / 100

    low = min(v for _, v in values)
    high = max(v for _, v in values)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{esc(label)}" class="chart"><title>{esc(label)}</title>']
    for v in range(0, 101, 10):
        parts.append(f'<line x1="{_n(x(v))}" x2="{_n(x(v))}" y1="{mid + 26}" y2="{mid + 31}" stroke="{MUTED}"/>'
                     f'<text x="{_n(x(v))}" y="{mid + 44}" text-anchor="middle" font-size="11" fill="{MUTED}">{v}</text>')
    parts.append(f'<line x1="{left}" x2="{left + w}" y1="{mid + 26}" y2="{mid + 26}" stroke="{MUTED}"/>'
                 f'<line x1="{_n(x(low))}" x2="{_n(x(high))}" y1="{mid}" y2="{mid}" stroke="{INK}"/>'
                 f'<line x1="{_n(x(low))}" x2="{_n(x(low))}" y1="{mid - 8}" y2="{mid + 8}" stroke="{INK}"/>'
                 f'<line x1="{_n(x(high))}" x2="{_n(x(high))}" y1="{mid - 8}" y2="{mid + 8}" stroke="{INK}"/>'
                 f'<rect x="{_n(x(q1))}" y="{mid - 14}" width="{_n(max(1.0, x(q3) - x(q1)))}" height="28" '
                 f'fill="{OKABE_ITO["sky"]}" fill-opacity="0.35" stroke="{INK}"/>'
                 f'<line x1="{_n(x(median))}" x2="{_n(x(median))}" y1="{mid - 14}" y2="{mid + 14}" stroke="{INK}" '
                 f'stroke-width="3"/>')
    for i, (name, v) in enumerate(sorted(values, key=lambda p: p[1])):
        dy = -22 if i % 2 == 0 else 24
        parts.append(f'<g><title>{esc(name)}: {v:.1f}</title>'
                     f'{marker("circle", x(v), mid, OKABE_ITO["vermillion"], 4.5)}'
                     f'<text x="{_n(x(v))}" y="{mid + dy}" text-anchor="middle" font-size="11" fill="{INK}">'
                     f'{esc(name)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
