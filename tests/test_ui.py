"""The window front end, driven headless with synthetic key and mouse events.

Every test runs on SDL's dummy video and audio drivers and moves time with ``App.frame(dt)``:
nothing depends on the wall clock or the machine's speed. Assertions look at what the engine
recorded and at what the screen shows (the lines of text the last frame drew).
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import argparse
import gc
import math
import re
import shutil
import wave
import weakref
from io import BytesIO
from pathlib import Path

import pygame
import pytest

from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.engine.session import Status
from game.ui.app import App, Settings, open_app, run
from game.engine.scoring import score
from window_driver import FRAME, key, run_until, shown, type_text

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "cases" / "tiny"
NESTLE = ROOT / "scenarios" / "nestle-kitkat-2010"


# --- helpers ----------------------------------------------------------------------------


def press_typing(app: App, k: int, text: str) -> None:
    """A key as SDL sends it when it also types a letter: its KEYDOWN, then its TEXTINPUT."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=text, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode=text, scancode=0))
    app.frame(0.0)


def type_keys(app: App, text: str) -> None:
    """Type ``text`` as a keyboard does: each letter's KEYDOWN, then its TEXTINPUT."""
    for ch in text:
        code = ord(ch.lower()) if ch.isascii() else 0
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=ch, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.frame(0.0)


def click(app: App, pos: tuple[int, int]) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.frame(0.0)


def wheel(app: App, pos: tuple[int, int], y: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, flipped=False, precise_x=0.0,
                                         precise_y=float(y)))
    app.frame(0.0)


