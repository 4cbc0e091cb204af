"""The window as a trainer meets it (issue 17): help for the screen it is opened on, the beginners'
case first, the speed both ways with the round's real length and kept between rounds and starts,
a new feed for each solo round, a resumed round at its own speed and times, objectives worded for
players or hidden, a typed debrief that fits in projector type, and the workshop footer."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import json
import re
import shutil
from pathlib import Path

import pygame
import pygame.freetype
import pytest

from game.engine.bots import BOTS, play
from game.engine.loader import load_case
from game.results import workshop as ws
from game.results.store import ResultStore
from game.ui.app import App, Settings, open_app
from game.ui.debrief import merge_marks
from game.ui.resume import offer_resume
from game.ui.settings import SHARED_SEED, round_seed

from conftest import ROOT, SCENARIOS, TINY
from window_driver import FRAME, key, run_until, shown



def whole_page(app: App) -> str:
    """Everything a scrolling page shows, top to bottom."""
    page = app.top
    text = shown(app)
    while page.scroll < page.max_scroll:
        key(app, pygame.K_PAGEDOWN)
        text += " " + shown(app)
    return text


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    (folder / "tiny").mkdir(parents=True)
    for name in ("scenario.yaml", "scenario.fr.yaml"):
        shutil.copy(TINY / name, folder / "tiny" / name)
    return folder


def make_app(cases: Path, data: Path | None = None, **kwargs) -> App:
    kwargs.setdefault("speed", 20.0)  # the window's default is the case's own pace; these play at 1 s = 20 s
    app = open_app(Settings(scenarios=[cases], lang=kwargs.pop("lang", "en"), data_dir=data, **kwargs))
    app.scene("menu").finish_loading()
    app.frame(0.0)
    return app


def start_round(app: App, team: str = "Red") -> None:
    app.scene("menu").team.text = team
    app.settings.team = team
    key(app, pygame.K_RETURN)  # the briefing
    key(app, pygame.K_RETURN)  # the clock starts
    assert app.top.name == "live"


# --- the menu ---------------------------------------------------------------------------------


def test_f1_on_the_menu_shows_the_menus_keys_and_in_a_round_the_players_keys(cases: Path) -> None:
    app = make_app(cases)
    try:
        key(app, pygame.K_F1)
        text = shown(app)
        assert app.top.name == "help" and "Keys of the menu" in text
        assert "choose a case" in text and "faster / slower" in text
        assert "flag as a real signal" not in text  # the in-game keys are not the menu's
        key(app, pygame.K_F1)
        start_round(app)
        key(app, pygame.K_F1)
        text = shown(app)
        assert "flag as a real signal" in text and "Keys of the menu" not in text
    finally:
        app.close()


def test_the_shipped_cases_are_listed_easiest_first_and_the_beginners_case_is_selected() -> None:
    app = open_app(Settings(scenarios=[SCENARIOS], lang="en"))
    try:
        menu = app.scene("menu")
        menu.finish_loading()
        app.frame(0.0)
        ranks = [{"easy": 0, "medium": 1, "hard": 2}[e.case.difficulty] for e in menu.entries]
        assert ranks == sorted(ranks) and ranks[0] == 0
        assert menu.entries[menu.selected].case.id == "brand-page-first-weeks"
        # and the line the trainer reads first is that case's title
        assert shown(app).index(menu.entries[0].case.title) < shown(app).index(menu.entries[-1].case.title)
    finally:
        app.close()


def test_the_menus_speed_goes_both_ways_and_shows_the_rounds_real_length(cases: Path) -> None:
    app = make_app(cases)
    try:
        start = app.settings.speed
        assert "the round takes" in shown(app)
        key(app, pygame.K_s)
        faster = app.settings.speed
        assert faster > start
        key(app, pygame.K_s, pygame.KMOD_SHIFT)
        assert app.settings.speed == start
        key(app, pygame.K_MINUS)
        assert app.settings.speed < start
        # The tiny case lasts 20 minutes: at 1 s = 20 s its round takes a minute, and more while a
        # decision leaves the time to read it (game/play/pace.py): the label gives the longest.
        app.settings.speed = 20.0
        app.frame(0.0)
        label = next(b.label for b in app.scene("menu").buttons if b.action == "speed")
        assert label.startswith("Speed: 1 s = 20 s · the round takes up to 1")
    finally:
        app.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_setting_of_the_menu_is_cut_in_projector_type_at_1280x720(cases: Path, lang: str) -> None:
    app = make_app(cases, lang=lang, projector=True, size=(1280, 720))
    try:
        menu = app.scene("menu")
        font = app.painter.theme.font("body")
        for button in menu.buttons:
            assert button.rect.right <= app.size[0], button.label
            assert font.size(button.label)[0] < button.rect.w, button.label  # the whole label fits
        assert "…" not in shown(app).split("Cases")[0].split("Cas")[0]
    finally:
        app.close()


# --- speed, seed, resume ----------------------------------------------------------------------


def test_the_speed_chosen_in_a_round_is_kept_for_the_next_round_and_the_next_start(cases: Path,
                                                                                     tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(cases, data)
    try:
        start_round(app)
        live = app.top
        live.change_speed(1)
        live.change_speed(1)
        chosen = app.settings.speed
        assert chosen > 20.0
        key(app, pygame.K_ESCAPE)
        key(app, pygame.K_y)  # leave the round
        assert app.top.name == "menu"
        start_round(app, "Blue")
        app.frame(FRAME)
        assert app.top.round.clock.speed == chosen
    finally:
        app.close()
    assert json.loads((data / "window.json").read_text())["speed"] == chosen
    again = make_app(cases, data)
    try:
        offer_resume(again)  # what the window does at start
        assert again.settings.speed == chosen
    finally:
        again.close()


def test_a_solo_round_draws_a_new_seed_shown_and_kept_while_a_workshop_shares_one(cases: Path,
                                                                                  tmp_path: Path) -> None:
    solo = Settings(seed=None)
    assert len({round_seed(solo) for _ in range(20)}) > 1
    assert round_seed(Settings(seed=None, workshop="w1")) == SHARED_SEED
    assert round_seed(Settings(seed=7)) == 7
    data = tmp_path / "data"
    app = make_app(cases, data, seed=None)
    try:
        key(app, pygame.K_RETURN)
        briefing = app.top
        key(app, pygame.K_END)  # the time section, at the end of the briefing
        assert f"seed {briefing.seed}. Each round draws a new one" in shown(app)
        key(app, pygame.K_RETURN)
        live = app.top
        assert live.session.seed == briefing.seed
        session_id = live.recording.session_id
        live.bot = BOTS["best"](1)
        run_until(app, lambda: app.top.name == "debrief")
        assert f"feed seed {briefing.seed}" in shown(app)
    finally:
        app.close()
    with ResultStore(data / "results.db") as store:
        assert store.session(session_id).seed == briefing.seed  # kept with the round: replay works


def test_a_resumed_round_runs_at_its_own_speed_and_its_notifications_keep_their_times(cases: Path,
                                                                                      tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(cases, data)
    try:
        start_round(app)
        live = app.top
        live.change_speed(1)
        live.change_speed(1)
        played_at = app.settings.speed
        run_until(app, lambda: live.session.t >= 300)  # the boss's call came in at 00:03:00
        closed = live.recording.session_id
    finally:
        app.close()  # the window closes mid-round: the round can be resumed
    app = make_app(cases, data, speed=5.0)
    try:
        app.settings.speed = 5.0  # another speed on the menu meanwhile
        offer_resume(app)
        app.frame(0.0)
        key(app, pygame.K_RETURN)
        resumed = app.top
        assert resumed.name == "live" and resumed.recording.session_id == closed
        assert app.settings.speed == played_at
        run_until(app, lambda: any("Call from" in n.text for n in resumed.notes), limit=200)
        call = next(n for n in resumed.notes if "Call from" in n.text)
        post = next(p for p in resumed.session.feed if p.channel == "phone")
        assert call.t == post.t < resumed.session.t  # not the resume time
    finally:
        app.close()


# --- briefing, debrief, workshop --------------------------------------------------------------


def test_the_briefing_shows_the_players_wording_of_an_objective_and_the_trainer_can_hide_them() -> None:
    nestle = SCENARIOS / "nestle-kitkat-2010"
    app = open_app(Settings(scenarios=[nestle.parent], lang="en"))
    try:
        case = load_case(nestle).case
        transparent = next(o for o in case.objectives if o.id == "transparent")
        assert "Cargill" in transparent.text and "Cargill" not in (transparent.player or "")
        app.push(app.new_scene("briefing", case, nestle / "scenario.yaml"))
        app.frame(0.0)
        text = whole_page(app)
        assert transparent.player in text and "through Cargill" not in text
        app.pop()
        app.settings.hide_objectives = True
        app.push(app.new_scene("briefing", case, nestle / "scenario.yaml"))
        app.frame(0.0)
        text = whole_page(app)
        assert transparent.player not in text and "keeps the objectives for the debrief" in text
    finally:
        app.close()


def test_hiding_the_objectives_is_a_menu_toggle_kept_for_the_next_start(cases: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(cases, data)
    try:
        key(app, pygame.K_o)
        assert app.settings.hide_objectives
        assert "Objectives in the briefing: hidden" in shown(app)
    finally:
        app.close()
    again = make_app(cases, data)
    try:
        offer_resume(again)
        assert again.settings.hide_objectives
    finally:
        again.close()


def test_chart_marks_that_would_overlap_share_one_label() -> None:
    def width(text: str) -> int:
        return 10 * len(text) + 4
    marks = merge_marks([(600, "3"), (610, "✎1"), (1800, "4")], 2700, 900, width)
    assert marks == [(600, "3 ✎1"), (1800, "4")]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_debrief_title_wraps_in_projector_type_and_lists_false_alarms(lang: str, tmp_path: Path) -> None:
    nestle = SCENARIOS / "nestle-kitkat-2010"
    app = open_app(Settings(scenarios=[SCENARIOS], lang=lang, projector=True, size=(1280, 720)))
    try:
        case = load_case(nestle, lang).case
        played = play(case, 1, "worst")
        app.push(app.new_scene("debrief", case, nestle / "scenario.yaml", played))
        app.frame(0.0)
        debrief = app.top
        assert debrief.debrief.score == debrief.result.score  # the typed Debrief is what it shows
        assert "(2010)" in shown(app)  # the end of the long title is on screen, not cut off
        text = whole_page(app)
        alarms = debrief.debrief.signals.false_alarms
        assert alarms and (alarms[0].text[:30] in text)
    finally:
        app.close()


def test_after_a_workshop_team_finished_the_menu_no_longer_says_it_plays(cases: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(cases, data)
    try:
        store = ResultStore(data / "results.db")
        workshop = ws.create(store, "Monday", "tiny", ["Red", "Blue"])
        store.close()
        app.settings.workshop = workshop.id
        start_round(app, "Red")
        app.top.bot = BOTS["best"](1)
        run_until(app, lambda: app.top.name == "debrief")
        key(app, pygame.K_ESCAPE)
        assert app.top.name == "menu"
        text = shown(app)
        assert "Red plays" not in text
        assert "Workshop Monday: Red has played; next team: Blue" in text
    finally:
        app.close()


# --- the live decision in projector type, help, the debrief's first answer ----------------------


def open_first_decision(lang: str) -> App:
    """The beginners' case in projector type at 1280x720, its first decision open."""
    app = open_app(Settings(scenarios=[SCENARIOS], lang=lang, projector=True, size=(1280, 720), speed=20.0))
    menu = app.scene("menu")
    menu.finish_loading()
    app.frame(0.0)
    assert "brand-page-first-weeks" in str(menu.entries[menu.selected].path)  # listed first, selected
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    live = app.top
    run_until(app, lambda: live.session.open_decisions)
    return app


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_in_projector_type_every_option_of_the_decision_is_readable_and_its_title_stays(lang: str) -> None:
    app = open_first_decision(lang)
    try:
        live = app.top
        decision = live.shown_decision()
        key(app, pygame.K_1)
        # The chosen option with the words it publishes does not fit in the column: the panel
        # scrolls to it, and the decision's title stays pinned above it, whole.
        assert live.panel.scroll > 0
        assert decision.title in app.shown()
        assert "D: " in shown(app) or "D : " in shown(app)  # the way to the whole decision is shown
        # Which way is better for each gauge: it no longer fits beside the names, so it is said under them.
        up, down = ("↑ is better", "↓ is better") if lang == "en" else ("↑ = mieux", "↓ = mieux")
        gauges = shown(app)
        assert f"{up}: {live.metric_name('sentiment')}, {live.metric_name('trust')}" in gauges.replace("\u00a0:", ":")
        assert f"{down}: {live.metric_name('visibility')}, {live.metric_name('media')}" in gauges.replace("\u00a0:", ":")
        # The key bar keeps its end in view: the players' keys and F1 for the others, never "M so…".
        assert ("Tab feed/inbox · F1 all the keys" if lang == "en" else "Tab fil/boîte · F1 toutes les touches") in gauges
        key(app, pygame.K_i)  # the facilitator's discreet inject list says its keys whole
        assert ("1-9 fire · Tab show what they say · Esc cancel" if lang == "en"
                else "1-9 lancer · Tab voir leur contenu · Échap annuler") in shown(app)
        key(app, pygame.K_ESCAPE)
        assert live.picker is None
        key(app, pygame.K_d)
        assert app.top.name == "decision"
        text = shown(app)
        # An option is chosen: the key line says what is left to do, not "1-9 choose".
        assert ("1-9 another option" if lang == "en" else "1-9 autre option") in text
        assert "1-9 choose · Enter confirm · V next" not in text and "1-9 choisir · Entrée confirmer · V" not in text
        for option in decision.options:  # every option, whole, in the large view
            assert option.label in text
        assert decision.title in app.shown() and decision.prompt[:40] in text
        assert app.top.panel.max_scroll == 0
        key(app, pygame.K_2)  # choosing there chooses on the live screen
        assert live.chosen[decision.id] == 1
        key(app, pygame.K_RETURN)  # and Enter decides: the view closes by itself with the decision
        app.frame(0.0)
        assert decision.id not in live.session.state.open
        assert app.top is live
    finally:
        app.close()


