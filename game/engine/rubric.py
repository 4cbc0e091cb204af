"""The scoring rubric, in one place so trainers can read why points were lost.

Strategy fit follows W. Timothy Coombs, "Protecting Organization Reputations During a Crisis:
The Development and Application of Situational Crisis Communication Theory", Corporate
Reputation Review 10(3), 2007, pp. 163-176 (the guidelines are numbered as in its Table 3):

- Victim cluster (natural disasters, rumours, tampering) with no intensifier: instructing and
  adjusting information suffice (guideline 3).
- Victim cluster with an intensifier (a history of similar crises or a bad prior reputation),
  or accidental cluster with none: add diminish strategies, excuse or justification (4, 5).
- Accidental cluster with an intensifier, or any preventable crisis: add rebuild strategies,
  compensation or apology (6, 7); compensation whenever victims suffer serious harm (8).
- Reminder and ingratiation (bolstering) only supplement another response (9); victimage fits
  the victim cluster only (10).
- Denial and attacking the accuser fit only rumours and unwarranted challenges (11).
- Mixing denial with diminish or rebuild strategies erodes the whole response (12).

Who speaks follows crisis practice for a grave crisis (one that calls for rebuild strategies):
responsibility is taken at the top, so an apology or compensation given only by a spokesperson
or the social-media team, with the leader never speaking in person, weighs less.

Tone and channel fit follow the seed texts of the project: act as a participant, not an
advertiser; Twitter forces very short writing (Media Aces conference, 2011).
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.model import Cluster, Crisis, CrisisKind, Speaker, Strategy, Tone
from game.i18n import N_, Reason, translator

WEIGHTS: dict[str, int] = {
    "outcome": 30,
    "strategy_fit": 25,
    "response_time": 15,
    "signal_detection": 15,
    "tone_and_channel": 15,
}
"""Points of each part of the score; they add up to 100."""

POSTURE: dict[Strategy, str] = {
    Strategy.attack_accuser: "deny",
    Strategy.denial: "deny",
    Strategy.scapegoat: "deny",
    Strategy.excuse: "diminish",
    Strategy.justification: "diminish",
    Strategy.compensation: "rebuild",
    Strategy.apology: "rebuild",
    Strategy.reminder: "bolster",
    Strategy.ingratiation: "bolster",
    Strategy.victimage: "bolster",
    Strategy.instructing_information: "base",
    Strategy.adjusting_information: "base",
    Strategy.no_comment: "silence",
}
_LEVEL = {"base": 0, "diminish": 1, "rebuild": 2}

TONE_FIT: dict[Tone, tuple[float, str]] = {
    Tone.empathetic: (1.0, N_("An empathetic voice speaks to people as a participant.")),
    Tone.factual: (1.0, N_("Plain facts are what people ask for in a crisis.")),
    Tone.humble: (1.0, N_("Humility lowers the temperature.")),
    Tone.neutral: (0.7, N_("A neutral voice is safe but distant.")),
    Tone.humorous: (0.4, N_("Humour is risky while people are angry.")),
    Tone.corporate: (0.35, N_("Corporate language sounds like an advertiser, not a participant.")),
    Tone.promotional: (0.1, N_("Promotion in the middle of a crisis reads as an advertiser talking over people.")),
    Tone.defensive: (0.2, N_("A defensive voice invites more attacks.")),
    Tone.hostile: (0.0, N_("Hostility towards the public feeds the story.")),
    Tone.sarcastic: (0.0, N_("Sarcasm from a brand account is screenshotted and shared.")),
}

# The trainer's names of the theory's terms, in English; each front end and note translates them
# with the case's or the player's language (``translator(lang).gettext(STRATEGY_NAMES[s])``).
STRATEGY_NAMES: dict[Strategy, str] = {
    Strategy.attack_accuser: N_("attack accuser"),
    Strategy.denial: N_("denial"),
    Strategy.scapegoat: N_("scapegoat"),
    Strategy.excuse: N_("excuse"),
    Strategy.justification: N_("justification"),
    Strategy.compensation: N_("compensation"),
    Strategy.apology: N_("apology"),
    Strategy.reminder: N_("reminder"),
    Strategy.ingratiation: N_("ingratiation"),
    Strategy.victimage: N_("victimage"),
    Strategy.instructing_information: N_("instructing information"),
    Strategy.adjusting_information: N_("adjusting information"),
    Strategy.no_comment: N_("no comment"),
}
# What each strategy does, in the theory's terms (Coombs 2007, Table 1), for the debrief of a
# written answer: each phrase the assessor read is shown with what its strategy means.
STRATEGY_MEANINGS: dict[Strategy, str] = {
    Strategy.attack_accuser: N_("confronts whoever says something is wrong (a deny strategy)"),
    Strategy.denial: N_("says there is no crisis (a deny strategy)"),
    Strategy.scapegoat: N_("blames someone outside the organisation (a deny strategy)"),
    Strategy.excuse: N_("plays down the organisation's responsibility: no intent, no control (a diminish strategy)"),
    Strategy.justification: N_("plays down the harm the crisis did (a diminish strategy)"),
    Strategy.compensation: N_("offers the victims money or something else (a rebuild strategy)"),
    Strategy.apology: N_("takes full responsibility and asks for forgiveness (a rebuild strategy)"),
    Strategy.reminder: N_("recalls the organisation's past good works (bolstering)"),
    Strategy.ingratiation: N_("praises the stakeholders (bolstering)"),
    Strategy.victimage: N_("says the organisation is a victim of the crisis too (bolstering)"),
    Strategy.instructing_information: N_("tells people what to do to protect themselves (the base of every response)"),
    Strategy.adjusting_information: N_("helps people cope: what happened, what is being done, concern for "
                                       "them (the base of every response)"),
    Strategy.no_comment: N_("says nothing of substance: the story is left to others"),
}
TONE_NAMES: dict[Tone, str] = {
    Tone.empathetic: N_("empathetic"), Tone.factual: N_("factual"), Tone.humble: N_("humble"),
    Tone.neutral: N_("neutral"), Tone.humorous: N_("humorous"), Tone.corporate: N_("corporate"),
    Tone.promotional: N_("promotional"), Tone.defensive: N_("defensive"), Tone.hostile: N_("hostile"),
    Tone.sarcastic: N_("sarcastic"),
}
CLUSTER_NAMES: dict[Cluster, str] = {
    Cluster.victim: N_("victim"),
    Cluster.accidental: N_("accidental"),
    Cluster.preventable: N_("preventable"),
}
KIND_NAMES: dict[CrisisKind, str] = {
    CrisisKind.natural_disaster: N_("natural disaster"),
    CrisisKind.rumour: N_("rumour"),
    CrisisKind.workplace_violence: N_("workplace violence"),
    CrisisKind.product_tampering: N_("product tampering"),
    CrisisKind.challenge: N_("challenge"),
    CrisisKind.technical_error_accident: N_("technical error accident"),
    CrisisKind.technical_error_product_harm: N_("technical error product harm"),
    CrisisKind.human_error_accident: N_("human error accident"),
    CrisisKind.human_error_product_harm: N_("human error product harm"),
    CrisisKind.organisational_misdeed: N_("organisational misdeed"),
}
_CRISIS_OF_CLUSTER = {
    Cluster.victim: N_("A victim crisis"),
    Cluster.accidental: N_("An accidental crisis"),
    Cluster.preventable: N_("A preventable crisis"),
}


def strategy_name(strategy: Strategy | str, lang: str = "en") -> str:
    """A strategy's name in ``lang`` ("apology", "excuses publiques")."""
    try:
        return translator(lang).gettext(STRATEGY_NAMES[Strategy(strategy)])
    except ValueError:
        return str(strategy).replace("_", " ")


