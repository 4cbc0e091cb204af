"""The window's side of results: rounds kept as they are played, the facilitator's timed notes,
reflection answers and the export on the debrief, the resume offer at start, the workshop and
history screens, and a results folder that cannot be used.

The tests that take ``data`` run twice: with the results in the data folder's SQLite file, and
on the test PostgreSQL cluster (named by ``CRISIS_SIM_STORE``, as an organisation would). Those
about the SQLite file itself take ``sqlite_data``."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path

import pygame
import pytest

from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.engine.scoring import score
from game.results import workshop as ws
from game.results.recording import start
from game.results.store import ResultStore, open_store
from game.ui.app import App, Settings, open_app
from game.ui.resume import offer_resume

from conftest import TINY
from window_driver import FRAME, key, run_until, shown, type_text

pytestmark = pytest.mark.usefixtures("time_bound")  # each test stops by itself (a hung server, a lost child)
QUESTIONS = """
questions:
  - What would you do differently?
  - {id: missed, text: "Which signal did you miss?"}
"""


@pytest.fixture
def data(tmp_path: Path, backend: str, where: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder; on PostgreSQL the store is the server's (the window and children read
    CRISIS_SIM_STORE)."""
    if backend == "postgresql":
        monkeypatch.setenv("CRISIS_SIM_STORE", where)
    return tmp_path / "data"


@pytest.fixture
def sqlite_data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def kept_store(data: Path) -> ResultStore:
    """The store the window keeps its rounds in (the data folder's file, or the server's)."""
    return open_store(None, data)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """The tiny case, with two reflection questions."""
    folder = tmp_path / "cases" / "tiny"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text((TINY / "scenario.yaml").read_text(encoding="utf-8") + QUESTIONS,
                                          encoding="utf-8")
    return folder.parent


def make_app(cases: Path, data: Path, **kwargs) -> App:
    app = open_app(Settings(scenarios=[cases], lang=kwargs.pop("lang", "en"), data_dir=data, **kwargs))
    app.scene("menu").finish_loading()
    app.frame(0.0)
    return app


def start_round(app: App, team: str = "Red") -> None:
    menu = app.scene("menu")
    menu.team.text = team
    app.settings.team = team
    key(app, pygame.K_RETURN)  # the briefing
    key(app, pygame.K_RETURN)  # the clock starts
    assert app.top.name == "live"


def test_a_window_round_is_kept_with_its_notes_answers_and_export(cases: Path, data: Path) -> None:
    app = make_app(cases, data)
    try:
        start_round(app)
        live = app.top
        assert live.recording is not None
        run_until(app, lambda: live.session.t >= 120)
        # The facilitator's note, stamped with the time the field was opened.
        key(app, pygame.K_n)
        assert app.top.name == "note"
        opened_at = app.top.at
        type_text(app, "Sam's complaint spotted late")
        app.frame(FRAME)  # the round keeps running under the field
        key(app, pygame.K_RETURN)
        assert app.top is live and live.observer_notes == [(opened_at, "Sam's complaint spotted late")]
        # The facilitator's note is kept, never shown in the players' notifications (issue 17).
        assert "Sam's complaint spotted late" not in shown(app)
        live.bot = BOTS["best"](live.session.seed)  # let the best bot finish the round
        run_until(app, lambda: app.top.name == "debrief")
        debrief = app.top
        store = kept_store(data)
        stored = store.session(live.recording.session_id)
        assert stored.status == "finished" and stored.team == "Red"
        assert stored.score == score(live.session).score
        assert [(n.t, n.text) for n in store.notes(stored.id)] == [(opened_at, "Sam's complaint spotted late")]
        text = shown(app)
        for _ in range(40):
            key(app, pygame.K_PAGEDOWN)
            text += " " + shown(app)
        assert "Observer's notes" in text and "Sam's complaint spotted late" in text
        assert "Looking back on the round" in text and "What would you do differently?" in text

        # Q: the reflection questions; Enter moves on, the last Enter closes.
        key(app, pygame.K_q)
        assert app.top.name == "reflect"
        type_text(app, "Answer the parent at once")
        key(app, pygame.K_RETURN)
        type_text(app, "The reporter")
        key(app, pygame.K_RETURN)
        assert app.top is debrief
        answers = {a.question: a.answer for a in store.answers(stored.id)}
        assert answers == {"q1": "Answer the parent at once", "missed": "The reporter"}

        # X: the report as HTML and CSV in the data folder.
        key(app, pygame.K_x)
        assert len(debrief.exported) == 2 and all(p.exists() for p in debrief.exported)
        html = debrief.exported[0].read_text(encoding="utf-8")
        assert f"{stored.score:.1f}" in html and "Answer the parent at once" in html
        assert "Sam&#39;s complaint spotted late" in html
        assert "Report written" in shown(app)
        store.close()
    finally:
        app.close()


