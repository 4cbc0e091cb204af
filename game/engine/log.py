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
from typing import IO, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from game.engine._files import Unreadable, read_limited
from game.engine.model import Case
from game.engine.scoring import score
from game.engine.session import (
    DecisionClosed,
    DecisionOpened,
    ENGINE_VERSION,
    EngineError,
    Event,
    MAX_NOISE,
    MetricsSampled,
    PostAdded,
    Session,
    Triaged,
    Wake,
    event_time,
    run,
)
from game.engine.state import STATE_VERSION

LOG_FORMAT = 1
MAX_LOG_BYTES = 64_000_000
"""Largest log :func:`read_log` reads (a round's log is a few hundred kilobytes)."""


def case_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the lines of a log, as pydantic models (written and read through them) -----------------


class _Line(BaseModel):
    # Logs written by other versions may carry fields this one does not know: keep, don't refuse.
    model_config = ConfigDict(extra="allow", strict=True)


class HeaderLine(_Line):
    """The first line: which case, language and seed the round was played with."""

    type: Literal["session"] = "session"
    format: StrictInt = LOG_FORMAT
    state_version: StrictInt | None = None
    engine: StrictInt = 1  # logs from before the engine said its version are version 1
    scenario: StrictStr | None = None
    language: StrictStr | None = None
    seed: StrictInt
    case: StrictStr | None = None
    case_sha256: StrictStr | None = None


class _InputLine(_Line):
    type: Literal["input"] = "input"
    t: Annotated[StrictInt, Field(ge=0)]


class DecideInput(_InputLine):
    kind: Literal["decide"] = "decide"
    decision: StrictStr
    option: StrictStr


class WriteInput(_InputLine):
    kind: Literal["write"] = "write"
    decision: StrictStr
    text: StrictStr


class ReplyInput(_InputLine):
    """A post answered with a written reply (see ``Session.reply``)."""

    kind: Literal["reply"] = "reply"
    post: StrictInt | StrictStr
    text: StrictStr


class TriageInput(_InputLine):
    kind: Literal["triage"] = "triage"
    post: StrictInt | StrictStr
    action: StrictStr
    reply: StrictStr | None = None


class OverrideInput(_InputLine):
    """The facilitator's correction of a written answer's findings (see ``Session.override``)."""

    kind: Literal["override"] = "override"
    decision: StrictStr | None = None  # a decision's written answer, or
    post: StrictInt | StrictStr | None = None  # a written reply to this post
    strategy: StrictStr | None = None
    key_points: dict[StrictStr, bool] | None = None
    red_lines: dict[StrictStr, bool] | None = None
    by: StrictStr | None = None


class FireInput(_InputLine):
    kind: Literal["fire"] = "fire"
    item: StrictStr


class NoiseInput(_InputLine):
    kind: Literal["noise"] = "noise"
    factor: Annotated[float, Field(ge=0, le=MAX_NOISE)]


class EndInput(_InputLine):
    kind: Literal["end"] = "end"


InputLine = DecideInput | WriteInput | ReplyInput | TriageInput | FireInput | NoiseInput | EndInput | OverrideInput
INPUT_LINES: dict[str, type[InputLine]] = {
    "decide": DecideInput, "write": WriteInput, "reply": ReplyInput, "triage": TriageInput, "fire": FireInput, "noise": NoiseInput,
    "end": EndInput, "override": OverrideInput,
}


class ResultLine(_Line):
    """The last line: the score and its breakdown (``Result.to_json()``)."""

    type: Literal["result"] = "result"
    t: StrictInt
    result: dict[str, Any]


def _dump(line: _Line) -> dict[str, Any]:
    return line.model_dump(exclude_none=True)


