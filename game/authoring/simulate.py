"""Balance reports: play a case many times headless and say how it behaves.

``simulate`` plays ``runs`` runs with one bot (seeds ``seed`` to ``seed + runs - 1``), plus
the other bots (best, worst, silent, random) over up to :data:`REFERENCE_RUNS` of those seeds, and reports the
distribution of scores, how often each ending and each inject or decision is reached, the
options the best bot never or always takes, and the gap between best and worst play.

Runs are independent, so they are spread over ``jobs`` worker processes; the report depends on
the seeds only, never on the number of workers or the order they finish in.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.authoring.plans import PathPlan, PathRun, PlanError, TestPlan, check_path, load_plan, plan_file, play_path
from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.model import Case, Decision, Inject
from game.engine import scoring

REFERENCE_RUNS = 100
BOTS = ("random", "best", "worst", "silent")
"""Every bot the report shows, the one asked for first."""
CHUNK = 25
PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True, slots=True)
class Run:
    """What one run did, as much as the report needs."""

    bot: str
    seed: int
    score: float
    ending: str
    fired: frozenset[str]
    choices: tuple[tuple[str, str | None], ...]


def play_one(case: Case, bot: str, seed: int) -> Run:
    session = play(case, seed, bot)
    result = scoring.score(session)
    state = session.state
    return Run(bot, seed, result.score, result.ending["id"], frozenset(state.fired),
               tuple(sorted(state.choices.items())))


@dataclass(slots=True)
class Report:
    """The balance of a case, ready to print as text or JSON."""

    case: Case
    bot: str
    seed: int
    runs: list[Run]
    others: dict[str, list[Run]]
    """The reference runs of each other bot (best, worst, silent and random, but the report's own)."""
    paths: list[tuple[PathPlan, list[PathRun]]] = field(default_factory=list)
    plan_problem: str = ""
    scores: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.scores = sorted(run.score for run in self.runs)

    def of(self, bot: str) -> list[Run]:
        """The runs of a bot: the report's own, or its reference runs."""
        return self.runs if bot == self.bot else self.others[bot]

    @property
    def best(self) -> list[Run]:
        return self.of("best")

    @property
    def worst(self) -> list[Run]:
        return self.of("worst")

    @property
    def columns(self) -> list[str]:
        """The bots in the order the report shows them: its own, then the others."""
        return [self.bot, *(b for b in BOTS if b != self.bot and b in self.others)]

    # -- figures

    def percentiles(self) -> dict[int, float]:
        return {p: _percentile(self.scores, p) for p in PERCENTILES}

    def endings(self, runs: list[Run] | None = None) -> dict[str, float]:
        """Share of runs reaching each ending, in the case's order (0 for endings never reached)."""
        runs = self.runs if runs is None else runs
        counts = Counter(run.ending for run in runs)
        return {e.id: counts[e.id] / len(runs) for e in self.case.endings}

    def reached(self) -> dict[str, float]:
        """Share of runs in which each inject and decision happened."""
        counts = Counter(item for run in self.runs for item in run.fired)
        items: list[Inject | Decision] = [*self.case.injects, *self.case.decisions]
        return {item.id: counts[item.id] / len(self.runs) for item in items}

    def best_options(self) -> dict[str, dict[str, float]]:
        """For each decision the best bot faced, how often it took each option (None: timed out)."""
        table: dict[str, Counter[str | None]] = {}
        for run in self.best:
            for decision_id, option_id in run.choices:
                table.setdefault(decision_id, Counter())[option_id] += 1
        shares: dict[str, dict[str, float]] = {}
        for decision in self.case.decisions:
            if decision.id in table:
                total = sum(table[decision.id].values())
                shares[decision.id] = {o.id: table[decision.id][o.id] / total for o in decision.options}
        return shares

    def gap(self) -> float:
        return _mean([r.score for r in self.best]) - _mean([r.score for r in self.worst])

    # -- output

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.case.id,
            "language": self.case.language,
            "bot": self.bot,
            "seeds": [self.seed, self.seed + len(self.runs) - 1],
            "runs": len(self.runs),
            "score": {
                "mean": round(_mean(self.scores), 2),
                "stdev": round(statistics.pstdev(self.scores), 2),
                "min": self.scores[0],
                "max": self.scores[-1],
                "percentiles": {f"p{p}": round(v, 2) for p, v in self.percentiles().items()},
                "histogram": self.histogram(),
            },
            "endings": {k: round(v, 4) for k, v in self.endings().items()},
            "reached": {k: round(v, 4) for k, v in self.reached().items()},
            "best": {
                "runs": len(self.best),
                "mean": round(_mean([r.score for r in self.best]), 2),
                "endings": {k: round(v, 4) for k, v in self.endings(self.best).items()},
                "options": {d: {o: round(s, 4) for o, s in opts.items()} for d, opts in self.best_options().items()},
            },
            "worst": {
                "runs": len(self.worst),
                "mean": round(_mean([r.score for r in self.worst]), 2),
                "endings": {k: round(v, 4) for k, v in self.endings(self.worst).items()},
            },
            "bots": {bot: {"runs": len(self.of(bot)), "mean": round(_mean([r.score for r in self.of(bot)]), 2),
                           "endings": {k: round(v, 4) for k, v in self.endings(self.of(bot)).items()}}
                     for bot in self.columns},
            "gap": round(self.gap(), 2),
            "paths": {path.id: {"runs": [{"seed": r.seed, "score": r.score, "ending": r.ending} for r in runs],
                                "mean": round(_mean([r.score for r in runs]), 2),
                                "expected": list(path.expect.endings),
                                "ok": not self.misses(path, runs)}
                      for path, runs in self.paths},
        }

    def misses(self, path: PathPlan, runs: list[Run] | list[PathRun]) -> list[str]:
        """What the path's runs miss of its expectation, in words (empty: as planned)."""
        return [d.message.split(": ", 1)[-1] for run in runs if isinstance(run, PathRun)
                for d in check_path(self.case, path, run, "")]

    def histogram(self, width: int = 10) -> list[int]:
        """Runs per band of ``width`` points, from 0 to 100 (100 counts in the last band)."""
        bands = [0] * math.ceil(100 / width)
        for score in self.scores:
            bands[min(len(bands) - 1, int(score // width))] += 1
        return bands

    def to_text(self) -> str:
        lines = [
            f"{self.case.title} [{self.case.language}]",
            f"{len(self.runs)} runs with the {self.bot} bot (seeds {self.seed}-{self.seed + len(self.runs) - 1}); "
            f"{', '.join(self.columns[1:])} over {len(self.others[self.columns[1]])} seeds.",
            "",
            "Score    mean {:.1f}  sd {:.1f}  min {:.1f}  max {:.1f}".format(
                _mean(self.scores), statistics.pstdev(self.scores), self.scores[0], self.scores[-1]),
            "         " + "  ".join(f"p{p} {v:.1f}" for p, v in self.percentiles().items()),
            "",
        ]
        bands = self.histogram()
        top = max(bands) or 1
        for i, count in enumerate(bands):
            label = f"{i * 10:3d}-{i * 10 + 9 if i < 9 else 100:<3d}"
            bar = "#" * round(40 * count / top)
            lines.append(f"  {label} {bar:<40} {count}")
        columns = self.columns
        lines += ["", "Endings            " + " ".join(f"{bot:>8}" for bot in columns)]
        shares = [self.endings(self.of(bot)) for bot in columns]
        for ending in self.case.endings:
            note = "  never reached" if not any(share[ending.id] for share in shares) else ""
            lines.append(f"  {ending.id:<16} " + " ".join(f"{_pct(share[ending.id]):>8}" for share in shares)
                         + f"  ({ending.kind}){note}")
        lines += ["", f"Reached ({self.bot} bot)"]
        items: list[Inject | Decision] = [*self.case.injects, *self.case.decisions]
        optional = {i.id for i in items if i.optional}
        for item, share in self.reached().items():
            note = "  (optional: fired by hand or by an effect)" if item in optional and not share else (
                "  never" if share == 0 else "")
            lines.append(f"  {item:<28} {_pct(share):>7}{note}")
        lines += ["", "Options the best bot takes"]
        for decision, options in self.best_options().items():
            for option, share in options.items():
                note = "always" if share == 1 else "never" if share == 0 else ""
                lines.append(f"  {decision + '.' + option:<40} {_pct(share):>7}  {note}".rstrip())
        lines += self.paths_text()
        verdict = "ok" if self.gap() >= 40 else "below 40: good and bad play score too alike"
        lines += ["", f"Best minus worst: {self.gap():.1f} points "
                      f"(best {_mean([r.score for r in self.best]):.1f}, worst {_mean([r.score for r in self.worst]):.1f}); "
                      f"{verdict}"]
        return "\n".join(lines)


    def paths_text(self) -> list[str]:
        if self.plan_problem:
            return ["", f"Test plan: {self.plan_problem}"]
        if not self.paths:
            return []
        seeds = ", ".join(str(r.seed) for r in self.paths[0][1])
        lines = ["", f"Test plan paths (seeds {seeds})",
                 f"  {'path':<24} {'score':>5}   {'endings':<25} expected"]
        for path, runs in self.paths:
            endings = Counter(r.ending for r in runs)
            reached = ", ".join(f"{e} {n}/{len(runs)}" if len(endings) > 1 else e for e, n in endings.items())
            misses = self.misses(path, runs)
            lines.append(f"  {path.id:<24} {_mean([r.score for r in runs]):5.1f}   {reached:<25} "
                         f"{'/'.join(path.expect.endings) or '-'}  {'ok' if not misses else 'MISSED'}")
            lines += [f"      {m}" for m in dict.fromkeys(misses)]
        return lines


def simulate(
    path: str | Path,
    *,
    runs: int = 1000,
    bot: str = "random",
    seed: int = 1,
    jobs: int = 1,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Play the case ``runs`` times with ``bot`` and best/worst reference runs, and report.

    Raises:
        CaseError: the case does not load.
    """
    loaded = load_case(path, lang)
    references = min(runs, REFERENCE_RUNS)
    tasks: list[Task] = [(bot, seed + i, min(CHUNK, runs - i)) for i in range(0, runs, CHUNK)]
    others = [name for name in BOTS if name != bot]
    tasks += [(name, seed + i, min(CHUNK, references - i)) for name in others for i in range(0, references, CHUNK)]
    total = runs + len(others) * references
    file = plan_file(loaded.path)
    plan, plan_problem = None, ""
    if file.is_file():
        try:
            plan = load_plan(file, loaded.case)
        except PlanError as exc:
            plan_problem = f"{file} has {len(exc.diagnostics)} problem(s); run crisis-sim validate"
        else:
            # The plan's paths are played by the same workers, not after them in this process.
            tasks += [(PATH, i, s) for i, p in enumerate(plan.paths) for s in plan.seeds]
    done: list[Run] = []
    path_runs: list[PathRun] = []
    for chunk in _execute(loaded.path, lang, loaded.case, plan, tasks, jobs):
        for item in chunk:
            if isinstance(item, PathRun):
                path_runs.append(item)
            else:
                done.append(item)
        if progress and chunk and not isinstance(chunk[0], PathRun):
            progress(len(done), total)
    by_bot: dict[str, list[Run]] = {}
    for run in sorted(done, key=lambda r: (r.bot, r.seed)):
        by_bot.setdefault(run.bot, []).append(run)
    report = Report(loaded.case, bot, seed, by_bot[bot], {name: by_bot[name][:references] for name in others})
    report.plan_problem = plan_problem
    if plan is not None:
        runs_by_path: dict[str, list[PathRun]] = {}
        for path_run in path_runs:  # in the tasks' order: path by path, seed by seed
            runs_by_path.setdefault(path_run.path, []).append(path_run)
        report.paths = [(p, runs_by_path[p.id]) for p in plan.paths]
    return report


PATH = "path"
"""A task's first field for one path of the test plan on one seed: ``(PATH, path index, seed)``."""
Task = tuple[str, int, int]
"""``(bot, first seed, number of runs)``, or ``(PATH, path index, seed)``."""

_worker: tuple[Case, TestPlan | None] | None = None


def _init_worker(path: Path, lang: str | None) -> None:
    global _worker
    if _worker is None:  # forked workers inherit the parent's case; others load it once
        case = load_case(path, lang).case
        file = plan_file(path)
        _worker = (case, load_plan(file, case) if file.is_file() else None)
    gc.freeze()  # the case lives as long as the worker: keep the collector off it


def _task(case: Case, plan: TestPlan | None, task: Task) -> list[Run] | list[PathRun]:
    kind, first, count = task
    if kind == PATH:
        assert plan is not None
        return [play_path(case, plan.paths[first], count)[1]]
    return [play_one(case, kind, s) for s in range(first, first + count)]


def _chunk(task: Task) -> list[Run] | list[PathRun]:
    assert _worker is not None
    return _task(*_worker, task)


def _execute(path: Path, lang: str | None, case: Case, plan: TestPlan | None, tasks: list[Task],
             jobs: int) -> Iterator[list[Run] | list[PathRun]]:
    if jobs <= 1:
        for task in tasks:
            yield _task(case, plan, task)
        return
    global _worker
    # Set before the pool starts: a forked worker starts with the case already loaded (loading
    # it again in every worker cost as much as a hundred runs).
    _worker = (case, plan) if multiprocessing.get_start_method() == "fork" else None
    try:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(path, lang)) as pool:
            yield from pool.map(_chunk, tasks)
    finally:
        _worker = None


def _percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (values sorted)."""
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * p / 100
    low = math.floor(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"