def test_closing_the_window_mid_round_keeps_it_to_resume_and_leaving_abandons_it(cases: Path, data: Path) -> None:
    app = make_app(cases, data)
    start_round(app, "Blue")
    live = app.top
    live.bot = BOTS["best"](1)
    run_until(app, lambda: len(live.session.state.choices) >= 1)
    decided = dict(live.session.state.choices)
    closed = live.recording.session_id
    app.close()
    with kept_store(data) as store:
        assert store.session(closed).status == "interrupted"

    app = make_app(cases, data)
    try:
        start_round(app, "Green")
        left = app.top.recording.session_id
        key(app, pygame.K_ESCAPE)
        key(app, pygame.K_y)
        assert app.top.name == "menu"
        with kept_store(data) as store:
            assert store.session(left).status == "abandoned"
            assert [s.id for s in store.interrupted()] == [closed]

        # At the next start, the stopped round is offered; Enter resumes it, paused, decisions kept.
        offer_resume(app)
        app.frame(0.0)
        assert app.top.name == "resume"
        text = shown(app)
        assert "A round stopped before its end" in text and "Blue" in text and "after 1 decision" in text
        key(app, pygame.K_RETURN)
        resumed = app.top
        assert resumed.name == "live" and resumed.paused
        assert dict(resumed.session.state.choices) == decided
        assert resumed.recording.session_id == closed and app.settings.team == "Blue"
        key(app, pygame.K_SPACE)
        resumed.bot = BOTS["best"](1)
        run_until(app, lambda: app.top.name == "debrief")
        with kept_store(data) as store:
            assert store.session(closed).status == "finished"
            assert store.interrupted() == []
    finally:
        app.close()


def test_the_offer_can_record_a_stopped_round_as_abandoned(cases: Path, data: Path) -> None:
    loaded = load_case(cases / "tiny")
    with kept_store(data) as store:
        session, recording = start(store, loaded.case, loaded.path, 3, team="Kilo")
        session.advance(200)
        recording.interrupt()
    app = make_app(cases, data)
    try:
        offer_resume(app)
        app.frame(0.0)
        assert app.top.name == "resume"
        key(app, pygame.K_a)
        assert app.top.name == "menu"
        with kept_store(data) as store:
            assert store.session(recording.session_id).status == "abandoned"
    finally:
        app.close()


def test_workshop_screen_ranks_the_teams_and_lets_the_next_one_play(cases: Path, data: Path) -> None:
    loaded = load_case(cases / "tiny")
    with kept_store(data) as store:
        w = ws.create(store, "Tuesday", "tiny", ["Red", "Blue", "Green"], str(cases / "tiny"))
        for team, bot, seed in (("Red", "worst", 1), ("Blue", "best", 2)):
            session, _ = start(store, loaded.case, loaded.path, seed, team=team, workshop=w.id)
            player, events = BOTS[bot](seed), []
            while not session.state.ended:
                player.act(session, events)
                events = session.step()
        scores = {s.team: s.score for s in ws.ranking(store, w) if s.score is not None}
    app = make_app(cases, data)
    try:
        key(app, pygame.K_w)
        assert app.top.name == "workshop"
        text = shown(app)
        assert "Workshop Tuesday" in text and "Ranking" in text
        assert text.index("Blue") < text.index("Red") and "not played yet" in text
        assert f"{scores['Blue']:.1f}" in text and f"{scores['Red']:.1f}" in text
        assert "Next to play: Green" in text
        for _ in range(30):
            key(app, pygame.K_PAGEDOWN)
            text += " " + shown(app)
        assert "Spread of the scores" in text and "Decisions side by side" in text
        key(app, pygame.K_p)  # Green plays: the case's briefing, under the workshop
        assert app.top.name == "briefing" and app.settings.team == "Green" and app.settings.workshop == w.id
        key(app, pygame.K_RETURN)
        assert app.top.recording is not None
        with kept_store(data) as store:
            assert store.session(app.top.recording.session_id).workshop == w.id
    finally:
        app.close()