def test_the_whole_decision_opens_and_closes_with_the_mouse_and_leaves_triage_keys_alone() -> None:
    app = open_first_decision("en")
    try:
        live = app.top
        key(app, pygame.K_1)
        hint = live.panel.hint
        assert hint is not None
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=hint.center))
        app.frame(0.0)
        focus = app.top
        assert focus.name == "decision"
        live.feed.select_step(1)
        assert live.feed.selected is not None
        key(app, pygame.K_f)  # F would flag a post the large view hides: it does nothing here
        assert live.feed.selected not in live.session.state.triage
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=focus.button_centre("choose:2")))
        app.frame(0.0)
        assert live.chosen[live.shown_decision().id] == 2
        key(app, pygame.K_e)  # the facilitator's "end the round?" shows over the large view
        assert "End the round now?" in shown(app)
        key(app, pygame.K_ESCAPE)  # closes that question only
        assert app.top is focus and live.picker is None
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(5, 700)))  # beside it
        app.frame(0.0)
        assert app.top is live
    finally:
        app.close()


def test_help_in_a_round_lists_writing_an_answer_and_the_whole_decision() -> None:
    app = open_first_decision("en")
    try:
        key(app, pygame.K_F1)
        text = shown(app)
        assert "write your own answer" in text and "the whole decision" in text
        injects = app.scene("live").optional_items()
        assert injects and "Optional injects this case can fire (I): " in text
        assert not [label for _, label, _ in injects if label in text]  # the room does not read which
    finally:
        app.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_first_answer_before_the_first_signal_is_never_a_negative_delay(lang: str) -> None:
    folder = SCENARIOS / "brand-page-first-weeks"
    app = open_app(Settings(scenarios=[SCENARIOS], lang=lang, size=(1280, 720)))
    try:
        case = load_case(folder, lang).case
        played = play(case, 1, "best")  # its first decision publishes a welcome post before any signal
        assert played.state.first_response_at < played.state.first_signal_at
        app.push(app.new_scene("debrief", case, folder / "scenario.yaml", played))
        app.frame(0.0)
        text = whole_page(app)
        assert ("before the first signal" if lang == "en" else "avant le premier signal") in text
        assert not re.search(r"[-−]\s?\d+\s?min", text), text  # no "−2 min after", no "first answer −1 min"
    finally:
        app.close()


