"""The facilitator's last word on a finished round kept in the results store (issue 11): an
override after the end amends the stored round (its log, score, decisions and place in the
workshop's ranking), the store keeps who changed what, when, and the score before; a replay of
the stored log gives the new score with the override and the old one without it. On both
backends (a SQLite file and the throwaway PostgreSQL cluster of results_backends)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.cli import main
from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score
from game.engine.session import EngineError, run
from game.results import workshop as ws
from game.results.recording import ResumeError, override_stored, start
from game.results.report import csv_rows, round_html, workshop_html
from game.results.store import open_store
from tests.test_assess_reply import KRYPTONITE, SAL, until_post
from tests.test_assess_session import BAD, CASE, GOOD, Writer

pytestmark = pytest.mark.usefixtures("time_bound")

NOW = "2026-12-04T03:40:00.000Z"


@pytest.fixture(scope="module")
def kryptonite():
    return load_case(CASE, "en")


@pytest.fixture()
def store(where: str, tmp_path: Path):
    with open_store(where, tmp_path, now=lambda: NOW) as s:
        assert s.available and s.writable, s.problem
        yield s


def inputs(store, session_id: str, overrides: bool = True) -> list[dict]:
    return [r for r in store.log_records(session_id) if r.get("type") == "input"
            and (overrides or r.get("kind") != "override")]


def test_overrides_after_the_end_amend_the_stored_rounds_and_the_ranking_follows(store, kryptonite, where, tmp_path,
                                                                                 capsys) -> None:
    w = ws.create(store, "Lyon", kryptonite.case.id, ["Red", "Blue"], str(kryptonite.path))
    red, red_rec = start(store, kryptonite.case, kryptonite.path, 3, team="Red", workshop=w.id)
    run(red, Writer(GOOD["en"]))
    blue, blue_rec = start(store, kryptonite.case, kryptonite.path, 3, team="Blue", workshop=w.id)
    run(blue, Writer(BAD["en"]))
    assert red_rec.saved and blue_rec.saved
    red_before, blue_before = score(red).score, score(blue).score
    assert [s.team for s in ws.ranking(store, w)] == ["Red", "Blue"] and red_before > blue_before

    # In Red's debrief (the window's, the host's console): the trainer reads a red line the words did not show.
    red.override("forum-thread", red_lines={"blame-owners": True}, by="Ana")
    red_after = score(red).score
    assert red_after < red_before
    stored = store.session(red_rec.session_id)
    assert stored.score == red_after and stored.result == score(red).to_json()
    assert store.original_score(stored.id) == red_before
    [change] = store.amendments(stored.id)
    assert (change.changed_by, change.changed_at, change.target, change.change) == (
        "Ana", NOW, "forum-thread", {"red_lines": {"blame-owners": True}})
    assert (change.score_before, change.score_after) == (red_before, red_after)
    assert next(d for d in store.decisions(stored.id) if d["decision"] == "forum-thread")["fit"] == 0

    # On the command line, later, for Blue: a stored round, not a log file.
    assert main(["--data-dir", str(tmp_path), "override", blue_rec.session_id[:10], "--store", where,
                 "--decision", "forum-thread", "--strategy", "apology", "--key-point", "confirm=yes",
                 "--key-point", "advice=yes", "--key-point", "when=yes", "--red-line", "deny-the-video=no",
                 "--red-line", "blame-owners=no", "--by", "Bruno"]) == 0
    out = capsys.readouterr().out
    assert f"score {blue_before} -> " in out and "strategy apology: denial -> apology (by Bruno)" in out
    blue_stored = store.session(blue_rec.session_id)
    assert blue_stored.score > red_after and store.original_score(blue_stored.id) == blue_before
    assert [a.changed_by for a in store.amendments(blue_stored.id)] == ["Bruno"]
    # The ranking follows: Blue now leads.
    assert [(s.team, s.score) for s in ws.ranking(store, w)] == [("Blue", blue_stored.score), ("Red", red_after)]
    assert main(["--data-dir", str(tmp_path), "history", "--store", where, "--team", "Blue"]) == 0
    assert f"(corrected by a person; ended with {blue_before:.1f})" in capsys.readouterr().out
    page = workshop_html(store, w)
    ranking = page[page.index('id="ranking"'):page.index("</table>", page.index('id="ranking"'))]
    assert ranking.index("Blue") < ranking.index("Red")
    assert f"corrected by a person; the round ended with {blue_before:.1f}" in ranking
    assert f"corrected by a person; the round ended with {red_before:.1f}" in ranking

    # The spreadsheet keeps the score each round ended with beside the corrected one.
    rows = {r["team"]: r for r in csv_rows(store, store.sessions(newest_first=False))}
    assert (rows["Blue"]["score"], rows["Blue"]["score_before_correction"]) == (blue_stored.score, blue_before)
    assert rows["Red"]["score_before_correction"] == red_before

    # Replay of each stored log: the new score with the overrides, the old one without them.
    for sid, now, then in ((red_rec.session_id, red_after, red_before), (blue_rec.session_id, blue_stored.score, blue_before)):
        assert score(replay(kryptonite.case, 3, inputs(store, sid))).score == now
        assert score(replay(kryptonite.case, 3, inputs(store, sid, overrides=False))).score == then

    # The report says which findings a person changed, who, when, and the score before.
    html = round_html(store, blue_stored)
    amended = html[html.index('id="amended"'):html.index("</div>", html.index('id="amended"'))]
    assert f"ended with a score of {blue_before:.1f}" in amended
    title = kryptonite.case.decisions[[d.id for d in kryptonite.case.decisions].index("forum-thread")].title
    assert re.search(rf"Changed by Bruno at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC: {re.escape(title)} \(", amended)
    assert "strategy: apology" in amended and f"score {blue_before:.1f} → {blue_stored.score:.1f}" in amended

    # A second correction on the command line builds on the first.
    assert main(["--data-dir", str(tmp_path), "override", red_rec.session_id, "--store", where,
                 "--decision", "remedy", "--strategy", "denial", "--by", "Ana"]) == 0
    assert [a.target for a in store.amendments(red_rec.session_id)] == ["forum-thread", "remedy"]
    assert "Changed by Ana at 2026-12-04 03:40 UTC: " + title in round_html(store, store.session(red_rec.session_id))
    assert store.original_score(red_rec.session_id) == red_before
    assert score(replay(kryptonite.case, 3, inputs(store, red_rec.session_id))).score == \
        store.session(red_rec.session_id).score < red_after


def test_what_cannot_be_corrected_is_refused_with_a_reason(store, kryptonite, where, tmp_path, capsys) -> None:
    session, recording = start(store, kryptonite.case, kryptonite.path, 3, team="Red")
    run(session, Writer(GOOD["en"]))
    sid = recording.session_id
    with pytest.raises(EngineError, match="no written answer"):
        override_stored(store, sid, "statement", strategy="apology")
    with pytest.raises(EngineError, match="no red line"):
        override_stored(store, sid, "forum-thread", red_lines={"nothing": True})
    args = ["--data-dir", str(tmp_path), "override", "--store", where, "--strategy", "apology"]
    assert main([*args[:3], "feedfacefeed", *args[3:], "--decision", "forum-thread"]) == 1
    assert "neither a log file nor a round" in capsys.readouterr().err
    assert main([*args[:3], sid, *args[3:], "--decision", "statement"]) == 1
    assert "no written answer" in capsys.readouterr().err
    assert store.amendments(sid) == [] and store.session(sid).score == score(session).score
    running, live = start(store, kryptonite.case, kryptonite.path, 4, team="Blue")
    with pytest.raises(ResumeError, match="only a finished round"):
        override_stored(store, live.session_id, "forum-thread", strategy="apology")


def test_a_written_reply_is_corrected_after_the_end_in_the_store_and_in_replay(store) -> None:
    loaded = load_case(KRYPTONITE, "en")
    session, recording = start(store, loaded.case, loaded.path, 3, team="Red")
    post = until_post(session, "forum-pileon")
    session.reply(post.id, SAL["en"])
    session.end()
    before = score(session)
    [reply] = before.replies
    assert reply["value"] > 0 and not reply["changed"]
    red_line = session.injects["forum-pileon"].red_lines[0].id
    session.override(post=post.id, red_lines={red_line: True}, by="Ana")
    after = score(session)
    assert after.score < before.score and after.replies[0]["value"] == 0
    assert [(c["finding"], c["id"], c["by"]) for c in after.replies[0]["changed"]] == [("red_line", red_line, "Ana")]
    stored = store.session(recording.session_id)
    assert stored.score == after.score and store.original_score(stored.id) == before.score
    assert store.amendments(stored.id)[0].target == f"post:{post.id}"
    records = inputs(store, stored.id)
    assert score(replay(loaded.case, 3, records)).score == after.score
    assert score(replay(loaded.case, 3, [r for r in records if r["kind"] != "override"])).score == before.score
    # The report shows the written reply with its assessment and the change.
    html = round_html(store, stored)
    replies = html[html.index("Written replies"):]
    assert "right to take them off the floor" in replies and "changed by Ana" in replies and "<mark" in replies
    assert "Changed by Ana at 2026-12-04 03:40 UTC: the written reply to" in html
    with pytest.raises(EngineError, match="no written reply"):
        session.override(post="nope", strategy="apology")


# --- a file of format 2 (tests/data/stores/results-v2.sqlite, written by the format-2 code: a
# workshop of two teams on Kryptonite, each with a written answer) ---------------------------

V2_FILE = Path(__file__).parent / "data" / "stores" / "results-v2.sqlite"
V2_RED, V2_BLUE = "9186dd3966d649d7a6b7c2c232788923", "fd15a441144e43b5bc130940073e9348"


def test_a_format_2_file_is_migrated_and_its_rounds_kept_as_their_engine_scored_them(tmp_path: Path, kryptonite) -> None:
    """The file's rounds were played by engine 3; engine 4 plays Kryptonite differently (kind words
    wait for the story), so a correction is refused with the reason, and the ranking keeps the scores
    they ended with. Correcting a round after its end is tested above on rounds of this engine."""
    import shutil

    from game.results.store import SCHEMA_VERSION, ResultStore

    path = tmp_path / "results.db"
    shutil.copyfile(V2_FILE, path)
    with ResultStore(path) as store:
        assert store.migrated == list(range(3, SCHEMA_VERSION + 1)) and store.writable and store.problem is None
        assert len(list(tmp_path.glob("results.db.v2-backup-*"))) == 1
        w = ws.get(store, "Format 2")
        first = {s.team: s.score for s in ws.ranking(store, w)}
        assert list(first) == ["Red", "Blue"] and store.amendments(V2_RED) == []
        with pytest.raises(ResumeError, match=r"written by engine version 3 and this is engine version 4"):
            override_stored(store, V2_RED, "forum-thread", red_lines={"blame-owners": True}, strategy="denial",
                            by="Ana", case_path=kryptonite.path)
        assert store.amendments(V2_RED) == [] and {s.team: s.score for s in ws.ranking(store, w)} == first


def test_the_changes_travel_with_an_exported_round_and_a_store_copy(store, kryptonite, tmp_path: Path) -> None:
    from game.results.transfer import copy_store

    session, recording = start(store, kryptonite.case, kryptonite.path, 3, team="Red")
    run(session, Writer(GOOD["en"]))
    session.override("forum-thread", red_lines={"blame-owners": True}, by="Ana")
    stored = store.session(recording.session_id)
    path = ws.write_export(store, stored, tmp_path / "out")
    with open_store(tmp_path / "elsewhere.db") as other:
        report = ws.import_files(other, [path], verify_case=kryptonite.path)  # the replay agrees with the new score
        assert report.added == [stored.id], report.failed
        assert other.amendments(stored.id) == store.amendments(stored.id)
        assert other.session(stored.id).score == stored.score and other.original_score(stored.id) == store.original_score(stored.id)
    with open_store(tmp_path / "copy.db") as copy:
        copy_store(store, copy)
        assert copy.amendments(stored.id) == store.amendments(stored.id)


def test_a_change_made_while_the_server_is_away_waits_in_the_spool_and_is_sent_once(own_cluster, tmp_path: Path,
                                                                                      kryptonite) -> None:
    from game.results.postgres import PostgresStore

    store = open_store(own_cluster.url, tmp_path)
    assert isinstance(store, PostgresStore) and store.available
    store.retry_every = 0.0
    session, recording = start(store, kryptonite.case, kryptonite.path, 3, team="Away")
    run(session, Writer(GOOD["en"]))
    before = score(session).score
    own_cluster.stop()
    session.override("forum-thread", red_lines={"blame-owners": True}, by="Ana")  # in the debrief: no exception
    assert store.spool.count() == 1 and "cannot be reached" in (store.problem or "")
    own_cluster.start()
    assert store.retry() and store.spool.count() == 0
    stored = store.session(recording.session_id)
    assert stored.score == score(session).score < before and store.original_score(stored.id) == before
    # The same call sent again (a spool sent twice) changes nothing.
    lines = store.log_text(stored.id).splitlines()
    store.amend(stored.id, lines[-2:], stored.result, [{"decision": "forum-thread", "by": "Ana"}])
    assert len(store.amendments(stored.id)) == 1 and store.log_text(stored.id).splitlines() == lines
    store.close()
