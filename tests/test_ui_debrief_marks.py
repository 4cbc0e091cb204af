"""The window's debrief of a written answer: every phrase the assessment read is numbered in the
text, and under it the number says what the phrase was read as (the strategy, the key point, the
red line, the promise), in the player's language and in projector type (issue 11: the marks were
bare brackets)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import re
from pathlib import Path

import pytest

from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.engine.scoring import score
from game.engine.session import Session
from game.i18n import translator
from game.play import words
from game.play.debrief import Debrief
from game.ui.app import App, Settings

ROOT = Path(__file__).resolve().parent.parent
KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"
TEXTS = {
    "en": ("We confirm it: we tested it and the lock can be opened with a pen. We're sorry. We will exchange "
           "every tubular lock free, register on this site from Wednesday. Some of the noise comes from a troll."),
    "fr": ("Nous le confirmons : nous l'avons testé et l'antivol s'ouvre avec un stylo. Nous sommes désolés. "
           "Nous échangerons gratuitement chaque antivol à barillet tubulaire. Une partie du bruit vient d'un troll."),
}
WROTE = {"en": r"You wrote: “(.*?)”", "fr": r"Vous avez écrit\s?:\s«\s?(.*?)\s?»"}
QUOTE = {"en": "{number} “{words}” — ", "fr": "{number} «\u00a0{words}\u00a0» — "}


def written_round(lang: str) -> Session:
    """Kryptonite played by the best bot, the forum thread answered in writing."""
    session = Session(load_case(KRYPTONITE, lang).case, seed=3)
    bot, wrote = BOTS["best"](3), False
    while not session.state.ended:
        events = session.advance(30)
        if "forum-thread" in session.state.open and not wrote:
            session.write("forum-thread", TEXTS[lang])
            wrote = True
        bot.act(session, events)
    assert wrote
    return session


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_marked_phrase_says_what_it_was_read_as(tmp_path: Path, lang: str) -> None:
    from game.ui.debrief import DebriefScene

    session = written_round(lang)
    written = next(d.written for d in Debrief.from_result(score(session), session.case).decisions if d.written)
    app = App(Settings(scenarios=[], lang=lang, data_dir=tmp_path / "data", projector=True))
    try:
        scene = DebriefScene(app, session.case, KRYPTONITE, session)
        app.push(scene)
        app.frame(0.0)
        assert scene.sheet is not None
        lines = scene.sheet.texts
        page = " ".join(text for text, _ in lines)
        # The text as written, each read phrase between brackets and numbered.
        shown = re.search(WROTE[lang], page)
        assert shown, page[:2000]
        phrases = re.findall(r"\[([^\]]*)\]([①-⑩])", shown.group(1))
        assert len(phrases) >= 3 and [n for _, n in phrases] == list("①②③④⑤⑥⑦⑧⑨⑩"[:len(phrases)])
        assert re.sub(r"[\[\]①-⑩]", "", shown.group(1)).split() == TEXTS[lang].split()
        # Under it, each number with its phrase and what every finding in it means, in the
        # player's language (the words the report and the host use).
        tr = translator(lang)
        flat = " ".join(page.split())
        for mark in written.marks:
            said = written.text[mark.start:mark.end]
            phrase, number = next((p, n) for p, n in phrases if said in p)
            head = " ".join(QUOTE[lang].format(number=number, words=phrase).split())
            assert head in flat, head
            legend = flat[flat.index(head):].split(" ✔ ")[0].split(" ✘ ")[0]
            assert " ".join(words.mark_meaning(mark, written, tr).split()) in legend, (said, legend)
        assert ("red line crossed: Blame the owners" if lang == "en" else "ligne rouge franchie") in flat
        # Projector type: the legend lines are in the page's note type, not smaller, inside the page.
        legend_rects = [rect for text, rect in lines if text[:1] in "①②③④⑤⑥⑦⑧⑨⑩"]
        assert len(legend_rects) >= len(phrases)
        assert all(rect.h >= app.painter.theme.font("small").get_height() for rect in legend_rects)
        assert all(rect.right <= scene.sheet.size[0] for rect in legend_rects)
    finally:
        app.close()
