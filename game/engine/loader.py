"""Load a case folder or file, collecting every problem before failing.

Loading runs in three passes, each reporting all it finds: YAML syntax (with positions),
the pydantic model (each error mapped back to its line), then cross-references between
the parts of the case (an inject's author must be a persona, a condition's option must exist).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from game.engine._files import Unreadable, inside, read_limited, sniff_image
from game.engine._yaml import SourceMap, YamlProblem, load_yaml
from game.engine.conditions import check_condition, check_effects
from game.engine.diagnostics import CaseError, Diagnostic, make
from game.engine.model import (
    _ID_RE,
    OLD_PAGE_FLAG,
    Case,
    Channel,
    Condition,
    Decision,
    Effects,
    Ending,
    Inject,
    NoisePool,
    Option,
    format_duration,
)

CASE_FILE = "scenario.yaml"
MAX_FILE_BYTES = 2_000_000
"""Largest case file. The YAML's own limits (values, nesting, text length) are in ``_yaml``."""
MAX_IMAGE_BYTES = 2_000_000
"""Largest image file a case may use."""
MAX_IMAGE_SIDE = 2048
"""Widest and tallest image, in pixels: a small file cannot ask a decoder for gigabytes."""


@dataclass(frozen=True, slots=True)
class LoadedCase:
    """A valid case with where it came from, and its warnings."""

    case: Case
    path: Path
    warnings: tuple[Diagnostic, ...] = ()


def case_file(path: str | Path, lang: str | None = None) -> Path:
    """The YAML file of a case given as a folder or a file.

    A folder holds ``scenario.yaml`` and may hold translations as ``scenario.fr.yaml``; with
    ``lang`` the translation is preferred when present.
    """
    path = Path(path)
    if path.is_dir():
        if lang:
            translated = path / f"scenario.{lang}.yaml"
            if translated.is_file():
                return translated
        return path / CASE_FILE
    return path


def case_files(folder: Path) -> Iterator[Path]:
    """Every case file in a folder of cases (one sub-folder per case, one file per language)."""
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        yield from sorted(sub.glob("scenario*.yaml"))


def load_case(path: str | Path, lang: str | None = None) -> LoadedCase:
    """Load and check a case.

    Args:
        path: The case folder or its YAML file.
        lang: Preferred language when the folder holds several.

    Raises:
        CaseError: listing every problem, each with file, line and column.
    """
    file = case_file(path, lang)
    parsed = parse_file(file)
    if parsed.case is None:
        raise CaseError([d for d in parsed.diagnostics if d.severity == "error"])
    return LoadedCase(parsed.case, file, tuple(parsed.diagnostics))


def check_file(file: Path) -> list[Diagnostic]:
    """Every problem in one case file (errors and warnings); empty when the case is clean."""
    return parse_file(file).diagnostics


@dataclass(slots=True)
class Parsed:
    """One case file as the checks saw it: the raw YAML data with its positions, and the case.

    ``case`` is None when the file has errors; ``data`` and ``source`` are None when it is not
    even YAML. The authoring linter builds on this.
    """

    file: Path
    case: Case | None
    diagnostics: list[Diagnostic]
    data: Any = None
    source: SourceMap | None = None


def parse_file(file: Path) -> Parsed:
    """Read, parse, validate and cross-check one case file, collecting every problem."""
    name = str(file)
    text, problem = _read(file)
    if problem:
        return Parsed(file, None, [problem])
    try:
        data, source = load_yaml(text, name)
    except YamlProblem as exc:
        return Parsed(file, None, exc.diagnostics)
    if not isinstance(data, dict):
        return Parsed(file, None, [
            Diagnostic(name, 1, 1, "error", "not-a-case", "a case file is a mapping of fields (id: ..., title: ...)")
        ], data, source)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        return Parsed(file, None, list(_map_errors(exc, data, source, name)), data, source)
    diagnostics = _CrossCheck(case, source, name).run()
    diagnostics += _check_images(case, file.parent, source, name)
    if any(d.severity == "error" for d in diagnostics):
        return Parsed(file, None, diagnostics, data, source)
    return Parsed(file, case, diagnostics, data, source)


