"""A written answer in a round: the authored option it stands for, and how the text itself rates.

The session uses the closest option for effects and persona reactions (so a written answer plays
like a choice), and the rating for the score (so the score judges what was written).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from game.engine.assess._assess import Assessment, Point, assess
from game.engine.model import AnswerPoint, Case, Crisis, Decision, Inject, Option, Strategy, Tone, Verdict
from game.engine.rubric import Fit, length_fit, strategy_fit, tone_fit
from game.i18n import N_, Reason


def points(items: Sequence[AnswerPoint], lang: str) -> list[Point]:
    """A decision's key points or red lines as the assessor takes them, in ``lang``."""
    return [Point(p.id, tuple(p.phrases(lang))) for p in items]


Answered = Decision | Inject
"""What a written answer answers: a decision, or an inject's post (each may give key points and red lines)."""


def answered_text(case: Case, decision: Decision, fired: Container[str] | None = None) -> str:
    """The posts a written answer to ``decision`` answers: the injects whose ``handled_by`` names it
    (those that have come in, when ``fired`` is given), one a line.

    Their questions are the ones the answer should take up. The decision's own prompt is not among
    them: the boss's "what do we post?" is asked of the team, not of the public (issue 11).
    """
    return "\n".join(i.text for i in case.injects
                     if (fired is None or i.id in fired) and any(ref.partition(".")[0] == decision.id for ref in i.handled_by))


def assess_answer(text: str, answered: Answered | None, lang: str, *, limit: int | None = None, post: str | None = None) -> Assessment:
    """Assess a written answer to ``answered`` (a decision, a post's inject, or None for a post
    without one), with its key points and red lines.

    ``post`` is the text whose questions the answer should take up: by default an inject's own
    text, and nothing for a decision (see :func:`answered_text`).

    The same text to the same decision reads the same: the last readings are kept (``simulate``
    plays the writing bots' texts thousands of times). Treat the assessment as read-only.
    """
    if post is None:
        post = answered.text if isinstance(answered, Inject) else ""
    key_points = tuple(points(answered.key_points, lang)) if answered is not None else ()
    red_lines = tuple(points(answered.red_lines, lang)) if answered is not None else ()
    return _reading(text, lang, limit, key_points, red_lines, post)


@lru_cache(maxsize=512)
def _reading(text: str, lang: str, limit: int | None, key_points: tuple[Point, ...], red_lines: tuple[Point, ...],
             post: str) -> Assessment:
    return assess(text, lang, limit=limit, key_points=key_points, red_lines=red_lines, post=post)


def closest_option(assessment: Assessment, answered: Answered | None, lang: str,
                   options: Sequence[Option] | None = None) -> Option:
    """The authored option (a decision's option, or a reply offered on a post) the written answer
    is closest to.

    ``options`` are the choices offered (a decision's own by default; the post's replies for a
    reply). Closeness, against each option's labels: the same primary strategy counts 3, the answer's
    primary among the option's ``also`` (or the option's among the answer's) 1, each other shared
    strategy 0.5, the same tone 1. Against each option's own post, read by the same assessor: 1 for
    the same primary strategy, 1 for each key point both say (or both leave out) and 2 for each red
    line both cross. A text that
    crosses a red line stands for the closest option judged ``poor`` when the author marked one
    (it must not earn a good option's effects). Ties go to the option listed first.
    """
    candidates = list(options if options is not None else answered.options if isinstance(answered, Decision) else ())
    if not candidates:
        raise ValueError("no option to compare the written answer with")
    if any(assessment.red_lines.values()):
        candidates = [o for o in candidates if o.verdict is Verdict.poor] or candidates
    found = {assessment.strategy, *assessment.also}

    def closeness(option: Option) -> float:
        value = 3.0 if option.strategy == assessment.strategy else 0.0
        if option.strategy in assessment.also or assessment.strategy in option.also:
            value += 1.0
        value += 0.5 * len(found & set(option.also) - {assessment.strategy})
        value += 1.0 if option.tone == assessment.tone else 0.0
        if option.post:
            own = assess_answer(option.post, answered, lang, post="")  # its own questions: none asked
            value += 1.0 if own.strategy == assessment.strategy else 0.0
            value += sum(own.key_points[k] == v for k, v in assessment.key_points.items())
            value += 2.0 * sum(v and own.red_lines[k] for k, v in assessment.red_lines.items())
        return value

    return max(candidates, key=lambda o: (closeness(o), -candidates.index(o)))