# --- characters the font cannot draw ------------------------------------------------------------


def _font_draws(font: pygame.freetype.Font, text: str) -> list[str]:
    """The characters of ``text`` the font has no glyph for (asked of the font itself)."""
    return [ch for ch, metrics in zip(text, font.get_metrics(text)) if metrics is None and not ch.isspace()]


def test_the_beginners_emoji_never_show_as_boxes_and_their_words_stay() -> None:
    from game.ui.theme import FONTS

    pygame.freetype.init()
    font = pygame.freetype.Font(str(FONTS / "DejaVuSans.ttf"), 16)
    app = open_app(Settings(scenarios=[SCENARIOS], lang="en", size=(1280, 720), speed=20.0))
    try:
        menu = app.scene("menu")
        menu.finish_loading()
        app.frame(0.0)
        key(app, pygame.K_RETURN)
        key(app, pygame.K_RETURN)
        live = app.top
        welcome = "Hello everyone! Welcome to the official Postelle page!"
        run_until(app, lambda: welcome in shown(app))  # the emoji between the two sentences left out
        assert not _font_draws(font, shown(app))
        posted = next(p for p in live.session.feed if "Welcome to the official Postelle page" in p.text)
        assert _font_draws(font, posted.text)  # as the case wrote it, it has emoji the font lacks
    finally:
        app.close()


