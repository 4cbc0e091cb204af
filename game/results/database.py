"""The results database itself: opening it, recovering from a file that is not usable, and the
migration ladder that brings a file of any earlier format up to this program's.

A file is never changed behind the trainer's back: before a migration the file is copied
beside itself (``results.db.v1-backup-<time>``), then each step runs in its own transaction and
sets ``PRAGMA user_version`` as its last statement, so a killed process leaves the file at one
step or the next, never between. A file written by a newer program is opened read-only: its
results can be read and reported, and this round is not saved there (the message says so).

The repositories (:mod:`game.results.repositories`) build on :class:`Database` and only ever
raise :class:`StoreError`.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar, Self

from game.results.dialect import SQLITE, Dialect

import platformdirs

DB_NAME = "results.db"
ENV_DATA_DIR = "CRISIS_SIM_DATA_DIR"
BUSY_TIMEOUT_MS = 2000


class StoreError(RuntimeError):
    """The store cannot do what was asked (the message says why, in the trainer's words)."""


def data_dir(given: str | Path | None = None) -> Path:
    """The folder the results live in: ``--data-dir``, else ``$CRISIS_SIM_DATA_DIR``, else the
    user's data folder for the game (found by platformdirs)."""
    if given:
        return Path(given).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("crisis-sim", appauthor=False))


def utc_now() -> str:
    """Wall-clock time as ISO 8601 UTC to the millisecond (the store's clock, never the engine's)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pack_log(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_log(blob: bytes | None) -> str:
    return zlib.decompress(blob).decode("utf-8") if blob else ""


# --- the migration ladder ---------------------------------------------------------------------
# MIGRATIONS[n] takes a file from format n to format n + 1. Never edit a step that has shipped:
# add one. Format 1 is the first released one (tests/data/stores/results-v1.sqlite was written
# by it); step 0 creates it in an empty file.

_V1 = """
CREATE TABLE IF NOT EXISTS sessions (
    id          TEXT PRIMARY KEY,
    team        TEXT NOT NULL DEFAULT '',
    case_id     TEXT NOT NULL,
    case_title  TEXT NOT NULL DEFAULT '',
    case_path   TEXT,
    case_sha256 TEXT,
    language    TEXT NOT NULL DEFAULT 'en',
    seed        INTEGER NOT NULL,
    workshop    TEXT,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'abandoned')),
    sim_t       INTEGER NOT NULL DEFAULT 0,
    duration    INTEGER,
    score       REAL,
    breakdown   TEXT,
    ending      TEXT,
    ending_kind TEXT,
    questions   TEXT,
    case_info   TEXT,
    machine     TEXT,
    pid         INTEGER,
    origin      TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX IF NOT EXISTS sessions_by_team ON sessions (team, case_id, started_at);
