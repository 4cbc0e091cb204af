"""The checks that keep the layers apart exist and run (issue 14): the import-linter contracts,
ruff's banned APIs for the engine, and .ci/run calling them beside pytest. Removing a rule fails
here, not silently in review."""

from __future__ import annotations

import ast
import math
import os
import shutil
import subprocess
import sys
import tomllib

from conftest import ROOT

from game.engine.conditions import EFFECTS
from game.engine.loader import load_case
from game.engine.model import Effects
from game.host.workshop import HostedWorkshop
from game.i18n import Translator
from game.results.store import ResultStore

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def contract(name_starts: str) -> dict:
    [found] = [c for c in CONFIG["tool"]["importlinter"]["contracts"] if c["name"].startswith(name_starts)]
    return found


def test_the_layers_point_down_from_the_cli_to_the_time_formatter() -> None:
    layers = contract("Layers")["layers"]
    assert layers[0] == "game.cli" and layers[-3:] == ["game.engine", "game.i18n", "game.timefmt"]
    middle = {name.strip(" ()") for name in layers[1].split(":")}
    assert middle == {"game.ui", "game.host", "game.text_play", "game.results", "game.authoring"}
    assert layers[2].strip("()") == "game.play"


def test_pygame_is_banned_outside_the_window() -> None:
    ban = contract("pygame only")
    assert ban["forbidden_modules"] == ["pygame"]
    assert set(ban["source_modules"]) >= {"game.engine", "game.play", "game.results", "game.authoring", "game.cli",
                                          "game.text_play", "game.i18n", "game.timefmt"}


def test_the_web_server_is_banned_outside_the_host() -> None:
    ban = contract("The web server only in the host")
    assert ban["forbidden_modules"] == ["starlette", "uvicorn", "websockets"]
    assert set(ban["source_modules"]) >= {"game.engine", "game.play", "game.results", "game.authoring", "game.ui"}


def test_only_the_front_end_chooser_opens_the_window() -> None:
    window = contract("The window is opened only by game.cli.frontends")
    assert window["forbidden_modules"] == ["game.ui"]
    assert window["ignore_imports"] == ["game.cli.frontends -> game.ui.app"]
    assert set(window["source_modules"]) >= {"game.engine", "game.play", "game.results", "game.authoring",
                                             "game.host", "game.text_play", "game.cli"}


def test_packages_never_import_each_other_in_a_circle() -> None:
    assert contract("No cycles between the packages")["ancestors"] == ["game"]
    assert contract("No cycles between the window's screens")["ancestors"] == ["game.ui"]


def test_ruff_bans_the_wall_clock_and_module_level_random_in_the_engine() -> None:
    lint = CONFIG["tool"]["ruff"]["lint"]
    banned = lint["flake8-tidy-imports"]["banned-api"]
    for name in ("time.time", "time.monotonic", "time.perf_counter", "datetime.datetime.now", "datetime.date.today",
                 "random.random", "random.choice", "random.shuffle", "pygame"):
        assert name in banned, name
    assert "TID" in lint["select"]
    assert lint["per-file-ignores"]["!game/engine/**"] == ["TID251"]  # the bans hold in the engine only


def test_ci_runs_the_checks_beside_the_tests() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in ("ruff check game", "mypy", "lint-imports", "pytest"):
        assert command in script, command


def test_the_contracts_fail_on_a_deliberate_cycle(tmp_path) -> None:
    # A copy of game/ where the engine imports the results store: the engine would then sit above
    # a package that imports it. import-linter must say so, not just have contracts configured.
    shutil.copytree(ROOT / "game", tmp_path / "game", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "game" / "engine" / "_cycle_probe.py").write_text("import game.results.store  # noqa: F401\n")
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )
    report = " ".join(run.stdout.split())  # the report wraps long contract names
    assert run.returncode == 1, report + run.stderr
    assert "Layers: engine -> play" in report and "No cycles between the packages of game/ BROKEN" in report, run.stderr
    assert "game.engine._cycle_probe -> game.results.store" in report
    assert "pygame only in the window (game.ui) KEPT" in report  # the probe breaks only what it should
    assert "The window is opened only by game.cli.frontends (the one place that picks a front end) KEPT" in report


