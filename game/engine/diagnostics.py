"""Problems found in a case file, reported as ``FILE:LINE:COL: severity: message``.

Every kind of problem has one entry in :data:`CODES`: its severity, what it means and an example
that produces it (a test plays each example; docs/authoring.md shows the table generated from it).
"""

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
        code: A stable short name for the kind of problem, one of :data:`CODES`.
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


# --- the registry of codes ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Example:
    """A small mistake that produces a code, shown in docs/authoring.md and played by a test.

    Attributes:
        kind: Which file the mistake is in: ``case`` (the English template of ``crisis-sim new``),
            ``plan`` (a ``plans.yaml`` next to that case), ``msel`` (a CSV for ``import-msel``),
            ``cue`` (a written-answer cue file) or ``file`` (a file that cannot be read at all).
        text: For ``case``: the line as the mistake writes it (replacing ``replaces``); for
            ``plan``, ``msel`` and ``cue``: the whole file; for ``file``: what is wrong with it.
        replaces: For ``case``: the template text the mistake replaces ("" for a whole file).
    """

    kind: Literal["case", "plan", "msel", "cue", "file"]
    text: str
    replaces: str = ""


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of problem: its severity, what it means, and an example that produces it."""

    severity: Severity
    summary: str
    example: Example


def _case(replaces: str, text: str) -> Example:
    return Example("case", text, replaces)


_DESCRIPTION = "  description: A regional bakery chain with forty shops."
_ROLE = "role: You run Crumb & Co's social-media accounts and answer to the head of communication."
_PHOTO_AUTHOR = "    author: customer\n    text: \"Found mould"
_CALL_WHEN = 'when: {metric: "visibility >= 18"}'
_PLAN_CASE = "seeds: [1]\npaths:\n  - id: p\n    choices: [first-answer.apologise]\n"

CODES: dict[str, Code] = {
    # reading the file
    "file-missing": Code("error", "no such file, or a case folder without `scenario.yaml`",
                         Example("file", "a folder with no scenario.yaml")),
    "not-a-file": Code("error", "the path is a folder, a pipe or a device", Example("file", "scenario.yaml is a folder")),
    "outside-folder": Code("error", "the case file is a link to a file outside its folder",
                           Example("file", "scenario.yaml links to /tmp/elsewhere.yaml")),
    "too-large": Code("error", "the file is larger than a case file may be (2 MB)",
                      Example("file", "a 3 MB scenario.yaml")),
    "unreadable": Code("error", "the file cannot be read (permission denied, disk error)",
                       Example("file", "scenario.yaml without read permission")),
    "encoding": Code("error", "the file is not UTF-8 text", Example("file", "scenario.yaml saved as UTF-16")),
    # YAML
    "empty-file": Code("error", "the file holds nothing", Example("case", "")),
    "yaml-syntax": Code("error", "the text is not valid YAML; a text containing `: ` must be quoted",
                        _case(_ROLE, "role: Social media: you answer to the head of communication.")),
    "yaml-tag": Code("error", "a YAML tag (`!!python/...`, `!thing`): case files are plain data",
                     _case("difficulty: easy ", "difficulty: !hard easy ")),
    "yaml-alias": Code("error", "an anchor and alias (`&a` ... `*a`): write the value out",
                       _case("handled_by: [first-answer]", "handled_by: &d [first-answer]\n    effects: *d")),
    "yaml-key": Code("error", "a key written as a list or a mapping", _case("format: 1", "[format]: 1")),
    "yaml-duplicate-key": Code("error", "the same key twice in one mapping", _case("format: 1", "format: 1\nformat: 1")),
    "too-many-items": Code("error", "more values than a case file may hold (50,000)",
                           _case("sources: []", "sources: [" + ", ".join(["{}"] * 50_001) + "]")),
    "too-deep": Code("error", "lists and mappings nested more than 40 deep",
                     _case("sources: []", "sources: " + "[" * 41 + "]" * 41)),
    "text-too-long": Code("error", "a text longer than 20,000 characters", _case(_DESCRIPTION, "  description: " + "x" * 20_001)),
    "control-character": Code("error", "a text with a control character (`\"\\0\"`, `\"\\x07\"`)",
                              _case(_DESCRIPTION, '  description: "A bakery\\x07"')),
    "number-too-large": Code("error", "a number too large to store", _case("format: 1", "format: 1" + "0" * 20)),
    # the model
    "not-a-case": Code("error", "the file is YAML but not a mapping of fields", Example("case", "- a list\n")),
    "field-missing": Code("error", "a required field is missing", _case(_ROLE + "\n", "")),
    "field-unknown": Code("error", "a field the format does not know here (the message says where it is allowed)",
                          _case("language: en", "language: en\ntittle: Mould")),
    "field-invalid": Code("error", "a value of the wrong kind or out of range", _case("format: 1", "format: 2")),
    # cross-references
    "duplicate-id": Code("error", "two items of one list share an id",
                         _case("  - id: own-it", "  - id: answer-fast")),
    "unknown-ref": Code("error", "an id that names nothing (the message suggests the closest)",
                        _case(_PHOTO_AUTHOR, "    author: custmer\n    text: \"Found mould")),
    "no-timing": Code("error", "an inject or decision with neither `at` nor `when` nor `optional: true`",
                      _case('    at: "00:01:00"\n', "")),
    "after-end": Code("error", "an inject or decision set after the end of the case",
                      _case('    at: "00:01:00"', '    at: "00:30:00"')),
    "calendar-order": Code("error", "a `calendar` that does not start at 00:00:00, lists its entries out of order on "
                           "the clock, or goes back in time",
                           _case('duration: "00:20:00"', 'duration: "00:20:00"\ncalendar:\n'
                                 '  - {at: "00:10:00", time: "2010-03-17T09:00"}\n'
                                 '  - {at: "00:05:00", time: "2010-03-18T09:00"}')),
    "ending-shadows": Code("error", "an ending without `when` before other endings",
                           _case("    when: {decided: first-answer}\n    text: You answered", "    text: You answered")),
    "no-default-ending": Code("error", "the last ending has a `when`, so some runs would end nowhere",
                              _case("    kind: failure\n", "    kind: failure\n    when: {after: \"00:10:00\"}\n")),
    "flag-never-set": Code("warning", "a condition tests a flag nothing sets (often a typo)",
                           _case("{chose: first-answer.apologise}, {metric", "{flag: withdrawm}, {metric")),
    "page-closed-flag": Code("warning", "an option sets the flag `page_closed` to close its channel, the old "
                                        "convention: write `closes_channel: true` (the channel still closes)",
                             _case("        effects: {metrics: {sentiment: -6}}",
                                   "        effects: {metrics: {sentiment: -6}, set_flags: [page_closed]}")),
    # images
    "image-missing": Code("error", "an image that is not in the case folder",
                          _case("  handle: \"@crumbco\"", "  handle: \"@crumbco\"\n  avatar: logo.png")),
    "image-outside": Code("error", "an image that is a link to a file outside the case folder",
                          Example("file", "avatar: logo.png, where logo.png links outside the folder")),
    "image-invalid": Code("error", "an image file that is not a PNG or JPEG, or named for the other kind",
                          Example("file", "avatar: logo.png, where logo.png is a text file")),
    "image-too-large": Code("error", "an image over 2 MB or over 2048 pixels a side",
                            Example("file", "avatar: logo.png, a 5000×5000 PNG")),
    "image-unreadable": Code("error", "an image that cannot be read",
                             Example("file", "avatar: logo.png, without read permission")),
    # the linter's warnings
    "never-fires": Code("warning", "an inject or decision whose `when` can never hold (a flag nothing sets, a "
                                   "decision that never opens, a metric past 0-100)",
                        _case(_CALL_WHEN, 'when: {metric: "visibility > 100"}')),
    "condition-always-true": Code("warning", "a `when` or `met_when` that holds whatever happens (`after: 0`, "
                                             "`trust >= 0`); for an ending, the endings after it are never reached",
                                  _case(_CALL_WHEN, 'when: {metric: "visibility >= 0"}')),
    "condition-never-true": Code("warning", "an objective that can never be met",
                                 _case("met_when: {decided: first-answer}", 'met_when: {before: "00:00:00"}')),
    "ending-unreached": Code("warning", "an ending no run can reach",
                             _case("    when: {decided: first-answer}\n    text: You", "    when: {metric: \"trust > 100\"}\n    text: You")),
    "same-outcome": Code("warning", "every option of a decision leads to the same state: the choice does not matter",
                         _case("effects: {metrics: {sentiment: -6}}\n", "effects: {metrics: {trust: 6}}\n")),
    "too-few-options": Code("warning", "a decision that offers fewer than two options on some path (its options' "
                                       "`when` leave one or none)",
                            _case("        label: Post a discount on cakes\n",
                                  "        when: {chose: first-answer.apologise}\n        label: Post a discount on cakes\n")),
    "persona-unused": Code("warning", "a persona nothing uses: no inject, decision, noise pool or reaction names it, "
                                      "and no reaction targets its stance or kind (a stance-wide reaction counts as using "
                                      "every persona of that stance)",
                           _case("  - {id: boss,", "  - {id: lurker, name: L, handle: \"@l\", followers: 1, stance: "
                                                   "hostile}\n  - {id: boss,")),
    "channel-unused": Code("warning", "a channel nothing posts on",
                           _case("  - {id: phone,", "  - {id: blog, kind: blog, name: Blog}\n  - {id: phone,")),
    "too-long": Code("warning", "a text longer than its channel takes (a 300-character microblog post)",
                     _case("texts: [\"Mould in", "texts: [\"" + "Long. " * 50 + "\", \"Mould in")),
    "reaction-never-fires": Code("warning", "no option or reply matches the reaction's `on`",
                                 _case("on: {strategies: [denial]}", "on: {strategies: [scapegoat]}")),
    # the linter's warnings about feed content (game/authoring/lint.py, content_warnings)
    "signal-generic-replies": Code("warning", "a signal with no `replies` of its own and no `handled_by`: only the "
                                              "case-wide replies, written for other posts, answer it",
                                   _case("    handled_by: [first-answer]", "")),
    "pool-too-small": Code("warning", "the feed repeats itself: a noise pool with fewer texts than it posts in 10 "
                                      "minutes, or story chatter that comes back within 3 minutes of a round "
                                      "where nobody answers",
                           _case("    rate: 1.5                 # posts per simulated minute", "    rate: 6")),
    "noise-repeats-signal": Code("warning", "a noise or chatter text that is a signal's text again, or nearly "
                                            "(case, accents and punctuation aside): flagging it is a false alarm",
                                 _case("      - Is the Riverside shop open on Sundays?",
                                       '      - "found mould in a @CrumbCo loaf I bought yesterday! My kids nearly '
                                       'ate it... not happy"')),
    "placeholder-text": Code("warning", "a text still marked TODO, TBD or FIXME (as `crisis-sim import-msel` leaves "
                                        "them): write it; `--strict` makes it an error",
                             _case("  description: A regional bakery chain with forty shops.",
                                   "  description: TODO say who they are.")),
    "translation-missing": Code("warning", "a key another language version has and this one lacks",
                                Example("file", "scenario.yaml has `format: 1`, scenario.fr.yaml lacks it")),
    "translation-differs": Code("warning", "a value other than prose differs between language versions",
                                Example("file", "scenario.fr.yaml sets another `duration`")),
    # test plans (plans.yaml)
    "plan-unreadable": Code("error", "the test plan cannot be read", Example("file", "plans.yaml saved as UTF-16")),
    "plan-invalid": Code("error", "the test plan is not written as the format says",
                         Example("plan", "seeds: [1]\npaths: {}\n")),
    "plan-unknown-id": Code("error", "a path names a decision, option, ending or objective the case lacks",
                            Example("plan", "seeds: [1]\npaths:\n  - id: p\n    choices: [first-answer.shrug]\n")),
    "plan-missed": Code("error", "a path played does not reach what it expects",
                        Example("plan", _PLAN_CASE + "    expect: {ending: viral}\n")),
    # import-msel
    "msel-empty": Code("error", "the spreadsheet has no header row, or no event under it",
                       Example("msel", "time,channel,author,text\n")),
    "msel-columns": Code("error", "a required column (time, channel, author, text) is missing",
                         Example("msel", "time,channel,text\n00:05,micro,Hello\n")),
    "msel-cell": Code("error", "a required cell is empty", Example("msel", "time,channel,author,text\n00:05,,jo,Hello\n")),
    "msel-time": Code("error", "a time the importer cannot read",
                      Example("msel", "time,channel,author,text\nsoon,micro,jo,Hello\n")),
    # written-answer cue files
    "cue-file": Code("error", "a cue file that is not a mapping, or cannot be read", Example("cue", "- apology\n")),
    "cue-language": Code("error", "a cue file's language is not one the assessor reads", Example("cue", "language: xx\n")),
    "cue-field": Code("error", "an unknown field in a cue file", Example("cue", "language: en\nstrategy: {}\n")),
    "cue-table": Code("error", "`strategies`, `tones` or `default_tones` is not a mapping",
                      Example("cue", "language: en\nstrategies: [apology]\n")),
    "cue-id": Code("error", "an unknown strategy or tone in a cue file",
                   Example("cue", "language: en\nstrategies: {sorry: [sorry]}\n")),
    "cue-list": Code("error", "a list of words or cues written as something else",
                     Example("cue", "language: en\nnegations: not\n")),
    "cue-item": Code("error", "a cue that is neither a phrase nor a mapping with `words`",
                     Example("cue", "language: en\nstrategies: {apology: [[sorry]]}\n")),
    "cue-words": Code("error", "a cue without words to look for",
                      Example("cue", "language: en\nstrategies: {apology: [{weight: 2}]}\n")),
    "cue-weight": Code("error", "a cue's weight is not a number above 0",
                       Example("cue", "language: en\nstrategies: {apology: [{words: sorry, weight: 0}]}\n")),
    "cue-overrides": Code("error", "a cue's `overrides` names ids that do not exist",
                          Example("cue", "language: en\nstrategies: {apology: [{words: sorry, overrides: [x]}]}\n")),
    "cue-negatable": Code("error", "a cue's `negatable` is not true or false",
                          Example("cue", "language: en\nstrategies: {apology: [{words: sorry, negatable: 2}]}\n")),
    "cue-number": Code("error", "a number setting of a cue file is not a number of at least 0",
                       Example("cue", "language: en\nmin_tone: -1\n")),
}
"""Every code a diagnostic may carry. docs/authoring.md's table is generated from it."""


def make(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    """A diagnostic of a registered code, with the code's severity."""
    return Diagnostic(file, line, column, CODES[code].severity, code, message)


def codes_table() -> str:
    """The Markdown table of every code, as docs/authoring.md shows it."""
    rows = ["| code | severity | what it means | example |", "|---|---|---|---|"]
    for name, code in CODES.items():
        example = code.example
        shown = example.text if example.kind in ("case", "file") else f"{example.kind}: {example.text}"
        shown = shown.strip().replace("\n", " ⏎ ")
        if len(shown) > 70:
            shown = shown[:67] + "..."
        shown = "(an empty file)" if not shown else shown
        shown = shown.replace("|", "\\|").replace("`", "'")
        rows.append(f"| `{name}` | {code.severity} | {code.summary} | `{shown}` |")
    return "\n".join(rows) + "\n"