CREATE INDEX IF NOT EXISTS sessions_by_workshop ON sessions (workshop, status, team, score, ended_at);
CREATE INDEX IF NOT EXISTS sessions_by_case ON sessions (case_id, status, score);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions (started_at);
CREATE INDEX IF NOT EXISTS sessions_by_status ON sessions (status);
CREATE TABLE IF NOT EXISTS session_data (
    id     TEXT PRIMARY KEY,
    result TEXT,
    log    BLOB
);
CREATE TABLE IF NOT EXISTS log_lines (
    session TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decisions (
    session       TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    decision      TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    option        TEXT,
    label         TEXT NOT NULL DEFAULT '',
    strategy      TEXT,
    opened_at     INTEGER,
    decided_at    INTEGER,
    seconds_taken INTEGER,
    fit           REAL,
    better        TEXT,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS decisions_by_decision ON decisions (decision);
CREATE TABLE IF NOT EXISTS notes (
    session    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    t          INTEGER NOT NULL,
    text       TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS answers (
    session     TEXT NOT NULL,
    question    TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    answer      TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session, question)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS workshops (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    case_id    TEXT NOT NULL,
    case_path  TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workshop_teams (
    workshop TEXT NOT NULL,
    team     TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (workshop, team)
) WITHOUT ROWID
"""

# Format 2: a workshop belongs to an organisation ('' on a trainer's own laptop), and its name
# is unique within that organisation, so that one shared database can hold two departments'
# "Induction, March" (SQLite cannot drop a UNIQUE constraint, hence the rebuild).
_V2 = """
CREATE TABLE workshops_v2 (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    case_path    TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (organisation, name)
);
INSERT INTO workshops_v2 (id, organisation, name, case_id, case_path, created_at)
    SELECT id, '', name, case_id, case_path, created_at FROM workshops;
DROP TABLE workshops;
ALTER TABLE workshops_v2 RENAME TO workshops
"""


# Format 3: the facilitator's last word on a finished round (issue 11). An override made after
# the end amends the stored round: its log grows by the override and the new result, its score,
# breakdown and decisions become the new ones, and each change is a row here, with who made it
# and when (wall clock) and the score before and after, so the original score stays known.
_V3 = """
CREATE TABLE IF NOT EXISTS amendments (
    session      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL DEFAULT '',
    target       TEXT NOT NULL,
    change       TEXT NOT NULL,
    score_before REAL,
    score_after  REAL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


MIGRATIONS: tuple[Sequence[str], ...] = (_statements(_V1), _statements(_V2), _statements(_V3))
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS: dict[str, set[str]] = {}


def schema_columns() -> dict[str, set[str]]:
    """Every table of the current format with its columns (from the ladder run in memory)."""
    if not _COLUMNS:
        model = sqlite3.connect(":memory:", isolation_level=None)
        for steps in MIGRATIONS:
            for statement in steps:
                model.execute(statement)
        for (table,) in model.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            _COLUMNS[table] = {r[1] for r in model.execute(f"PRAGMA table_info({table})")}
        model.close()
    return _COLUMNS


def _missing_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables of the current format that the database lacks, or that lack a column."""
    return [table for table, columns in schema_columns().items()
            if not columns <= {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}]


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> list[int]:
    """Bring the file up to :data:`SCHEMA_VERSION`, one transaction per step; returns the steps run.

    Each step checks the version again inside its write transaction, so two programs opening
    the same old file at once migrate it once. An existing file (version 1 or more) is backed
    up first, when ``path`` is given.
    """
    done: list[int] = []
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return done
    if path is not None and version > 0:
        backup(conn, path, version)
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != step:
                conn.execute("ROLLBACK")
                continue  # another program ran this step meanwhile
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(step + 1)
    return done


def backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the whole file (consistently, with SQLite's backup API) before it is migrated."""
    target = path.with_name(f"{path.name}.v{version}-backup-{time.strftime('%Y%m%d-%H%M%S')}")
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to keep or send
    finally:
        copy.close()
    return target


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    except OSError:
        return False
    return True


class Database:
    """One SQLite results file, opened for the game.

    Args:
        path: The SQLite file (created with its folder if missing).
        now: Wall clock for the timestamps (tests pass a fixed one).
        durable: Commit with a full sync, so a machine that loses power loses no commit (the
            benchmark turns it off to measure the rest).
        read_only: Never write (reports and listings).

    Opening never raises: on trouble, :attr:`problem` says what happened and :attr:`writable`
    turns false when saving has to stop.

    :class:`game.results.postgres.PostgresStore` is the other backend: it overrides opening,
    the connection and the transactions, and keeps :attr:`dialect` for the few statements
    that differ.
    """

    dialect: ClassVar[Dialect] = SQLITE
    #: The errors of this backend's driver that the repositories turn into :class:`StoreError`.
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: str | Path, *, now: Callable[[], str] = utc_now, durable: bool = True,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        self.where = str(self.path)  # how messages name the store
        self.now = now
        self.pid_override: int | None = None
        self.problem: str | None = None
        self.moved_aside: Path | None = None
        self.migrated: list[int] = []
        self.writable = not read_only
        self.machine = platform.node() or "unknown"
        self._durable = durable
        self._behind: WalSync | None = None
        self.conn: sqlite3.Connection | None = None
        self._open()

    # --- opening, and what to do when the file is not usable -------------------------------

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._fail_open(f"cannot create the results folder {self.path.parent} ({exc.strerror or exc})")
            return
        exists = self.path.exists()
        if exists and (not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK)):
            self.writable = False
            self.problem = f"{self.path} is read-only: results can be read but this round will not be saved"
        elif not exists and not os.access(self.path.parent, os.W_OK):
            self._fail_open(f"{self.path.parent} is read-only: results will not be saved")
            return
        try:
            self._connect()
        except sqlite3.DatabaseError as exc:
            if self._damaged(exc):
                self._move_aside(exc)
            else:
                self._fail_open(f"cannot open {self.path} ({exc}): results will not be saved")

    def _connect(self) -> None:
        if self.writable:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if self.writable:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError:
                    pass  # another process holds it in another mode, or a filesystem without WAL: fine
                conn.execute(f"PRAGMA synchronous = {'FULL' if self._durable else 'OFF'}")
                conn.execute("PRAGMA foreign_keys = OFF")
            if version > SCHEMA_VERSION:
                # A newer program's file: read it (its tables only grew), never write to it.
                if self.writable:
                    conn.close()
                    conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                           isolation_level=None, check_same_thread=False)
                self.writable = False
                self.problem = (f"{self.path} was written by a newer Crisis Sim (format {version}, this one "
                                f"knows {SCHEMA_VERSION}): its results can be read, but this round will not "
                                "be saved there; update the game")
                self.conn = conn
                return
            if version == 0 and not self.writable:
                raise StoreError(f"{self.path} is read-only and holds no results yet")
            if version < SCHEMA_VERSION and self.writable:
                self.migrated = migrate(conn, self.path if version > 0 else None)
            elif version < SCHEMA_VERSION:
                # An older file we may not change: migrate a copy in memory and read that.
                memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
                conn.backup(memory)
                conn.close()
                conn = memory
                migrate(conn)
            missing = _missing_tables(conn)
            if missing:  # the format's number without its tables: a damaged file, not an empty one
                raise sqlite3.DatabaseError(f"its tables are missing or incomplete: {', '.join(missing)}")
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                # Another game holds the file: read what we can, save nothing this time.
                self.writable = False
                self.problem = f"{self.path} is locked by another program: results will not be saved"
                self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                            isolation_level=None, check_same_thread=False)
                return
            raise
        except StoreError as exc:
            conn.close()
            self._fail_open(str(exc))
            return
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    @staticmethod
    def _damaged(exc: sqlite3.DatabaseError) -> bool:
        text = str(exc).lower()
        return not isinstance(exc, sqlite3.OperationalError) or "malformed" in text or "not a database" in text

    def _move_aside(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            os.replace(self.path, target)
            for suffix in ("-wal", "-shm", "-journal"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    os.replace(extra, target.with_name(target.name + suffix))
        except OSError as move_error:
            self._fail_open(f"{self.path} is damaged ({exc}) and cannot be moved aside ({move_error}): "
                            "results will not be saved")
            return
        self.moved_aside = target
        self.problem = f"{self.path} was damaged ({exc}); it was moved to {target.name} and a new one started"
        try:
            self._connect()
        except sqlite3.DatabaseError as again:
            self._fail_open(f"cannot start a new {self.path} ({again}): results will not be saved")

    def _fail_open(self, message: str) -> None:
        self.problem = message
        self.writable = False
        self.conn = None

    @property
    def available(self) -> bool:
        """True when the file could be opened (for reading at least)."""
        return self.conn is not None

    def close(self) -> None:
        if self._behind is not None:
            self._behind.stop()
            self._behind = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def sync_behind(self) -> bool:
        """From now on a commit that must reach the disk does not wait for it on the caller's
        thread (the host's event loop, which serves every team): it is written to the
        write-ahead log at once, in order, so a killed process loses nothing, and a thread of its
        own syncs the log to the disk right after (:class:`WalSync`). A power cut may thus lose
        the commits of the last moment before it, no more. False (nothing changes) when the file
        is not a write-ahead log or commits are not durable anyway."""
        if self.conn is None or not self._durable or not self.writable or self._behind is not None:
            return self._behind is not None
        try:
            mode = str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        except sqlite3.Error:
            return False
        if mode != "wal":
            return False
        self._behind = WalSync(self.path.with_name(self.path.name + "-wal"))
        return True

    def synced(self, timeout: float = 10.0) -> bool:
        """Wait until every commit made so far is on the disk; True when it is."""
        return self._behind.wait(timeout) if self._behind is not None else True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def writer_pid(self) -> int:
        """The process that plays the rounds being written (another one when a spool is sent)."""
        return self.pid_override or os.getpid()

    # --- low level ---------------------------------------------------------------------

    def _need(self, write: bool = False) -> Any:
        if self.conn is None:
            raise StoreError(self.problem or f"{self.path}: no results database")
        if write and not self.writable:
            raise StoreError(self.problem or f"{self.path} is read-only")
        return self.conn

    @contextmanager
    def transaction(self, *, sync: bool = True) -> Iterator[Any]:
        """One write transaction: all of it is stored, or nothing.

        ``sync=False`` is for what a replay can make again (a round's event lines between two
        inputs): its commit does not wait for the disk (``synchronous = NORMAL`` on the
        write-ahead log). A killed process loses none of it; a power cut may lose such commits
        made after the last synced one, never an input, whose synced commit carries all before it.
        """
        conn = self._need(write=True)
        behind = self._behind if sync else None
        relaxed = (not sync or behind is not None) and self._durable
        try:
            if relaxed:
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(self.dialect.begin)
        except sqlite3.Error as exc:
            raise StoreError(self._explain(exc)) from exc
        try:
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise StoreError(self._explain(exc)) from exc
            if behind is not None:
                behind.request()
        finally:
            if relaxed:
                try:
                    conn.execute("PRAGMA synchronous = FULL")
                except sqlite3.Error:
                    pass

    def _explain(self, exc: Exception) -> str:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return f"{self.path} is locked by another program"
        if "readonly" in text or "read-only" in text:
            self.writable = False
            return f"{self.path} is read-only"
        return f"{self.path}: {text}"

    def safely(self, action: Callable[[], Any], what: str) -> Any:
        """Run a write for the game: on failure, note the problem and carry on (returns None)."""
        caught: tuple[type[Exception], ...] = (StoreError, *self.errors)
        try:
            result = action()
        except caught as exc:
            message = exc.args[0] if isinstance(exc, StoreError) else self._explain(exc)
            self.problem = f"{what}: {message}"
            return None
        return result



class WalSync:
    """A thread that syncs a write-ahead log to the disk after the commits asked of it.

    :meth:`request` (after each commit that must be durable) returns at once; the thread then
    calls ``fsync`` on the log file, which carries every commit written before it, so one sync
    may serve several commits made while the disk was busy. On Linux ``fsync`` acts on the file,
    whichever descriptor names it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.asked = 0
        self.done = 0
        self.failures = 0
        self._cv = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="results-wal-sync", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._cv:
            self.asked += 1
            self._cv.notify_all()

    def wait(self, timeout: float) -> bool:
        """Until every commit asked so far is synced (False after ``timeout`` seconds)."""
        with self._cv:
            target = self.asked
            return self._cv.wait_for(lambda: self.done >= target, timeout)

    def stop(self) -> None:
        """Sync what is asked, then end the thread."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        self._thread.join(10)

    def _run(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self.asked > self.done or self._stopping)
                if self.asked <= self.done and self._stopping:
                    return
                target = self.asked
            try:
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError:
                # No log file (just checkpointed away: its commits are in the database file,
                # which SQLite synced then) or a disk error: SQLite's own checkpoint syncs again.
                self.failures += 1
            with self._cv:
                self.done = target
                self._cv.notify_all()
