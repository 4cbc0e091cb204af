"""The results store: rounds kept as they are played, survival of a killed process, resume and
abandon, a locked, read-only or damaged database, history, and the command line."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.cli import main
from game.engine.loader import load_case
from game.engine.log import SessionLog
from game.engine.session import Session
from game.results.history import history, sparkline
from game.results.recording import ResumeError, begin, rebuild, resume, start
from game.results.store import ResultStore, StoreError, open_store
from game.engine.scoring import score

from conftest import ROOT, SCENARIOS, TINY
from results_play import play_out, straight_log, straight_score

# The tests that take `store` or `where` run twice: on a SQLite file and on the throwaway
# PostgreSQL cluster of results_backends (fixtures in conftest). Those about a SQLite file itself (damaged, read-only,
# locked, the format-1 file) run on SQLite only.

NESTLE = SCENARIOS / "nestle-kitkat-2010"
pytestmark = pytest.mark.usefixtures("time_bound")  # each test stops by itself (a hung server, a lost child)


@pytest.fixture(scope="module")
def nestle():
    return load_case(NESTLE)


@pytest.fixture()
def store(where: str, tmp_path: Path):
    with open_store(where, tmp_path) as s:
        assert s.available and s.writable, s.problem
        yield s


# --- a round kept from start to end ---------------------------------------------------------


def test_a_finished_round_is_stored_with_its_score_breakdown_ending_and_whole_log(store, nestle) -> None:
    session, recording = start(store, nestle.case, nestle.path, 7, team="Red team")
    play_out(session)
    assert recording.saved
    stored = store.session(recording.session_id)
    result = score(session).to_json()
    assert stored.status == "finished"
    assert (stored.team, stored.case_id, stored.language, stored.seed) == ("Red team", nestle.case.id, "en", 7)
    assert stored.score == result["score"]
    assert stored.breakdown == result["breakdown"]
    assert stored.ending == result["ending"]["id"]
    assert stored.result == result
    assert stored.started_at and stored.ended_at and stored.sim_t == session.t
    assert store.log_text(stored.id).splitlines() == straight_log(nestle.case, nestle.path, 7)
    assert [d["decision"] for d in store.decisions(stored.id)] == [d["decision"] for d in result["decisions"]]
    # The loose lines are gone once the round is packed.
    assert store.conn.execute("SELECT count(*) FROM log_lines").fetchone()[0] == 0


def test_each_input_is_committed_when_it_is_made(where: str, tmp_path: Path, nestle) -> None:
    store = open_store(where, tmp_path)
    session, recording = start(store, nestle.case, nestle.path, 3)
    play_out(session, stop=lambda s: len(s.state.choices) >= 2)
    # Another connection (another process would see the same) finds both decisions already.
    other = open_store(where, tmp_path)
    lines = [json.loads(r[0]) for r in other.conn.execute("SELECT line FROM log_lines ORDER BY seq")]
    decided = [r["decision"] for r in lines if r.get("type") == "input" and r["kind"] == "decide"]
    assert decided == list(session.state.choices)
    other.close()
    store.close()


def test_interrupted_round_resumes_where_it_stopped_and_ends_as_if_never_stopped(where: str, tmp_path: Path,
                                                                                 nestle) -> None:
    first = open_store(where, tmp_path)
    session, recording = start(first, nestle.case, nestle.path, 11, team="Blue")
    play_out(session, stop=lambda s: len(s.state.choices) >= 3)
    choices, stopped_at = dict(session.state.choices), session.t
    recording.interrupt()
    first.close()

    store = open_store(where, tmp_path)
    [waiting] = store.interrupted()
    assert waiting.id == recording.session_id and waiting.status == "interrupted"
    resumed, again = resume(store, waiting, nestle.case, nestle.path)
    assert dict(resumed.state.choices) == choices
    assert stopped_at - 10 <= resumed.t <= stopped_at
    play_out(resumed)
    assert again.saved
    stored = store.session(waiting.id)
    assert stored.status == "finished"
    # Same case, seed and inputs: the resumed round's log and score are the uninterrupted ones.
    assert store.log_text(stored.id).splitlines() == straight_log(nestle.case, nestle.path, 11)
    assert stored.score == straight_score(nestle, 11)


def test_abandoned_round_keeps_its_decisions_and_cannot_be_resumed(store, nestle) -> None:
    session, recording = start(store, nestle.case, nestle.path, 5)
    play_out(session, stop=lambda s: len(s.state.choices) >= 2)
    recording.abandon()
    stored = store.session(recording.session_id)
    assert stored.status == "abandoned" and stored.score is None and stored.ended_at
    inputs = [r for r in store.log_records(stored.id) if r.get("type") == "input" and r["kind"] == "decide"]
    assert [r["decision"] for r in inputs] == list(session.state.choices)
    assert store.interrupted() == []
    with pytest.raises(ResumeError, match="abandoned"):
        resume(store, stored, nestle.case, nestle.path)


def test_resume_refuses_a_changed_case_file(where: str, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "scenario.yaml").write_text((TINY / "scenario.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_case(folder)
    store = open_store(where, tmp_path)
    session, recording = start(store, loaded.case, loaded.path, 1)
    play_out(session, stop=lambda s: s.t >= 200)
    recording.interrupt()
    (folder / "scenario.yaml").write_text(loaded.path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(ResumeError, match="changed"):
        resume(store, recording.session_id, load_case(folder).case, folder / "scenario.yaml")


def test_rebuild_stops_at_the_last_time_the_log_reached(tiny_case) -> None:
    import io

    stream = io.StringIO()
    session = Session(tiny_case, 4, SessionLog(stream))
    play_out(session, stop=lambda s: s.t >= 300)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    again = rebuild(tiny_case, 4, records)
    assert again.t == session.t
    assert again.state.to_dict() == session.state.to_dict()


# --- a process killed mid-round ---------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    from game.engine.bots import BOTS
    from game.engine.loader import load_case
    from game.results.recording import start
    from game.results.store import open_store

    store = open_store(sys.argv[1])
    loaded = load_case(sys.argv[2])
    session, recording = start(store, loaded.case, loaded.path, 21, team="Killed")
    bot, events, told = BOTS["best"](21), [], 0
    while not session.state.ended:
        bot.act(session, events)
        events = session.step()
        if len(session.state.choices) > told:
            told = len(session.state.choices)
            print("decided", told, recording.session_id, flush=True)
        if told >= 3:
            time.sleep(0.01)  # a person thinking: the kill comes now
""")