def strategy_meaning(strategy: Strategy | str, lang: str = "en") -> str:
    """What ``strategy`` does in SCCT terms, in ``lang`` ("" for an unknown id)."""
    try:
        return translator(lang).gettext(STRATEGY_MEANINGS[Strategy(strategy)])
    except ValueError:
        return ""


def tone_name(tone: Tone | str, lang: str = "en") -> str:
    """A tone's name in ``lang`` ("promotional", "promotionnel")."""
    try:
        return translator(lang).gettext(TONE_NAMES[Tone(tone)])
    except ValueError:
        return str(tone)


def crisis_name(crisis: Crisis, lang: str = "en") -> str:
    """The crisis's cluster and type in ``lang``: "preventable · human error product harm"."""
    _ = translator(lang).gettext
    text = _(CLUSTER_NAMES[crisis.cluster])
    return f"{text} · {_(KIND_NAMES[crisis.kind])}" if crisis.kind else text


@dataclass(frozen=True, slots=True)
class Fit:
    """How well a strategy fits the crisis, from 0 to 1, and why: worded in the case's language
    (``reason``) and kept as a :class:`~game.i18n.Reason` (``why``) for any other language."""

    score: float
    reason: str
    why: Reason | None = None


def _fit(score: float, lang: str, text: str, /, **params: object) -> Fit:
    why = Reason.of(text, **params)
    return Fit(score, translator(lang).say(why), why)


