"""Read a case's YAML into plain Python values, remembering where each value came from.

Case files are shared: a trainer opens a file a stranger wrote. So the YAML is read as data only
and within limits:

- PyYAML's C parser turns the text into parse *events*; we build the values from the events
  ourselves (no PyYAML constructor ever runs, so no tag can create a Python object or run code),
  keeping every value's line and column (pydantic's errors are mapped back through them).
- Anchors and aliases are refused at the first alias event, before anything is built, so an alias
  "billion laughs" bomb costs no more than reading its few lines. (PyYAML's composer would build
  aliases as shared references that blow up later, when validation or a dump walks them.)
- A file may hold at most :data:`MAX_ITEMS` values, nested at most :data:`MAX_DEPTH` deep, and each
  text may be at most :data:`MAX_TEXT` characters; the limit is named in the error.
- Texts may not carry control characters (a double-quoted ``"\\0"`` or ``"\\x07"``) or lone
  surrogates, which no screen, log or database can show or store.

Authors are also protected from YAML 1.1 surprises: ``at: 1:30`` stays the text ``"1:30"`` instead
of the integer 90, and ``no``/``on``/``yes`` stay text instead of booleans. Only
``true``/``false`` are booleans, only decimal numbers are numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from game.engine.diagnostics import Diagnostic

try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - depends on the PyYAML build (libyaml missing)
    CParser = None


class _PyParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser, for a PyYAML built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


# The C parser is much faster; both give the same events.
_Parser: type[CParser] | type[_PyParser] = CParser if CParser is not None else _PyParser

Path = tuple[str | int, ...]

# --- limits ---------------------------------------------------------------------------------
# The bundled cases hold about 3,500 values, nest 9 deep and their longest text is about 2,200
# characters: the limits leave room for cases ten times larger and stop hostile files early.

MAX_ITEMS = 50_000
"""Values (texts, numbers, lists, mappings, keys included) in one case file."""
MAX_DEPTH = 40
"""Lists and mappings inside each other."""
MAX_TEXT = 20_000
"""Characters in one text."""
MAX_PROBLEMS = 100
"""YAML problems reported before giving up on a file."""
MAX_INT = 2**63 - 1
"""Largest whole number (what SQLite and other tools store without loss)."""

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = {None, "!", _STR, _SEQ, _MAP}

_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
# Control characters other than tab and line feed, and lone surrogates: only escapes in
# double-quoted text can produce them (the reader refuses them raw).
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column of a value in its file."""

    line: int
    column: int


class SourceMap:
    """Where each value of a document sits, by its path (``("decisions", 0, "prompt")``)."""

    def __init__(self) -> None:
        self.values: dict[Path, Position] = {}
        self.keys: dict[Path, Position] = {}

    def find(self, path: Path, *, key: bool = False) -> Position:
        """Position of the value at ``path``, or of its nearest enclosing value.

        Args:
            path: Path of the value; may name a field that is absent (a missing field).
            key: Prefer the position of the mapping key (for unknown fields).
        """
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            position = self.values.get(path[:end])
            if position is not None:
                return position
        return Position(1, 1)


