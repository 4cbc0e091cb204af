"""The session log: one JSON object per line, written as the run happens.

The first line names the case and the seed; ``input`` lines are what the player did (flushed at
once, so a crash loses no decision); the other lines are what happened; the last line is the
result. Replaying the inputs against the same case and seed gives the same result.
"""

from __future__ import annotations

import errno
import hashlib
import json
import sys
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from game.engine._files import Unreadable, read_limited
from game.engine.model import Case
from game.engine.state import STATE_VERSION

if TYPE_CHECKING:
    from game.engine.session import Event, Session

LOG_FORMAT = 1
MAX_LOG_BYTES = 64_000_000
"""Largest log :func:`read_log` reads (a round's log is a few hundred kilobytes)."""


def case_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _event_record(event: Event) -> dict[str, Any]:
    from game.engine import session as s

    if isinstance(event, s.PostAdded):
        return {"type": "post", **event.post.to_dict()}
    if isinstance(event, s.DecisionOpened):
        return {"type": "decision_opened", "decision": event.decision.id, "closes_at": event.closes_at}
    if isinstance(event, s.DecisionClosed):
        return {"type": "decision_closed", "decision": event.decision.id,
                "option": event.option.id if event.option else None}
    if isinstance(event, s.MetricsSampled):
        return {"type": "metrics", "at": event.t, "metrics": event.metrics}
    if isinstance(event, s.Triaged):
        return {"type": "triaged", "post": event.post.id, "action": event.action}
    return {"type": "ended", "ending": event.ending_id}


class SessionLog:
    """Writes a session's log to a stream (a file opened by :meth:`open`, or any text stream).

    Writing never stops the round: when the log cannot be written (a full disk, a removed USB
    stick, a folder that cannot be written), ``problem`` says so, the player is told on the
    terminal, and the round goes on without its log. What was written before stays readable
    (:func:`read_log` drops a torn last line).
    """

    def __init__(self, stream: IO[str] | None, case_path: Path | None = None, *, owns_stream: bool = False,
                 name: str | None = None) -> None:
        self.stream = stream
        self.case_path = case_path
        self.owns_stream = owns_stream
        self.name = name or str(getattr(stream, "name", "") or "the session log")
        self.problem: str | None = None

    @classmethod
    def open(cls, path: str | Path, case_path: Path | None = None) -> SessionLog:
        """Write the log to a file, closed when the run ends; a file that cannot be opened is reported, not raised."""
        log = cls(None, case_path, owns_stream=True, name=str(path))
        try:
            log.stream = open(path, "w", encoding="utf-8")
        except OSError as exc:
            log._fail(exc)
        return log

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            reason = "the disk is full"
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        self.problem = (f"the session log {self.name} cannot be written ({reason}); "
                        "the round goes on, but is no longer logged there")
        print(f"crisis-sim: {self.problem}", file=sys.stderr)
        stream, self.stream = self.stream, None
        if stream is not None and self.owns_stream:
            try:
                stream.close()  # flushes what it can; the descriptor is closed even if that fails
            except (OSError, ValueError):
                pass

    def _write(self, record: dict[str, Any]) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        except (OSError, ValueError) as exc:  # ValueError: a closed stream, text that cannot be encoded
            self._fail(exc)

    def _flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def start(self, session: Session) -> None:
        header: dict[str, Any] = {
            "type": "session", "format": LOG_FORMAT, "state_version": STATE_VERSION,
            "scenario": session.case.id, "language": session.case.language, "seed": session.seed,
        }
        if self.case_path is not None:
            header["case"] = str(self.case_path.resolve())
            try:
                header["case_sha256"] = case_digest(self.case_path)
            except OSError:  # the case file went away since it was loaded: the log still works
                pass
        self._write(header)
        self._flush()

    def input(self, t: int, kind: str, fields: dict[str, Any]) -> None:
        self._write({"type": "input", "t": t, "kind": kind, **{k: v for k, v in fields.items() if v is not None}})
        self._flush()

    def events(self, t: int, events: Iterable[Event]) -> None:
        for event in events:
            self._write({"t": t, **_event_record(event)})

    def finish(self, session: Session) -> None:
        self._write({"type": "result", "t": session.t, "result": session.result().to_json()})
        self._flush()
        if self.owns_stream and self.stream is not None:
            stream, self.stream = self.stream, None
            try:
                stream.close()
            except (OSError, ValueError) as exc:
                self.stream = None
                self._fail(exc)


