"""`crisis-sim graph`: the structure of the Nestlé case in Mermaid and Graphviz."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from game.cli import main
from game.engine.loader import load_case

from conftest import SCENARIOS, TINY

NESTLE = SCENARIOS / "nestle-kitkat-2010"


@pytest.fixture(scope="module")
def nestle():
    return load_case(NESTLE).case


def graph(capsys, fmt):
    assert main(["graph", str(NESTLE), "--format", fmt]) == 0
    return capsys.readouterr().out


def test_mermaid_shows_every_decision_option_ending_and_link(capsys, nestle):
    out = graph(capsys, "mermaid")
    assert out.splitlines()[1] == "flowchart LR"
    labels = dict(re.findall(r'^    (n\d+)[\[({/]+"([^"]*)"', out, re.M))
    names = set(labels.values())
    for decision in nestle.decisions:
        assert any(label.endswith(decision.id) for label in names), decision.id
        for option in decision.options:
            assert f"{option.id}: {option.strategy.value}" in names
    for ending in nestle.endings:
        assert f"{ending.kind}: {ending.id}" in names
    # every edge joins declared nodes
    for src, dst in re.findall(r"^    (n\d+) -[.-]+>(?:\|[^|]*\|)? (n\d+)$", out, re.M):
        assert src in labels and dst in labels
    # the takedown sets the flag the "suppressed" ending waits on
    node = {label: name for name, label in labels.items()}
    assert f'{node["takedown: attack_accuser"]} -->|"sets"| {node["video_taken_down"]}' in out
    assert f'{node["video_taken_down"]} -->|"flag"| {node["failure: suppressed"]}' in out


def test_dot_is_valid_graphviz(capsys, nestle, tmp_path):
    out = graph(capsys, "dot")
    assert out.count("{") == out.count("}") and "digraph case {" in out
    assert '"o:video.takedown" -> "f:video_taken_down" [label="sets"];' in out
    for ending in nestle.endings:
        assert f'"x:{ending.id}"' in out
    if shutil.which("dot"):
        svg = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True, check=True).stdout
        assert "<svg" in svg and "suppressed" in svg


def test_graph_draws_an_svg_and_a_png_through_graphviz(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    svg, png = tmp_path / "case.svg", tmp_path / "case.png"
    assert main(["graph", str(TINY), "--format", "svg", "--out", str(svg)]) == 0
    assert main(["graph", str(TINY), "--format", "png", "--out", str(png)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "statement" in text
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_without_graphviz_the_image_formats_say_how_to_get_it(tmp_path, capsys, monkeypatch):
    from game.authoring import graph

    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert main(["graph", str(TINY), "--format", "svg", "--out", str(tmp_path / "x.svg")]) == 1
    err = capsys.readouterr().err
    assert "needs Graphviz's `dot` program, which is not installed" in err and "apt-get install graphviz" in err
    assert "--format mermaid" in err and not (tmp_path / "x.svg").exists()
