"""Keeping a round in the store while it is played, and resuming one that stopped.

:func:`begin` registers a round and gives the :class:`~game.engine.log.SessionLog` to hand
to the :class:`~game.engine.session.Session`: its stream is a :class:`LiveRecord`, which writes
the log's lines to the store. Each input is committed when it is made (the engine flushes the log
after every input), so a killed process loses nothing decided. When the engine writes the
result line, the round is stored as finished in one transaction.

:func:`resume` rebuilds a round that stopped (a crash, a closed window) by replaying its log's
inputs against the same case and seed up to where the log stops, checks that the replay made the
same inputs, and hands back a live session that carries on logging into the same round.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.engine.log import ReplayError, SessionLog, case_digest, replay, written_by_other_engine
from game.engine.scoring import score
from game.engine.session import Session
from game.results.store import ResultStore, StoredSession, StoreError
from game.timefmt import format_time

if TYPE_CHECKING:
    from game.engine.model import Case

# Event lines are committed with the next input, or when this many are waiting (a long stretch
# with no input); the inputs themselves are always committed at once.
BATCH = 2000


class ResumeError(RuntimeError):
    """The round cannot be rebuilt (the case changed, or the log does not replay)."""


def case_questions(case: Case) -> list[dict[str, str]]:
    """The case's reflection questions as ``{"id", "text"}`` (none when the case has none)."""
    out = []
    for number, q in enumerate(getattr(case, "questions", None) or [], 1):
        if isinstance(q, str):
            out.append({"id": f"q{number}", "text": q})
        else:
            out.append({"id": q.id, "text": q.text})
    return out


class LiveRecord:
    """Where a round's log lines wait to be committed to the store (fed by :class:`RecordingLog`).

    Args:
        store: Where the round is kept.
        session_id: The round.
        first_seq: Number of the first line written (lines already stored come before it).
        also: Another stream that gets every line too (``--log FILE``).
        hold: Keep lines in memory until :meth:`release` (a rebuild is written in one go).
    """

    def __init__(self, store: ResultStore, session_id: str, first_seq: int = 0, also: IO[str] | None = None,
                 hold: bool = False) -> None:
        self.store = store
        self.session_id = session_id
        self.seq = first_seq
        self.also = also
        self.session: Session | None = None
        self.pending: list[str] = []
        self.input_pending = False  # an input (or the log's first line) pending: its commit waits for the disk
        self.inputs: list[dict[str, Any]] = []
        self.result: dict[str, Any] | None = None
        self.finished = False
        self.closed = False
        self.also_problem: str | None = None
        # A facilitator's override after the end (issue 11): its inputs, and whether the new
        # result has come, for the store to amend the finished round with.
        self.overrides: list[dict[str, Any]] = []
        self.amended = False
        self._hold = hold
        self._replace = hold

    # --- what the session log hands over (see RecordingLog) -----------------------------

    def _also(self, action: Callable[[IO[str]], Any]) -> None:
        # The extra copy (`--log FILE`) may fail (a full disk) without stopping the store's copy.
        if self.also is None:
            return
        try:
            action(self.also)
        except (OSError, ValueError) as exc:
            self.also_problem = f"the log copy cannot be written ({getattr(exc, 'strerror', None) or exc})"
            also, self.also = self.also, None
            try:
                also.close()
            except (OSError, ValueError):
                pass

    def keep(self, record: dict[str, Any], line: str) -> None:
        """One log line, with the dict the log made it from: inputs and the result are taken
        from the dict (the session told the log of them), never parsed back from the text."""
        self._also(lambda also: also.write(line + "\n"))
        kind = record.get("type")
        if kind in ("input", "session"):  # what a replay cannot make again: the round's start and inputs
            self.input_pending = True
        if kind == "input":
            self.inputs.append(record)
            if self.finished and record.get("kind") == "override":
                self.overrides.append(record)
        elif kind == "result":
            self.result = record["result"]
            self.amended = self.finished
        self.pending.append(line)
        if len(self.pending) >= BATCH and not self._hold:
            self.flush()

    def flush(self) -> None:
        self._also(lambda also: also.flush())
        if self.finished and self.amended and self.pending and self.result is not None:
            self._amend(self.result)
            return
        if self._hold or self.finished or self.closed:
            return
        sim_t = self.session.t if self.session is not None else None
        result = self.result
        if result is not None:
            def finish() -> bool:
                self.store.finish(self.session_id, result, self.pending, sim_t=sim_t)
                return True

            if self.store.safely(finish, "the round was not saved"):
                self.finished = True
                self.pending = []
            return
        if not self.pending or not self.store.writable:
            return
        lines, replace, sync = list(self.pending), self._replace, self.input_pending

        def write() -> bool:
            if replace:
                self.store.replace_lines(self.session_id, lines, sim_t)
            else:
                # Event lines alone (a replay makes them again) need not wait for the disk, so
                # the window's quiet-frame writes cost no fsync; an input's commit does (issue 12).
                self.store.append_lines(self.session_id, self.seq, lines, sim_t, sync=sync)
            return True

        if self.store.safely(write, "the round is not being saved"):
            self.seq += len(lines)
            del self.pending[: len(lines)]
            self._replace = False
            self.input_pending = False

    def _amend(self, result: dict[str, Any]) -> None:
        """The finished round's findings changed by a person: the store amends it (log, score, ranking)."""
        lines, overrides = list(self.pending), list(self.overrides)

        def amend() -> bool:
            self.store.amend(self.session_id, lines, result, overrides)
            return True

        if self.store.safely(amend, "the change was not saved"):
            del self.pending[: len(lines)]
            del self.overrides[: len(overrides)]
            self.amended = False

    def close(self) -> None:
        self._also(lambda also: also.close())
        self.also = None
        self.flush()

    def release(self) -> None:
        """Stop holding lines and store them (replacing the round's lines: a rebuild)."""
        self._hold = False
        self.seq = 0
        self.flush()


