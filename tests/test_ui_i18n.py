"""The window in French on every screen, the case menu in the chosen language, and F5 reload.

The French check records every line the screens draw (``App.shown()``: game/ui/text.py is the
one place text is drawn) and asks two things: the French catalogue was never asked for a word it
does not have, and no line holds the words of an English message whose French differs.
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import re
import shutil
import string
from pathlib import Path

import pygame
import pytest
from babel.messages.pofile import read_po

from game.engine.loader import check_file
from game.engine.session import Status
from game.i18n import DOMAIN, LOCALE_DIR, translator
from game.ui.app import App, Settings, open_app
from test_ui import FRAME, TINY, key, run_until, shown

# English words that French text never uses as whole words.
ENGLISH = re.compile(r"\b(the|and|of|to|you|your|is|are|with|for|this|it|at|by|from|was|has|not|no|yes|"
                     r"left|now|press|case|round)\b", re.IGNORECASE)


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    """A folder of cases holding the tiny case in English and in French."""
    folder = tmp_path / "cases"
    (folder / "tiny").mkdir(parents=True)
    for name in ("scenario.yaml", "scenario.fr.yaml"):
        shutil.copy(TINY / name, folder / "tiny" / name)
    return folder


def english_fragments() -> list[str]:
    """Pieces of English messages (the words between placeholders) that their French does not share."""
    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        catalogue = read_po(f, locale="fr")
    french = " ".join(s for m in catalogue if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    pieces = set()
    for message in catalogue:
        if not message.id:
            continue
        for msgid in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for literal, *_ in string.Formatter().parse(msgid):
                for piece in re.split(r"[·\n]", literal):
                    piece = piece.strip(" :;,.()“”\"'")
                    if len(piece) >= 6 and " " in piece and piece not in french:
                        pieces.add(piece)
    return sorted(pieces)


def test_every_screen_in_french_has_no_english_left(bilingual: Path) -> None:
    fr = translator("fr")
    fr.missing.clear()
    lines: list[tuple[str, str]] = []  # (screen, line)
    app = open_app(Settings(scenarios=[bilingual], lang="en"))

    def look(screen: str) -> None:
        app.frame(0.0)
        lines.extend((screen, line) for line in app.shown())

    try:
        menu = app.scene("menu")
        menu.finish_loading()
        app.frame(0.0)
        assert "Tiny test case: the mislabelled yoghurt" in shown(app)
        key(app, pygame.K_l)  # switch the language in the menu: everything follows
        assert app.settings.lang == "fr"
        run_until(app, lambda: not menu.loading)
        look("menu")
        assert "Petit cas de test : le yaourt mal étiqueté" in shown(app)
        key(app, pygame.K_F1)
        look("help over the menu")
        key(app, pygame.K_F1)

        key(app, pygame.K_RETURN)
        briefing = app.top
        assert briefing.name == "briefing" and briefing.case.language == "fr"
        look("briefing")
        key(app, pygame.K_END)
        look("briefing, end")

        key(app, pygame.K_RETURN)
        live = app.top
        session = live.session
        run_until(app, lambda: session.status == Status.AWAITING_DECISION)
        look("live, decision open")
        key(app, pygame.K_1)
        look("live, option chosen")
        key(app, pygame.K_HOME)
        if session.posts[live.feed.selected].author != "organisation":
            key(app, pygame.K_f)
        look("live, a post flagged")
        key(app, pygame.K_SPACE)
        look("live, paused")
        key(app, pygame.K_SPACE)
        key(app, pygame.K_F1)
        look("help over live play")
        key(app, pygame.K_F1)
        key(app, pygame.K_i)
        look("inject picker")
        key(app, pygame.K_ESCAPE)
        key(app, pygame.K_ESCAPE)
        look("leave picker")
        key(app, pygame.K_n)
        run_until(app, lambda: "statement" in session.state.choices)  # the timeout: its note
        look("live, time is up")
        key(app, pygame.K_a)
        look("live, reply picker or note")
        key(app, pygame.K_ESCAPE)
        key(app, pygame.K_e)
        look("end picker")
        key(app, pygame.K_y, frames=2)

        debrief = app.top
        assert debrief.name == "debrief"
        for page in range(12):
            look(f"debrief, page {page + 1}")
            if debrief.scroll >= debrief.max_scroll:
                break
            key(app, pygame.K_PAGEDOWN)
    finally:
        app.close()

    assert not fr.missing, f"asked for words the French catalogue does not have: {sorted(fr.missing)}"
    fragments = english_fragments()
    english = [(screen, line, piece) for screen, line in lines for piece in fragments if piece in line]
    assert not english, "English left on screen:\n" + "\n".join(f"{s}: {line!r} ({p!r})" for s, line, p in english)
    words = [(screen, line) for screen, line in lines if ENGLISH.search(line)]
    assert not words, "English words on screen:\n" + "\n".join(f"{s}: {line!r}" for s, line in words)
    screens = {screen.split(",")[0] for screen, _ in lines}
    assert {"menu", "briefing", "live", "help over live play", "debrief"} <= screens
    text = " ".join(line for _, line in lines)
    for french in ("Lancer l’horloge", "DÉCISION", "pour décider", "Publie sur", "Signalé", "EN PAUSE", "Touches",
                   "Débriefing", "D’où viennent les points", "Opinion finale", "sur 100", "Pas de décision à temps"):
        assert french in text, french


def test_the_menu_lists_each_case_once_in_the_chosen_language(bilingual: Path) -> None:
    app = open_app(Settings(scenarios=[bilingual], lang="fr"))
    try:
        menu = app.scene("menu")
        assert len(menu.entries) == 1
        menu.finish_loading()
        app.frame(0.0)
        assert menu.entries[0].path.name == "scenario.fr.yaml"
        assert "Petit cas de test" in shown(app) and "FR ·" in shown(app)
        key(app, pygame.K_l)
        run_until(app, lambda: not menu.loading)
        app.frame(0.0)
        assert menu.entries[0].path.name == "scenario.yaml" and "Tiny test case" in shown(app)
        assert "Petit cas" not in shown(app)
        # A case with no translation in the chosen language is listed in its own.
        (bilingual / "tiny" / "scenario.fr.yaml").unlink()
        key(app, pygame.K_F5)
        key(app, pygame.K_l)
        run_until(app, lambda: not menu.loading)
        app.frame(0.0)
        assert app.settings.lang == "fr" and "Tiny test case" in shown(app) and "Cas" in app.shown()
    finally:
        app.close()


# --- F5: reload a case from disk --------------------------------------------------------------


BREAK = ("author: parent\n    text: \"My", "author: nobody\n    text: \"My")


def test_f5_shows_what_an_edit_broke_and_plays_once_fixed(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    (folder / "tiny").mkdir(parents=True)
    file = folder / "tiny" / "scenario.yaml"
    good = (TINY / "scenario.yaml").read_text(encoding="utf-8")
    file.write_text(good, encoding="utf-8")
    app = open_app(Settings(scenarios=[folder], lang="en"))
    try:
        menu = app.scene("menu")
        menu.finish_loading()
        app.frame(0.0)
        key(app, pygame.K_RETURN)
        briefing = app.top
        assert briefing.name == "briefing" and "Start the clock" in shown(app)

        # The author breaks the case and presses F5 on the briefing: the errors, no crash.
        file.write_text(good.replace(*BREAK), encoding="utf-8")
        key(app, pygame.K_F5)
        assert app.top is briefing and briefing.case is None
        problems = [str(d) for d in check_file(file)]
        assert problems and all(re.match(rf"{re.escape(str(file))}:\d+:\d+: error: ", p) for p in problems)
        text = shown(app)
        assert "This case cannot be played" in text
        for problem in problems:
            assert problem in text, problem  # FILE:LINE:COL: error: message, as check_file has it
        key(app, pygame.K_RETURN)  # a broken case does not start
        assert app.top is briefing
        key(app, pygame.K_F1)
        assert "read the case again from disk" in shown(app)  # F1 shows the briefing's own keys
        key(app, pygame.K_F1)

        # Back in the menu, which keeps working and shows the problem too.
        key(app, pygame.K_ESCAPE)
        assert app.top is menu
        assert "cannot be played" in shown(app) and "unknown persona" in shown(app).lower(), shown(app)
        key(app, pygame.K_DOWN)
        key(app, pygame.K_l)
        key(app, pygame.K_l)
        key(app, pygame.K_F5)
        run_until(app, lambda: not menu.loading)
        assert not menu.entries[0].playable
        key(app, pygame.K_RETURN)
        assert app.top.name == "briefing" and app.top.case is None

        # Fixed: F5 on the same page brings the case back, and it plays.
        file.write_text(good, encoding="utf-8")
        key(app, pygame.K_F5)
        briefing = app.top
        assert briefing.case is not None and "Start the clock" in shown(app) and "Read again from" in shown(app)
        assert menu.entries[0].playable  # the menu knows too
        key(app, pygame.K_RETURN)
        live = app.top
        assert live.name == "live"
        run_until(app, lambda: live.session.status == Status.AWAITING_DECISION)
        key(app, pygame.K_1)
        key(app, pygame.K_RETURN)
        assert live.session.state.choices["statement"] == "recall"
        for _ in range(4):
            app.frame(FRAME)
    finally:
        app.close()


def test_f5_in_the_menu_finds_new_and_changed_cases(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    app: App = open_app(Settings(scenarios=[folder], lang="en"))
    try:
        app.frame(0.0)
        assert "No case found" in shown(app)
        (folder / "tiny").mkdir()
        (folder / "tiny" / "scenario.yaml").write_text((TINY / "scenario.yaml").read_text(encoding="utf-8"),
                                                       encoding="utf-8")
        key(app, pygame.K_F5)
        menu = app.scene("menu")
        run_until(app, lambda: not menu.loading)
        app.frame(0.0)
        assert "Tiny test case: the mislabelled yoghurt" in shown(app)
        assert "1 case read again from disk." in shown(app)
        reload = next(b for b in menu.buttons if b.action == "reload")
        assert reload.key == "F5"
    finally:
        app.close()
