"""Mangled YAML always gives clear diagnostics, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.diagnostics import Diagnostic
from game.engine.loader import check_file

from conftest import TINY

SOURCE = (TINY / "scenario.yaml").read_text(encoding="utf-8")
LINES = SOURCE.splitlines(keepends=True)

edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(LINES) - 1), st.just("")),
    st.tuples(st.just("insert"), st.integers(0, len(LINES) - 1),
              st.text(alphabet=st.sampled_from(list(" \t-:[]{}&*!|>'\"#,?%@`\\\nabc0129")), max_size=20)),
    st.tuples(st.just("truncate"), st.integers(0, len(SOURCE)), st.just("")),
    st.tuples(st.just("swap"), st.integers(0, len(LINES) - 1), st.just("")),
)


def apply(edits: list[tuple[str, int, str]]) -> str:
    lines = list(LINES)
    for kind, where, text in edits:
        where = min(where, len(lines) - 1) if lines else 0
        if kind == "delete" and lines:
            del lines[where]
        elif kind == "insert":
            lines.insert(where, text)
        elif kind == "swap" and len(lines) > 1:
            other = (where + 1) % len(lines)
            lines[where], lines[other] = lines[other], lines[where]
        elif kind == "truncate":
            return "".join(lines)[:where]
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=4))
def test_mangled_case_gives_diagnostics_not_tracebacks(edits):
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "scenario.yaml"
        file.write_text(apply(edits), encoding="utf-8")
        problems = check_file(file)
    for problem in problems:
        assert isinstance(problem, Diagnostic)
        assert problem.message and problem.file == str(file)
        assert problem.line >= 0 and problem.column >= 0


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_diagnostics(data):
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "scenario.yaml"
        file.write_bytes(data)
        problems = check_file(file)
    assert problems and all(p.severity == "error" for p in problems)