def _strategy(strategy: Strategy) -> Reason:
    """The strategy's name as the start of a sentence."""
    return Reason(STRATEGY_NAMES[strategy], capital=True)


def recommended_posture(crisis: Crisis) -> str:
    """``"base"``, ``"diminish"`` or ``"rebuild"``: the least the crisis calls for (guidelines 3-7)."""
    intensified = crisis.crisis_history or crisis.bad_reputation
    if crisis.cluster is Cluster.victim:
        return "diminish" if intensified else "base"
    if crisis.cluster is Cluster.accidental:
        return "rebuild" if intensified else "diminish"
    return "rebuild"


def deny_fits(crisis: Crisis) -> bool:
    """Denial and attacking the accuser fit an unfounded rumour or challenge only (guideline 11)."""
    return crisis.kind in (CrisisKind.rumour, CrisisKind.challenge) and crisis.accusation_is_false


def crisis_reason(crisis: Crisis) -> Reason:
    """One sentence naming the cluster, the intensifiers and what the crisis calls for."""
    intensifiers = [
        Reason(name) for name, on in ((N_("a history of similar crises"), crisis.crisis_history),
                                      (N_("a bad prior reputation"), crisis.bad_reputation)) if on
    ]
    posture = recommended_posture(crisis)
    text = Reason(_CRISIS_OF_CLUSTER[crisis.cluster])
    if crisis.kind:
        text = Reason.of(N_("{crisis} ({kind})"), crisis=text, kind=Reason(KIND_NAMES[crisis.kind]))
    if len(intensifiers) == 2:
        text = Reason.of(N_("{crisis} with {first} and {second}"), crisis=text, first=intensifiers[0],
                         second=intensifiers[1])
    elif intensifiers:
        text = Reason.of(N_("{crisis} with {first}"), crisis=text, first=intensifiers[0])
    else:
        text = Reason.of(N_("{crisis} with no intensifier"), crisis=text)
    needs = {
        "base": N_("instructing and adjusting information suffice"),
        "diminish": N_("it calls for diminish strategies (excuse, justification) on top of information"),
        "rebuild": N_("it calls for rebuild strategies (apology, compensation) on top of information"),
    }[posture]
    return Reason.of(N_("{crisis}: {needs} (Coombs 2007)."), crisis=text, needs=Reason(needs))


def describe_crisis(crisis: Crisis, lang: str = "en") -> str:
    """:func:`crisis_reason` worded in ``lang``."""
    return translator(lang).say(crisis_reason(crisis))