def nestle_case():
    """The shipped Nestlé case; a missing or broken case fails the test that needs it (never a skip)."""
    try:
        return load_case(NESTLE)
    except CaseError as exc:
        pytest.fail(f"the shipped Nestlé case does not load: {exc.diagnostics[0]}")


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """A folder of cases: the tiny one and a broken one."""
    folder = tmp_path / "cases"
    (folder / "tiny").mkdir(parents=True)
    shutil.copy(TINY / "scenario.yaml", folder / "tiny" / "scenario.yaml")
    (folder / "broken").mkdir()
    (folder / "broken" / "scenario.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    return folder


@pytest.fixture
def app(cases: Path):
    # At 1 s = 20 s a round takes a few hundred frames (the case's own pace has its own test).
    app = open_app(Settings(scenarios=[cases], lang="en", speed=20.0))
    app.scene("menu").finish_loading()
    app.frame(0.0)
    yield app
    app.close()


def open_tiny(app: App) -> None:
    menu = app.scene("menu")
    tiny = next(i for i, e in enumerate(menu.entries) if e.playable and e.case.id == "tiny")
    while menu.selected != tiny:
        key(app, pygame.K_DOWN if menu.selected < tiny else pygame.K_UP)
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing"


# --- the menu ---------------------------------------------------------------------------


def test_menu_lists_cases_and_greys_a_broken_one_with_its_error(app: App) -> None:
    text = shown(app)
    assert "Tiny test case: the mislabelled yoghurt" in text
    assert "cannot be played" in text
    broken = next(e for e in app.scene("menu").entries if not e.playable)
    assert broken.problems and ":" in broken.problems[0]
    assert "broken/scenario.yaml:3:1: error: did not find expected" in text  # FILE:LINE:COL: error: message
    # Opening the broken case lists every problem (it cannot start); the good one still opens.
    menu = app.scene("menu")
    menu.selected = menu.entries.index(broken)
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing" and app.top.case is None
    assert "This case cannot be played" in shown(app)
    assert any(line.endswith("broken/scenario.yaml:3:1: error: did not find expected ',' or ']'")
               for line in app.shown()), app.shown()
    key(app, pygame.K_RETURN)  # Enter cannot start a broken case
    assert app.top.name == "briefing"
    key(app, pygame.K_ESCAPE)
    assert app.top.name == "menu"
    assert "cannot be played" in shown(app)
    open_tiny(app)


def test_menu_team_name_language_and_speed(app: App) -> None:
    click(app, app.scene("menu").team_rect().center)
    assert app.scene("menu").team.editing
    type_text(app, "Équipe « Bleue »")
    key(app, pygame.K_BACKSPACE)
    key(app, pygame.K_RETURN)
    assert app.settings.team == "Équipe « Bleue"
    key(app, pygame.K_l)
    assert app.settings.lang == "fr"
    assert "Langue\u00a0: Français" in shown(app)
    assert "Nom de l’équipe ou du joueur" in shown(app)
    speed = app.settings.speed
    key(app, pygame.K_s)
    assert app.settings.speed != speed
    key(app, pygame.K_l)
    assert app.settings.lang == "en"
    # The same settings with the mouse.
    menu = app.scene("menu")
    for action in ("lang", "speed", "projector", "sound"):
        click(app, next(b for b in menu.buttons if b.action == action).rect.center)
    assert app.settings.lang == "fr" and app.settings.projector and not app.sound.muted


def test_a_field_never_types_the_key_that_opened_it(app: App) -> None:
    # N on the menu opens the team's name: it must not begin with "n" (issue 17).
    press_typing(app, pygame.K_n, "n")
    menu = app.scene("menu")
    assert menu.team.editing and menu.team.text == ""
    type_keys(app, "nina")
    key(app, pygame.K_RETURN)
    assert app.settings.team == "nina"  # an n typed afterwards is kept, even as the first letter
    # N during a round opens the facilitator's note, empty.
    open_tiny(app)
    key(app, pygame.K_RETURN)
    press_typing(app, pygame.K_n, "n")
    assert app.top.name == "note" and app.top.field.text == ""
    type_keys(app, "no answer yet")
    assert app.top.field.text == "no answer yet"


def test_no_case_folder_and_missing_case_do_not_crash(tmp_path: Path) -> None:
    app = open_app(Settings(scenarios=[tmp_path / "nowhere"]))
    try:
        app.frame(0.0)
        assert "No case found" in shown(app)
        menu = app.scene("menu")
        entry = menu.entry_for(tmp_path / "missing-case")
        menu.open(entry)
        app.frame(0.0)
        assert app.top.name == "briefing" and "cannot be played" in shown(app)
        key(app, pygame.K_ESCAPE)
        assert app.top.name == "menu" and "cannot be played" in shown(app)
    finally:
        app.close()


# --- a whole playthrough with the keyboard alone ------------------------------------------


def test_keyboard_playthrough_of_the_tiny_case(app: App) -> None:
    key(app, pygame.K_n)
    type_text(app, "Blue team")
    key(app, pygame.K_RETURN)
    open_tiny(app)
    text = shown(app)
    assert "Answer publicly within ten minutes." in text  # the objective
    assert "Your role" in text and "Microblog" in text
    key(app, pygame.K_RETURN)
    live = app.top
    assert live.name == "live"
    session = live.session

    # Posts arrive on the clock; the first decision opens at 00:03:00.
    run_until(app, lambda: session.status == Status.AWAITING_DECISION)
    app.frame(0.0)
    text = shown(app)
    assert "First public answer" in text
    assert "left to decide" in text
    assert "If nobody decides" in text
    assert "Blue team" in text
    # Choose the first option, then confirm it.
    key(app, pygame.K_1)
    assert session.status == Status.AWAITING_DECISION  # choosing is not yet deciding
    assert "Confirm this choice" in shown(app)
    assert "Publishes on Microblog: “We got the label wrong and we are sorry." in shown(app)
    key(app, pygame.K_RETURN)
    assert session.state.choices["statement"] == "recall"
    assert any(p.author == "organisation" for p in session.feed)

    # Triage from the keyboard: select posts, flag one, dismiss one, answer one.
    key(app, pygame.K_HOME)
    feed = live.feed
    candidates = [p for p in feed.posts if p.author != "organisation"]
    assert candidates
    while session.posts[feed.selected].author == "organisation":
        key(app, pygame.K_DOWN)
    flagged = feed.selected
    key(app, pygame.K_f)
    assert session.state.triage[flagged][0] == "flag"
    assert "Flagged" in shown(app)
    key(app, pygame.K_DOWN)
    while session.posts[feed.selected].author == "organisation":
        key(app, pygame.K_DOWN)
    dismissed = feed.selected
    key(app, pygame.K_x)
    assert session.state.triage[dismissed][0] == "dismiss"
    key(app, pygame.K_a)
    assert live.picker is not None and "Thank them and point to the statement" in shown(app)
    key(app, pygame.K_1)
    assert session.state.triage[dismissed][0] == "answer"
    assert live.picker is None

    # Facilitator: pause stops the clock, speed changes, fire the optional inject.
    key(app, pygame.K_SPACE)
    t = session.t
    for _ in range(20):
        app.frame(FRAME)
    assert session.t == t and "PAUSED" in shown(app)
    key(app, pygame.K_SPACE)
    speed = live.speed
    key(app, pygame.K_PLUS)
    assert live.speed > speed and app.settings.speed == live.speed  # kept for the next round
    key(app, pygame.K_MINUS)
    assert live.speed == speed
    key(app, pygame.K_i)
    # The picker names the optional inject by who sends it; what it says stays hidden (issue 17).
    assert "Facilitator: fire an inject" in shown(app) and "The CEO" in shown(app), shown(app)
    key(app, pygame.K_1)
    assert "boss-worry" in session.state.fired

    # The inbox: Tab focuses it, the CEO's call is there, flag it.
    key(app, pygame.K_TAB)
    assert live.focus is live.inbox
    key(app, pygame.K_DOWN)
    call = live.inbox.selected
    assert session.posts[call].channel == "phone"
    key(app, pygame.K_f)
    assert session.state.triage[call][0] == "flag"

    # The follow-up decision; then the facilitator ends the round.
    run_until(app, lambda: "follow-up" in session.state.open)
    key(app, pygame.K_2)
    key(app, pygame.K_RETURN)
    assert session.state.choices["follow-up"] == "promo"
    key(app, pygame.K_e)
    assert "End the round now?" in shown(app)
    key(app, pygame.K_y, frames=2)
    assert session.status == Status.ENDED
    debrief = app.top
    assert debrief.name == "debrief"

    # The debrief shows the score the engine computed, the ending and the feedback.
    result = score(session)
    text = shown(app)
    assert f"{result.score:.0f}" in app.shown()
    assert f"score {result.score:.1f} out of 100" in text
    assert result.ending["title"] in text
    while "Your decisions" not in shown(app) or "Better" not in shown(app):
        key(app, pygame.K_PAGEDOWN)
        if debrief.scroll == debrief.max_scroll:
            break
    text = shown(app)
    assert "You chose: Apologise and recall the batch" in text
    assert "You chose: Post a discount code" in text
    assert "Better: Explain how to get a refund" in text
    key(app, pygame.K_END)
    assert "Objectives" in shown(app), shown(app)  # the end of the debrief

    # Replay goes back to the briefing; Esc from there to the menu.
    key(app, pygame.K_r)
    assert app.top.name == "briefing"
    key(app, pygame.K_ESCAPE)
    assert app.top.name == "menu"


# --- the same with the mouse alone ---------------------------------------------------------


def test_mouse_playthrough_of_the_tiny_case(app: App) -> None:
    menu = app.scene("menu")
    row = next(rect for index, rect in menu.rows if menu.entries[index].playable)
    click(app, row.center)
    briefing = app.top
    assert briefing.name == "briefing"
    start = next(b for b in briefing.buttons if b.action == "start")
    click(app, start.rect.center)
    live = app.top
    assert live.name == "live"
    session = live.session
    run_until(app, lambda: session.status == Status.AWAITING_DECISION)
    app.frame(0.0)
    click(app, live.button_centre("choose:1"))
    assert live.chosen["statement"] == 1
    click(app, live.button_centre("confirm"))
    assert session.state.choices["statement"] == "deny"

    # Triage buttons on a card.
    app.frame(0.0)
    post = next(p for p, _ in live.feed.visible if p.author != "organisation")
    click(app, live.feed.button_centre(post.id, "flag"))
    assert session.state.triage[post.id][0] == "flag"
    click(app, live.feed.button_centre(post.id, "answer"))
    box, rows = live.picker_geometry(app.size)
    click(app, rows[0].center)
    assert session.state.triage[post.id][0] == "answer"

    # Channel filter chips: only that channel's posts are left in the feed.
    click(app, live.button_centre("filter:page"))
    assert live.filter == "page" and all(p.channel == "page" for p in live.feed.posts)
    click(app, live.button_centre("filter:"))
    assert live.filter is None
    # The wheel scrolls the feed.
    run_until(app, lambda: live.feed.max_scroll > 0)
    wheel(app, live.feed.rect.center, -2)
    assert live.feed.scroll > 0
    # Pause and speed buttons in the top bar.
    click(app, live.button_centre("pause"))
    assert live.paused
    click(app, live.button_centre("pause"))
    assert not live.paused
    speed = live.speed
    click(app, live.button_centre("faster"))
    assert live.speed > speed

    run_until(app, lambda: app.top.name == "debrief")
    debrief = app.top
    result = score(session)
    assert f"score {result.score:.1f} out of 100" in shown(app)
    click(app, next(b for b in debrief.buttons if b.action == "menu").rect.center)
    assert app.top.name == "menu"


def test_timeout_shows_its_consequence_and_is_recorded(app: App) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    live = app.top
    session = live.session
    run_until(app, lambda: session.status == Status.AWAITING_DECISION)
    app.frame(0.0)
    assert "trust −10" in shown(app) and "the story spreads faster" in shown(app)
    run_until(app, lambda: "statement" in session.state.choices)
    app.frame(0.0)
    assert session.state.choices["statement"] is None
    assert "Time is up on" in shown(app)
    assert "One minute left" in "\n".join(n.text for n in live.notes)


# --- the Nestlé case ------------------------------------------------------------------------


def test_keyboard_playthrough_of_the_nestle_case(tmp_path: Path) -> None:
    loaded = nestle_case()
    app = open_app(Settings(scenarios=[tmp_path], lang="en", speed=60.0), case=loaded.path.parent)
    try:
        assert app.top.name == "briefing"
        app.frame(0.0)
        assert loaded.case.title in shown(app)
        key(app, pygame.K_RETURN)
        live = app.top
        session = live.session
        decided = 0
        flagged = 0
        for _ in range(20_000):
            if app.top is not live:
                break
            if session.open_decisions:
                decision = live.shown_decision()
                app.frame(0.0)
                assert decision.title in shown(app)
                key(app, pygame.K_1)
                key(app, pygame.K_RETURN)
                assert decision.id in session.state.choices
                decided += 1
            elif live.feed.posts and flagged < 5 and session.t % 300 == 0:
                key(app, pygame.K_HOME)
                if session.posts[live.feed.selected].author != "organisation":
                    key(app, pygame.K_f)
                    flagged += 1
            app.frame(FRAME)
        assert app.top.name == "debrief"
        assert decided >= 3
        assert sum(1 for a, _ in session.state.triage.values() if a == "flag") >= 1
        result = score(session)
        assert f"score {result.score:.1f} out of 100" in shown(app)
        assert result.ending["title"] in shown(app)
    finally:
        app.close()


def test_demo_mode_plays_by_itself(cases: Path) -> None:
    app = open_app(Settings(scenarios=[cases], demo=True, speed=120.0))
    try:
        run_until(app, lambda: app.top.name == "debrief", limit=5000)
        live_session = app.top.session
        assert live_session.state.choices.get("statement") == "recall"  # the best bot's choice
        assert "DEMO" not in shown(app)
        assert f"score {score(live_session).score:.1f} out of 100" in shown(app)
    finally:
        app.close()


# --- window sizes, projector, help -------------------------------------------------------


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160), (1024, 600)])
def test_layout_adapts_to_the_window(app: App, size: tuple[int, int]) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    live = app.top
    run_until(app, lambda: live.session.open_decisions)
    pygame.display.set_mode(size, pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
    app.frame(0.0)
    assert app.painter.theme.size == size
    w, h = size
    for name in ("feed", "middle", "right"):
        region = live.regions[name]
        assert region.right <= w and region.bottom <= h and region.w > 0 and region.h > 0
    assert "First public answer" in shown(app)
    for text, rect in app.painter.frame:
        assert rect.right <= w + 2 and rect.left >= -2, text
    small = app.painter.theme.line("body")
    key(app, pygame.K_F2)  # projector type
    assert app.settings.projector and app.painter.theme.line("body") > small
    assert "First public answer" in shown(app)


def test_help_overlay_keeps_the_game_running_and_passes_facilitator_keys(app: App) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    live = app.top
    key(app, pygame.K_F1)
    assert app.top.name == "help"
    assert "Facilitator" in shown(app) and "fire an optional inject now" in shown(app)
    t = live.session.t
    for _ in range(8):
        app.frame(FRAME)
    assert live.session.t > t  # still running under the help
    key(app, pygame.K_SPACE)  # reaches the live screen under the overlay
    assert live.paused
    key(app, pygame.K_F1)
    assert app.top is live


def test_draw_does_not_change_state(app: App) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    live = app.top
    run_until(app, lambda: live.session.open_decisions)
    before = live.session.state.to_dict()
    scroll = live.feed.scroll
    for _ in range(3):
        app.draw()
    assert live.session.state.to_dict() == before
    assert live.feed.scroll == scroll


def test_leaving_a_round_asks_first(app: App) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_ESCAPE)
    assert app.top.name == "live" and "Leave this round?" in shown(app)
    key(app, pygame.K_n)
    assert app.top.name == "live" and app.top.picker is None
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_y)
    assert app.top.name == "menu"


