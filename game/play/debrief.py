"""The debrief of a round, typed, built once from the engine's result (live or stored).

Every renderer (the terminal, the window, the workshop host, the HTML report) builds a
:class:`Debrief` and words it with :mod:`game.play.words` in the language it shows, so a round
played in English can be debriefed in French. Author-written texts (titles, labels, feedback,
the ending, posts) stay as the case wrote them.

API::

    debrief = Debrief.from_result(result, case)      # a live round (case: questions, summary)
    debrief = Debrief.from_json(stored_result_json)  # a stored round (Result.to_json form)
    debrief.score, debrief.parts, debrief.ending, debrief.decisions, debrief.signals,
    debrief.objectives, debrief.questions, debrief.ended_early_at
    words.part_note(part, tr), words.decision_why(d, tr), words.better_why(d, tr),
    words.signal_summary(debrief.signals, tr), words.crisis(debrief, tr)   # see game/play/words.py
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.engine.model import Case, Question
from game.engine.scoring import Result
from game.i18n import Reason


@dataclass(frozen=True, slots=True)
class PartScore:
    """One part of the score: its points out of ``max``, and why (reasons; ``note`` as stored)."""

    name: str
    points: float
    max: int
    reasons: tuple[Reason, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Better:
    """The option the rubric recommends instead, and why it is better."""

    option: str
    label: str
    reason: Reason | None
    why: str
    feedback: str


@dataclass(frozen=True, slots=True)
class DecisionReview:
    """One decision: what was chosen (None: time ran out), how well it fits, and the author's feedback."""

    decision: str
    title: str
    option: str | None
    label: str
    strategy: str
    seconds_taken: int
    fit: float
    reason: Reason | None
    why: str
    feedback: str
    better: Better | None


@dataclass(frozen=True, slots=True)
class SignalPost:
    """A post in the signal lists: caught (``how``: flag or answer), missed, or a false alarm."""

    post: str
    name: str
    text: str
    t: int | None = None
    how: str | None = None
    after: int | None = None


@dataclass(frozen=True, slots=True)
class Signals:
    """Signals by one definition: a post flagged or answered is *marked*; a marked signal is
    caught, a marked non-signal is a false alarm, a signal never marked is missed."""

    caught: tuple[SignalPost, ...]
    missed: tuple[SignalPost, ...]
    false_alarms: tuple[SignalPost, ...]
    false_count: int
    precision: float
    recall: float
    reasons: tuple[Reason, ...]

    @property
    def total(self) -> int:
        return len(self.caught) + len(self.missed)


@dataclass(frozen=True, slots=True)
class ObjectiveReview:
    id: str
    text: str
    met: bool | None


@dataclass(frozen=True, slots=True)
class Debrief:
    """Everything a debrief shows, typed. Build it with :meth:`from_result` or :meth:`from_json`."""

    scenario: str
    language: str
    seed: int
    score: float
    parts: tuple[PartScore, ...]
    ending: dict[str, str]
    decisions: tuple[DecisionReview, ...]
    signals: Signals
    objectives: tuple[ObjectiveReview, ...]
    crisis_reason: Reason | None
    crisis_text: str
    summary: str = ""
    questions: tuple[Question, ...] = ()
    ended_early_at: int | None = None
    """Simulated time the facilitator ended the round; the rest played out as silence. None: played to its end."""

    @property
    def ended_early(self) -> bool:
        return self.ended_early_at is not None

    @classmethod
    def from_result(cls, result: Result, case: Case | None = None) -> Debrief:
        """The debrief of a round just played (``case`` adds its summary and reflection questions)."""
        data = result.to_json()
        return cls.from_json(data, case)

    @classmethod
    def from_json(cls, data: dict[str, Any], case: Case | None = None) -> Debrief:
        """The debrief of a stored result (``Result.to_json()``; rounds stored before the reasons
        existed fall back to their stored prose)."""
        notes = data.get("breakdown_notes") or {}
        maxima = data.get("breakdown_max") or {}
        reasons = data.get("breakdown_reasons") or {}
        parts = tuple(
            PartScore(name, float(points), int(maxima.get(name, 0)),
                      tuple(Reason.from_json(r) for r in reasons.get(name, [])), str(notes.get(name, "")))
            for name, points in (data.get("breakdown") or {}).items()
        )
        decisions = tuple(_decision(d) for d in data.get("decisions") or [])
        signals = data.get("signals") or {}
        signal_reasons = reasons.get("signal_detection", [])
        crisis_reason = data.get("crisis_reason")
        questions: tuple[Question, ...] = ()
        if case is not None:
            questions = tuple(q if isinstance(q, Question) else Question(id=f"q{n}", text=q)
                              for n, q in enumerate(case.questions, 1))
        return cls(
            scenario=str(data.get("scenario", "")),
            language=str(data.get("language", "en")),
            seed=int(data.get("seed", 0)),
            score=float(data.get("score", 0.0)),
            parts=parts,
            ending=dict(data.get("ending") or {}),
            decisions=decisions,
            signals=Signals(
                caught=tuple(_signal_post(p) for p in signals.get("caught", [])),
                missed=tuple(_signal_post(p) for p in signals.get("missed", [])),
                false_alarms=tuple(_signal_post(p) for p in signals.get("false_alarms", [])),
                false_count=int(signals.get("false_flags", 0)),
                precision=float(signals.get("precision", 0.0)),
                recall=float(signals.get("recall", 0.0)),
                reasons=tuple(Reason.from_json(r) for r in signal_reasons),
            ),
            objectives=tuple(ObjectiveReview(str(o.get("id", "")), str(o.get("text", "")), o.get("met"))
                             for o in data.get("objectives") or []),
            crisis_reason=Reason.from_json(crisis_reason) if crisis_reason else None,
            crisis_text=str(data.get("crisis", "")),
            summary=case.crisis.summary if case is not None and case.crisis.summary else "",
            questions=questions,
            ended_early_at=data.get("ended_early_at"),
        )


def _decision(d: dict[str, Any]) -> DecisionReview:
    better = d.get("better")
    reason = d.get("reason")
    return DecisionReview(
        decision=str(d.get("decision", "")), title=str(d.get("title", "")), option=d.get("option"),
        label=str(d.get("label", "")), strategy=str(d.get("strategy", "")),
        seconds_taken=int(d.get("seconds_taken", 0)), fit=float(d.get("fit", 0.0)),
        reason=Reason.from_json(reason) if isinstance(reason, dict) else None, why=str(d.get("why", "")),
        feedback=str(d.get("feedback", "")),
        better=Better(str(better.get("option", "")), str(better.get("label", "")),
                      Reason.from_json(better["reason"]) if isinstance(better.get("reason"), dict) else None,
                      str(better.get("why", "")), str(better.get("feedback", ""))) if better else None,
    )


def _signal_post(p: dict[str, Any]) -> SignalPost:
    return SignalPost(str(p.get("post", "")), str(p.get("name", "")), str(p.get("text", "")), p.get("t"),
                      p.get("how"), p.get("after"))
