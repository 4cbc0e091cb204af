"""Each lint rule: a case that triggers it at the right line, and the clean tiny case that does not."""

from __future__ import annotations

import json
import shutil

import pytest

from game.authoring.lint import lint_files
from game.cli import main

from conftest import SCENARIOS, TINY

BASE = (TINY / "scenario.yaml").read_text(encoding="utf-8")


def write(folder, text, name="scenario.yaml"):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(tmp_path, *pairs):
    text = BASE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return write(tmp_path / "case", text), text


def line_of(text, marker):
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def codes(path):
    return [(d.code, d.line) for d in lint_files([path])]


def test_the_tiny_case_and_every_shipped_case_are_clean():
    files = [TINY / "scenario.yaml", *sorted(SCENARIOS.glob("*/scenario*.yaml"))]
    assert lint_files(files) == []


RULES = [
    # (rule, edits, marker of the line the warning points at)
    ("never-fires",
     [("when: {metric: \"visibility >= 40\"}", "when: {flag: nobody-sets-this}  # here")], "# here"),
    ("never-fires",
     [("when: {metric: \"visibility >= 40\"}", "when: {metric: \"visibility > 100\"}  # here")], "# here"),
    ("condition-always-true",
     [("when: {metric: \"visibility >= 40\"}", "when: {metric: \"visibility >= 0\"}  # here")], "# here"),
    ("condition-always-true",
     [("met_when: {decided: statement}", "met_when: {after: \"00:00:00\"}  # here")], "# here"),
    ("condition-never-true",
     [("met_when: {decided: statement}", "met_when: {before: \"00:00:00\"}  # here")], "# here"),
    ("ending-unreached",
     [("when: {decided: statement}\n    text: You answered", "when: {fired: gone}  # here\n    text: You answered"),
      ("  - id: boss-worry\n", "  - id: gone\n    when: {flag: never}\n    channel: phone\n    author: boss\n"
                               "    text: x\n  - id: boss-worry\n")], "# here"),
    ("ending-unreached",
     [("when: {all: [{chose: statement.recall}, {metric: \"trust >= 60\"}]}", "when: {metric: \"trust <= 100\"}"),
      ("  - id: bruised", "  - id: bruised  # here")], "# here"),
    ("same-outcome",
     [("effects: {metrics: {trust: 5}}", "effects: {metrics: {sentiment: -5}}"),
      ("strategy: instructing_information", "strategy: ingratiation"),
      ("        tone: factual", "        tone: promotional"),
     ], "- id: inform"),
    ("persona-unused",
     [("  - {id: boss,", "  - {id: lurker, name: L, handle: \"@l\", followers: 1, stance: loyal}  # here\n"
                         "  - {id: boss,")], "# here"),
    ("channel-unused",
     [("  - {id: phone,", "  - {id: blog, kind: blog, name: Blog}  # here\n  - {id: phone,")], "# here"),
    ("too-long",
     [("text: \"My son reacted", "text: \"" + "Very long. " * 30 + "My son reacted")], "Very long."),
    ("too-long",
     [("supportive_texts: [", "supportive_texts: [\"" + "x" * 300 + "\", ")], "x" * 300),
    ("reaction-never-fires",
     [("on: {strategies: [denial]}", "on: {strategies: [scapegoat]}  # here")], "# here"),
    ("flag-never-set",
     [("met_when: {decided: statement}", "met_when: {flag: recalld}  # here")], "# here"),
]


@pytest.mark.parametrize("rule,edits,marker", RULES, ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)])
def test_each_rule_fires_at_its_line(tmp_path, rule, edits, marker):
    path, text = edit(tmp_path, *edits)
    found = codes(path)
    assert (rule, line_of(text, marker)) in found, found
    assert all(d.severity == "warning" for d in lint_files([path]))


def test_an_optional_item_or_a_triggered_one_is_not_called_unreachable(tmp_path):
    path, _ = edit(tmp_path, ("when: {metric: \"visibility >= 40\"}", "when: {flag: nobody-sets-this}\n    optional: true"))
    assert "never-fires" not in [c for c, _ in codes(path)]


