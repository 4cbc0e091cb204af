"""The one place that picks a front end: the window (pygame) or the terminal player.

Both are imported only when a round is played, so ``crisis-sim --help``, ``validate`` and the
results commands never load pygame.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.common import fail
from game.text_play import StdinCommands, TextPlayer

if TYPE_CHECKING:
    from game.engine.session import Session


def no_display() -> bool:
    """True on a Linux or BSD machine with no X or Wayland display to open a window on (over SSH,
    in a container), unless SDL was told to draw elsewhere (``SDL_VIDEODRIVER``)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False  # Windows and macOS always have their own display
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("SDL_VIDEODRIVER"))


def window(args: argparse.Namespace, case: Path | None = None) -> int:
    """Open the window on the menu, or on ``case``, or on the round ``args.resume``."""
    if no_display():
        return fail("no display found to open the window on (DISPLAY and WAYLAND_DISPLAY are not set). "
                    "Play in the terminal with `crisis-sim play CASE --text` (`crisis-sim list` shows the "
                    "cases), or start crisis-sim from a desktop session or with `ssh -X`.")
    try:
        from game.ui.app import run  # pygame loads here only: --help and validate stay fast
    except ImportError as exc:
        return fail(f"the window front end is not available ({exc}); play in the terminal with "
                    "`crisis-sim play CASE --text`")
    return run(args, case)


def window_resume(args: argparse.Namespace, session_id: str) -> int:
    """Open the window directly on the resumed round (the app's ``Settings.resume``)."""
    args.resume = session_id
    return window(args, None)


def terminal(session: Session, speed: float | None) -> None:
    """Play ``session`` in the terminal until it ends; KeyboardInterrupt reaches the caller."""
    TextPlayer(session, sys.stdout, StdinCommands(), time.monotonic, speed).run()  # None: the case's pace
