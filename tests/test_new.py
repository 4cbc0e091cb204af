"""`crisis-sim new`: the created case validates, plays, and points editors at the schema."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from game.authoring.lint import lint_files
from game.authoring.new import create_case
from game.cli import main
from game.engine._yaml import load_yaml
from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.scoring import score

from conftest import ROOT


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_case_validates_strictly_and_plays_to_every_kind_of_ending(tmp_path, monkeypatch, capsys, lang):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    assert main(["new", "Bakery Crisis", "--lang", lang, "--title", "The mouldy loaf"]) == 0
    folder = tmp_path / "scenarios" / "Bakery Crisis"
    assert "Created scenarios/Bakery Crisis/scenario.yaml" in capsys.readouterr().out
    assert main(["validate", "--strict", str(folder)]) == 0
    case = load_case(folder).case
    assert (case.id, case.language, case.title) == ("bakery-crisis", lang, "The mouldy loaf")
    kinds = {score(play(case, seed, bot)).ending["kind"] for seed in (1, 2) for bot in ("best", "worst", "silent")}
    assert kinds == {"success", "mixed", "failure"}
    # Its first decision shows the written answers (issue 11): both, with key points and a red line.
    first_answer = case.decisions[0]
    assert first_answer.responses.value == "both" and first_answer.key_points and first_answer.red_lines
    written = score(play(case, 1, "best-writer"))
    assert written.decisions[0].written and written.decisions[0].written["text"] and written.score > score(play(case, 1, "worst-writer")).score
    # no schema above the folder: a copy is written next to the case and the modeline names it
    first = (folder / "scenario.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=case.schema.json"
    schema = json.loads((folder / "case.schema.json").read_text())
    data, _ = load_yaml((folder / "scenario.yaml").read_text(encoding="utf-8"), "scenario.yaml")
    jsonschema.Draft202012Validator(schema).validate(data)


def test_inside_the_project_the_modeline_points_at_the_committed_schema(tmp_path):
    project = tmp_path / "project"
    (project / "scenarios").mkdir(parents=True)
    shutil.copy(ROOT / "case.schema.json", project)
    file = create_case(project / "scenarios" / "new-one")
    assert file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../case.schema.json\n")
    assert not (project / "scenarios" / "new-one" / "case.schema.json").exists()


def test_new_never_overwrites_a_case(tmp_path, capsys):
    folder = tmp_path / "case"
    assert main(["new", str(folder)]) == 0
    (folder / "scenario.yaml").write_text("my work", encoding="utf-8")
    capsys.readouterr()
    assert main(["new", str(folder)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (folder / "scenario.yaml").read_text(encoding="utf-8") == "my work"
    assert main(["new", str(tmp_path / "other"), "--lang", "de"]) == 1
    assert "no template in 'de'" in capsys.readouterr().err


def test_the_two_templates_are_versions_of_one_case(tmp_path):
    folder = tmp_path / "case"
    create_case(folder, "en")
    english = (folder / "scenario.yaml").read_text(encoding="utf-8")
    french = create_case(tmp_path / "fr" / "case", "fr")
    (folder / "scenario.fr.yaml").write_text(french.read_text(encoding="utf-8"), encoding="utf-8")
    assert lint_files([folder / "scenario.yaml", folder / "scenario.fr.yaml"]) == []
    assert "language: en" in english