def test_no_text_of_any_shipped_case_nor_of_the_interface_draws_a_character_the_fonts_lack() -> None:
    """Every line of every shipped case (both languages) and every interface string (the
    catalogue, English and French), as the window draws it, has a glyph in both bundled fonts
    (names and titles are bold): no empty box on a projector."""
    from game.ui.glyphs import printable
    from game.ui.theme import FONTS

    pygame.freetype.init()
    fonts = [pygame.freetype.Font(str(FONTS / name), 16) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    catalogue = ROOT / "game" / "locale" / "fr" / "LC_MESSAGES" / "crisis_sim.po"
    texts = [value for path in [*SCENARIOS.glob("*/scenario*.yaml"), catalogue]
             for value in re.findall(r"[^\n]+", path.read_text(encoding="utf-8"))]
    assert len(texts) > 10_000
    lacking = {ch for text in texts for ch in _font_draws(fonts[0], text)}
    assert lacking  # the beginners' case has emoji: this test would find a box
    for font in fonts:
        for text in texts:
            assert not _font_draws(font, printable(text)), text
    # An emoji with a plain look-alike in the font is drawn as that one: the post keeps its tone.
    assert printable("Nice page!!! 🌹🌹 pls like back 🌹") == "Nice page!!! ✿✿ pls like back ✿"
    assert printable("offers and surprises! 📮✨") == "offers and surprises! ✉✧"
    assert printable("enjoying the scenic route 😄📦 #MondayMood") == "enjoying the scenic route 😄 #MondayMood"
    assert printable("Bonjour : ça va 🎄 👋🏽 ok") == "Bonjour : ça va ok"  # no look-alike: left out; « : » kept
    assert printable("王 says hi") == "\ufffd says hi"  # a letter it lacks shows that something is missing


def test_a_call_or_an_email_in_the_window_offers_only_its_own_replies() -> None:
    """Kryptonite: an email from a customer offers no "Thank you for your comment" (a public reply);
    the boss's message with replies of its own offers those, and a forum post the case's."""
    from game.ui.live import LiveScene

    folder = SCENARIOS / "kryptonite-2004"
    loaded = load_case(folder, "en")
    app = App(Settings(scenarios=[], lang="en", size=(1280, 720)))
    try:
        live = LiveScene(app, loaded.case, folder / "scenario.yaml", seed=1)
        app.push(live)
        session = live.session
        inbox = {c.id for c in loaded.case.channels if c.is_inbox}
        general = [o.label for o in loaded.case.replies]

        def own(post) -> bool:
            return bool(post.inject and session.injects[post.inject].replies)

        while not (any(p.channel in inbox and not own(p) for p in session.feed)
                   and any(p.channel in inbox and own(p) for p in session.feed)):
            session.advance(30)
        app.frame(0.0)
        email = next(p for p in session.feed if p.channel in inbox and not own(p) and p.author != "organisation")
        call = next(p for p in session.feed if p.channel in inbox and own(p))
        # The email's card offers no "Answer" (flag and dismiss only); the call's does.
        column = live.inbox

        def bring(post) -> None:  # in view, its card drawn (new posts join in a frame or two)
            for _ in range(4):
                column.show(post.id)
                app.frame(0.0)

        bring(email)
        assert column.button_centre(email.id, "flag") and column.button_centre(email.id, "answer") is None
        bring(call)
        assert column.button_centre(call.id, "answer") is not None
        live.triage(email, "answer")  # A on the email all the same: a short hint, nothing else
        app.frame(0.0)
        assert live.picker is None and "There is no prepared answer for this post." in shown(app)
        assert email.id not in session.state.triage
        live.triage(call, "answer")
        assert live.picker is not None
        offered = [label for _, label, _ in live.picker.items]
        assert offered and not set(offered) & set(general)
        live.picker = None
        public = next(p for p in session.feed if p.channel not in inbox and p.author != "organisation"
                      and not own(p))
        live.triage(public, "answer")
        assert live.picker is not None and [label for _, label, _ in live.picker.items][:len(general)] == general
    finally:
        app.close()


def test_french_punctuation_never_starts_a_line_of_a_wrapped_post() -> None:
    from game.ui.text import wrap
    from game.ui.theme import FONTS

    pygame.font.init()
    font = pygame.font.Font(str(FONTS / "DejaVuSans.ttf"), 15)
    question = "Vous trouvez ça normal ? Vraiment !"
    lines = wrap(font, question, font.size("Vous trouvez ça normal")[0] + 2)  # the "?" would just not fit
    assert lines[0] == "Vous trouvez ça" and lines[1].startswith("normal ?")
    assert wrap(font, "Il a dit « non » : fin", font.size("Il a dit « non »")[0] - 2) == ["Il a dit", "« non » : fin"]
    texts = [line for path in SCENARIOS.glob("*/scenario.fr.yaml")
             for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r" [?!:;»]", line) and not line.lstrip().startswith("#")]  # the players' words
    assert texts
    for width in range(200, 440, 23):  # a feed column is wider
        for text in texts:
            for line in wrap(font, text, width):
                assert not re.match(r"[?!:;»]", line) and not line.endswith("«"), (width, text, line)