def test_a_killed_process_loses_no_decision_and_the_round_resumes(where: str, tmp_path: Path, nestle) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = where  # (kill -9: the store is the only thing left of the round)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(NESTLE)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT, env={**os.environ, "CRISIS_SIM_DATA_DIR": str(data)})
    told = []
    try:
        for line in child.stdout:
            told.append(line.split())
            if int(told[-1][1]) >= 3:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    session_id = told[-1][2]

    store = open_store(db, data)
    [stopped] = store.interrupted()  # still "running", but its process is gone
    assert stopped.id == session_id and stopped.status == "running"
    decided = [r for r in store.log_records(session_id) if r.get("type") == "input" and r["kind"] == "decide"]
    assert len(decided) >= 3
    store.close()

    # `crisis-sim resume` rebuilds the round and lets a bot finish it.
    out = subprocess.run([sys.executable, "-m", "game", "--data-dir", str(data), "--store", db, "resume",
                          session_id[:8], "--bot", "best"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "resumed at" in out.stderr

    store = open_store(db, data)
    stored = store.session(session_id)
    assert stored.status == "finished"
    after = [r for r in store.log_records(session_id) if r.get("type") == "input" and r["kind"] == "decide"]
    assert after[: len(decided)] == decided  # every earlier decision is there, unchanged
    chosen = {d["decision"]: d["option"] for d in store.decisions(session_id)}
    assert all(chosen[r["decision"]] == r["option"] for r in decided)
    # The best bot answers at once, so the resumed round is the round it would have played.
    assert stored.score == straight_score(nestle, 21)
    store.close()


# --- a database that cannot be used ---------------------------------------------------------


def test_a_damaged_database_is_moved_aside_and_a_new_one_started(tmp_path: Path, nestle) -> None:
    path = tmp_path / "results.db"
    path.write_bytes(b"this is not a database at all" * 100)
    store = ResultStore(path)
    assert store.writable and store.moved_aside is not None and store.moved_aside.exists()
    assert "moved" in store.problem
    session, recording = start(store, nestle.case, nestle.path, 1)
    play_out(session)
    assert recording.saved and store.session(recording.session_id).status == "finished"


@pytest.mark.parametrize("damage", ["no tables", "a table dropped", "a column missing"])
def test_a_database_with_its_version_but_not_its_tables_is_moved_aside(tmp_path: Path, nestle, damage: str) -> None:
    from game.results.store import SCHEMA_VERSION

    path = tmp_path / "results.db"
    if damage == "no tables":
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    else:
        ResultStore(path).close()
        conn = sqlite3.connect(path)
        if damage == "a table dropped":
            conn.execute("DROP TABLE sessions")
        else:
            conn.executescript("DROP TABLE notes; CREATE TABLE notes (session TEXT, seq INTEGER)")
    conn.close()
    store = ResultStore(path)
    assert store.moved_aside is not None and store.moved_aside.exists()
    assert "moved" in store.problem and "tables are missing" in store.problem
    assert store.sessions() == [] and store.interrupted() == []  # reads work: never an sqlite3 error
    session, recording = start(store, nestle.case, nestle.path, 1)
    play_out(session)
    assert recording.saved and store.session(recording.session_id).status == "finished"
    store.close()


def test_a_read_only_database_plays_on_without_saving(tmp_path: Path, nestle, monkeypatch) -> None:
    path = tmp_path / "results.db"
    ResultStore(path).close()
    os.chmod(path, 0o444)
    if os.access(path, os.W_OK):  # root ignores file modes: say the file is read-only as a mount would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real(p, mode))
    try:
        store = ResultStore(path)
        assert not store.writable and "read-only" in store.problem
        assert store.available  # history and reports still read it
        session, recording = start(store, nestle.case, nestle.path, 1)
        assert recording is None
        play_out(session)  # the round plays on
        assert score(session).score > 0
        store.close()
    finally:
        os.chmod(path, 0o644)


def test_a_database_that_turns_read_only_mid_round_does_not_crash(tmp_path: Path, nestle) -> None:
    path = tmp_path / "results.db"
    store = ResultStore(path)
    session, recording = start(store, nestle.case, nestle.path, 1)
    play_out(session, stop=lambda s: s.t >= 60)
    store.conn.close()
    store.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    play_out(session)  # every write fails from here on: noted, never raised
    assert not recording.saved and store.problem
    recording.note(session.t, "still works")
    assert recording.notes == [(session.t, "still works")]


def test_a_folder_that_cannot_be_created_plays_on_without_saving(tmp_path: Path, tiny_case) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ResultStore(blocker / "sub" / "results.db")
    assert not store.available and not store.writable and store.problem
    session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1)
    assert recording is None
    play_out(session)
    with pytest.raises(StoreError):
        store.sessions()


def test_a_locked_database_does_not_crash_the_round_and_catches_up(tmp_path: Path, nestle, monkeypatch) -> None:
    import game.results.store as store_module

    path = tmp_path / "results.db"
    store = ResultStore(path)
    session, recording = start(store, nestle.case, nestle.path, 2)
    play_out(session, stop=lambda s: s.t >= 100)
    locker = sqlite3.connect(path, isolation_level=None, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    store.conn.execute("PRAGMA busy_timeout = 50")
    play_out(session, stop=lambda s: len(s.state.choices) >= 2)  # inputs while locked: no exception
    assert store.problem and "locked" in store.problem
    assert recording.stream.pending  # kept in memory, waiting
    locker.execute("ROLLBACK")
    locker.close()
    play_out(session)
    assert recording.saved
    stored = store.session(recording.session_id)
    assert stored.status == "finished"
    assert store.log_text(stored.id).splitlines() == straight_log(nestle.case, nestle.path, 2)
    del store_module


def test_a_newer_database_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "results.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    store = ResultStore(path)
    assert not store.writable and "newer" in store.problem


def test_a_newer_database_with_rounds_is_read_but_not_written(tmp_path: Path, tiny_case) -> None:
    path = tmp_path / "results.db"
    with ResultStore(path) as store:
        session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1, team="T")
        play_out(session)
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    with ResultStore(path) as newer:
        assert not newer.writable and "newer Crisis Sim" in newer.problem
        assert [s.team for s in newer.sessions()] == ["T"]
        second, _ = start(newer, tiny_case, TINY / "scenario.yaml", 2)
        play_out(second)  # the round plays on, unsaved
    assert sqlite3.connect(path).execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


# --- notes, answers, history ----------------------------------------------------------------


def test_notes_and_answers_are_kept_with_the_round(store, tiny_case) -> None:
    session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1, team="T")
    play_out(session, stop=lambda s: s.t >= 120)
    recording.note(session.t, "  They hesitate on the recall  ")
    recording.note(session.t, "   ")
    play_out(session)
    store.answer(recording.session_id, "q1", "What would you do differently?", "Answer sooner.")
    store.answer(recording.session_id, "q1", "What would you do differently?", "Answer much sooner.")
    [note] = store.notes(recording.session_id)
    assert (note.t, note.text) == (120, "They hesitate on the recall")
    [answer] = store.answers(recording.session_id)
    assert answer.answer == "Answer much sooner."


