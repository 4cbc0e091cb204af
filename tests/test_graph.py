"""`crisis-sim graph`: the structure of the Nestlé case in Mermaid and Graphviz."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from game.cli import main
from game.engine.loader import load_case

from conftest import SCENARIOS

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
