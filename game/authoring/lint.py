"""The authors' linter: everything ``crisis-sim validate`` reports.

The loader finds errors (broken YAML, wrong fields, unknown ids). The linter adds warnings for
cases that load but do not do what their author meant: content that can never happen,
conditions that always or never hold, decisions whose options all lead to the same state,
endings no run can reach, personas and channels nothing uses, texts too long for their channel,
and language versions of a case that drift apart. Every warning names the file, line and column.

The reasoning is static and errs on the side of silence: a condition is only called "never
true" when no run whatsoever can make it hold (a flag nothing sets, a decision that can never
open, a metric beyond 0-100). ``crisis-sim simulate`` reports what actually happens in play.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from game.authoring.plans import check_plan
from game.engine.assess import load_cues
from game.engine.bots import play
from game.engine.conditions import Truth, compile_condition, explain, explain_effects, parse_metric, walk
from game.engine.diagnostics import CaseError, Diagnostic, make
from game.engine.loader import Parsed, Where, all_conditions, all_effects, all_options, parse_file
from game.engine.model import Case, Condition, Decision, Inject, Option, format_duration
from game.engine.state import RunState

# Fields whose text is written anew in each language; everything else must match across versions.
PROSE = frozenset({
    "title", "briefing", "role", "description", "summary", "name", "handle", "text", "texts",
    "supportive_texts", "label", "post", "feedback", "prompt", "subject", "language", "sources",
    "questions", "metric_names", "player",
})



def lint_files(files: Sequence[Path]) -> list[Diagnostic]:
    """Every error and warning in the given case files, in file order."""
    diagnostics: list[Diagnostic] = []
    cache: dict[Path, Parsed] = {}

    def parse(file: Path) -> Parsed:
        if file not in cache:
            cache[file] = parse_file(file)
        return cache[file]

    for file in files:
        parsed = parse(file)
        if _is_cue_file(parsed.data):
            diagnostics += _cue_problems(file)
            continue
        diagnostics += parsed.diagnostics
        if parsed.case is not None:
            diagnostics += Linter(parsed).run()
            diagnostics += check_plan(parsed.case, file)  # the case's test plan, played on this version
        if parsed.data is not None:
            diagnostics += _compare_translations(parsed, parse)
    # A test plan's own mistakes show once, not once per language version (Diagnostic's equality
    # looks at the place only, so compare the words too).
    unique: dict[tuple[str, int, int, str, str], Diagnostic] = {}
    for d in diagnostics:
        unique.setdefault((d.file, d.line, d.column, d.code, d.message), d)
    return list(unique.values())


def _is_cue_file(data: Any) -> bool:
    """A trainer's cue file (docs/assessment.md) rather than a case: strategies or tones, and no case fields."""
    return (isinstance(data, dict) and bool({"strategies", "tones"} & data.keys())
            and not {"id", "title", "decisions", "injects"} & data.keys())


def _cue_problems(file: Path) -> list[Diagnostic]:
    """A cue file is checked as ``crisis-sim assess --cues`` reads it."""
    try:
        load_cues(file)
    except CaseError as exc:
        return list(exc.diagnostics)
    return []


# --- one case ------------------------------------------------------------------------------


