"""Mangled YAML always gives clear diagnostics, never a traceback."""

from __future__ import annotations

import io
import json
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


# --- hostile fragments: tags, anchors, aliases, directives, escapes, deep nesting ----------

FRAGMENTS = [
    "&a ", "*a", "&b [*a, *a, *a]", "<<: *a", "!!python/object/apply:os.system [id]", "!!python/name:os.system",
    "!include x.yaml", "!!binary aGk=", "!!str", "!!int", "%TAG !p! tag:yaml.org,2002:python/\n", "---\n", "...\n",
    "? [a, b]\n: c\n", '"\\0"', '"\\e[31m"', '"\\ud800"', '"\\x85"', "\ufeff", "\t", "{org.__class__}", "1.0e999",
    "9" * 30, "[" * 50, "{a: " * 50, "avatar: ../x.png", "image: /etc/passwd.png", "avatar: images/none.png",
    "\r\n", "\x07", "\\", "'", '"', "- ", ": ", "#",
]

hostile_edit = st.tuples(st.sampled_from(["insert"]), st.integers(0, len(LINES) - 1),
                         st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(edit, hostile_edit), min_size=1, max_size=4))
def test_hostile_fragments_give_diagnostics_not_tracebacks(edits):
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "scenario.yaml"
        file.write_text(apply(edits), encoding="utf-8", errors="surrogatepass")
        problems = check_file(file)
    for problem in problems:
        assert isinstance(problem, Diagnostic) and problem.message
        assert problem.line >= 0 and problem.column >= 0


# --- the session-log reader: whatever a crash or a stranger leaves, a LogError or the log ------

from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.log import LogError, SessionLog, read_log

_LOG = SessionLog(io.StringIO())
play(load_case(TINY).case, 3, "random", _LOG)
LOG_BYTES = _LOG.stream.getvalue().encode("utf-8")
HEADER_END = LOG_BYTES.index(b"\n") + 1
INPUTS = [json.loads(line) for line in LOG_BYTES.decode("utf-8").splitlines() if '"type":"input"' in line]


@settings(max_examples=200, deadline=None)
@given(st.integers(HEADER_END, len(LOG_BYTES)))
def test_a_log_cut_anywhere_after_its_header_is_recovered(cut):
    # A crash can stop the writer at any byte, even inside a character: what was written reads back.
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "run.jsonl"
        file.write_bytes(LOG_BYTES[:cut])
        contents = read_log(file)
    assert contents.inputs == INPUTS[: len(contents.inputs)]
    assert contents.result is None or cut >= len(LOG_BYTES) - 1


log_edit = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(LOG_BYTES) - 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, len(LOG_BYTES)), st.binary(max_size=40)),
    st.tuples(st.just("cut"), st.integers(0, len(LOG_BYTES)), st.just(0)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(log_edit, min_size=1, max_size=5))
def test_a_damaged_log_gives_a_log_error_or_its_contents(edits):
    data = bytearray(LOG_BYTES)
    for kind, where, value in edits:
        where = min(where, len(data))
        if kind == "flip" and where < len(data):
            data[where] = value
        elif kind == "insert":
            data[where:where] = value
        elif kind == "cut":
            del data[where:]
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "run.jsonl"
        file.write_bytes(bytes(data))
        try:
            contents = read_log(file)
        except LogError as exc:
            assert str(exc).startswith(str(file))
            return
    assert contents.header.get("type") == "session"
    assert all(isinstance(i["t"], int) and isinstance(i["kind"], str) for i in contents.inputs)
