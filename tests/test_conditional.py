"""Options, replies, post variants, channels, noise pools and chatter that depend on the run (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.authoring.lint import lint_files
from game.engine.loader import load_case
from game.engine.session import EngineError, Session, Status

CASE = Path(__file__).parent / "cases" / "conditional"
TEXT = (CASE / "scenario.yaml").read_text(encoding="utf-8")


def play(first: str | None, seed: int = 3) -> Session:
    """Answer the first decision with ``first`` (None: let it time out); stop when the follow-up opens."""
    session = Session(load_case(CASE).case, seed)
    while session.status is not Status.ENDED:
        open_ids = [d.id for d in session.open_decisions]
        if "follow-up" in open_ids:
            return session
        if "first-answer" in open_ids and first is not None:
            session.decide("first-answer", first)
        session.step()
    raise AssertionError("the follow-up never opened")


def follow_up(session: Session):
    return next(d for d in session.open_decisions if d.id == "follow-up")


def test_an_option_with_when_is_offered_only_when_it_holds() -> None:
    after_apology = play("apologise")
    assert [o.id for o in follow_up(after_apology).options] == ["instruct", "promo", "blog-update"]
    after_denial = play("deny")
    assert [o.id for o in follow_up(after_denial).options] == ["instruct", "promo"]
    with pytest.raises(EngineError, match="no option 'blog-update'"):
        after_denial.decide("follow-up", "blog-update")


def test_a_post_variant_replaces_the_post_when_its_condition_holds() -> None:
    denial = play("deny")
    denial.decide("follow-up", "instruct")
    published = [p.text for p in denial.feed if p.author == "organisation"]
    assert published[-1].startswith("Worried about your bread?")
    apology = play("apologise")
    apology.decide("follow-up", "instruct")
    assert [p.text for p in apology.feed if p.author == "organisation"][-1].startswith("Bought bread from batch 17?")


def test_a_channel_opened_by_a_choice_carries_nothing_before_it() -> None:
    for first, opens in (("apologise", True), ("deny", False)):
        session = play(first)
        session.decide("follow-up", "blog-update" if opens else "promo")
        while session.status is not Status.ENDED:
            session.step()
        blog = [p for p in session.feed if p.channel == "blog"]
        assert bool(blog) is opens
        if opens:  # the blog's noise pool waits for its `when` and its channel
            assert min(p.t for p in blog) >= session.state.decided_at["first-answer"]


def test_a_reply_with_when_is_offered_only_once_it_holds() -> None:
    session = play("apologise")
    customer_post = next(p for p in session.feed if p.inject == "mould-photo")
    assert "refund-link" in [r.id for r in session.replies_for(customer_post)]
    early = Session(load_case(CASE).case, 3)
    while not any(p.inject == "mould-photo" for p in early.feed):
        early.step()
    photo = next(p for p in early.feed if p.inject == "mould-photo")
    assert [r.id for r in early.replies_for(photo)] == ["thanks"]
    with pytest.raises(EngineError, match="no reply 'refund-link'"):
        early.triage(photo.id, "answer", "refund-link")


def test_supportive_chatter_waits_for_its_condition() -> None:
    case = load_case(CASE).case
    supportive = set(case.story.supportive_texts)
    fill = {t.replace("{org}", case.organisation.name) for t in supportive}
    session = Session(case.model_copy(update={"metrics": {**case.metrics, "sentiment": 95}}), 5)
    while session.status is not Status.ENDED:
        session.step()  # silence: first-answer times out, nothing ever apologises
    assert not [p for p in session.feed if p.kind == "story" and p.text in fill]


def check(tmp_path: Path, old: str, new: str) -> list[tuple[str, int, int, str]]:
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    return [(d.code, d.line, d.column, d.message) for d in lint_files([tmp_path / "scenario.yaml"])]


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def test_a_when_naming_nothing_is_an_error_at_its_place(tmp_path: Path) -> None:
    old = "        when: {chose: first-answer.apologise}   # only offered"
    found = check(tmp_path, old, "        when: {chose: first-answer.apologize}   # only offered")
    line = line_of(TEXT, "# only offered after the apology")
    assert ("unknown-ref", line, 23) == found[0][:3]  # at the value of `chose`
    assert "did you mean 'apologise'" in found[0][3]


def test_variants_without_a_post_are_an_error(tmp_path: Path) -> None:
    old = "        post: Bought bread from batch 17? Bring it, or the receipt, to any Crumb & Co shop for a full refund.\n"
    found = check(tmp_path, old, "")
    assert [c for c, *_ in found] == ["field-missing"]
    assert found[0][1] == line_of(TEXT, "variants:   # the first")


def test_a_decision_left_with_one_option_on_some_path_is_reported(tmp_path: Path) -> None:
    found = check(tmp_path, "        label: Post a discount on cakes\n",
                  "        when: {chose: first-answer.apologise}\n        label: Post a discount on cakes\n")
    assert [(c, line) for c, line, *_ in found] == [("too-few-options", line_of(TEXT, "- id: instruct"))]
    # The first path the linter finds, named exactly (an `or` of two paths let either pass).
    assert found[0][3].startswith("when first-answer.deny was chosen, 'follow-up' offers only 'instruct': ")


def test_an_option_when_that_never_holds_is_reported(tmp_path: Path) -> None:
    found = check(tmp_path, "        when: {chose: first-answer.apologise}   # only offered",
                  "        when: {flag: nobody-sets-it}   # only offered")
    codes = [c for c, *_ in found]
    assert "flag-never-set" in codes and "condition-never-true" in codes


SILENCE = """      - id: silence
        label: Say nothing for now
        strategy: no_comment
        feedback: Silence is not an answer.
      - id: deny
