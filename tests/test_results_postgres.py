"""The results on an organisation's PostgreSQL server: several programs writing at once, a server
that goes away mid-round and comes back, and moving a trainer's SQLite results into it.

(The rest of the results suite runs on PostgreSQL too, through the ``where`` fixture.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.engine.loader import load_case
from game.results import workshop as ws
from game.results.postgres import PostgresStore
from game.results.recording import resume, start
from game.results.store import SCHEMA_VERSION, ResultStore, StoreError, open_store

from conftest import ROOT, SCENARIOS, TINY
from results_backends import Cluster
from results_play import play_out, straight_log, straight_score

NESTLE = SCENARIOS / "nestle-kitkat-2010"
pytestmark = pytest.mark.usefixtures("time_bound")


@pytest.fixture(scope="module")
def nestle():
    return load_case(NESTLE)


def decided(store: ResultStore, session_id: str) -> list[str]:
    return [r["decision"] for r in store.log_records(session_id) if r.get("type") == "input" and r["kind"] == "decide"]


# --- four programs recording into one database at once ---------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from game.engine.bots import BOTS
    from game.engine.loader import load_case
    from game.results.recording import start
    from game.results.store import open_store, StoreError

    url, case, team, first_seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = open_store(url)  # four programs open an empty database at once: it is made once
    assert store.available and store.writable, store.problem
    try:
        store.create_workshop("Same day", "nestle-kitkat-2010", [team], organisation="Comms")
        print("workshop created", flush=True)
    except StoreError as exc:
        print("workshop refused", exc, flush=True)
    loaded = load_case(case)
    for seed in range(first_seed, first_seed + 3):
        session, recording = start(store, loaded.case, loaded.path, seed, team=team)
        bot, events = BOTS["best"](seed), []
        while not session.state.ended:
            bot.act(session, events)
            events = session.step()
            if len(session.state.choices) == 2 and not recording.notes:
                recording.note(session.t, f"{team} note {seed}")
        assert recording.saved, store.problem
        print("round", recording.session_id, seed, flush=True)
""")


def test_four_programs_record_rounds_into_one_database_at_once(pg_cluster: Cluster, tmp_path: Path, nestle) -> None:
    url = pg_cluster.fresh("four")
    teams = ["Red", "Blue", "Green", "Gold"]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(NESTLE), team, str(10 * (i + 1))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                env={**os.environ, "CRISIS_SIM_DATA_DIR": str(tmp_path / team)})
               for i, team in enumerate(teams)]
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=200)
        assert writer.returncode == 0, err
        outputs.append(out.splitlines())
    # Workshop names are unique in an organisation, even when four programs ask at once.
    assert sum(lines.count("workshop created") for lines in outputs) == 1
    store = open_store(url, tmp_path)
    assert store.migrated == []  # made once, by one of the four
    rounds = store.sessions(status="finished")
    assert len(rounds) == 12
    for team, lines, first in zip(teams, outputs, (10, 20, 30, 40)):
        told = {line.split()[1]: int(line.split()[2]) for line in lines if line.startswith("round ")}
        assert sorted(told.values()) == [first, first + 1, first + 2]
        for session_id, seed in told.items():
            stored = store.session(session_id)
            # Each round is whole and is its own: its team, its seed, its log line for line.
            assert (stored.team, stored.seed, stored.status) == (team, seed, "finished")
            assert store.log_text(session_id).splitlines() == straight_log(nestle.case, nestle.path, seed)
            assert [n.text for n in store.notes(session_id)] == [f"{team} note {seed}"]
    assert store.conn.execute("SELECT count(*) FROM log_lines").fetchone()[0] == 0
    store.close()


# --- a server that goes away mid-round and comes back ---------------------------------------


def test_a_server_that_goes_away_mid_round_loses_nothing_when_it_comes_back(own_cluster: Cluster, tmp_path: Path,
                                                                            nestle) -> None:
    store = open_store(own_cluster.url, tmp_path)
    assert isinstance(store, PostgresStore) and store.available
    store.retry_every = 0.0  # try again at every write (a real one waits RETRY_EVERY seconds)
    session, recording = start(store, nestle.case, nestle.path, 5, team="Away")
    play_out(session, stop=lambda s: len(s.state.choices) >= 2)
    own_cluster.stop()
    play_out(session, stop=lambda s: len(s.state.choices) >= 4)  # inputs while the server is away: no exception
    assert "cannot be reached" in store.problem and "not being saved" in store.problem
    assert store.spool.count() > 0  # kept on this machine meanwhile
    recording.note(session.t, "noted while the server was away")
    own_cluster.start()
    play_out(session)
    assert recording.saved and store.spool.count() == 0 and store.problem is None
    stored = store.session(recording.session_id)
    assert stored.status == "finished"
    assert store.log_text(stored.id).splitlines() == straight_log(nestle.case, nestle.path, 5)
    assert [n.text for n in store.notes(stored.id)] == ["noted while the server was away"]
    store.close()


