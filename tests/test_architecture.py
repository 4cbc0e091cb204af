"""The checks that keep the layers apart exist and run (issue 14): the import-linter contracts,
ruff's banned APIs for the engine, and .ci/run calling them beside pytest. Removing a rule fails
here, not silently in review."""

from __future__ import annotations

import tomllib

from conftest import ROOT

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