def _read(file: Path) -> tuple[str, Diagnostic | None]:
    """The text of a case file, or the one problem that stops it being read."""
    name = str(file)

    def fail(code: str, message: str) -> tuple[str, Diagnostic]:
        return "", Diagnostic(name, 0, 0, "error", code, message)

    if file.is_symlink() and not inside(file, file.parent):
        return fail("outside-folder", "this file is a link to a file outside its folder; copy the case file into the folder")
    try:
        raw = read_limited(file, MAX_FILE_BYTES)
    except Unreadable as exc:
        if exc.kind == "missing":
            return fail("file-missing", "no such file" if file.name != CASE_FILE else "no scenario.yaml in this folder")
        if exc.kind == "folder":
            return fail("not-a-file", "this is a folder, not a case file")
        if exc.kind == "special":
            return fail("not-a-file", "this is a pipe or a device, not a case file")
        if exc.kind == "too-large":
            return fail("too-large", f"the file is {exc.size:,} bytes; a case file may be at most {MAX_FILE_BYTES:,}")
        if exc.kind == "denied":
            return fail("unreadable", "permission denied: the file cannot be read")
        return fail("unreadable", f"cannot read the file: {exc.detail}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Diagnostic(name, 1, 1, "error", "encoding", "the file is not UTF-8 text (it is saved as UTF-16): save it as UTF-8")
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        line = body.count(b"\n", 0, exc.start) + 1
        column = len(body[line_start:exc.start].decode("utf-8", "replace")) + 1
        return "", Diagnostic(
            name, line, column, "error", "encoding",
            f"the file is not UTF-8 text (byte {body[exc.start]:#04x} here): save it as UTF-8",
        )
    return text, None


# --- images -------------------------------------------------------------------------------


def _check_images(case: Case, folder: Path, source: SourceMap, name: str) -> list[Diagnostic]:
    """Every image a case names must be a real PNG or JPEG of a sensible size inside its folder."""
    wanted: list[tuple[Where, str]] = []
    if case.organisation.avatar:
        wanted.append((("organisation", "avatar"), case.organisation.avatar))
    wanted += [(("personas", i, "avatar"), p.avatar) for i, p in enumerate(case.personas) if p.avatar]
    wanted += [(("injects", i, "image"), inject.image) for i, inject in enumerate(case.injects) if inject.image]
    problems: list[Diagnostic] = []
    checked: dict[str, tuple[str, str] | None] = {}
    for path, written in wanted:
        if written not in checked:
            checked[written] = _image_problem(folder, written)
        problem = checked[written]
        if problem is not None:
            pos = source.find(path)
            problems.append(Diagnostic(name, pos.line, pos.column, "error", problem[0], f"{path[-1]}: {problem[1]}"))
    return problems


def _image_problem(folder: Path, written: str) -> tuple[str, str] | None:
    """(code, message) of what is wrong with one image, or None when it is fine."""
    file = folder / written
    if not inside(file, folder):
        return "image-outside", f"{written!r} leads outside the case folder (through a link); images must be inside it"
    try:
        data = read_limited(file, MAX_IMAGE_BYTES)
    except Unreadable as exc:
        if exc.kind == "missing":
            return "image-missing", f"no file {written!r} in the case folder"
        if exc.kind == "too-large":
            return "image-too-large", f"{written!r} is {exc.size:,} bytes; an image may be at most {MAX_IMAGE_BYTES:,}"
        if exc.kind in ("folder", "special"):
            return "image-invalid", f"{written!r} is a {'folder' if exc.kind == 'folder' else 'pipe or device'}, not an image"
        if exc.kind == "denied":
            return "image-unreadable", f"{written!r} cannot be read (permission denied)"
        return "image-unreadable", f"{written!r} cannot be read: {exc.detail}"
    info = sniff_image(data)
    if info is None:
        return "image-invalid", f"{written!r} is not a PNG or JPEG image (its first bytes say it is something else)"
    named = "png" if written.lower().endswith(".png") else "jpeg"
    if info.kind != named:
        right = ".png" if info.kind == "png" else ".jpg"
        return "image-invalid", f"{written!r} is a {info.kind.upper()} image: name it {right}"
    if not (0 < info.width <= MAX_IMAGE_SIDE and 0 < info.height <= MAX_IMAGE_SIDE):
        return "image-too-large", (
            f"{written!r} is {info.width:,}×{info.height:,} pixels; "
            f"an image may be at most {MAX_IMAGE_SIDE:,}×{MAX_IMAGE_SIDE:,}"
        )
    return None


# --- pydantic errors, mapped back to the YAML ---------------------------------------------


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Drop the segments pydantic adds for unions and tags, keeping those that exist in the data."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif i == len(loc) - 1 and isinstance(part, str) and isinstance(current, dict):
            path.append(part)  # a missing or unknown field: name it
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that holds the value at ``path`` (for spelling suggestions)."""
    model: Any = Case
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            for info in getattr(model, "model_fields", {}).values():
                if info.alias == part:
                    field = info
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in get_args(arg):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _places() -> dict[type[BaseModel], str]:
    """Each part of the format by the name authors know it by, found from the field that holds it."""
    places: dict[type[BaseModel], str] = {Case: "the top level of the case"}
    todo: list[type[BaseModel]] = [Case]
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            inner = _unwrap(info.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in places:
                places[inner] = info.alias or name
                todo.append(inner)
    places[Option] = "options and replies"
    return places


def _allowed_in(field: str) -> str:
    """Where in the format a field name is allowed (``"injects, decisions, options..."``), or ""."""
    found = [place for model, place in _places().items() if field in _field_names(model)]
    return ", ".join(found)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _map_errors(exc: ValidationError, data: Any, source: SourceMap, name: str) -> Iterator[Diagnostic]:
    seen: set[tuple[int, int, str]] = set()
    for error in exc.errors():
        path = _data_path(error["loc"], data)
        kind = error["type"]
        field = next((p for p in reversed(path) if isinstance(p, str)), "case")
        message = _message(error, field, path)
        pos = source.find(path, key=kind == "extra_forbidden")
        if (pos.line, pos.column, message) in seen:
            continue
        seen.add((pos.line, pos.column, message))
        code = {"missing": "field-missing", "extra_forbidden": "field-unknown"}.get(kind, "field-invalid")
        yield Diagnostic(name, pos.line, pos.column, "error", code, message)


def _message(error: Any, field: str, path: tuple[str | int, ...]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        hint = _suggest(field, _field_names(model)) if model else ""
        places = _allowed_in(field)
        where = f" here: it is allowed only in {places}" if places else ""
        return f"unknown field '{field}'{where}{hint}"
    if kind == "enum":
        expected = [e.strip(" '") for e in ctx.get("expected", "").replace(" or ", ", ").split(",")]
        return f"{field}: {value!r} is not one of: {', '.join(expected)}{_suggest(str(value), expected)}"
    if kind == "literal_error":
        return f"{field}: {value!r} is not allowed; expected {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _ID_RE:
            return f"{field}: {value!r} is not a valid id: use lower-case letters, digits, '-' and '_'"
        if field == "metric":
            return f"metric: {value!r} is not a comparison such as \"sentiment < 30\""
        if field == "chose":
            return f"chose: {value!r} should be written \"decision-id.option-id\""
        return f"{field}: {value!r} does not have the expected form"
    message = error["msg"].removeprefix("Value error, ")
    if kind in ("dict_type", "model_type"):
        message = "expected a mapping of fields (key: value)"
    elif kind == "list_type":
        message = "expected a list (lines starting with '- ')"
    elif kind in ("string_type",):
        message = f"expected text, got {value!r}"
    return f"{field}: {message}"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- cross-references ---------------------------------------------------------------------


class _CrossCheck:
    """Checks that need the whole case: ids that must exist, be unique, or be reachable."""

    def __init__(self, case: Case, source: SourceMap, name: str) -> None:
        self.case, self.source, self.name = case, source, name
        self.problems: list[Diagnostic] = []
        self.personas = {p.id for p in case.personas}
        self.channels = {c.id: c for c in case.channels}
        self.events = {i.id for i in case.injects} | {d.id for d in case.decisions}
        self.injects = {i.id for i in case.injects}
        self.options = {d.id: {o.id for o in d.options} for d in case.decisions}
        self.replies = {o.id for o in case.replies} | {r.id for i in case.injects for r in i.replies}
        self.flags_set = {
            flag for _, effects in all_effects(self.case) for flag in effects.set_flags
        }

    def report(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        pos = self.source.find(path)
        self.problems.append(make(self.name, pos.line, pos.column, code, message))

    def run(self) -> list[Diagnostic]:
        case = self.case
        self._unique("personas", case.personas)
        self._unique("channels", case.channels)
        self._unique("endings", case.endings)
        self._unique("objectives", case.objectives)
        self._unique("replies", case.replies)
        self._unique("reactions", case.reactions)
        self._unique("noise", case.noise)
        self._unique_events()
        for i, inject in enumerate(case.injects):
            here = ("injects", i)
            self._ref(inject.channel, self.channels, (*here, "channel"), "channel")
            self._ref(inject.author, self.personas, (*here, "author"), "persona")
            self._timing(inject, here)
            for j, ref in enumerate(inject.handled_by):
                decision_id, _, option_id = ref.partition(".")
                if self.decision(decision_id, (*here, "handled_by", j)) and option_id:
                    self.option(decision_id, option_id, (*here, "handled_by", j))
            self._unique((*here, "replies"), inject.replies)
        for i, decision in enumerate(case.decisions):
            here = ("decisions", i)
            if decision.author:
                self._ref(decision.author, self.personas, (*here, "author"), "persona")
            if decision.channel:
                self._ref(decision.channel, self.channels, (*here, "channel"), "channel")
            self._timing(decision, here)
            self._unique((*here, "options"), decision.options)
        for i, pool in enumerate(case.noise):
            self._ref(pool.channel, self.channels, ("noise", i, "channel"), "channel")
            for j, author in enumerate(pool.authors):
                self._ref(author, self.personas, ("noise", i, "authors", j), "persona")
        for i, channel in enumerate(case.story.channels):
            self._ref(channel, self.channels, ("story", "channels", i), "channel")
        for i, reaction in enumerate(case.reactions):
            for j, persona in enumerate(reaction.personas):
                self._ref(persona, self.personas, ("reactions", i, "personas", j), "persona")
            for j, ref in enumerate(reaction.on.options):
                if not self._option_exists(ref):
                    self.report(("reactions", i, "on", "options", j), "unknown-ref", f"no option or reply {ref!r}")
            for j, persona in enumerate(reaction.exclude):
                self._ref(persona, self.personas, ("reactions", i, "exclude", j), "persona")
            if not reaction.personas and not reaction.stances and not reaction.kinds:
                self.report(("reactions", i), "field-missing", "say who reacts: give `personas`, `stances` or `kinds`")
        for path, option in all_options(self.case):
            if option.channel:
                self._ref(option.channel, self.channels, (*path, "channel"), "channel")
                limit = self.channels[option.channel].limit if option.channel in self.channels else None
                texts = [((*path, "post"), option.post)] + [
                    ((*path, "variants", j, "post"), v.post) for j, v in enumerate(option.variants)
                ]
                for where, text in texts:
                    if limit and text and len(text) > limit:
                        self.report(where, "too-long", f"post is {len(text)} characters; {option.channel} takes {limit}")
            if option.late is not None and option.late.after > self.case.duration:
                self.report((*path, "late", "after"), "after-end",
                            f"late after {format_duration(option.late.after)}, after the case ends at "
                            f"{format_duration(self.case.duration)}: the option is never late")
            if option.variants and not option.post:
                self.report((*path, "variants"), "field-missing",
                            "post variants need the option's own `post`, published when no variant's `when` holds")
            if option.post and not option.channel and path[0] == "decisions":
                self.report((*path, "channel"), "field-missing", "a published `post` needs the `channel` it goes to")
            self._closing(path, option)
        for name in case.metric_names:
            self._ref(name, case.metrics, ("metric_names", name), "metric")
        self._calendar()
        for path, effects in all_effects(self.case):
            check_effects(effects, self, path)
        for path, condition in all_conditions(self.case):
            check_condition(condition, self, path)
        self._endings()
        return self.problems

    def _calendar(self) -> None:
        """The calendar starts with the round and runs forward, on the clock and in real time."""
        calendar = self.case.calendar
        if calendar and calendar[0].at != 0:
            self.report(("calendar", 0, "at"), "calendar-order",
                        f"the calendar's first entry is at {format_duration(calendar[0].at)}: start it at "
                        "\"00:00:00\", when the round starts")
        for i in range(1, len(calendar)):
            before, entry = calendar[i - 1], calendar[i]
            if entry.at <= before.at:
                self.report(("calendar", i, "at"), "calendar-order",
                            f"calendar entry at {format_duration(entry.at)} comes after the one at "
                            f"{format_duration(before.at)}: list the entries by their time on the clock")
            elif entry.time < before.time:
                self.report(("calendar", i, "time"), "calendar-order",
                            f"the calendar goes back in time: {entry.time.isoformat(timespec='minutes')} is before "
                            f"{before.time.isoformat(timespec='minutes')}, the entry above")
            if entry.at > self.case.duration:
                self.report(("calendar", i, "at"), "after-end",
                            f"calendar entry at {format_duration(entry.at)}, after the case ends at "
                            f"{format_duration(self.case.duration)}")

    def _closing(self, path: Where, option: Option) -> None:
        """``closes_channel`` needs a public channel; the old flag ``page_closed`` still closes one."""
        if option.closes_channel:
            channel = self.channels.get(option.channel or "")
            if option.channel is None:
                self.report((*path, "closes_channel"), "field-missing",
                            "`closes_channel` closes the channel the post goes on: give the option a `channel`")
            elif channel is not None and channel.is_inbox:
                self.report((*path, "closes_channel"), "field-invalid",
                            f"{option.channel!r} is an inbox channel ({channel.kind}): there is no public to close")
        if (*path, "closes_channel") not in self.source.values and option.closes_channel:
            flags = option.effects.set_flags
            where = ((*path, "effects", "set_flags", flags.index(OLD_PAGE_FLAG)) if OLD_PAGE_FLAG in flags
                     else (*path, "late", "effects", "set_flags"))
            self.report(where, "page-closed-flag",
                        f"setting the flag {OLD_PAGE_FLAG!r} closes the channel only by the old convention: "
                        "write `closes_channel: true` on the option")

    def _unique(self, path: str | tuple[str | int, ...], items: Iterable[Any]) -> None:
        base = (path,) if isinstance(path, str) else path
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                self.report((*base, i, "id"), "duplicate-id", f"id {item.id!r} is used twice")
            seen.add(item.id)

    def _unique_events(self) -> None:
        seen: set[str] = set()
        groups: tuple[tuple[str, Sequence[Inject | Decision]], ...] = (
            ("injects", self.case.injects), ("decisions", self.case.decisions))
        for kind, items in groups:
            for i, item in enumerate(items):
                if item.id in seen:
                    self.report((kind, i, "id"), "duplicate-id", f"id {item.id!r} is already used by an inject or decision")
                seen.add(item.id)

    def _ref(self, value: str, known: Iterable[str], path: tuple[str | int, ...], what: str) -> bool:
        if value in known:
            return True
        self.report(path, "unknown-ref", f"unknown {what} {value!r}{_suggest(value, known)}")
        return False

    def _timing(self, item: Any, path: tuple[str | int, ...]) -> None:
        if item.at is None and item.when is None and not item.optional:
            self.report(path, "no-timing", f"{item.id!r} never happens: give `at`, `when`, or `optional: true`")
        if item.at is not None and item.at > self.case.duration:
            self.report(
                (*path, "at"), "after-end",
                f"{item.id!r} is set at {format_duration(item.at)}, after the case ends at {format_duration(self.case.duration)}",
            )

    def _option_exists(self, ref: str) -> bool:
        if "." in ref:
            decision, option = ref.split(".", 1)
            return option in self.options.get(decision, ())
        return ref in self.replies

    # The checks the registries of conditions and effects call (game.engine.conditions).

    def metric(self, name: str, path: Where) -> None:
        self._ref(name, self.case.metrics, path, "metric")

    def decision(self, decision: str, path: Where) -> bool:
        return self._ref(decision, self.options, path, "decision")

    def option(self, decision: str, option: str, path: Where) -> None:
        self._ref(option, self.options[decision], path, f"option of {decision!r}:")

    def event(self, item: str, path: Where) -> None:
        self._ref(item, self.events, path, "inject or decision")

    def inject(self, inject: str, path: Where) -> None:
        self._ref(inject, self.injects, path, "inject")

    def flag(self, flag: str, path: Where) -> None:
        if flag not in self.flags_set:
            self.report(path, "flag-never-set", f"no option or inject ever sets flag {flag!r}")

    def _endings(self) -> None:
        endings = self.case.endings
        for i, ending in enumerate(endings[:-1]):
            if ending.when is None:
                self.report(
                    ("endings", i), "ending-shadows",
                    f"ending {ending.id!r} has no `when`, so the endings after it can never be reached",
                )
        if endings[-1].when is not None:
            self.report(
                ("endings", len(endings) - 1, "when"), "no-default-ending",
                "the last ending must have no `when`, so that every run ends somewhere",
            )


# --- walking a case -----------------------------------------------------------------------

Where = tuple[str | int, ...]


def all_options(case: Case) -> Iterator[tuple[Where, Option]]:
    """Every option of the case (decision options, inject replies, shared replies) with its path."""
    for i, decision in enumerate(case.decisions):
        for j, option in enumerate(decision.options):
            yield ("decisions", i, "options", j), option
    for i, inject in enumerate(case.injects):
        for j, option in enumerate(inject.replies):
            yield ("injects", i, "replies", j), option
    for i, option in enumerate(case.replies):
        yield ("replies", i), option


def all_effects(case: Case) -> Iterator[tuple[Where, Effects]]:
    """Every block of effects with its path."""
    for path, option in all_options(case):
        yield (*path, "effects"), option.effects
        if option.late is not None:
            yield (*path, "late", "effects"), option.late.effects
    for i, inject in enumerate(case.injects):
        yield ("injects", i, "effects"), inject.effects
    for i, decision in enumerate(case.decisions):
        yield ("decisions", i, "on_timeout", "effects"), decision.on_timeout.effects
    for i, reaction in enumerate(case.reactions):
        yield ("reactions", i, "effects"), reaction.effects


def all_conditions(case: Case) -> Iterator[tuple[Where, Condition]]:
    """Every condition (``when`` and ``met_when``) with its path."""
    timed: tuple[tuple[str, Sequence[Inject | Decision | Ending]], ...] = (
        ("injects", case.injects), ("decisions", case.decisions), ("endings", case.endings))
    for kind, items in timed:
        for i, item in enumerate(items):
            if item.when is not None:
                yield (kind, i, "when"), item.when
    for i, objective in enumerate(case.objectives):
        if objective.met_when is not None:
            yield ("objectives", i, "met_when"), objective.met_when
    for path, option in all_options(case):
        if option.when is not None:
            yield (*path, "when"), option.when
        for j, variant in enumerate(option.variants):
            yield (*path, "variants", j, "when"), variant.when
    holders_of: tuple[tuple[str, Sequence[Channel | NoisePool]], ...] = (
        ("channels", case.channels), ("noise", case.noise))
    for kind, holders in holders_of:
        for i, holder in enumerate(holders):
            if holder.when is not None:
                yield (kind, i, "when"), holder.when
    if case.story.supportive_when is not None:
        yield ("story", "supportive_when"), case.story.supportive_when
