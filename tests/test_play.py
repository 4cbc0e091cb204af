"""The play layer: a round's pace, its clock, the facilitator's actions and the alerts players see."""

from __future__ import annotations

import json

import pytest

from game.engine.loader import case_files, load_case
from game.engine.scoring import option_quality, score, score_so_far
from game.engine.session import DecisionOpened, PostAdded, Session
from game.play.alerts import DeadlineNear, InjectFired, NoteKept, Trending, for_players
from game.play.pace import pace, reading_time
from game.play.round import ChoiceRefused, Round
from tests.conftest import SCENARIOS

SHIPPED = list(case_files(SCENARIOS))


def run_until(rnd: Round, condition, step: float = 0.5, limit: float = 50_000) -> list:
    """Tick in steps of ``step`` real seconds until ``condition(items)`` holds; the items seen."""
    seen: list = []
    spent = 0.0
    while not condition(seen):
        assert spent < limit and not rnd.ended, "the round never got there"
        seen += rnd.tick(step).items
        spent += step
    return seen


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_decision_leaves_its_reading_time_at_the_default_speed(path):
    case = load_case(path).case
    figures = pace(case)
    for decision in case.decisions:
        # The decision's real length, measured by playing: open it, then let it run out.
        session = Session(case, seed=1)
        rnd = Round(session)
        rnd.fire(decision.id) if decision.optional else None
        while not (rnd.ended or decision.id in session.state.open or decision.id in session.state.choices):
            rnd.tick(30.0)
        if decision.id not in session.state.open:
            continue  # conditional decision that this silent round never opens
        spent = 0.0
        while decision.id in session.state.open:
            rnd.tick(1.0)
            spent += 1.0
        words_time = reading_time(decision)
        assert spent >= words_time - 10, (decision.id, spent, words_time)  # 10 s: one engine tick at 1 s = 1 s
        assert dict(figures.decisions)[decision.id] >= words_time - 1e-6


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_default_speed_makes_the_round_last_what_the_briefing_says(path):
    case = load_case(path).case
    figures = pace(case)
    assert figures.round_seconds >= (case.plays_in or case.duration)