def test_history_per_case_with_progress(store, nestle, tiny_case) -> None:
    for seed, bot in ((1, "worst"), (2, "random"), (3, "best")):
        session, _ = start(store, nestle.case, nestle.path, seed, team="Ana")
        play_out(session, bot)
    session, _ = start(store, tiny_case, TINY / "scenario.yaml", 1, team="Ana")
    play_out(session)
    session, _ = start(store, tiny_case, TINY / "scenario.yaml", 1, team="Ben")
    play_out(session)
    lines = history(store, "Ana")
    assert [h.case_id for h in lines] == ["tiny", nestle.case.id]
    kitkat = lines[1]
    assert len(kitkat.rounds) == 3 and kitkat.scores == [r.score for r in kitkat.rounds]
    assert kitkat.progress == round(kitkat.scores[-1] - kitkat.scores[0], 1) and kitkat.progress > 0
    assert len(sparkline(kitkat.scores)) == 3


# --- the command line -------------------------------------------------------------------------


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_history_note_reflect_abandon(where: str, tmp_path: Path, tiny_case, capsys, monkeypatch) -> None:
    data = str(tmp_path)
    monkeypatch.setenv("CRISIS_SIM_STORE", where)  # the commands find the store as an organisation's would
    store = open_store(where, tmp_path)
    session, recording = start(store, tiny_case.model_copy(update={"questions": ["What would you change?"]}),
                               TINY / "scenario.yaml", 1, team="Cli")
    play_out(session)
    second, stopped = start(store, tiny_case, TINY / "scenario.yaml", 2, team="Cli")
    play_out(second, stop=lambda s: s.t >= 100)
    stopped.interrupt()
    store.close()

    code, out, _ = run_cli(["--data-dir", data, "history", "--team", "Cli"], capsys)
    assert code == 0 and "tiny" in out and "interrupted" in out and recording.session_id[:8] in out
    code, out, _ = run_cli(["note", "--data-dir", data, "--session", recording.session_id, "--at", "00:02:30",
                            "Good call"], capsys)
    assert code == 0
    code, out, _ = run_cli(["reflect", "--data-dir", data, recording.session_id, "--answer", "q1=Flag earlier"],
                           capsys)
    assert code == 0
    code, out, _ = run_cli(["resume", "--data-dir", data, "--list"], capsys)
    assert stopped.session_id[:8] in out
    code, out, _ = run_cli(["abandon", "--data-dir", data, stopped.session_id[:8]], capsys)
    assert code == 0 and "abandoned" in out
    code, out, _ = run_cli(["resume", "--data-dir", data], capsys)
    assert "No interrupted round" in out

    store = open_store(where, tmp_path)
    assert [(n.t, n.text) for n in store.notes(recording.session_id)] == [(150, "Good call")]
    assert [(a.question, a.answer) for a in store.answers(recording.session_id)] == [("q1", "Flag earlier")]
    assert store.session(stopped.session_id).status == "abandoned"


