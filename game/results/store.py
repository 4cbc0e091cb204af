"""The results store: every round played, kept in one SQLite file in the user's data folder, or
on an organisation's PostgreSQL server (:func:`open_store`, :mod:`game.results.postgres`).

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

import os
from pathlib import Path
from typing import Any

from game.results.database import (
    DB_NAME, ENV_DATA_DIR, SCHEMA_VERSION, Database, StoreError, data_dir, pack_log, unpack_log, utc_now,
)
from game.results.repositories import (
    SESSION_COLUMNS, STATUSES, Amendment, Answer, AnswersRepository, ImportRepository, Note, NotesRepository,
    RoundsRepository, StoredSession, WorkshopsRepository,
)
from game.results.spool import SPOOL_NAME

#: The environment variable that names the store when ``--store`` is not given.
ENV_STORE = "CRISIS_SIM_STORE"

__all__ = ["DB_NAME", "ENV_DATA_DIR", "ENV_STORE", "SCHEMA_VERSION", "SESSION_COLUMNS", "STATUSES", "Amendment", "Answer", "Database", "Note",
           "ResultStore", "StoreError", "StoredSession", "data_dir", "open_store", "pack_log",
           "unpack_log", "utc_now"]


class ResultStore(ImportRepository, NotesRepository, AnswersRepository, WorkshopsRepository, RoundsRepository,
                  Database):
    """The results database with all its repositories (see :class:`Database` for the arguments).

    Never raises from the game's write paths when called through :meth:`safely`; reading and
    the command line's operations raise :class:`StoreError`.
    """

    @classmethod
    def open(cls, given_dir: str | Path | None = None, store: str | Path | None = None, **kwargs: Any) -> ResultStore:
        """The store named by ``--store`` (or ``$CRISIS_SIM_STORE``), else the SQLite file in the
        data folder (``--data-dir`` or the user's data folder): see :func:`open_store`."""
        return open_store(store, given_dir, **kwargs)


def open_store(url: str | Path | None = None, given_dir: str | Path | None = None, **kwargs: Any) -> ResultStore:
    """Open the results store, never raising (see :attr:`ResultStore.problem`).

    Args:
        url: ``postgresql://...`` for an organisation's server (what cannot be sent there is
            kept in the data folder's spool); a file path for a SQLite file; None for
            ``$CRISIS_SIM_STORE``, else ``results.db`` in the data folder.
        given_dir: The data folder (``--data-dir``).
        kwargs: ``now``, ``durable``, ``read_only`` (see :class:`Database`).
    """
    if url is None or url == "":
        url = os.environ.get(ENV_STORE) or None
    folder = data_dir(given_dir)
    # postgres.py builds on ResultStore (this module), so it is imported here, not above; psycopg
    # itself loads only when a server is used.
    from game.results.postgres import PostgresStore, is_url

    if is_url(url):

        return PostgresStore(str(url), spool=folder / SPOOL_NAME, **kwargs)
    if url is not None:
        text = str(url)
        path = Path(text.removeprefix("sqlite://") if text.startswith("sqlite://") else text).expanduser()
        return ResultStore(path / DB_NAME if path.is_dir() else path, **kwargs)
    return ResultStore(folder / DB_NAME, **kwargs)
