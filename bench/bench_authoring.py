"""Authoring benchmarks: `python bench/bench_authoring.py [CASE] [--runs N]`.

Prints:
- `simulate` throughput on CASE (default: the Nestlé case), in runs per second, with one worker
  process and with `--jobs 2` (the report includes the best and worst reference runs), and the
  speed-up of two workers;
- `validate` time (the full linter, translations compared) over every bundled case file, and
  per file.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.authoring.lint import lint_files
from game.authoring.simulate import simulate
from game.engine.loader import case_files


def timed(fn, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 400
    args = [a for a in args if a != str(runs)]
    case = Path(args[0]) if args else ROOT / "scenarios" / "nestle-kitkat-2010"
    print(f"simulate {case.name}: {runs} random-bot runs + 2 x {min(runs, 100)} reference runs "
          f"on {os.cpu_count()} CPU(s)")
    total = runs + 2 * min(runs, 100)
    results = {}
    for jobs in (1, 2):
        seconds = timed(lambda jobs=jobs: simulate(case, runs=runs, jobs=jobs), repeat=3)
        results[jobs] = total / seconds
        print(f"  --jobs {jobs}: {seconds:6.2f} s  {results[jobs]:7.1f} runs/s"
              + (f"  ({results[jobs] / jobs:.1f} runs/s per worker)" if jobs > 1 else "  (one core)"))
    print(f"  speed-up with 2 workers: x{results[2] / results[1]:.2f}")

    files = sorted(case_files(ROOT / "scenarios"))
    seconds = timed(lambda: lint_files(files), repeat=5)
    print(f"validate: {len(files)} bundled case files in {seconds * 1000:.0f} ms "
          f"({seconds * 1000 / len(files):.0f} ms per file, linter and translation checks included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