class RecordingLog(SessionLog):
    """The session's log, subscribed to the session, kept line by line in the store: each line
    reaches :meth:`LiveRecord.keep` with its record, and the log's flushes (after each input and
    at the end) become the store's commits."""

    def __init__(self, live: LiveRecord, case_path: Path | None) -> None:
        super().__init__(None, case_path, name="the results database")
        self.live = live

    def record(self, record: dict[str, Any], line: str) -> None:
        self.live.keep(record, line)

    def _flush(self) -> None:
        self.live.flush()


class Recording:
    """A round being kept in the store.

    Attributes:
        log: The session log to give the :class:`Session`.
        session_id: The round's id in the store.
    """

    def __init__(self, store: ResultStore, session_id: str, stream: LiveRecord, case_path: Path | None) -> None:
        self.store = store
        self.session_id = session_id
        self.stream = stream
        self.log = RecordingLog(stream, case_path)
        self.notes: list[tuple[int, str]] = []

    def attach(self, session: Session) -> None:
        """The session this recording logs (its clock is stored as the point reached)."""
        self.stream.session = session

    @property
    def saved(self) -> bool:
        """True once the ended round is stored."""
        return self.stream.finished

    @property
    def problem(self) -> str | None:
        return self.store.problem

    def settle(self) -> bool:
        """Try again to store what is waiting (after a locked database); True when all is stored."""
        self.stream.flush()
        return not self.stream.pending or self.stream.finished

    def note(self, t: int, text: str) -> None:
        """A facilitator's note at simulated time ``t``; kept in memory too when it cannot be stored."""
        text = text.strip()
        if not text:
            return
        self.notes.append((t, text))
        self.store.safely(lambda: self.store.add_note(self.session_id, t, text), "the note was not saved")

    def _close(self, status: str) -> None:
        if self.stream.finished:
            return
        stream = self.stream
        stream.flush()
        sim_t = stream.session.t if stream.session is not None else None
        tail = list(stream.pending)
        def close() -> bool:
            self.store.close_unfinished(self.session_id, status, tail, sim_t)
            return True

        if self.store.safely(close, "the round was not saved"):
            stream.pending = []
        stream.closed = True

    def interrupt(self) -> None:
        """The round stops before its end but may be resumed (the window was closed)."""
        self._close("interrupted")

    def abandon(self) -> None:
        """The round was left on purpose."""
        self._close("abandoned")