class Linter:
    """The warnings for one valid case."""

    def __init__(self, parsed: Parsed) -> None:
        assert parsed.case is not None and parsed.source is not None
        self.case: Case = parsed.case
        self.source = parsed.source
        self.data = parsed.data
        self.name = str(parsed.file)
        self.problems: list[Diagnostic] = []
        case = self.case
        self.flags = {flag for _, effects in all_effects(case) for flag in effects.set_flags}
        self.triggered = {
            item if isinstance(item, str) else item.inject
            for _, effects in all_effects(case) for item in effects.trigger
        }
        events: list[Inject | Decision] = [*case.injects, *case.decisions]
        self.items = {item.id: item for item in events}
        self.chosen = {  # options a later condition waits on ("chose: decision.option")
            value for _, condition in all_conditions(case) for key, value, _ in walk(condition, ()) if key == "chose"
        }
        self.possible = self._possible_items()

    def report(self, path: Where, code: str, message: str) -> None:
        pos = self.source.find(path)
        self.problems.append(make(self.name, pos.line, pos.column, code, message))

    def report_at(self, path: Where, code: str, message: str) -> Diagnostic:
        """A diagnostic at ``path``, returned rather than kept (for the rules outside this class)."""
        pos = self.source.find(path)
        return make(self.name, pos.line, pos.column, code, message)

    def run(self) -> list[Diagnostic]:
        self._conditions()
        self._endings()
        self._same_outcome()
        self._offers()
        self._unused()
        self._lengths()
        self._reactions()
        self._placeholders()
        self._answer_points()
        self.problems += content_warnings(self.case, self.report_at)  # feed content: see the end of this file
        return sorted(self.problems, key=lambda d: (d.line, d.column))

    # -- what can happen at all

    def _possible_items(self) -> set[str]:
        """Injects and decisions that some run can make happen (the facilitator fires optional ones)."""
        possible = set(self.items)
        for _ in range(len(self.items) + 1):
            self.possible = possible
            still = {
                id_ for id_, item in self.items.items()
                if item.optional or id_ in self.triggered or item.when is None
                or self.truth(item.when)[0] is not False
            }
            if still == possible:
                break
            possible = still
        return possible

    # The linter's side of the registry of conditions (game.engine.conditions.Reasoner).

    @property
    def duration(self) -> int:
        return self.case.duration

    def sets_flag(self, flag: str) -> bool:
        return flag in self.flags

    def can_happen(self, item: str) -> bool:
        return item in self.possible

    def truth(self, condition: Condition) -> tuple[Truth, str]:
        """Whether a condition always, never or sometimes holds, with the reason when it is settled."""
        return explain(condition, self)

    # -- the rules

    def _conditions(self) -> None:
        for path, condition in all_conditions(self.case):
            kind, index = path[0], path[1]
            truth, why = self.truth(condition)
            if kind == "endings" or truth is None:
                continue  # endings: see _endings
            if kind == "objectives":
                objective = self.case.objectives[int(index)]
                if truth:
                    self.report(path, "condition-always-true",
                                f"objective {objective.id!r} is met whatever the trainee does ({why})")
                else:
                    self.report(path, "condition-never-true",
                                f"objective {objective.id!r} can never be met ({why})")
                continue
            if kind not in ("injects", "decisions") or len(path) > 3:
                # An option's, a post variant's, a channel's, a noise pool's or the story's `when`.
                what = _show(path, self.data)
                if truth:
                    self.report(path, "condition-always-true", f"{what} always holds ({why}): remove it")
                else:
                    self.report(path, "condition-never-true", f"{what} never holds ({why})")
                continue
            item = self.items[getattr(self.case, kind)[int(index)].id]
            if truth:
                self.report(path, "condition-always-true",
                            f"the `when` of {item.id!r} always holds ({why}): use `at` alone")
            elif item.id not in self.possible:
                self.report(path, "never-fires", f"{item.id!r} can never happen: its `when` never holds ({why})")

    def _endings(self) -> None:
        shadowed_by: str | None = None
        for i, ending in enumerate(self.case.endings):
            path: Where = ("endings", i)
            if shadowed_by is not None:
                self.report(path, "ending-unreached",
                            f"ending {ending.id!r} is never reached: ending {shadowed_by!r} before it always applies")
                continue
            if ending.when is None:
                shadowed_by = ending.id
                continue
            truth, why = self.truth(ending.when)
            if truth is False:
                self.report((*path, "when"), "ending-unreached", f"ending {ending.id!r} is never reached ({why})")
            elif truth is True and i < len(self.case.endings) - 1:
                self.report((*path, "when"), "condition-always-true",
                            f"ending {ending.id!r} always applies ({why}), so the endings after it never do")
                shadowed_by = ending.id

    def _same_outcome(self) -> None:
        for i, decision in enumerate(self.case.decisions):
            if decision.id not in self.possible:
                continue
            outcomes = {self._outcome(decision.id, option) for option in decision.options}
            if len(outcomes) == 1:
                shared = explain_effects(decision.options[0].effects)
                self.report(("decisions", i, "options"), "same-outcome",
                            f"every option of {decision.id!r} leads to the same state"
                            f"{f' ({shared})' if shared else ''}: give them different "
                            "effects, or make a later condition or reaction depend on the choice")

    def _offers(self) -> None:
        """Every decision must offer at least two options in every state it can open in."""
        for i, decision in enumerate(self.case.decisions):
            if decision.id not in self.possible or all(o.when is None for o in decision.options):
                continue
            tests = [o.when for o in decision.options if o.when is not None]
            opens = compile_condition(decision.when) if decision.when is not None else None
            checks = {o.id: compile_condition(o.when) for o in decision.options if o.when is not None}
            for state, said in _states(self.case, decision, [*tests, *([decision.when] if decision.when else [])]):
                if opens is not None and not opens(state):
                    continue
                offered = [o.id for o in decision.options if o.id not in checks or checks[o.id](state)]
                if len(offered) < 2:
                    only = f"only {offered[0]!r}" if offered else "no option"
                    self.report(("decisions", i, "options"), "too-few-options",
                                f"when {said or 'it opens'}, {decision.id!r} offers {only}: a decision needs at "
                                "least two options on every path (loosen a `when`, or add an option without one)")
                    break

    def _outcome(self, decision: str, option: Option) -> str:
        """What choosing an option changes, apart from the score: its effects and who reacts."""
        ref = f"{decision}.{option.id}"
        reactions = tuple(r.id for r in self.case.reactions if r.on.matches(option, ref))
        published = option.channel if option.post else None
        return repr((option.effects.model_dump(), reactions, ref if ref in self.chosen else None, published))

    def _unused(self) -> None:
        case = self.case
        used_personas = {i.author for i in case.injects} | {d.author for d in case.decisions if d.author}
        used_personas |= {a for pool in case.noise for a in pool.authors}
        used_personas |= {p for r in case.reactions for p in r.personas}
        # A reaction by stance or kind uses every persona it can reach (by its starting stance).
        used_personas |= {
            p.id for r in case.reactions if not r.personas for p in case.personas
            if (not r.stances or p.stance in r.stances) and (not r.kinds or p.kind in r.kinds) and p.id not in r.exclude
        }
        for i, persona in enumerate(case.personas):
            if persona.id not in used_personas:
                self.report(("personas", i), "persona-unused",
                            f"persona {persona.id!r} never posts, calls or reacts: use it or remove it")
        used_channels = {i.channel for i in case.injects} | {d.channel for d in case.decisions if d.channel}
        used_channels |= {pool.channel for pool in case.noise} | set(case.story.channels)
        used_channels |= {option.channel for _, option in all_options(case) if option.channel}
        for i, channel in enumerate(case.channels):
            if channel.id not in used_channels:
                self.report(("channels", i), "channel-unused",
                            f"channel {channel.id!r} never carries a post or a message: use it or remove it")

    def _lengths(self) -> None:
        channels = {c.id: c for c in self.case.channels}

        def check(path: Where, text: str, channel_id: str) -> None:
            channel = channels.get(channel_id)
            limit = channel.limit if channel else None
            if limit and len(text) > limit:
                self.report(path, "too-long", f"text is {len(text)} characters; {channel_id} takes {limit}")

        for i, inject in enumerate(self.case.injects):
            check(("injects", i, "text"), inject.text, inject.channel)
        for i, pool in enumerate(self.case.noise):
            for j, text in enumerate(pool.texts):
                check(("noise", i, "texts", j), text, pool.channel)
        story = self.case.story
        for field in ("texts", "supportive_texts"):
            for j, text in enumerate(getattr(story, field)):
                for channel in story.channels:
                    check(("story", field, j), text, channel)

    def _reactions(self) -> None:
        options = list(self._option_refs())
        for i, reaction in enumerate(self.case.reactions):
            if not any(reaction.on.matches(option, ref) for ref, option in options):
                self.report(("reactions", i, "on"), "reaction-never-fires",
                            f"reaction {reaction.id!r} never fires: no option or reply matches its `on`")

    def _placeholders(self) -> None:
        """Texts still marked TODO (a skeleton from ``new`` or ``import-msel``): warnings, errors under --strict."""
        for path, value in _flatten(self.data):
            if isinstance(value, str):
                found = PLACEHOLDER.search(value)
                if found:
                    self.report(path, "placeholder-text",
                                f"{_show(path, self.data)} is still a placeholder ({found[0]}): write the real text")

    def _answer_points(self) -> None:
        """Key points and red lines the assessor can find: one id each, words in the case's language."""
        lang = self.case.language
        groups: tuple[tuple[str, Sequence[Inject | Decision]], ...] = (
            ("injects", self.case.injects), ("decisions", self.case.decisions))
        for kind, items in groups:
            for at, item in enumerate(items):
                seen: set[str] = set()
                for field in ("key_points", "red_lines"):
                    for j, point in enumerate(getattr(item, field)):
                        if point.id in seen:
                            self.report((kind, at, field, j, "id"), "duplicate-id",
                                        f"id {point.id!r} is used twice among the key points and red lines of "
                                        f"{item.id!r}: a facilitator's correction names one by its id")
                        seen.add(point.id)
                        if not point.phrases(lang):
                            what, verb = ("key point", "make") if field == "key_points" else ("red line", "cross")
                            self.report((kind, at, field, j, "words"), "field-missing",
                                        f"{what} {point.id!r} has no words in {lang}, the language of this file, "
                                        f"so no answer can ever {verb} it: add `{lang}: [...]` to its words")

    def _option_refs(self) -> Iterator[tuple[str, Option]]:
        for decision in self.case.decisions:
            for option in decision.options:
                yield f"{decision.id}.{option.id}", option
        for inject in self.case.injects:
            for option in inject.replies:
                yield option.id, option
        for option in self.case.replies:
            yield option.id, option


