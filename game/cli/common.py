"""What every command group shares: printing problems, loading a case, opening the results store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine.diagnostics import CaseError, Diagnostic
from game.engine.loader import LoadedCase, load_case
from game.results.store import ResultStore, open_store
from game.timefmt import parse_time

if TYPE_CHECKING:
    #: The subparsers object each group's ``add_commands`` receives (argparse has no public name for it).
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

PACKAGE_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


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


def time_argument(text: str) -> int:
    """An argument that is a simulated time, read by the one parser the case format uses too.

    Raises:
        argparse.ArgumentTypeError: the parser's message (argparse shows only this kind's).
    """
    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fail(message: str) -> int:
    """Print ``crisis-sim: MESSAGE`` on standard error; the exit status of a refused command."""
    print(f"crisis-sim: {message}", file=sys.stderr)
    return 1


STORE_HELP = ("the results store: postgresql://user@host/db for an organisation's server (add "
              "?sslmode=verify-full), or a SQLite file (default: $CRISIS_SIM_STORE, else results.db in the data folder)")


def add_store_option(parser: argparse.ArgumentParser, *, on_command: bool = True) -> None:
    """``--store URL`` on ``parser`` (on a command it may also come before the command)."""
    parser.add_argument("--store", metavar="URL", default=argparse.SUPPRESS if on_command else None, help=STORE_HELP)


def open_results(args: argparse.Namespace, **kwargs: Any) -> ResultStore:
    """The results store the command line names (``--store``, ``$CRISIS_SIM_STORE``, ``--data-dir``)."""
    return open_store(getattr(args, "store", None), getattr(args, "data_dir", None), **kwargs)
