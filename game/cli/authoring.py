"""The authors' commands of ``crisis-sim``: validate, new, graph, simulate, import-msel, schema."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from game.authoring.graph import IMAGE_FORMATS, GraphvizError, to_dot, to_image, to_mermaid
from game.authoring.lint import lint_files
from game.authoring.msel import import_msel
from game.authoring.new import NewCaseError, case_id, create_case
from game.authoring.schema import case_schema
from game.authoring.plans import all_combinations
from game.authoring.simulate import simulate
from game.cli.common import load_or_report, print_errors
from game.engine.bots import BOTS
from game.engine.diagnostics import CaseError
from game.engine.loader import case_file, case_files

if TYPE_CHECKING:
    from game.cli.common import Subparsers


def add_commands(sub: Subparsers) -> None:
    """Add the authors' commands."""
    val = sub.add_parser("validate", help="check cases and report every problem as FILE:LINE:COL")
    val.add_argument("paths", nargs="+", metavar="PATH")
    val.add_argument("--format", choices=["text", "json"], default="text")
    val.add_argument("--strict", action="store_true", help="fail on warnings too")
    val.set_defaults(func=cmd_validate)

    sch = sub.add_parser("schema", help="print the JSON Schema of the case format (for editors)")
    sch.set_defaults(func=cmd_schema)

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
    sim.add_argument("--paths", choices=["all"], help="also play every combination of choices (a sample of "
                     "1000 when there are more) and list the endings each reaches")
    sim.set_defaults(func=cmd_simulate)

    msel = sub.add_parser("import-msel", help="turn a master scenario events list (CSV) into a case skeleton")
    msel.add_argument("csv", help="the events list: a CSV with time, channel, author, text, expected action")
    msel.add_argument("--out", help="the case folder to create (default: scenarios/<name of the CSV>)")
    msel.add_argument("--lang", default=argparse.SUPPRESS, help="language of the events (en, fr...)")
    msel.set_defaults(func=cmd_import_msel)

    gra = sub.add_parser("graph", help="draw the structure of a case (Mermaid or Graphviz)")
    gra.add_argument("case", help="a case folder or its YAML file")
    gra.add_argument("--format", choices=["mermaid", "dot", "svg", "png"], default="mermaid",
                     help="text for Mermaid or Graphviz, or an image drawn by Graphviz's dot (svg, png)")
    gra.add_argument("--out", help="write to this file instead of the standard output (for png)")
    gra.add_argument("--lang", default=argparse.SUPPRESS, help="graph this language version")
    gra.set_defaults(func=cmd_graph)


def _targets(paths: Sequence[str]) -> list[Path]:
    """The case files that paths name: files, case folders, or folders of cases."""
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
    """Print every problem of the cases; fail on an error (on a warning too with --strict)."""
    files = _targets(args.paths)
    diagnostics = lint_files(files)
    failing = [d for d in diagnostics if d.severity == "error" or args.strict]
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        if not diagnostics:
            print(f"{len(files)} case file(s) checked: no problem found.")
        elif not failing:
            print(f"{len(diagnostics)} warning(s); --strict would fail on them.")
    return 1 if failing else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the case format's JSON Schema."""
    print(json.dumps(case_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Create a case folder from the template."""
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
    """Turn an events list (CSV) into a case skeleton."""
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
    """Play a case many times headless and print its balance report."""
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
    combinations = all_combinations(report.case, args.seed) if args.paths == "all" else None
    if args.format == "json":
        data = report.to_json()
        if combinations is not None:
            data["combinations"] = combinations.to_json()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.to_text())
        if combinations is not None:
            print("\n" + combinations.to_text(report.case))
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    """Print the case's structure as Mermaid or Graphviz."""
    loaded = load_or_report(args.case, getattr(args, "lang", None))
    if loaded is None:
        return 1
    if args.format not in IMAGE_FORMATS:
        text = (to_dot if args.format == "dot" else to_mermaid)(loaded.case)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            print(text, end="")
        return 0
    try:
        data = to_image(loaded.case, args.format)
    except GraphvizError as exc:
        print(f"crisis-sim graph: {exc}", file=sys.stderr)
        return 1
    if args.out:
        Path(args.out).write_bytes(data)
    elif args.format == "png" and sys.stdout.isatty():
        print("crisis-sim graph: a PNG is not for the terminal: give --out FILE.png, or redirect it to a file",
              file=sys.stderr)
        return 1
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


class ProgressBar:
    """``[#########-----------]  45%  450/1000 runs`` on one line of a terminal."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int) -> None:
        """Redraw the bar at ``done`` of ``total`` runs."""
        filled = self.width * done // total
        self.stream.write(f"\r[{'#' * filled}{'-' * (self.width - filled)}] {100 * done // total:3d}%  "
                          f"{done}/{total} runs")
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line."""
        self.stream.write("\r" + " " * (self.width + 30) + "\r")
        self.stream.flush()
