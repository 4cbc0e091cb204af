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
moved aside and a new one started).
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

SCHEMA_VERSION = 1
DB_NAME = "results.db"
ENV_DATA_DIR = "CRISIS_SIM_DATA_DIR"
STATUSES = ("running", "finished", "interrupted", "abandoned")
BUSY_TIMEOUT_MS = 2000

_SCHEMA = """
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

-- The heavy parts of a round (its full result and its packed log) live apart, so that listing
-- and ranking thousands of rounds reads small rows.
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
) WITHOUT ROWID;
"""

SESSION_COLUMNS = (
    "id", "team", "case_id", "case_title", "case_path", "case_sha256", "language", "seed", "workshop",
    "started_at", "ended_at", "status", "sim_t", "duration", "score", "breakdown", "ending", "ending_kind",
    "questions", "case_info", "machine", "pid", "origin",
)
_SUMMARY = ", ".join(SESSION_COLUMNS)


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


@dataclass(frozen=True, slots=True)
class StoredSession:
    """One row of ``sessions``, with its JSON columns decoded."""

    id: str
    team: str
    case_id: str
    case_title: str
    case_path: str | None
    case_sha256: str | None
    language: str
    seed: int
    workshop: str | None
    started_at: str
    ended_at: str | None
    status: str
    sim_t: int
    duration: int | None
    score: float | None
    breakdown: dict[str, float] = field(default_factory=dict)
    ending: str | None = None
    ending_kind: str | None = None
    result: dict[str, Any] | None = None
    questions: list[dict[str, str]] = field(default_factory=list)
    case_info: dict[str, Any] = field(default_factory=dict)
    machine: str | None = None
    pid: int | None = None
    origin: str = "local"

    @classmethod
    def from_row(cls, row: Sequence[Any], result: str | None = None) -> StoredSession:
        values = dict(zip(SESSION_COLUMNS, row))
        values["breakdown"] = json.loads(values["breakdown"]) if values["breakdown"] else {}
        values["result"] = json.loads(result) if result else None
        values["questions"] = json.loads(values["questions"]) if values["questions"] else []
        values["case_info"] = json.loads(values["case_info"]) if values["case_info"] else {}
        return cls(**values)

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True, slots=True)
class Note:
    t: int
    text: str
    written_at: str


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    answer: str
    answered_at: str


_COLUMNS: dict[str, set[str]] = {}


