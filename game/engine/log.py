"""The session log: one JSON object per line, written as the run happens.

The first line names the case and the seed; ``input`` lines are what the player did (flushed at
once, so a crash loses no decision); the other lines are what happened; the last line is the
result. Replaying the inputs against the same case and seed gives the same result.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from game.engine.model import Case
from game.engine.state import STATE_VERSION

if TYPE_CHECKING:
    from game.engine.session import Event, Session

LOG_FORMAT = 1


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
    """Writes a session's log to a stream (a file opened by :meth:`open`, or any text stream)."""

    def __init__(self, stream: IO[str], case_path: Path | None = None, *, owns_stream: bool = False) -> None:
        self.stream = stream
        self.case_path = case_path
        self.owns_stream = owns_stream

    @classmethod
    def open(cls, path: str | Path, case_path: Path | None = None) -> SessionLog:
        """Write the log to a file, closed when the run ends."""
        return cls(open(path, "w", encoding="utf-8"), case_path, owns_stream=True)  # noqa: SIM115

    def _write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def start(self, session: Session) -> None:
        header: dict[str, Any] = {
            "type": "session", "format": LOG_FORMAT, "state_version": STATE_VERSION,
            "scenario": session.case.id, "language": session.case.language, "seed": session.seed,
        }
        if self.case_path is not None:
            header["case"] = str(self.case_path.resolve())
            header["case_sha256"] = case_digest(self.case_path)
        self._write(header)
        self.stream.flush()

    def input(self, t: int, kind: str, fields: dict[str, Any]) -> None:
        self._write({"type": "input", "t": t, "kind": kind, **{k: v for k, v in fields.items() if v is not None}})
        self.stream.flush()

    def events(self, t: int, events: Iterable[Event]) -> None:
        for event in events:
            self._write({"t": t, **_event_record(event)})

    def finish(self, session: Session) -> None:
        self._write({"type": "result", "t": session.t, "result": session.result().to_json()})
        self.stream.flush()
        if self.owns_stream:
            self.stream.close()


class LogError(ValueError):
    """The log cannot be read or replayed; the message says why and where."""


@dataclass(frozen=True, slots=True)
class LogContents:
    header: dict[str, Any]
    inputs: list[dict[str, Any]]
    result: dict[str, Any] | None
    torn: bool  # the last line was cut short (the process died while writing it)


def read_log(path: str | Path) -> LogContents:
    """Read a session log; a torn last line (a crash mid-write) is dropped, not fatal."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot read the log: {exc}") from None
    records: list[dict[str, Any]] = []
    torn = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                torn = True
                break
            raise LogError(f"{path}:{number}: not a JSON line") from None
        if not isinstance(record, dict):
            raise LogError(f"{path}:{number}: not a log record")
        records.append(record)
    if not records or records[0].get("type") != "session":
        raise LogError(f"{path}:1: not a Crisis Sim session log (no session header)")
    header = records[0]
    if header.get("format") != LOG_FORMAT:
        raise LogError(f"{path}:1: log format {header.get('format')!r} is not supported (expected {LOG_FORMAT})")
    inputs = [r for r in records if r.get("type") == "input"]
    result = next((r["result"] for r in records if r.get("type") == "result"), None)
    return LogContents(header, inputs, result, torn)


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

    session = Session(case, seed, log)
    pending = deque(inputs)
    while not session.state.ended:
        while pending and pending[0]["t"] <= session.t and not session.state.ended:
            apply_input(session, pending.popleft())
        session.step()
    return session