@pytest.mark.parametrize("projector", [True, False])
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("case", ["nestle-kitkat-2010", "kryptonite-2004"])
def test_an_inbox_senders_long_role_is_cut_with_an_ellipsis_inside_its_column_and_chips_stand_apart(
        case: str, lang: str, projector: bool) -> None:
    """1280x720: a sender's role ("Fictional lawyer in charge of the brands...") is as long as the
    column or longer; it ends in "…" inside the inbox, never under the next column. The filter
    chips have room between them, side by side and between their rows."""
    from game.ui.live import LiveScene

    folder = SCENARIOS / case
    loaded = load_case(folder, lang)
    app = App(Settings(scenarios=[], lang=lang, size=(1280, 720), projector=projector))
    try:
        live = LiveScene(app, loaded.case, folder / "scenario.yaml", seed=1)
        app.push(live)
        live.session.advance(12 * 60)
        for _ in range(8):
            app.frame(0.0)
        inbox = live.inbox.rect
        drawn = [(text, rect) for text, rect in app.painter.frame if inbox.colliderect(rect)]
        roles = {post.name: live.session.personas[post.author].role for post, _ in live.inbox.visible
                 if post.author in live.session.personas and live.session.personas[post.author].role}
        assert roles, "no inbox card from a sender with a role in view"
        shown_roles = [(text, rect) for text, rect in drawn for role in roles.values()
                       if text == role or (text.endswith("…") and role.startswith(text[:-1].rstrip()))]
        assert shown_roles
        assert any(text.endswith("…") for text, _ in shown_roles)  # these cases' roles are long
        for text, rect in drawn:
            assert rect.right <= inbox.right, (text, rect, inbox)
        gap = live.theme.px(8)
        for a, b in zip(live.chips, live.chips[1:]):
            if a.rect.y == b.rect.y:
                assert b.rect.x - a.rect.right >= gap, (a.label, b.label)
            else:
                assert b.rect.y - a.rect.bottom >= gap, (a.label, b.label)
    finally:
        app.close()


