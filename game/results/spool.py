"""What was played while the results server could not be reached, kept on this machine.

A :class:`Spool` is a small SQLite file in the data folder (``results-spool.db``). Each write
the game makes to a PostgreSQL store that cannot be reached (a round starting, its log lines,
its end, a note, an answer) is added to it as one call, committed at once with a full sync, so
a process killed while the server is away loses nothing either. When the server is back (the
next write after a retry interval, or the next time a store on that server is opened) the calls
are sent again in the order they were made, each removed once the server has it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPOOL_NAME = "results-spool.db"

_TABLE = """
CREATE TABLE IF NOT EXISTS spooled (
    n      INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    method TEXT NOT NULL,
    call   TEXT NOT NULL,
    at     TEXT NOT NULL,
    pid    INTEGER NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class SpooledCall:
    """One write waiting for the server: the store method, its arguments, when and by whom."""

    n: int
    method: str
    args: list[Any]
    kwargs: dict[str, Any]
    at: str
    pid: int


class Spool:
    """The calls waiting for one server (``target``, the store's address without its password).

    Args:
        path: The spool file (created on the first call kept).
        target: Which server the calls are for; one file serves every server used on the machine.
    """

    def __init__(self, path: Path, target: str) -> None:
        self.path = path
        self.target = target
        self._conn: sqlite3.Connection | None = None

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not create and not self.path.exists():
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")  # a call sent is overwritten, not left in a free page
            conn.execute(_TABLE)
            self._conn = conn
        return self._conn

    def add(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], at: str, pid: int) -> None:
        """Keep one call (committed before this returns)."""
        conn = self._connect(create=True)
        assert conn is not None
        conn.execute("INSERT INTO spooled (target, method, call, at, pid) VALUES (?, ?, ?, ?, ?)",
                     (self.target, method, json.dumps({"args": list(args), "kwargs": kwargs}, ensure_ascii=False),
                      at, pid))

    def count(self) -> int:
        """How many calls wait for this server."""
        conn = self._connect(create=False)
        if conn is None:
            return 0
        return int(conn.execute("SELECT count(*) FROM spooled WHERE target = ?", (self.target,)).fetchone()[0])

    @contextmanager
    def sending(self) -> Iterator[Callable[[], SpooledCall | None]]:
        """Hold the spool while its calls are sent (so two processes never send one call twice);
        yields a function that hands over the oldest call left, removing the one handed before
        (the caller stores each before asking for the next)."""
        conn = self._connect(create=False)
        if conn is None:
            yield lambda: None
            return
        conn.execute("BEGIN IMMEDIATE")
        handed: list[int] = []

        def next_call() -> SpooledCall | None:
            if handed:
                conn.execute("DELETE FROM spooled WHERE n = ?", (handed.pop(),))
                conn.execute("COMMIT")  # the server has it: it is never sent again
                conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT n, method, call, at, pid FROM spooled WHERE target = ? ORDER BY n LIMIT 1",
                               (self.target,)).fetchone()
            if row is None:
                return None
            call = json.loads(row[2])
            handed.append(row[0])
            return SpooledCall(row[0], row[1], call["args"], call["kwargs"], row[3], row[4])

        try:
            yield next_call
        finally:
            conn.execute("COMMIT")

    def drop(self, n: int) -> None:
        """Forget a call the server refuses for good (it would block every call after it)."""
        conn = self._connect(create=False)
        if conn is not None:
            conn.execute("DELETE FROM spooled WHERE n = ?", (n,))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
