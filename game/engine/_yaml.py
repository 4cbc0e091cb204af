"""Read a case's YAML into plain Python values, remembering where each value came from.

PyYAML's C parser composes the document into nodes; we build the values ourselves so that
every value keeps its line and column (pydantic's errors are mapped back through them), and so
that authors are protected from YAML 1.1 surprises: ``at: 1:30`` stays the text ``"1:30"``
instead of the integer 90, and ``no``/``on``/``yes`` stay text instead of booleans.
Only ``true``/``false`` are booleans, only decimal numbers are numbers.

Anchors and aliases are refused: a case never needs them, and refusing them stops alias
"billion laughs" bombs before anything walks the shared nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.engine.diagnostics import Diagnostic

try:  # the C parser is much faster; the pure-Python one is the fallback where libyaml is missing
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _CaseResolver(yaml.resolver.BaseResolver):
    """Plain scalars resolve to a small, unsurprising set of types (see module docstring)."""

    yaml_implicit_resolvers: dict = {}


_CaseResolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CaseResolver.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_CaseResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_CaseResolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _CaseComposer(_Parser, _CaseResolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _CaseResolver.__init__(self)


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


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.source = SourceMap()
        self.problems: list[Diagnostic] = []
        self._seen: set[int] = set()

    def problem(self, node: Node, code: str, message: str) -> None:
        pos = _position(node)
        self.problems.append(Diagnostic(self.filename, pos.line, pos.column, "error", code, message))

    def build(self, node: Node, path: Path) -> Any:
        if id(node) in self._seen:
            self.problem(
                node, "yaml-alias",
                "this value is reused through an anchor and alias (&name, *name), which case files do not allow; write the value out",
            )
            return None
        self._seen.add(id(node))
        self.source.values[path] = _position(node)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.problem(node, "yaml-tag", f"tag {node.tag!r} is not allowed in case files")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self.problem(node, "yaml-tag", f"tag {node.tag!r} is not allowed in case files")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self.problem(key_node, "yaml-key", "a key must be a plain name, not a list or a mapping")
                    continue
                key = key_node.value
                if key in result:
                    self.problem(key_node, "yaml-duplicate-key", f"duplicate key {key!r}: it is already set above")
                    continue
                self.source.keys[(*path, key)] = _position(key_node)
                result[key] = self.build(value_node, (*path, key))
            return result
        self.problem(node, "yaml-syntax", "unexpected YAML node")  # pragma: no cover
        return None

    def _scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _INT:
            return int(value.replace("_", ""))
        if tag == _FLOAT:
            return float(value.replace("_", ""))
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _NULL:
            return None
        self.problem(node, "yaml-tag", f"tag {tag!r} is not allowed in case files")
        return value


def load_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain values and their source positions.

    Args:
        text: The document.
        filename: Name used in diagnostics.

    Returns:
        The value (dicts, lists, str, int, float, bool, None) and its source map.

    Raises:
        YamlProblem: the YAML is malformed, uses tags, aliases or duplicate keys.
    """
    composer = None
    try:
        composer = _CaseComposer(text)
        node = composer.get_single_node()
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
        raise YamlProblem([Diagnostic(filename, line, column, "error", "yaml-syntax", message)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem([Diagnostic(filename, 1, 1, "error", "yaml-syntax", str(exc))]) from None
    finally:
        if composer is not None:
            composer.dispose()
    if node is None:
        raise YamlProblem([Diagnostic(filename, 1, 1, "error", "empty-file", "the file is empty")])
    builder = _Builder(filename)
    value = builder.build(node, ())
    if builder.problems:
        raise YamlProblem(builder.problems)
    return value, builder.source
