"""Translations: the catalogues are complete and compiled, plurals and numbers follow the
language, and the engine and the terminal player speak French when the case is French."""

from __future__ import annotations

import gettext
import io
import json
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import ROOT, TINY
from game.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, Translator, system_language, translator

TINY_FR = TINY / "scenario.fr.yaml"
NBSP = "\u00a0\u202f"


def catalogue(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def translated_languages() -> list[str]:
    return [lang for lang in LANGUAGES if lang != "en"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def spaces(text: str) -> str:
    """``text`` with no-break spaces read as spaces (Babel's French grouping uses U+202F)."""
    return re.sub(f"[{NBSP}]", " ", text)


# --- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", translated_languages())
def test_every_message_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    cat = catalogue(lang)
    assert cat.plural_expr == "(n > 1)" if lang == "fr" else True  # French counts 0 as singular
    problems = []
    for message in cat:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(s.strip() for s in strings) or len(strings) != (cat.num_plurals if len(ids) > 1 else 1):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            extra = placeholders(text) - wanted
            if extra:
                problems.append(f"{ids[0]!r}: unknown placeholders {extra} in {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", translated_languages())
def test_the_catalogue_holds_every_message_of_the_code(lang: str) -> None:
    """Fails when code has new words nobody extracted: run the update step of docs/translating.md."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    in_code = {(context, msgid if isinstance(msgid, str) else msgid[0])
               for _, _, msgid, _, context in extract_from_dir(str(ROOT), method_map, options_map)}
    cat = catalogue(lang)
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in cat if m.id}
    assert not sorted(in_code - known, key=str), "not in the catalogue yet (extract and update)"
    stale = sorted(known - in_code, key=str)
    assert not stale, "in the catalogue but no longer in the code (update with --ignore-obsolete)"


def test_no_message_hides_in_an_f_string() -> None:
    """Babel cannot extract ``_("...")`` written inside an f-string: such words would never be translated."""
    import tokenize

    call = re.compile(r"""\b(_|gettext|ngettext|pgettext|npgettext)\(\s*['"]""")
    found = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        with path.open("rb") as f:
            for token in tokenize.tokenize(f.readline):
                if token.type == tokenize.STRING and re.match(r"[rbuRBU]*[fF]", token.string) and call.search(token.string):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found, f"move these calls out of the f-string: {found}"


@pytest.mark.parametrize("lang", translated_languages())
def test_the_committed_mo_is_compiled_from_the_po(lang: str) -> None:
    """Fails when someone edited the .po and did not compile: run `pybabel compile` (docs/translating.md)."""
    cat = catalogue(lang)
    fresh_bytes = io.BytesIO()
    write_mo(fresh_bytes, cat)
    fresh_bytes.seek(0)
    fresh = gettext.GNUTranslations(fresh_bytes)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
        committed = gettext.GNUTranslations(f)
    differ = []
    for message in cat:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in (0, 1, 2, 5):
                a = committed.npgettext(message.context, *message.id, n) if message.context else \
                    committed.ngettext(*message.id, n)
                b = fresh.npgettext(message.context, *message.id, n) if message.context else fresh.ngettext(*message.id, n)
                if a != b:
                    differ.append(message.id[0])
        else:
            a = committed.pgettext(message.context, message.id) if message.context else committed.gettext(message.id)
            b = fresh.pgettext(message.context, message.id) if message.context else fresh.gettext(message.id)
            if a != b:
                differ.append(message.id)
    assert not differ, f"{lang}.mo is stale for {len(differ)} message(s), e.g. {differ[:3]}"
    assert committed.info().get("plural-forms") == fresh.info().get("plural-forms")


def test_the_catalogues_are_installed_with_the_package() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["game"]
    for lang in translated_languages():
        mo = Path("locale") / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        assert any(mo.match(p) for p in patterns), f"{mo} would not be installed"
    assert any(dep.lower().startswith("babel") for dep in data["project"]["dependencies"])


# --- plurals, numbers and times -------------------------------------------------------------------


def test_french_counts_zero_as_singular_and_english_does_not() -> None:
    fr, en = translator("fr"), translator("en")
    singular, plural = "{n} signal caught out of {total}", "{n} signals caught out of {total}"
    assert fr.ngettext(singular, plural, 0, total=3) == "0 signal repéré sur 3"
    assert fr.ngettext(singular, plural, 1, total=3) == "1 signal repéré sur 3"
    assert fr.ngettext(singular, plural, 2, total=3) == "2 signaux repérés sur 3"
    assert en.ngettext(singular, plural, 0, total=3) == "0 signals caught out of 3"
    assert en.ngettext(singular, plural, 1, total=3) == "1 signal caught out of 3"
    assert fr.ngettext("{n} new post above", "{n} new posts above", 0) == "0 nouvelle publication au-dessus"


def test_numbers_in_french_and_english() -> None:
    fr, en = translator("fr"), translator("en")
    assert fr.number(1234) == "1\u202f234"  # a narrow no-break space, as CLDR has it
    assert en.number(1234) == "1,234"
    assert fr.decimal(90.94, 1) == "90,9" and en.decimal(90.94, 1) == "90.9"
    assert fr.decimal(7, 1) == "7,0"
    assert spaces(fr.percent(0.5)) == "50 %" and en.percent(0.5) == "50%"
    assert spaces(fr.compact(1234)) == "1,2 k" and en.compact(1234) == "1.2K"
    assert spaces(fr.compact(20_000)) == "20 k"
    assert fr.signed(-10) == "−10" and fr.signed(15) == "+15"
    # An integer placeholder is formatted for the language by itself.
    assert fr.gettext("{n} min", n=1234) == "{n} min".format(n="1\u202f234")


def test_clock_times_and_durations() -> None:
    fr, en = translator("fr"), translator("en")
    seconds = 14 * 3600 + 5 * 60
    assert fr.clock(seconds) == en.clock(seconds) == "14:05:00"
    # The French clock shows its seconds as the English one does: a clock that changes only once a
    # minute looks frozen at the speeds a round is played (issue 17).
    assert fr.clock(125) == "00:02:05" and fr.clock(126) != fr.clock(125)
    assert spaces(fr.duration(270)) == "4 min 30 s" and en.duration(270) == "4 min 30 s"
    assert en.duration(120) == "2 min" and en.duration(45) == "45 s" and en.duration(3900) == "1 h 05"
    assert fr.date("2010-03-17") == "17 mars 2010" and en.date("2010-03-17") == "March 17, 2010"


def test_a_broken_translation_falls_back_to_english_and_missing_words_are_noted() -> None:
    fr = Translator("fr")
    assert fr.gettext("No such message {x}", x="here") == "No such message here"
    assert "No such message {x}" in fr.missing
    assert fr._fill("{nope} à {x}", "{x} here", {"x": "a"}) == "a here"
    assert not translator("en").missing
    assert Translator("de").lang == "en"  # no catalogue: English


@pytest.mark.parametrize("env,lang", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANGUAGE": "de:fr", "LANG": "en_GB.UTF-8"}, "fr"),
    ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fr_CA"}, "fr"),
    ({}, "en"),
])
def test_system_language(env: dict[str, str], lang: str) -> None:
    assert system_language(env) == lang


# --- the engine and the terminal in French ----------------------------------------------------------


def test_the_engine_writes_its_notes_in_the_case_language() -> None:
    from game.engine.bots import play
    from game.engine.loader import load_case
    from game.engine.scoring import score

    french = score(play(load_case(TINY_FR).case, 3, "worst"))
    english = score(play(load_case(TINY).case, 3, "worst"))
    assert french.score == english.score  # the same rules, the same numbers
    fr_json, en_json = french.to_json(), english.to_json()
    assert set(fr_json) == set(en_json)  # the JSON contract does not change with the language
    assert fr_json["breakdown"] == en_json["breakdown"]
    notes = " ".join(fr_json["breakdown_notes"].values())
    assert "Opinion finale" in notes and "signal" in notes and "Final sentiment" not in notes
    assert "Coombs 2007" in french.crisis and french.crisis.startswith("Une crise évitable")
    for feedback in french.decisions:
        assert feedback.why and not re.search(r"\b(the|is|fits|calls)\b", feedback.why), feedback.why
    english_notes = set(en_json["breakdown_notes"].values()) | {d.why for d in english.decisions} | {english.crisis}
    assert not english_notes & (set(fr_json["breakdown_notes"].values()) | {d.why for d in french.decisions})


def test_the_silent_bot_meets_the_default_timeout_label_in_french() -> None:
    from game.engine.bots import play
    from game.engine.loader import load_case
    from game.engine.model import Timeout
    from game.engine.scoring import DEFAULT_TIMEOUT_LABEL, score

    assert Timeout.model_fields["label"].default == DEFAULT_TIMEOUT_LABEL
    result = score(play(load_case(TINY_FR).case, 1, "silent"))
    assert result.decisions[0].label == "Pas de décision à temps"


def test_the_command_line_json_keeps_its_keys_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    assert main(["play", str(TINY), "--headless", "--bot", "best", "--json"]) == 0
    english = json.loads(capsys.readouterr().out)
    assert main(["play", str(TINY), "--lang", "fr", "--headless", "--bot", "best", "--json"]) == 0
    french = json.loads(capsys.readouterr().out)
    assert french["language"] == "fr" and set(french) == set(english)
    assert french["score"] == english["score"]
    assert main(["play", str(TINY), "--lang", "fr", "--headless", "--bot", "best"]) == 0
    text = capsys.readouterr().out
    assert "DÉBRIEFING" in text and "Dénouement\u00a0: Confiance préservée (réussite)" in text


def test_the_terminal_player_speaks_french() -> None:
    from test_text_play import Typist

    from game.engine.loader import load_case
    from game.engine.session import Session
    from game.text_play import TextPlayer

    session = Session(load_case(TINY_FR).case, seed=3)
    typist = Typist([(30, "zzz"), (30, "p"), (30, "p"), (200, "1"), (300, "q")])
    typist.session = session
    out = io.StringIO()
    TextPlayer(session, out, typist, typist.clock, speed=60).run()
    text = out.getvalue()
    for words in ("Commandes (puis Entrée)", "Votre rôle\u00a0:", "Commande inconnue", "En pause.", "Reprise.",
                  "DÉCISION\u00a0: Première réponse publique", "Votre choix\u00a0: Présenter des excuses",
                  "DÉBRIEFING", "Vos décisions\u00a0:", "[atteint]"):
        assert words in text, words
    for english in ("Your role", "Unknown command", "Paused", "You chose", "DEBRIEF", "Objectives:"):
        assert english not in text, english