"""


def _trust_after_silence(tmp_path: Path, handled_by: str) -> float:
    text = TEXT.replace("      - id: deny\n", SILENCE, 1)
    text = text.replace("    handled_by: [first-answer]", f"    handled_by: {handled_by}", 1)
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    session = Session(load_case(tmp_path).case, 4)
    while session.status is not Status.ENDED:
        if any(d.id == "first-answer" for d in session.open_decisions):
            session.decide("first-answer", "silence")
        session.step()
    return session.state.metrics["trust"]


def test_a_no_comment_option_does_not_answer_a_signal_unless_named(tmp_path: Path) -> None:
    by_default = _trust_after_silence(tmp_path, "[first-answer]")
    named = _trust_after_silence(tmp_path, "[first-answer.silence]")
    assert named > by_default + 1  # the unanswered photo kept eroding trust


def test_handled_by_naming_an_unknown_option_is_an_error(tmp_path: Path) -> None:
    found = check(tmp_path, "    handled_by: [first-answer]", "    handled_by: [first-answer.apologize]")
    assert found[0][:3] == ("unknown-ref", line_of(TEXT, "handled_by: [first-answer]"), 18)
    assert "did you mean 'apologise'" in found[0][3]


def _apologise_at(t: int, seed: int = 3, case=None) -> Session:
    session = Session(case or load_case(CASE).case, seed)
    while session.status is not Status.ENDED:
        if session.t >= t and any(d.id == "first-answer" for d in session.open_decisions):
            session.decide("first-answer", "apologise")
            return session
        session.step()
    raise AssertionError("first-answer never opened")


def test_a_late_option_applies_its_late_effects() -> None:
    early, late = _apologise_at(120), _apologise_at(310)
    trust_before_early = early.state.samples[-1][1]["trust"]
    assert early.state.metrics["trust"] - trust_before_early > 10  # the full +12
    before_late = late.state.samples[-1][1]["trust"]
    assert late.state.metrics["trust"] - before_late < 5  # the late +3
    assert "withdrawn" in late.state.flags


def _reactors(case) -> set[str]:
    """Who reacted to an early apology, over a dozen seeds."""
    authors: set[str] = set()
    for seed in range(1, 13):
        session = _apologise_at(120, seed, case)
        while session.status is not Status.ENDED:
            session.step()
        authors |= {p.author for p in session.feed if p.kind == "reaction"}
    return authors


def test_reactions_target_persona_kinds_and_leave_out_exclusions(tmp_path: Path) -> None:
    assert _reactors(load_case(CASE).case) == {"customer"}  # the press and the excluded boss never cheer
    everyone = TEXT.replace("    kinds: [public]               # a news outlet", "    # a news outlet", 1)
    (tmp_path / "scenario.yaml").write_text(everyone, encoding="utf-8")
    assert "journalist" in _reactors(load_case(tmp_path).case)


def test_misused_kinds_exclude_and_late_are_errors_at_their_place(tmp_path: Path) -> None:
    found = check(tmp_path, "    exclude: [boss]", "    exclude: [bos]")
    assert found[0][:3] == ("unknown-ref", line_of(TEXT, "exclude: [boss]"), 15)
    found = check(tmp_path, "    kinds: [public] ", "    kinds: [publc] ")
    assert found[0][0] == "field-invalid" and found[0][1] == line_of(TEXT, "kinds: [public]")
    assert "did you mean 'public'" in found[0][3]
    found = check(tmp_path, '          after: "00:05:00"', '          after: "00:25:00"')
    assert found[0][:2] == ("after-end", line_of(TEXT, 'after: "00:05:00"'))


def test_the_crowd_says_nothing_about_a_crisis_before_the_story_starts(tmp_path: Path) -> None:
    """`story.start`: no chatter before the crisis breaks (its first post at 00:01:00), chatter after;
    a start past the end is an error at its line."""
    story = "story:\n  channels: [micro, page]\n"
    assert story in TEXT
    (tmp_path / "scenario.yaml").write_text(TEXT.replace(story, story + '  start: "00:01:00"\n', 1), encoding="utf-8")
    starting = load_case(tmp_path).case
    always = load_case(CASE).case
    texts = set(always.story.texts) | set(always.story.supportive_texts)

    def chatter(case, seed: int) -> list[int]:
        session = Session(case, seed)
        while session.status is not Status.ENDED:
            session.step()
        return [p.t for p in session.state.posts if getattr(p, "template", None) in texts]

    seeds = range(1, 13)
    assert all(t >= 60 for seed in seeds for t in chatter(starting, seed))
    assert all(chatter(starting, seed) for seed in seeds)  # the story still runs once it starts
    assert any(t < 60 for seed in seeds for t in chatter(always, seed))  # without it, some talk comes first
    late = TEXT.replace(story, story + '  start: "00:30:00"\n', 1)
    (tmp_path / "scenario.yaml").write_text(late, encoding="utf-8")
    found = [(d.code, d.line) for d in lint_files([tmp_path / "scenario.yaml"])]
    assert ("after-end", line_of(late, 'start: "00:30:00"')) in found