# Sentences that name the posture the crisis calls for, one per posture so each reads naturally
# in every language.
_COVERED = {
    "diminish": N_("Information is the base of every response, and your diminish strategies elsewhere "
                   "complete it (guidelines 1-7)."),
    "rebuild": N_("Information is the base of every response, and your rebuild strategies elsewhere "
                  "complete it (guidelines 1-7)."),
}
_BASE_ONLY = {
    "diminish": N_("Information is the necessary base, but this crisis also calls for diminish strategies "
                   "(guidelines 1-7)."),
    "rebuild": N_("Information is the necessary base, but this crisis also calls for rebuild strategies "
                  "(guidelines 1-7)."),
}
_MATCH = {
    "diminish": N_("{strategy} is a diminish strategy, which is what this crisis calls for (Coombs 2007)."),
    "rebuild": N_("{strategy} is a rebuild strategy, which is what this crisis calls for (Coombs 2007)."),
}
_SHORT = {
    "diminish": N_("{strategy} falls short: this crisis calls for diminish strategies (Coombs 2007, guidelines 4-7)."),
    "rebuild": N_("{strategy} falls short: this crisis calls for rebuild strategies (Coombs 2007, guidelines 4-7)."),
}


def strategy_fit(strategy: Strategy, crisis: Crisis, *, posture_covered: bool = False, lang: str = "en") -> Fit:
    """Score one strategy against the crisis, following Coombs (2007).

    Args:
        strategy: The strategy of one choice.
        crisis: The case's crisis.
        posture_covered: The run also used the strategies the crisis calls for (for example an
            apology elsewhere): information is then the base of a complete response, not a
            response that falls short.
        lang: The language of the worded reason (the case's); ``why`` keeps it for any other.
    """
    posture = POSTURE[strategy]
    label = _strategy(strategy)
    if posture == "silence":
        return _fit(0.0, lang, N_("Saying nothing leaves the story to others; every crisis calls at least for "
                                  "information."))
    if posture == "deny":
        if deny_fits(crisis):
            return _fit(1.0, lang, N_("{strategy} fits because the accusation is false (Coombs 2007, guideline 11)."),
                        strategy=label)
        return _fit(0.0, lang, N_("{strategy} only fits a false rumour or an unwarranted challenge; "
                                  "here it looks like evasion (Coombs 2007, guideline 11)."), strategy=label)
    if posture == "bolster":
        if strategy is Strategy.victimage:
            if crisis.cluster is Cluster.victim:
                return _fit(0.8, lang, N_("Victimage fits the victim cluster only, as it does here (guideline 10)."))
            return _fit(0.1, lang, N_("Victimage fits the victim cluster only; here it sounds like self-pity "
                                      "(guideline 10)."))
        return _fit(0.5, lang, N_("{strategy} (bolstering) can supplement a response but is not one on its own "
                                  "(guideline 9)."), strategy=label)
    needed = recommended_posture(crisis)
    if strategy is Strategy.compensation and crisis.serious_harm:
        return _fit(1.0, lang, N_("Compensation is owed whenever victims suffer serious harm (guideline 8)."))
    if posture == "base":
        if needed == "base":
            return _fit(1.0, lang, N_("Instructing and adjusting information are what this crisis calls for "
                                      "(guideline 3)."))
        if posture_covered:
            return _fit(1.0, lang, _COVERED[needed])
        return _fit(0.6, lang, _BASE_ONLY[needed])
    gap = _LEVEL[posture] - _LEVEL[needed]
    if gap == 0:
        return _fit(1.0, lang, _MATCH[posture], strategy=label)
    if gap > 0:
        return _fit(0.75, lang, N_("{strategy} accepts more responsibility than the crisis requires: costly, but "
                                   "not harmful."), strategy=label)
    return _fit(0.35, lang, _SHORT[needed], strategy=label)


def consistency_penalty(postures: set[str], lang: str = "en") -> tuple[float, str]:
    """Multiplier on the strategy score for an inconsistent response, and why (guidelines 9 and 12)."""
    multiplier, why = consistency(postures)
    return multiplier, translator(lang).say(why)