PLACEHOLDER = re.compile(r"\b(?:TODO|TBD|FIXME)\b")
"""Words that mark a text as not written yet."""

MAX_STATES = 4096
"""Combinations of the tests a decision's conditions make that the two-options rule tries."""


def _states(case: Case, decision: Decision, conditions: list[Condition]) -> Iterator[tuple[RunState, str]]:
    """Run states that tell the tests of ``conditions`` apart, each with its words.

    Each decision a test names is unopened, answered with each option a test names (or another
    one), or timed out; each flag, inject and decision is set or not; each metric and the clock
    take values on both sides of every number they are compared with. Nothing is tried when
    the combinations are too many (the rule errs on the side of silence).
    """
    choices: dict[str, set[str]] = {}
    flags: set[str] = set()
    happened: dict[str, set[str]] = {"fired": set(), "flagged": set(), "answered": set()}
    bounds: dict[str, set[float]] = {}
    times: set[int] = {decision.at or 0}
    for condition in conditions:
        for key, value, _ in walk(condition, ()):
            if key == "chose":
                d, o = value.split(".", 1)
                choices.setdefault(d, set()).add(o)
            elif key in ("decided", "timed_out"):
                choices.setdefault(value, set())
            elif key == "flag":
                flags.add(value)
            elif key in happened:
                happened[key].add(value)
            elif key == "metric":
                name, _, number = parse_metric(value)
                bounds.setdefault(name, set()).update(
                    min(100.0, max(0.0, number + step)) for step in (-1, 0, 1))
            elif key in ("after", "before"):
                times.update(t for t in (value - 1, value) if t >= (decision.at or 0))
    options = {d.id: [o.id for o in d.options] for d in case.decisions}
    axes: list[list[tuple[str, str, Any, str]]] = []  # per axis: (kind, name, value, words)
    for d, named in sorted(choices.items()):
        values = [("choice", d, "-", f"{d!r} has not opened"), ("choice", d, None, f"{d!r} timed out")]
        values += [("choice", d, o, f"{d}.{o} was chosen") for o in sorted(named)]
        others = [o for o in options.get(d, []) if o not in named]
        if others:
            said = f"{d}.{others[0]} was chosen" if len(others) == 1 else f"{d} was answered otherwise"
            values.append(("choice", d, others[0], said))
        axes.append(values)
    axes += [[("flag", f, False, ""), ("flag", f, True, f"flag {f!r} is set")] for f in sorted(flags)]
    for key, ids in happened.items():
        axes += [[(key, i, False, ""), (key, i, True, f"{i!r} was {key}")] for i in sorted(ids)]
    axes += [[("metric", m, v, f"{m} is {v:g}") for v in sorted(vs)] for m, vs in sorted(bounds.items())]
    axes.append([("t", "", t, f"the clock reads {format_duration(t)}") for t in sorted(times)])
    total = 1
    for axis in axes:
        total *= len(axis)
    if total > MAX_STATES:
        return
    for combination in itertools.product(*axes):
        state = RunState(metrics={k: float(v) for k, v in case.metrics.items()}, stances={})
        words = []
        for kind, name, value, said in combination:
            if kind == "choice":
                if value != "-":
                    state.choices[name] = value
                    state.fired.add(name)
            elif kind == "flag" and value:
                state.flags.add(name)
            elif kind == "metric":
                state.metrics[name] = value
            elif kind == "t":
                state.t = value
            elif value:
                getattr(state, kind).add(name)
            if said and (kind != "t" or len(times) > 1):
                words.append(said)
        yield state, ", ".join(words)


