"""A case's calendar: its clock stands for real dates and times (issue 16), which the loader
checks, the engine reads without changing anything, and every screen and report shows."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest

from game.engine.loader import load_case
from game.engine.diagnostics import CaseError
from game.engine.model import CalendarEntry, Case
from game.engine.session import Session
from game.host.workshop import HostedWorkshop
from game.i18n import Translator
from game.play import words
from game.results.recording import start
from game.results.report import round_html
from game.results.store import ResultStore
from game.text_play import TextPlayer, format_result

from conftest import SCENARIOS, TINY
from results_play import play_out
from test_report import page_text
from test_text_play import Typist
from window_driver import key

NESTLE = SCENARIOS / "nestle-kitkat-2010"
KRYPTONITE = SCENARIOS / "kryptonite-2004"


def with_calendar(case: Case, *entries: tuple[str, str]) -> Case:
    calendar = [CalendarEntry.model_validate({"at": at, "time": time}) for at, time in entries]
    return case.model_copy(update={"calendar": calendar})


def test_the_clock_runs_evenly_between_entries_and_at_the_rounds_pace_after_the_last(tiny_case: Case) -> None:
    case = with_calendar(tiny_case, ("00:00:00", "2010-03-17T09:00"), ("00:10:00", "2010-03-19T09:00"))
    assert case.date_at(0) == datetime.datetime(2010, 3, 17, 9, 0)
    assert case.date_at(300) == datetime.datetime(2010, 3, 18, 9, 0)  # half way: one day of two
    assert case.date_at(600) == datetime.datetime(2010, 3, 19, 9, 0)
    assert case.date_at(600 + 125) == datetime.datetime(2010, 3, 19, 9, 2)  # then 1 s = 1 s, whole minutes
    assert tiny_case.date_at(300) is None  # no calendar: the screens keep the round's clock


def test_nestle_runs_from_17_march_to_17_may() -> None:
    case = load_case(NESTLE).case
    tr = Translator("en")
    assert tr.clock(0, on=case.date_at(0)) == "Wednesday 17 March, 06:00"
    assert tr.clock(540, on=case.date_at(540)).startswith("Thursday 18 March")  # "Thursday 18 March, lunchtime"
    assert tr.clock(case.duration, on=case.date_at(case.duration)) == "Monday 17 May, 18:00"
    french = load_case(NESTLE / "scenario.fr.yaml").case
    assert french.calendar == case.calendar


def test_the_date_is_worded_by_the_language() -> None:
    moment = datetime.datetime(2010, 3, 17, 9, 25)
    assert Translator("en").clock(1500, on=moment) == "Wednesday 17 March, 09:25"
    assert Translator("fr").clock(1500, on=moment) == "mercredi 17 mars, 09:25"
    assert Translator("en").clock(1500) == "00:25:00"
    assert Translator("en").stamp(1500, moment) == "Wednesday 17 March, 09:25 (00:25:00)"
    assert Translator("en").stamp(1500) == "00:25:00"


def calendar_file(tmp_path: Path, lines: str) -> Path:
    text = (TINY / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace('duration: "00:20:00"', 'duration: "00:20:00"\ncalendar:\n' + lines, 1)
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(CaseError) as caught:
        load_case(folder)
    return [(d.line, d.code, d.message) for d in caught.value.diagnostics]


def line_of(folder: Path, text: str) -> int:
    lines = (folder / "scenario.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_entries_out_of_order_or_back_in_time_are_errors_at_their_line(tmp_path: Path) -> None:
    folder = calendar_file(tmp_path, '  - {at: "00:00:00", time: "2010-03-17T09:00"}\n'
                                     '  - {at: "00:10:00", time: "2010-03-18T09:00"}\n'
                                     '  - {at: "00:05:00", time: "2010-03-19T09:00"}\n'
                                     '  - {at: "00:15:00", time: "2010-03-16T09:00"}\n')
    found = problems(folder)
    assert [(line, code) for line, code, _ in found] == [(line_of(folder, '"00:05:00"'), "calendar-order"),
                                                         (line_of(folder, '"2010-03-16'), "calendar-order")]
    assert "list the entries by their time on the clock" in found[0][2]
    assert "goes back in time" in found[1][2]


def test_a_calendar_must_start_with_the_round(tmp_path: Path) -> None:
    folder = calendar_file(tmp_path, '  - {at: "00:01:00", time: "2010-03-17T09:00"}\n')
    assert [(code, "00:00:00" in message) for _, code, message in problems(folder)] == [("calendar-order", True)]


@pytest.mark.parametrize(("written", "says"), [
    ("2010-02-30T09:00", "not a real date and time"),
    ("2010-03-17", "has no time of day"),
    ("17/03/2010 09:00", "YYYY-MM-DDTHH:MM"),
    ("2010-03-17T09:00+01:00", "YYYY-MM-DDTHH:MM"),
])
def test_a_bad_date_is_an_error_at_its_line(tmp_path: Path, written: str, says: str) -> None:
    folder = calendar_file(tmp_path, f'  - {{at: "00:00:00", time: "{written}"}}\n')
    [(line, code, message)] = problems(folder)
    assert (line, code) == (line_of(folder, written), "field-invalid")
    assert says in message


def test_the_engine_plays_the_same_with_or_without_a_calendar(tiny_case: Case) -> None:
    dated = with_calendar(tiny_case, ("00:00:00", "2010-03-17T09:00"))
    plain, other = Session(tiny_case, 5), Session(dated, 5)
    play_out(plain)
    play_out(other)
    assert [(p.t, p.text) for p in plain.feed] == [(p.t, p.text) for p in other.feed]
    assert plain.state.metrics == other.state.metrics


def test_the_terminal_shows_the_date_in_its_status_line_and_debrief(tiny_case: Case) -> None:
    case = with_calendar(tiny_case, ("00:00:00", "2010-03-17T09:00"), ("00:20:00", "2010-03-17T19:00"))
    session = Session(case, seed=3)
    typist = Typist([(300, "m")])  # the metrics line; no signal flagged, so the debrief lists them missed
    typist.session = session
    out = io.StringIO()
    result = TextPlayer(session, out, typist, typist.clock, speed=60).run()
    text = out.getvalue()
    assert "] Wednesday 17 March, 11:30 -- " in text  # 00:05:00 of 00:20:00 is a quarter of ten hours
    debrief = format_result(result, case)
    missed = debrief.split("Missed:")[1]
    assert "[Wednesday 17 March, " in missed


def test_the_html_report_dates_its_timeline_and_says_how_the_ending_relates_to_the_score(tmp_path: Path) -> None:
    loaded = load_case(NESTLE)
    with ResultStore(tmp_path / "results.db") as store:
        session, recording = start(store, loaded.case, loaded.path, 2, team="Red")
        play_out(session)
        html = round_html(store, store.session(recording.session_id))
    text = page_text(html).text
    assert "Wednesday 17 March" in text and "(00:02:00)" in text  # the first decision opens on the first day
    assert "The ending is what happened to the story" in text
    assert 'id="ending-and-score"' in html


def test_the_host_shows_the_date_the_speaker_and_the_ending_against_the_score(tmp_path: Path) -> None:
    with ResultStore.open(tmp_path) as store:
        workshop = HostedWorkshop(load_case(NESTLE), store, "W", ["Red"])
        team = next(iter(workshop.teams.values()))
        workshop.start(team)
        workshop.tick(1)
        view = workshop.team_view(team)
        assert view["date"].startswith("Wednesday 17 March, 06:")
        assert workshop.console_view()["teams"][0]["date"] == view["date"]
        assert workshop.team_view(team, "fr")["date"].startswith("mercredi 17 mars")

    with ResultStore.open(tmp_path / "k") as store:
        workshop = HostedWorkshop(load_case(KRYPTONITE), store, "W", ["Red"])
        team = next(iter(workshop.teams.values()))
        workshop.start(team)
        labels: list[str] = []
        while team.round is not None and not team.round.ended and not labels:
            workshop.tick(5)
            labels = [o["label"] for d in workshop.team_view(team)["decisions"] for o in d["options"]]
        assert workshop.team_view(team)["date"].startswith("Monday 13 September")  # the forum thread, Monday 8 am
    with ResultStore.open(tmp_path / "b") as store:
        workshop = HostedWorkshop(load_case(SCENARIOS / "brand-page-first-weeks"), store, "W", ["Red"])
        team = next(iter(workshop.teams.values()))
        workshop.start(team)
        workshop.tick(1)
        assert workshop.team_view(team)["date"] == ""  # a fictional case without a calendar
        assert any(label.endswith(" (said by the team)") for label in labels)  # the forum thread's reply


def test_an_option_names_who_says_it() -> None:
    case = load_case(KRYPTONITE).case
    option = next(o for d in case.decisions for o in d.options if o.speaker is not None and o.speaker.value == "leader")
    assert words.option_label(option, Translator("en")) == f"{option.label} (said by the leader)"
    assert words.option_label(option, Translator("fr")) == f"{option.label} (dit par le dirigeant)"
    plain = next(o for d in case.decisions for o in d.options if o.speaker is None)
    assert words.option_label(plain, Translator("en")) == plain.label


def test_the_window_shows_the_date_on_its_clock_and_the_speaker_in_the_decision_panel(tmp_path: Path) -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui.app import App, Settings
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang="en", size=(1280, 720)))
    try:
        live = LiveScene(app, load_case(NESTLE).case, NESTLE, seed=1)
        app.push(live)
        live.session.advance(9 * 60)
        app.frame(0.0)
        assert any(text.startswith("◷ 00:09:") and "· Thursday 18 March, 12:" in text for text, _ in app.painter.frame)
        app.replace(LiveScene(app, load_case(KRYPTONITE).case, KRYPTONITE, seed=1))
        live = app.top
        decision = next(d for d in live.case.decisions if any(o.speaker for o in d.options))
        live.session.fire(decision.id)
        live.shown = decision.id
        for _ in range(3):
            app.frame(0.0)
        key(app, pygame.K_d, unicode="d")  # the whole decision, every option in view
        spoken = next(o for o in decision.options if o.speaker)
        assert words.option_label(spoken, Translator("en")) in " ".join(app.shown())
        key(app, pygame.K_ESCAPE)
        clock = next(text for text, _ in app.painter.frame if text.startswith("◷"))
        assert clock.endswith("· Sunday 12 September, 22:00")  # Kryptonite's calendar starts on the Sunday night
    finally:
        app.close()


def test_a_round_ended_early_says_the_date_it_stopped(tiny_case: Case) -> None:
    from game.engine.scoring import score
    from game.play.debrief import Debrief

    case = with_calendar(tiny_case, ("00:00:00", "2010-03-17T09:00"), ("00:20:00", "2010-03-17T19:00"))
    session = Session(case, 2)
    session.advance(120)
    session.end()
    debrief = Debrief.from_result(score(session), case)
    said = words.ended_early(debrief, Translator("en"), case.calendar)
    assert "ended at Wednesday 17 March, 10:00 (00:02:00)" in said
    assert "ended at 00:02:00;" in words.ended_early(debrief, Translator("en"))
    assert "Wednesday 17 March, 10:00 (00:02:00)" in format_result(score(session), case)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_in_projector_type_the_date_is_shortened_never_run_under_the_buttons(lang: str) -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui.app import App, Settings
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang=lang, size=(1280, 720)))
    try:
        file = NESTLE / ("scenario.fr.yaml" if lang == "fr" else "scenario.yaml")
        live = LiveScene(app, load_case(file).case, NESTLE, seed=1)
        app.push(live)
        app.toggle_projector()
        live.session.advance(19 * 60 + 30)
        for paused in (False, True):
            live.paused = paused
            for _ in range(3):
                app.frame(0.0)
            frame = dict(app.painter.frame)
            clock = next(text for text in frame if text.startswith("◷"))
            # A projector drops the round's length ("/ 00:45:00"): the day has room, shortened if need be.
            assert " / " not in clock and clock.startswith("◷ 00:19:30 · ")
            assert ("19 mars, 22:35" if lang == "fr" else "19 Mar") in clock and "22:35" in clock
            state = next(rect for text, rect in frame.items() if text.startswith(("● ", "‖ ")) and rect.y < 60)
            assert state.right <= live.regions["top_buttons_x"].x
        assert pygame.display.get_surface() is not None
    finally:
        app.close()


# --- one wording of a moment for every front end (game/play/moments.py) --------------------


def test_a_moment_is_the_real_day_and_hour_with_a_calendar_and_the_clock_without(tiny_case: Case) -> None:
    from game.play.moments import moment

    calendar = load_case(NESTLE).case.calendar
    en, fr = Translator("en"), Translator("fr")
    assert moment(en, calendar, 150) == "Wed 17 Mar, 09:07"  # a post, a message, an input
    assert moment(fr, calendar, 150) == "mer. 17 mars, 09:07"
    assert moment(en, calendar, 150, "tiny") == "17 Mar, 09:07"  # a chart's tick
    assert moment(en, calendar, 150, "full") == "Wednesday 17 March, 09:07"
    assert moment(en, calendar, 150, "debrief") == "Wednesday 17 March, 09:07 (00:02:30)"
    for form in ("short", "tiny", "full", "debrief"):  # a case without a calendar: the round's clock
        assert moment(en, tiny_case.calendar, 750, form) == "00:12:30"  # type: ignore[arg-type]


def test_the_terminal_dates_each_post_with_a_calendar_and_clocks_it_without(tiny_case: Case) -> None:
    for case, stamp in ((load_case(NESTLE).case, r"\[Wed 17 Mar, \d\d:\d\d\] #  1 "), (tiny_case, r"\[00:00:34\] #  1 ")):
        session = Session(case, seed=3)
        typist = Typist([])
        typist.session = session
        out = io.StringIO()
        TextPlayer(session, out, typist, typist.clock, speed=60).run()
        assert re.search(stamp, out.getvalue()), out.getvalue()[:2000]


def test_the_html_reports_chart_ticks_are_dates(tmp_path: Path) -> None:
    loaded = load_case(NESTLE)
    with ResultStore(tmp_path / "results.db") as store:
        session, recording = start(store, loaded.case, loaded.path, 2, team="Red")
        play_out(session)
        html = round_html(store, store.session(recording.session_id))
    chart = html.split('class="chart"')[0].rsplit("<svg", 1)[-1] + html.split('class="chart"')[1].split("</svg>")[0]
    assert ">17 Mar, 06:00</text>" in chart and "the crisis&#39;s days and hours" in chart


def window(lang: str, folder: Path, file: str = "scenario.yaml") -> tuple[Any, Any]:
    pytest.importorskip("pygame")
    from game.ui.app import App, Settings
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang=lang, size=(1280, 720)))
    live = LiveScene(app, load_case(folder / file).case, folder, seed=1)
    app.push(live)
    return app, live


@pytest.mark.parametrize(("lang", "file", "day", "email"), [
    ("en", "scenario.yaml", "Thu 18 Mar, ", "Wed 17 Mar, 08:30"),
    ("fr", "scenario.fr.yaml", "jeu. 18 mars, ", "mer. 17 mars, 08:30")])
def test_the_windows_feed_inbox_and_notifications_date_their_posts(lang: str, file: str, day: str, email: str) -> None:
    app, live = window(lang, NESTLE, file)
    try:
        live.session.advance(620)  # 00:10:20, Thursday 18 March in the evening; the email came on the Wednesday
        for _ in range(40):
            app.frame(0.05)
        live.paused = True
        app.frame(0.0)
        frame = list(app.painter.frame)
        stamps = [(text, rect) for text, rect in frame if re.fullmatch(r"\w+\.? \d+ \w+, \d\d:\d\d", text)]
        feed, inbox = live.feed.rect, live.inbox.rect
        assert any(text.startswith(day) and feed.contains(rect) for text, rect in stamps), stamps
        assert any(text == email and inbox.contains(rect) for text, rect in stamps), stamps
        assert not any(re.fullmatch(r"00:\d\d:\d\d", text) for text, _ in frame)  # no bare clock beside a post
    finally:
        app.close()


def test_the_window_without_a_calendar_keeps_the_clock_and_a_projector_drops_the_rounds_length() -> None:
    app, live = window("en", SCENARIOS / "brand-page-first-weeks")
    try:
        live.session.advance(300)
        live.paused = True
        for _ in range(20):
            app.frame(0.05)
        shown = app.shown()
        assert "◷ 00:05:00 / 00:30:00" in shown, shown[:5]
        assert any(re.fullmatch(r"00:0[0-5]:\d\d", text) for text in shown)  # the posts' stamps
        app.toggle_projector()
        for _ in range(3):
            app.frame(0.0)
        clock = next(text for text in app.shown() if text.startswith("◷"))
        assert clock == "◷ 00:05:00"  # a room reads the clock from afar: no "/ 00:30:00"
    finally:
        app.close()


def test_the_windows_debrief_chart_ticks_are_dates() -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui.app import App, Settings
    from game.ui.debrief import DebriefScene

    app = App(Settings(scenarios=[], lang="en", size=(1280, 720)))
    try:
        case = load_case(NESTLE).case
        session = Session(case, 1)
        play_out(session)
        app.push(DebriefScene(app, case, NESTLE, session))
        app.frame(0.0)
        page = app.top
        while "The run, minute by minute" not in app.shown() and page.scroll < page.max_scroll:
            key(app, pygame.K_DOWN)
        for _ in range(6):
            key(app, pygame.K_DOWN)
        shown = app.shown()
        # The axis starts at the case's first moment and the later ticks are dates too (as many
        # as fit without overlapping, tests/test_ui_chart_labels.py: the round's last moment may
        # give way to its neighbour).
        dates = [s for s in shown if re.fullmatch(r"\d{1,2} (Mar|Apr|May), \d\d:\d\d", s)]
        assert dates[0] == "17 Mar, 06:00" and len(dates) >= 3 and any("May" in d for d in dates), shown
        assert "0′" not in shown and "5′" not in shown
    finally:
        app.close()
