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

Tone and channel fit follow the seed texts of the project: act as a participant, not an
advertiser; Twitter forces very short writing (Media Aces conference, 2011).
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.model import Cluster, Crisis, CrisisKind, Strategy, Tone

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
    Tone.empathetic: (1.0, "an empathetic voice speaks to people as a participant"),
    Tone.factual: (1.0, "plain facts are what people ask for in a crisis"),
    Tone.humble: (1.0, "humility lowers the temperature"),
    Tone.neutral: (0.7, "a neutral voice is safe but distant"),
    Tone.humorous: (0.4, "humour is risky while people are angry"),
    Tone.corporate: (0.35, "corporate language sounds like an advertiser, not a participant"),
    Tone.promotional: (0.1, "promotion in the middle of a crisis reads as an advertiser talking over people"),
    Tone.defensive: (0.2, "a defensive voice invites more attacks"),
    Tone.hostile: (0.0, "hostility towards the public feeds the story"),
    Tone.sarcastic: (0.0, "sarcasm from a brand account is screenshotted and shared"),
}


@dataclass(frozen=True, slots=True)
class Fit:
    """How well a strategy fits the crisis, from 0 to 1, and the reason in a trainer's words."""

    score: float
    reason: str


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


def describe_crisis(crisis: Crisis) -> str:
    """One sentence naming the cluster, the intensifiers and what the crisis calls for."""
    intensifiers = [
        name for name, on in (("a history of similar crises", crisis.crisis_history),
                              ("a bad prior reputation", crisis.bad_reputation)) if on
    ]
    posture = recommended_posture(crisis)
    article = "An" if crisis.cluster.value[0] in "aeiou" else "A"
    text = f"{article} {crisis.cluster.value} crisis"
    if crisis.kind:
        text += f" ({crisis.kind.value.replace('_', ' ')})"
    text += (" with " + " and ".join(intensifiers)) if intensifiers else " with no intensifier"
    needs = {
        "base": "instructing and adjusting information suffice",
        "diminish": "it calls for diminish strategies (excuse, justification) on top of information",
        "rebuild": "it calls for rebuild strategies (apology, compensation) on top of information",
    }[posture]
    return f"{text}: {needs} (Coombs 2007)."


def strategy_fit(strategy: Strategy, crisis: Crisis, *, posture_covered: bool = False) -> Fit:
    """Score one strategy against the crisis, following Coombs (2007).

    Args:
        strategy: The strategy of one choice.
        crisis: The case's crisis.
        posture_covered: The run also used the strategies the crisis calls for (for example an
            apology elsewhere): information is then the base of a complete response, not a
            response that falls short.
    """
    posture = POSTURE[strategy]
    label = strategy.value.replace("_", " ")
    if posture == "silence":
        return Fit(0.0, "Saying nothing leaves the story to others; every crisis calls at least for information.")
    if posture == "deny":
        if deny_fits(crisis):
            return Fit(1.0, f"{label.capitalize()} fits because the accusation is false (Coombs 2007, guideline 11).")
        return Fit(
            0.0,
            f"{label.capitalize()} only fits a false rumour or an unwarranted challenge; "
            "here it looks like evasion (Coombs 2007, guideline 11).",
        )
    if posture == "bolster":
        if strategy is Strategy.victimage:
            if crisis.cluster is Cluster.victim:
                return Fit(0.8, "Victimage fits the victim cluster only, as it does here (guideline 10).")
            return Fit(0.1, "Victimage fits the victim cluster only; here it sounds like self-pity (guideline 10).")
        return Fit(
            0.5, f"{label.capitalize()} (bolstering) can supplement a response but is not one on its own (guideline 9)."
        )
    needed = recommended_posture(crisis)
    if strategy is Strategy.compensation and crisis.serious_harm:
        return Fit(1.0, "Compensation is owed whenever victims suffer serious harm (guideline 8).")
    if posture == "base":
        if needed == "base":
            return Fit(1.0, "Instructing and adjusting information are what this crisis calls for (guideline 3).")
        if posture_covered:
            return Fit(
                1.0, f"Information is the base of every response, and your {needed} strategies elsewhere "
                "complete it (guidelines 1-7).",
            )
        return Fit(
            0.6, f"Information is the necessary base, but this crisis also calls for {needed} strategies (guidelines 1-7)."
        )
    gap = _LEVEL[posture] - _LEVEL[needed]
    if gap == 0:
        return Fit(1.0, f"{label.capitalize()} is a {posture} strategy, which is what this crisis calls for (Coombs 2007).")
    if gap > 0:
        return Fit(
            0.75, f"{label.capitalize()} accepts more responsibility than the crisis requires: costly, but not harmful."
        )
    return Fit(
        0.35, f"{label.capitalize()} falls short: this crisis calls for {needed} strategies (Coombs 2007, guidelines 4-7)."
    )


def consistency_penalty(postures: set[str]) -> tuple[float, str]:
    """Multiplier on the strategy score for an inconsistent response, and why (guidelines 9 and 12)."""
    if "deny" in postures and postures & {"diminish", "rebuild"}:
        return 0.7, "Denial was mixed with diminish or rebuild strategies, which erodes the whole response (guideline 12)."
    spoken = postures - {"silence"}
    if spoken and spoken <= {"bolster"}:
        return 0.6, "Bolstering was used on its own; it only supplements a real response (guideline 9)."
    return 1.0, ""


def tone_fit(tone: Tone) -> Fit:
    score, reason = TONE_FIT[tone]
    return Fit(score, reason[0].upper() + reason[1:] + ".")


def length_fit(length: int, limit: int | None) -> Fit:
    """Keep it short on short channels."""
    if limit is None or length <= limit:
        return Fit(1.0, "The message fits its channel.")
    return Fit(0.0, f"The message is {length} characters on a channel that takes {limit}: keep it short.")


def response_time_fit(delay: int | None, target: int) -> Fit:
    """Full marks within the target; nothing at three times the target or never."""
    if delay is None:
        return Fit(0.0, "The organisation never answered in public.")
    minutes = delay // 60
    if delay <= target:
        return Fit(1.0, f"First public answer {minutes} min after the first signal: fast enough.")
    score = max(0.0, 1 - (delay - target) / (2 * target))
    return Fit(score, f"First public answer {minutes} min after the first signal; aim for {target // 60} min.")