def _missing_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables of the format that the database lacks, or that lack a column."""
    if not _COLUMNS:
        model = sqlite3.connect(":memory:")
        model.executescript(_SCHEMA)
        for (table,) in model.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            _COLUMNS[table] = {r[1] for r in model.execute(f"PRAGMA table_info({table})")}
        model.close()
    return [table for table, columns in _COLUMNS.items()
            if not columns <= {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}]


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


class ResultStore:
    """The results database.

    Args:
        path: The SQLite file (created with its folder if missing).
        now: Wall clock for the timestamps (tests pass a fixed one).
        durable: Commit with a full sync, so a machine that loses power loses no commit (the
            benchmark turns it off to measure the rest).

    Never raises from the game's write paths: on trouble, :attr:`problem` says what happened
    and :attr:`writable` turns false when saving has to stop. Reading and the command line's
    operations raise :class:`StoreError`.
    """

    def __init__(self, path: str | Path, *, now: Callable[[], str] = utc_now, durable: bool = True,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        self.now = now
        self.problem: str | None = None
        self.moved_aside: Path | None = None
        self.writable = not read_only
        self.machine = platform.node() or "unknown"
        self._durable = durable
        self.conn: sqlite3.Connection | None = None
        self._open()

    # --- opening, and what to do when the file is not usable -------------------------------

    @classmethod
    def open(cls, given_dir: str | Path | None = None, **kwargs: Any) -> ResultStore:
        """The store in the data folder (``--data-dir`` or the user's data folder)."""
        return cls(data_dir(given_dir) / DB_NAME, **kwargs)

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
                    raise StoreError(f"{self.path} was written by a newer Crisis Sim (format {version}); "
                                     "update the game to save results here")
                if version < SCHEMA_VERSION:
                    conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};COMMIT;")
            elif version == 0:
                raise StoreError(f"{self.path} is read-only and holds no results yet")
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
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- low level ---------------------------------------------------------------------

    def _need(self, write: bool = False) -> sqlite3.Connection:
        if self.conn is None:
            raise StoreError(self.problem or f"{self.path}: no results database")
        if write and not self.writable:
            raise StoreError(self.problem or f"{self.path} is read-only")
        return self.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or nothing."""
        conn = self._need(write=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(self._explain(exc)) from exc
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

    def _explain(self, exc: sqlite3.Error) -> str:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return f"{self.path} is locked by another program"
        if "readonly" in text or "read-only" in text:
            self.writable = False
            return f"{self.path} is read-only"
        return f"{self.path}: {text}"

    def safely(self, action: Callable[[], Any], what: str) -> Any:
        """Run a write for the game: on failure, note the problem and carry on (returns None)."""
        try:
            result = action()
        except (StoreError, sqlite3.Error) as exc:
            message = exc.args[0] if isinstance(exc, StoreError) else self._explain(exc)
            self.problem = f"{what}: {message}"
            return None
        return result

    # --- sessions ----------------------------------------------------------------------

    def create_session(self, *, case_id: str, case_title: str, language: str, seed: int, team: str = "",
                       case_path: str | None = None, case_sha256: str | None = None, workshop: str | None = None,
                       duration: int | None = None, questions: Sequence[dict[str, str]] = (),
                       case_info: dict[str, Any] | None = None, session_id: str | None = None) -> str:
        """Register a round whose clock is starting; returns its id."""
        sid = session_id or uuid.uuid4().hex
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions (id, team, case_id, case_title, case_path, case_sha256, language, seed, "
                "workshop, started_at, status, duration, questions, case_info, machine, pid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)",
                (sid, team, case_id, case_title, case_path, case_sha256, language, seed, workshop, self.now(),
                 duration, json.dumps(list(questions), ensure_ascii=False),
                 json.dumps(case_info or {}, ensure_ascii=False), self.machine, os.getpid()),
            )
        return sid

    def append_lines(self, session_id: str, first_seq: int, lines: Sequence[str], sim_t: int | None,
                     replace: bool = False) -> None:
        """Add log lines to a running round (``replace``: its lines are these, from a rebuild)."""
        with self.transaction() as conn:
            if replace:
                conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                             [(session_id, first_seq + i, line) for i, line in enumerate(lines)])
            if sim_t is not None:
                conn.execute("UPDATE sessions SET sim_t = max(sim_t, ?) WHERE id = ?", (sim_t, session_id))

    def replace_lines(self, session_id: str, lines: Sequence[str], sim_t: int | None) -> None:
        """A resumed round: its lines become those of the rebuild, and this process plays it."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                             [(session_id, i, line) for i, line in enumerate(lines)])
            conn.execute("UPDATE sessions SET status = 'running', machine = ?, pid = ?, ended_at = NULL, "
                         "sim_t = coalesce(?, sim_t) WHERE id = ?", (self.machine, os.getpid(), sim_t, session_id))

    def claim(self, session_id: str) -> None:
        """This process now plays the round (a resume)."""
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET status = 'running', machine = ?, pid = ?, ended_at = NULL "
                         "WHERE id = ?", (self.machine, os.getpid(), session_id))

    def finish(self, session_id: str, result: dict[str, Any], tail: Sequence[str] = (), first_seq: int = 0,
               sim_t: int | None = None) -> None:
        """Store a round that ended: its result, decisions and whole log, in one transaction."""
        with self.transaction() as conn:
            lines = self._lines(conn, session_id) + list(tail)
            self._write_decisions(conn, session_id, result, lines)
            conn.execute(
                "UPDATE sessions SET status = 'finished', ended_at = ?, score = ?, breakdown = ?, ending = ?, "
                "ending_kind = ?, sim_t = coalesce(?, sim_t), pid = NULL WHERE id = ?",
                (self.now(), result["score"], json.dumps(result["breakdown"]), result["ending"]["id"],
                 result["ending"].get("kind"), sim_t, session_id),
            )
            conn.execute("INSERT OR REPLACE INTO session_data (id, result, log) VALUES (?, ?, ?)",
                         (session_id, json.dumps(result, ensure_ascii=False), pack_log("\n".join(lines) + "\n")))
            conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))

    def close_unfinished(self, session_id: str, status: str, tail: Sequence[str] = (), sim_t: int | None = None) -> None:
        """Record a round that stopped before its end as ``interrupted`` or ``abandoned``.

        An interrupted round keeps its loose lines (it may be resumed); an abandoned one has
        its log packed like a finished one.
        """
        if status not in ("interrupted", "abandoned"):
            raise ValueError(status)
        with self.transaction() as conn:
            if tail:
                start = self._next_seq(conn, session_id)
                conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                                 [(session_id, start + i, line) for i, line in enumerate(tail)])
            packed = None
            if status == "abandoned":
                lines = self._lines(conn, session_id)
                if lines:  # (none: already packed, an interrupted round abandoned twice)
                    packed = pack_log("\n".join(lines) + "\n")
                    conn.execute("INSERT OR REPLACE INTO session_data (id, result, log) VALUES (?, NULL, ?)",
                                 (session_id, packed))
                conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.execute(
                "UPDATE sessions SET status = ?, ended_at = coalesce(ended_at, ?), pid = NULL, "
                "sim_t = coalesce(?, sim_t) WHERE id = ? AND status != 'finished'",
                (status, self.now(), sim_t, session_id),
            )

    def _next_seq(self, conn: sqlite3.Connection, session_id: str) -> int:
        row = conn.execute("SELECT max(seq) FROM log_lines WHERE session = ?", (session_id,)).fetchone()
        return 0 if row[0] is None else row[0] + 1

    def next_seq(self, session_id: str) -> int:
        return self._next_seq(self._need(), session_id)

    @staticmethod
    def _lines(conn: sqlite3.Connection, session_id: str) -> list[str]:
        return [r[0] for r in conn.execute("SELECT line FROM log_lines WHERE session = ? ORDER BY seq",
                                           (session_id,))]

    def _write_decisions(self, conn: sqlite3.Connection, session_id: str, result: dict[str, Any],
                         lines: Sequence[str]) -> None:
        opened: dict[str, int] = {}
        for line in lines:
            if '"decision_opened"' in line:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                opened.setdefault(record["decision"], record["t"])
        conn.execute("DELETE FROM decisions WHERE session = ?", (session_id,))
        rows = []
        for seq, d in enumerate(result.get("decisions", [])):
            at = opened.get(d["decision"])
            rows.append((session_id, seq, d["decision"], d.get("title", ""), d.get("option"), d.get("label", ""),
                         d.get("strategy"), at, None if at is None else at + d["seconds_taken"], d["seconds_taken"],
                         d.get("fit"), json.dumps(d["better"], ensure_ascii=False) if d.get("better") else None))
        conn.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def session(self, session_id: str) -> StoredSession:
        """A round by its id or by a unique beginning of it (as ``crisis-sim history`` prints it)."""
        conn = self._need()
        rows = conn.execute(f"SELECT {_SUMMARY} FROM sessions WHERE id = ?", (session_id,)).fetchall()
        if not rows and session_id and all(c in "0123456789abcdef" for c in session_id.lower()):
            rows = conn.execute(f"SELECT {_SUMMARY} FROM sessions WHERE id LIKE ? LIMIT 2",
                                (session_id.lower() + "%",)).fetchall()
        if not rows:
            raise StoreError(f"no round {session_id!r} in {self.path}")
        if len(rows) > 1:
            raise StoreError(f"{session_id!r} names more than one round: give more of its id")
        return StoredSession.from_row(rows[0], self._result(rows[0][0]))

    def _result(self, session_id: str) -> str | None:
        row = self._need().execute("SELECT result FROM session_data WHERE id = ?", (session_id,)).fetchone()
        return row[0] if row else None

    def sessions(self, *, team: str | None = None, case_id: str | None = None, workshop: str | None = None,
                 status: str | Iterable[str] | None = None, limit: int | None = None,
                 newest_first: bool = True, with_result: bool = False) -> list[StoredSession]:
        """Rounds matching every filter given (``with_result``: with their full results, slower)."""
        where, args = [], []
        if team is not None:
            where.append("team = ?")
            args.append(team)
        if case_id is not None:
            where.append("case_id = ?")
            args.append(case_id)
        if workshop is not None:
            where.append("workshop = ?")
            args.append(workshop)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            args += statuses
        sql = f"SELECT {_SUMMARY} FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY started_at {'DESC' if newest_first else 'ASC'}, rowid {'DESC' if newest_first else 'ASC'}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._need().execute(sql, args).fetchall()
        return [StoredSession.from_row(r, self._result(r[0]) if with_result else None) for r in rows]

    def last(self, *, team: str | None = None, finished: bool = True) -> StoredSession:
        rows = self.sessions(team=team, status="finished" if finished else None, limit=1, with_result=True)
        if not rows:
            who = f" for team {team!r}" if team is not None else ""
            raise StoreError(f"no {'finished ' if finished else ''}round{who} in {self.path}")
        return rows[0]

    def log_text(self, session_id: str) -> str:
        """The session log (JSON lines) of a round, wherever it is kept."""
        conn = self._need()
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(f"no round {session_id!r}")
        row = conn.execute("SELECT log FROM session_data WHERE id = ?", (session_id,)).fetchone()
        lines = self._lines(conn, session_id)
        packed = unpack_log(row[0] if row else None)
        if lines:
            return packed + "\n".join(lines) + "\n"
        return packed

    def log_records(self, session_id: str) -> list[dict[str, Any]]:
        records = []
        for line in self.log_text(session_id).splitlines():
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn line from an imported file
        return records

    def decisions(self, session_id: str) -> list[dict[str, Any]]:
        cols = ("decision", "title", "option", "label", "strategy", "opened_at", "decided_at", "seconds_taken",
                "fit", "better")
        rows = self._need().execute(f"SELECT {', '.join(cols)} FROM decisions WHERE session = ? ORDER BY seq",
                                    (session_id,))
        out = []
        for row in rows:
            item = dict(zip(cols, row))
            item["better"] = json.loads(item["better"]) if item["better"] else None
            out.append(item)
        return out

    def interrupted(self) -> list[StoredSession]:
        """Rounds that stopped before their end and can be resumed: closed mid-round, or whose
        process died (``running`` on this machine with no live process, or on another machine)."""
        out = []
        for s in self.sessions(status=("running", "interrupted")):
            if s.status == "running" and s.machine == self.machine and s.pid is not None and \
                    s.pid != os.getpid() and _pid_alive(s.pid):
                continue  # another window on this machine is playing it right now
            if s.status == "running" and s.pid == os.getpid():
                continue
            out.append(s)
        return out

    def abandon(self, session_id: str) -> None:
        self.close_unfinished(session_id, "abandoned")

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as conn:
            for table, column in (("log_lines", "session"), ("decisions", "session"), ("notes", "session"),
                                  ("answers", "session"), ("session_data", "id"), ("sessions", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (session_id,))

    def set_team(self, session_id: str, team: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET team = ? WHERE id = ?", (team, session_id))

    # --- observer notes and reflection answers ----------------------------------------

    def add_note(self, session_id: str, t: int, text: str) -> None:
        """A facilitator's note at simulated time ``t`` (stored at once)."""
        text = text.strip()
        if not text:
            return
        with self.transaction() as conn:
            row = conn.execute("SELECT max(seq) FROM notes WHERE session = ?", (session_id,)).fetchone()
            seq = 0 if row[0] is None else row[0] + 1
            conn.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?)", (session_id, seq, int(t), text, self.now()))

    def notes(self, session_id: str) -> list[Note]:
        return [Note(*r) for r in self._need().execute(
            "SELECT t, text, written_at FROM notes WHERE session = ? ORDER BY t, seq", (session_id,))]

    def answer(self, session_id: str, question: str, text: str, answer: str) -> None:
        """Store (or replace) the answer to one reflection question; an empty answer removes it."""
        with self.transaction() as conn:
            if answer.strip():
                conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                             (session_id, question, text, answer.strip(), self.now()))
            else:
                conn.execute("DELETE FROM answers WHERE session = ? AND question = ?", (session_id, question))

    def answers(self, session_id: str) -> list[Answer]:
        """The answers given, in the order of the round's questions (others after, by time)."""
        found = [Answer(*r) for r in self._need().execute(
            "SELECT question, text, answer, answered_at FROM answers WHERE session = ? ORDER BY answered_at, question",
            (session_id,))]
        row = self._need().execute("SELECT questions FROM sessions WHERE id = ?", (session_id,)).fetchone()
        order = {q["id"]: i for i, q in enumerate(json.loads(row[0]) if row and row[0] else [])}
        return sorted(found, key=lambda a: order.get(a.question, len(order)))

    # --- whole-row import (workshops gather rounds from other machines) ----------------

    def import_session(self, row: dict[str, Any], log_text: str, notes: Iterable[dict[str, Any]],
                       answers: Iterable[dict[str, Any]], origin: str, *, conn: sqlite3.Connection) -> bool:
        """Insert a round exported elsewhere inside the caller's transaction; False if already here."""
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (row["id"],)).fetchone():
            return False
        values = {c: row.get(c) for c in SESSION_COLUMNS}
        values["origin"] = origin
        values["pid"] = None
        if values["breakdown"] is not None and not isinstance(values["breakdown"], str):
            values["breakdown"] = json.dumps(values["breakdown"], ensure_ascii=False)
        result = row.get("result")
        if result is not None and not isinstance(result, str):
            result = json.dumps(result, ensure_ascii=False)
        values["questions"] = json.dumps(row.get("questions") or [], ensure_ascii=False)
        values["case_info"] = json.dumps(row.get("case_info") or {}, ensure_ascii=False)
        values["team"] = values["team"] or ""
        values["sim_t"] = values["sim_t"] or 0
        conn.execute(f"INSERT INTO sessions ({_SUMMARY}) VALUES ({', '.join('?' * len(SESSION_COLUMNS))})",
                     [values[c] for c in SESSION_COLUMNS])
        conn.execute("INSERT OR REPLACE INTO session_data (id, result, log) VALUES (?, ?, ?)",
                     (row["id"], result, pack_log(log_text)))
        if row.get("result"):
            result = row["result"] if isinstance(row["result"], dict) else json.loads(row["result"])
            self._write_decisions(conn, row["id"], result, log_text.splitlines())
        for seq, note in enumerate(notes):
            conn.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
                         (row["id"], seq, int(note["t"]), str(note["text"]), str(note.get("written_at", ""))))
        for a in answers:
            conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                         (row["id"], str(a["question"]), str(a.get("text", "")), str(a["answer"]),
                          str(a.get("answered_at", ""))))
        return True
