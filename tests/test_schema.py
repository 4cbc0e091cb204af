"""The committed JSON Schema is current, and every bundled case validates against it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from game.cli import case_schema
from game.engine._yaml import load_yaml
from game.engine.loader import case_files

from conftest import ROOT, SCENARIOS, TINY

COMMITTED = ROOT / "case.schema.json"


def test_committed_schema_is_current():
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == case_schema(), (
        "case.schema.json is stale: run `crisis-sim schema > case.schema.json`"
    )


@pytest.mark.parametrize("file", [*case_files(SCENARIOS), TINY / "scenario.yaml"], ids=lambda f: f.parent.name)
def test_cases_validate_against_the_schema(file):
    # Read as the game reads it (YAML 1.2-like: `on:` is a key, not the boolean True),
    # which is also how editors' YAML language servers read it.
    data, _ = load_yaml(file.read_text(encoding="utf-8"), str(file))
    jsonschema.Draft202012Validator(case_schema()).validate(data)
    assert file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_every_field_has_hover_text():
    schema = case_schema()
    models = [schema, *schema["$defs"].values()]
    missing = [field for model in models for field, spec in model.get("properties", {}).items()
               if "description" not in spec]
    assert missing == []
