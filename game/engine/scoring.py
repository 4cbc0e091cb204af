"""Score a finished run: a total out of 100, its breakdown, and feedback per decision.

The rules and their sources are in :mod:`game.engine.rubric`; this module applies them to what
the run recorded.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from game.engine.model import Crisis, Option, Strategy, Timeout, Tone, Verdict
from game.engine.rubric import (
    POSTURE,
    WEIGHTS,
    Fit,
    consistency_penalty,
    describe_crisis,
    recommended_posture,
    length_fit,
    response_time_fit,
    strategy_fit,
    tone_fit,
)
from game.i18n import N_, translator

if TYPE_CHECKING:
    from game.engine.session import Session

# A caught signal earns its timeliness in full when flagged at once, nothing after this long.
SIGNAL_PATIENCE = 900
# The label a case's timeout gets when its author gives none (the model's default, in English).
DEFAULT_TIMEOUT_LABEL = N_("No decision in time")


def timeout_label(timeout: Timeout, lang: str = "en") -> str:
    """The timeout's label; the default one (the author gave none) in ``lang``."""
    return translator(lang).gettext(timeout.label) if timeout.label == DEFAULT_TIMEOUT_LABEL else timeout.label


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the score."""

    points: float
    max: int
    note: str


@dataclass(frozen=True, slots=True)
class DecisionFeedback:
    decision: str
    title: str
    option: str | None
    label: str
    strategy: str
    seconds_taken: int
    fit: float
    why: str
    feedback: str
    better: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Result:
    scenario: str
    seed: int
    language: str
    score: float
    breakdown: dict[str, Part]
    ending: dict[str, str]
    decisions: list[DecisionFeedback]
    signals: dict[str, Any]
    objectives: list[dict[str, Any]]
    metrics: dict[str, float]
    crisis: str = ""
    responses: list[dict[str, Any]] = field(default_factory=list)
    ended_early_at: int | None = None
    """When the facilitator ended the round (the rest then played out as silence); None: played to its end."""

    def to_json(self) -> dict[str, Any]:
        """The result as the command line prints it (``breakdown`` maps each part to its points)."""
        data = asdict(self)
        if self.ended_early_at is None:
            del data["ended_early_at"]  # results of rounds played to their end read as before
        data["breakdown"] = {name: part.points for name, part in self.breakdown.items()}
        data["breakdown_notes"] = {name: part.note for name, part in self.breakdown.items()}
        data["breakdown_max"] = {name: part.max for name, part in self.breakdown.items()}
        return json.loads(json.dumps(data))


VERDICT_FIT = {Verdict.good: 1.0, Verdict.fair: 0.5, Verdict.poor: 0.0}


def option_fit(option: Option, crisis: Crisis, *, posture_covered: bool = False, lang: str = "en") -> Fit:
    """The option's strategy fit, or the author's verdict, explained by the option's feedback, when given."""
    if option.verdict is not None:
        return Fit(VERDICT_FIT[option.verdict], option.feedback)
    return strategy_fit(option.strategy, crisis, posture_covered=posture_covered, lang=lang)


def option_quality(option: Option, session: Session) -> float:
    """How good an option is by the rubric (strategy or verdict, tone, length), from 0 to 1."""
    fit = option_fit(option, session.case.crisis).score
    tone = tone_fit(option.tone).score if option.post else 0.7
    limit = session.channels[option.channel].limit if option.channel else None
    length = length_fit(len(option.post), limit).score if option.post else 1.0
    return 0.6 * fit + 0.3 * tone + 0.1 * length


def score(session: Session) -> Result:
    """Score a run that has ended; the notes are in the case's language."""
    case, state = session.case, session.state
    crisis = case.crisis
    lang = case.language
    tr = translator(lang)
    _ = tr.gettext
    parts: dict[str, Part] = {}

    m = state.metrics
    outcome = (m["sentiment"] + m["trust"] + (100 - m["visibility"]) + (100 - m["media"])) / 400
    parts["outcome"] = Part(
        round(WEIGHTS["outcome"] * outcome, 2), WEIGHTS["outcome"],
        _("Final sentiment {sentiment}, trust {trust}, visibility {visibility}, media attention {media}.",
          **{name: tr.decimal(m[name], 0) for name in ("sentiment", "trust", "visibility", "media")}),
    )

    decisions = _decision_feedback(session, lang)
    if decisions:
        fits = [d.fit for d in decisions]
        postures = {POSTURE[Strategy(r.strategy)] for r in state.responses}
        multiplier, why = consistency_penalty(postures, lang)
        value = sum(fits) / len(fits) * multiplier
        note = _("Average fit of the strategies chosen to the crisis type.") + " " + why
    else:
        value, note = 0.0, _("The case had no decision.")
    parts["strategy_fit"] = Part(round(WEIGHTS["strategy_fit"] * value, 2), WEIGHTS["strategy_fit"], note.strip())

    delay = None
    if state.first_response_at is not None:
        delay = state.first_response_at - (state.first_signal_at or 0)
    timing = response_time_fit(delay, case.dynamics.response_target, lang)
    parts["response_time"] = Part(
        round(WEIGHTS["response_time"] * timing.score, 2), WEIGHTS["response_time"], timing.reason
    )

    signals = _signals(session, lang)
    parts["signal_detection"] = Part(
        round(WEIGHTS["signal_detection"] * signals["score"], 2), WEIGHTS["signal_detection"], signals["note"]
    )

    published = [r for r in state.responses if r.published]
    if published:
        tones = [tone_fit(Tone(r.tone or "neutral")).score for r in published]
        lengths = [length_fit(r.length or 0, _limit(session, r.channel)).score for r in published]
        tone_value = sum(0.7 * tone + 0.3 * length for tone, length in zip(tones, lengths)) / len(published)
        long = lengths.count(0.0)
        note = tr.ngettext("{n} public message; tone and length judged as a participant's, not an advertiser's.",
                           "{n} public messages; tone and length judged as a participant's, not an advertiser's.",
                           len(published))
        if long:
            note += " " + tr.ngettext("{n} too long for the channel.", "{n} too long for the channel.", long)
    else:
        tone_value, note = 0.0, _("The organisation published nothing.")
    parts["tone_and_channel"] = Part(
        round(WEIGHTS["tone_and_channel"] * tone_value, 2), WEIGHTS["tone_and_channel"], note
    )

    ending = next(e for e in case.endings if e.id == state.ending)
    met = session.objectives_met()
    return Result(
        scenario=case.id,
        seed=session.seed,
        language=case.language,
        score=round(sum(p.points for p in parts.values()), 1),
        breakdown=parts,
        ending={"id": ending.id, "title": ending.title, "kind": ending.kind, "text": ending.text},
        decisions=decisions,
        signals={k: v for k, v in signals.items() if k not in ("score", "note")},
        objectives=[{"id": o.id, "text": o.text, "met": met[o.id]} for o in case.objectives],
        metrics={k: round(v, 2) for k, v in m.items()},
        crisis=describe_crisis(crisis, lang),
        responses=[asdict(r) for r in state.responses],
        ended_early_at=state.ended_early_at,
    )