def case_info(case: Case) -> dict[str, Any]:
    """What a report needs of the case besides the log: channel and metric names, the organisation."""
    return {"organisation": case.organisation.name,
            "channels": {c.id: c.name for c in case.channels},
            "objectives": [{"id": o.id, "text": o.text} for o in case.objectives],
            "metric_names": dict(case.metric_names),
            **({"calendar": [{"at": format_time(e.at), "time": e.time.isoformat(timespec="minutes")} for e in case.calendar]}
               if case.calendar else {})}


def begin(store: ResultStore | None, case: Case, case_path: Path | None, seed: int, *, team: str = "",
          workshop: str | None = None, also: IO[str] | None = None) -> Recording | None:
    """Register a round whose clock is starting; None when the store cannot save (see ``store.problem``)."""
    if store is None or not store.writable:
        return None
    path = Path(case_path) if case_path else None
    digest = None
    if path is not None and path.is_file():
        try:
            digest = case_digest(path)
        except OSError:
            digest = None
    sid = store.safely(lambda: store.create_session(
        case_id=case.id, case_title=case.title, language=case.language, seed=seed, team=team,
        case_path=str(path.resolve()) if path else None, case_sha256=digest, workshop=workshop,
        duration=case.duration, questions=case_questions(case), case_info=case_info(case)),
        "this round will not be saved")
    if sid is None:
        return None
    return Recording(store, sid, LiveRecord(store, sid, also=also), path)


def start(store: ResultStore | None, case: Case, case_path: Path | None, seed: int, **kwargs: Any
          ) -> tuple[Session, Recording | None]:
    """A new session of the case, recorded in the store when it can be."""
    recording = begin(store, case, case_path, seed, **kwargs)
    session = Session(case, seed, recording.log if recording else None)
    if recording is not None:
        recording.attach(session)
    return session, recording


def parse_records(lines: Sequence[str]) -> list[dict[str, Any]]:
    records = []
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn line: the process died while writing it
        if isinstance(record, dict):
            records.append(record)
    return records


def rebuild(case: Case, seed: int, records: Sequence[dict[str, Any]], log: SessionLog | None = None,
            reached: int = 0) -> Session:
    """Replay a log's inputs against the case up to the last simulated time it reached (``reached``:
    the time the store last saw, which may be later than the log's last line)."""
    inputs = [r for r in records if r.get("type") == "input"]
    stop = max((int(r.get("t", 0)) for r in records if isinstance(r.get("t", 0), int)), default=0)
    stop = max(stop, reached)
    try:
        return replay(case, seed, inputs, log, until=stop)
    except ReplayError as exc:
        raise ResumeError(f"the log does not replay against this case at {exc.at} s: {exc.cause}") from None


def resume(store: ResultStore, stored: StoredSession | str, case: Case, case_path: Path | None = None,
           also: IO[str] | None = None) -> tuple[Session, Recording]:
    """Rebuild a stopped round at the point it stopped and carry on recording it.

    Raises:
        ResumeError: the round is finished or abandoned, is of another case, the case file
            changed since, or the replay does not give back the same inputs.
    """
    if isinstance(stored, str):
        stored = store.session(stored)
    if stored.status not in ("running", "interrupted"):
        raise ResumeError(f"round {stored.short_id} is {stored.status}: only a round that stopped can be resumed")
    if stored.case_id != case.id:
        raise ResumeError(f"round {stored.short_id} is of case {stored.case_id!r}, not {case.id!r}")
    records = store.log_records(stored.id)
    if not records or records[0].get("type") != "session":
        raise ResumeError(f"round {stored.short_id} has no session log to replay")
    header = records[0]
    older = written_by_other_engine(header)
    if older:
        raise ResumeError(f"round {stored.short_id} cannot be resumed: {older}")
    path = Path(case_path) if case_path else None
    if header.get("case_sha256") and path is not None and path.is_file() and case_digest(path) != header["case_sha256"]:
        raise ResumeError(f"the case file {path} changed since round {stored.short_id} started: "
                          "its replay would not be the same round")
    if case.language != header.get("language", case.language):
        raise ResumeError(f"round {stored.short_id} was played in {header.get('language')!r}, "
                          f"this case file is {case.language!r}")
    stream = LiveRecord(store, stored.id, also=also, hold=True)
    recording = Recording(store, stored.id, stream, path)
    session = rebuild(case, int(header["seed"]), records, recording.log, stored.sim_t or 0)
    expected = [{k: v for k, v in r.items()} for r in records if r.get("type") == "input"]
    if json.loads(json.dumps(stream.inputs)) != expected:  # (the log's dicts may hold tuples)
        raise ResumeError(f"round {stored.short_id}: the replay did not give back the recorded inputs")
    recording.attach(session)
    recording.notes = [(n.t, n.text) for n in store.notes(stored.id)]
    stream.release()
    if stream.pending and not stream.finished:
        raise ResumeError(store.problem or "the rebuilt round could not be stored")
    return session, recording