KILLED = textwrap.dedent("""
    import sys, time
    from game.engine.bots import BOTS
    from game.engine.loader import load_case
    from game.results.recording import start
    from game.results.store import open_store

    store = open_store(sys.argv[1])
    store.retry_every = 0.0
    loaded = load_case(sys.argv[2])
    session, recording = start(store, loaded.case, loaded.path, 8, team="Killed")
    print("started", recording.session_id, store.available, flush=True)
    bot, events, told = BOTS["best"](8), [], 0
    while not session.state.ended:
        bot.act(session, events)
        events = session.step()
        if len(session.state.choices) > told:
            told = len(session.state.choices)
            print("decided", told, store.spool.count(), flush=True)
        if told >= 3:
            time.sleep(0.01)  # the kill comes now
""")


def test_a_round_played_while_the_server_is_down_and_killed_is_sent_and_resumed(own_cluster: Cluster,
                                                                                tmp_path: Path, nestle) -> None:
    own_cluster.stop()  # down before the round starts: it is played into the spool from its first line
    child = subprocess.Popen([sys.executable, "-c", KILLED, own_cluster.url, str(NESTLE)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT, env={**os.environ, "CRISIS_SIM_DATA_DIR": str(tmp_path)})
    told = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            told.append(line.split())
            if told[-1][0] == "decided" and int(told[-1][1]) >= 3:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert told[0][0] == "started" and told[0][2] == "False"  # it never reached the server
    assert int(told[-1][2]) > 0
    session_id = told[0][1]

    own_cluster.start()
    store = open_store(own_cluster.url, tmp_path)  # the next open sends what was kept
    assert store.available and store.spool.count() == 0
    [stopped] = store.interrupted()
    assert stopped.id == session_id and stopped.team == "Killed"
    assert len(decided(store, session_id)) >= 3
    session, recording = resume(store, stopped, nestle.case, nestle.path)
    play_out(session)
    assert recording.saved
    assert store.session(session_id).score == straight_score(nestle, 8)
    store.close()


def test_a_server_that_cannot_be_reached_at_open_says_so_and_the_round_plays_on(tmp_path: Path, tiny_case) -> None:
    from results_backends import free_port

    store = open_store(f"postgresql://nobody@127.0.0.1:{free_port()}/none", tmp_path)
    assert not store.available and store.writable
    assert "cannot be reached" in store.problem and "kept on this machine" in store.problem
    session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1)
    assert recording is not None
    play_out(session)
    assert recording.saved and store.spool.count() > 3
    store.close()


# --- the same migrations --------------------------------------------------------------------


def test_an_older_postgresql_database_is_migrated_on_open(pg_cluster: Cluster, tmp_path: Path) -> None:
    import psycopg

    from game.results.database import MIGRATIONS
    from game.results.dialect import POSTGRES

    url = pg_cluster.fresh("old")
    with psycopg.connect(url, autocommit=True) as old:  # what a program of format 1 made
        for statement in MIGRATIONS[0]:
            old.execute(POSTGRES.ddl(statement))
        old.execute("CREATE TABLE crisis_sim_schema (version BIGINT NOT NULL)")
        old.execute("INSERT INTO crisis_sim_schema VALUES (1)")
        old.execute("INSERT INTO workshops (id, name, case_id, created_at) VALUES ('w1', 'Lyon', 'tiny', 'x')")
    with open_store(url, tmp_path) as store:
        assert store.migrated == list(range(2, SCHEMA_VERSION + 1)) and store.writable and store.problem is None
        assert ws.get(store, "Lyon").case_id == "tiny"
        store.create_workshop("Lyon", "tiny", [], organisation="HR")  # unique per organisation now


def test_a_postgresql_migration_that_fails_leaves_the_database_as_it_was(pg_cluster: Cluster, tmp_path: Path,
                                                                        monkeypatch) -> None:
    import game.results.postgres as pg

    url = pg_cluster.fresh("bad")
    monkeypatch.setattr(pg, "MIGRATIONS", (pg.MIGRATIONS[0], [*pg.MIGRATIONS[1][:2], "THIS IS NOT SQL"]))
    store = open_store(url, tmp_path)
    assert not store.writable and "format 2" in store.problem and "cannot be reached" not in store.problem
    monkeypatch.undo()
    with open_store(url, tmp_path) as again:  # format 1 was committed; the failed step left nothing
        assert again.migrated == list(range(2, SCHEMA_VERSION + 1)) and again.writable


def test_a_newer_postgresql_database_is_read_but_not_written(pg_cluster: Cluster, tmp_path: Path, tiny_case) -> None:
    url = pg_cluster.fresh("new")
    with open_store(url, tmp_path) as store:
        session, _ = start(store, tiny_case, TINY / "scenario.yaml", 1, team="T")
        play_out(session)
        store.conn.execute("UPDATE crisis_sim_schema SET version = 99")
    with open_store(url, tmp_path) as newer:
        assert not newer.writable and "newer Crisis Sim" in newer.problem
        assert [s.team for s in newer.sessions()] == ["T"]
        second, recording = start(newer, tiny_case, TINY / "scenario.yaml", 2)
        assert recording is None
        play_out(second)


# --- the set-up docs/results.md gives the IT team ---------------------------------------------


