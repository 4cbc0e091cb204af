"""Benchmark of the results store: the time to store and to rank 10,000 rounds.

    python3 bench/bench_results.py                    # 10,000 rounds, 100 teams, one workshop
    python3 bench/bench_results.py --sessions 1000 --teams 20

The rounds are real: a handful of Nestlé playthroughs by the bots (their whole session logs and
results), each stored again and again under new ids and teams. Storing is measured the way the
game does it (the round registered, each input committed on its own, one transaction at the end
that packs the log and writes the result and decision rows) with the database's full sync on, as
in play; then the same rounds arriving as a workshop import. Ranking is the workshop's ranking
over every round, the decisions side by side, the spread, a team's history and the report of
one round, each run several times (median and worst are printed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.log import SessionLog
from game.results import workshop as ws
from game.results.history import history
from game.results.recording import case_info, case_questions
from game.results.report import round_html
from game.results.store import ResultStore
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


def timed(action, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--samples", type=int, default=8, help="distinct playthroughs the rounds are copies of")
    parser.add_argument("--dir", help="where to put the databases (default: a temporary folder)")
    args = parser.parse_args(argv)

    case = load_case(CASE).case
    rounds = sample_rounds(args.samples)
    teams = [f"Team {i:03d}" for i in range(args.teams)]
    log_kb = statistics.mean(len("\n".join(lines)) for _, lines, _ in rounds) / 1024
    inputs = statistics.mean(sum(1 for x in lines if x.startswith('{"type":"input"')) for _, lines, _ in rounds)
    print(f"{args.sessions:,} rounds of {case.id} over {args.teams} teams; a round's log is about {log_kb:.0f} KB "
          f"with {inputs:.0f} inputs on average")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        played = ResultStore(Path(tmp) / "played.db")
        w = ws.create(played, "Bench", case.id, teams)
        seconds = store_like_the_game(played, rounds, args.sessions, teams, w.id, case)
        size = (Path(tmp) / "played.db").stat().st_size / 2**20
        print(f"store, as the game does (full sync):  {seconds:7.2f} s   {seconds / args.sessions * 1000:6.2f} ms a round"
              f"   database {size:.0f} MiB")

        imported = ResultStore(Path(tmp) / "imported.db")
        w2 = ws.create(imported, "Bench", case.id, teams)
        seconds = import_rounds(imported, rounds, args.sessions, teams, w2.id, case)
        print(f"store, as a workshop import:          {seconds:7.2f} s   {seconds / args.sessions * 1000:6.2f} ms a round")

        standings = ws.ranking(played, w)
        assert sum(s.rounds for s in standings) == args.sessions
        one = standings[0].session_id
        for label, action in (
            ("rank the teams (best round each)", lambda: ws.ranking(played, w)),
            ("rank the teams (last round each)", lambda: ws.ranking(played, w, "last")),
            ("decisions side by side", lambda: ws.comparison(played, w)),
            ("spread of the scores", lambda: ws.workshop_spread(played, w)),
            ("a team's history", lambda: history(played, teams[0])),
            ("one round's HTML report", lambda: round_html(played, played.session(one))),
        ):
            median, worst = timed(action, args.repeat)
            print(f"{label:<37} {median:8.1f} ms median, {worst:7.1f} ms worst")
        played.close()
        imported.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
