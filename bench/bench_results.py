"""Benchmark of the results store, SQLite and PostgreSQL side by side: storing and ranking 10,000 rounds.

    python3 bench/bench_results.py                    # both backends, 10,000 rounds, 100 teams
    python3 bench/bench_results.py --backends sqlite --sessions 1000 --teams 20
    python3 bench/bench_results.py --pg postgresql://user@host/db   # a real server (else a throwaway one)

Without ``--pg`` the PostgreSQL figures come from a throwaway cluster the benchmark starts in a
temporary folder on 127.0.0.1 (Debian's ``postgresql`` package; skipped, saying so, without it),
with its default durability (fsync on), as SQLite runs with its full sync.

The rounds are real: a handful of Nestlé playthroughs by the bots (their whole session logs and
results), each stored again and again under new ids and teams. Storing is measured the way the
game does it (the round registered, each input committed on its own, one transaction at the end
that packs the log and writes the result and decision rows) with the database's full sync on, as
in play; then the same rounds arriving as a workshop import. Ranking is the workshop's ranking
over every round, the decisions side by side, the spread, a team's history and the report of
one round, each run several times (median and worst are printed). ``--played`` rounds are stored
the game's way (timed), the rest up to ``--sessions`` as an import (timed), all in one workshop.
Last, four programs store rounds the game's way into one database at once (every round is
counted afterwards: nothing lost).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))  # the throwaway cluster of the tests (results_backends)

from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.log import SessionLog
from game.results import workshop as ws
from game.results.history import history
from game.results.recording import case_info, case_questions
from game.results.report import round_html
from game.results.store import ResultStore, open_store
from game.engine.scoring import score

CASE = ROOT / "scenarios" / "nestle-kitkat-2010"


def sample_rounds(count: int = 8) -> list[tuple[int, list[str], dict]]:
    """(seed, log lines, result) of real playthroughs by every bot."""
    import io

    loaded = load_case(CASE)
    rounds = []
    bots = ["best", "random", "worst", "silent"]
    for i in range(count):
        stream = io.StringIO()
        session = play(loaded.case, i + 1, bots[i % len(bots)], SessionLog(stream, loaded.path))
        rounds.append((i + 1, stream.getvalue().splitlines(), score(session).to_json()))
    return rounds


def store_like_the_game(store: ResultStore, rounds, n: int, teams: list[str], workshop: str, case) -> float:
    start = time.perf_counter()
    for i in range(n):
        seed, lines, result = rounds[i % len(rounds)]
        sid = store.create_session(case_id=case.id, case_title=case.title, language=case.language, seed=seed,
                                   team=teams[i % len(teams)], workshop=workshop, duration=case.duration,
                                   questions=case_questions(case), case_info=case_info(case))
        # Lines up to each input are committed with it, as SessionLog flushes after every input.
        seq, batch = 0, []
        for line in lines[:-1]:
            batch.append(line)
            if line.startswith('{"type":"input"'):
                store.append_lines(sid, seq, batch, None)
                seq += len(batch)
                batch = []
        store.finish(sid, result, batch + lines[-1:])
    return time.perf_counter() - start


def import_rounds(store: ResultStore, rounds, n: int, teams: list[str], workshop: str, case) -> float:
    start = time.perf_counter()
    for i in range(n):
        seed, lines, result = rounds[i % len(rounds)]
        row = {"id": uuid.uuid4().hex, "team": teams[i % len(teams)], "case_id": case.id, "case_title": case.title,
               "language": "en", "seed": seed, "workshop": workshop, "started_at": store.now(),
               "ended_at": store.now(), "status": "finished", "sim_t": case.duration, "duration": case.duration,
               "score": result["score"], "breakdown": result["breakdown"], "ending": result["ending"]["id"],
               "ending_kind": result["ending"]["kind"], "result": result, "questions": []}
        with store.transaction() as conn:
            store.import_session(row, "\n".join(lines) + "\n", [], [], "bench", conn=conn)
    return time.perf_counter() - start


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000


#: Targets (the figure, the limit, its unit): a trainer would notice beyond these.
TARGETS = {
    "input": (50.0, "ms", "one input committed, the game's way (a player never waits on it)"),
    "rank": (500.0, "ms", "ranking 10,000 rounds over 100 teams"),
    "four": (0.8, "x one writer", "four writers at once, in rounds a second against one writer (writes queue, none fail)"),
}


def writer(where: str, count: int, tag: str) -> None:
    """One of the four programs: ``count`` rounds the game's way into ``where``."""
    case = load_case(CASE).case
    rounds = sample_rounds(2)
    store = open_store(where, tempfile.gettempdir())
    w = ws.get(store, "Bench")
    print("ready", flush=True)
    sys.stdin.readline()  # all four start storing together
    seconds = store_like_the_game(store, rounds, count, [f"{tag}-{i}" for i in range(5)], w.id, case)
    store.close()
    print(json.dumps({"seconds": seconds}), flush=True)


