"""The debrief's words in any language: one home for every renderer (terminal, window, host, report).

Each function takes a :class:`~game.i18n.Translator` for the language to show. What the engine
decided is kept as reasons (:class:`~game.i18n.Reason`) and worded here; a round stored before
reasons existed shows the prose it was stored with.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.engine.model import CalendarEntry, Option
from game.engine.rubric import strategy_meaning, strategy_name, tone_name
from game.i18n import ENDING_KINDS, N_, OBJECTIVE_STATES, PART_NAMES, SPEAKERS, Reason, Translator
from game.play.moments import moment
from game.play.debrief import Change, Debrief, DecisionReview, Mark, PartScore, ReplyReview, Signals, WrittenReview


def _say(reasons: tuple[Reason, ...] | list[Reason], tr: Translator, stored: str) -> str:
    return " ".join(tr.say(r) for r in reasons) if reasons else stored


def part_name(name: str, tr: Translator) -> str:
    """"Outcome", "Strategy fit"... ("Résultat"...)."""
    return tr.name(PART_NAMES, name).capitalize()


def part_note(part: PartScore, tr: Translator) -> str:
    """Why the part scored what it did."""
    return _say(part.reasons, tr, part.note)


def decision_why(decision: DecisionReview, tr: Translator) -> str:
    """Why the choice fits or not ("" when the author's feedback is the reason)."""
    return tr.say(decision.reason) if decision.reason is not None else decision.why


def reply_why(reply: ReplyReview, tr: Translator) -> str:
    """How a written reply counts as a public message (its tone, length, key points, red lines)."""
    return tr.say(reply.reason) if reply.reason is not None else reply.why


def better_why(decision: DecisionReview, tr: Translator) -> str:
    """Why the recommended option is better: the author's feedback on it, else the rubric's reason."""
    better = decision.better
    if better is None:
        return ""
    if better.feedback:
        return better.feedback
    return tr.say(better.reason) if better.reason is not None else better.why


def strategy(decision: DecisionReview, tr: Translator) -> str:
    return strategy_name(decision.strategy, tr.lang)


def crisis(debrief: Debrief, tr: Translator) -> str:
    """The crisis in the terms of SCCT, and what it calls for."""
    return tr.say(debrief.crisis_reason) if debrief.crisis_reason is not None else debrief.crisis_text


def ending_kind(debrief: Debrief, tr: Translator) -> str:
    return tr.name(ENDING_KINDS, debrief.ending.get("kind", "")).lower()


GOOD_SCORE, LOW_SCORE = 70, 50
"""A success ending below LOW_SCORE, or another ending at GOOD_SCORE or more, is said to disagree."""


def ending_and_score(debrief: Debrief, tr: Translator) -> str:
    """How the ending relates to the score (docs/scenario-format.md, 4.19): two verdicts, and
    whether they agree this time and why not."""
    rule = tr.gettext("The ending is what happened to the story: the case's first ending whose conditions the "
                      "round met, whatever the score. The score ({score} / 100) weighs the whole response: "
                      "strategies, timing, tone, triage and the final gauges.", score=tr.decimal(debrief.score, 0))
    kind = debrief.ending.get("kind", "")
    if kind == "success" and debrief.score < LOW_SCORE:
        note = tr.gettext("Here they disagree: the story ended well, but the response behind it scored low.")
    elif kind in ("mixed", "failure") and debrief.score >= GOOD_SCORE:
        note = tr.gettext("Here they disagree: the response scored well, but it did not do what the best ending "
                          "asks for; see the better options below.")
    else:
        note = tr.gettext("Here they agree.")
    return f"{rule} {note}"


def option_label(option: Option, tr: Translator) -> str:
    """An option as a decision panel lists it: its label, and who says it when the case names a
    ``speaker`` (a leader's apology and a spokesperson's score differently, so the team should see it)."""
    if option.speaker is None:
        return option.label
    # TRANSLATORS: an option in a decision panel, then who says it: "Apologise on video (said by the leader)".
    return tr.gettext("{label} ({speaker})", label=option.label, speaker=tr.name(SPEAKERS, option.speaker.value))


def objective_state(met: bool | None, tr: Translator) -> str:
    return tr.name(OBJECTIVE_STATES, met)


def signal_summary(signals: Signals, tr: Translator) -> str:
    """One line: caught out of the total, false alarms, precision and recall."""
    return tr.gettext(
        "{caught}, {false} (precision {precision}, recall {recall}).",
        caught=tr.ngettext("{n} signal caught out of {total}", "{n} signals caught out of {total}",
                           len(signals.caught), total=signals.total),
        false=tr.ngettext("with {n} false alarm", "with {n} false alarms", signals.false_count),
        precision=tr.percent(signals.precision), recall=tr.percent(signals.recall))


def signal_note(signals: Signals, tr: Translator, stored: str = "") -> str:
    """The signal part's note (caught, real signals among the posts marked, dismissed)."""
    return _say(signals.reasons, tr, stored)


def ended_early(debrief: Debrief, tr: Translator, calendar: Sequence[CalendarEntry] = ()) -> str:
    """What the debrief says of a round the facilitator ended before its time ("" otherwise);
    ``calendar``: the case's, to say the real date of the moment too."""
    at = debrief.ended_early_at
    if at is None:
        return ""
    return tr.gettext("The round was ended at {at}; the rest of it played out as silence before scoring.",
                      at=moment(tr, calendar, at, "debrief"))


def mark_meaning(mark: Mark, written: WrittenReview, tr: Translator) -> str:
    """What a phrase the assessor read in a written answer means: "apology: takes full
    responsibility... (a rebuild strategy)", "key point: A free exchange", "red line: ..."."""
    labels = {p.id: p.label for p in (*written.key_points, *written.red_lines)}
    if mark.kind == "strategy":
        colon = tr.gettext(": ")  # French puts a space before it
        return f"{strategy_name(mark.id, tr.lang)}{colon}{strategy_meaning(mark.id, tr.lang)}"
    if mark.kind == "tone":
        return tr.gettext("tone: {tone}", tone=tone_name(mark.id, tr.lang))
    if mark.kind == "key_point":
        return tr.gettext("key point: {label}", label=labels.get(mark.id, mark.id))
    if mark.kind == "red_line":
        return tr.gettext("red line crossed: {label}", label=labels.get(mark.id, mark.id))
    if mark.kind == "promise":
        return tr.gettext(N_("a promise with a time") if mark.id == "timed" else N_("a promise without a time: say when"))
    return mark.id


def change_text(change: Change, written: WrittenReview, tr: Translator) -> str:
    """One finding a person changed, said plainly, without who: "red line Blame the owners: crossed" (see :func:`change_line`)."""
    labels = {p.id: p.label for p in (*written.key_points, *written.red_lines)}
    if change.finding == "strategy":
        text = tr.gettext("strategy {detected} read as {now}", detected=strategy_name(str(change.detected), tr.lang),
                          now=strategy_name(str(change.now), tr.lang))
    else:
        template = {("key_point", True): N_("key point {label}: said"),
                    ("key_point", False): N_("key point {label}: not said"),
                    ("red_line", True): N_("red line {label}: crossed"),
                    ("red_line", False): N_("red line {label}: not crossed")}[(change.finding, bool(change.now))]
        text = tr.gettext(template, label=labels.get(change.id, change.id))
    return text


def change_line(change: Change, written: WrittenReview, tr: Translator) -> str:
    """The debrief's line for one finding a person changed, with who: "Changed by Ana: red line
    Blame the owners: crossed." (unsigned: "Changed by the facilitator: ...")."""
    text = change_text(change, written, tr)
    if change.by:
        return tr.gettext("Changed by {who}: {change}.", who=change.by, change=text)
    return tr.gettext("Changed by the facilitator: {change}.", change=text)