# --- assets, text and sound ---------------------------------------------------------------


def test_every_character_of_the_interface_has_a_glyph() -> None:
    from game.ui.briefing import KIND_ICONS
    from game.ui.theme import FONTS

    pygame.font.init()
    chars = set("àâçéèêëîïôùûüÿœæÀÉÈÊÇ’«»“”…—–−·•↑↓→♥⇄↻▲▼▶◀✔✘✓✗⚑↩✉☎✆★⚠◷‖♪☰✍▤☺✎◆■●↕⚡")
    from babel.messages.pofile import read_po

    for po in (ROOT / "game" / "locale").glob("*/LC_MESSAGES/crisis_sim.po"):
        with po.open("rb") as f:
            for message in read_po(f):
                for text in (*_texts(message.id), *_texts(message.string)):
                    chars.update(text)
    chars.update("".join(KIND_ICONS.values()))
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = pygame.font.Font(str(FONTS / name), 16)
        missing = font.metrics("\uffff")[0]
        absent = [c for c in sorted(chars) if not c.isspace() and font.metrics(c)[0] == missing and c != "\uffff"]
        assert not absent, f"{name} has no glyph for {absent}"
    assert (FONTS / "LICENSE").is_file()


def _texts(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value or "",)


def test_wrapped_text_never_passes_the_edge() -> None:
    from game.ui.text import reflow, wrap
    from game.ui.theme import FONTS

    pygame.font.init()
    font = pygame.font.Font(str(FONTS / "DejaVuSans.ttf"), 15)
    text = ("L’équipe « communication » répond : " + "https://example.org/" + "x" * 120 + " fin.\n\n"
            "- a list item\n- another")
    lines = wrap(font, text, 200)
    assert all(font.size(line)[0] <= 200 for line in lines)
    assert "" in lines and lines[-1] == "- another"
    assert reflow("one\ntwo\n\nthree") == ["one two", "", "three"]


