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
    review.written                                   # a written answer (WrittenReview) or None:
    review.written.marked("[", "]"), .marks, .missing, .crossed, .changed, .best_post
    debrief.replies                                  # posts answered in writing (ReplyReview: .post_text, .written)
    words.part_note(part, tr), words.decision_why(d, tr), words.better_why(d, tr),
    words.signal_summary(debrief.signals, tr), words.crisis(debrief, tr)   # see game/play/words.py
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.engine.model import Case, Question
from game.engine.scoring import DecisionOutcome, Result
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
class Mark:
    """A phrase of a written answer the assessor read: where it is and what it showed.

    ``kind`` is ``strategy``, ``tone``, ``key_point``, ``red_line`` or ``promise``; ``id`` the
    strategy, tone, key point, red line, or ``timed``/``untimed`` promise it counts for.
    """

    start: int
    end: int
    kind: str
    id: str
    words: str
    cue: str


@dataclass(frozen=True, slots=True)
class PointReview:
    """A key point (said or not) or a red line (crossed or not) of a written answer."""

    id: str
    label: str
    found: bool
    words: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """A finding a person changed: what the assessor read (``detected``) and what it is now."""

    finding: str  # strategy, key_point or red_line
    id: str
    detected: str | bool | None
    now: str | bool
    by: str | None


@dataclass(frozen=True, slots=True)
class WrittenReview:
    """A written answer in the debrief: the trainee's own text, how it was read, what it lacked,
    the red lines it crossed, what a person changed, and the authored best answer beside it."""

    text: str
    strategy: str
    also: tuple[str, ...]
    tone: str
    detected_strategy: str
    marks: tuple[Mark, ...]
    key_points: tuple[PointReview, ...]
    red_lines: tuple[PointReview, ...]
    length: int
    limit: int | None
    unanswered: tuple[str, ...]
    rating: dict[str, Any]
    closest_label: str
    best_option: str
    best_label: str
    best_post: str
    changed: tuple[Change, ...]

    @property
    def missing(self) -> tuple[PointReview, ...]:
        """The key points the answer did not make."""
        return tuple(p for p in self.key_points if not p.found)

    @property
    def crossed(self) -> tuple[PointReview, ...]:
        """The red lines the answer crossed."""
        return tuple(p for p in self.red_lines if p.found)

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The text with each phrase the assessor read between ``before`` and ``after``
        (overlapping phrases are marked once, as one)."""
        spans: list[list[int]] = []
        for start, end in sorted((m.start, m.end) for m in self.marks):
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out, at = [], 0
        for start, end in spans:
            out += [self.text[at:start], before, self.text[start:end], after]
            at = end
        return "".join(out) + self.text[at:]

    @classmethod
    def from_json(cls, w: dict[str, Any]) -> WrittenReview:
        def point(p: dict[str, Any]) -> PointReview:
            return PointReview(str(p.get("id", "")), str(p.get("label", "")), bool(p.get("found")), p.get("words"))

        best, closest = w.get("best") or {}, w.get("closest") or {}
        return cls(
            text=str(w.get("text", "")), strategy=str(w.get("strategy", "")), also=tuple(w.get("also") or ()),
            tone=str(w.get("tone", "")), detected_strategy=str((w.get("detected") or {}).get("strategy", "")),
            marks=tuple(Mark(int(f["spans"][0][0]), int(f["spans"][0][1]), str(f.get("kind", "")), str(f.get("id", "")),
                             str(f.get("words", "")), str(f.get("cue", ""))) for f in w.get("evidence") or [] if f.get("spans")),
            key_points=tuple(point(p) for p in w.get("key_points") or []),
            red_lines=tuple(point(p) for p in w.get("red_lines") or []),
            length=int(w.get("length", 0)), limit=w.get("limit"), unanswered=tuple(w.get("unanswered") or ()),
            rating=dict(w.get("rating") or {}), closest_label=str(closest.get("label", "")),
            best_option=str(best.get("option", "")), best_label=str(best.get("label", "")),
            best_post=str(best.get("post", "")),
            changed=tuple(Change(str(c.get("finding", "")), str(c.get("id", "")), c.get("detected"), c.get("now", False),
                                 c.get("by")) for c in w.get("changed") or []),
        )


@dataclass(frozen=True, slots=True)
class DecisionReview(DecisionOutcome):
    """One decision (the engine's :class:`DecisionOutcome`), with its reason, the better option
    and the written answer read back as types."""

    reason: Reason | None = None
    better: Better | None = None
    written: WrittenReview | None = None
    """The trainee's own text, when they wrote instead of choosing."""


@dataclass(frozen=True, slots=True)
class ReplyReview:
    """A post answered in writing: the post (who, when, what), the text as read, and its value as
    a public message (0 to 1: tone and length, scaled by the key points; 0 for a red line crossed)."""

    post: str
    name: str
    post_text: str
    t: int | None
    written: WrittenReview
    value: float
    reason: Reason | None
    why: str

    @classmethod
    def from_json(cls, r: dict[str, Any]) -> ReplyReview:
        post = r.get("post") or {}
        why = r.get("why")
        return cls(str(post.get("post", "")), str(post.get("name", "")), str(post.get("text", "")), post.get("t"),
                   WrittenReview.from_json(r), float(r.get("value", 0.0)),
                   Reason.from_json(why) if isinstance(why, dict) else None, str(r.get("why_text", "")))


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

    @property
    def marked(self) -> bool:
        """Whether the team flagged or answered any post (else precision has nothing to measure)."""
        return bool(self.caught or self.false_count)


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
    replies: tuple[ReplyReview, ...] = ()
    """The posts answered in writing, in the order they were answered."""

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
            replies=tuple(ReplyReview.from_json(r) for r in data.get("replies") or [] if isinstance(r, dict)),
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
        written=WrittenReview.from_json(d["written"]) if isinstance(d.get("written"), dict) else None,
    )


def _signal_post(p: dict[str, Any]) -> SignalPost:
    return SignalPost(str(p.get("post", "")), str(p.get("name", "")), str(p.get("text", "")), p.get("t"),
                      p.get("how"), p.get("after"))
