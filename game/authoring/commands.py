"""The authors' subcommands of ``crisis-sim``: new, graph, simulate, import-msel."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import TextIO

from game.authoring.new import case_id
from game.engine.bots import BOTS
from game.engine.diagnostics import CaseError
from game.cli import load_or_report, print_errors


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = sub.add_parser("new", help="create a case folder from a commented template that already plays")
    new.add_argument("name", help="the new case's folder (a bare name goes into ./scenarios when it exists)")
    new.add_argument("--lang", default=argparse.SUPPRESS, help="language of the template: en (default) or fr")
    new.add_argument("--title", help="the case's title")
    new.set_defaults(func=cmd_new)

    sim = sub.add_parser("simulate", help="play a case many times headless and report its balance")
    sim.add_argument("case", help="a case folder or its YAML file")
    sim.add_argument("--runs", type=int, default=1000, help="how many runs (default 1000)")
    sim.add_argument("--bot", choices=sorted(BOTS), default="random", help="who plays the runs (default random)")
    sim.add_argument("--seed", type=int, default=1, help="first seed; same seed, same report")
    sim.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; 0: one per CPU)")
    sim.add_argument("--lang", default=argparse.SUPPRESS, help="simulate this language version")
    sim.add_argument("--format", choices=["text", "json"], default="text")
    sim.set_defaults(func=cmd_simulate)

    msel = sub.add_parser("import-msel", help="turn a master scenario events list (CSV) into a case skeleton")
    msel.add_argument("csv", help="the events list: a CSV with time, channel, author, text, expected action")
    msel.add_argument("--out", help="the case folder to create (default: scenarios/<name of the CSV>)")
    msel.add_argument("--lang", default=argparse.SUPPRESS, help="language of the events (en, fr...)")
    msel.set_defaults(func=cmd_import_msel)

    gra = sub.add_parser("graph", help="draw the structure of a case (Mermaid or Graphviz)")
    gra.add_argument("case", help="a case folder or its YAML file")
    gra.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    gra.add_argument("--lang", default=argparse.SUPPRESS, help="graph this language version")
    gra.set_defaults(func=cmd_graph)


def cmd_new(args: argparse.Namespace) -> int:
    from game.authoring.new import NewCaseError, create_case

    folder = Path(args.name)
    if len(folder.parts) == 1 and Path("scenarios").is_dir():
        folder = Path("scenarios") / folder
    try:
        file = create_case(folder, getattr(args, "lang", None) or "en", args.title)
    except NewCaseError as exc:
        print(f"crisis-sim new: {exc}", file=sys.stderr)
        return 1
    where = shlex.quote(str(folder))
    print(f"Created {file}. Next:\n"
          f"  edit {shlex.quote(str(file))} (the comments explain each part; docs/authoring.md is the tutorial)\n"
          f"  crisis-sim validate {where}\n"
          f"  crisis-sim play {where} --text\n"
          f"  crisis-sim simulate {where}")
    return 0


def cmd_import_msel(args: argparse.Namespace) -> int:
    from game.authoring.msel import import_msel

    source = Path(args.csv)
    folder = Path(args.out) if args.out else (
        Path("scenarios") if Path("scenarios").is_dir() else Path()) / case_id(source.stem)
    try:
        file = import_msel(source, folder, getattr(args, "lang", None) or "en")
    except CaseError as exc:
        print_errors(exc.diagnostics)
        return 1
    except FileExistsError as exc:
        print(f"crisis-sim import-msel: {exc}", file=sys.stderr)
        return 1
    print(f"Created {file} from {source}. It plays as it is; the TODO lines are yours to write.\n"
          f"  crisis-sim validate {shlex.quote(str(folder))}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.authoring.simulate import simulate

    if args.runs < 1:
        print("--runs must be at least 1", file=sys.stderr)
        return 2
    jobs = args.jobs or os.cpu_count() or 1
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = simulate(args.case, runs=args.runs, bot=args.bot, seed=args.seed, jobs=jobs,
                          lang=getattr(args, "lang", None), progress=bar)
    except CaseError as exc:
        print_errors(exc.diagnostics)
        return 1
    finally:
        if bar:
            bar.close()
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from game.authoring.graph import to_dot, to_mermaid

    loaded = load_or_report(args.case, getattr(args, "lang", None))
    if loaded is None:
        return 1
    print((to_dot if args.format == "dot" else to_mermaid)(loaded.case), end="")
    return 0


class ProgressBar:
    """``[#########-----------]  45%  450/1000 runs`` on one line of a terminal."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total
        self.stream.write(f"\r[{'#' * filled}{'-' * (self.width - filled)}] {100 * done // total:3d}%  "
                          f"{done}/{total} runs")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r" + " " * (self.width + 30) + "\r")
        self.stream.flush()