def test_a_missing_font_falls_back_and_says_so(cases: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from game.ui import theme

    monkeypatch.setattr(theme, "FONTS", tmp_path / "no-fonts")
    app = open_app(Settings(scenarios=[cases]))
    try:
        app.scene("menu").finish_loading()
        app.frame(0.0)
        assert any("Font missing" in line for line in app.shown())
    finally:
        app.close()


def test_sound_is_muted_by_default_and_toggles(app: App) -> None:
    from game.ui.sound import CUES, cue_wav

    with wave.open(BytesIO(cue_wav(CUES["decision"]))) as cue:
        assert cue.getnchannels() == 1 and cue.getnframes() > 0
    assert app.sound.muted
    open_tiny(app)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_m)
    assert not app.sound.muted
    live = app.top
    run_until(app, lambda: live.session.open_decisions)
    assert "decision" in app.sound.played  # asked for, whether or not a device plays it
    key(app, pygame.K_m)
    assert app.sound.muted


# --- command line ------------------------------------------------------------------------------


def test_screenshot_tour_saves_every_screen(cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    args = argparse.Namespace(scenarios=str(cases), lang="en", demo=True, screenshot=str(out),
                              fullscreen=False, projector=False)
    assert run(args, TINY) == 0
    for name in ("briefing", "live", "help", "debrief"):
        image = pygame.image.load(str(out / f"{name}.png"))
        assert image.get_size() == (1280, 720)


def test_screenshot_tour_from_the_menu(cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./scenarios here: only the folder given
    out = tmp_path / "shots"
    args = argparse.Namespace(scenarios=str(cases), screenshot=str(out))  # other attributes missing
    assert run(args) == 0
    assert (out / "menu.png").is_file() and (out / "debrief.png").is_file()


def test_a_tiny_window_does_not_crash(app: App) -> None:
    open_tiny(app)
    key(app, pygame.K_RETURN)
    live = app.top
    run_until(app, lambda: live.session.open_decisions)
    for size in ((320, 200), (200, 900), (1280, 720)):
        pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
        for _ in range(4):
            app.frame(FRAME)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"


def test_the_benchmark_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`python3 bench/bench_ui.py` reports the six scenarios and never writes into the user's results."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_ui", ROOT / "bench" / "bench_ui.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr("sys.argv", ["bench_ui.py", "--frames", "5"])
    user_data = tmp_path / "user-data"  # stands for the user's results folder
    monkeypatch.setenv("CRISIS_SIM_DATA_DIR", str(user_data))
    assert bench.main() == 0
    out = capsys.readouterr().out
    assert "p99" in out and "feed at start: 1" in out
    # All six of issue 12's scenarios, each with its verdict.
    for size in ("1280x720", "1920x1080", "3840x2160"):
        for speed in ("1 s = 1 s", "1 s = 120 s"):
            assert re.search(rf"^{size}, {speed} .*(MET|NOT MET)$", out, re.M), (size, speed)
    # The bench plays rounds in a folder of its own: nothing lands in the user's results.
    assert not user_data.exists() or not any(user_data.iterdir())


def test_window_round_writes_a_session_log_that_replays(cases: Path, tmp_path: Path) -> None:
    """`crisis-sim play CASE --log FILE` in the window: the log replays to the same result."""
    from game.engine.log import read_log, replay

    log = tmp_path / "window.jsonl"
    app = open_app(Settings(scenarios=[cases], demo=True, speed=120.0, seed=3, log=log))
    try:
        run_until(app, lambda: app.top.name == "debrief", limit=5000)
        played = app.top.session
        contents = read_log(log)
        assert contents.header["seed"] == 3 and contents.result == score(played).to_json()
        assert score(replay(played.case, 3, contents.inputs)).to_json() == contents.result
    finally:
        app.close()


# --- the feed's focus, its "new posts" strip, and what a frame leaves on the window -----


@pytest.fixture
def busy_round(tmp_path: Path):
    """The Nestlé round in the window, forty minutes in (a long feed), on the live screen."""
    loaded = nestle_case()
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang="en", size=(1280, 720)))
    live = LiveScene(app, loaded.case, NESTLE, seed=1)
    app.push(live)
    live.session.advance(40 * 60)
    for _ in range(30):  # the columns take a tick's posts a few dozen a frame
        app.frame(0.0)
    assert len(live.feed.posts) > 20
    yield app, live
    app.close()


