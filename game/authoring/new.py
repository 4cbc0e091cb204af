"""``crisis-sim new``: a new case folder from a commented template that validates and plays."""

from __future__ import annotations

import json
import os
import re
import shlex
from importlib import resources
from pathlib import Path

from game.authoring.schema import case_schema

TEMPLATE_LANGUAGES = ("en", "fr")
SCHEMA = "case.schema.json"


class NewCaseError(Exception):
    """The case cannot be created where asked (the message says why)."""


def case_id(name: str) -> str:
    """A valid case id from a folder name: ``"My Case!"`` becomes ``"my-case"``."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return slug or "new-case"


def create_case(folder: Path, lang: str = "en", title: str | None = None) -> Path:
    """Write ``folder/scenario.yaml`` from the template in ``lang`` and return its path.

    The first line points editors at the JSON Schema: the project's ``case.schema.json`` when
    one is found above the folder, else a copy written next to the case.

    Raises:
        NewCaseError: the folder already holds a case, or the language has no template.
    """
    if lang not in TEMPLATE_LANGUAGES:
        raise NewCaseError(f"no template in {lang!r}; templates exist in: {', '.join(TEMPLATE_LANGUAGES)}")
    file = folder / "scenario.yaml"
    if file.exists():
        raise NewCaseError(f"{file} already exists: choose another name, nothing was overwritten")
    if folder.exists() and not folder.is_dir():
        raise NewCaseError(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    text = resources.files("game.authoring").joinpath(f"templates/case.{lang}.yaml").read_text(encoding="utf-8")
    ident = case_id(folder.resolve().name)
    values = {
        "__SCHEMA__": schema_reference(folder),
        "__ID__": ident,
        "__TITLE__": (title or ident.replace("-", " ").capitalize()).replace('"', "'"),
        "__FOLDER__": shlex.quote(str(folder)),
    }
    for key, value in values.items():
        text = text.replace(key, value)
    file.write_text(text, encoding="utf-8")
    return file


def schema_reference(folder: Path) -> str:
    """How a case in ``folder`` names the JSON Schema: the project's when one is above, else a copy written here."""
    folder = folder.resolve()
    for parent in (folder, *folder.parents):
        if (parent / SCHEMA).is_file():
            return Path(os.path.relpath(parent / SCHEMA, folder)).as_posix()
    (folder / SCHEMA).write_text(json.dumps(case_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return SCHEMA