# --- language versions ---------------------------------------------------------------------


def _compare_translations(parsed: Parsed, parse: Callable[[Path], Parsed] = parse_file) -> list[Diagnostic]:
    """Keys one language version has and this one lacks, and non-prose values that differ.

    The versions of a case share their structure: same ids, times, numbers, conditions and the
    same number of items in every list, so that results compare across languages and a seed
    plays the same way in both. Each file reports what it lacks; values that differ are
    reported in the translation, not in ``scenario.yaml``.
    """
    file, data, source = parsed.file, parsed.data, parsed.source
    assert source is not None
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return problems
    mine = dict(_flatten(data))
    for other_file in sorted(file.parent.glob("scenario*.yaml")):
        if other_file == file:
            continue
        other = parse(other_file)
        if not isinstance(other.data, dict):
            continue
        theirs = dict(_flatten(other.data))
        for path, value in theirs.items():
            if path not in mine:
                if path[:-1] in mine:
                    pos = source.find(path)
                    problems.append(Diagnostic(
                        str(file), pos.line, pos.column, "warning", "translation-missing",
                        f"{_show(path, other.data)} is in {other_file.name} but missing here",
                    ))
            elif (file.name != "scenario.yaml" and not _prose(path) and value is not _CONTAINER
                  and mine[path] != value):
                pos = source.find(path)
                problems.append(Diagnostic(
                    str(file), pos.line, pos.column, "warning", "translation-differs",
                    f"{_show(path, other.data)} is {mine[path]!r} here but {value!r} in {other_file.name}: "
                    "only prose may differ between language versions",
                ))
    return problems