def test_a_new_workshop_from_the_window(cases: Path, data: Path) -> None:
    app = make_app(cases, data, lang="fr")
    try:
        key(app, pygame.K_w)
        assert "Pas encore d’atelier" in shown(app)
        key(app, pygame.K_n)
        assert app.top.name == "new-workshop"
        type_text(app, "Atelier du mardi")
        key(app, pygame.K_TAB)
        type_text(app, "Rouge, Bleu")
        key(app, pygame.K_RETURN)
        assert app.top.name == "workshop" and "Atelier Atelier du mardi" in shown(app)
        with kept_store(data) as store:
            assert ws.get(store, "Atelier du mardi").teams == ("Rouge", "Bleu")
    finally:
        app.close()


def test_history_screen_shows_the_teams_rounds_and_progress(cases: Path, data: Path) -> None:
    loaded = load_case(cases / "tiny")
    with kept_store(data) as store:
        for bot, seed in (("worst", 1), ("best", 2)):
            session, _ = start(store, loaded.case, loaded.path, seed, team="Ana")
            player, events = BOTS[bot](seed), []
            while not session.state.ended:
                player.act(session, events)
                events = session.step()
        rounds = store.sessions(team="Ana", newest_first=False)
    app = make_app(cases, data)
    try:
        app.scene("menu").team.text = "Ana"
        key(app, pygame.K_h)
        assert app.top.name == "history"
        text = shown(app)
        assert "Rounds of Ana" in text and loaded.case.title in text and "2 rounds" in text
        assert "progress since the first round" in text
        for r in rounds:
            assert f"{r.score:.1f}" in text
        key(app, pygame.K_ESCAPE)
        assert app.top.name == "menu"
    finally:
        app.close()


