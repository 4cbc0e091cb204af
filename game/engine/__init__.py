"""The scenario engine: pure Python, no pygame.

Front ends (the terminal player, the pygame window, the bots) load a case with
:func:`~game.engine.loader.load_case` and drive a :class:`~game.engine.session.Session`.
"""

# First, before anything imports them: importing native decides whether the compiled session,
# state and bots may load (only while they match their sources; see game/engine/native.py).
from game.engine import native
from game.engine.diagnostics import CaseError, Diagnostic
from game.engine.loader import LoadedCase, check_file, load_case
from game.engine.session import Session, Status

__all__ = ["CaseError", "Diagnostic", "LoadedCase", "Session", "Status", "check_file", "load_case", "native"]