class YamlProblem(Exception):
    """The YAML itself is broken; carries diagnostics ready to report."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(map(str, diagnostics)))


class _Stop(Exception):
    """A limit was reached: stop reading at once."""


def _position(event: Any) -> Position:
    return Position(event.start_mark.line + 1, event.start_mark.column + 1)


_DISCARD = object()  # a value that is read (to keep parsing) but not kept: after a bad or repeated key
_NO_KEY = object()


class _Container:
    """A list or mapping being built, with where it goes."""

    __slots__ = ("value", "path", "key", "keep", "is_key")

    def __init__(self, value: list[Any] | dict[str, Any], path: Path, keep: bool, is_key: bool = False) -> None:
        self.value = value
        self.path = path
        self.key: Any = _NO_KEY  # for a mapping: the key waiting for its value
        self.keep = keep
        self.is_key = is_key  # a list or mapping written as a key: read, reported, dropped


class _Builder:
    """Builds plain values from parse events, iteratively (no recursion, however deep the file)."""

    def __init__(self, filename: str, parser: Any) -> None:
        self.filename = filename
        self.parser = parser
        self.source = SourceMap()
        self.problems: list[Diagnostic] = []
        self.items = 0
        self.anchors: dict[str, Position] = {}
        self.reused: set[str] = set()

    def problem(self, position: Position, code: str, message: str) -> None:
        self.problems.append(Diagnostic(self.filename, position.line, position.column, "error", code, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Stop

    def stop(self, position: Position, code: str, message: str) -> None:
        self.problems.append(Diagnostic(self.filename, position.line, position.column, "error", code, message))
        raise _Stop

    def document(self) -> tuple[bool, Any]:
        """Read the stream's one document: (False, None) when the stream holds none."""
        parser = self.parser
        parser.get_event()  # stream start
        event = parser.get_event()
        if isinstance(event, StreamEndEvent):
            return False, None
        value = self.node()
        parser.get_event()  # document end
        event = parser.get_event()
        if isinstance(event, DocumentStartEvent):
            self.stop(_position(event), "yaml-syntax", "a case file holds one YAML document, but a second one starts here")
        return True, value

    def node(self) -> Any:
        parser = self.parser
        stack: list[_Container] = []
        while True:
            event = parser.get_event()
            if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                done = stack.pop()
                value: Any = done.value if done.keep else _DISCARD
                if not stack:
                    return value
                if not done.is_key:  # after a key, its parent still waits for the value
                    self._place(stack[-1], value)
                continue
            position = _position(event)
            self.items += 1
            if self.items > MAX_ITEMS:
                self.stop(
                    position, "too-many-items",
                    f"the file holds more than {MAX_ITEMS:,} values (texts, numbers, lists, mappings); "
                    f"a case file may hold at most {MAX_ITEMS:,}",
                )
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.value, dict) and parent.key is _NO_KEY:
                self._key(parent, event, position)
                if isinstance(event, CollectionStartEvent):  # a list or mapping as a key: read and drop it
                    stack.append(_Container([], (), keep=False, is_key=True))
                    self._depth(stack, position)
                continue
            if parent is None:
                path: Path | None = ()
            elif not parent.keep or parent.key is _DISCARD:
                path = None
            elif isinstance(parent.value, dict):
                path = (*parent.path, parent.key)
            else:
                path = (*parent.path, len(parent.value))
            if path is not None:
                self.source.values[path] = position
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, AliasEvent):
                self.anchors.setdefault(anchor, position)
            if isinstance(event, AliasEvent):
                self._alias(event, position)
                value = None
            elif isinstance(event, ScalarEvent):
                value = self._scalar(event, position)
            else:
                tag = event.tag
                kind = _MAP if isinstance(event, MappingStartEvent) else _SEQ
                if tag not in (None, "!", kind):
                    self.problem(position, "yaml-tag", f"tag {_tag(tag)!r} is not allowed in case files")
                stack.append(_Container({} if kind == _MAP else [], path or (), keep=path is not None))
                self._depth(stack, position)
                continue
            if parent is None:
                return value
            self._place(parent, value if path is not None else _DISCARD)

    def _depth(self, stack: list[_Container], position: Position) -> None:
        if len(stack) > MAX_DEPTH:
            self.stop(
                position, "too-deep",
                f"lists and mappings are nested more than {MAX_DEPTH} deep here; a case file may nest at most {MAX_DEPTH}",
            )

    @staticmethod
    def _place(parent: _Container, value: Any) -> None:
        if isinstance(parent.value, dict):
            if parent.key is not _DISCARD and value is not _DISCARD:
                parent.value[parent.key] = value
            parent.key = _NO_KEY
        elif value is not _DISCARD:
            parent.value.append(value)

    def _key(self, parent: _Container, event: Any, position: Position) -> None:
        assert isinstance(parent.value, dict)
        parent.key = _DISCARD
        if isinstance(event, AliasEvent):
            self._alias(event, position)
            return
        if not isinstance(event, ScalarEvent):
            self.problem(position, "yaml-key", "a key must be a plain name, not a list or a mapping")
            return
        if event.anchor is not None:
            self.anchors.setdefault(event.anchor, position)
        key = self._scalar(event, position, key=True)
        if key is _DISCARD:
            return
        if key in parent.value:
            self.problem(position, "yaml-duplicate-key", f"duplicate key {key!r}: it is already set above")
            return
        parent.key = key
        if parent.keep:
            self.source.keys[(*parent.path, key)] = position

    def _alias(self, event: Any, position: Position) -> None:
        name = event.anchor
        if name in self.reused:
            return  # one report per anchor: a bomb's thousands of aliases give a handful of errors
        self.reused.add(name)
        anchor = self.anchors.get(name)
        if anchor is None:
            self.problem(
                position, "yaml-alias",
                f"*{name} reuses a value through an alias, which case files do not allow (and no &{name} "
                "is defined above); write the value out",
            )
            return
        self.problem(
            anchor, "yaml-alias",
            f"this value is reused through an anchor and alias (&{name} here, *{name} on line {position.line}), "
            "which case files do not allow; write the value out",
        )

    def _scalar(self, event: Any, position: Position, key: bool = False) -> Any:
        """The value of a scalar; a key is always a name (``1:`` and ``true:`` too, as in JSON)."""
        value: str = event.value
        if event.tag not in _ALLOWED_TAGS:
            self.problem(position, "yaml-tag", f"tag {_tag(event.tag)!r} is not allowed in case files")
            return _DISCARD if key else value
        if len(value) > MAX_TEXT:
            self.problem(
                position, "text-too-long",
                f"this text is {len(value):,} characters long; a text may be at most {MAX_TEXT:,}",
            )
            return _DISCARD if key else value[:MAX_TEXT]
        bad = _BAD_CHAR.search(value)
        if bad:
            char = bad.group()
            name = unicodedata.name(char, "control character" if ord(char) < 0xD800 else "lone surrogate")
            self.problem(
                position, "control-character",
                f"this text contains U+{ord(char):04X} ({name.lower()}), which cannot be shown; remove it "
                "(it comes from an escape such as \\0, \\x07 or \\ud800 in double quotes)",
            )
            return _DISCARD if key else value
        if key or event.tag == _STR or not event.implicit[0]:  # quoted, or tagged !!str: text
            return value
        return self._plain(value, position)

    def _plain(self, value: str, position: Position) -> Any:
        first = value[:1]
        if first in "tTfF" and _BOOL_RE.match(value):
            return value.lower() == "true"
        if first in "-+0123456789." and value:
            if _INT_RE.match(value):
                digits = value.replace("_", "")
                if len(digits.lstrip("+-")) > 19 or abs(number := int(digits)) > MAX_INT:
                    self.problem(position, "number-too-large", f"the number {_short(value)} is too large")
                    return 0
                return number
            if _FLOAT_RE.match(value):
                real = float(value.replace("_", ""))
                if not math.isfinite(real):
                    self.problem(position, "number-too-large", f"the number {_short(value)} is too large")
                    return 0.0
                return real
        if _NULL_RE.match(value):
            return None
        return value


