"""The terminal front end, driven by typed commands on a fake clock."""

from __future__ import annotations

import io
import re

from game.engine.session import Session
from game.text_play import TextPlayer


class Typist:
    """Types each command once the simulated clock reaches its time; the real clock is fake."""

    def __init__(self, script: list[tuple[int, str]]) -> None:
        self.script = list(script)
        self.now = 0.0
        self.session: Session | None = None

    def clock(self) -> float:
        return self.now

    def poll(self, timeout: float) -> str | None:
        self.now += timeout
        if self.script and self.session is not None and self.session.t >= self.script[0][0]:
            return self.script.pop(0)[1]
        return None


def play(case, script):
    session = Session(case, seed=3)
    typist = Typist(script)
    typist.session = session
    out = io.StringIO()
    result = TextPlayer(session, out, typist, typist.clock, speed=60).run()
    return session, result, out.getvalue()


def test_a_whole_run_in_the_terminal(tiny_case):
    session, result, out = play(tiny_case, [
        (70, "f 1"),          # too early to be sure what #1 is: flags whatever came first
        (190, "o"),
        (200, "1"),           # apologise and recall
        (200, "m"),
        (300, "1"),           # follow-up: explain the refund
    ])
    assert "DECISION: First public answer" in out
    assert "You chose: Apologise and recall the batch" in out
    assert re.search(r'Published on [^:]+: "We got the label wrong', out)
    assert out.split("DEBRIEF")[0].count("We got the label wrong") == 1  # said once, not also as a feed post
    assert session.state.choices == {"statement": "recall", "follow-up": "inform"}
    assert f"Score: {result.score:.0f} / 100" in out
    assert "Ending: Trust kept (success)" in out
    assert "DEBRIEF" in out
    # the organisation's own posts in the feed carry no "(0)" follower count
    org = tiny_case.organisation
    player = TextPlayer(session, io.StringIO(), Typist([]), lambda: 0.0)
    own = [player.format_post(p) for p in session.feed if p.author == "organisation"]
    assert own and all(f"{org.name} {org.handle}:" in line for line in own)


def test_silence_and_commands_that_cannot_work(tiny_case):
    session, result, out = play(tiny_case, [(30, "1"), (40, "a 999"), (50, "zzz"), (50, "i"),
                                            (50, "i boss-worry"), (50, "i boss-worry"), (60, "q")])
    assert "No decision is waiting." in out
    assert "No such post." in out
    assert "Unknown command" in out
    assert "  boss-worry: What is going on with the yoghurt?" in out  # the facilitator's list
    assert "boss-worry" in session.state.fired
    assert "No optional inject 'boss-worry' left to fire." in out
    assert result.ending["kind"] == "failure"
    assert session.state.ended_early_at < 120  # ended by the facilitator, long before the 20 minutes


def test_pause_and_speed_change_the_simulated_clock(tiny_case):
    session, result, out = play(tiny_case, [(30, "p"), (30, "+"), (30, "p"), (200, "q")])
    assert "Paused." in out and "Resumed." in out
    assert "Speed: 1 real second = 120 simulated seconds." in out
    assert result.ending["kind"] == "failure"


def test_one_real_second_is_one_simulated_second_not_seconds(tiny_case):
    """The briefing and the speed line say "1 simulated second" in the singular (en, fr)."""
    from game.i18n import translator
    from game.play.round import Round
    from game.text_play import pace_text

    slow = Round(Session(tiny_case, seed=3), speed=1)
    assert "1 real second = 1 simulated second)." in pace_text(tiny_case, slow, translator("en"))
    assert "1 seconde réelle = 1 seconde simulée)." in pace_text(tiny_case, slow, translator("fr"))
    fast = Round(Session(tiny_case, seed=3), speed=60)
    assert "1 real second = 60 simulated seconds)." in pace_text(tiny_case, fast, translator("en"))
    assert "1 seconde réelle = 60 secondes simulées)." in pace_text(tiny_case, fast, translator("fr"))


def test_clock_turns_real_time_into_simulated_time():
    from game.engine.clock import SimClock

    clock = SimClock(speed=60)
    assert clock.simulated(0.5) == 30
    clock.toggle_pause()
    assert clock.simulated(10) == 0
    clock.toggle_pause()
    assert clock.slower() == 30 and clock.faster() == 60 and clock.faster() == 120 and clock.faster() == 120


def test_a_cases_own_metric_is_shown_by_the_name_the_case_gives_it(tmp_path):
    from game.engine.loader import load_case
    from game.ui.dashboard import metric_name
    from game.i18n import translator

    from conftest import TINY

    text = (TINY / "scenario.fr.yaml").read_text(encoding="utf-8")
    text = text.replace("metrics: {sentiment: 55, visibility: 10, trust: 65, media: 0}",
                        "metrics: {sentiment: 55, visibility: 10, trust: 65, media: 0, staff_morale: 70}\n"
                        "metric_names: {staff_morale: Moral des équipes}")
    assert "staff_morale" in text
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    case = load_case(tmp_path).case
    player = TextPlayer(Session(case, 1), io.StringIO(), iter(()), lambda: 0.0)
    assert "Moral des équipes 70" in player.metrics_line() and "Confiance 65" in player.metrics_line()
    assert metric_name(translator("fr"), "staff_morale", case.metric_names) == "Moral des équipes"
    assert metric_name(translator("fr"), "staff_morale") == "Staff morale"


def test_a_choice_typed_for_a_closed_decision_is_refused(tiny_case):
    # Nobody answers the statement in time; a "1" typed just after it ran out must not go anywhere.
    session, result, out = play(tiny_case, [(481, "1"), (600, "q")])
    assert session.state.choices["statement"] is None
    assert "was not taken" in out
    assert all(option is None for option in session.state.choices.values())


def test_the_terminal_debrief_lists_signals_and_asks_the_reflection_questions(tiny_case):
    session, result, out = play(tiny_case, [(60, "f 1"), (600, "q")])
    debrief = out.split("DEBRIEF", 1)[1]
    # Post 1 (flagged) is noise, the parent's post a minute in is the signal: one false alarm, one miss.
    assert not result.signals["caught"] and len(result.signals["missed"]) == 1
    assert "Caught:" not in debrief
    missed, alarm = session.posts[result.signals["missed"][0]["post"]], session.feed[0]

    def line(post) -> str:
        return f"[{post.t // 3600:02d}:{post.t % 3600 // 60:02d}:{post.t % 60:02d}] #{post.id[1:]} {post.name}"

    assert missed.name == "Sam Parent" and missed.t == 60 and alarm.name == "Lou"
    assert f"Missed:\n    {line(missed)}" in debrief and f"False alarms:\n    {line(alarm)}" in debrief
    for question in tiny_case.questions:
        text = question if isinstance(question, str) else question.text
        assert text.split()[0] in debrief
    assert '""' not in out
