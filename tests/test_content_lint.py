"""Answers that fit the post, a feed that does not repeat itself, scripted posts that follow the team.

The linter's content warnings on a small case made to trigger each of them, and the shipped cases
played far enough to see what a trainee would see (issue 17).
"""

from __future__ import annotations

import pytest

from game.authoring.lint import lint_files
from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.session import Session

from conftest import ROOT, SCENARIOS, TINY

REPETITIVE = ROOT / "tests" / "cases" / "repetitive" / "scenario.yaml"
CONTENT_CODES = {"signal-generic-replies", "pool-too-small", "noise-repeats-signal"}


def line_of(marker: str) -> int:
    lines = REPETITIVE.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if marker in line)


def test_each_content_warning_points_at_the_line_to_rewrite():
    found = {(d.code, d.line) for d in lint_files([REPETITIVE]) if d.code in CONTENT_CODES}
    assert found == {
        ("signal-generic-replies", line_of("  - id: press-call")),
        ("pool-too-small", line_of("  - id: chatter")),
        ("noise-repeats-signal", line_of("# the complaint again")),
        ("pool-too-small", line_of("# the chatter: too few")),
    }
    messages = " ".join(d.message for d in lint_files([REPETITIVE]))
    assert "'press-call'" in messages and "only the case-wide replies ('thanks')" in messages
    assert "write at least 15 texts" in messages  # 1.5 a minute, none back within ten minutes
    assert "repeats signal 'complaint'" in messages


def test_the_tiny_case_and_every_shipped_case_have_no_content_warning():
    files = [TINY / "scenario.yaml", TINY / "scenario.fr.yaml", *sorted(SCENARIOS.glob("*/scenario*.yaml"))]
    assert [str(d) for d in lint_files(files) if d.code in CONTENT_CODES] == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_cracked_jar_lid_gets_an_everyday_answer_and_the_memo_one_about_the_memo(language):
    case = load_case(SCENARIOS / "nestle-kitkat-2010", language).case
    session = Session(case, 1)
    session.advance(case.duration / 2)
    noise = next(p for p in session.feed if p.kind == "noise" and p.channel == "facebook")
    assert "route" in [r.id for r in session.replies_for(noise)]  # say sorry, send to consumer services
    session.fire("leaked-memo")
    memo = next(p for p in session.feed if p.inject == "leaked-memo")
    replies = session.replies_for(memo)
    assert {r.id for r in replies} == {"memo-disown", "memo-no-comment", "memo-fake"}
    assert all("Sinar Mas" not in (r.label or "") for r in replies)


def test_the_supply_chain_question_is_not_filler_before_its_signal():
    case = load_case(SCENARIOS / "nestle-kitkat-2010").case
    for seed in (1, 2, 3):
        feed = play(case, seed, "silent").feed
        assert not [p.text for p in feed if not p.signal and "middleman" in p.text.casefold()]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("option, story", [
    ("own", "trade-news-owned"), ("holding", "trade-news-holding"), ("watch", "trade-news"),
])
def test_the_trade_story_tells_what_the_team_said_on_day_one(language, option, story):
    case = load_case(SCENARIOS / "kryptonite-2004", language).case
    session = Session(case, 1)
    session.advance(180)  # the boss calls at 00:03:00
    session.decide("forum-thread", option)
    session.advance(20 * 60)  # well past the trade story at 00:06:00, and the statement at 00:10:00
    trade = [p.inject for p in session.feed if p.inject and p.inject.startswith("trade-news")]
    assert trade == [story]
    aware = "aware of the posts" if language == "en" else "au courant des messages"
    said_only = [p for p in session.feed if aware in p.text]
    assert bool(said_only) == (option == "watch")
