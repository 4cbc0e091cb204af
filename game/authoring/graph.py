"""The structure of a case as a graph: what leads to what.

Nodes are the case's injects, decisions, options, flags, metric tests and endings; edges say
how they link: a decision offers its options, an option or an inject sets a flag or triggers an
inject, a condition (``when``) waits on a flag, a choice, a decision, an inject or a metric.
``crisis-sim graph CASE --format mermaid|dot`` prints it for Mermaid (GitHub and most Markdown
viewers draw it) or Graphviz; ``--format svg|png`` draws it through Graphviz's ``dot`` program,
where it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field

from game.engine.conditions import EFFECTS, effect_items, sources
from game.engine.model import Case, Condition, Effects
from game.timefmt import format_time

SHAPES = {  # kind: (mermaid brackets, dot shape, dot fill)
    "start": (("([", "])"), "oval", "#e0e0e0"),
    "inject": (("[", "]"), "box", "#ffffff"),
    "signal": (("[/", "/]"), "box", "#fde9c8"),
    "decision": (("{{", "}}"), "hexagon", "#cfe3f5"),
    "option": (("(", ")"), "box", "#f4f4f4"),
    "timeout": (("(", ")"), "box", "#f4f4f4"),
    "flag": (("((", "))"), "ellipse", "#e6d9f2"),
    "metric": (("[(", ")]"), "cylinder", "#f2f2d9"),
    "ending": (("([", "])"), "oval", "#d5ecd4"),
}
ENDING_FILL = {"success": "#d5ecd4", "mixed": "#fbeac6", "failure": "#f6d0cb"}


@dataclass
class Graph:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key: (kind, label)
    edges: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (from, to, label, dashed)
    fills: dict[str, str] = field(default_factory=dict)

    def node(self, key: str, kind: str, label: str) -> str:
        self.nodes.setdefault(key, (kind, label))
        return key

    def edge(self, src: str, dst: str, label: str = "", dashed: bool = False) -> None:
        if (src, dst, label, dashed) not in self.edges:
            self.edges.append((src, dst, label, dashed))


def build(case: Case) -> Graph:
    """The graph of a case."""
    graph = Graph()
    start = graph.node("start", "start", f"start ({format_time(0)})")
    for inject in case.injects:
        graph.node(f"e:{inject.id}", "signal" if inject.signal else "inject",
                   f"{format_time(inject.at) + ' ' if inject.at is not None else ''}{inject.id}"
                   f"{' (optional)' if inject.optional else ''}")
    for decision in case.decisions:
        graph.node(f"e:{decision.id}", "decision",
                   f"{format_time(decision.at) + ' ' if decision.at is not None else ''}{decision.id}"
                   f"{' (optional)' if decision.optional else ''}")
        for option in decision.options:
            graph.node(f"o:{decision.id}.{option.id}", "option", f"{option.id}: {option.strategy.value}")
    for inject in case.injects:
        _timing(graph, case, inject.id, inject.at, inject.when, start)
        _effects(graph, f"e:{inject.id}", inject.effects)
        for ref in inject.handled_by:
            graph.edge(f"e:{inject.id}", f"o:{ref}" if "." in ref else f"e:{ref}", "handled by", dashed=True)
    for decision in case.decisions:
        key = f"e:{decision.id}"
        _timing(graph, case, decision.id, decision.at, decision.when, start)
        for option in decision.options:
            node = f"o:{decision.id}.{option.id}"
            graph.edge(key, node)
            _effects(graph, node, option.effects)
        timeout = decision.on_timeout.effects
        if timeout.set_flags or timeout.trigger or timeout.cancel:
            node = graph.node(f"t:{decision.id}", "timeout", "no answer in time")
            graph.edge(key, node, dashed=True)
            _effects(graph, node, timeout)
    for ending in case.endings:
        node = graph.node(f"x:{ending.id}", "ending", f"{ending.kind}: {ending.id}")
        graph.fills[node] = ENDING_FILL[ending.kind]
        if ending.when is None:
            graph.edge(start, node, "otherwise", dashed=True)
        else:
            _condition(graph, case, ending.when, node)
    return graph


def _timing(graph: Graph, case: Case, item: str, at: int | None, when: Condition | None, start: str) -> None:
    key = f"e:{item}"
    if when is not None:
        _condition(graph, case, when, key)
    elif at is not None:
        graph.edge(start, key)


def _effects(graph: Graph, src: str, effects: Effects) -> None:
    for name, value in effect_items(effects):
        for key, kind, label, words, dashed in EFFECTS[name].draw(value):
            if kind:
                graph.node(key, kind, label)
            graph.edge(src, key, words, dashed)


def _condition(graph: Graph, case: Case, condition: Condition, dst: str) -> None:
    for source, negated in sources(condition):
        if source.kind:
            graph.node(source.key, source.kind, source.label)
        words = f"not {source.edge}".strip() if negated else source.edge
        graph.edge(source.key, dst, words, negated)




# --- output ----------------------------------------------------------------------------------


def to_mermaid(case: Case) -> str:
    graph = build(case)
    names = {key: f"n{i}" for i, key in enumerate(graph.nodes)}
    lines = [f"%% {case.title} [{case.language}]: crisis-sim graph", "flowchart LR"]
    for key, (kind, label) in graph.nodes.items():
        left, right = SHAPES[kind][0]
        lines.append(f'    {names[key]}{left}"{_mermaid_text(label)}"{right}')
    for src, dst, label, dashed in graph.edges:
        arrow = "-.->" if dashed else "-->"
        text = f'|"{_mermaid_text(label)}"|' if label else ""
        lines.append(f"    {names[src]} {arrow}{text} {names[dst]}")
    for kind, (_, _, fill) in SHAPES.items():
        lines.append(f"    classDef {kind} fill:{fill},stroke:#555,color:#111")
    for key, (kind, _) in graph.nodes.items():
        lines.append(f"    class {names[key]} {kind}")
    for key, fill in graph.fills.items():
        lines.append(f"    style {names[key]} fill:{fill}")
    return "\n".join(lines) + "\n"


def to_dot(case: Case) -> str:
    graph = build(case)
    lines = [
        f"// {case.title} [{case.language}]: crisis-sim graph",
        "digraph case {",
        "  rankdir=LR;",
        '  node [fontname="DejaVu Sans", fontsize=11, style=filled, color="#555555"];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    for key, (kind, label) in graph.nodes.items():
        _, shape, fill = SHAPES[kind]
        fill = graph.fills.get(key, fill)
        lines.append(f'  {_dot_text(key)} [label={_dot_text(label)}, shape={shape}, fillcolor="{fill}"];')
    for src, dst, label, dashed in graph.edges:
        attrs = [f"label={_dot_text(label)}"] if label else []
        if dashed:
            attrs.append("style=dashed")
        lines.append(f"  {_dot_text(src)} -> {_dot_text(dst)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


IMAGE_FORMATS = ("svg", "png")
INSTALL_GRAPHVIZ = (
    "drawing a graph as an image needs Graphviz's `dot` program, which is not installed: install Graphviz "
    "(Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; Windows: winget install "
    "graphviz, or https://graphviz.org/download/), or print the graph as text with --format mermaid and "
    "paste it into https://mermaid.live"
)


class GraphvizError(Exception):
    """The image cannot be drawn (Graphviz is missing or failed); the message says what to do."""


def to_image(case: Case, fmt: str, dot: str | None = None) -> bytes:
    """The case's graph drawn as an SVG or PNG image by Graphviz.

    Args:
        case: The case to draw.
        fmt: ``"svg"`` or ``"png"``.
        dot: The ``dot`` program to run (default: the one on the PATH).

    Raises:
        GraphvizError: ``dot`` is not installed, or it failed.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"no image format {fmt!r}: use one of {', '.join(IMAGE_FORMATS)}")
    program = dot or shutil.which("dot")
    if program is None:
        raise GraphvizError(INSTALL_GRAPHVIZ)
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=to_dot(case).encode("utf-8"), capture_output=True,
                              timeout=120, check=False)
    except FileNotFoundError:
        raise GraphvizError(INSTALL_GRAPHVIZ) from None
    except subprocess.TimeoutExpired:
        raise GraphvizError("Graphviz took more than two minutes to draw the graph; try --format mermaid") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError("Graphviz could not draw the graph" + (f": {detail[-1]}" if detail else ""))
    return done.stdout
