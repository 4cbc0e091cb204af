"""The repositories of the results store: rounds (with their logs and decisions), observer notes,
reflection answers and workshops, each a set of methods on top of :class:`Database`.

Every public method raises :class:`StoreError` and nothing else (a SQLite error is worded as
the trainer would understand it), so a front end needs one ``except``.
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from game.results.database import Database, StoreError, _pid_alive, pack_log, unpack_log
from game.results.dialect import upsert

STATUSES = ("running", "finished", "interrupted", "abandoned")
SESSION_COLUMNS = (
    "id", "team", "case_id", "case_title", "case_path", "case_sha256", "language", "seed", "workshop",
    "started_at", "ended_at", "status", "sim_t", "duration", "score", "breakdown", "ending", "ending_kind",
    "questions", "case_info", "machine", "pid", "origin",
)
_SUMMARY = ", ".join(SESSION_COLUMNS)
_SESSION_DATA = upsert("session_data", ("id", "result", "log"), ("id",))
_ANSWER = upsert("answers", ("session", "question", "text", "answer", "answered_at"), ("session", "question"))


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
class Amendment:
    """A person's change to the findings of a finished round (a facilitator's override after its end).

    Attributes:
        target: The decision answered in writing, or ``post:ID`` for a written reply to a post.
        change: What the override said: ``strategy``, ``key_points`` and ``red_lines`` as given.
        score_before: The round's score before this change (the first one's is the original score).
    """

    seq: int
    changed_at: str
    changed_by: str
    target: str
    change: dict[str, Any]
    score_before: float | None
    score_after: float | None


def override_target(override: dict[str, Any]) -> str:
    """What an override input changes: its decision, or ``post:ID`` for a written reply."""
    return str(override["decision"]) if override.get("decision") else f"post:{override.get('post')}"


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




_Repo = TypeVar("_Repo", bound=type)


def _store_errors(cls: _Repo) -> _Repo:
    """Make every public method of a repository raise :class:`StoreError` for a driver's error."""
    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: Database, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except self.errors as exc:
                raise StoreError(self._explain(exc)) from exc
        return guarded

    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_"):
            setattr(cls, name, wrap(value))
    return cls


