"""A written answer in a round: the authored option it stands for, and how the text itself rates.

The session uses the closest option for effects and persona reactions (so a written answer plays
like a choice), and the rating for the score (so the score judges what was written).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.engine.assess._assess import Assessment, Point, assess
from game.engine.model import AnswerPoint, Crisis, Decision, Option, Strategy, Tone, Verdict
from game.engine.rubric import Fit, length_fit, strategy_fit, tone_fit


def points(items: Sequence[AnswerPoint], lang: str) -> list[Point]:
    """A decision's key points or red lines as the assessor takes them, in ``lang``."""
    return [Point(p.id, tuple(p.phrases(lang))) for p in items]


def assess_answer(text: str, decision: Decision, lang: str, *, limit: int | None = None, post: str | None = None) -> Assessment:
    """Assess a written answer to ``decision``, with its key points and red lines."""
    return assess(
        text, lang, limit=limit, key_points=points(decision.key_points, lang),
        red_lines=points(decision.red_lines, lang), post=post if post is not None else decision.prompt,
    )


def closest_option(assessment: Assessment, decision: Decision, lang: str) -> Option:
    """The authored option the written answer is closest to.

    Closeness, against each option's labels: the same primary strategy counts 3, the answer's
    primary among the option's ``also`` (or the option's among the answer's) 1, each other shared
    strategy 0.5, the same tone 1. Against each option's own post, read by the same assessor: 1 for
    the same primary strategy and 1 for each key point both say (or both leave out). A text that
    crosses a red line stands for the closest option judged ``poor`` when the author marked one
    (it must not earn a good option's effects). Ties go to the option listed first.
    """
    candidates = list(decision.options)
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
            own = assess_answer(option.post, decision, lang)
            value += 1.0 if own.strategy == assessment.strategy else 0.0
            value += sum(own.key_points[k] == v for k, v in assessment.key_points.items())
        return value

    return max(candidates, key=lambda o: (closeness(o), -candidates.index(o)))


@dataclass(frozen=True, slots=True)
class TextRating:
    """How a written answer rates, each part from 0 to 1 with its reason.

    ``score`` is 0 when a red line is crossed; otherwise the weighted mean of strategy fit (2),
    key points said (2), tone (1) and length (1).
    """

    strategy: Fit
    key_points: float
    red_lines_crossed: tuple[str, ...]
    tone: Fit
    length: Fit

    @property
    def score(self) -> float:
        if self.red_lines_crossed:
            return 0.0
        return (2 * self.strategy.score + 2 * self.key_points + self.tone.score + self.length.score) / 6


def rate_text(assessment: Assessment, crisis: Crisis, lang: str = "en") -> TextRating:
    """Rate the text itself against the crisis and the decision's key points and red lines."""
    said = assessment.key_points
    return TextRating(
        strategy=strategy_fit(Strategy(assessment.strategy), crisis, lang=lang),
        key_points=sum(said.values()) / len(said) if said else 1.0,
        red_lines_crossed=tuple(k for k, v in assessment.red_lines.items() if v),
        tone=tone_fit(Tone(assessment.tone), lang),
        length=length_fit(assessment.length, assessment.limit, lang),
    )