def test_new_posts_strip_covers_no_card_and_a_click_goes_to_the_newest(busy_round) -> None:
    app, live = busy_round
    feed = live.feed
    feed.scroll = feed.top_of(feed.posts[-12].id)  # reading older posts, one of them at the top
    app.frame(0.0)
    live.session.advance(10 * 60)
    for _ in range(30):
        app.frame(0.0)
    assert feed.unseen_above > 0
    strip = feed.badge_rect()
    assert strip is not None and "new posts above" in shown(app)
    # Cards show below the strip: no name, handle or line of a post is drawn under it.
    under = [text for text, rect in app.painter.frame if rect.colliderect(strip) and "new posts above" not in text]
    assert under == []
    click(app, strip.center)
    app.frame(0.0)
    assert feed.scroll == 0 and feed.unseen_above == 0
    assert feed.visible[0][0].id == feed.posts[-1].id  # the newest post, at the top
    assert "new posts above" not in shown(app)


def test_tab_back_to_the_feed_selects_a_post_in_view(busy_round) -> None:
    app, live = busy_round
    feed = live.feed
    key(app, pygame.K_DOWN)  # select the newest post
    old = feed.selected
    assert old is not None
    key(app, pygame.K_TAB)
    assert live.focus is live.inbox
    live.session.advance(19 * 60)  # the team works in the inbox for a while
    for _ in range(30):
        app.frame(0.0)
    feed.scroll_by(feed.rect.h * 4)
    app.frame(0.0)
    key(app, pygame.K_TAB)
    assert live.focus is feed
    assert feed.selected in [p.id for p, _ in feed.visible]  # not the post left far out of view
    assert feed.selected != old