def four_writers(where: str, count: int) -> tuple[float, int]:
    """Rounds a second with four programs storing at once, and how many rounds were found after."""
    programs = [subprocess.Popen([sys.executable, __file__, "--writer", where, "--sessions", str(count), "--tag",
                                  f"W{i}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
                for i in range(4)]
    for program in programs:  # each has loaded the case and opened the store
        assert program.stdout is not None
        if program.stdout.readline().strip() != "ready":
            raise SystemExit("a writer did not start")
    start = time.perf_counter()
    for program in programs:
        program.communicate("go\n", timeout=900)
        if program.returncode != 0:
            raise SystemExit("a writer failed")
    seconds = time.perf_counter() - start
    with open_store(where, tempfile.gettempdir()) as store:
        found = store.conn.execute("SELECT count(*) FROM sessions WHERE team LIKE 'W%' AND status = 'finished'"
                                   ).fetchone()[0]
    return 4 * count / seconds, int(found)


def measure(where: str, size_of: Callable[[], float] | None, args: argparse.Namespace, rounds, case,
            teams: list[str]) -> dict[str, float]:
    """Every figure of one backend (as milliseconds, or rounds a second for the writers)."""
    figures: dict[str, float] = {}
    store = open_store(where, tempfile.gettempdir())
    if not store.available or not store.writable:
        raise SystemExit(f"{where}: {store.problem}")
    played = min(args.played, args.sessions)
    w = ws.create(store, "Bench", case.id, teams)
    seconds = store_like_the_game(store, rounds, played, teams, w.id, case)
    figures["game"] = seconds / played * 1000
    commits = statistics.mean(2 + sum(1 for x in lines if x.startswith('{"type":"input"')) for _, lines, _ in rounds)
    figures["input"] = figures["game"] / commits
    seconds = import_rounds(store, rounds, args.sessions - played, teams, w.id, case)
    figures["import"] = seconds / max(1, args.sessions - played) * 1000
    if size_of is not None:
        figures["size"] = size_of()
    standings = ws.ranking(store, w)
    assert sum(s.rounds for s in standings) == args.sessions
    one = standings[0].session_id
    for key, action in (
        ("rank", lambda: ws.ranking(store, w)),
        ("rank last", lambda: ws.ranking(store, w, "last")),
        ("side by side", lambda: ws.comparison(store, w)),
        ("spread", lambda: ws.workshop_spread(store, w)),
        ("history", lambda: history(store, teams[0])),
        ("report", lambda: round_html(store, store.session(one))),
    ):
        figures[key], figures[key + " worst"] = timed(action, args.repeat)
    store.close()
    per_writer = max(1, args.writers_rounds)
    alone = open_store(where, tempfile.gettempdir())
    start = time.perf_counter()
    store_like_the_game(alone, rounds, per_writer, ["alone"], w.id, case)
    figures["one writer"] = per_writer / (time.perf_counter() - start)
    alone.close()
    figures["four writers"], found = four_writers(where, per_writer)
    figures["four lost"] = 4 * per_writer - found
    return figures


ROWS = (
    ("store, as the game does", "game", "ms a round"),
    ("  of which one input's commit", "input", "ms"),
    ("store, as a workshop import", "import", "ms a round"),
    ("rank the teams (best round each)", "rank", "ms median"),
    ("rank the teams (last round each)", "rank last", "ms median"),
    ("decisions side by side", "side by side", "ms median"),
    ("spread of the scores", "spread", "ms median"),
    ("a team's history", "history", "ms median"),
    ("one round's HTML report", "report", "ms median"),
    ("one writer", "one writer", "rounds/s"),
    ("four writers at once", "four writers", "rounds/s in all"),
    ("rounds lost by the four writers", "four lost", ""),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--played", type=int, default=300, help="of them, stored the game's way (the rest imported)")
    parser.add_argument("--writers-rounds", type=int, default=25, help="rounds each of the four writers stores")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--samples", type=int, default=8, help="distinct playthroughs the rounds are copies of")
    parser.add_argument("--backends", default="sqlite,postgresql", help="which to measure (comma-separated)")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL server to use (default: a throwaway cluster)")
    parser.add_argument("--dir", help="where to put the SQLite files (default: a temporary folder)")
    parser.add_argument("--writer", metavar="STORE", help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="W", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        writer(args.writer, args.sessions, args.tag)
        return 0

    case = load_case(CASE).case
    rounds = sample_rounds(args.samples)
    teams = [f"Team {i:03d}" for i in range(args.teams)]
    log_kb = statistics.mean(len("\n".join(lines)) for _, lines, _ in rounds) / 1024
    inputs = statistics.mean(sum(1 for x in lines if x.startswith('{"type":"input"')) for _, lines, _ in rounds)
    print(f"{args.sessions:,} rounds of {case.id} over {args.teams} teams ({min(args.played, args.sessions)} stored "
          f"the game's way, the rest imported); a round's log is about {log_kb:.0f} KB with {inputs:.0f} inputs")
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    results: dict[str, dict[str, float]] = {}
    cluster = None
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        if "sqlite" in wanted:
            path = Path(tmp) / "bench.db"
            results["sqlite"] = measure(str(path), lambda: path.stat().st_size / 2**20, args, rounds, case, teams)
        if "postgresql" in wanted:
            url = args.pg
            if url is None:
                from results_backends import start_cluster

                cluster, why = start_cluster(fsync=True)
                if cluster is None:
                    print(f"postgresql: not measured: {why}")
                else:
                    url = cluster.fresh("bench")
            if url is not None:
                try:
                    results["postgresql"] = measure(url, None, args, rounds, case, teams)
                finally:
                    if cluster is not None:
                        from results_backends import remove_cluster

                        remove_cluster(cluster)
    names = list(results)
    print(f"{'':<36}" + "".join(f"{n:>14}" for n in names))
    for label, key, unit in ROWS:
        cells = "".join(f"{results[n][key]:>14.2f}" if key in results[n] else f"{'-':>14}" for n in names)
        print(f"{label:<36}{cells}  {unit}")
    if "sqlite" in results:
        print(f"SQLite file after the rounds: {results['sqlite']['size']:.0f} MiB")
    print("targets:")
    for name in names:
        r = results[name]
        checks = (
            ("input", r["input"], r["input"] <= TARGETS["input"][0]),
            ("rank", r["rank"], r["rank"] <= TARGETS["rank"][0] or args.sessions < 10_000),
            ("four", r["four writers"] / r["one writer"],
             r["four writers"] >= r["one writer"] * TARGETS["four"][0] and r["four lost"] == 0),
        )
        for key, value, met in checks:
            limit, unit, what = TARGETS[key]
            print(f"  {name:<11} {what}: {value:.2f} (target {limit:g} {unit}): {'met' if met else 'NOT MET'}")
        if r["four lost"]:
            print(f"  {name}: {r['four lost']:.0f} round(s) LOST by the four writers")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
