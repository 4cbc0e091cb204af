"""Benchmark of the written-answer assessor: time per 280-character post (goal: p99 under 5 ms).

    python3 bench/bench_assess.py                 # 2,000 posts in each language
    python3 bench/bench_assess.py --posts 200

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

GOAL_MS = 5.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
