"""The ``crisis-sim`` command's entry point: Ctrl+C at any moment ends it quietly.

Loading the command (the case model, the web server...) takes a second or more on a slow
machine; a trainer who presses Ctrl+C then gets the prompt back, not a traceback. The command
itself is :func:`game.cli.main`.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl+C (128 + SIGINT), as shells report it."""


def main() -> int:
    """Run ``crisis-sim``; Ctrl+C while it loads or runs ends it with status 130 and no traceback."""
    try:
        # Imported here, inside the guard: the loading is what a Ctrl+C most often interrupts.
        from game.cli import main as command

        return command()
    except KeyboardInterrupt:
        print(file=sys.stderr)  # the terminal's "^C" is left on a line of its own
        return INTERRUPTED
