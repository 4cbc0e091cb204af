"""Written answers in a shipped case: key points and red lines, the closest option, the text's rating."""

from __future__ import annotations

import pytest

from game.engine.assess import assess_answer, closest_option, rate_text
from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.engine.model import Responses

CASE = "scenarios/kryptonite-2004"


def decision(lang: str, id_: str):
    case = load_case(CASE, lang).case
    return case, next(d for d in case.decisions if d.id == id_)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_authored_post_stands_for_its_own_option(lang: str) -> None:
    case, _ = decision(lang, "remedy")
    written = [d for d in case.decisions if d.responses is Responses.both]
    assert {d.id for d in written} == {"forum-thread", "remedy"}
    for d in written:
        for option in d.options:
            if option.post:
                assert closest_option(assess_answer(option.post, d, lang), d, lang).id == option.id


WRITTEN_CASES = ["scenarios/kryptonite-2004", "scenarios/armed-forces-opsec"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("folder", WRITTEN_CASES)
def test_a_trainee_who_writes_an_authored_post_plays_that_option(folder: str, lang: str) -> None:
    """Writing the text of an option, a red line included, gives that option's effects (a written
    denial of the attack must not play as naming the dead)."""
    case = load_case(folder, lang).case
    written = [d for d in case.decisions if d.responses is not Responses.choose]
    assert written
    for d in written:
        for option in d.options:
            if option.post:
                assert closest_option(assess_answer(option.post, d, lang), d, lang).id == option.id, (d.id, option.id)


def test_a_good_written_answer_says_the_key_points_and_rates_high() -> None:
    case, d = decision("en", "remedy")
    text = "We're sorry. Every tubular lock can be exchanged free, whatever its age, no receipt needed. Register on this site from Wednesday."
    a = assess_answer(text, d, "en", limit=280)
    assert a.key_points == {"free-exchange": True, "no-receipt": True, "how": True}
    assert closest_option(a, d, "en").id == "full"
    assert rate_text(a, case.crisis, "en").score > 0.8


def test_a_red_line_scores_the_text_zero() -> None:
    case, d = decision("fr", "forum-thread")
    a = assess_answer("Cette vidéo est un canular monté par un troll.", d, "fr")
    assert a.red_lines["deny-the-video"] and a.red_lines["blame-owners"]
    rating = rate_text(a, case.crisis, "fr")
    assert rating.score == 0.0 and set(rating.red_lines_crossed) == {"deny-the-video", "blame-owners"}


def test_a_weak_answer_rates_below_a_good_one() -> None:
    case, d = decision("en", "forum-thread")
    good = assess_answer("We confirm it: we tested it and the lock can be opened. Sorry. Use a second lock meanwhile; news by Friday.", d, "en", limit=280)
    weak = assess_answer("We are looking into it.", d, "en", limit=280)
    assert rate_text(good, case.crisis).score > rate_text(weak, case.crisis).score + 0.3


def test_writing_needs_an_option_with_a_channel(tmp_path) -> None:
    text = open(f"{CASE}/scenario.yaml", encoding="utf-8").read()
    # The press decision's options all publish: drop their channels and ask for written answers.
    start = text.index("  - id: press")
    end = text.index("  - id: remedy")
    block = text[start:end].replace("        channel: news\n", "").replace("    options:\n", "    responses: write\n    options:\n", 1)
    (tmp_path / "scenario.yaml").write_text(text[:start] + block + text[end:], encoding="utf-8")
    for extra in (p for p in __import__("pathlib").Path(CASE).iterdir() if p.suffix in {".png", ".jpg"}):
        (tmp_path / extra.name).write_bytes(extra.read_bytes())
    with pytest.raises(CaseError) as err:
        load_case(tmp_path, "en")
    assert "responses: write needs an option with a channel" in str(err.value)
    assert "scenario.yaml:" in str(err.value)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_holding_statement_reads_as_information_in_both_languages(lang: str) -> None:
    """"Our engineers are testing the locks; we will post what we find by Wednesday" is adjusting
    information, not silence: the French cues knew neither "ingénieurs" nor "posterons"."""
    _, d = decision(lang, "forum-thread")
    holding = next(o for o in d.options if o.id == "holding")
    assert assess_answer(holding.post or "", d, lang).strategy == "adjusting_information"