@dataclass(frozen=True, slots=True)
class TextRating:
    """How a written answer rates, each part from 0 to 1 with its reason.

    ``score`` is 0 when a red line is crossed (saying what must never be said undoes the rest);
    otherwise the weighted mean of strategy fit (2), key points said (2), tone (1) and length (1).
    """

    strategy: Fit
    key_points: float
    red_lines_crossed: tuple[str, ...]
    tone: Fit
    length: Fit
    key_points_said: int = 0
    key_points_total: int = 0
    red_line_labels: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        if self.red_lines_crossed:
            return 0.0
        return (2 * self.strategy.score + 2 * self.key_points + self.tone.score + self.length.score) / 6

    @property
    def why(self) -> Reason:
        """Why the text rates as it does, as one sentence (or two) to word in any language."""
        if self.red_lines_crossed:
            return Reason.ngettext(
                "The answer crosses a red line ({lines}): it earns nothing for this decision.",
                "The answer crosses {n} red lines ({lines}): it earns nothing for this decision.",
                len(self.red_lines_crossed), lines=", ".join(self.red_line_labels or self.red_lines_crossed))
        strategy = self.strategy.why or Reason(self.strategy.reason, verbatim=True)
        if not self.key_points_total:
            return strategy
        return Reason.of(N_("{strategy} {points}"), strategy=strategy, points=Reason.of(
            N_("Key points made: {said} of {total}."), said=self.key_points_said, total=self.key_points_total))

    def to_json(self) -> dict[str, object]:
        return {"score": round(self.score, 3), "strategy": round(self.strategy.score, 3),
                "key_points": round(self.key_points, 3), "tone": round(self.tone.score, 3),
                "length": round(self.length.score, 3), "red_lines_crossed": list(self.red_lines_crossed)}


def rate_text(assessment: Assessment, crisis: Crisis, lang: str = "en", *, decision: Answered | None = None,
              posture_covered: bool = False) -> TextRating:
    """Rate the text itself against the crisis and the decision's key points and red lines.

    ``decision`` (or the inject a reply answers) names the red lines crossed by their labels; ``posture_covered`` is as in
    :func:`~game.engine.rubric.strategy_fit` (the run used elsewhere what the crisis calls for).
    """
    said = assessment.key_points
    crossed = tuple(k for k, v in assessment.red_lines.items() if v)
    labels = {p.id: p.label for p in decision.red_lines} if decision is not None else {}
    return TextRating(
        strategy=strategy_fit(Strategy(assessment.strategy), crisis, posture_covered=posture_covered, lang=lang),
        key_points=sum(said.values()) / len(said) if said else 1.0,
        red_lines_crossed=crossed,
        tone=tone_fit(Tone(assessment.tone), lang),
        length=length_fit(assessment.length, assessment.limit, lang),
        key_points_said=sum(said.values()),
        key_points_total=len(said),
        red_line_labels=tuple(labels.get(k, k) for k in crossed),
    )


@dataclass(frozen=True, slots=True)
class Override:
    """A facilitator's corrections of one written answer's findings (the last word is theirs).

    Attributes:
        strategy: The primary strategy the facilitator reads in the text (None: as detected).
        key_points: Key point id -> said, where the facilitator decided.
        red_lines: Red line id -> crossed, where the facilitator decided.
        by: Who changed them, as the facilitator gave their name.
    """

    strategy: str | None = None
    key_points: dict[str, bool] = field(default_factory=dict)
    red_lines: dict[str, bool] = field(default_factory=dict)
    by: str | None = None

    def then(self, later: Override) -> Override:
        """This override with a later one on top (the later one wins where both decide)."""
        return Override(later.strategy or self.strategy, {**self.key_points, **later.key_points},
                        {**self.red_lines, **later.red_lines}, later.by or self.by)


def check_override(override: Override, decision: Answered | None, what: str | None = None) -> None:
    """Raise ValueError naming what the override refers to that the decision (or the inject a
    written reply answered, ``what`` naming it) does not have."""
    if override.strategy is not None and override.strategy not in Strategy.__members__:
        raise ValueError(f"no strategy {override.strategy!r}")
    name = what or (f"decision {decision.id!r}" if decision is not None else "the answer")
    for kind, given, known in (("key point", override.key_points, decision.key_points if decision else []),
                               ("red line", override.red_lines, decision.red_lines if decision else [])):
        unknown = sorted(set(given) - {p.id for p in known})
        if unknown:
            raise ValueError(f"{name} has no {kind} {unknown[0]!r}")


def overridden(assessment: Assessment, override: Override | None) -> Assessment:
    """The assessment as the facilitator corrected it (itself when there is no override).

    A strategy the facilitator gives becomes the primary one; the detected primary joins the
    others, so the debrief still shows what the words suggested.
    """
    if override is None:
        return assessment
    strategy = override.strategy or assessment.strategy
    also = list(assessment.also)
    if strategy != assessment.strategy:
        also = [s for s in [assessment.strategy, *also] if s not in (strategy, "no_comment")]
    return replace(assessment, strategy=strategy, also=also,
                   key_points={**assessment.key_points, **override.key_points},
                   red_lines={**assessment.red_lines, **override.red_lines})


def changes(assessment: Assessment, override: Override | None) -> list[dict[str, object]]:
    """The findings a person changed: each with what was detected and what it is now."""
    if override is None:
        return []
    out: list[dict[str, object]] = []
    if override.strategy and override.strategy != assessment.strategy:
        out.append({"finding": "strategy", "id": override.strategy, "detected": assessment.strategy,
                    "now": override.strategy, "by": override.by})
    for kind, given, found in (("key_point", override.key_points, assessment.key_points),
                               ("red_line", override.red_lines, assessment.red_lines)):
        for point, value in given.items():
            if found.get(point) != value:
                out.append({"finding": kind, "id": point, "detected": found.get(point, False), "now": value,
                            "by": override.by})
    return out