def test_mypy_checks_every_module_strictly_with_no_baseline_left() -> None:
    # The baseline of modules with type errors is empty: a new error anywhere fails .ci/run.
    # Strict everywhere; the window's modules lift only some of strict's flags, never the checking itself.
    mypy = CONFIG["tool"]["mypy"]
    assert mypy["files"] == ["game"] and mypy["strict"] is True
    for override in mypy.get("overrides", []):
        lifted = {flag for flag, value in override.items() if value is False}
        assert "ignore_errors" not in override and "check_untyped_defs" not in lifted, override
        assert lifted <= {"disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls",
                          "disallow_any_generics", "warn_return_any", "disallow_subclassing_any"}, override
    # The window's modules are as strict as the rest (issue 14): only the YAML parser, which
    # subclasses PyYAML's untyped classes, lifts one flag.
    assert [(o["module"], {f for f, v in o.items() if v is False}) for o in mypy.get("overrides", [])] == [
        (["game.engine._yaml"], {"disallow_subclassing_any"})]


def test_the_session_applies_effects_only_through_the_registry() -> None:
    # One home per effect: the engine reads no field of an effects block itself; each field is
    # applied by its EFFECTS entry (game/engine/conditions.py), as the loader, linter and graph read it.
    fields = set(Effects.model_fields)
    tree = ast.parse((ROOT / "game" / "engine" / "session.py").read_text(encoding="utf-8"))
    reads = [(node.lineno, node.attr) for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in fields
             and isinstance(node.value, ast.Name | ast.Attribute)
             and (node.value.id if isinstance(node.value, ast.Name) else node.value.attr).endswith("effects")]
    assert reads == []
    assert list(EFFECTS)[-2:] == ["cancel", "trigger"]  # cancels happen before what is brought in


def test_the_hosts_pages_show_the_times_the_window_shows(tmp_path) -> None:
    # One formatter: the workshop host words every time on the server with the window's
    # Translator.clock/duration; its scripts show those strings and format no time themselves.
    store = ResultStore.open(tmp_path)
    try:
        hosted = HostedWorkshop(load_case(ROOT / "tests" / "cases" / "tiny"), store, "Times", ["Red"])
        red = next(iter(hosted.teams.values()))
        hosted.start(red)
        hosted.tick(200)  # 3:20 in: the tiny case's decision is open
        for lang in ("en", "fr"):
            tr = Translator(lang)
            view = hosted.team_view(red, lang)
            session = red.round.session
            assert view["clock"] == tr.clock(session.t) and view["end"] == tr.clock(session.case.duration)
            assert [p["at"] for p in view["feed"]] == [tr.clock(p["t"]) for p in view["feed"]] and view["feed"]
            assert view["decisions"] and [d["left_text"] for d in view["decisions"]] == [
                tr.duration(math.ceil(red.round.real_time_left(d.id))) for d in session.open_decisions]
            row = hosted.console_view(lang)["teams"][0]
            assert row["clock"] == tr.clock(session.t)
    finally:
        store.close()
    for script in (ROOT / "game" / "host" / "static").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert "padStart(2" not in text and "/ 60" not in text and "% 60" not in text, script.name


def test_every_import_inside_a_function_says_why() -> None:
    # Imports inside functions remain only where they keep start-up fast (or a platform or an
    # optional driver needs them), each with its reason: a comment on the line, or on the line
    # above its group of imports.
    silent = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for fn in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    first = node.lineno - 1
                    while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
                        first -= 1  # the first import of the group carries the reason
                    said = ("#" in lines[node.lineno - 1] or "#" in lines[first]
                            or lines[first - 1].strip().startswith("#"))
                    if not said:
                        silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert silent == []