def test_a_case_that_plays_in_less_time_is_slowed_for_its_decisions(tiny_case):
    case = tiny_case.model_copy(update={"plays_in": max(60, tiny_case.duration // 20)})
    rnd = Round(Session(case, seed=1))
    assert rnd.speed == pytest.approx(case.duration / case.plays_in)
    items = run_until(rnd, lambda seen: any(isinstance(i, DecisionOpened) for i in seen))
    decision = next(i for i in items if isinstance(i, DecisionOpened)).decision
    assert rnd.effective_speed < rnd.speed
    assert rnd.real_time_left(decision.id) >= reading_time(decision) - 10 / rnd.effective_speed - 1


def test_a_closed_decision_refuses_a_choice_instead_of_taking_the_next(tiny_case):
    session = Session(tiny_case, seed=1)
    rnd = Round(session, speed=60)
    run_until(rnd, lambda seen: any(isinstance(i, DecisionOpened) for i in seen))
    first = session.open_decisions[0]
    while first.id in session.state.open:
        rnd.tick(1.0)
    with pytest.raises(ChoiceRefused, match="already closed"):
        rnd.decide(first.id, first.options[0].id)
    assert session.state.choices[first.id] is None


def test_a_note_and_an_inject_never_reach_the_players(tiny_case):
    session = Session(tiny_case, seed=1)
    rnd = Round(session, speed=30)
    heard = []
    rnd.subscribe(heard.append)
    rnd.tick(5)
    note = rnd.note("Team froze", by="observer")
    assert any(isinstance(i, NoteKept) and i.text == "Team froze" for i in note.items)
    assert for_players(note.items) == []
    optional = rnd.optional_items()
    if optional:
        fired = rnd.fire(optional[0].id, by="facilitator")
        shown = for_players(fired.items)
        assert not any(isinstance(i, InjectFired) for i in shown)
        assert any(isinstance(i, (PostAdded, DecisionOpened)) for i in shown)
    assert heard[-1].by == ("facilitator" if optional else "observer")
    assert rnd.notes == [(session.t if not optional else note.items[0].at, "Team froze")]


def test_one_minute_left_counts_real_seconds(tiny_case):
    session = Session(tiny_case, seed=1)
    rnd = Round(session, speed=120, pace=False)
    items = run_until(rnd, lambda seen: any(isinstance(i, DeadlineNear) for i in seen), step=0.25)
    alert = next(i for i in items if isinstance(i, DeadlineNear))
    assert alert.real_seconds_left <= 60
    # At 1 s = 120 s a 60-second warning is two real hours of simulated time: it comes at once.
    assert session.time_left(alert.decision.id) > 60


def test_speed_steps_and_pause(tiny_case):
    rnd = Round(Session(tiny_case, seed=1), speed=1.5)
    assert rnd.faster().items[0].speed == 2.0
    assert rnd.slower().items[0].speed == 1.0
    rnd.pause()
    t = rnd.session.t
    rnd.tick(100)
    assert rnd.session.t == t
    rnd.resume()
    assert rnd.speed == 1.0


def test_a_stored_round_reports_in_both_languages(tiny_case):
    import json

    from game.engine.bots import play
    from game.i18n import translator
    from game.play import words
    from game.play.debrief import Debrief

    result = score(play(tiny_case, 3, "worst"))
    stored = json.loads(json.dumps(result.to_json()))  # what the log and the results store keep
    debrief = Debrief.from_json(stored)
    english, french = translator("en"), translator("fr")
    outcome = next(p for p in debrief.parts if p.name == "outcome")
    assert words.part_note(outcome, english) == result.breakdown["outcome"].note  # the round's own words
    assert words.part_note(outcome, french).startswith("Opinion finale")
    assert "Final sentiment" not in words.part_note(outcome, french)
    assert words.crisis(debrief, french).startswith("Une crise") and words.crisis(debrief, english).startswith("A ")
    for d in debrief.decisions:
        if d.reason is not None:
            assert words.decision_why(d, english) == d.why
            assert words.decision_why(d, french) != d.why
    assert "signal" in words.signal_summary(debrief.signals, french)


def test_signals_are_listed_by_post_with_one_definition(tiny_case):
    from game.play.debrief import Debrief

    session = Session(tiny_case, seed=3)
    rnd = Round(session, speed=60, pace=False)
    while len([p for p in session.feed if not p.signal]) < 1 or not any(p.signal for p in session.feed):
        rnd.tick(1)
    noise = next(p for p in session.feed if not p.signal and p.author != "organisation")
    signal = next(p for p in session.feed if p.signal)
    rnd.triage(noise.id, "flag")
    reply = session.replies_for(signal)[0]
    rnd.triage(signal.id, "answer", reply.id)
    rnd.end()
    debrief = Debrief.from_result(score(session), tiny_case)
    signals = debrief.signals
    assert signal.id in [p.post for p in signals.caught]  # answered counts as caught...
    assert [p.post for p in signals.false_alarms] == [noise.id]  # ...and a flagged noise post is listed
    assert signals.precision == 0.5  # one real signal among the two posts flagged or answered
    assert next(p for p in signals.false_alarms).text == noise.text


def test_precision_reads_a_dash_when_nothing_was_flagged_or_answered(tiny_case):
    """A team that marked no post has no precision to speak of: "—", not "0 %" (en and fr)."""
    from game.engine.bots import play
    from game.i18n import translator
    from game.play import words
    from game.play.debrief import Debrief

    debrief = Debrief.from_json(json.loads(json.dumps(score(play(tiny_case, 3, "silent")).to_json())))
    assert not debrief.signals.caught and not debrief.signals.false_alarms
    assert "(precision —, recall 0%)" in words.signal_summary(debrief.signals, translator("en"))
    assert "(précision —, rappel 0\u00a0%)" in words.signal_summary(debrief.signals, translator("fr"))
    # One false alarm and nothing caught is a precision of 0 %, said as such.
    session = Session(tiny_case, seed=3)
    rnd = Round(session, speed=60, pace=False)
    while not any(not p.signal and p.author != "organisation" for p in session.feed):
        rnd.tick(1)
    rnd.triage(next(p for p in session.feed if not p.signal and p.author != "organisation").id, "flag")
    rnd.end()
    flagged = Debrief.from_result(score(session), tiny_case).signals
    assert "(precision 0%," in words.signal_summary(flagged, translator("en"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_call_or_an_email_is_offered_only_its_own_replies_and_refuses_a_public_one(path):
    """Every front end asks the round (game/play/round.py): "Thank you for your comment" is no
    answer to an employee's phone call, and a general reply sent anyway is refused."""
    case = load_case(path).case
    session = Session(case, seed=1)
    rnd = Round(session, speed=120, pace=False)
    while not rnd.ended and session.t < case.duration // 2:
        rnd.tick(2)
    inbox = {c.id for c in case.channels if c.is_inbox}
    general = {o.id for o in case.replies}
    for post in session.feed:
        if post.author == "organisation":
            continue
        offered = {o.id for o in rnd.replies_for(post)}
        own = post.inject is not None and bool(session.injects[post.inject].replies)
        if post.channel in inbox:
            assert offered <= {o.id for o in session.injects[post.inject].replies} if own else not offered
            if general and not own:
                with pytest.raises(ChoiceRefused, match="not offered"):
                    rnd.triage(post.id, "answer", sorted(general)[0])
                assert post.id not in session.state.triage
        else:
            assert offered == {o.id for o in session.replies_for(post)}


def test_the_same_words_trending_again_are_announced_once():
    """Nestlé, seed 1: two authors post the same noise words and both trend; one alert says it."""
    case = load_case(SCENARIOS / "nestle-kitkat-2010").case
    session = Session(case, seed=1)
    rnd = Round(session, speed=60)
    told: list = []
    trended: set[str] = set()
    while not rnd.ended:
        told += [i.post for i in rnd.tick(1).items if isinstance(i, Trending)]
        trended |= rnd.trending
    texts = [p.text for p in told]
    assert texts and len(texts) == len(set(texts))
    words = [session.posts[pid].text for pid in trended]
    assert len(words) > len(set(words))  # the same words did trend under two posts
    assert len({p.id for p in told}) == len(told)


def test_the_score_so_far_follows_each_input_and_ends_as_the_score(tiny_case):
    session = Session(tiny_case, seed=1)
    rnd = Round(session, speed=60)
    run_until(rnd, lambda seen: any(isinstance(i, DecisionOpened) for i in seen))
    silent = Session(tiny_case, seed=1)  # the same round with no input, at the same moment
    silent.advance(session.t)
    assert rnd.score_so_far() == score_so_far(silent)
    decision = session.open_decisions[0]
    best = max(decision.options, key=lambda o: option_quality(o, session))
    rnd.decide(decision.id, best.id)
    # Worked out again at once (not a minute later), by the engine's count of what was done.
    assert rnd.score_so_far() == score_so_far(session) != score_so_far(silent)
    rnd.end()
    assert rnd.score_so_far() == score(session).score
