"""``crisis-sim build-engine``: compile the engine's hot modules with mypyc, check or undo it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from game.engine import native


def add_commands(sub: Any) -> None:
    cmd = sub.add_parser(
        "build-engine",
        help="compile the engine with mypyc (about 2.5x faster simulate and bots; optional)",
        description=(
            "Compile the engine's session, state and bots with mypyc, next to their sources. Needs the "
            "'fast' extra (pip install -e '.[fast]') and a C compiler. The compiled modules are used only "
            "while they match their sources; CRISIS_SIM_PURE=1 forces the Python ones."
        ),
    )
    what = cmd.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help="say which engine runs, and why; build nothing")
    what.add_argument("--remove", action="store_true", help="delete the compiled modules")
    cmd.add_argument("--verbose", action="store_true", help="show the compiler's output")
    cmd.set_defaults(func=cmd_build_engine)


def cmd_build_engine(args: argparse.Namespace) -> int:
    if args.check:
        print(f"engine: {native.status()}")
        return 0
    if args.remove:
        gone = native.remove()
        print(f"removed {len(gone)} file(s); the engine runs from its Python sources" if gone else "nothing to remove")
        return 0
    print("compiling the engine with mypyc (about a minute)...", flush=True)
    try:
        files = native.build(verbose=args.verbose)
    except native.BuildError as exc:
        print(f"crisis-sim build-engine: {exc}", file=sys.stderr)
        return 1
    print(f"built {len(files)} file(s) in {Path(native.__file__).parent}; "
          "check with: crisis-sim build-engine --check")
    return 0
