"""The written-answer assessor: what it finds, with which words, in English and French."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine.assess import Point, assess, parse_cues, shipped_cues
from game.engine.diagnostics import CaseError


def words_of(a, kind: str, id_: str) -> list[str]:
    return [f.words for f in a.evidence if f.kind == kind and f.id == id_]


def test_an_apology_is_found_with_its_words() -> None:
    text = "We made a mistake and we apologise to everyone affected."
    a = assess(text, "en")
    assert a.strategy == "apology"
    spans = [f.spans[0] for f in a.evidence if f.kind == "strategy"]
    assert [text[s:e] for s, e in spans] == ["We made a mistake", "we apologise"]


def test_word_forms_meet_through_the_stemmer() -> None:
    assert assess("The chief executive apologised.", "en").strategy == "apology"
    assert assess("Nous nous en excusons.", "fr").strategy == "apology"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We're sorry if anyone was offended by our post.", "en"),
        ("We apologise if some of you felt let down.", "en"),
        ("Nous sommes désolés si certains se sont sentis offensés.", "fr"),
    ],
)
def test_an_excuse_phrased_as_an_apology_is_an_excuse(text: str, lang: str) -> None:
    a = assess(text, lang)
    assert a.strategy == "excuse"
    assert "apology" not in a.also  # "sorry if" silences the apology its "sorry" would be


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We understand your concern and thank you for asking, but there is no risk: our products are safe.", "en"),
        ("Nous comprenons votre inquiétude, mais il n'y a aucun risque : nos produits sont sûrs.", "fr"),
    ],
)
def test_a_polite_denial_is_a_denial(text: str, lang: str) -> None:
    a = assess(text, lang)
    assert a.strategy == "denial"


def test_bolstering_that_dodges_the_issue_is_bolstering_and_promotional() -> None:
    a = assess("For over a century our chocolate has brought joy to millions. We're proud of our heritage!", "en")
    assert a.strategy == "reminder"
    assert a.tone == "promotional"


def test_a_negated_cue_does_not_count() -> None:
    assert assess("We will never apologise for this.", "en").strategy != "apology"
    assert assess("We did not refund anyone.", "en").strategy != "compensation"


def test_key_points_and_red_lines_are_found_with_their_words() -> None:
    key = [Point("exchange", ("free exchange", "replace")), Point("when", ("today",))]
    red = [Point("blame-cyclists", ("your fault", "misused"))]
    a = assess("Free exchange for every lock. Sorry for the worry.", "en", key_points=key, red_lines=red)
    assert a.key_points == {"exchange": True, "when": False}
    assert a.red_lines == {"blame-cyclists": False}
    assert words_of(a, "key_point", "exchange") == ["Free exchange"]
    b = assess("If the lock was misused, that is not our problem.", "en", red_lines=red)
    assert b.red_lines == {"blame-cyclists": True}
    assert words_of(b, "red_line", "blame-cyclists") == ["misused"]


def test_a_key_point_said_in_the_negative_is_not_said() -> None:
    key = [Point("refund", ("rembourser", "remboursement"))]
    assert assess("Nous ne pouvons pas rembourser.", "fr", key_points=key).key_points == {"refund": False}
    assert assess("Nous allons rembourser tout le monde.", "fr", key_points=key).key_points == {"refund": True}


def test_length_against_the_channel_limit() -> None:
    a = assess("x" * 300, "en", limit=280)
    assert (a.length, a.limit, a.over_limit) == (300, 280, 20)
    assert assess("short", "en", limit=280).over_limit == 0


def test_questions_left_unanswered() -> None:
    post = "Why does your chocolate use palm oil? Will you stop buying from Sinar Mas?"
    a = assess("We are reviewing our palm oil suppliers.", "en", post=post)
    assert a.unanswered == ["Will you stop buying from Sinar Mas?"]


def test_promises_with_and_without_a_time() -> None:
    a = assess("We will publish the report. We will post an update within 24 hours.", "en")
    assert sorted(f.id for f in a.promises) == ["timed", "untimed"]
    b = assess("Nous ferons un point demain à 10 h.", "fr")
    assert [f.id for f in b.promises] == ["timed"]



def test_a_french_promise_in_the_future_tense_with_and_without_a_time() -> None:
    # French promises in the future tense, which the stem drops: "nous remplacerons".
    a = assess("Nous remplacerons chaque antivol avant vendredi. Nous vous rembourserons.", "fr")
    assert [(f.id, f.words) for f in a.promises] == [("timed", "Nous remplacerons"), ("untimed", "Nous vous rembourserons")]
    assert assess("Nous ne rembourserons personne.", "fr").promises == []
    assert assess("Les patrons et les environs.", "fr").promises == []  # -rons that is no verb
    assert [f.id for f in assess("We will replace every lock before Tuesday.", "en").promises] == ["timed"]


def test_a_french_plural_verb_meets_its_key_point() -> None:
    # "les antivols s'ouvrent" says the key point "s'ouvre" (Snowball keeps most -ent plurals whole).
    point = Point("confirm", ("s'ouvre",))
    a = assess("Les antivols s'ouvrent avec un stylo.", "fr", key_points=[point])
    assert a.key_points == {"confirm": True}

def test_nothing_said_is_no_comment() -> None:
    assert assess("", "en").strategy == "no_comment"
    assert assess("Pas de commentaire.", "fr").strategy == "no_comment"


def test_shipped_cue_files_are_valid() -> None:
    for lang in ("en", "fr"):
        assert shipped_cues(lang).strategies


def test_a_broken_cue_file_names_every_problem_with_its_line() -> None:
    text = "language: en\nstrategies:\n  apologee:\n    - sorry\n  apology:\n    - {words: sorry, weight: -1}\n    - {words: '...'}\n"
    with pytest.raises(CaseError) as err:
        parse_cues(text, "my-cues.yaml")
    lines = str(err.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("my-cues.yaml:3:3: error: unknown id 'apologee'")
    assert lines[1].startswith("my-cues.yaml:6:") and "weight" in lines[1]
    assert lines[2].startswith("my-cues.yaml:7:")


def test_a_trainers_own_cues_are_used() -> None:
    cues = parse_cues("language: en\nstrategies:\n  compensation:\n    - goodwill gesture\n", "own.yaml")
    assert assess("A goodwill gesture for everyone.", "en", cues=cues).strategy == "compensation"


@settings(max_examples=200, deadline=None)
@given(text=st.text(), lang=st.sampled_from(["en", "fr"]))
def test_any_text_gets_an_assessment(text: str, lang: str) -> None:
    a = assess(text, lang, limit=280, key_points=[Point("k", ("free",))], red_lines=[Point("r", ("nom",))], post=text)
    assert a.strategy
    for f in a.evidence:
        s, e = f.spans[0]
        assert text[s:e] == f.words


@pytest.mark.parametrize(
    "text",
    ["", "a" * 10_000, "😀🔥💯" * 50, "\x00\x07\x1b[31m\u202e", "Sorry 🙏 nous sommes désolés, we apologise!", "?" * 500, "!" * 3000],
)
def test_awkward_texts(text: str) -> None:
    for lang in ("en", "fr"):
        assess(text, lang, post=text)


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str) -> tuple[int, str, str]:
    import io

    from game.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["assess", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_one_json_object_per_answer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code, out, _ = run_cli(monkeypatch, capsys, "We're sorry if anyone was offended.\nNous remboursons tout le monde.\n", "--json", "--channel", "microblog")
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["strategy"] == "excuse" and first["limit"] == 280
    assert {"strategy", "also", "tone", "evidence"} <= set(first)
    assert first["evidence"][0]["words"] == "sorry if"
    assert second["strategy"] == "no_comment"  # read as English: French words are no English cue


def test_cli_reads_a_case_language_and_channel(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "Nous sommes désolés, c'est notre faute.\n", "--case", "scenarios/nestle-kitkat-2010", "--lang", "fr", "--channel", "twitter")
    assert code == 0
    assert out.startswith("strategy: apology") and "/280" in out
    assert "\u00abnotre faute\u00bb" in out


def test_cli_refuses_a_channel_the_case_lacks(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "x\n", "--case", "scenarios/nestle-kitkat-2010", "--channel", "nope")
    assert code == 1 and "no channel 'nope'" in err and "Traceback" not in err


def test_cli_reports_a_broken_cue_file(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    bad = tmp_path / "cues.yaml"
    bad.write_text("language: en\ntones:\n  cheerful: [yay]\n", encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "yay\n", "--cues", str(bad))
    assert code == 1 and err.startswith(f"{bad}:3:3: error: unknown id 'cheerful'")


def test_validate_checks_a_cue_file_as_assess_reads_it(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from game.cli import main
    shipped = Path(__file__).parents[1] / "game" / "engine" / "assess" / "cues"
    assert main(["validate", str(shipped / "en.yaml"), str(shipped / "fr.yaml")]) == 0
    assert "no problem found" in capsys.readouterr().out
    text = (shipped / "en.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, row in enumerate(text) if '"we regret", weight: 2' in row)
    text[line] = text[line].replace("weight: 2", "weight: -1")
    mine = tmp_path / "my-cues.yaml"
    mine.write_text("\n".join(text), encoding="utf-8")
    assert main(["validate", str(mine)]) == 1
    out = capsys.readouterr().out
    # the cue file's own problem at its line, not the case format's missing title and briefing
    assert out.splitlines() == [f"{mine}:{line + 1}:{text[line].index('-1') + 1}: error: weight must be a number above 0, not -1"]
