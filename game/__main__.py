"""``python -m game``: the same as the ``crisis-sim`` command."""

from game.start import main

raise SystemExit(main())
