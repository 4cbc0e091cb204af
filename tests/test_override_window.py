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
from window_driver import key, shown


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
        key(app, pygame.K_RETURN, frames=2)
        assert app.top.name == "debrief"
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
        assert "✎ Changed by the facilitator: red line Blame the owners or the forum: crossed." in page
        # The stored round is amended: its score, the amendments, and the replay of its log.
        store = recording.store
        stored = store.session(recording.session_id)
        assert stored.score == after and store.original_score(stored.id) == before
        assert [a.target for a in store.amendments(stored.id)] == ["forum-thread", "remedy"]
        inputs = [r for r in store.log_records(stored.id) if r.get("type") == "input"]
        assert score(replay(loaded.case, 3, inputs)).score == after
        assert score(replay(loaded.case, 3, [r for r in inputs if r["kind"] != "override"])).score == before
        # Esc leaves the list without a change.
        key(app, pygame.K_c, unicode="c")
        key(app, pygame.K_SPACE, unicode=" ")
        key(app, pygame.K_ESCAPE)
        assert app.top.name == "debrief" and score(session).score == after
        assert len(store.amendments(stored.id)) == 2
    finally:
        app.close()