class LogError(ValueError):
    """The log cannot be read or replayed; the message says why and where."""


@dataclass(frozen=True, slots=True)
class LogContents:
    header: dict[str, Any]
    inputs: list[dict[str, Any]]
    result: dict[str, Any] | None
    torn: bool  # the last line was cut short (the process died while writing it)


_INPUT_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "decide": {"decision": str, "option": str},
    "triage": {"post": (int, str), "action": str},
    "fire": {"item": str},
    "end": {},
}


def read_log(path: str | Path) -> LogContents:
    """Read a session log; a torn last line (a crash mid-write) is dropped, not fatal.

    Logs are shared too (a team's round sent to the trainer), so anything else that is not a
    well-formed log is a :class:`LogError` naming the line, never another exception.
    """
    path = Path(path)
    try:
        raw = read_limited(path, MAX_LOG_BYTES)
    except Unreadable as exc:
        reason = {
            "missing": "no such file", "denied": "permission denied", "folder": "it is a folder",
            "special": "it is a pipe or a device", "too-large": f"it is larger than {MAX_LOG_BYTES:,} bytes",
        }.get(exc.kind, exc.detail)
        raise LogError(f"{path}: cannot read the log: {reason}") from None
    lines = raw.split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    records: list[tuple[int, dict[str, Any]]] = []
    torn = False
    for number, data in enumerate(lines, 1):
        if not data.strip():
            continue
        try:
            record = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            if number == len(lines):  # cut short by a crash, maybe in the middle of a character
                torn = True
                break
            raise LogError(f"{path}:{number}: not a JSON line") from None
        if not isinstance(record, dict):
            raise LogError(f"{path}:{number}: not a log record")
        records.append((number, record))
    if not records or records[0][1].get("type") != "session":
        raise LogError(f"{path}:1: not a Crisis Sim session log (no session header)")
    header = records[0][1]
    if header.get("format") != LOG_FORMAT:
        raise LogError(f"{path}:1: log format {header.get('format')!r} is not supported (expected {LOG_FORMAT})")
    if not _whole(header.get("seed")):
        raise LogError(f"{path}:1: the session header has no seed (a whole number)")
    inputs: list[dict[str, Any]] = []
    for number, record in records:
        if record.get("type") == "input":
            _check_input(record, f"{path}:{number}")
            inputs.append(record)
    result = next((r.get("result") for _, r in records if r.get("type") == "result"), None)
    if result is not None and not isinstance(result, dict):
        result = None
    return LogContents(header, inputs, result, torn)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_input(record: dict[str, Any], where: str) -> None:
    if not _whole(record.get("t")) or record["t"] < 0:
        raise LogError(f"{where}: an input without its time (t, a whole number)")
    fields = _INPUT_FIELDS.get(record.get("kind"))  # type: ignore[arg-type]
    if fields is None:
        raise LogError(f"{where}: unknown input {record.get('kind')!r}")
    for name, kind in fields.items():
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise LogError(f"{where}: a {record['kind']!r} input without its {name!r}")


def apply_input(session: Session, record: dict[str, Any]) -> None:
    """Re-apply one recorded input."""
    kind = record.get("kind")
    if kind == "decide":
        session.decide(record["decision"], record["option"])
    elif kind == "triage":
        session.triage(record["post"], record["action"], record.get("reply"))
    elif kind == "fire":
        session.fire(record["item"])
    elif kind == "end":
        session.end()
    else:
        raise LogError(f"unknown input {kind!r}")


def replay(case: Case, seed: int, inputs: Iterable[dict[str, Any]], log: SessionLog | None = None) -> Session:
    """Play a case again with recorded inputs, each at the simulated time it was made."""
    from game.engine.session import Session

    from game.engine.session import EngineError

    session = Session(case, seed, log)
    pending = deque(inputs)
    while not session.state.ended:
        while pending and pending[0]["t"] <= session.t and not session.state.ended:
            record = pending.popleft()
            try:
                apply_input(session, record)
            except (EngineError, KeyError, TypeError) as exc:
                raise LogError(f"the input at t={record.get('t')} cannot be replayed: {exc}") from None
        session.step()
    return session
