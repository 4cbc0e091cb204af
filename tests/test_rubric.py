"""The SCCT rubric follows Coombs (2007), guideline by guideline."""

from __future__ import annotations

import pytest

from game.engine.model import Crisis, Strategy as S, Tone
from game.engine.rubric import consistency_penalty, length_fit, recommended_posture, strategy_fit, tone_fit
from game.engine.scoring import score


def crisis(cluster, **extra):
    return Crisis(cluster=cluster, **extra)


@pytest.mark.parametrize(
    "cluster,extra,posture",
    [
        ("victim", {}, "base"),                                   # guideline 3
        ("victim", {"crisis_history": True}, "diminish"),         # guideline 4
        ("accidental", {}, "diminish"),                           # guideline 5
        ("accidental", {"bad_reputation": True}, "rebuild"),      # guideline 6
        ("preventable", {}, "rebuild"),                           # guideline 7
    ],
)
def test_recommended_posture(cluster, extra, posture):
    assert recommended_posture(crisis(cluster, **extra)) == posture


def test_deny_fits_only_a_false_rumour_or_challenge():  # guideline 11
    assert strategy_fit(S.denial, crisis("victim", kind="rumour", accusation_is_false=True)).score == 1
    assert strategy_fit(S.denial, crisis("victim", kind="rumour")).score == 0
    assert strategy_fit(S.attack_accuser, crisis("preventable", kind="organisational_misdeed")).score == 0


def test_falling_short_and_over_accommodating():
    preventable = crisis("preventable")
    assert strategy_fit(S.apology, preventable).score == 1
    assert strategy_fit(S.excuse, preventable).score < 0.5           # falls short
    assert 0.5 < strategy_fit(S.apology, crisis("victim")).score < 1  # costly, not harmful


def test_information_is_the_base_and_counts_fully_once_the_posture_is_covered():
    preventable = crisis("preventable")
    alone = strategy_fit(S.adjusting_information, preventable)
    assert alone.score == 0.6 and "rebuild" in alone.reason
    assert strategy_fit(S.adjusting_information, preventable, posture_covered=True).score == 1


def test_bolstering_is_a_supplement_and_mixing_deny_is_penalised():  # guidelines 9 and 12
    assert strategy_fit(S.ingratiation, crisis("accidental")).score == 0.5
    assert consistency_penalty({"deny", "rebuild"})[0] < 1
    assert consistency_penalty({"bolster"})[0] < 1
    assert consistency_penalty({"base", "rebuild", "bolster"})[0] == 1


def test_tone_and_length():
    assert tone_fit(Tone.empathetic).score == 1 and tone_fit(Tone.promotional).score < 0.2
    assert length_fit(300, 280).score == 0 and length_fit(120, 280).score == 1


def test_an_authors_verdict_replaces_the_strategy_fit_in_the_score_and_the_debrief(tmp_path):
    """Two instructing messages; one names the customers who complained. Only a verdict tells them apart."""
    from game.engine.bots import play
    from game.engine.loader import load_case
    from game.engine.session import Session

    from conftest import TINY

    leak = (
        "      - id: leak\n"
        "        label: Explain the refund and thank the families by name\n"
        "        strategy: instructing_information\n"
        "        tone: factual\n"
        "        channel: page\n"
        "        post: Bring any pot from batch 42 to a shop for a refund. Thanks to the Smith family for telling us.\n"
        "        effects: {metrics: {trust: 5}}\n"
        "        feedback: Naming the people who complained exposes them; privacy first.\n"
    )
    text = (TINY / "scenario.yaml").read_text(encoding="utf-8").replace("      - id: inform\n", leak + "      - id: inform\n")
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    unjudged = load_case(folder).case
    (folder / "scenario.yaml").write_text(text.replace("privacy first.\n", "privacy first.\n        verdict: poor\n"),
                                          encoding="utf-8")
    judged = load_case(folder).case

    def best_choice(case):
        return {d.decision: d.option for d in score(play(case, 1, "best")).decisions}["follow-up"]

    assert best_choice(unjudged) == "leak"  # the strategy alone cannot tell them apart: the first wins
    assert best_choice(judged) == "inform"

    session = Session(judged, 1)
    for decision, option in (("statement", "recall"), ("follow-up", "leak")):
        while decision not in {d.id for d in session.open_decisions}:
            session.step()
        session.decide(decision, option)
    session.end()
    feedback = {d.decision: d for d in score(session).decisions}["follow-up"]
    assert feedback.fit == 0 and feedback.feedback == "Naming the people who complained exposes them; privacy first."
    # the feedback gives the principle; the reason ("why" in play --json) says whose judgement it is
    assert feedback.why == "The case's author judges this choice poor, on a principle the SCCT strategy fit cannot see."
    assert feedback.better and feedback.better["option"] == "inform"