def _limit(session: Session, channel: str | None) -> int | None:
    return session.channels[channel].limit if channel else None


def _decision_feedback(session: Session, lang: str = "en") -> list[DecisionFeedback]:
    state, crisis = session.state, session.case.crisis
    used = {POSTURE[Strategy(s)] for r in state.responses for s in (r.strategy, *r.also)}
    covered = recommended_posture(crisis) in used
    result = []
    for decision_id, option_id in state.choices.items():
        decision = session.decisions[decision_id]
        best = max(decision.options, key=lambda o: option_quality(o, session))
        taken = state.decided_at[decision_id] - state.opened_at[decision_id]
        if option_id is None:
            timeout = decision.on_timeout
            fit = strategy_fit(timeout.strategy, crisis, lang=lang)
            label, strategy, feedback = timeout_label(timeout, lang), timeout.strategy.value, timeout.feedback
            chosen_quality = -1.0
        else:
            option = next(o for o in decision.options if o.id == option_id)
            fit = option_fit(option, crisis, posture_covered=covered, lang=lang)
            label, strategy, feedback = option.label, option.strategy.value, option.feedback
            chosen_quality = option_quality(option, session)
            if option.verdict is not None:
                fit = Fit(fit.score, "")  # the author's feedback is the reason: do not say it twice
        better = None
        if best.id != option_id and option_quality(best, session) > chosen_quality:
            better = {"option": best.id, "label": best.label, "why": option_fit(best, crisis, lang=lang).reason,
                      "feedback": best.feedback}
        result.append(DecisionFeedback(decision_id, decision.title, option_id, label, strategy, taken,
                                       round(fit.score, 3), fit.reason, feedback, better))
    return result


def _signals(session: Session, lang: str = "en") -> dict[str, Any]:
    state = session.state
    tr = translator(lang)
    fired = [p for p in state.posts if p.signal]
    caught = [p for p in fired if p.id in state.caught_at]
    flagged = [pid for pid, (action, _) in state.triage.items() if action == "flag"]
    true_flags = sum(1 for pid in flagged if session.posts[pid].signal)
    if flagged:
        precision = true_flags / len(flagged)
    else:
        precision = 1.0 if caught else 0.0
    recall = len(caught) / len(fired) if fired else 1.0
    timeliness = (
        sum(max(0.0, 1 - (state.caught_at[p.id] - p.t) / SIGNAL_PATIENCE) for p in caught) / len(fired)
        if fired else 1.0
    )
    value = 0.4 * recall + 0.3 * precision + 0.3 * timeliness
    dismissed = [p for p in fired if state.triage.get(p.id, ("", 0))[0] == "dismiss"]
    # Each count decides its own noun's plural ("0 signal repéré" in French, "0 signals" in English).
    note = tr.gettext(
        "{caught}; {flags}.",
        caught=tr.ngettext("{n} signal caught out of {total}", "{n} signals caught out of {total}", len(caught),
                           total=len(fired)),
        flags=tr.ngettext("{n} real signal among {flags}", "{n} real signals among {flags}", true_flags,
                          flags=tr.ngettext("{n} flag", "{n} flags", len(flagged))),
    )
    if dismissed:
        note += " " + tr.ngettext("{n} signal dismissed as noise.", "{n} signals dismissed as noise.",
                                  len(dismissed))
    return {
        "score": value,
        "note": note,
        "caught": [{"post": p.id, "inject": p.inject, "after": state.caught_at[p.id] - p.t} for p in caught],
        "missed": [{"post": p.id, "inject": p.inject} for p in fired if p.id not in state.caught_at],
        "false_flags": len(flagged) - true_flags,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
    }