def test_inbox_keeps_a_usable_height_while_a_decision_is_open(busy_round) -> None:
    app, live = busy_round
    decision = next(d for d in live.case.decisions)
    live.session.fire(decision.id)
    for _ in range(3):
        app.frame(0.0)
    assert live.shown_decision() is not None
    assert live.inbox.rect.h >= live.regions["middle"].h // 4 - live.theme.px(16)


def test_a_kept_frame_looks_exactly_like_a_full_redraw(busy_round) -> None:
    """Parts left on the window (feed, dashboard) must be what a full redraw would show."""
    app, live = busy_round
    for speed in (1.0, 120.0):
        app.settings.speed = speed
        for _ in range(40):
            app.frame(1 / 60)
            assert live.feed.kept.keep is False  # consumed by the draw
        kept = app.window.copy()
        words = list(app.shown())
        live._drawn = None  # as after an overlay: everything drawn again
        app.window.fill((255, 0, 255))  # over a window of garbage: every pixel must be drawn by some part
        app.draw()
        assert pygame.image.tobytes(kept, "RGB") == pygame.image.tobytes(app.window, "RGB")
        assert words == app.shown()


def test_a_countdown_drawn_alone_looks_exactly_like_a_full_redraw(busy_round, monkeypatch) -> None:
    """Each second only the decision's countdown row is drawn again (the rest of the panel is
    kept), and only the top bar's words left of its buttons (the clock): every frame, scrolled to
    the options (the pinned band) or not, the window and its words are what a full redraw shows."""
    from game.ui.decision import DecisionPanel

    app, live = busy_round
    if live.shown_decision() is None:
        live.session.fire(live.case.decisions[0].id)
    app.frame(1 / 60)
    alone, clock = [], []
    draw = DecisionPanel.draw
    monkeypatch.setattr(DecisionPanel, "draw", lambda panel, surface, only=None: (
        alone.append(only is not None), draw(panel, surface, only))[1])
    draw_top = type(live)._draw_top
    monkeypatch.setattr(type(live), "_draw_top", lambda scene, surface, only=None: (
        clock.append(only is not None), draw_top(scene, surface, only))[1])
    for scroll in (0, live.panel.max_scroll):
        live.panel.scroll_to(scroll)
        for speed in (1.0, 120.0):
            app.settings.speed = speed
            for _ in range(70):
                app.frame(1 / 60)
                kept, words = app.window.copy(), list(app.shown())
                live._drawn = None  # as after an overlay: everything drawn again
                app.window.fill((255, 0, 255))
                app.draw()
                assert pygame.image.tobytes(kept, "RGB") == pygame.image.tobytes(app.window, "RGB")
                assert words == app.shown()
                live._drawn = (app.frames - 1, app.window)  # the next frame starts from this one again
                if live.shown_decision() is None:
                    break
    assert live.panel.max_scroll > 0 and alone.count(True) >= 4  # about once a real second
    assert clock.count(True) >= 4