def _tag(tag: str) -> str:
    """A tag as the author wrote it: ``!!python/object`` rather than ``tag:yaml.org,2002:python/object``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}... ({len(text):,} characters)"


def load_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain values and their source positions.

    Args:
        text: The document.
        filename: Name used in diagnostics.

    Returns:
        The value (dicts, lists, str, int, float, bool, None) and its source map.

    Raises:
        YamlProblem: the YAML is malformed, uses tags, aliases or duplicate keys, or passes a limit.
    """
    parser = None
    builder = _Builder(filename, None)
    try:
        parser = _Parser(text)
        builder.parser = parser
        found, value = builder.document()
    except _Stop:
        raise YamlProblem(builder.problems) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"the file contains a control character ({code:#04x}) that YAML does not allow"
        raise YamlProblem([Diagnostic(filename, line, column, "error", "yaml-syntax", message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        if exc.context:
            context = exc.context
            if exc.context_mark and exc.context_mark.line != (mark.line if mark else -1):
                context += f" started on line {exc.context_mark.line + 1}"
            message = f"{message} ({context})"
        source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "tab" in message:
            message += "; use spaces, not tabs, to indent"
        elif "mapping values are not allowed" in message:
            message += "; a text that contains ': ' must be quoted, e.g. summary: \"Note: it was our fault\""
        elif "\ufeff" in source_line:
            message += "; a stray byte-order mark (an invisible U+FEFF, often from pasting two files together) is on this line"
        # Problems found before the syntax error (a tag, an alias) come first, as in the file.
        raise YamlProblem([*builder.problems, Diagnostic(filename, line, column, "error", "yaml-syntax", message)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem([Diagnostic(filename, 1, 1, "error", "yaml-syntax", str(exc))]) from None
    finally:
        if parser is not None:
            parser.dispose()
    if not found:
        raise YamlProblem([Diagnostic(filename, 1, 1, "error", "empty-file", "the file is empty")])
    if builder.problems:
        raise YamlProblem(builder.problems)
    return value, builder.source
