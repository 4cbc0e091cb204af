"""The ``crisis-sim`` command: the only place that parses arguments, prints to the terminal and
picks a front end.

Each group of commands is a module of this package with an ``add_commands(sub)`` function that
adds its subparsers (each sets ``func``, called with the parsed arguments, returning the exit
status). To add a group, write ``game/cli/NAME.py`` and list it in :data:`GROUPS`; a group keeps
heavy imports (pygame, a web server) inside the command that needs them, so ``--help`` stays fast.
With no command, the game opens its window on the case menu.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from game.authoring.schema import case_schema
from game.cli import common, frontends

__all__ = ["GROUPS", "build_parser", "case_schema", "main"]

#: The command groups, in the order ``--help`` lists them.
# One group a line, so that helpers adding groups at the same time do not conflict.
GROUPS: tuple[str, ...] = (
    "game.cli.play",
    "game.cli.authoring",
    "game.cli.results",
    "game.cli.assess",
    "game.cli.host",
    "game.cli.engine",
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the window's options, then every group's commands."""
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
    common.add_store_option(parser, on_command=False)
    sub = parser.add_subparsers(dest="command")
    for name in GROUPS:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``crisis-sim`` with ``argv`` (default: the process's arguments); the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return frontends.window(args)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return 0