def test_the_round_is_out_of_the_garbage_collectors_walk_during_play_and_freed_after(tmp_path: Path) -> None:
    """A full collection over a long round's objects is a 50-150 ms frame: none while the live
    screen plays; once it is left, the round's objects are collected as usual."""
    from game.ui.live import LiveScene

    app = App(Settings(scenarios=[], lang="en", size=(1280, 720)))
    loaded = nestle_case()
    live = LiveScene(app, loaded.case, NESTLE, seed=1)
    app.push(live)
    live.session.advance(20 * 60)
    app.frame(1 / 60)
    assert gc.get_freeze_count() > 1000
    gone = weakref.ref(live)
    app.replace(app.new_scene("menu", []))
    del live
    app.frame(0.0)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None
    app.close()


def test_long_decision_in_projector_type_keeps_timeout_and_confirm_in_view(busy_round) -> None:
    app, live = busy_round
    app.toggle_projector()
    decision = max(live.case.decisions, key=lambda d: sum(len(o.label) for o in d.options) + len(d.prompt))
    live.session.fire(decision.id)
    live.shown = decision.id
    for _ in range(3):
        app.frame(0.0)
    panel = live.panel
    assert live.shown_decision() is decision
    for index in range(len(decision.options)):
        key(app, getattr(pygame, f"K_{index + 1}"))
        words = {text: rect for text, rect in app.painter.frame}
        for start in ("If nobody decides", "✓ Confirm this choice"):
            rect = next(r for text, r in words.items() if text.startswith(start))
            assert panel.rect.contains(rect), (start, rect, panel.rect)
        # The title is shown whole or scrolled away, never cut in half.
        assert panel.scroll == 0 or panel.scroll >= panel.countdown_y
        assert panel.centre("confirm") is not None and panel.rect.collidepoint(panel.centre("confirm"))
    body = app.painter.theme.font("body").get_height()
    assert body >= 18  # readable from the back of a room at 1280x720


def test_inject_list_does_not_show_the_room_what_is_coming(busy_round) -> None:
    app, live = busy_round
    items = live.optional_items()
    assert items, "the Nestlé case has optional injects forty minutes in"
    key(app, pygame.K_i)
    assert live.picker is not None and live.picker.kind == "inject"
    details = [detail for _, _, detail in items if detail]
    assert not any(detail[:30] in shown(app) for detail in details)  # what they say stays hidden
    key(app, pygame.K_TAB)
    assert any(detail[:20] in shown(app) for detail in details)  # until the facilitator asks
    box, _ = live.picker_geometry(app.size)
    assert box.w * box.h < app.size[0] * app.size[1] // 6  # a small box, not a screen-wide modal
    key(app, pygame.K_ESCAPE)
    assert live.picker is None


# --- the pace of a round (issue 12) -----------------------------------------------------


