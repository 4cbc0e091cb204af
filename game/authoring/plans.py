"""Test plans: named paths through a case, each with the ending, score band and objectives it must reach.

A case folder may hold ``plans.yaml`` next to ``scenario.yaml``::

    seeds: [1, 2, 3]                  # every path is played on each seed (default 1, 2, 3)
    paths:
      - id: historical
        description: What the company did in 2010.
        choices:                      # decision.option; a decision not listed times out
          - video.takedown
          - {choose: tone.defend, after: "00:04:00"}   # chosen 4 minutes after it opens
        triage: none                  # none (default), best (flag and answer every signal) or worst
        others: silent                # decisions not listed: silent (time out, default), best or worst
        expect:
          ending: suppressed          # an ending id, or a list of acceptable ones
          score: [0, 45]              # the band the score must fall in, on every seed
          objectives: {listen: false} # each objective met (true) or not (false)

``crisis-sim validate`` plays every path on every seed and reports a path that misses its
expectation as a ``FILE:LINE:COL`` error at the expectation it missed; ``crisis-sim simulate``
prints each path's score and ending beside the bots'; ``crisis-sim play CASE --choices
"video.takedown,tone.defend"`` plays one path ad hoc. The same paths drive every language version
of a case (ids are shared), so a plan also catches a translation whose endings drift.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine._yaml import Position, SourceMap, YamlProblem, load_yaml
from game.engine.bots import BestBot, WorstBot
from game.engine.diagnostics import Diagnostic
from game.engine.model import Case, format_duration, parse_duration
from game.engine.scoring import score
from game.engine.session import TICK, Event, PostAdded, Session, Subscriber, Wake, run

PLAN_FILE = "plans.yaml"
DEFAULT_SEEDS = (1, 2, 3)
TRIAGE = ("none", "best", "worst")
OTHERS = ("silent", "best", "worst")
PATH_FIELDS = ("id", "description", "choices", "triage", "others", "expect")
EXPECT_FIELDS = ("ending", "score", "objectives")
MAX_COMBINATIONS = 1000
"""``simulate --paths all`` plays every combination up to this many, a seeded sample beyond."""


@dataclass(frozen=True, slots=True)
class Choice:
    decision: str
    option: str
    after: int = 0  # seconds after the decision opens
    where: Position = Position(1, 1)


@dataclass(slots=True)
class Expect:
    endings: tuple[str, ...] = ()
    score: tuple[float, float] | None = None
    objectives: dict[str, bool] = field(default_factory=dict)
    where: dict[str, Position] = field(default_factory=dict)  # "ending", "score", "objectives.<id>"


@dataclass(slots=True)
class PathPlan:
    """One named path: the choices to make and what the run must reach."""

    id: str
    choices: tuple[Choice, ...]
    description: str = ""
    triage: str = "none"
    others: str = "silent"
    expect: Expect = field(default_factory=Expect)
    where: Position = Position(1, 1)


@dataclass(slots=True)
class TestPlan:
    file: Path
    paths: list[PathPlan]
    seeds: tuple[int, ...] = DEFAULT_SEEDS


@dataclass(frozen=True, slots=True)
class PathRun:
    """What one path did on one seed."""

    path: str
    seed: int
    score: float
    ending: str
    objectives: dict[str, bool | None]
    unopened: tuple[str, ...]  # decisions the path chose in that never opened
    unoffered: tuple[str, ...] = ()  # "decision.option" choices whose `when` did not hold when it opened


class PlanError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(map(str, diagnostics)))


# --- reading ----------------------------------------------------------------------------


def plan_file(case_path: Path) -> Path:
    """Where the test plan of a case (folder or file) lives."""
    folder = case_path if case_path.is_dir() else case_path.parent
    return folder / PLAN_FILE


def parse_choices(text: str, where: Position = Position(1, 1)) -> tuple[Choice, ...]:
    """``"video.takedown,tone.defend@00:04:00"`` as choices (``@`` gives the delay after opening).

    Raises:
        ValueError: an item is not ``decision.option`` or its delay is not a time.
    """
    choices = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        spec, _, delay = item.partition("@")
        decision, dot, option = spec.partition(".")
        if not dot or not decision or not option:
            raise ValueError(f"{item!r} is not decision.option (e.g. video.takedown)")
        choices.append(Choice(decision, option, parse_duration(delay) if delay else 0, where))
    return tuple(choices)


def load_plan(file: Path, case: Case | None = None) -> TestPlan:
    """Read a test plan; with ``case``, check that its decisions, options, endings and objectives exist.

    Raises:
        PlanError: listing every problem with file, line and column.
    """
    name = str(file)
    try:
        data, source = load_yaml(file.read_text(encoding="utf-8"), name)
    except YamlProblem as exc:
        raise PlanError(exc.diagnostics) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([Diagnostic(name, 0, 0, "error", "plan-unreadable", f"cannot read the test plan: {exc}")]) from None
    reader = _Reader(name, source, case)
    plan = reader.plan(data, file)
    if reader.problems:
        raise PlanError(reader.problems)
    return plan


class _Reader:
    def __init__(self, name: str, source: SourceMap, case: Case | None) -> None:
        self.name, self.source, self.case = name, source, case
        self.problems: list[Diagnostic] = []

    def at(self, path: tuple[Any, ...], key: bool = False) -> Position:
        return self.source.find(path, key=key)

    def error(self, path: tuple[Any, ...], message: str, code: str = "plan-invalid", key: bool = False) -> None:
        pos = self.at(path, key)
        self.problems.append(Diagnostic(self.name, pos.line, pos.column, "error", code, message))

    def plan(self, data: Any, file: Path) -> TestPlan:
        if not isinstance(data, dict) or not isinstance(data.get("paths"), list):
            self.error((), "a test plan is a mapping with `paths:`, a list of named paths (see docs/authoring.md)")
            return TestPlan(file, [])
        for key in data:
            if key not in ("seeds", "paths"):
                self.error((key,), f"unknown field {key!r} in a test plan (fields: seeds, paths)", key=True)
        seeds = data.get("seeds", list(DEFAULT_SEEDS))
        if not (isinstance(seeds, list) and seeds and all(isinstance(s, int) and not isinstance(s, bool) for s in seeds)):
            self.error(("seeds",), "`seeds` is a list of whole numbers, e.g. [1, 2, 3]")
            seeds = list(DEFAULT_SEEDS)
        paths, seen = [], set()
        for i, raw in enumerate(data["paths"]):
            path = self.path(raw, ("paths", i))
            if path is None:
                continue
            if path.id in seen:
                self.error(("paths", i, "id"), f"two paths are called {path.id!r}")
            seen.add(path.id)
            paths.append(path)
        return TestPlan(file, paths, tuple(seeds))

    def path(self, raw: Any, at: tuple[Any, ...]) -> PathPlan | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            self.error(at, "a path is a mapping with an `id`, its `choices` and what it must reach (`expect`)")
            return None
        for key in raw:
            if key not in PATH_FIELDS:
                self.error((*at, key), f"unknown field {key!r} in a path (fields: {', '.join(PATH_FIELDS)})", key=True)
        choices = self.choices(raw.get("choices", []), (*at, "choices"))
        triage, others = raw.get("triage", "none"), raw.get("others", "silent")
        if triage not in TRIAGE:
            self.error((*at, "triage"), f"`triage` is one of {', '.join(TRIAGE)}, not {triage!r}")
        if others not in OTHERS:
            self.error((*at, "others"), f"`others` is one of {', '.join(OTHERS)}, not {others!r}")
        expect = self.expect(raw.get("expect"), (*at, "expect"))
        return PathPlan(raw["id"], choices, str(raw.get("description", "")), triage, others, expect, self.at(at))

    def choices(self, raw: Any, at: tuple[Any, ...]) -> tuple[Choice, ...]:
        if not isinstance(raw, list):
            self.error(at, "`choices` is a list of decision.option, e.g. [video.takedown, tone.defend]")
            return ()
        found: list[Choice] = []
        decided: set[str] = set()
        for i, item in enumerate(raw):
            where = (*at, i)
            after: Any = 0
            if isinstance(item, dict):
                spec, after = item.get("choose"), item.get("after", 0)
                extra = set(item) - {"choose", "after"}
                if extra:
                    self.error((*where, sorted(extra)[0]), "a timed choice has `choose` and `after` only", key=True)
            else:
                spec = item
            if not isinstance(spec, str):
                self.error(where, "a choice is decision.option, or {choose: decision.option, after: \"00:05:00\"}")
                continue
            try:
                (choice,) = parse_choices(spec, self.at(where))
                delay = parse_duration(after) if after else 0
            except ValueError as exc:
                self.error(where, str(exc))
                continue
            choice = Choice(choice.decision, choice.option, delay, choice.where)
            if self.check_choice(choice, where) and choice.decision in decided:
                self.error(where, f"the path chooses in {choice.decision!r} twice; a decision opens once")
            decided.add(choice.decision)
            found.append(choice)
        return tuple(found)

    def check_choice(self, choice: Choice, where: tuple[Any, ...]) -> bool:
        if self.case is None:
            return True
        problem = choice_problem(self.case, choice)
        if problem:
            self.error(where, problem, "plan-unknown-id")
        return problem is None

    def expect(self, raw: Any, at: tuple[Any, ...]) -> Expect:
        expect = Expect()
        if raw is None:
            self.error(at, "a path says what it must reach: `expect: {ending: ..., score: [low, high]}`")
            return expect
        if not isinstance(raw, dict):
            self.error(at, "`expect` is a mapping: ending, score, objectives")
            return expect
        for key in raw:
            if key not in EXPECT_FIELDS:
                self.error((*at, key), f"unknown field {key!r} in `expect` (fields: {', '.join(EXPECT_FIELDS)})", key=True)
        if "ending" in raw:
            endings = raw["ending"] if isinstance(raw["ending"], list) else [raw["ending"]]
            known = {e.id for e in self.case.endings} if self.case else None
            for ending in endings:
                if not isinstance(ending, str) or (known is not None and ending not in known):
                    self.error((*at, "ending"), f"no ending {ending!r} in the case"
                               + (f" (endings: {', '.join(sorted(known))})" if known else ""), "plan-unknown-id")
            expect.endings = tuple(str(e) for e in endings)
            expect.where["ending"] = self.at((*at, "ending"))
        if "score" in raw:
            band = raw["score"]
            if (isinstance(band, list) and len(band) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                                  for v in band) and 0 <= band[0] <= band[1] <= 100):
                expect.score = (float(band[0]), float(band[1]))
                expect.where["score"] = self.at((*at, "score"))
            else:
                self.error((*at, "score"), "`score` is a band [low, high] between 0 and 100, e.g. [70, 100]")
        objectives = raw.get("objectives", {})
        if not isinstance(objectives, dict):
            self.error((*at, "objectives"), "`objectives` maps objective ids to true (met) or false (not met)")
            objectives = {}
        known_objectives = {o.id for o in self.case.objectives} if self.case else None
        for objective, met in objectives.items():
            if known_objectives is not None and objective not in known_objectives:
                self.error((*at, "objectives", objective), f"no objective {objective!r} in the case", "plan-unknown-id", key=True)
            elif not isinstance(met, bool):
                self.error((*at, "objectives", objective), "an objective is expected met (true) or not met (false)")
            else:
                expect.objectives[objective] = met
                expect.where[f"objectives.{objective}"] = self.at((*at, "objectives", objective), key=True)
        return expect


def choice_problem(case: Case, choice: Choice) -> str | None:
    """Why a choice does not fit the case (unknown decision or option), or None."""
    decisions = {d.id: d for d in case.decisions}
    decision = decisions.get(choice.decision)
    if decision is None:
        return f"no decision {choice.decision!r} in the case (decisions: {', '.join(decisions)})"
    options = [o.id for o in decision.options]
    if choice.option not in options:
        return f"decision {choice.decision!r} has no option {choice.option!r} (options: {', '.join(options)})"
    if choice.after >= decision.time_limit:
        return (f"the choice comes {format_duration(choice.after)} after {choice.decision!r} opens, but it closes "
                f"after {format_duration(decision.time_limit)}: choose earlier, or leave it out to let it time out")
    return None


# --- playing ----------------------------------------------------------------------------


class PathBot:
    """Makes a path's choices when their decisions open (after their delay); the rest as ``others`` says."""

    def __init__(self, path: PathPlan, seed: int = 0) -> None:
        self.choices = {c.decision: c for c in path.choices}
        self.others = {"best": BestBot, "worst": WorstBot}.get(path.others)
        self.fallback = self.others(seed) if self.others else None
        triage = {"best": BestBot, "worst": WorstBot}.get(path.triage)
        self.triager = triage(seed) if triage else None
        self.opened: dict[str, int] = {}
        self.unoffered: list[str] = []

    def act(self, session: Session, events: list[Event]) -> None:
        for decision in session.open_decisions:
            choice = self.choices.get(decision.id)
            if choice is None:
                if self.fallback is not None and (not self.fallback.wait or session.time_left(decision.id) <= 10):
                    session.decide(decision.id, self.fallback.choose(session, decision.options).id)
                continue
            opened = session.closes_at(decision.id) - decision.time_limit
            if session.t >= opened + choice.after:
                if any(o.id == choice.option for o in decision.options):
                    session.decide(decision.id, choice.option)
                elif f"{decision.id}.{choice.option}" not in self.unoffered:
                    self.unoffered.append(f"{decision.id}.{choice.option}")  # not offered: the decision times out
        if self.triager is not None:
            for event in events:
                if isinstance(event, PostAdded) and event.post.author != "organisation":
                    self.triager.triage(session, event)

    def wake(self, session: Session) -> Wake:
        """On the ticks it would act on, stepped: its choices' times, the fallback's, the triager's posts."""
        due = []
        for decision in session.open_decisions:
            choice = self.choices.get(decision.id)
            if choice is not None:
                due.append(session.closes_at(decision.id) - decision.time_limit + choice.after)
            elif self.fallback is not None:
                due.append(session.closes_at(decision.id) - TICK if self.fallback.wait else session.t + 1)
        posts = self.triager.watch(session) if self.triager is not None else None
        return Wake(-(-min(due) // TICK) * TICK if due else None, posts, True)


def play_path(case: Case, path: PathPlan, seed: int, log: Subscriber | None = None) -> tuple[Session, PathRun]:
    """Play one path on one seed to the end (logged like any round when ``log`` is given)."""
    bot = PathBot(path, seed)
    session = run(Session(case, seed, log), bot)
    result = score(session)
    unopened = tuple(c.decision for c in path.choices if c.decision not in session.state.choices)
    return session, PathRun(path.id, seed, result.score, result.ending["id"], session.objectives_met(), unopened,
                            tuple(bot.unoffered))


def check_path(case: Case, path: PathPlan, run: PathRun, file: str) -> Iterator[Diagnostic]:
    """Every way ``run`` misses what ``path`` expects, each at the expectation it misses."""
    expect = path.expect

    def missed(key: str, message: str) -> Diagnostic:
        pos = expect.where.get(key, path.where)
        return Diagnostic(file, pos.line, pos.column, "error", "plan-missed",
                          f"path {path.id!r} on seed {run.seed} ({case.language}): {message}")

    choices = {c.decision: c for c in path.choices}
    for decision in run.unopened:
        pos = choices[decision].where
        yield Diagnostic(file, pos.line, pos.column, "error", "plan-missed",
                         f"path {path.id!r} on seed {run.seed} ({case.language}): decision {decision!r} never opened, "
                         "so this choice was never made")
    for ref in run.unoffered:
        pos = choices[ref.split(".", 1)[0]].where
        yield Diagnostic(file, pos.line, pos.column, "error", "plan-missed",
                         f"path {path.id!r} on seed {run.seed} ({case.language}): option {ref!r} was not offered "
                         "(its `when` did not hold when the decision opened), so the decision timed out")
    if expect.endings and run.ending not in expect.endings:
        yield missed("ending", f"reached the ending {run.ending!r}, expected {' or '.join(map(repr, expect.endings))} "
                               f"(score {run.score:.1f})")
    if expect.score is not None and not expect.score[0] <= run.score <= expect.score[1]:
        yield missed("score", f"scored {run.score:.1f}, outside the band {expect.score[0]:g}-{expect.score[1]:g} "
                              f"(ending {run.ending!r})")
    for objective, met in expect.objectives.items():
        if run.objectives.get(objective) is not met:
            got = {True: "met", False: "not met", None: "not checkable (no met_when)"}[run.objectives.get(objective)]
            yield missed(f"objectives.{objective}", f"objective {objective!r} was {got}, expected "
                                                     f"{'met' if met else 'not met'}")


def run_plan(case: Case, plan: TestPlan, seeds: Iterable[int] | None = None) -> list[PathRun]:
    """Every path of the plan on every seed."""
    return [play_path(case, path, seed)[1] for path in plan.paths for seed in (seeds or plan.seeds)]


def check_plan(case: Case, case_file: Path) -> list[Diagnostic]:
    """Load the plan next to ``case_file`` (if any), play it against ``case`` and report what misses."""
    file = plan_file(case_file)
    if not file.is_file():
        return []
    try:
        plan = load_plan(file, case)
    except PlanError as exc:
        return exc.diagnostics
    paths = {p.id: p for p in plan.paths}
    diagnostics: list[Diagnostic] = []
    for outcome in run_plan(case, plan):
        diagnostics += check_path(case, paths[outcome.path], outcome, str(file))
    return _merge_seeds(diagnostics)


def _merge_seeds(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The same miss at the same place on several seeds is one line: keep the first seed's words."""
    seen: set[tuple[int, int, str]] = set()
    kept = []
    for d in diagnostics:
        key = (d.line, d.column, d.message.split(": ", 1)[-1].split(" (score")[0].split(" (ending")[0])
        if key not in seen:
            seen.add(key)
            kept.append(d)
    return kept


# --- every combination --------------------------------------------------------------------


@dataclass(slots=True)
class Combinations:
    """Which endings every combination of choices reaches (``simulate --paths all``)."""

    total: int
    played: list[tuple[tuple[Choice, ...], PathRun]]

    @property
    def sampled(self) -> bool:
        return len(self.played) < self.total

    def endings(self) -> Counter[str]:
        return Counter(run.ending for _, run in self.played)

    def to_text(self, case: Case) -> str:
        counts = self.endings()
        lines = [f"Every combination of choices: {self.total:,}"
                 + (f", a seeded sample of {len(self.played):,} played" if self.sampled else ", all played")]
        for ending in case.endings:
            runs = [(c, r) for c, r in self.played if r.ending == ending.id]
            lines.append(f"  {ending.id:<18} {counts[ending.id]:>6}  ({ending.kind})"
                         + ("  never reached" if not runs else ""))
            for choices, outcome in sorted(runs, key=lambda cr: -cr[1].score)[:1]:
                lines.append(f"      e.g. {format_choices(choices)}  -> {outcome.score:.1f}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "played": len(self.played), "endings": dict(self.endings()),
                "runs": [{"choices": format_choices(c), "ending": r.ending, "score": r.score} for c, r in self.played]}


def format_choices(choices: Iterable[Choice]) -> str:
    return ",".join(f"{c.decision}.{c.option}" + (f"@{format_duration(c.after)}" if c.after else "") for c in choices)


def all_combinations(case: Case, seed: int = 1, limit: int = MAX_COMBINATIONS) -> Combinations:
    """Play every combination of one option per decision (a seeded sample beyond ``limit``).

    A decision that never opens on a path simply goes unused, so one combination per option tuple.
    """
    options = [[(d.id, o.id) for o in d.options] for d in case.decisions]
    total = 1
    for opts in options:
        total *= len(opts)
    if total <= limit:
        combos: Iterable[tuple[tuple[str, str], ...]] = itertools.product(*options)
    else:
        rng = random.Random(f"paths:{seed}")
        picked: set[tuple[tuple[str, str], ...]] = set()
        while len(picked) < limit:
            picked.add(tuple(rng.choice(opts) for opts in options))
        combos = sorted(picked)
    played = []
    for combo in combos:
        choices = tuple(Choice(d, o) for d, o in combo)
        _, run = play_path(case, PathPlan("combination", choices), seed)
        played.append((choices, run))
    return Combinations(total, played)


# --- what differs between two results -------------------------------------------------------


def differences(logged: Any, replayed: Any, path: str = "", limit: int = 8) -> list[str]:
    """The places where two results (as ``Result.to_json()``) differ, most telling first.

    The ending and the score come first, then every other field by its path
    (``decisions[2].option``, ``responses[0].post``), each as ``logged X, replayed Y``.
    """
    found: list[str] = []
    if not path and isinstance(logged, dict) and isinstance(replayed, dict):
        for key in ("ending", "score"):
            if logged.get(key) != replayed.get(key):
                a, b = logged.get(key), replayed.get(key)
                if key == "ending":
                    a, b = (x.get("id") if isinstance(x, dict) else x for x in (a, b))
                found.append(f"{key}: logged {a!r}, replayed {b!r}")
        logged = {k: v for k, v in logged.items() if k not in ("ending", "score")}
        replayed = {k: v for k, v in replayed.items() if k not in ("ending", "score")}
    _walk_differences(logged, replayed, path, found, limit)
    return found[:limit] + (["... and more"] if len(found) > limit else [])


def _walk_differences(a: Any, b: Any, path: str, found: list[str], limit: int) -> None:
    if len(found) > limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            _walk_differences(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), found, limit)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _walk_differences(x, y, f"{path}[{i}]", found, limit)
    elif isinstance(a, list) and isinstance(b, list):
        found.append(f"{path}: logged {len(a)} item(s), replayed {len(b)}")
    else:
        found.append(f"{path}: logged {_brief(a)}, replayed {_brief(b)}")


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