def input_record(t: int, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The log line of an input, as a dict (what :func:`read_log` gives back in ``inputs``)."""
    return _dump(INPUT_LINES[kind].model_validate({"t": t, **{k: v for k, v in fields.items() if v is not None}}))


def event_record(t: int, event: Event) -> dict[str, Any]:
    """The log line of an event. Written as a plain dict: there is one per post, and they are many.

    ``t`` is when the event happened (:func:`~game.engine.session.event_time`), not when the
    session was next asked for its events, so a replay writes the same lines as the round did.
    """
    t = event_time(event, t)
    if isinstance(event, PostAdded):
        return {"t": t, "type": "post", **event.post.to_dict()}
    if isinstance(event, DecisionOpened):
        return {"t": t, "type": "decision_opened", "decision": event.decision.id, "closes_at": event.closes_at}
    if isinstance(event, DecisionClosed):
        return {"t": t, "type": "decision_closed", "decision": event.decision.id,
                "option": event.option.id if event.option else None}
    if isinstance(event, MetricsSampled):
        return {"t": t, "type": "metrics", "at": event.t, "metrics": event.metrics}
    if isinstance(event, Triaged):
        return {"t": t, "type": "triaged", "post": event.post.id, "action": event.action}
    return {"t": t, "type": "ended", "ending": event.ending_id}


def encode(record: dict[str, Any]) -> str:
    """One log line (without its newline)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class SessionLog:
    """Writes a session's log to a stream (a file opened by :meth:`open`, or any text stream).

    A :class:`~game.engine.session.Subscriber`: ``session.subscribe(log)`` (or
    ``Session(case, seed, log)``). Each line goes through :meth:`record` with its dict and its
    text; a subclass that keeps lines elsewhere (the results store) overrides it instead of
    parsing what was written.

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

    def _reopen(self) -> None:
        try:
            self.stream = open(self.name, "a", encoding="utf-8")
        except OSError as exc:
            self._fail(exc)

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
        self.record(record, encode(record))

    def record(self, record: dict[str, Any], line: str) -> None:
        """Keep one line (``record`` is its dict, ``line`` its JSON text without the newline)."""
        if self.stream is None:
            return
        try:
            self.stream.write(line + "\n")
        except (OSError, ValueError) as exc:  # ValueError: a closed stream, text that cannot be encoded
            self._fail(exc)

    def _flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    # --- the Subscriber protocol -----------------------------------------------------

    def on_start(self, session: Session) -> None:
        header = HeaderLine(state_version=STATE_VERSION, engine=ENGINE_VERSION, scenario=session.case.id,
                            language=session.case.language, seed=session.seed)
        if self.case_path is not None:
            header.case = str(self.case_path.resolve())
            try:
                header.case_sha256 = case_digest(self.case_path)
            except OSError:  # the case file went away since it was loaded: the log still works
                pass
        self._write(_dump(header))
        self._flush()

    def on_input(self, t: int, kind: str, fields: dict[str, Any]) -> None:
        if self.stream is None and self.owns_stream and self.problem is None:
            self._reopen()  # a facilitator's override after the end (Session.override)
        self._write(input_record(t, kind, fields))
        self._flush()

    def on_events(self, t: int, events: Iterable[Event]) -> None:
        for event in events:
            self._write(event_record(t, event))

    def on_end(self, session: Session) -> None:
        self._write(_dump(ResultLine(t=session.t, result=score(session).to_json())))
        self._flush()
        if self.owns_stream and self.stream is not None:
            stream, self.stream = self.stream, None
            try:
                stream.close()
            except (OSError, ValueError) as exc:
                self.stream = None
                self._fail(exc)


def written_by_other_engine(header: dict[str, Any]) -> str | None:
    """Why a log's round cannot be played again the same way here, or None when this engine wrote it.

    A log written by another engine version is not damaged: its inputs, played by this engine,
    simply make another round. Its stored result stays the one that engine gave.
    """
    engine = header.get("engine", 1)
    if engine == ENGINE_VERSION:
        return None
    return (f"it was written by engine version {engine} and this is engine version {ENGINE_VERSION}: "
            "the same inputs play a different round here")


class LogError(ValueError):
    """The log cannot be read or replayed; the message says why and where."""


@dataclass(frozen=True, slots=True)
class LogContents:
    header: dict[str, Any]
    inputs: list[dict[str, Any]]
    result: dict[str, Any] | None
    torn: bool  # the last line was cut short (the process died while writing it)


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
    try:
        HeaderLine.model_validate(header)
    except ValidationError as exc:
        field = exc.errors()[0]["loc"][:1]
        if field == ("seed",):
            raise LogError(f"{path}:1: the session header has no seed (a whole number)") from None
        raise LogError(f"{path}:1: the session header has a bad {field[0] if field else 'field'!r}") from None
    inputs = [record for number, record in records if record.get("type") == "input"
              and _check_input(record, f"{path}:{number}")]
    result = None
    for _, record in records:
        if record.get("type") == "result":  # the last one: an override after the end adds a new one
            try:
                result = ResultLine.model_validate(record).result
            except ValidationError:
                result = None
    return LogContents(header, inputs, result, torn)


def _check_input(record: dict[str, Any], where: str) -> bool:
    """True for a well-formed input line; a :class:`LogError` saying what is wrong otherwise."""
    t = record.get("t")
    if not isinstance(t, int) or isinstance(t, bool) or t < 0:
        raise LogError(f"{where}: an input without its time (t, a whole number)")
    model = INPUT_LINES.get(str(record.get("kind")))
    if model is None:
        raise LogError(f"{where}: unknown input {record.get('kind')!r}")
    try:
        model.model_validate(record)
    except ValidationError as exc:
        name = exc.errors()[0]["loc"][0]
        raise LogError(f"{where}: a {record['kind']!r} input without its {name!r}") from None
    return True


def apply_input(session: Session, record: dict[str, Any]) -> None:
    """Re-apply one recorded input."""
    kind = record.get("kind")
    if kind == "decide":
        session.decide(record["decision"], record["option"])
    elif kind == "write":
        session.write(record["decision"], record["text"])
    elif kind == "reply":
        session.reply(record["post"], record["text"])
    elif kind == "triage":
        session.triage(record["post"], record["action"], record.get("reply"))
    elif kind == "fire":
        session.fire(record["item"])
    elif kind == "noise":
        session.set_noise(record["factor"])
    elif kind == "end":
        session.end()
    elif kind == "override":
        post = record.get("post")
        session.override(record.get("decision"), post=None if post is None else str(post), strategy=record.get("strategy"),
                         key_points=record.get("key_points"), red_lines=record.get("red_lines"), by=record.get("by"))
    else:
        raise LogError(f"unknown input {kind!r}")


class ReplayError(LogError):
    """A recorded input the session refuses (another case, a damaged log)."""

    def __init__(self, record: dict[str, Any], at: int, cause: Exception) -> None:
        super().__init__(f"the input at t={record.get('t')} cannot be replayed: {cause}")
        self.record = record
        self.at = at
        self.cause = cause


class Replay:
    """A :class:`~game.engine.session.Driver` making recorded inputs, each at the time it was made."""

    def __init__(self, inputs: Iterable[dict[str, Any]]) -> None:
        self.pending = deque(inputs)

    def act(self, session: Session, events: list[Event]) -> None:
        pending = self.pending
        while pending and pending[0]["t"] <= session.t and not session.state.ended:
            record = pending.popleft()
            try:
                apply_input(session, record)
            except (EngineError, KeyError, TypeError) as exc:
                raise ReplayError(record, session.t, exc) from None

    def wake(self, session: Session) -> Wake:
        """At the time of the next recorded input (an input is made after all that happens up to then)."""
        return Wake(self.pending[0]["t"] if self.pending else None)


def replay(case: Case, seed: int, inputs: Iterable[dict[str, Any]], log: SessionLog | None = None,
           until: int | None = None) -> Session:
    """Play a case again with recorded inputs, to its end or to simulated time ``until``.

    Raises:
        ReplayError: an input the case refuses.
    """
    driver = Replay(inputs)
    session = run(Session(case, seed, log), driver, until)
    if session.state.ended:
        # The facilitator's overrides made in the debrief come after the end (Session.override).
        for record in driver.pending:
            if record.get("kind") == "override":
                try:
                    apply_input(session, record)
                except (EngineError, KeyError, TypeError) as exc:
                    raise ReplayError(record, session.t, exc) from None
    return session