@pytest.mark.parametrize("projector", [True, False])
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("case", ["nestle-kitkat-2010", "brand-page-first-weeks"])
def test_every_card_shows_its_channel_name_and_handle_whole_and_every_chip_its_name(
        case: str, lang: str, projector: bool) -> None:
    """1280x720: "Page F…", "@hugolem…" and icon-only chips were what projector type showed."""
    from game.ui.live import LiveScene

    folder = SCENARIOS / case
    loaded = load_case(folder, lang)
    app = App(Settings(scenarios=[], lang=lang, size=(1280, 720), projector=projector))
    try:
        live = LiveScene(app, loaded.case, folder / "scenario.yaml", seed=1)
        app.push(live)
        live.session.advance(12 * 60)
        for _ in range(8):
            app.frame(0.0)
        words = app.shown()
        feed = live.feed
        cards = [post for post, y in feed.visible if post.author != "organisation"  # whole cards in view
                 and feed.rect.y <= y and y + feed.heights[feed.index[post.id]] <= feed.rect.bottom]
        assert len(cards) >= 2
        for post in cards:
            channel = f"{live.channel_icon(post.channel)} {live.session.channels[post.channel].name}"
            whole = {post.name, post.handle} if post.id in live.trending else {channel, post.name, post.handle}
            assert whole <= set(words) | {w.split(" · ")[0] for w in words}, post  # a trending mark: the icon
        # Every channel's chip says its name, whole: scrolling the row when it does not fit.
        names = {f"{live.channel_icon(c)} {live.session.channels[c].name}" for c in live.feed_channels}
        seen: set[str] = set()
        for _ in range(len(names) + 1):
            seen |= {chip.label for chip in live.chips}
            ahead = live.button_centre("chips:on")
            if ahead is None:
                break
            for kind in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):  # a click on "›"
                pygame.event.post(pygame.event.Event(kind, pos=ahead, button=1, rel=(0, 0), buttons=(0, 0, 0)))
            app.frame(0.0)
        assert names <= seen and not any(label.endswith("…") for label in seen)
        live.set_filter(live.feed_channels[-1])  # C or a click: the chosen channel's chip is in view
        assert any(chip.active and chip.action == f"filter:{live.feed_channels[-1]}" for chip in live.chips)
    finally:
        app.close()


