"""``python -m game``: the same as the ``crisis-sim`` command."""

from game.cli import main

raise SystemExit(main())