def docs_sql_blocks() -> list[list[str]]:
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    section = text[text.index("### Setting it up"):text.index("### When the server")]
    blocks = [b.split("```", 1)[0] for b in section.split("```sql\n")[1:]]
    return [[s.strip() for s in block.split(";\n") if s.strip()] for block in blocks]


def test_the_roles_of_the_docs_let_trainers_record_but_not_change_the_tables(pg_cluster: Cluster, tmp_path: Path,
                                                                              tiny_case) -> None:
    import psycopg

    as_superuser, in_database = docs_sql_blocks()
    with psycopg.connect(pg_cluster.url, autocommit=True) as admin:
        for statement in as_superuser:
            admin.execute(statement)
    base = f"postgresql://{{}}@127.0.0.1:{pg_cluster.port}/training"
    with psycopg.connect(base.format(pg_cluster.user), autocommit=True) as admin:
        for statement in in_database:
            admin.execute(statement)
    with open_store(base.format("crisis_sim"), tmp_path) as owner:  # the IT team's first open
        assert owner.migrated == list(range(1, SCHEMA_VERSION + 1)) and owner.problem is None
    with open_store(base.format("crisis_sim_trainer"), tmp_path) as trainer:
        assert trainer.available and trainer.writable and trainer.migrated == [], trainer.problem
        session, recording = start(trainer, tiny_case, TINY / "scenario.yaml", 1, team="Red")
        play_out(session)
        assert recording.saved and trainer.session(recording.session_id).status == "finished"
        trainer.create_workshop("Induction", "tiny", ["Red"])
        with pytest.raises(StoreError, match="may not"):
            trainer.conn.execute("DROP TABLE sessions")


# --- store copy -----------------------------------------------------------------------------


def test_store_copy_moves_everything_and_a_second_run_adds_nothing(pg_cluster: Cluster, tmp_path: Path, nestle,
                                                                   capsys) -> None:
    from game.cli import main

    sqlite = tmp_path / "laptop" / "results.db"
    with ResultStore(sqlite) as laptop:
        workshop = ws.create(laptop, "Lyon, 3 December", nestle.case.id, ["Red", "Blue"])
        for seed, team in ((1, "Red"), (2, "Blue")):
            session, recording = start(laptop, nestle.case, nestle.path, seed, team=team, workshop=workshop.id)
            play_out(session, stop=lambda s: s.t >= 200)
            recording.note(session.t, f"{team}: calm first statement")
            play_out(session)
            laptop.answer(recording.session_id, "q1", "What would you change?", f"{team} answer")
        stopped_session, stopped = start(laptop, nestle.case, nestle.path, 3, team="Green")
        play_out(stopped_session, stop=lambda s: len(s.state.choices) >= 2)
        stopped.interrupt()
        before = {s.id: s for s in laptop.sessions(with_result=True)}
        logs = {sid: laptop.log_text(sid) for sid in before}
        ranking = [(s.team, s.score) for s in ws.ranking(laptop, workshop)]

    url = pg_cluster.fresh("copy")
    data = str(tmp_path / "data")
    assert main(["store", "copy", "--from", str(sqlite), "--to", url, "--data-dir", data]) == 0
    first = capsys.readouterr().out
    assert "3 round(s) copied (0 already there), 2 note(s), 2 answer(s), 1 workshop(s)" in first
    assert main(["store", "copy", "--from", str(sqlite), "--to", url, "--data-dir", data]) == 0
    second = capsys.readouterr().out
    assert "0 round(s) copied (3 already there), 0 note(s), 0 answer(s), 0 workshop(s) (1 already there)" in second

    with open_store(url, tmp_path) as org:
        after = {s.id: s for s in org.sessions(with_result=True)}
        assert set(after) == set(before)
        for sid, stored in before.items():
            assert (after[sid].team, after[sid].status, after[sid].score, after[sid].result) == \
                (stored.team, stored.status, stored.score, stored.result)
            assert org.log_text(sid) == logs[sid]
        copied = ws.get(org, "Lyon, 3 December")
        assert [(s.team, s.score) for s in ws.ranking(org, copied)] == ranking
        assert sorted(n.text for sid in after for n in org.notes(sid)) == ["Blue: calm first statement",
                                                                           "Red: calm first statement"]
        # The interrupted round came over as one that can be resumed.
        [waiting] = org.interrupted()
        assert waiting.id == stopped.session_id
        session, again = resume(org, waiting, nestle.case, nestle.path)
        play_out(session)
        assert again.saved and json.loads(json.dumps(org.session(waiting.id).result))["score"] > 0


def test_the_cli_takes_the_store_from_the_command_line(pg_cluster: Cluster, tmp_path: Path, capsys) -> None:
    from game.cli import main

    url = pg_cluster.fresh("cli")
    assert main(["--store", url, "--data-dir", str(tmp_path), "workshop", "create", "Induction", "--case", "tiny",
                 "--team", "A,B"]) == 0
    assert main(["workshop", "list", "--store", url]) == 0
    assert "Induction" in capsys.readouterr().out
    assert main(["workshop", "list"]) == 0  # without it: the (empty) SQLite file in the data folder
    assert "Induction" not in capsys.readouterr().out
