"""The registry of diagnostic codes: each code's documented example really produces that code."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from game.authoring.lint import lint_files
from game.authoring.msel import read_msel
from game.authoring.new import create_case
from game.engine.assess._cues import parse_cues
from game.engine.diagnostics import CODES, CaseError, Diagnostic, codes_table

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR"


def _png(width: int, height: int) -> bytes:
    return PNG + width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00" + b"\x00" * 40


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    return create_case(tmp_path / "case")


def _with_avatar(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('  handle: "@crumbco"', '  handle: "@crumbco"\n  avatar: logo.png', 1), encoding="utf-8")


def _file_example(code: str, file: Path, tmp_path: Path) -> list[Path]:
    """Make the file problem a ``file`` example describes; return the files to check."""
    folder = file.parent
    if code == "file-missing":
        file.unlink()
    elif code == "not-a-file":
        file.unlink()
        file.mkdir()
    elif code == "outside-folder":
        elsewhere = tmp_path / "elsewhere.yaml"
        elsewhere.write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
        file.unlink()
        file.symlink_to(elsewhere)
    elif code == "too-large":
        file.write_text("# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    elif code in ("unreadable", "image-unreadable"):
        if os.geteuid() == 0:
            pytest.skip("root reads any file: permission denied cannot be shown")
        target = file
        if code == "image-unreadable":
            _with_avatar(file)
            target = folder / "logo.png"
            target.write_bytes(_png(10, 10))
        target.chmod(0)
    elif code == "encoding":
        file.write_bytes(file.read_text(encoding="utf-8").encode("utf-16"))
    elif code.startswith("image-"):
        _with_avatar(file)
        logo = folder / "logo.png"
        if code == "image-outside":
            outside = tmp_path / "outside.png"
            outside.write_bytes(_png(10, 10))
            logo.symlink_to(outside)
        elif code == "image-invalid":
            logo.write_text("not a picture", encoding="utf-8")
        elif code == "image-too-large":
            logo.write_bytes(_png(5000, 5000))
    elif code.startswith("translation-"):
        text = file.read_text(encoding="utf-8")
        other = text.replace('duration: "00:20:00"', 'duration: "00:25:00"') if code == "translation-differs" \
            else text.replace("format: 1\n", "")
        (folder / "scenario.fr.yaml").write_text(other.replace("language: en", "language: fr"), encoding="utf-8")
        return [folder / "scenario.fr.yaml"]
    elif code == "plan-unreadable":
        (folder / "plans.yaml").write_bytes(CODES["plan-invalid"].example.text.encode("utf-16"))
    else:
        raise AssertionError(f"no way to make the file example of {code!r}")
    return [file]


def _diagnostics(code: str, tmp_path: Path, file: Path) -> list[Diagnostic]:
    example = CODES[code].example
    if example.kind == "msel":
        sheet = tmp_path / "events.csv"
        sheet.write_text(example.text, encoding="utf-8")
        with pytest.raises(CaseError) as caught:
            read_msel(sheet)
        return caught.value.diagnostics
    if example.kind == "cue":
        with pytest.raises(CaseError) as caught:
            parse_cues(example.text, "cues.yaml")
        return caught.value.diagnostics
    if example.kind == "plan":
        (file.parent / "plans.yaml").write_text(example.text, encoding="utf-8")
        return lint_files([file])
    if example.kind == "file":
        return lint_files(_file_example(code, file, tmp_path))
    base = file.read_text(encoding="utf-8")
    if example.replaces:
        assert example.replaces in base, f"{code}: the template no longer has {example.replaces!r}"
        file.write_text(base.replace(example.replaces, example.text, 1), encoding="utf-8")
    else:
        file.write_text(example.text, encoding="utf-8")
    return lint_files([file])


def test_the_template_is_clean(case: Path) -> None:
    assert lint_files([case]) == []


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_codes_example_produces_it(code: str, case: Path, tmp_path: Path) -> None:
    found = _diagnostics(code, tmp_path, case)
    hits = [d for d in found if d.code == code]
    assert hits, f"{code}'s example gave {[(d.code, d.message) for d in found]}"
    assert {d.severity for d in hits} == {CODES[code].severity}
    assert all(d.line > 0 for d in hits if d.code not in ("file-missing", "not-a-file", "outside-folder",
                                                          "too-large", "unreadable", "plan-unreadable"))


def _codes_in_source() -> set[str]:
    """Every code the program can report: string literals passed to the calls that make diagnostics."""
    makers = {"Diagnostic", "make", "report", "problem", "stop", "error", "fail", "missed"}
    found: set[str] = set()
    for path in (ROOT / "game").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in makers:
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                                and re.fullmatch(r"[a-z]+(-[a-z]+)+", arg.value):
                            found.add(arg.value)
    return found


def test_every_code_the_program_reports_is_registered() -> None:
    unregistered = _codes_in_source() - set(CODES)
    assert not unregistered, f"register these codes in game/engine/diagnostics.py: {sorted(unregistered)}"


def test_the_docs_table_of_codes_is_up_to_date() -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    start, end = "<!-- codes: generated by `python -m game.authoring.codes` -->\n", "<!-- end of codes -->"
    assert start in doc and end in doc
    table = doc.split(start, 1)[1].split(end, 1)[0]
    assert table == codes_table(), "run `python -m game.authoring.codes` to regenerate the table in docs/authoring.md"



def _enclosing(lines: list[str], number: int) -> set[int]:
    """The line numbers of the items and keys that hold line ``number`` (1-based): each line above
    it that is less indented, out to the file's first key (the problem of a whole item is
    reported at its start)."""
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" -"))

    found, depth = set(), indent(lines[number - 1]) if number <= len(lines) else 0
    first_key = number
    for n in range(number - 1, 0, -1):
        line = lines[n - 1]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if indent(line) < depth or line.lstrip().startswith("- ") and indent(line) <= depth:
            found.add(n)
            depth = indent(line)
        first_key = n
    found.add(first_key)
    return found


@pytest.mark.parametrize("code", sorted(c for c, v in CODES.items() if v.example.kind == "case" and v.example.replaces))
def test_each_case_example_is_reported_at_the_line_it_changes(code: str, case: Path, tmp_path: Path) -> None:
    # The example replaces a few lines of the template; the code is reported on one of them, or
    # at the start of the item that holds them when the problem is the whole item's (an ending
    # that shadows the others, a decision whose options all do the same), so an author finds
    # the line to fix.
    example = CODES[code].example
    before = case.read_text(encoding="utf-8")
    first = before[:before.index(example.replaces)].count("\n") + 1
    last = first + example.text.count("\n")
    lines = sorted({d.line for d in _diagnostics(code, tmp_path, case) if d.code == code})
    after = case.read_text(encoding="utf-8").splitlines()
    allowed = set(range(first, last + 1)) | _enclosing(after, first)
    assert set(lines) & allowed, (code, first, last, lines, sorted(allowed))
