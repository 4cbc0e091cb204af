"""Engine benchmarks: ``python3 bench/bench_engine.py [CASE] [--callgrind]`` (``--help`` for all).

Prints:
- load + validate time of the case, and its ratio to a bare ``yaml.load`` of the same file with
  PyYAML's C loader (target: ratio <= 3);
- headless playthroughs per CPU second with the random bot on one core, median of five batches
  (target: >= 700, issue 12);
- ``simulate`` wall time with one job and with two, and the speed-up (target: >= 1.8x);
- with ``--callgrind``, the callgrind instruction count per random-bot run (valgrind must be
  installed): the count of ``--play 0`` (start-up and loading alone) taken from that of
  ``--play N``, divided by N.

The machine's load average is printed with the figures: CPU seconds are a fair measure on a
loaded machine, wall time is not. On a virtual machine even CPU seconds wander by a third from
one batch to the next (the same seeds, timed again, give 175 to 260 runs per second on an idle
two-core machine): the instruction count is the figure to compare two versions of the engine by.

``--play N`` only loads the case and plays N random-bot runs (what callgrind measures), under
the real interpreter (not a pyenv shim)::

    PY=$(python3 -c 'import sys; print(sys.executable)')
    valgrind --tool=callgrind --callgrind-out-file=cg.0 $PY bench/bench_engine.py --play 0
    valgrind --tool=callgrind --callgrind-out-file=cg.10 $PY bench/bench_engine.py --play 10
    # (summary of cg.10 - summary of cg.0) / 10 = instructions per run
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.authoring.simulate import simulate
from game.engine import native
from game.engine.bots import play
from game.engine.loader import case_file, load_case

NESTLE = ROOT / "scenarios" / "nestle-kitkat-2010"
RUNS_TARGET, JOBS_TARGET, RATIO_TARGET = 700, 1.8, 3


def best_of(fn: Callable[[], object], repeat: int, number: int) -> float:
    """Median seconds per call over `repeat` batches of `number` calls."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        timings.append((time.perf_counter() - start) / number)
    return statistics.median(timings)


def met(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def play_only(case_path: Path, runs: int) -> None:
    """Load the case and play ``runs`` random-bot runs: what callgrind counts."""
    case = load_case(case_path).case
    gc.collect()
    gc.freeze()
    for seed in range(runs):
        play(case, seed, "random")


def callgrind_per_run(case_path: Path, runs: int) -> float:
    """Instructions per random-bot run, by callgrind: (count of --play runs - count of --play 0) / runs."""
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (0, runs):
            out = Path(tmp) / f"cg.{n}"
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                            __file__, str(case_path), "--play", str(n)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            summary = re.search(r"^summary:\s*(\d+)", out.read_text(), re.MULTILINE)
            if summary is None:
                raise RuntimeError(f"callgrind wrote no summary in {out}")
            counts.append(int(summary[1]))
    return (counts[1] - counts[0]) / runs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench_engine.py",
        description="Engine speed: case loading, random-bot runs per CPU second, simulate --jobs 2 (issue 12).")
    parser.add_argument("case", nargs="?", type=Path, default=NESTLE,
                        help="a case folder or scenario.yaml (default: the Nestlé case)")
    parser.add_argument("--batches", type=int, default=5, help="batches of random-bot runs (default 5)")
    parser.add_argument("--per-batch", type=int, default=60, help="runs per batch (default 60)")
    parser.add_argument("--simulate-runs", type=int, default=200,
                        help="runs of `simulate` with one job and with two (default 200; 0 skips it)")
    parser.add_argument("--callgrind", type=int, nargs="?", const=10, default=0, metavar="N",
                        help="also count instructions per run under callgrind, over N runs (default 10)")
    parser.add_argument("--play", type=int, metavar="N",
                        help="only load the case and play N random-bot runs (for callgrind); print nothing")
    args = parser.parse_args(argv)
    for name in ("batches", "per_batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.simulate_runs < 0 or args.callgrind < 0 or (args.play is not None and args.play < 0):
        parser.error("counts of runs cannot be negative")
    try:
        args.case = case_file(args.case)
    except (OSError, ValueError) as exc:
        parser.error(f"{args.case}: {exc}")
    if not args.case.is_file():
        parser.error(f"{args.case}: no such case file")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    file: Path = args.case
    if args.play is not None:
        play_only(file, args.play)
        return 0
    text = file.read_text(encoding="utf-8")
    loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    print(f"load average at the start: {load_average()} (CPU-time figures hold under load, wall time does not)")
    print(f"engine: {native.status()} (crisis-sim build-engine compiles it; {native.ENV_PURE}=1 measures the sources)")

    bare = best_of(lambda: yaml.load(text, Loader=loader), repeat=7, number=20)
    full = best_of(lambda: load_case(file), repeat=7, number=20)
    print(f"case: {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file} ({len(text):,} bytes)")
    print(f"bare yaml.load ({loader.__name__}): {bare * 1000:8.2f} ms")
    print(f"load + validate:                 {full * 1000:8.2f} ms")
    print(f"ratio:                           {full / bare:8.2f}   (target <= {RATIO_TARGET}: {met(full / bare <= RATIO_TARGET)})")

    case = load_case(file).case
    # The case is loaded once and played many times, as a balance simulation does: its objects
    # are moved out of the garbage collector's way so that each run only pays for its own.
    gc.collect()
    gc.freeze()
    rates, posts = [], 0
    for batch in range(args.batches):
        start = time.process_time()
        for seed in range(batch * args.per_batch, (batch + 1) * args.per_batch):
            posts += len(play(case, seed, "random").feed)
        rates.append(args.per_batch / (time.process_time() - start))
    median = statistics.median(rates)
    print(f"random-bot playthroughs per CPU second on one core, {args.batches} batches of {args.per_batch}: "
          f"median {median:,.0f}, best {max(rates):,.0f}, worst {min(rates):,.0f} "
          f"(target >= {RUNS_TARGET}: {met(median >= RUNS_TARGET)}); "
          f"{posts / (args.batches * args.per_batch):.0f} feed items per run")

    if args.callgrind:
        if shutil.which("valgrind") is None:
            print("callgrind: valgrind is not installed (apt-get install valgrind)")
        else:
            per_run = callgrind_per_run(file, args.callgrind)
            print(f"callgrind instructions per random-bot run (over {args.callgrind}): {per_run / 1e6:.2f} million")

    if args.simulate_runs:
        walls, cpus = {}, {}
        for jobs in (1, 2):
            start, cpu = time.perf_counter(), _cpu_with_children()
            simulate(file, runs=args.simulate_runs, jobs=jobs)
            walls[jobs], cpus[jobs] = time.perf_counter() - start, _cpu_with_children() - cpu
        speedup = walls[1] / walls[2]
        print(f"simulate --runs {args.simulate_runs}: 1 job {walls[1]:.2f} s (CPU {cpus[1]:.2f} s), "
              f"2 jobs {walls[2]:.2f} s (CPU {cpus[2]:.2f} s), speed-up {speedup:.2f}x "
              f"(target >= {JOBS_TARGET}x: {met(speedup >= JOBS_TARGET)}; wall time: the machine's other load counts)")
    print(f"load average at the end: {load_average()}")
    return 0


def _cpu_with_children() -> float:
    """CPU seconds of this process and its finished children (the simulate workers)."""
    own, children = os.times()[:2], os.times()[2:4]
    return sum(own) + sum(children)


if __name__ == "__main__":
    raise SystemExit(main())
