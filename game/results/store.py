"""The results store: every round played, kept in one SQLite file in the user's data folder.

A round is a row of ``sessions`` from the moment its clock starts. While it runs, its session
log goes line by line into ``log_lines``: each input (a decision, a triage, a facilitator's
inject) is committed the moment it is made, so a killed process or a dead machine loses
nothing decided. When the round ends, one transaction stores its score, breakdown, ending,
per-decision rows and the whole log (compressed), and drops the loose lines.

Statuses: ``running`` (being played, or its process died: see :meth:`ResultStore.interrupted`),
``finished``, ``interrupted`` (the window was closed mid-round; it can be resumed) and
``abandoned`` (left on purpose, or an interrupted round nobody resumed).

The store never takes the game down: a locked, read-only or damaged database is reported in
:attr:`ResultStore.problem` and the round plays on without being saved (a damaged file is
moved aside and a new one started). Opening, recovery and migrations live in
:mod:`game.results.database`; the queries in :mod:`game.results.repositories`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.results.database import (
    DB_NAME, ENV_DATA_DIR, SCHEMA_VERSION, Database, StoreError, data_dir, pack_log, unpack_log, utc_now,
)
from game.results.repositories import (
    SESSION_COLUMNS, STATUSES, Answer, AnswersRepository, ImportRepository, Note, NotesRepository,
    RoundsRepository, StoredSession, WorkshopsRepository,
)

__all__ = ["DB_NAME", "ENV_DATA_DIR", "SCHEMA_VERSION", "SESSION_COLUMNS", "STATUSES", "Answer", "Database", "Note",
           "ResultStore", "StoreError", "StoredSession", "data_dir", "pack_log", "unpack_log", "utc_now"]


class ResultStore(ImportRepository, NotesRepository, AnswersRepository, WorkshopsRepository, RoundsRepository,
                  Database):
    """The results database with all its repositories (see :class:`Database` for the arguments).

    Never raises from the game's write paths when called through :meth:`safely`; reading and
    the command line's operations raise :class:`StoreError`.
    """

    @classmethod
    def open(cls, given_dir: str | Path | None = None, **kwargs: Any) -> ResultStore:
        """The store in the data folder (``--data-dir`` or the user's data folder)."""
        return cls(data_dir(given_dir) / DB_NAME, **kwargs)