def test_cli_reports_a_missing_round_without_a_traceback(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(["report", "--data-dir", str(tmp_path), "--last", "--html", str(tmp_path / "x.html")],
                           capsys)
    assert code == 1 and "no finished round" in err


def test_begin_without_a_store_plays_unsaved(tiny_case) -> None:
    assert begin(None, tiny_case, None, 1) is None


def test_the_benchmark_runs(where: str, backend: str, capsys) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_results", ROOT / "bench" / "bench_results.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    given = ["--pg", where] if backend == "postgresql" else ["--dir", str(Path(where).parent)]
    assert bench.main(["--sessions", "12", "--teams", "3", "--played", "4", "--writers-rounds", "2", "--repeat", "1",
                       "--samples", "2", "--backends", backend, *given]) == 0
    out = capsys.readouterr().out
    assert "store, as the game does" in out and "rank the teams" in out and "four writers at once" in out
    assert f"{backend:<11} four writers" in out


# --- the migration ladder: a real file written by the first released format -----------------

V1_FILE = ROOT / "tests" / "data" / "stores" / "results-v1.sqlite"
V1_ROUNDS = {  # id: (team, case, status), as the landed format-1 code stored them
    "0a4f831bae7c47509a11d97afdf5f4b6": ("Red team", "nestle-kitkat-2010", "finished"),
    "9ee7d4b9153b4941ac7b4e3ca87b0072": ("Blue team", "kryptonite-2004", "finished"),
    "4a51289916334dec80041d04d08818c3": ("Équipe verte <b>", "nestle-kitkat-2010", "finished"),
    "f7b5b6aa4c704124a7fd57f89c63a808": ("Blue team", "kryptonite-2004", "interrupted"),
    "20cf0f7cef424d9d8a8b56d90e051851": ("Red team", "tiny", "finished"),
}


def v1_copy(tmp_path: Path) -> Path:
    import shutil

    path = tmp_path / "results.db"
    shutil.copyfile(V1_FILE, path)
    return path


def test_a_version_1_database_is_migrated_on_open_and_keeps_every_round_note_and_answer(tmp_path: Path) -> None:
    from game.results import workshop as ws
    from game.results.store import SCHEMA_VERSION

    path = v1_copy(tmp_path)
    with ResultStore(path) as store:
        assert store.migrated == list(range(2, SCHEMA_VERSION + 1)) and store.writable and store.problem is None
        assert {s.id: (s.team, s.case_id, s.status) for s in store.sessions()} == V1_ROUNDS
        red = store.session("0a4f831b")
        assert red.score is not None and red.result is not None and red.result["score"] == red.score
        assert store.log_text(red.id).count("\n") > 10 and store.decisions(red.id)
        assert [(n.t, n.text) for n in store.notes(red.id)] == [
            (150, "Good first holding statement"), (725, "Argued about the <script>alert(1)</script> apology")]
        assert [n.text for n in store.notes("9ee7d4b9153b4941ac7b4e3ca87b0072")] == ["Blue team slow on the video"]
        assert [n.text for n in store.notes("f7b5b6aa4c704124a7fd57f89c63a808")] == ["They waited too long to answer"]
        assert [(a.question, a.answer) for a in store.answers("20cf0f7cef424d9d8a8b56d90e051851")] == [
            ("q1", "Answer sooner, with the batch number"), ("q2", "The allergy forum <i>thread</i>")]
        assert [s.id for s in store.interrupted()] == ["f7b5b6aa4c704124a7fd57f89c63a808"]
        lyon = ws.get(store, "Lyon, 3 December")
        assert lyon.teams == ("Red team", "Équipe verte <b>")
        assert [s.team for s in ws.ranking(store, lyon)] == ["Red team", "Équipe verte <b>"]
        # The migrated file takes new rounds and new workshops.
        ws.create(store, "Lyon, 4 December", "tiny", ["Red team"])
    [backup] = tmp_path.glob("results.db.v1-backup-*")
    kept = sqlite3.connect(backup)
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 1
    assert kept.execute("SELECT count(*) FROM notes").fetchone()[0] == 5
    kept.close()
    with ResultStore(path) as again:  # a second open has nothing to do and backs nothing up
        assert again.migrated == [] and len(again.sessions()) == 5
    assert len(list(tmp_path.glob("results.db.v1-backup-*"))) == 1


def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    from game.results import database

    path = v1_copy(tmp_path)
    broken = (database.MIGRATIONS[0], [*database.MIGRATIONS[1][:2], "THIS IS NOT SQL"])
    monkeypatch.setattr(database, "MIGRATIONS", broken)
    store = ResultStore(path)
    assert not store.writable and store.problem
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM workshops").fetchone()[0] == 1  # the half-done step rolled back
    assert "workshops_v2" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def test_a_read_only_version_1_database_is_read_without_being_changed(tmp_path: Path) -> None:
    path = v1_copy(tmp_path)
    with ResultStore(path, read_only=True) as store:
        assert len(store.sessions()) == 5 and len(store.notes("0a4f831bae7c47509a11d97afdf5f4b6")) == 2
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    assert not list(tmp_path.glob("results.db.v1-backup-*"))


def test_workshop_names_are_unique_within_an_organisation(store) -> None:
    store.create_workshop("Induction", "tiny", ["A"], organisation="Comms")
    store.create_workshop("Induction", "tiny", ["A"], organisation="HR")
    with pytest.raises(StoreError, match="already"):
        store.create_workshop("Induction", "tiny", ["B"], organisation="HR")


def test_a_store_error_is_all_a_repository_raises(store, monkeypatch) -> None:
    store.conn.close()  # a connection gone under it: sqlite3.ProgrammingError inside
    with pytest.raises(StoreError):
        store.sessions()
    with pytest.raises(StoreError):
        store.notes("x")
    store.conn = None


def test_inputs_are_synced_to_disk_and_event_lines_between_them_are_not(tmp_path: Path, nestle) -> None:
    # The window stores event lines on its quiet frames (issue 12): those a replay makes again need
    # no fsync, while the log's first line and every input must be on the disk when their commit
    # returns (a power cut then loses no decision). Read from the statements SQLite ran.
    store = open_store(str(tmp_path / "results.db"), tmp_path)
    ran: list[str] = []
    store.conn.set_trace_callback(ran.append)
    session, recording = start(store, nestle.case, nestle.path, 3)

    def stop(s: Session) -> bool:
        recording.settle()
        return len(s.state.choices) >= 2

    play_out(session, stop=stop)
    mode, commits = "FULL", []  # (synchronous mode, the log lines the transaction inserted)
    for statement in ran:
        if statement.startswith("PRAGMA synchronous = "):
            mode = statement.split("= ")[1]
        elif statement == "BEGIN IMMEDIATE":
            commits.append((mode, []))
        elif statement.startswith("INSERT INTO log_lines"):
            commits[-1][1].append(statement)
    lines = [(mode, line) for mode, inserted in commits for line in inserted]
    assert lines, "no log line was stored"
    synced = [line for mode, line in lines if mode == "FULL"]
    relaxed = [line for mode, line in lines if mode == "NORMAL"]
    assert all(m == "FULL" for m, line in lines if '"type":"input"' in line or '"type":"session"' in line)
    assert sum('"kind":"decide"' in line for line in synced) == 2
    assert relaxed and all('"type":"input"' not in line for line in relaxed)
    store.close()
