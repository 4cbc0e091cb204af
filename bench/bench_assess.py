"""Benchmark of the written-answer assessor: time per 280-character post (goal: p99 under 5 ms).

    python3 bench/bench_assess.py                 # 2,000 posts in each language, then simulate
    python3 bench/bench_assess.py --posts 200 --runs 100

Second part: ``simulate`` throughput with writing bots against choosing bots (goal: within 20%),
on the shipped cases that take written answers. ``simulate`` plays each run with
``game.engine.bots.play``; that is what is timed here, in runs per CPU second, best-writer against
best and worst-writer against worst (interleaved batches, median of five, so a machine loaded by
others slows both alike). simulate's own wall time is not compared: it adds reference runs of the
bots other than its own and a fixed start-up, which would blur the ratio.

The posts are the labelled answers of tests/data/answers/, each cut or padded (by repeating it)
to exactly 280 characters, assessed with a key point, a red line and a question post as in a
round. The stem cache is cleared first, so the first posts pay for stemming as at a round's start.
The goal is judged on the CPU time of the assessing thread; the wall-clock p99 is printed too, and
on a loaded machine it includes the time the process waited for a core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.engine.assess import Point, assess, shipped_cues
from game.engine.assess._text import stem
from game.engine.bots import play
from game.engine.loader import load_case

GOAL_MS = 5.0
WRITING_CASES = ("kryptonite-2004", "armed-forces-opsec")
THROUGHPUT_GOAL = 0.8  # writing rounds per second at least 80% of choosing rounds'


def posts(lang: str, count: int) -> list[str]:
    texts = [line.split("\t")[3] for line in (ROOT / "tests" / "data" / "answers" / f"{lang}.tsv").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    out = []
    for i in range(count):
        text = texts[i % len(texts)]
        out.append((text + " " + text * (280 // len(text) + 1))[:280])
    return out


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def runs_per_cpu_second(case: object, bot: str, runs: int) -> float:
    start = time.process_time()
    for seed in range(runs):
        play(case, seed, bot)  # type: ignore[arg-type]
    return runs / max(time.process_time() - start, 1e-9)


def bench_simulate(runs: int) -> bool:
    """Writing bots against choosing bots: playthroughs per CPU second and simulate's wall time."""
    ok = True
    for name in WRITING_CASES:
        path = ROOT / "scenarios" / name
        for lang in ("en", "fr"):
            case = load_case(path, lang).case
            assert any(d.responses.value != "choose" for d in case.decisions), name
            for chooser, writer in (("best", "best-writer"), ("worst", "worst-writer")):
                rates: dict[str, list[float]] = {chooser: [], writer: []}
                for _ in range(5):
                    for bot in (chooser, writer):
                        rates[bot].append(runs_per_cpu_second(case, bot, max(1, runs // 5)))
                choose, write = statistics.median(rates[chooser]), statistics.median(rates[writer])
                met = write >= THROUGHPUT_GOAL * choose
                ok &= met
                print(f"{name} {lang}: {writer} {write:.0f} runs/CPU-s, {chooser} {choose:.0f}: ratio {write / choose:.2f} "
                      f"(goal >= {THROUGHPUT_GOAL}: {'met' if met else 'NOT met'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200, help="playthroughs per bot and case for the simulate part")
    args = parser.parse_args()
    ok = True
    for lang in ("en", "fr"):
        shipped_cues(lang)  # read once when a round starts, not per post
        stem.cache_clear()
        key = [Point("refund", ("refund", "rembourser")), Point("when", ("today", "aujourd'hui"))]
        red = [Point("name", ("Martin Dupont",))]
        question = "Why did this happen? When will you fix it? Pourquoi ? Quand ?"
        texts = posts(lang, args.posts)
        # First reading of each post: its words are stemmed for the first time (a new answer).
        # Then the same posts again, as the live counter re-reads an answer while it is typed.
        for label, batch in (("first reading", texts[: len(set(texts))]), ("while typing", texts)):
            wall, cpu = [], []
            for text in batch:
                start, start_cpu = time.perf_counter(), time.thread_time()
                assess(text, lang, limit=280, key_points=key, red_lines=red, post=question)
                cpu.append((time.thread_time() - start_cpu) * 1000)
                wall.append((time.perf_counter() - start) * 1000)
            p99_cpu, p99_wall = _p99(cpu), _p99(wall)
            met = p99_cpu < GOAL_MS
            ok &= met
            print(f"{lang} {label}: {len(cpu)} posts of 280 characters: CPU median {statistics.median(cpu):.2f} ms, p99 {p99_cpu:.2f} ms "
                  f"(goal p99 < {GOAL_MS} ms: {'met' if met else 'NOT met'}); wall clock p99 {p99_wall:.2f} ms, worst {max(wall):.2f} ms")
    ok &= bench_simulate(args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