def test_options_that_differ_only_in_what_follows_are_not_the_same_outcome(tmp_path):
    path, _ = edit(
        tmp_path,
        ("effects: {metrics: {trust: 5}}", "effects: {metrics: {sentiment: -5}}"),
        ("strategy: instructing_information", "strategy: ingratiation"),
        ("        tone: factual", "        tone: promotional"),
        ("kind: mixed\n    when: {decided: statement}", "kind: mixed\n    when: {chose: follow-up.inform}"),
    )
    assert "same-outcome" not in [c for c, _ in codes(path)]


def test_translations_must_share_their_structure(tmp_path):
    folder = tmp_path / "case"
    write(folder, BASE)
    french = BASE.replace("language: en", "language: fr").replace(
        "Thank them and point to the statement", "Les remercier et renvoyer au communiqué")
    french = french.replace('time_limit: "00:04:00"', 'time_limit: "00:06:00"  # differs')
    french = french.replace(', "Is the farm open on Sundays?"]', ']  # shorter')
    fr = write(folder, french, "scenario.fr.yaml")
    found = lint_files([fr])
    assert [(d.code, d.line) for d in found] == [
        ("translation-differs", line_of(french, "# differs")),
        ("translation-missing", line_of(french, "# shorter")),
    ]
    assert "decisions.follow-up.time_limit is '00:06:00' here but '00:04:00' in scenario.yaml" in found[0].message
    assert "noise.chatter.texts[2] is in scenario.yaml but missing here" in found[1].message
    # the English file reports nothing that differs (the translation does), only what it lacks
    assert lint_files([folder / "scenario.yaml"]) == []
    write(folder, BASE.replace("language: en", "language: fr"), "scenario.fr.yaml")
    assert lint_files([folder / "scenario.yaml", folder / "scenario.fr.yaml"]) == []


def test_validate_strict_fails_on_warnings_and_json_carries_positions(tmp_path, capsys):
    path, text = edit(tmp_path, ("  - {id: phone,", "  - {id: blog, kind: blog, name: Blog}\n  - {id: phone,"))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert f"{path}:{line_of(text, 'id: blog')}:" in out.out and "warning" in out.out
    assert main(["validate", "--strict", str(path)]) == 1
    capsys.readouterr()
    assert main(["validate", "--strict", "--format", "json", str(path)]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert item["code"] == "channel-unused" and item["line"] == line_of(text, "id: blog")
    assert main(["validate", "--strict", str(TINY)]) == 0


def test_a_copied_shipped_case_stays_clean(tmp_path):
    target = tmp_path / "nestle"
    shutil.copytree(SCENARIOS / "nestle-kitkat-2010", target)
    assert lint_files(sorted(target.glob("scenario*.yaml"))) == []


def test_metric_names_must_name_metrics_of_the_case(tmp_path):
    path, text = edit(tmp_path, ("metrics: {sentiment: 55", "metric_names: {sentimnet: Mood}  # here\nmetrics: {sentiment: 55"))
    [problem] = lint_files([path])
    assert (problem.code, problem.line) == ("unknown-ref", line_of(text, "# here"))
    assert "did you mean 'sentiment'" in problem.message


def test_key_points_and_red_lines_need_one_id_each_and_words_in_the_case_language(tmp_path):
    from game.authoring.new import create_case
    template = create_case(tmp_path / "new", "en", "Yoghurt").read_text(encoding="utf-8")
    assert codes(write(tmp_path / "clean", template)) == []
    no_english = template.replace('words: {en: ["refund", "money back"], ', "words: {", 1)
    twice = template.replace("      - id: refund\n", "      - id: sorry\n", 1)
    assert no_english != template and twice != template
    found = lint_files([write(tmp_path / "no-english", no_english)])
    assert [(d.code, d.line, d.severity) for d in found] == [
        ("field-missing", line_of(no_english, 'words: {fr: ["rembourse"'), "error")]
    assert "key point 'refund' has no words in en" in found[0].message
    found = lint_files([write(tmp_path / "twice", twice)])
    assert [(d.code, d.line) for d in found] == [("duplicate-id", line_of(twice, "- id: sorry") + 3)]