def test_a_results_folder_that_cannot_be_used_does_not_stop_play(cases: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = make_app(cases, blocker / "data")
    try:
        start_round(app)
        live = app.top
        assert live.recording is None
        assert any("results" in p and "not-a-folder" in p for p in app.problems), app.problems
        key(app, pygame.K_n)
        type_text(app, "kept in memory")
        key(app, pygame.K_RETURN)
        live.bot = BOTS["best"](1)
        run_until(app, lambda: app.top.name == "debrief")
        text = shown(app)
        for _ in range(40):
            key(app, pygame.K_PAGEDOWN)
            text += " " + shown(app)
        assert "kept in memory" in text and "This round was not saved" in text
        key(app, pygame.K_x)  # no export without a store: nothing happens, nothing breaks
        assert app.top.name == "debrief"
    finally:
        app.close()


@pytest.mark.parametrize("kept", [True, False], ids=["kept", "results-unusable"])
def test_a_log_file_that_cannot_be_opened_does_not_stop_the_round(cases: Path, tmp_path: Path, kept: bool,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # `--log` into a folder that does not exist: said once, and the round plays on (kept or not).
    data = tmp_path / "data" if kept else tmp_path / "blocker"
    if not kept:
        data.write_text("x")  # the results folder cannot be created under a file
        data = data / "data"
    app = make_app(cases, data, log=tmp_path / "no-such-folder" / "run.jsonl")
    try:
        start_round(app)
        live = app.top
        assert (live.recording is not None) is kept
        problem = live.recording.stream.also_problem if kept else live.session.log.problem
        assert problem and "no-such-folder" in problem
        assert capsys.readouterr().err.count("cannot be written") == 1
        app.frame(FRAME)
        assert [n.text for n in live.notes if n.text.startswith("Session log not written:")] == \
            [f"Session log not written: {problem}"]  # and on screen, once
        live.bot = BOTS["best"](1)
        run_until(app, lambda: app.top.name == "debrief")
        if kept:
            with kept_store(data) as store:
                assert store.session(live.recording.session_id).status == "finished"
    finally:
        app.close()
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_live_screen_says_once_when_the_log_or_the_results_stop_saving(cases: Path, sqlite_data: Path,
                                                                          lang: str) -> None:
    import sqlite3

    log_words, store_words = {"en": ("Session log not written:", "Results not saved:"),
                              "fr": ("Journal de session non écrit\u00a0:", "Résultats non enregistrés\u00a0:")}[lang]
    app = make_app(cases, sqlite_data, lang=lang, log=Path("/dev/full"))  # the --log copy fails at its first flush
    try:
        start_round(app)
        live = app.top
        app.frame(FRAME)
        told = lambda words: [n.text for n in live.notes if n.text.startswith(words)]  # noqa: E731
        assert live.recording.stream.also_problem and len(told(log_words)) == 1
        assert log_words in shown(app)
        # The database turns read-only mid-round: the next input cannot be saved.
        store = live.recording.store
        store.conn.close()
        store.conn = sqlite3.connect(f"{store.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        live.bot = BOTS["best"](1)
        run_until(app, lambda: store.problem is not None)
        app.frame(FRAME)
        assert len(told(store_words)) == 1 and store.problem in told(store_words)[0]
        assert store_words in shown(app)
        made = len(live.session.state.choices)
        run_until(app, lambda: len(live.session.state.choices) > made or live.session.state.ended)
        assert len(told(log_words)) == 1 and len(told(store_words)) == 1  # once, not at every input
    finally:
        app.close()


def test_demo_rounds_are_not_kept(cases: Path, sqlite_data: Path) -> None:
    data = sqlite_data
    app = make_app(cases, data, demo=True)
    try:
        start_round(app)
        assert app.top.recording is None
    finally:
        app.close()
    assert not (data / "results.db").exists()


CHILD = """
import os, sys, time
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
from pathlib import Path
import pygame
from game.engine.bots import BOTS
from game.ui.app import Settings, open_app
app = open_app(Settings(scenarios=[Path(sys.argv[1])], lang="en", data_dir=Path(sys.argv[2]), team="Killed"))
app.scene("menu").finish_loading()
app.frame(0.0)
for k in (pygame.K_RETURN, pygame.K_RETURN):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
    app.frame(0.0)
live = app.top
live.bot = BOTS["best"](1)
told = 0
while True:
    app.frame(0.25)
    if len(live.session.state.choices) > told:
        told = len(live.session.state.choices)
        print("decided", told, live.recording.session_id, flush=True)
    if told >= 2:
        time.sleep(0.01)
"""


def test_a_killed_window_round_is_offered_and_resumed_with_its_decisions(cases: Path, data: Path) -> None:
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(cases), str(data)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    told = []
    try:
        for line in child.stdout:
            if line.startswith("decided"):  # (pygame prints its banner first)
                told.append(line.split())
                if int(told[-1][1]) >= 2:
                    break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    session_id = told[-1][2]
    with kept_store(data) as store:
        decided = [r for r in store.log_records(session_id) if r.get("type") == "input" and r["kind"] == "decide"]
    assert len(decided) >= 2
    app = make_app(cases, data)
    try:
        offer_resume(app)
        app.frame(0.0)
        assert app.top.name == "resume" and "Killed" in shown(app)
        key(app, pygame.K_RETURN)
        live = app.top
        assert live.name == "live" and live.recording.session_id == session_id
        assert [(r["decision"], r["option"]) for r in decided] == \
            [(d, o) for d, o in live.session.state.choices.items()][: len(decided)]
    finally:
        app.close()


def test_the_command_line_can_open_the_window_on_a_stopped_round(cases: Path, data: Path) -> None:
    loaded = load_case(cases / "tiny")
    with kept_store(data) as store:
        session, recording = start(store, loaded.case, loaded.path, 3, team="Lima")
        player, events = BOTS["best"](3), []
        while not session.state.choices:
            player.act(session, events)
            events = session.step()
        recording.interrupt()
    app = make_app(cases, data, resume=recording.session_id[:8])
    try:
        offer_resume(app)
        assert app.top.name == "live" and app.top.session.state.choices == session.state.choices
    finally:
        app.close()


def test_a_server_that_goes_away_mid_round_is_said_once_and_the_round_is_kept(cases: Path, own_cluster,
                                                                               tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_SIM_STORE", own_cluster.url)
    data = tmp_path / "data"
    app = make_app(cases, data)
    try:
        start_round(app, "Away")
        live = app.top
        store = live.recording.store
        store.retry_every = 0.0  # try the server again at every input (the game waits 20 s)
        live.bot = BOTS["best"](1)
        run_until(app, lambda: len(live.session.state.choices) >= 1)
        own_cluster.stop()
        run_until(app, lambda: store.problem is not None)
        app.frame(FRAME)
        told = [n.text for n in live.notes if n.text.startswith("Results not saved:")]
        assert len(told) == 1 and "cannot be reached" in told[0] and "kept on this machine" in told[0]
        assert "Results not saved:" in shown(app)
        made = len(live.session.state.choices)
        run_until(app, lambda: len(live.session.state.choices) > made or live.session.state.ended)
        own_cluster.start()
        run_until(app, lambda: app.top.name == "debrief")
        assert live.recording.saved
    finally:
        app.close()  # what the round wrote while the server was away is sent by now
    assert store.spool.count() == 0
    with kept_store(data) as store:
        stored = store.session(live.recording.session_id)
        assert stored.status == "finished" and stored.team == "Away"
        assert [r["decision"] for r in store.log_records(stored.id) if r.get("kind") == "decide"] == \
            list(live.session.state.choices)
