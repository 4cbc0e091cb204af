"""Workshops: teams on several machines, rounds gathered by import without duplicates, the
ranking from the stored scores, decisions side by side and the spread of scores."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from game.cli import main
from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.results import workshop as ws
from game.results.recording import start
from game.results.store import ResultStore, StoreError

from conftest import SCENARIOS

NESTLE = SCENARIOS / "nestle-kitkat-2010"
TEAMS = {"Alpha": ("best", 1), "Bravo": ("random", 2), "Charlie": ("worst", 3), "Delta": ("random", 4)}


@pytest.fixture(scope="module")
def nestle():
    return load_case(NESTLE)


def play(store: ResultStore, loaded, team: str, bot: str, seed: int, workshop: str | None = None) -> str:
    session, recording = start(store, loaded.case, loaded.path, seed, team=team, workshop=workshop)
    player, events = BOTS[bot](seed), []
    while not session.state.ended:
        player.act(session, events)
        events = session.step()
    assert recording.saved
    return recording.session_id


def counts(store: ResultStore) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sessions", "session_data", "decisions", "notes", "answers", "workshops", "workshop_teams",
                      "log_lines")}


@pytest.fixture()
def machines(tmp_path: Path, nestle):
    """Four teams, each on its own machine (its own store), each exporting its round."""
    exported = tmp_path / "usb-stick"
    for team, (bot, seed) in TEAMS.items():
        with ResultStore(tmp_path / team / "results.db") as store:
            sid = play(store, nestle, team, bot, seed)
            store.add_note(sid, 300, f"{team} hesitates")
            store.answer(sid, "q1", "What would you do differently?", f"{team} would answer sooner")
            ws.write_export(store, store.session(sid), exported)
    return exported


def test_rounds_from_other_machines_are_gathered_once(tmp_path: Path, machines: Path, nestle) -> None:
    files = sorted(machines.glob("*.json"))
    assert len(files) == 4
    with ResultStore(tmp_path / "trainer" / "results.db") as store:
        w = ws.create(store, "Monday", nestle.case.id, ["Alpha", "Bravo", "Charlie", "Delta", "Echo"])
        report = ws.import_files(store, files, workshop=w)
        assert len(report.added) == 4 and not report.already and not report.failed
        before = counts(store)
        assert before["sessions"] == 4 and before["notes"] == 4 and before["answers"] == 4

        again = ws.import_files(store, files, workshop=w)
        assert again.added == [] and len(again.already) == 4
        again = ws.import_files(store, files + files)  # twice in one go, and without naming the workshop
        assert again.added == []
        assert counts(store) == before

        # The imported rounds are complete: notes, answers, the log, the result.
        for stored in store.sessions(workshop=w.id, with_result=True):
            assert stored.origin.startswith("imported:")
            assert [n.text for n in store.notes(stored.id)] == [f"{stored.team} hesitates"]
            assert store.log_text(stored.id).startswith('{"type":"session"')
            assert stored.result["score"] == stored.score


def test_ranking_matches_the_stored_scores(tmp_path: Path, machines: Path, nestle) -> None:
    with ResultStore(tmp_path / "trainer.db") as store:
        w = ws.create(store, "Monday", nestle.case.id, [*TEAMS, "Echo"])
        ws.import_files(store, sorted(machines.glob("*.json")), workshop=w)
        # Alpha plays a second, worse round on the trainer's machine: its best round still counts.
        play(store, nestle, "Alpha", "worst", 9, workshop=w.id)

        stored = {}
        for s in store.sessions(workshop=w.id, status="finished"):
            stored.setdefault(s.team, []).append(s)
        best = {team: max(r.score for r in rounds) for team, rounds in stored.items()}
        standings = ws.ranking(store, w)
        ranked = [s for s in standings if s.rank is not None]
        assert [(s.team, s.score) for s in ranked] == sorted(best.items(), key=lambda kv: -kv[1])
        assert [s.rank for s in ranked] == sorted(s.rank for s in ranked)
        assert ranked[0].rank == 1 and ranked[0].team == "Alpha" and ranked[0].rounds == 2
        assert standings[-1].team == "Echo" and standings[-1].rank is None and standings[-1].score is None
        for s in ranked:
            assert store.session(s.session_id).score == s.score

        first = {s.team: s.score for s in ws.ranking(store, w, "first") if s.score is not None}
        last = {s.team: s.score for s in ws.ranking(store, w, "last") if s.score is not None}
        assert first["Alpha"] == best["Alpha"] and last["Alpha"] == min(r.score for r in stored["Alpha"])

        spread = ws.workshop_spread(store, w)
        scores = sorted(best.values())
        assert (spread.n, spread.min, spread.max) == (4, scores[0], scores[-1])
        assert spread.median == pytest.approx(statistics.median(scores))
        assert spread.mean == pytest.approx(statistics.fmean(scores))

        code = main(["workshop", "show", "Monday", "--json", "--data-dir", str(tmp_path)])
        assert code == 1  # trainer.db is not the default name in tmp_path: no such workshop there


def test_ties_share_a_rank(tmp_path: Path, nestle) -> None:
    with ResultStore(tmp_path / "r.db") as store:
        w = ws.create(store, "Ties", nestle.case.id, ["A", "B", "C"])
        for team in ("A", "B"):
            play(store, nestle, team, "best", 5, workshop=w.id)  # same seed, same play: same score
        play(store, nestle, "C", "worst", 5, workshop=w.id)
        assert [(s.team, s.rank) for s in ws.ranking(store, w)] == [("A", 1), ("B", 1), ("C", 3)]


def test_decisions_side_by_side(tmp_path: Path, machines: Path, nestle) -> None:
    with ResultStore(tmp_path / "r.db") as store:
        w = ws.create(store, "Side", nestle.case.id, list(TEAMS))
        ws.import_files(store, sorted(machines.glob("*.json")), workshop=w)
        points = ws.comparison(store, w)
        decision_ids = [d.id for d in nestle.case.decisions]
        assert points and all(p.decision in decision_ids for p in points)
        assert [p.opened_at for p in points] == sorted(p.opened_at for p in points)
        first = points[0]
        by_team = {c.team: c for c in first.choices}
        alpha = store.decisions(store.sessions(team="Alpha")[0].id)
        row = next(d for d in alpha if d["decision"] == first.decision)
        assert by_team["Alpha"].label == row["label"] and by_team["Alpha"].seconds_taken == row["seconds_taken"]
        assert by_team["Alpha"].best  # the best bot takes the best option
        assert first.fastest.seconds_taken == min(c.seconds_taken for c in first.choices if c.option)


def test_import_refuses_bad_files_and_a_tampered_score(tmp_path: Path, machines: Path, nestle) -> None:
    good = sorted(machines.glob("*.json"))[0]
    document = json.loads(good.read_text(encoding="utf-8"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "not-json.json").write_text("{oops", encoding="utf-8")
    (bad / "other.json").write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    running = json.loads(json.dumps(document))
    running["session"]["status"] = "running"
    (bad / "running.json").write_text(json.dumps(running), encoding="utf-8")
    wrong_case = json.loads(json.dumps(document))
    wrong_case["session"]["id"] = "f" * 32
    wrong_case["session"]["case_id"] = "another-case"
    (bad / "wrong-case.json").write_text(json.dumps(wrong_case), encoding="utf-8")
    # A score edited by hand: the columns come from the result, and --verify replays the log.
    tampered = json.loads(json.dumps(document))
    tampered["session"]["id"] = "e" * 32
    tampered["session"]["score"] = 100.0
    tampered["session"]["result"]["score"] = 99.9
    (bad / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")

    with ResultStore(tmp_path / "r.db") as store:
        report = ws.import_files(store, sorted(bad.glob("*.json")), verify_case=NESTLE)
        reasons = " ".join(report.failed)
        assert report.added == [] and len(report.failed) == 5
        assert "not JSON" in reasons and "not a Crisis Sim round export" in reasons and "'running'" in reasons
        assert "another case" in reasons and "replay scores" in reasons
        assert store.sessions() == []
        unverified = ws.import_files(store, [bad / "tampered.json"])
        assert unverified.added == ["e" * 32]
        assert store.session("e" * 32).score == 99.9  # from the result, never the row's 100


def test_import_keeps_the_workshop_named_in_the_file(tmp_path: Path, nestle) -> None:
    with ResultStore(tmp_path / "laptop.db") as laptop:
        w = ws.create(laptop, "Thursday", nestle.case.id, ["Kilo"])
        sid = play(laptop, nestle, "Kilo", "best", 1, workshop=w.id)
        path = ws.write_export(laptop, laptop.session(sid), tmp_path / "out")
    with ResultStore(tmp_path / "trainer.db") as trainer:
        report = ws.import_files(trainer, [path])
        assert report.added == [sid]
        thursday = ws.get(trainer, "Thursday")
        assert thursday.teams == ("Kilo",) and thursday.case_id == nestle.case.id
        assert [s.team for s in ws.ranking(trainer, thursday)] == ["Kilo"]


def test_workshop_rules(tmp_path: Path, nestle) -> None:
    with ResultStore(tmp_path / "r.db") as store:
        w = ws.create(store, "Rules", nestle.case.id, [" Red  team ", "Red team", "Blue"])
        assert w.teams == ("Red team", "Blue")
        with pytest.raises(StoreError, match="already"):
            ws.create(store, "Rules", nestle.case.id, [])
        with pytest.raises(StoreError, match="name"):
            ws.create(store, "Other", nestle.case.id, ["   "])
        assert ws.next_team(store, w) == "Red team"
        play(store, nestle, "Red team", "best", 1, workshop=w.id)
        assert ws.next_team(store, w) == "Blue"
        sid = play(store, nestle, "Blue", "random", 2)  # played outside the workshop
        assert ws.attach(store, w, teams=["Blue"]) == 1
        assert store.session(sid).workshop == w.id and ws.next_team(store, w) is None


def test_cli_workshop_from_create_to_report(tmp_path: Path, machines: Path, nestle, capsys) -> None:
    data = str(tmp_path / "trainer")
    assert main(["workshop", "create", "Friday", "--case", str(NESTLE), "--team", "Alpha,Bravo",
                 "--team", "Charlie", "--data-dir", data]) == 0
    assert main(["workshop", "import", str(machines), "--workshop", "Friday", "--data-dir", data]) == 0
    assert "4 round(s) added" in capsys.readouterr().out
    assert main(["workshop", "import", *map(str, machines.glob("*.json")), "--data-dir", data]) == 0
    assert "0 round(s) added, 4 already here" in capsys.readouterr().out
    assert main(["workshop", "show", "Friday", "--json", "--data-dir", data]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [s["team"] for s in shown][:1] == ["Alpha"]
    assert [s["score"] for s in shown if s["score"] is not None] == sorted(
        (s["score"] for s in shown if s["score"] is not None), reverse=True)
    out = tmp_path / "friday.html"
    assert main(["workshop", "report", "Friday", "--html", str(out), "--data-dir", data]) == 0
    html = out.read_text(encoding="utf-8")
    for s in shown:
        assert s["team"] in html
        if s["score"] is not None:
            assert f"{s['score']:.1f}" in html
