"""The facilitator's last word in the window's debrief (dummy driver): C lists the written
answers' findings, a red line is marked with Space, Enter keeps it; the debrief, the stored round
(score, amendment) and the replay of the stored log follow."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path

import pygame

from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score
from game.engine.session import run
from game.ui.app import App, Settings
from game.ui.rounds import record_round
from tests.test_assess_session import CASE, GOOD, Writer
from window_driver import key, shown, type_text


def test_the_facilitator_corrects_a_written_answer_in_the_debrief_and_the_stored_round_follows(tmp_path: Path) -> None:
    loaded = load_case(CASE, "en")
    app = App(Settings(scenarios=[], lang="en", speed=20.0, data_dir=tmp_path / "data"))
    try:
        session, recording = record_round(app, loaded.case, loaded.path, 3)
        assert recording is not None
        run(session, Writer(GOOD["en"]))
        before = score(session).score
        app.push(app.new_scene("debrief", loaded.case, loaded.path, session, recording))
        app.frame(0.0)
        assert "Correct the reading" in shown(app)
        key(app, pygame.K_c, unicode="c")
        scene = app.top
        assert scene.name == "override"
        words = shown(app)
        assert "Correct how the written answers were read" in words and "Strategy: ←" in words
        # Down to the red line "blame-owners" of the forum thread, ticked with Space.
        target = next(i for i, r in enumerate(scene.rows) if r.kind == "red_line" and r.id == "blame-owners"
                      and r.decision == "forum-thread")
        while scene.index != target:
            key(app, pygame.K_DOWN)
        assert "☐ red line crossed" in shown(app)
        key(app, pygame.K_SPACE, unicode=" ")
        assert "☑ red line crossed" in shown(app) and "changed" in shown(app)
        # And the strategy of the remedy, one step on.
        strategy = next(i for i, r in enumerate(scene.rows) if r.kind == "strategy" and r.decision == "remedy")
        while scene.index != strategy:
            key(app, pygame.K_DOWN)
        was = scene.rows[strategy].value
        key(app, pygame.K_RIGHT)
        now = scene.rows[strategy].value
        assert now != was
        # Tab gives the keyboard to the name: letters (even c and Space) type, they change no finding.
        assert "Changed by (your name, in the report):" in shown(app) and not scene.naming
        key(app, pygame.K_TAB)
        assert scene.naming
        key(app, pygame.K_c, unicode="c")
        type_text(app, "Ana  Silvaz")
        key(app, pygame.K_BACKSPACE)
        assert scene.who.text == "Ana  Silva" and scene.rows[strategy].value == now
        key(app, pygame.K_RETURN, frames=2)
        assert app.top.name == "debrief" and app.settings.facilitator == "Ana Silva"
        after = score(session).score
        assert after < before and session.overrides["forum-thread"].red_lines == {"blame-owners": True}
        assert session.overrides["remedy"].strategy == now
        debrief = app.top
        assert debrief.result.score == after
        page = shown(app)
        for _ in range(80):
            key(app, pygame.K_PAGEDOWN)
            page += " " + shown(app)
        page = " ".join(page.split())
        assert f"the score goes from {before:.1f} to {after:.1f}" in page
        assert "✎ Changed by Ana Silva: red line Blame the owners or the forum: crossed." in page
        # The stored round is amended: its score, the amendments, and the replay of its log.
        store = recording.store
        stored = store.session(recording.session_id)
        assert stored.score == after and store.original_score(stored.id) == before
        assert [(a.target, a.changed_by) for a in store.amendments(stored.id)] == [("forum-thread", "Ana Silva"),
                                                                                  ("remedy", "Ana Silva")]
        inputs = [r for r in store.log_records(stored.id) if r.get("type") == "input"]
        assert [r["by"] for r in inputs if r["kind"] == "override"] == ["Ana Silva", "Ana Silva"]
        from game.results.report import round_html
        assert "changed by Ana Silva" in round_html(store, stored, "en")
        assert score(replay(loaded.case, 3, inputs)).score == after
        assert score(replay(loaded.case, 3, [r for r in inputs if r["kind"] != "override"])).score == before
        # Esc leaves the list without a change; the name is offered again.
        key(app, pygame.K_c, unicode="c")
        assert app.top.who.text == "Ana Silva"
        key(app, pygame.K_SPACE, unicode=" ")
        key(app, pygame.K_ESCAPE)
        assert app.top.name == "debrief" and score(session).score == after
        assert len(store.amendments(stored.id)) == 2
    finally:
        app.close()


def test_the_facilitator_corrects_a_team_from_the_workshop_screen_and_the_ranking_follows(tmp_path: Path) -> None:
    from game.results import workshop as ws
    from game.results.recording import start
    from game.results.store import open_store
    from game.results.report import round_html
    from game.ui.app import open_app
    from tests.test_assess_session import BAD

    loaded = load_case(CASE, "en")
    data = tmp_path / "data"
    with open_store(None, data) as store:
        w = ws.create(store, "Lyon", loaded.case.id, ["Red", "Blue"], str(loaded.path))
        for team, texts in (("Red", GOOD["en"]), ("Blue", BAD["en"])):
            session, _ = start(store, loaded.case, loaded.path, 3, team=team, workshop=w.id)
            run(session, Writer(texts))
        before = {s.team: (s.score, s.session_id) for s in ws.ranking(store, w)}
    assert before["Red"][0] > before["Blue"][0]
    app = open_app(Settings(scenarios=[], lang="en", data_dir=data))
    try:
        app.frame(0.0)
        key(app, pygame.K_w, unicode="w")
        assert app.top.name == "workshop"
        text = shown(app)
        assert text.index("Red") < text.index("Blue") and "↑↓ choose a team" in text and "corrected by a person" not in text
        # Line 2 of the ranking is Blue: its written answers, read again, lead now.
        key(app, pygame.K_2, unicode="2")
        scene = app.top
        assert scene.name == "override" and "Correct how the written answers were read" in shown(app)
        wanted = {("strategy", ""): "apology", ("key_point", "confirm"): True, ("key_point", "advice"): True,
                  ("key_point", "when"): True, ("red_line", "deny-the-video"): False, ("red_line", "blame-owners"): False}
        for i, row in enumerate(scene.rows):
            if row.decision == "forum-thread" and (row.kind, row.id) in wanted:
                scene.index = i
                while row.value != wanted[(row.kind, row.id)]:
                    key(app, pygame.K_RIGHT if row.kind == "strategy" else pygame.K_SPACE, unicode=" ")
        assert "changed" in shown(app)
        # ↓ past the last finding reaches the name, as Tab does; a click on a finding gives the list back.
        scene.index = max(i for i, r in enumerate(scene.rows) if r.selectable)
        key(app, pygame.K_DOWN)
        assert scene.naming
        type_text(app, "Bruno")
        key(app, pygame.K_RETURN, frames=2)
        assert app.top.name == "workshop"
        with open_store(None, data) as store:
            blue = store.session(before["Blue"][1])
            assert blue.score > before["Blue"][0] and store.original_score(blue.id) == before["Blue"][0]
            assert [(a.target, a.changed_by) for a in store.amendments(blue.id)] == [("forum-thread", "Bruno")]
            assert "changed by Bruno" in round_html(store, blue, "en")
        text = shown(app)
        assert f"✎ corrected by a person, ended with {before['Blue'][0]:.1f}" in text
        assert f"Blue: a person's reading, the score goes from {before['Blue'][0]:.1f} to {blue.score:.1f}" in text
        # Red (still line 1) crossed a red line its words did not show: the ranking flips.
        key(app, pygame.K_1, unicode="1")
        scene = app.top
        scene.index = next(i for i, r in enumerate(scene.rows) if r.decision == "forum-thread"
                           and r.kind == "red_line" and r.id == "blame-owners")
        key(app, pygame.K_SPACE, unicode=" ")
        key(app, pygame.K_RETURN, frames=2)
        with open_store(None, data) as store:
            red = store.session(before["Red"][1])
            assert red.score < blue.score and store.original_score(red.id) == before["Red"][0]
            assert [s.team for s in ws.ranking(store, w)] == ["Blue", "Red"]
        text = shown(app)
        ranking = text[text.index("Ranking"):]
        assert app.top.name == "workshop" and ranking.index("Blue") < ranking.index("Red")
        assert f"✎ corrected by a person, ended with {before['Red'][0]:.1f}" in text
        key(app, pygame.K_9, unicode="9")  # no team on line 9: said, nothing opens
        assert app.top.name == "workshop" and "No team has played on line 9" in shown(app)
    finally:
        app.close()


def test_a_team_beyond_the_ninth_line_is_corrected_with_the_arrows_or_a_click(tmp_path: Path) -> None:
    """Fifteen teams: ↓ walks the ranking down to the last line (the page follows it), Enter
    opens its round in the facilitator's list; a click on a line beyond the ninth opens that one."""
    from game.results import workshop as ws
    from game.results.recording import start
    from game.results.store import open_store
    from game.ui.app import open_app
    from tests.test_assess_session import BAD

    loaded = load_case(CASE, "en")
    data = tmp_path / "data"
    teams = [f"Team {n:02}" for n in range(1, 16)]
    with open_store(None, data) as store:
        w = ws.create(store, "Lyon", loaded.case.id, teams, str(loaded.path))
        for n, team in enumerate(teams):
            session, _ = start(store, loaded.case, loaded.path, 3 + n, team=team, workshop=w.id)
            run(session, Writer(GOOD["en"] if n % 2 else BAD["en"]))
        ranked = [s for s in ws.ranking(store, w) if s.session_id]
    assert len(ranked) == 15
    # Projector type: the ranking is taller than the window, so the page has to follow the choice.
    app = open_app(Settings(scenarios=[], lang="en", data_dir=data, projector=True))
    try:
        app.frame(0.0)
        key(app, pygame.K_w, unicode="w")
        scene = app.top
        assert scene.name == "workshop" and "↑↓ choose a team" in shown(app) and scene.chosen is None
        key(app, pygame.K_RETURN)  # nothing chosen yet: said, nothing opens
        assert app.top is scene and "Choose a team of the ranking with ↑↓ first" in shown(app)
        for line in range(15):
            key(app, pygame.K_DOWN)
            assert scene.chosen == line
            # The chosen line is on screen, whole: the page followed it.
            rect = scene.lines[line]
            assert scene.scroll <= rect.y and rect.bottom <= scene.scroll + scene.view.h
            assert ranked[line].team in shown(app)
        assert scene.scroll > 0  # scrolled down to the fifteenth
        pygame.image.save(app.window, str(tmp_path / "workshop-fifteenth.png"))
        if os.environ.get("CRISIS_SIM_SHOTS"):
            pygame.image.save(app.window, os.path.join(os.environ["CRISIS_SIM_SHOTS"], "workshop-fifteenth.png"))
        key(app, pygame.K_RETURN)
        assert app.top.name == "override" and app.top.debrief.team == ranked[14].team
        override = app.top
        override.index = next(i for i, r in enumerate(override.rows) if r.kind == "red_line" and r.decision == "forum-thread")
        key(app, pygame.K_SPACE, unicode=" ")
        key(app, pygame.K_TAB)
        type_text(app, "Chloé")
        key(app, pygame.K_RETURN, frames=2)
        assert app.top is scene
        with open_store(None, data) as store:
            assert [a.changed_by for a in store.amendments(ranked[14].session_id or "")] == ["Chloé"]
        # ↓ past the last line: no line chosen, the arrows scroll the page again.
        line = scene.chosen
        assert line is not None
        for _ in range(15 - line):
            key(app, pygame.K_DOWN)
        assert scene.chosen is None
        # A click on a line of the ranking beyond the ninth opens that team's round.
        assert scene.scroll > 0
        target = next(n for n, r in enumerate(scene.lines)
                      if scene.scroll <= r.y and r.bottom <= scene.scroll + scene.view.h and n >= 9)
        rect = scene.lines[target]
        at = (scene.view.x + rect.centerx, scene.view.y + rect.centery - scene.scroll)
        team = [s for s in ws.ranking(open_store(None, data), w) if s.session_id][target].team
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=at))
        app.frame(0.0)
        assert app.top.name == "override" and app.top.debrief.team == team
        key(app, pygame.K_ESCAPE)
        assert app.top is scene
    finally:
        app.close()