def test_without_a_speed_the_window_keeps_the_cases_pace_and_counts_real_time(cases: Path) -> None:
    from game.play.pace import default_speed, speed_cap

    app = open_app(Settings(scenarios=[cases], lang="en"))  # no speed asked: the case's own pace
    try:
        app.scene("menu").finish_loading()
        app.frame(0.0)
        assert "Speed: the case's pace" in shown(app)
        open_tiny(app)
        key(app, pygame.K_RETURN)
        live = app.top
        session = live.session
        assert live.round.speed == default_speed(session.case) and live.round.pace
        run_until(app, lambda: session.status == Status.AWAITING_DECISION)
        decision = live.shown_decision()
        live.app.settings.speed = 120.0  # the facilitator speeds up: the reading rule still holds
        app.frame(1.0)
        assert live.running_speed == pytest.approx(min(120.0, speed_cap(decision)))
        # The countdown shows the real seconds a person has, and the speed the round runs at.
        left = math.ceil(live.real_time_left(decision.id))
        text = shown(app)
        assert f"{app.tr.duration(left)} left to decide" in text
        assert f"1 s = {app.tr.number(round(live.running_speed, 1))} s" in text
        assert live.real_time_left(decision.id) > session.time_left(decision.id) / 120.0
    finally:
        app.close()


# --- a written answer (issue 11) --------------------------------------------------------


KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"


def test_a_written_round_in_the_window_publishes_the_text_and_debriefs_it(tmp_path: Path) -> None:
    from game.engine.bots import BOTS
    from game.ui.live import LiveScene

    loaded = load_case(KRYPTONITE)
    app = App(Settings(scenarios=[], lang="en", speed=20.0, data_dir=tmp_path / "data"))
    try:
        live = LiveScene(app, loaded.case, KRYPTONITE, seed=1)
        app.push(live)
        session = live.session
        run_until(app, lambda: "forum-thread" in session.state.open)
        live.shown = "forum-thread"
        app.frame(0.0)
        assert "Write your own answer" in shown(app)  # responses: both, beside the prepared options
        press_typing(app, pygame.K_w, "w")
        draft = live.drafts["forum-thread"]
        assert live.writing and draft.text == ""  # the W that opened the field is not typed
        assert draft.limit == session.channels["forum"].limit  # the channel the answer is published on
        # The field takes no more than the channel does (a hard limit, as on the real network).
        type_keys(app, "x" * (draft.limit + 5))
        assert len(draft.text) == draft.limit
        assert f"{app.tr.number(draft.limit)} / {app.tr.number(draft.limit)}" in shown(app)
        draft.text = ""
        text = "We have tested it: the locks can be opened with a pen. Stop using them; we will replace every lock."
        type_keys(app, text)  # keys that are shortcuts elsewhere (F, X, A, 1...) only type
        assert draft.text == text and not session.state.triage
        assert f"{len(text)} / {app.tr.number(draft.limit)}" in shown(app)
        key(app, pygame.K_RETURN, frames=5)
        assert "forum-thread" in session.state.choices and not live.writing
        ours = [p for p in session.feed if p.author == "organisation"]
        assert [p.text for p in ours] == [text]
        assert text in shown(app)  # in the feed, as the organisation's post

        live.bot = BOTS["best"](session.seed)
        run_until(app, lambda: app.top.name == "debrief")
        words = shown(app)
        for _ in range(40):
            key(app, pygame.K_PAGEDOWN)
            words += " " + shown(app)
        # The text as written, the phrases the assessment read between brackets, each numbered,
        # and under it what each number was read as (not a bare bracket).
        wrote = re.search(r"You wrote: “([^”]*)”", words)
        assert wrote and re.sub(r"[\[\]①-⑩]", "", wrote.group(1)) == text
        phrases = re.findall(r"\[([^\]]*)\]([①-⑩])", wrote.group(1))
        assert phrases
        for phrase, number in phrases:
            assert f"{number} “{phrase}” — " in words
        assert "key point: Confirm that the locks can be opened" in words
        assert "✔ said: Confirm that the locks can be opened" in words
        assert "The authored best answer" in words
    finally:
        app.close()


def test_every_screen_is_found_by_its_name_and_the_menu_needs_few_of_them(cases: Path) -> None:
    import subprocess
    import sys

    from game.ui.app import SCREENS, screen

    assert all(screen(name).name == name for name in SCREENS)
    # Start-up (issue 12): the menu opens without importing the live screen or the debrief.
    probe = ("import sys; from pathlib import Path; from game.ui.app import Settings, open_app; "
             f"app = open_app(Settings(scenarios=[Path({str(cases)!r})])); app.frame(0.0); "
             "print(sorted(m for m in ('game.ui.live', 'game.ui.debrief', 'game.ui.director') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), CRISIS_SIM_DATA_DIR=str(cases.parent / "data"))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
