"""Charts as inline SVG for the HTML reports: no script, no external file, prints as vectors.

All markup is written by one function, :func:`element`: it escapes every attribute value and
every text child, and only an element it built passes through unescaped. No text from a case, a
team or a note is ever put into markup by hand, so there is no call to forget. Lines differ by
colour (Okabe and Ito's palette), dash pattern and marker shape, and carry their name at the
end, so a chart printed in grey still reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from game.timefmt import format_time

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
SVG_NS = "http://www.w3.org/2000/svg"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def element(tag: str, *children: str | Markup, **attributes: object) -> Markup:
    """One SVG element: the only place this module writes markup.

    Attribute names are Python names (``stroke_width`` is written ``stroke-width``, ``class_``
    is ``class``); a None or "" value leaves the attribute out; numbers are written short.
    Every value and every text child is escaped; children built by this function are kept as
    they are.
    """
    written = []
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        text = _n(value) if isinstance(value, float) else str(value)
        written.append(f' {name.rstrip("_").replace("_", "-")}="{escape(text)}"')
    opening = f"<{tag}{''.join(written)}"
    if not children:
        return Markup(opening + "/>")
    return Markup(opening + ">" + "".join(str(escape(child)) for child in children) + f"</{tag}>")


def _svg(size: tuple[int, int], label: str, *children: Markup, **attributes: object) -> Markup:
    """A chart: its view box, its accessible name (also its tooltip) and its parts."""
    return element("svg", element("title", label), *children, xmlns=SVG_NS, viewBox=f"0 0 {size[0]} {size[1]}",
                   role="img", aria_label=label, **attributes)


def metric_style(name: str, index: int) -> tuple[str, str, str]:
    return METRIC_STYLE.get(name, EXTRA[index % len(EXTRA)])


def marker(shape: str, x: float, y: float, colour: str, r: float = 3.5) -> Markup:
    if shape == "square":
        return element("rect", x=x - r, y=y - r, width=2 * r, height=2 * r, fill=colour)
    if shape == "triangle":
        points = f"{_n(x)},{_n(y - r - 1)} {_n(x - r - 1)},{_n(y + r)} {_n(x + r + 1)},{_n(y + r)}"
        return element("polygon", points=points, fill=colour)
    if shape == "diamond":
        points = f"{_n(x)},{_n(y - r - 1)} {_n(x + r + 1)},{_n(y)} {_n(x)},{_n(y + r + 1)} {_n(x - r - 1)},{_n(y)}"
        return element("polygon", points=points, fill=colour)
    return element("circle", cx=x, cy=y, r=r, fill=colour)


def _label(x: float, y: float, text: object, size: int = 11, colour: str = MUTED, anchor: str = "",
           **attributes: object) -> Markup:
    return element("text", str(text), x=float(x), y=float(y), text_anchor=anchor, font_size=size, fill=colour,
                   **attributes)


def timeline(samples: Sequence[tuple[int, dict[str, float]]], duration: int, names: dict[str, str],
             decisions: Sequence[tuple[int, str, str]] = (), notes: Sequence[tuple[int, str, str]] = (),
             label: str = "", axis: str = "min", width: int = 920, height: int = 300,
             clock: Callable[[float], str] = format_time,
             ticks: Callable[[float], str] | None = None) -> Markup:
    """Each metric over the round, decisions as numbered dashed lines, notes as ✎ marks.

    Args:
        samples: ``(t, {metric: value})`` in time order.
        duration: The round's length in simulated seconds (the x axis).
        names: Each metric's display name.
        decisions: ``(t, number, title)`` for each decision made or missed.
        notes: ``(t, number, text)`` for each observer's note.
        label: The chart's accessible description.
        axis: The unit word under the x axis.
        clock: Writes a time in the chart's language (the report passes its translator's).
        ticks: Writes the time under a tick (the real day and hour of a case with a calendar,
            :func:`game.play.moments.moments`); None: the minute of the round.
    """
    left, right, top, bottom = 40, 120, 22, 34
    w, h = width - left - right, height - top - bottom
    span = max(duration, max((t for t, _ in samples), default=0), 60)

    def x(t: float) -> float:
        return left + w * t / span

    def y(v: float) -> float:
        return top + h * (1 - max(0.0, min(100.0, v)) / 100)

    parts: list[Markup] = []
    for v in (0, 25, 50, 75, 100):
        parts += [element("line", x1=left, x2=left + w, y1=y(v), y2=y(v), stroke=RULE, stroke_width=1),
                  _label(left - 6, y(v) + 4, v, anchor="end")]
    step = _tick_step(span)
    if ticks is not None:  # a date is some 90 units wide at 11 px: fewer ticks, so the words never touch
        step = next((s for s in (step, 300, 600, 900, 1800, 3600, 7200) if s >= step and w * s / span >= 100),
                    int(span))
    for t in range(0, int(span) + 1, step):
        words = ticks(t) if ticks is not None else t // 60
        anchor = "middle" if ticks is None else "start" if t == 0 else "end" if x(t) + 50 > width else "middle"
        parts += [element("line", x1=x(t), x2=x(t), y1=top + h, y2=top + h + 4, stroke=MUTED),
                  _label(x(t), top + h + 16, words, anchor=anchor)]
    parts.append(_label(round(left + w / 2), height - 4, axis, anchor="middle"))
    for t_at, number, title in decisions:
        parts.append(element(
            "g", element("title", f"{number}. {title} ({clock(t_at)})"),
            element("line", x1=x(t_at), x2=x(t_at), y1=top, y2=top + h, stroke=INK, stroke_width=1,
                    stroke_dasharray="3 3", opacity="0.6"),
            _label(x(t_at), top - 6, number, size=12, colour=INK, anchor="middle", font_weight="bold")))
    ends: list[tuple[float, str, str, str]] = []
    for index, name in enumerate(names):
        colour, dash, shape = metric_style(name, index)
        points = [(x(t_at), y(values[name])) for t_at, values in samples if name in values]
        if not points:
            continue
        path = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        every = max(1, len(points) // 8)
        parts.append(element(
            "g", element("title", names[name]),
            element("polyline", points=path, fill="none", stroke=colour, stroke_width=2, stroke_dasharray=dash),
            *(marker(shape, px, py, colour) for px, py in points[::every]), marker(shape, *points[-1], colour)))
        ends.append((points[-1][1], names[name], colour, shape))
    # Names at the end of the lines, pushed apart so they never overlap.
    ends.sort()
    placed: list[float] = []
    for py, name, colour, shape in ends:
        ly = max(py, placed[-1] + 14) if placed else py
        placed.append(ly)
        parts += [marker(shape, left + w + 16, ly, colour), _label(left + w + 24, ly + 4, name, size=12, colour=INK)]
    for t_at, number, text in notes:
        px = x(t_at)
        parts.append(element(
            "g", element("title", f"✎ {number} ({clock(t_at)}): {text}"),
            element("polygon", points=f"{_n(px)},{top + h - 2} {_n(px - 6)},{top + h - 14} {_n(px + 6)},{top + h - 14}",
                    fill=OKABE_ITO["yellow"], stroke=INK, stroke_width="0.8"),
            _label(px, top + h - 17, f"✎{number}", size=10, colour=INK, anchor="middle")))
    parts.append(element("rect", x=left, y=top, width=w, height=h, fill="none", stroke=MUTED))
    return _svg((width, height), label, *parts, width="100%", class_="chart")


def _tick_step(span: float) -> int:
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120):
        if span / (minutes * 60) <= 12:
            return minutes * 60
    return 240 * 60


def meter(points: float, top: float, label: str = "", width: int = 150, height: int = 14) -> Markup:
    """A small bar: ``points`` out of ``top``."""
    share = max(0.0, min(1.0, points / top)) if top else 0.0
    return element("svg", element("rect", width=width, height=height, rx=3, fill=RULE),
                   element("rect", width=width * share, height=height, rx=3, fill=OKABE_ITO["blue"]),
                   xmlns=SVG_NS, viewBox=f"0 0 {width} {height}", width=width, height=height, role="img",
                   aria_label=f"{label}: {points:.1f} / {_n(top)}")


def scores(points: Sequence[tuple[str, float]], label: str = "", width: int = 560, height: int = 150) -> Markup:
    """Scores over rounds (0 to 100), each dot labelled with its score."""
    left, right, top, bottom = 34, 16, 16, 26
    w, h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: float) -> float:
        return top + h * (1 - max(0.0, min(100.0, v)) / 100)

    parts: list[Markup] = []
    for tick in (0, 50, 100):
        parts += [element("line", x1=left, x2=left + w, y1=y(tick), y2=y(tick), stroke=RULE),
                  _label(left - 6, y(tick) + 4, tick, anchor="end")]
    if n > 1:
        path = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, (_, v) in enumerate(points))
        parts.append(element("polyline", points=path, fill="none", stroke=OKABE_ITO["blue"], stroke_width=2))
    for i, (name, v) in enumerate(points):
        parts.append(element("g", element("title", f"{name}: {v:.1f}"),
                             marker("circle", x(i), y(v), OKABE_ITO["blue"], 4), _label(x(i), y(v) - 8, f"{v:.0f}", colour=INK, anchor="middle"),
                             _label(x(i), height - 8, name, anchor="middle")))
    return _svg((width, height), label, *parts, width="100%", style=f"max-width:{width}px", class_="chart")


def spread(values: Sequence[tuple[str, float]], q1: float, median: float, q3: float, label: str = "",
           width: int = 920, height: int = 120) -> Markup:
    """A box plot on a 0-100 axis with one labelled dot per team."""
    left, right = 30, 30
    w = width - left - right
    mid = 46

    def x(v: float) -> float:
        return left + w * max(0.0, min(100.0, v)) / 100

    low = min(v for _, v in values)
    high = max(v for _, v in values)
    parts: list[Markup] = []
    for tick in range(0, 101, 10):
        parts += [element("line", x1=x(tick), x2=x(tick), y1=mid + 26, y2=mid + 31, stroke=MUTED),
                  _label(x(tick), mid + 44, tick, anchor="middle")]
    parts += [
        element("line", x1=left, x2=left + w, y1=mid + 26, y2=mid + 26, stroke=MUTED),
        element("line", x1=x(low), x2=x(high), y1=mid, y2=mid, stroke=INK),
        element("line", x1=x(low), x2=x(low), y1=mid - 8, y2=mid + 8, stroke=INK),
        element("line", x1=x(high), x2=x(high), y1=mid - 8, y2=mid + 8, stroke=INK),
        element("rect", x=x(q1), y=mid - 14, width=max(1.0, x(q3) - x(q1)), height=28, fill=OKABE_ITO["sky"],
                fill_opacity="0.35", stroke=INK),
        element("line", x1=x(median), x2=x(median), y1=mid - 14, y2=mid + 14, stroke=INK, stroke_width=3),
    ]
    for i, (name, v) in enumerate(sorted(values, key=lambda p: p[1])):
        parts.append(element("g", element("title", f"{name}: {v:.1f}"),
                             marker("circle", x(v), mid, OKABE_ITO["vermillion"], 4.5),
                             _label(x(v), mid + (-22 if i % 2 == 0 else 24), name, colour=INK, anchor="middle")))
    return _svg((width, height), label, *parts, width="100%", class_="chart")