# --- help lists every key -------------------------------------------------------------------------

# The keys a screen may take, and the word its help names each with.
CANDIDATE_KEYS = {
    **{getattr(pygame, f"K_{c}"): c.upper() for c in "abcdefghijklmnopqrstuvwxyz"},
    **{getattr(pygame, f"K_{n}"): str(n) for n in range(1, 10)},
    pygame.K_UP: "↑", pygame.K_DOWN: "↓", pygame.K_LEFT: "←", pygame.K_RIGHT: "→",
    pygame.K_PAGEUP: "PgUp", pygame.K_PAGEDOWN: "PgDn", pygame.K_HOME: "Home", pygame.K_END: "End",
    pygame.K_TAB: "Tab", pygame.K_SPACE: "Space", pygame.K_RETURN: "Enter", pygame.K_ESCAPE: "Esc",
    pygame.K_BACKSPACE: "Backspace", pygame.K_PLUS: "+", pygame.K_MINUS: "−", pygame.K_F5: "F5",
}


def help_names(screen: str) -> set[str]:
    """Every key the help of ``screen`` names ("1 … 9" names the nine digits, "Shift+C" names C)."""
    from game.ui.help import keys_for

    _, columns = keys_for(screen)
    names: set[str] = set()
    for _, keys in columns:
        for key_text, _ in keys:
            for word in key_text.replace("/", " ").split():
                names.add(word.removeprefix("Shift+"))
            if "1 … 9" in key_text:
                names |= {str(n) for n in range(1, 10)}
    return names


def open_screen(cases: Path, screen: str, data: Path) -> App:
    """A window on ``screen`` (the tiny case's menu, briefing, round, debrief, workshops, history)."""
    app = make_app(cases, data)
    if screen == "menu":
        return app
    if screen in ("workshop", "history"):
        key(app, pygame.K_w if screen == "workshop" else pygame.K_h)
    else:
        key(app, pygame.K_RETURN)  # the briefing
        if screen != "briefing":
            key(app, pygame.K_RETURN)  # the round
            if screen == "debrief":
                key(app, pygame.K_e)  # end the round, and yes
                key(app, pygame.K_y)
                run_until(app, lambda: app.top.name == "debrief")
    assert app.top.name == screen
    return app


@pytest.mark.parametrize("screen", ["live", "menu", "briefing", "debrief", "workshop", "history"])
def test_the_help_of_each_screen_names_every_key_that_screen_takes(cases: Path, tmp_path: Path, screen: str) -> None:
    """F1 shows a screen's keys: each key the screen uses (its own handling says so) is in its help,
    W in a round among them, and the help names no key the screen ignores."""
    from game.ui.help import EVERY_SCREEN_KEYS

    named = help_names(screen)
    every = {word for key_text, _ in EVERY_SCREEN_KEYS for word in key_text.split()}
    taken: set[str] = set()
    for code, name in CANDIDATE_KEYS.items():
        app = open_screen(cases, screen, tmp_path / "data")
        try:
            if screen == "live":  # a post selected and a decision open, as a player meets them
                live = app.top
                run_until(app, lambda live=live: live.session.open_decisions and live.session.feed)
                live.feed.select_step(1)
            event = pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0)
            if app.top.handle(event):
                taken.add(name)
        finally:
            app.close()
    assert taken - named == set(), f"keys {screen} takes that its help does not name"
    assert (named & set(CANDIDATE_KEYS.values())) - taken - every == set(), f"keys {screen}'s help names that it ignores"
    if screen == "live":
        assert "W" in taken and "W" in named


