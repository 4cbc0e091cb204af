"""Results: the store of every round played, resume after a crash, debrief reports, workshops
with several teams, observer notes, reflection answers and a player's history.

Not part of the engine: this package reads the wall clock (for timestamps) and writes files; the
engine stays pure and only sees a log stream.
"""

from __future__ import annotations

from game.results.recording import LiveRecord, Recording, ResumeError, begin, resume, start
from game.results.store import ResultStore, StoredSession, StoreError, data_dir

__all__ = ["LiveRecord", "Recording", "ResultStore", "ResumeError", "StoreError", "StoredSession", "begin",
           "data_dir", "resume", "start"]