@_store_errors
class RoundsRepository(Database):
    """Rounds: created when their clock starts, their log lines as they come, their end."""

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
                 json.dumps(case_info or {}, ensure_ascii=False), self.machine, self.writer_pid()),
            )
        return sid

    def append_lines(self, session_id: str, first_seq: int, lines: Sequence[str], sim_t: int | None,
                     replace: bool = False, sync: bool = True) -> None:
        """Add log lines to a running round (``replace``: its lines are these, from a rebuild).

        ``sync=False`` when the lines hold no input: a replay makes them again, so their commit
        need not wait for the disk (see :meth:`transaction`).
        """
        with self.transaction(sync=sync) as conn:
            if replace:
                conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                             [(session_id, first_seq + i, line) for i, line in enumerate(lines)])
            if sim_t is not None:
                conn.execute(f"UPDATE sessions SET sim_t = {self.dialect.greatest}(sim_t, ?) WHERE id = ?",
                             (sim_t, session_id))

    def replace_lines(self, session_id: str, lines: Sequence[str], sim_t: int | None) -> None:
        """A resumed round: its lines become those of the rebuild, and this process plays it."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                             [(session_id, i, line) for i, line in enumerate(lines)])
            conn.execute("UPDATE sessions SET status = 'running', machine = ?, pid = ?, ended_at = NULL, "
                         "sim_t = coalesce(?, sim_t) WHERE id = ?", (self.machine, self.writer_pid(), sim_t, session_id))

    def claim(self, session_id: str) -> None:
        """This process now plays the round (a resume)."""
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET status = 'running', machine = ?, pid = ?, ended_at = NULL "
                         "WHERE id = ?", (self.machine, self.writer_pid(), session_id))

    def finish(self, session_id: str, result: dict[str, Any], tail: Sequence[str] = (), first_seq: int = 0,
               sim_t: int | None = None) -> None:
        """Store a round that ended: its result, decisions and whole log, in one transaction."""
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is not None and row[0] == "finished":
                return  # stored already (a spool sent twice): its packed log must not be replaced
            lines = self._lines(conn, session_id) + list(tail)
            self._write_decisions(conn, session_id, result, lines)
            conn.execute(
                "UPDATE sessions SET status = 'finished', ended_at = ?, score = ?, breakdown = ?, ending = ?, "
                "ending_kind = ?, sim_t = coalesce(?, sim_t), pid = NULL WHERE id = ?",
                (self.now(), result["score"], json.dumps(result["breakdown"]), result["ending"]["id"],
                 result["ending"].get("kind"), sim_t, session_id),
            )
            conn.execute(_SESSION_DATA, (session_id, json.dumps(result, ensure_ascii=False),
                                         pack_log("\n".join(lines) + "\n")))
            conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))

    def amend(self, session_id: str, lines: Sequence[str], result: dict[str, Any],
              overrides: Sequence[dict[str, Any]]) -> None:
        """A finished round corrected by a person after its end, in one transaction: its log gets
        ``lines`` (the override inputs and the new result line), its score, breakdown, result and
        decisions become ``result``'s (so rankings follow), and each override is an amendment
        with who made it, when, and the score before and after.

        Sent twice (a spool sent again), the second time changes nothing.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT status, score FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise StoreError(f"no round {session_id!r} in {self.where}")
            if row[0] != "finished":
                raise StoreError(f"round {session_id[:8]} is {row[0]}: only a finished round is corrected after its end")
            data = conn.execute("SELECT log FROM session_data WHERE id = ?", (session_id,)).fetchone()
            text = unpack_log(data[0] if data else None)
            tail = "\n".join(lines) + "\n"
            if not lines or text.endswith(tail):
                return
            text = (text if not text or text.endswith("\n") else text + "\n") + tail
            self._write_decisions(conn, session_id, result, text.splitlines())
            conn.execute("UPDATE sessions SET score = ?, breakdown = ?, ending = ?, ending_kind = ? WHERE id = ?",
                         (result["score"], json.dumps(result["breakdown"]), result["ending"]["id"],
                          result["ending"].get("kind"), session_id))
            conn.execute(_SESSION_DATA, (session_id, json.dumps(result, ensure_ascii=False), pack_log(text)))
            last = conn.execute("SELECT max(seq) FROM amendments WHERE session = ?", (session_id,)).fetchone()
            seq = 0 if last[0] is None else last[0] + 1
            for offset, override in enumerate(overrides):
                change = {k: override[k] for k in ("strategy", "key_points", "red_lines") if override.get(k) is not None}
                conn.execute("INSERT INTO amendments (session, seq, changed_at, changed_by, target, change, score_before, "
                             "score_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (session_id, seq + offset, self.now(), str(override.get("by") or ""), override_target(override),
                              json.dumps(change, ensure_ascii=False, sort_keys=True), row[1], result["score"]))

    def amendments(self, session_id: str) -> list[Amendment]:
        """The changes people made to a finished round's findings, oldest first."""
        rows = self._need().execute(
            "SELECT seq, changed_at, changed_by, target, change, score_before, score_after FROM amendments "
            "WHERE session = ? ORDER BY seq", (session_id,)).fetchall()
        return [Amendment(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    def original_score(self, session_id: str) -> float | None:
        """The score the round ended with, before any person changed its findings (None: unchanged)."""
        row = self._need().execute("SELECT score_before FROM amendments WHERE session = ? AND seq = 0",
                                   (session_id,)).fetchone()
        return None if row is None else row[0]

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
                    conn.execute(_SESSION_DATA, (session_id, None, packed))
                conn.execute("DELETE FROM log_lines WHERE session = ?", (session_id,))
            conn.execute(
                "UPDATE sessions SET status = ?, ended_at = coalesce(ended_at, ?), pid = NULL, "
                "sim_t = coalesce(?, sim_t) WHERE id = ? AND status != 'finished'",
                (status, self.now(), sim_t, session_id),
            )

    def _next_seq(self, conn: Any, session_id: str) -> int:
        row = conn.execute("SELECT max(seq) FROM log_lines WHERE session = ?", (session_id,)).fetchone()
        return 0 if row[0] is None else row[0] + 1

    def next_seq(self, session_id: str) -> int:
        return self._next_seq(self._need(), session_id)

    @staticmethod
    def _lines(conn: Any, session_id: str) -> list[str]:
        return [r[0] for r in conn.execute("SELECT line FROM log_lines WHERE session = ? ORDER BY seq",
                                           (session_id,))]

    def _write_decisions(self, conn: Any, session_id: str, result: dict[str, Any],
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
            raise StoreError(f"no round {session_id!r} in {self.where}")
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
            raise StoreError(f"no {'finished ' if finished else ''}round{who} in {self.where}")
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
                                  ("amendments", "session"),
                                  ("answers", "session"), ("session_data", "id"), ("sessions", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (session_id,))

    def set_team(self, session_id: str, team: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE sessions SET team = ? WHERE id = ?", (team, session_id))


@_store_errors
class NotesRepository(Database):
    """An observer's notes, at a simulated time of a round."""

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


@_store_errors
class AnswersRepository(Database):
    """Answers to a case's reflection questions, one per question and round."""

    def answer(self, session_id: str, question: str, text: str, answer: str) -> None:
        """Store (or replace) the answer to one reflection question; an empty answer removes it."""
        with self.transaction() as conn:
            if answer.strip():
                conn.execute(_ANSWER, (session_id, question, text, answer.strip(), self.now()))
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


@_store_errors
class ImportRepository(RoundsRepository):
    """Whole rounds exported on another machine, taken in (``workshop import``, ``store copy``)."""

    def import_session(self, row: dict[str, Any], log_text: str, notes: Iterable[dict[str, Any]],
                       answers: Iterable[dict[str, Any]], origin: str, *, conn: Any,
                       amendments: Iterable[dict[str, Any]] = ()) -> bool:
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
        conn.execute(_SESSION_DATA, (row["id"], result, pack_log(log_text)))
        if row.get("result"):
            result = row["result"] if isinstance(row["result"], dict) else json.loads(row["result"])
            self._write_decisions(conn, row["id"], result, log_text.splitlines())
        for seq, note in enumerate(notes):
            conn.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
                         (row["id"], seq, int(note["t"]), str(note["text"]), str(note.get("written_at", ""))))
        for a in answers:
            conn.execute(_ANSWER, (row["id"], str(a["question"]), str(a.get("text", "")), str(a["answer"]),
                          str(a.get("answered_at", ""))))
        for seq, a in enumerate(amendments):  # who changed the findings, when, and the score before
            conn.execute("INSERT INTO amendments (session, seq, changed_at, changed_by, target, change, score_before, "
                         "score_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (row["id"], seq, str(a.get("changed_at", "")), str(a.get("changed_by", "")), str(a["target"]),
                          json.dumps(a.get("change") or {}, ensure_ascii=False, sort_keys=True),
                          a.get("score_before"), a.get("score_after")))
        return True


@_store_errors
class WorkshopsRepository(Database):
    """Workshops (a name unique within an organisation, a case) and their teams, in order."""

    def create_workshop(self, name: str, case_id: str, teams: Sequence[str], case_path: str | None = None,
                        organisation: str = "") -> str:
        """A new workshop; returns its id (a :class:`StoreError` if the name is taken)."""
        wid = uuid.uuid4().hex
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM workshops WHERE organisation = ? AND name = ?",
                            (organisation, name)).fetchone():
                raise StoreError(f"there is already a workshop called {name!r}")
            conn.execute("INSERT INTO workshops (id, organisation, name, case_id, case_path, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (wid, organisation, name, case_id, case_path, self.now()))
            self._add_workshop_teams(conn, wid, teams)
        return wid

    def add_workshop_teams(self, workshop_id: str, teams: Iterable[str]) -> None:
        with self.transaction() as conn:
            self._add_workshop_teams(conn, workshop_id, teams)

    @staticmethod
    def _add_workshop_teams(conn: Any, workshop_id: str, teams: Iterable[str]) -> None:
        row = conn.execute("SELECT max(position) FROM workshop_teams WHERE workshop = ?", (workshop_id,)).fetchone()
        position = -1 if row[0] is None else row[0]
        for team in teams:
            if not conn.execute("SELECT 1 FROM workshop_teams WHERE workshop = ? AND team = ?",
                                (workshop_id, team)).fetchone():
                position += 1
                conn.execute("INSERT INTO workshop_teams (workshop, team, position) VALUES (?, ?, ?)",
                             (workshop_id, team, position))

    def workshop_row(self, name_or_id: str) -> tuple[tuple[Any, ...], tuple[str, ...]]:
        """``(id, name, case_id, case_path, created_at)`` and the teams of a workshop."""
        conn = self._need()
        row = conn.execute("SELECT id, name, case_id, case_path, created_at FROM workshops WHERE name = ? OR id = ?",
                           (name_or_id, name_or_id)).fetchone()
        if row is None:
            raise StoreError(f"no workshop called {name_or_id!r}")
        teams = tuple(r[0] for r in conn.execute(
            "SELECT team FROM workshop_teams WHERE workshop = ? ORDER BY position", (row[0],)))
        return tuple(row), teams

    def workshop_ids(self) -> list[str]:
        return [r[0] for r in self._need().execute("SELECT id FROM workshops ORDER BY created_at DESC, name")]
