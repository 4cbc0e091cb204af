"""Problems found in a case file, reported as ``FILE:LINE:COL: severity: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem in a case file, with where it is.

    Attributes:
        file: Path of the file as the user gave it.
        line: 1-based line number (0 when the problem concerns the whole file).
        column: 1-based column number.
        severity: ``"error"`` stops the case from loading; ``"warning"`` does not.
        code: A stable short name for the kind of problem (documented in docs/scenario-format.md).
        message: What is wrong, in the author's words.
    """

    file: str
    line: int
    column: int
    severity: Severity = field(compare=False)
    code: str = field(compare=False)
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


class CaseError(Exception):
    """A case could not be loaded; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
