"""The debrief chart's words never overlap (issue 11 audit): the time axis of a case with a
calendar shows dates, wider than minutes, so it shows fewer of them; measured on the drawn
label boxes, in English and French, in normal and projector type, at several window sizes."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from itertools import combinations
from pathlib import Path

import pygame
import pytest

from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.engine.session import Session
from game.ui.app import App, Settings

ROOT = Path(__file__).resolve().parent.parent
CASES = ["kryptonite-2004", "nestle-kitkat-2010"]  # the shipped cases with a calendar


def played(case: str, lang: str) -> Session:
    session = Session(load_case(ROOT / "scenarios" / case, lang).case, seed=3)
    bot = BOTS["best"](3)
    while not session.state.ended:
        bot.act(session, session.advance(60))
    return session


def chart_words(scene) -> list[tuple[str, pygame.Rect]]:
    """The words drawn in the chart (between its heading and the caption under it), each once."""
    texts = scene.sheet.texts
    start = next(i for i, (text, _) in enumerate(texts) if text == scene._("The run, minute by minute"))
    caption = scene._("Numbered dashed lines are your decisions (numbers as in the list below). Sentiment and trust: "
                      "higher is better; visibility and media: lower is better.")
    end = next(i for i in range(start + 1, len(texts)) if texts[i][0] and caption.startswith(texts[i][0][:20]))
    seen: dict[tuple[str, tuple[int, int, int, int]], pygame.Rect] = {}
    for text, rect in texts[start + 1:end]:
        seen.setdefault((text, tuple(rect)), rect)  # a decision's number is drawn twice (its box, then its words)
    return [(text, rect) for (text, _), rect in seen.items()]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("projector,size", [(False, (1280, 720)), (True, (1280, 720)), (False, (1024, 640)),
                                            (True, (1920, 1080))])
def test_no_two_words_of_the_chart_overlap(tmp_path: Path, case: str, lang: str, projector: bool,
                                           size: tuple[int, int]) -> None:
    from game.ui.debrief import DebriefScene

    session = played(case, lang)
    app = App(Settings(scenarios=[], lang=lang, data_dir=tmp_path / "data", projector=projector, size=size))
    try:
        scene = DebriefScene(app, session.case, ROOT / "scenarios" / case, session)
        app.push(scene)
        app.frame(0.0)
        drawn = chart_words(scene)
        dates = [(text, rect) for text, rect in drawn if any(ch.isdigit() for ch in text) and ":" in text]
        assert len(dates) >= 2, drawn  # the day and hour under the axis, not only its start
        for (a, ra), (b, rb) in combinations(drawn, 2):
            assert not ra.colliderect(rb), f"{a!r} {ra} overlaps {b!r} {rb}"
        width = scene.sheet.size[0]
        assert all(0 <= rect.left and rect.right <= width for _, rect in drawn)  # each whole on the page
    finally:
        app.close()