_CONTAINER = object()


def _flatten(value: Any, path: Where = ()) -> Iterator[tuple[Where, Any]]:
    if isinstance(value, dict):
        yield path, _CONTAINER
        for key, item in value.items():
            yield from _flatten(item, (*path, key))
    elif isinstance(value, list):
        yield path, _CONTAINER
        for i, item in enumerate(value):
            yield from _flatten(item, (*path, i))
    else:
        yield path, value


def _prose(path: Where) -> bool:
    return any(isinstance(part, str) and part in PROSE for part in path)


def _show(path: Where, data: Any) -> str:
    """A path as an author reads it: ``decisions.video.options.sue.feedback``."""
    parts: list[str] = []
    current = data
    for part in path:
        current = current[part]
        if isinstance(part, int):
            parts.append(str(current["id"]) if isinstance(current, dict) and "id" in current else f"[{part}]")
        else:
            parts.append(part)
    return ".".join(parts).replace(".[", "[") or "the case"


# --- feed content: answers that fit the post, a feed that does not repeat itself --------------

# A noise text should not come back within this many minutes of its last appearance: a trainer
# reading the feed notices the same sentence sooner than that (issue 17: "the feed repeats
# itself after ten minutes").
NOISE_GAP_MINUTES = 10
# The crowd's chatter repeats the talk of the day, so it may come back sooner; it is measured in
# the busiest round, one where nobody answers (the ``silent`` bot, seed 1).
CHATTER_GAP_MINUTES = 3
# Two texts this similar (0 to 1, after normalising case, accents, punctuation and {org}) read as
# the same post.
SAME_TEXT_RATIO = 0.9

Report = Callable[[Where, str, str], Diagnostic]


