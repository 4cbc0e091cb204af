"""``crisis-sim play``, ``replay`` and ``list``: playing cases and checking session logs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import frontends
from game.cli.common import add_store_option, default_scenarios, load_or_report, open_results
from game.authoring.plans import PathPlan, choice_problem, differences, parse_choices, play_path
from game.engine import bots
from game.engine.diagnostics import CaseError
from game.engine.loader import LoadedCase, case_files, load_case
from game.engine.log import LogError, SessionLog, read_log, replay, written_by_other_engine
from game.engine.scoring import score
from game.engine.session import Session
from game.i18n import system_language, translator
from game.results.recording import start
from game.text_play import format_result

if TYPE_CHECKING:
    from game.cli.common import Subparsers


def add_commands(sub: Subparsers) -> None:
    """Add ``play``, ``replay`` and ``list``."""
    play = sub.add_parser("play", help="play a case")
    play.add_argument("case", help="a case folder or its YAML file")
    mode = play.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true", help="play in the terminal")
    mode.add_argument("--headless", action="store_true", help="no person: a bot plays")
    play.add_argument("--bot", choices=["random", "best", "worst", "silent"], help="which bot plays (headless)")
    play.add_argument("--seed", type=int, default=None,
                      help="random seed (same seed, same run; default 1, and in the window a new one each solo round)")
    play.add_argument("--speed", type=float, help="simulated seconds per real second (text mode: 10)")
    play.add_argument("--lang", default=argparse.SUPPRESS, help="play the case in this language if translated")
    play.add_argument("--log", help="write the session log (JSON lines) to this file")
    play.add_argument("--team", help="team or player name the round is stored under (text and window play)")
    add_store_option(play)
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.add_argument("--choices", metavar="ID.OPTION,...",
                      help="headless: make these choices (decision.option, @HH:MM:SS after it opens); "
                           "decisions not listed time out, or go to --bot best/worst")
    play.set_defaults(func=cmd_play)

    rep = sub.add_parser("replay", help="re-run a session log and check it gives the same result")
    rep.add_argument("log")
    rep.add_argument("--case", help="the case, if it moved since the log was written")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(func=cmd_replay)

    lst = sub.add_parser("list", help="list the cases found")
    lst.add_argument("--scenarios", default=argparse.SUPPRESS, help="folder of cases")
    lst.set_defaults(func=cmd_list)


def cmd_play(args: argparse.Namespace) -> int:
    """Play a case in the window (default), the terminal (--text) or headless by a bot."""
    # The window draws a new seed for each solo round unless one was asked for (game/ui/settings.py).
    args.seed_given = args.seed is not None
    if args.seed is None:
        args.seed = 1
    lang = args.lang
    if lang is None and args.text:
        lang = system_language()  # a person at a terminal gets their language, like the window
    loaded = load_or_report(args.case, lang)
    if loaded is None:
        return 1
    if args.choices is not None:
        return _play_choices(args, loaded)
    if not (args.headless or args.bot or args.text):
        return frontends.window(args, case=loaded.path)  # the window opens its own log per round
    if args.headless or args.bot:
        log = SessionLog.open(args.log, loaded.path) if args.log else None
        session = bots.play(loaded.case, args.seed, args.bot or "silent", log)
        result = score(session)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            print(format_result(result, loaded.case))
        return 0
    return _play_text(args, loaded)


def _play_choices(args: argparse.Namespace, loaded: LoadedCase) -> int:
    """Play one path given on the command line, headless, and print its result."""
    try:
        choices = parse_choices(args.choices)
    except ValueError as exc:
        print(f"crisis-sim play: --choices: {exc}", file=sys.stderr)
        return 2
    problems = [p for p in (choice_problem(loaded.case, c) for c in choices) if p]
    if problems:
        print("\n".join(f"crisis-sim play: --choices: {p}" for p in problems), file=sys.stderr)
        return 2
    if args.bot not in (None, "silent", "best", "worst"):
        print("crisis-sim play: with --choices, --bot is silent, best or worst (who makes the other choices)",
              file=sys.stderr)
        return 2
    others = args.bot or "silent"
    path = PathPlan("command line", choices, triage="best" if others == "best" else "none", others=others)
    log = SessionLog.open(args.log, loaded.path) if args.log else None
    session, run = play_path(loaded.case, path, args.seed, log)
    result = score(session)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result, loaded.case))
    for decision in run.unopened:
        print(f"crisis-sim play: decision {decision!r} never opened on this path", file=sys.stderr)
    return 0


def _play_text(args: argparse.Namespace, loaded: LoadedCase) -> int:
    """A person plays in the terminal; the round is kept in the results store like a window round."""
    copy = None
    if args.log:
        try:
            copy = open(args.log, "w", encoding="utf-8")
        except OSError as exc:
            print(f"crisis-sim: cannot write the log {args.log}: {exc.strerror}; the round plays on", file=sys.stderr)
    team = args.team
    if team is None and sys.stdin.isatty():
        # As the window's menu asks it: the round is kept under the name typed, exactly.
        tr = translator(loaded.case.language)
        try:
            team = input(tr.gettext("Team or player name (Enter: none): ")).strip()
        except EOFError:  # Ctrl-D: no name
            print()
        except KeyboardInterrupt:
            print()
            return 130
    store = open_results(args)
    # (a server that cannot be reached still records: into the spool, sent when it is back)
    session, recording = start(store, loaded.case, loaded.path, args.seed,
                               team=team or "", also=copy)
    if recording is None:
        print(f"crisis-sim: this round will not be saved ({store.problem or 'no results store'})", file=sys.stderr)
        session = Session(loaded.case, args.seed, SessionLog(copy, loaded.path, owns_stream=True) if copy else None)
    try:
        frontends.terminal(session, args.speed)
    except KeyboardInterrupt:
        if session.state.ended:  # Ctrl-C in the debrief (its corrections): the round is over and kept
            print()
            return 130
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


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-run a session log; fail when the replay differs from the result it logged."""
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
    older = written_by_other_engine(contents.header)
    if expected != result and older:
        print(f"{args.log}: not compared with its logged result (score {expected.get('score')}): {older}",
              file=sys.stderr)
        return 0
    if expected != result:
        print(f"{args.log}: the replay differs from the logged result:", file=sys.stderr)
        for line in differences(expected, result):
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """One line per case found: folder, language, title, crisis type, length."""
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
        minutes = translator("en").duration(case.duration)  # the command line speaks English
        rows.append((str(file.parent if file.name == "scenario.yaml" else file), case.language, case.title,
                     crisis, minutes))
    if not rows:
        print(f"No case found in {folder}.")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0