def override_stored(store: ResultStore, stored: StoredSession | str, decision: str | None = None, *,
                    post: str | None = None, strategy: str | None = None, key_points: dict[str, bool] | None = None,
                    red_lines: dict[str, bool] | None = None, by: str | None = None,
                    case_path: str | Path | None = None) -> tuple[Session, float | None]:
    """The facilitator's last word on a finished stored round: replay its log, apply the override
    (:meth:`Session.override`), and amend the stored round (its log, score and ranking).

    Returns:
        The session with the override, and the score stored before it.

    Raises:
        ResumeError: the round has not ended, its case cannot be loaded or changed, or its log
            does not replay to the stored score.
        EngineError: the override names what the round does not have (the message says what).
        StoreError: the store could not keep the change.
    """
    if isinstance(stored, str):
        stored = store.session(stored)
    if stored.status != "finished":
        raise ResumeError(f"round {stored.short_id} is {stored.status}: only a finished round is corrected "
                          "after its end (a round being played is corrected in its debrief)")
    records = store.log_records(stored.id)
    if not records or records[0].get("type") != "session":
        raise ResumeError(f"round {stored.short_id} has no session log to replay")
    header = records[0]
    older = written_by_other_engine(header)
    if older:
        raise ResumeError(f"round {stored.short_id} cannot be corrected: {older}")
    raw = case_path or stored.case_path
    if not raw:
        raise ResumeError(f"round {stored.short_id} does not say where its case is: give the case")
    try:
        loaded = load_case(raw, stored.language)
    except CaseError as exc:
        raise ResumeError(f"{raw}: the case does not load ({exc.diagnostics[0] if exc.diagnostics else exc})") from None
    except OSError as exc:
        raise ResumeError(f"{raw}: {exc}") from None
    if header.get("case_sha256") and loaded.path.is_file() and case_digest(loaded.path) != header["case_sha256"]:
        raise ResumeError(f"the case file {loaded.path} changed since round {stored.short_id} was played: "
                          "its replay would not be the same round")
    try:
        session = replay(loaded.case, int(header["seed"]), [r for r in records if r.get("type") == "input"])
    except ReplayError as exc:
        raise ResumeError(f"round {stored.short_id}: the log does not replay against this case ({exc})") from None
    before = score(session).score
    if not session.state.ended or (stored.score is not None and abs(before - stored.score) > 1e-6):
        raise ResumeError(f"round {stored.short_id}: its replay scores {before}, the store says {stored.score}")
    live = LiveRecord(store, stored.id)
    live.session = session
    live.finished = True  # stored already: what comes now amends it
    session.log = RecordingLog(live, None)
    session.override(decision, post=post, strategy=strategy, key_points=key_points, red_lines=red_lines, by=by)
    if live.pending:
        raise StoreError(store.problem or f"round {stored.short_id}: the change could not be stored")
    return session, stored.score


def resume_from_disk(store: ResultStore, stored: StoredSession | str, case_path: str | Path | None = None,
                     also: IO[str] | None = None) -> tuple[Session, Recording, Path]:
    """:func:`resume`, loading the case from the path the round was played from (or the one given)."""
    if isinstance(stored, str):
        stored = store.session(stored)
    raw = case_path or stored.case_path
    if not raw:
        raise ResumeError(f"round {stored.short_id} does not say where its case is: give the case")
    try:
        loaded = load_case(raw, stored.language)
    except CaseError as exc:
        raise ResumeError(f"{raw}: the case does not load ({exc.diagnostics[0] if exc.diagnostics else exc})") from None
    except (OSError, StoreError) as exc:
        raise ResumeError(f"{raw}: {exc}") from None
    session, recording = resume(store, stored, loaded.case, loaded.path, also=also)
    return session, recording, loaded.path