def content_warnings(case: Case, report: Report) -> list[Diagnostic]:
    """Warnings about what the trainee reads and answers, rather than about the case's logic.

    - ``signal-generic-replies``: a signal with no replies of its own and no ``handled_by``
      decision, so that the only ways to answer it are the case-wide replies (the leaked memo
      answered with a palm-oil statement);
    - ``pool-too-small``: a noise pool, or the story's chatter, with too few texts for its rate
      and the case's duration, so that the feed repeats itself;
    - ``noise-repeats-signal``: a noise or chatter text equal, or nearly, to a signal's text, so
      that flagging it is counted as a false alarm.
    """
    return [*_generic_replies_only(case, report), *_small_pools(case, report), *_noise_like_signals(case, report)]


def _generic_replies_only(case: Case, report: Report) -> Iterator[Diagnostic]:
    generic = ", ".join(repr(r.id) for r in case.replies)
    for i, inject in enumerate(case.injects):
        if inject.signal and not inject.replies and not inject.handled_by:
            if generic:
                why = f"only the case-wide replies ({generic}) answer it"
            else:
                why = "nothing answers it"
            yield report(("injects", i), "signal-generic-replies",
                         f"signal {inject.id!r} has no `replies` of its own and no `handled_by`: {why}; "
                         "write replies that answer this post")


def _small_pools(case: Case, report: Report) -> Iterator[Diagnostic]:
    duration = case.duration / 60
    for i, pool in enumerate(case.noise):
        active = ((pool.end if pool.end is not None else case.duration) - pool.start) / 60
        needed = math.ceil(pool.rate * min(NOISE_GAP_MINUTES, max(active, 0)))
        if len(pool.texts) < needed:
            gap = len(pool.texts) / pool.rate
            yield report(("noise", i), "pool-too-small",
                         f"noise {pool.id!r}: {len(pool.texts)} texts at {pool.rate:g} a minute, so each comes "
                         f"back about every {gap:.1f} minutes: write at least {needed} texts, or lower the rate")
    if not case.story.texts or duration <= 0:
        return
    supportive = {_normal(t, case) for t in case.story.supportive_texts}
    # The median of a few silent rounds: one seed's story may run well above or below its usual rate.
    rounds = []
    for seed in range(1, 6):
        chatter = [p for p in play(case, seed, "silent").feed if p.kind == "story"]
        rounds.append((sum(_normal(p.text, case) not in supportive for p in chatter),
                       sum(_normal(p.text, case) in supportive for p in chatter)))
    counts = {
        "texts": int(statistics.median(r[0] for r in rounds)),
        "supportive_texts": int(statistics.median(r[1] for r in rounds)),
    }
    for field, posts in counts.items():
        texts = getattr(case.story, field)
        needed = math.ceil(posts / duration * CHATTER_GAP_MINUTES)
        if texts and len(texts) < needed:
            yield report(("story", field), "pool-too-small",
                         f"story {field}: {len(texts)} texts for about {posts} chatter posts in a round where nobody "
                         f"answers, so each comes back about {len(texts) * duration / posts:.1f} minutes later: "
                         f"write at least {needed} texts")


def _noise_like_signals(case: Case, report: Report) -> Iterator[Diagnostic]:
    signals = [(inject.id, _normal(inject.text, case)) for inject in case.injects if inject.signal]
    if not signals:
        return
    places: list[tuple[Where, str]] = [
        (("noise", i, "texts", j), text) for i, pool in enumerate(case.noise) for j, text in enumerate(pool.texts)
    ]
    places += [(("story", field, j), text) for field in ("texts", "supportive_texts")
               for j, text in enumerate(getattr(case.story, field))]
    for path, text in places:
        mine = _normal(text, case)
        for signal_id, theirs in signals:
            if mine and (mine == theirs or SequenceMatcher(None, mine, theirs).ratio() >= SAME_TEXT_RATIO):
                kind = "noise" if path[0] == "noise" else "chatter"
                yield report(path, "noise-repeats-signal",
                             f"this {kind} text repeats signal {signal_id!r}: flagging it would count as a false "
                             "alarm, and the signal loses its surprise; write another text")
                break


def _normal(text: str, case: Case) -> str:
    """A text as a reader compares it: {org} filled in, no case, accents or punctuation."""
    text = text.replace("{org}", case.organisation.name)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(text.split())