def consistency(postures: set[str]) -> tuple[float, Reason | None]:
    """:func:`consistency_penalty` with its reason kept as a :class:`~game.i18n.Reason` (None: consistent)."""
    if "deny" in postures and postures & {"diminish", "rebuild"}:
        return 0.7, Reason(N_("Denial was mixed with diminish or rebuild strategies, which erodes the whole "
                              "response (guideline 12)."))
    spoken = postures - {"silence"}
    if spoken and spoken <= {"bolster"}:
        return 0.6, Reason(N_("Bolstering was used on its own; it only supplements a real response (guideline 9)."))
    return 1.0, None


SPEAKER_WEIGHT: dict[Speaker, float] = {Speaker.leader: 1.0, Speaker.spokesperson: 0.9, Speaker.team: 0.8}
"""Multiplier on a rebuild strategy's fit in a grave crisis when the leader never spoke one in person."""
SPEAKER_NAMES: dict[Speaker, str] = {
    Speaker.leader: N_("the leader"),
    Speaker.spokesperson: N_("a spokesperson"),
    Speaker.team: N_("the social-media team"),
}


def speaker_weight(speaker: Speaker | None, strategy: Strategy, crisis: Crisis, *,
                   leader_spoke: bool = False) -> tuple[float, Reason | None]:
    """How much who says it changes a strategy's fit, and why (1 and None when it does not matter).

    Only an option that names its ``speaker`` is weighed, and only for a rebuild strategy in a
    crisis that calls for rebuild strategies: there the leader is expected to take responsibility
    in person. ``leader_spoke``: the leader gave a rebuild strategy elsewhere in the run, so a
    spokesperson or the team can carry this one in full.
    """
    if speaker is None or POSTURE[strategy] != "rebuild" or recommended_posture(crisis) != "rebuild":
        return 1.0, None
    if speaker is Speaker.leader:
        return 1.0, Reason(N_("The leader speaks in person, as a crisis of this gravity calls for."))
    who = Reason(SPEAKER_NAMES[speaker], capital=True)
    if leader_spoke:
        return 1.0, Reason.of(N_("{speaker} carries it in full, since the leader took responsibility in person "
                                 "in the round."), speaker=who)
    return SPEAKER_WEIGHT[speaker], Reason.of(
        N_("{speaker} says it, and the leader never does: a crisis of this gravity expects responsibility to be "
           "taken at the top, so it weighs less."), speaker=who)


def tone_fit(tone: Tone, lang: str = "en") -> Fit:
    score, reason = TONE_FIT[tone]
    return _fit(score, lang, reason)


def length_fit(length: int, limit: int | None, lang: str = "en") -> Fit:
    """Keep it short on short channels."""
    if limit is None or length <= limit:
        return _fit(1.0, lang, N_("The message fits its channel."))
    return _fit(0.0, lang, N_("The message is {length} characters on a channel that takes {limit}: keep it short."),
                length=length, limit=limit)


def response_time_fit(delay: int | None, target: int, lang: str = "en") -> Fit:
    """Full marks within the target; nothing at three times the target or never."""
    if delay is None:
        return _fit(0.0, lang, N_("The organisation never answered in public."))
    if delay < 0:
        # The team spoke before the crisis reached it (a welcome post, a statement ahead of the
        # story): not late, and no "-2 min after" either.
        return _fit(1.0, lang, N_("First public answer before the first signal: the team spoke first."))
    minutes = delay // 60
    if delay <= target:
        return _fit(1.0, lang, N_("First public answer {minutes} min after the first signal: fast enough."),
                    minutes=minutes)
    score = max(0.0, 1 - (delay - target) / (2 * target))
    return _fit(score, lang, N_("First public answer {minutes} min after the first signal; aim for {target} min."),
                minutes=minutes, target=target // 60)
