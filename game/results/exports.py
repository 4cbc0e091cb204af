"""Pydantic models of a round export (``crisis-sim export`` writes it, ``workshop import`` and
``store copy`` read it) and of a stored result, so that writing and reading share one
definition of the format instead of checks written by hand.

Strict models: a foreign file is untrusted input, so ``true`` is not a seed and ``5`` is not a
team name. Extra keys are kept out of the store but do not refuse a file (a newer exporter may
add some).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

EXPORT_FORMAT: Literal["crisis-sim/session"] = "crisis-sim/session"
EXPORT_VERSION: Literal[1] = 1
MAX_TEAM = 60
ID_PATTERN = r"^[0-9a-f]{32}$"

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "ExportedAnswer", "ExportedNote", "ExportedRound",
           "ExportedWorkshop", "RoundExport", "StoredResult", "ValidationError", "why_invalid"]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Open(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class Ending(_Open):
    id: str | None = None
    kind: str | None = None


class DecisionResult(_Open):
    decision: str
    seconds_taken: int


class StoredResult(_Open):
    """The parts of a round's result the store derives its columns from (the rest is kept as is)."""

    scenario: str | None = None
    score: float
    breakdown: dict[str, float]
    ending: Ending
    decisions: list[DecisionResult]


class ExportedRound(_Strict):
    """One row of ``sessions`` as exported (``pid`` and ``origin`` stay on the machine)."""

    id: str = Field(pattern=ID_PATTERN)
    team: str | None = Field(default="", max_length=MAX_TEAM)
    case_id: str
    case_title: str | None = ""
    case_path: str | None = None
    case_sha256: str | None = None
    language: str | None = "en"
    seed: int
    workshop: str | None = None
    started_at: str
    ended_at: str | None = None
    status: Literal["finished", "interrupted", "abandoned", "running"]
    sim_t: int | None = 0
    duration: int | None = None
    score: float | None = None
    breakdown: dict[str, float] | None = None
    ending: str | None = None
    ending_kind: str | None = None
    result: dict[str, Any] | str | None = None
    questions: list[dict[str, str]] | None = None
    case_info: dict[str, Any] | None = None
    machine: str | None = None


class ExportedWorkshop(_Strict):
    id: str | None = None
    name: str
    case_id: str | None = None


class ExportedNote(_Strict):
    t: int
    text: str
    written_at: str = ""


class ExportedAnswer(_Strict):
    question: str
    text: str = ""
    answer: str
    answered_at: str = ""


class ExportedAmendment(_Strict):
    """A person's change to the findings of the finished round (see ``RoundsRepository.amend``)."""

    seq: int
    changed_at: str = ""
    changed_by: str = ""
    target: str
    change: dict[str, Any] = {}
    score_before: float | None = None
    score_after: float | None = None


class RoundExport(_Strict):
    """A whole round as one JSON document."""

    format: Literal["crisis-sim/session"]
    version: Literal[1]
    exported_at: str | None = None
    session: ExportedRound
    workshop: ExportedWorkshop | dict[str, Any] | None = None
    notes: list[ExportedNote] = []
    answers: list[ExportedAnswer] = []
    amendments: list[ExportedAmendment] = []
    log: str = Field(min_length=1)


def why_invalid(error: ValidationError) -> str:
    """The first problem of an export, in the trainer's words (pydantic's are a developer's)."""
    first = error.errors()[0]
    loc = first["loc"]
    top = loc[0] if loc else ""
    if top in ("", "format"):
        return "not a Crisis Sim round export"
    if top == "version":
        return f"export version {first.get('input')!r} is not supported (expected {EXPORT_VERSION})"
    if top == "session" and len(loc) == 1:
        return "no session in the file"
    if top == "session":
        name = loc[1]
        if name == "id":
            return "the round has no valid id"
        if name == "team":
            return "the team name is wrong"
        if name == "status":
            return "the round's status is missing or wrong"
        return f"the round's {name} is missing or wrong"
    if top == "notes":
        return "notes are not a list" if len(loc) == 1 else "a note has no time or text"
    if top == "answers":
        return "answers are not a list" if len(loc) == 1 else "an answer has no question or text"
    if top == "log":
        return "the round has no session log"
    return f"{'.'.join(str(p) for p in loc)} is wrong"
