"""Score a finished run: a total out of 100, its breakdown, and feedback per decision.

The rules and their sources are in :mod:`game.engine.rubric`; this module applies them to what
the run recorded.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from game.engine.assess import Answered, Assessment, Override, TextRating, changes, overridden, rate_text
from game.engine.model import Crisis, Option, Speaker, Strategy, Timeout, Tone, Verdict
from game.engine.rubric import (
    POSTURE,
    WEIGHTS,
    Fit,
    consistency,
    crisis_reason,
    length_fit,
    recommended_posture,
    response_time_fit,
    speaker_weight,
    strategy_fit,
    tone_fit,
)
from game.i18n import N_, Reason, translator

if TYPE_CHECKING:
    from game.engine.session import Session
    from game.engine.state import Post

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
    why: tuple[Reason, ...] = ()
    """The note's sentences kept as reasons, to word them in any language (``note`` is the case's)."""


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """One decision as the round left it: what was chosen (``option`` None: time ran out), its
    strategy, how long it took, how well it fits (0..1) and why, and the author's feedback.

    The engine's :class:`DecisionFeedback` and the debrief's ``DecisionReview`` (game/play) are
    this with the better option and the written answer, raw in the one and typed in the other.
    """

    decision: str
    title: str
    option: str | None
    label: str
    strategy: str
    seconds_taken: int
    fit: float
    why: str
    feedback: str


@dataclass(frozen=True, slots=True)
class DecisionFeedback(DecisionOutcome):
    """A decision in the result (its fields, in this order, are the result's JSON)."""

    better: dict[str, Any] | None = None
    reason: Reason | None = None
    """``why`` kept as a reason (None when the author's feedback is the reason)."""
    written: dict[str, Any] | None = None
    """A written answer: its text, how it was read and rated, the authored best answer (see :func:`written_review`)."""


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
    replies: list[dict[str, Any]] = field(default_factory=list)
    """Posts answered in writing: the post, the text as read and rated (see :func:`_reply_reviews`)."""
    ended_early_at: int | None = None
    """When the facilitator ended the round (the rest then played out as silence); None: played to its end."""
    crisis_reason: Reason | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as the command line prints it (``breakdown`` maps each part to its points)."""
        data = asdict(self)
        if self.ended_early_at is None:
            del data["ended_early_at"]  # results of rounds played to their end read as before
        if not self.replies:
            del data["replies"]  # rounds without written replies read as before (and replay equal)
        data["breakdown"] = {name: part.points for name, part in self.breakdown.items()}
        data["breakdown_notes"] = {name: part.note for name, part in self.breakdown.items()}
        data["breakdown_max"] = {name: part.max for name, part in self.breakdown.items()}
        data["breakdown_reasons"] = {name: [r.to_json() for r in part.why] for name, part in self.breakdown.items()}
        for feedback, decision in zip(self.decisions, data["decisions"]):
            if feedback.written is None:
                del decision["written"]  # chosen options read as before
            decision["reason"] = feedback.reason.to_json() if feedback.reason else None
            if feedback.better and isinstance(feedback.better.get("reason"), Reason):
                decision["better"]["reason"] = feedback.better["reason"].to_json()
        data["crisis_reason"] = self.crisis_reason.to_json() if self.crisis_reason else None
        plain: dict[str, Any] = json.loads(json.dumps(data))
        return plain


VERDICT_FIT = {Verdict.good: 1.0, Verdict.fair: 0.5, Verdict.poor: 0.0}
VERDICT_WHY = {
    Verdict.good: N_("The case's author judges this choice good, on a principle the SCCT strategy fit cannot see."),
    Verdict.fair: N_("The case's author judges this choice fair, on a principle the SCCT strategy fit cannot see."),
    Verdict.poor: N_("The case's author judges this choice poor, on a principle the SCCT strategy fit cannot see."),
}


def option_fit(option: Option, crisis: Crisis, *, posture_covered: bool = False, leader_spoke: bool = False,
               lang: str = "en") -> Fit:
    """The option's strategy fit weighed by who says it, or the author's verdict, explained by the
    option's feedback, when given."""
    if option.verdict is not None:
        return Fit(VERDICT_FIT[option.verdict], option.feedback, Reason(option.feedback, verbatim=True))
    fit = strategy_fit(option.strategy, crisis, posture_covered=posture_covered, lang=lang)
    weight, who = speaker_weight(option.speaker, option.strategy, crisis, leader_spoke=leader_spoke)
    if who is None or fit.why is None:
        return fit
    why = Reason.of(N_("{fit} {speaker}"), fit=fit.why, speaker=who)
    return Fit(fit.score * weight, translator(lang).say(why), why)


def option_quality(option: Option, session: Session) -> float:
    """How good an option is by the rubric (strategy or verdict, tone, length), from 0 to 1."""
    fit = option_fit(option, session.case.crisis).score
    tone = tone_fit(option.tone).score if option.post else 0.7
    limit = session.channels[option.channel].limit if option.channel else None
    length = length_fit(len(option.post), limit).score if option.post else 1.0
    return 0.6 * fit + 0.3 * tone + 0.1 * length


def score(session: Session) -> Result:
    """Score a run that has ended.

    Each part's ``note`` is worded in the case's language; its ``why`` keeps the same sentences
    as :class:`~game.i18n.Reason` so any renderer can word them in another (game/play/words.py).
    """
    case, state = session.case, session.state
    crisis = case.crisis
    tr = translator(case.language)
    parts, decisions, signals, replies = _parts(session)
    m = state.metrics
    ending = next(e for e in case.endings if e.id == state.ending)
    met = session.objectives_met()
    crisis_why = crisis_reason(crisis)
    return Result(
        scenario=case.id,
        seed=session.seed,
        language=case.language,
        score=_total(parts),
        breakdown=parts,
        ending={"id": ending.id, "title": ending.title, "kind": ending.kind, "text": ending.text},
        decisions=decisions,
        signals=signals,
        objectives=[{"id": o.id, "text": o.text, "met": met[o.id]} for o in case.objectives],
        metrics={k: round(v, 2) for k, v in m.items()},
        crisis=tr.say(crisis_why),
        responses=[asdict(r) for r in state.responses],
        replies=replies,
        ended_early_at=state.ended_early_at,
        crisis_reason=crisis_why,
    )


def score_so_far(session: Session) -> float:
    """The score a run has earned up to now, by the same parts as :func:`score`: the metrics as
    they stand, the decisions closed so far (a missed one as its silence), the first response,
    the signals come in so far and the messages published. A run that has ended scores as
    :func:`score` does; during a run the number may go down as well as up (a signal missed)."""
    return _total(_parts(session)[0])


def _total(parts: dict[str, Part]) -> float:
    return round(sum(p.points for p in parts.values()), 1)


def _parts(session: Session) -> tuple[dict[str, Part], list[DecisionFeedback], dict[str, Any], list[dict[str, Any]]]:
    """The breakdown of what the run has done so far, with the decisions' feedback, the signals
    and the written replies it is built from (nothing here needs the run to have ended)."""
    case, state = session.case, session.state
    lang = case.language
    tr = translator(lang)
    parts: dict[str, Part] = {}

    def part(name: str, value: float, *why: Reason | None) -> None:
        kept = tuple(r for r in why if r is not None)
        parts[name] = Part(round(WEIGHTS[name] * value, 2), WEIGHTS[name], " ".join(tr.say(r) for r in kept), kept)

    m = state.metrics
    outcome = (m["sentiment"] + m["trust"] + (100 - m["visibility"]) + (100 - m["media"])) / 400
    part("outcome", outcome, Reason.of(
        N_("Final sentiment {sentiment}, trust {trust}, visibility {visibility}, media attention {media}."),
        **{name: float(m[name]) for name in ("sentiment", "trust", "visibility", "media")}))

    decisions = _decision_feedback(session, lang)
    if decisions:
        fits = [d.fit for d in decisions]
        postures = {POSTURE[Strategy(s)] for s in _strategies(session, also=False)}
        multiplier, why = consistency(postures)
        part("strategy_fit", sum(fits) / len(fits) * multiplier,
             Reason(N_("Average fit of the strategies chosen to the crisis type.")), why)
    else:
        part("strategy_fit", 0.0, Reason(N_("The case had no decision.")))

    delay = None
    if state.first_response_at is not None:
        delay = state.first_response_at - (state.first_signal_at or 0)
    timing = response_time_fit(delay, case.dynamics.response_target, lang)
    part("response_time", timing.score, timing.why)

    signals = _signals(session)
    part("signal_detection", signals.pop("score"), *signals.pop("why"))

    published = [r for r in state.responses if r.published]
    replies, reply_values = _reply_reviews(session, lang)
    if published:
        values, long = [], 0
        for r in published:
            length = length_fit(r.length or 0, _limit(session, r.channel)).score
            long += length == 0.0
            written = reply_values.get(r.source.partition("@")[2]) if r.source.startswith("reply:") else None
            # A written reply is judged on its own text: key points, and nothing for a red line crossed.
            values.append(written if written is not None else 0.7 * tone_fit(Tone(r.tone or "neutral")).score + 0.3 * length)
        crossed = sum(bool(r["rating"]["red_lines_crossed"]) for r in replies)
        part("tone_and_channel", sum(values) / len(published), Reason.ngettext(
            "{n} public message; tone and length judged as a participant's, not an advertiser's.",
            "{n} public messages; tone and length judged as a participant's, not an advertiser's.",
            len(published)),
            Reason.ngettext("{n} too long for the channel.", "{n} too long for the channel.", long)
            if long else None,
            Reason.ngettext("{n} written reply crosses a red line: it counts for nothing.",
                            "{n} written replies cross a red line: they count for nothing.", crossed)
            if crossed else None)
    else:
        part("tone_and_channel", 0.0, Reason(N_("The organisation published nothing.")))

    return parts, decisions, signals, replies


def _limit(session: Session, channel: str | None) -> int | None:
    return session.channels[channel].limit if channel else None


def _decision_feedback(session: Session, lang: str = "en") -> list[DecisionFeedback]:
    state, crisis = session.state, session.case.crisis
    used = {POSTURE[Strategy(s)] for s in _strategies(session)}
    covered = recommended_posture(crisis) in used
    leader_spoke = _leader_spoke(session)
    result = []
    for decision_id, option_id in state.choices.items():
        decision = session.decisions[decision_id]
        best = max(decision.options, key=lambda o: option_quality(o, session))
        taken = state.decided_at[decision_id] - state.opened_at[decision_id]
        written = None
        if option_id is None:
            timeout = decision.on_timeout
            fit = strategy_fit(timeout.strategy, crisis, lang=lang)
            label, strategy, feedback = timeout_label(timeout, lang), timeout.strategy.value, timeout.feedback
            chosen_quality = -1.0
        elif decision_id in session.written:
            # A written answer: the text itself is rated; the closest option only brought the effects.
            option = next(o for o in decision.options if o.id == option_id)
            detected = session.written[decision_id]
            read = overridden(detected, session.overrides.get(decision_id))
            rating = rate_text(read, crisis, lang, decision=decision, posture_covered=covered)
            fit = Fit(rating.score, translator(lang).say(rating.why), rating.why)
            # The closest option's feedback speaks of that option's words, not of the text: left out.
            label, strategy, feedback = read.text, read.strategy, ""
            chosen_quality = rating.score
            written = written_review(decision, detected, read, rating, best, option, session.overrides.get(decision_id))
        else:
            option = next(o for o in decision.options if o.id == option_id)
            fit = option_fit(option, crisis, posture_covered=covered, leader_spoke=leader_spoke, lang=lang)
            label, strategy, feedback = option.label, option.strategy.value, option.feedback
            chosen_quality = option_quality(option, session)
            if option.verdict is not None:
                # The author's feedback gives the principle; the reason says whose judgement the score is.
                why = Reason(VERDICT_WHY[option.verdict])
                fit = Fit(fit.score, translator(lang).say(why), why)
        better = None
        best_quality = option_quality(best, session)
        if best.id != option_id and best_quality > chosen_quality:
            why = _better_why(best, crisis, covered, best_quality, chosen_quality)
            better = {"option": best.id, "label": best.label, "why": translator(lang).say(why),
                      "feedback": best.feedback, "reason": why}
        result.append(DecisionFeedback(decision_id, decision.title, option_id, label, strategy, taken,
                                       round(fit.score, 3), fit.reason, feedback, better, fit.why, written))
    return result


def _leader_spoke(session: Session) -> bool:
    """Whether a decision answered in the run had the leader give a rebuild strategy in person."""
    for decision_id, option_id in session.state.choices.items():
        if option_id is None or decision_id in session.written:
            continue
        option = next(o for o in session.decisions[decision_id].options if o.id == option_id)
        if option.speaker is Speaker.leader and POSTURE[option.strategy] == "rebuild":
            return True
    return False


def _strategies(session: Session, also: bool = True) -> list[str]:
    """The strategies of every response (with their ``also`` ones), written answers as the
    facilitator corrected them."""
    out = []
    for r in session.state.responses:
        decision_id = r.source.split(".")[0]
        post_id = r.source.partition("@")[2] if r.source.startswith("reply:") else None
        if post_id is not None and post_id in session.reply_overrides and post_id in session.written_replies:
            read = overridden(session.written_replies[post_id].assessment, session.reply_overrides[post_id])
            out += [read.strategy, *(read.also if also else ())]
        elif decision_id in session.overrides and decision_id in session.written and post_id is None:
            read = overridden(session.written[decision_id], session.overrides[decision_id])
            out += [read.strategy, *(read.also if also else ())]
        else:
            out += [r.strategy, *(r.also if also else ())]
    return out


def written_review(answered: Answered | None, detected: Assessment, read: Assessment, rating: TextRating,
                   best: Option, closest: Option, override: Override | None = None) -> dict[str, Any]:
    """What the debrief shows of a written answer (to a decision, or a reply to a post's
    ``answered`` inject), as plain data stored with the result.

    ``text`` and ``evidence`` (each finding with its character spans in the text, the words and
    the cue); ``strategy``/``also``/``tone`` as read (after the facilitator's corrections) and
    ``detected`` as the assessor found them; ``key_points`` and ``red_lines`` with their labels,
    whether said or crossed and the words; ``rating`` (each part 0-1); ``closest`` (the option
    that brought the effects); ``best`` (the authored best answer, its post); ``changed`` (the
    findings a person changed, with who).
    """
    def listed(points: list[Any], found: dict[str, bool], kind: str) -> list[dict[str, Any]]:
        words = {f.id: f.words for f in read.evidence if f.kind == kind}
        return [{"id": p.id, "label": p.label, "found": bool(found.get(p.id)), "words": words.get(p.id)}
                for p in points]

    return {
        "text": read.text,
        "strategy": read.strategy,
        "also": list(read.also),
        "tone": read.tone,
        "detected": {"strategy": detected.strategy, "also": list(detected.also), "tone": detected.tone},
        "evidence": [f.to_dict() for f in read.evidence],
        "key_points": listed(answered.key_points if answered else [], read.key_points, "key_point"),
        "red_lines": listed(answered.red_lines if answered else [], read.red_lines, "red_line"),
        "length": read.length,
        "limit": read.limit,
        "unanswered": list(read.unanswered),
        "promises": {"timed": sum(f.id == "timed" for f in read.promises),
                     "untimed": sum(f.id == "untimed" for f in read.promises)},
        "rating": rating.to_json(),
        "closest": {"option": closest.id, "label": closest.label},
        "best": {"option": best.id, "label": best.label, "post": best.post or ""},
        "changed": changes(detected, override),
    }


def _reply_reviews(session: Session, lang: str) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """The written replies to posts, in the order they were written: each with the post answered
    (``post``) and its review (:func:`written_review`); and each one's value as a public message
    (tone 0.7, length 0.3, scaled down for missing key points, 0 when it crosses a red line)."""
    reviews: list[dict[str, Any]] = []
    values: dict[str, float] = {}
    crisis = session.case.crisis
    for post_id, written in session.written_replies.items():
        post = session.posts[post_id]
        inject = session.injects.get(post.inject) if post.inject else None
        override = session.reply_overrides.get(post_id)  # the facilitator's last word on it
        read = overridden(written.assessment, override)
        rating = rate_text(read, crisis, lang, decision=inject)
        closest = next(o for o in written.offered if o.id == written.closest)
        best = max(written.offered, key=lambda o: option_quality(o, session))
        review = written_review(inject, written.assessment, read, rating, best, closest, override)
        message = 0.7 * rating.tone.score + 0.3 * rating.length.score
        values[post_id] = 0.0 if rating.red_lines_crossed else message * (0.5 + 0.5 * rating.key_points)
        why = _reply_why(rating)
        reviews.append({**review, "post": _post(post), "inject": post.inject, "value": round(values[post_id], 3),
                        "why": why.to_json(), "why_text": translator(lang).say(why)})
    return reviews, values


def _reply_why(rating: TextRating) -> Reason:
    """Why a written reply counts as it does as a public message: a red line crossed, else its tone
    and length, and the key points it made when the post has some."""
    if rating.red_lines_crossed:
        return Reason.ngettext(
            "The reply crosses a red line ({lines}): it counts for nothing.",
            "The reply crosses {n} red lines ({lines}): it counts for nothing.",
            len(rating.red_lines_crossed), lines=", ".join(rating.red_line_labels or rating.red_lines_crossed))
    tone = rating.tone.why or Reason(rating.tone.reason, verbatim=True)
    length = rating.length.why or Reason(rating.length.reason, verbatim=True)
    if not rating.key_points_total:
        return Reason.of(N_("{tone} {length}"), tone=tone, length=length)
    return Reason.of(N_("{tone} {length} {points}"), tone=tone, length=length, points=Reason.of(
        N_("Key points made: {said} of {total}."), said=rating.key_points_said, total=rating.key_points_total))


def _post(post: Post) -> dict[str, Any]:
    return {"post": post.id, "t": post.t, "name": post.name, "handle": post.handle, "channel": post.channel,
            "text": post.text}


def _better_why(best: Option, crisis: Crisis, covered: bool, best_quality: float, chosen_quality: float) -> Reason:
    """Why the recommended option is better: its fit when it fits in full, else how it compares.

    A reason that criticises the recommended option ("information falls short...") would read
    as a reason not to choose it (issue 16), so a partial fit says why it is still the best here.
    """
    fit = option_fit(best, crisis, posture_covered=covered)
    if fit.score >= 1 and fit.why is not None:
        return fit.why
    if chosen_quality < 0:
        return Reason(N_("Of the options offered, it scores best by the rubric (strategy, tone and length); "
                         "any of them beats letting the time run out."))
    return Reason.of(N_("Of the options offered, it scores best by the rubric (strategy, tone and length): "
                        "{best} out of 100, against {chosen} for the choice made."),
                     best=round(best_quality * 100), chosen=round(chosen_quality * 100))


def _signals(session: Session) -> dict[str, Any]:
    """Signals caught, missed and false alarms, by one definition (issue 17).

    A post is *marked* when the team flagged it or answered it. A signal is *caught* when marked;
    a *false alarm* is a marked post that is not a signal. Precision is caught signals over
    marked posts, so flags and answers count alike on both sides.
    """
    state = session.state
    fired = [p for p in state.posts if p.signal]
    caught = [p for p in fired if p.id in state.caught_at]
    marked = [pid for pid, (action, _) in state.triage.items() if action in ("flag", "answer")]
    false_alarms = [pid for pid in marked if not session.posts[pid].signal]
    true_marks = len(marked) - len(false_alarms)
    if marked:
        precision = true_marks / len(marked)
    else:
        precision = 1.0 if caught else 0.0
    recall = len(caught) / len(fired) if fired else 1.0
    timeliness = (
        sum(max(0.0, 1 - (state.caught_at[p.id] - p.t) / SIGNAL_PATIENCE) for p in caught) / len(fired)
        if fired else 1.0
    )
    value = 0.4 * recall + 0.3 * precision + 0.3 * timeliness
    dismissed = [p for p in fired if p.id in state.triage and state.triage[p.id][0] == "dismiss"]
    # Each count decides its own noun's plural ("0 signal repéré" in French, "0 signals" in English).
    why = [Reason.of(
        N_("{caught}; {flags}."),
        caught=Reason.ngettext("{n} signal caught out of {total}", "{n} signals caught out of {total}",
                               len(caught), total=len(fired)),
        flags=Reason.ngettext("{n} real signal among {flags}", "{n} real signals among {flags}", true_marks,
                              flags=Reason.ngettext("{n} post flagged or answered", "{n} posts flagged or answered",
                                                    len(marked))),
    )]
    if dismissed:
        why.append(Reason.ngettext("{n} signal dismissed as noise.", "{n} signals dismissed as noise.",
                                   len(dismissed)))
    return {
        "score": value,
        "why": why,
        # Each post with who wrote it and what, so a stored round lists them without its case.
        "caught": [{**_post(p), "inject": p.inject, "after": state.caught_at[p.id] - p.t,
                    "how": state.triage[p.id][0]} for p in caught],
        "missed": [{**_post(p), "inject": p.inject} for p in fired if p.id not in state.caught_at],
        "false_flags": len(false_alarms),
        "false_alarms": [{**_post(session.posts[pid]), "how": state.triage[pid][0]} for pid in false_alarms],
        "precision": round(precision, 3),
        "recall": round(recall, 3),
    }