# --- the whole decision in projector type -----------------------------------------------------------


@pytest.mark.parametrize(("case", "lang"), [(c, "fr") for c in sorted(p.name for p in SCENARIOS.iterdir())]
                         + [("kryptonite-2004", "en"), ("nestle-kitkat-2010", "en")])
def test_in_projector_type_the_whole_decision_holds_every_option_with_the_longest_chosen(case: str, lang: str) -> None:
    """1280x720, projector type: every decision the round opens, shown large (D) with its longest
    option chosen (the words it publishes under it), has every option and those words in view
    at once, and Confirm; the type is a step smaller when it must be, never below the normal type."""
    app = open_app(Settings(scenarios=[SCENARIOS], lang=lang, projector=True, size=(1280, 720), speed=120.0))
    try:
        menu = app.scene("menu")
        menu.finish_loading()
        menu.open(next(e for e in menu.entries if e.path.parent.name == case or e.path.name == case))
        key(app, pygame.K_RETURN)
        live = app.top
        assert live.name == "live"
        from game.ui.theme import Theme

        normal_body = Theme((1280, 720)).font("body").get_height()
        seen = 0
        while not live.ended:
            run_until(app, lambda: live.ended or live.session.open_decisions)
            if live.ended:
                break
            decision = live.shown_decision()
            longest = max(range(len(decision.options)),
                          key=lambda i: len(decision.options[i].label) + len(decision.options[i].post or ""))
            key(app, pygame.K_d)
            focus = app.top
            assert focus.name == "decision"
            key(app, getattr(pygame, f"K_{longest + 1}"))
            text = shown(app)
            assert focus.panel.max_scroll == 0, (decision.id, focus.panel.theme.scale)
            for option in decision.options:
                assert option.label in text, (decision.id, option.label)
            chosen = decision.options[longest]
            if chosen.post:
                assert chosen.post[-30:] in text, decision.id
            assert focus.button_centre("confirm") is not None
            assert focus.panel.theme.font("body").get_height() >= normal_body
            key(app, pygame.K_RETURN)  # decides: the large view closes by itself
            app.frame(0.0)
            seen += 1
        assert seen >= 3
    finally:
        app.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_decision_column_never_shows_a_line_cut_in_half_at_its_fold(lang: str) -> None:
    """Projector type, 1280x720: the panel holds what fits of the prompt and the options; the
    line that does not fit goes below the fold whole ("▼ D: the whole decision"), not cut through
    under the mark, before and after an option is chosen (the panel then scrolls to it)."""
    app = open_first_decision(lang)
    try:
        live = app.top
        panel = live.panel
        for choice in (None, pygame.K_1):
            if choice is not None:
                key(app, choice)
            view = pygame.Rect(panel.rect.x, panel.rect.y, panel.rect.w, panel.rect.h - panel.footer_height())
            inside = [(text, rect) for text, rect in app.painter.frame
                      if view.colliderect(rect) and rect.bottom > view.top + panel.band_height()]
            assert inside
            assert panel.max_scroll > 0  # the decision goes on below the fold
            for text, rect in inside:
                assert rect.bottom <= view.bottom, (text, rect, view)
    finally:
        app.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_debrief_says_a_decision_nobody_took_closed_undecided_not_decided_after(lang: str) -> None:
    folder = SCENARIOS / "nestle-kitkat-2010"
    app = open_app(Settings(scenarios=[SCENARIOS], lang=lang, size=(1280, 720)))
    try:
        case = load_case(folder, lang).case
        played = play(case, 1, "silent")  # every decision times out
        app.push(app.new_scene("debrief", case, folder / "scenario.yaml", played))
        app.frame(0.0)
        text = whole_page(app)
        closed, decided = (("closed undecided after", r"(?<!un)decided after") if lang == "en"
                           else ("fermée sans décision après", "décidé après"))
        assert len(app.top.debrief.decisions) >= 3 and closed in text
        assert not re.search(decided, text)
    finally:
        app.close()
