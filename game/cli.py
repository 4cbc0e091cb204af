"""The ``crisis-sim`` command line.

``play``, ``replay``, ``validate`` and ``list`` are the contract later tools and tests rely on;
with no command, the game opens its window on the case menu.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game.engine.diagnostics import CaseError, Diagnostic
from game.engine.loader import LoadedCase, case_file, case_files, load_case
from game.engine.log import LogError, SessionLog, read_log, replay
from game.engine.scoring import score

PACKAGE_SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def default_scenarios() -> Path:
    """``./scenarios`` when run from a checkout, else the cases next to the package."""
    local = Path("scenarios")
    return local if local.is_dir() else PACKAGE_SCENARIOS


def print_errors(diagnostics: Sequence[Diagnostic]) -> None:
    """Each problem on its own line of standard error, as ``FILE:LINE:COL: severity: message``."""
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def load_or_report(path: str, lang: str | None) -> LoadedCase | None:
    """The case, or None after printing its problems."""
    try:
        return load_case(path, lang)
    except CaseError as exc:
        print_errors(exc.diagnostics)
        return None


def cmd_play(args: argparse.Namespace) -> int:
    lang = args.lang
    if lang is None and args.text:
        from game.i18n import system_language

        lang = system_language()  # a person at a terminal gets their language, like the window
    loaded = load_or_report(args.case, lang)
    if loaded is None:
        return 1
    if not (args.headless or args.bot or args.text):
        return _window(args, case=loaded.path)  # the window opens its own log per round
    if args.headless or args.bot:
        from game.engine.bots import play

        log = SessionLog.open(args.log, loaded.path) if args.log else None
        session = play(loaded.case, args.seed, args.bot or "silent", log)
        result = score(session)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            from game.text_play import format_result

            print(format_result(result, loaded.case))
        return 0
    return _play_text(args, loaded)


def _play_text(args: argparse.Namespace, loaded: LoadedCase) -> int:
    """A person plays in the terminal; the round is kept in the results store like a window round."""
    from game.engine.session import Session
    from game.results.recording import start
    from game.results.store import ResultStore
    from game.text_play import StdinCommands, TextPlayer

    copy = None
    if args.log:
        try:
            copy = open(args.log, "w", encoding="utf-8")
        except OSError as exc:
            print(f"crisis-sim: cannot write the log {args.log}: {exc.strerror}; the round plays on", file=sys.stderr)
    store = ResultStore.open(getattr(args, "data_dir", None))
    session, recording = start(store if store.available else None, loaded.case, loaded.path, args.seed,
                               team=args.team or "", also=copy)
    if recording is None:
        print(f"crisis-sim: this round will not be saved ({store.problem or 'no results store'})", file=sys.stderr)
        session = Session(loaded.case, args.seed, SessionLog(copy, loaded.path, owns_stream=True) if copy else None)
    player = TextPlayer(session, sys.stdout, StdinCommands(), time.monotonic, args.speed or 10.0)
    try:
        player.run()
    except KeyboardInterrupt:
        if recording is not None:
            recording.interrupt()
            print("\nInterrupted: the round is kept; `crisis-sim resume` carries on where it stopped.")
        else:
            print("\nInterrupted: the decisions made so far are in the log." if copy else "\nInterrupted.")
        return 130
    finally:
        if recording is not None and not recording.saved:
            recording.settle()
        store.close()
    return 0


def _window(args: argparse.Namespace, case: Path | None = None) -> int:
    try:
        from game.ui.app import run
    except ImportError as exc:
        print(f"The window front end is not available ({exc}); play in the terminal with "
              "`crisis-sim play CASE --text`.", file=sys.stderr)
        return 1
    return run(args, case)


def cmd_replay(args: argparse.Namespace) -> int:
    try:
        contents = read_log(args.log)
    except LogError as exc:
        print(exc, file=sys.stderr)
        return 1
    case_path = args.case or contents.header.get("case")
    if not case_path:
        print(f"{args.log}: the log does not name its case; give it with --case", file=sys.stderr)
        return 1
    loaded = load_or_report(case_path, None)
    if loaded is None:
        return 1
    if loaded.case.id != contents.header.get("scenario"):
        print(f"{args.log}: the log is of case {contents.header.get('scenario')!r}, not {loaded.case.id!r}",
              file=sys.stderr)
        return 1
    try:
        session = replay(loaded.case, int(contents.header["seed"]), contents.inputs)
    except LogError as exc:
        print(f"{args.log}: {exc}", file=sys.stderr)
        return 1
    result = score(session).to_json()
    expected = contents.result
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{loaded.case.title}: score {result['score']}, ending {result['ending']['id']}")
    if expected is None:
        print(f"{args.log}: the log has no result (the run was interrupted); replayed what it holds",
              file=sys.stderr)
        return 0
    if expected != result:
        print(f"{args.log}: the replay differs from the logged result "
              f"(logged score {expected.get('score')}, replayed {result['score']})", file=sys.stderr)
        return 1
    return 0


def _targets(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not (path / "scenario.yaml").exists() and any(path.iterdir()):
            files += list(case_files(path)) or [case_file(path)]
        elif path.is_dir():
            files += sorted(path.glob("scenario*.yaml")) or [case_file(path)]
        else:
            files.append(path)
    return files


def cmd_validate(args: argparse.Namespace) -> int:
    from game.authoring.lint import lint_files

    files = _targets(args.paths)
    diagnostics = lint_files(files)
    failing = [d for d in diagnostics if d.severity == "error" or args.strict]
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        if not diagnostics:
            print(f"{len(files)} case file(s) checked: no problem found.", file=sys.stderr)
        elif not failing:
            print(f"{len(diagnostics)} warning(s); --strict would fail on them.", file=sys.stderr)
    return 1 if failing else 0


def cmd_list(args: argparse.Namespace) -> int:
    folder = Path(args.scenarios) if args.scenarios else default_scenarios()
    if not folder.is_dir():
        print(f"{folder}: no such folder of cases", file=sys.stderr)
        return 1
    rows = []
    for file in case_files(folder):
        try:
            case = load_case(file).case
        except CaseError as exc:
            rows.append((str(file.parent), "-", "INVALID", f"{len(exc.diagnostics)} problem(s): "
                         f"run crisis-sim validate {file}", ""))
            continue
        crisis = case.crisis.cluster.value + (f"/{case.crisis.kind.value}" if case.crisis.kind else "")
        minutes = f"{case.duration // 60} min"
        rows.append((str(file.parent if file.name == "scenario.yaml" else file), case.language, case.title,
                     crisis, minutes))
    if not rows:
        print(f"No case found in {folder}.")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def case_schema() -> dict[str, Any]:
    """The JSON Schema of the case format, for editors' completion and hover text."""
    from game.engine.model import Case

    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://crisis-sim.invalid/case.schema.json"
    return schema


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(case_schema(), ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crisis-sim",
        description="A training game for social-media crisis communication.",
    )
    parser.add_argument("--scenarios", help="folder of cases (default: ./scenarios)")
    parser.add_argument("--lang", help="language of the cases and the interface (en, fr)")
    parser.add_argument("--demo", action="store_true", help="let a bot play a case in the window, for a preview")
    parser.add_argument("--screenshot", metavar="DIR", help="save a PNG of each screen into DIR (with --demo)")
    parser.add_argument("--fullscreen", action="store_true", help="open full screen")
    parser.add_argument("--projector", action="store_true", help="larger type for a projector")
    parser.add_argument("--data-dir", metavar="DIR", help="folder of the results database (default: the user's data folder)")
    sub = parser.add_subparsers(dest="command")

    play = sub.add_parser("play", help="play a case")
    play.add_argument("case", help="a case folder or its YAML file")
    mode = play.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true", help="play in the terminal")
    mode.add_argument("--headless", action="store_true", help="no person: a bot plays")
    play.add_argument("--bot", choices=["random", "best", "worst", "silent"], help="which bot plays (headless)")
    play.add_argument("--seed", type=int, default=1, help="random seed (same seed, same run)")
    play.add_argument("--speed", type=float, help="simulated seconds per real second (text mode: 10)")
    play.add_argument("--lang", default=argparse.SUPPRESS, help="play the case in this language if translated")
    play.add_argument("--log", help="write the session log (JSON lines) to this file")
    play.add_argument("--team", help="team or player name the round is stored under (text and window play)")
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.set_defaults(func=cmd_play)

    rep = sub.add_parser("replay", help="re-run a session log and check it gives the same result")
    rep.add_argument("log")
    rep.add_argument("--case", help="the case, if it moved since the log was written")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(func=cmd_replay)

    val = sub.add_parser("validate", help="check cases and report every problem as FILE:LINE:COL")
    val.add_argument("paths", nargs="+", metavar="PATH")
    val.add_argument("--format", choices=["text", "json"], default="text")
    val.add_argument("--strict", action="store_true", help="fail on warnings too")
    val.set_defaults(func=cmd_validate)

    lst = sub.add_parser("list", help="list the cases found")
    lst.add_argument("--scenarios", default=argparse.SUPPRESS, help="folder of cases")
    lst.set_defaults(func=cmd_list)

    sch = sub.add_parser("schema", help="print the JSON Schema of the case format (for editors)")
    sch.set_defaults(func=cmd_schema)

    from game.authoring.commands import add_commands

    add_commands(sub)
    from game.results.commands import add_commands as add_results_commands

    add_results_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _window(args)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return 0
