"""The JSON Schema of the case format, for editors' completion and hover text."""

from __future__ import annotations

from typing import Any

from game.engine.model import Case


def case_schema() -> dict[str, Any]:
    """The case model's JSON Schema, with the draft and id editors expect."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://crisis-sim.invalid/case.schema.json"
    return schema
