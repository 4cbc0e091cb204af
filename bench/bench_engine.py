"""Engine benchmarks: `python bench/bench_engine.py [CASE]`.

Prints:
- load + validate time of the case, and its ratio to a bare `yaml.load` of the same file with
  PyYAML's C loader (target: ratio <= 3);
- headless playthroughs per CPU second with the random bot on one core, median of five batches
  (target: >= 700, issue 12);
- ``simulate`` wall time with one job and with two, and the speed-up (target: >= 1.8x).

The callgrind instruction count per run is measured apart, with ``--play N`` (only load the
case and play N random-bot runs) under the real interpreter (not a pyenv shim)::

    PY=$(python3 -c 'import sys; print(sys.executable)')
    valgrind --tool=callgrind --callgrind-out-file=cg.0 $PY bench/bench_engine.py --play 0
    valgrind --tool=callgrind --callgrind-out-file=cg.10 $PY bench/bench_engine.py --play 10
    # (summary of cg.10 - summary of cg.0) / 10 = instructions per run
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.authoring.simulate import simulate
from game.engine.bots import play
from game.engine.loader import case_file, load_case


def best_of(fn, repeat: int, number: int) -> float:
    """Median seconds per call over `repeat` batches of `number` calls."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        timings.append((time.perf_counter() - start) / number)
    return statistics.median(timings)


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "--play":
        case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
        gc.collect()
        gc.freeze()
        for seed in range(int(argv[2])):
            play(case, seed, "random")
        return 0
    case_path = Path(argv[1]) if len(argv) > 1 else ROOT / "scenarios" / "nestle-kitkat-2010"
    file = case_file(case_path)
    text = file.read_text(encoding="utf-8")
    loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

    bare = best_of(lambda: yaml.load(text, Loader=loader), repeat=7, number=20)
    full = best_of(lambda: load_case(file), repeat=7, number=20)
    print(f"case: {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file} ({len(text):,} bytes)")
    print(f"bare yaml.load ({loader.__name__}): {bare * 1000:8.2f} ms")
    print(f"load + validate:                 {full * 1000:8.2f} ms")
    print(f"ratio:                           {full / bare:8.2f}   (target <= 3)")

    case = load_case(file).case
    # The case is loaded once and played many times, as a balance simulation does: its objects
    # are moved out of the garbage collector's way so that each run only pays for its own.
    gc.collect()
    gc.freeze()
    batches, per_batch = 5, 60
    rates, posts = [], 0
    for batch in range(batches):
        start = time.process_time()
        for seed in range(batch * per_batch, (batch + 1) * per_batch):
            posts += len(play(case, seed, "random").feed)
        rates.append(per_batch / (time.process_time() - start))
    median = statistics.median(rates)
    print(f"random-bot playthroughs per CPU second on one core, {batches} batches of {per_batch}: "
          f"median {median:,.0f}, best {max(rates):,.0f}, worst {min(rates):,.0f} "
          f"(target >= 700: {'MET' if median >= 700 else 'NOT MET'}); "
          f"{posts / (batches * per_batch):.0f} feed items per run")

    walls = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        simulate(file, runs=200, jobs=jobs)
        walls[jobs] = time.perf_counter() - start
    speedup = walls[1] / walls[2]
    print(f"simulate --runs 200: 1 job {walls[1]:.2f} s, 2 jobs {walls[2]:.2f} s, speed-up {speedup:.2f}x "
          f"(target >= 1.8x: {'MET' if speedup >= 1.8 else 'NOT MET'}; the machine's other load counts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
