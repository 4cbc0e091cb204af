"""A round with written answers: published as the organisation's post, assessed, scored, replayed."""

from __future__ import annotations

from typing import Any

import pytest

from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score
from game.engine.session import EngineError, Session, run

CASE = "scenarios/kryptonite-2004"


class Recorder:
    """Keeps the inputs of a run, as the session log does."""

    def __init__(self) -> None:
        self.inputs: list[dict[str, Any]] = []

    def on_start(self, session: Session) -> None: ...
    def on_input(self, t: int, kind: str, fields: dict[str, Any]) -> None:
        self.inputs.append({"type": "input", "t": t, "kind": kind, **fields})
    def on_events(self, t: int, events: list) -> None: ...
    def on_end(self, session: Session) -> None: ...


class Writer:
    """Writes the given texts where a decision takes them, chooses the first option elsewhere."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def act(self, session: Session, events: list) -> None:
        for d in session.open_decisions:
            if d.id in self.texts:
                session.write(d.id, self.texts[d.id])
            else:
                session.decide(d.id, d.options[0].id)


GOOD = {
    "en": {
        "forum-thread": "We confirm it: we tested it and the lock can be opened with a pen. We're sorry. Use a second lock meanwhile; we will say more by Friday.",
        "remedy": "We're sorry. We will exchange every tubular lock free, whatever its age, no receipt needed. Register on this site from Wednesday.",
    },
    "fr": {
        "forum-thread": "Nous confirmons : nous avons testé, l'antivol peut être ouvert avec un stylo. Pardon. En attendant, utilisez un second antivol ; nous en dirons plus vendredi.",
        "remedy": "Pardon. Nous échangerons gratuitement chaque antivol à clé tubulaire, quel que soit son âge, sans ticket. Inscription sur ce site dès mercredi.",
    },
}
BAD = {"en": {"forum-thread": "That video is fake, staged by a troll. Our locks are perfectly safe."},
       "fr": {"forum-thread": "Cette vidéo est un canular monté par un troll. Nos antivols sont parfaitement sûrs."}}


def play(lang: str, texts: dict[str, str]) -> tuple[Session, Recorder]:
    recorder = Recorder()
    session = Session(load_case(CASE, lang).case, seed=3, log=recorder)
    return run(session, Writer(texts)), recorder


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_written_round_publishes_the_text_and_replays_the_same(lang: str) -> None:
    session, recorder = play(lang, GOOD[lang])
    org_posts = [p.text for p in session.feed if p.author == "organisation"]
    for text in GOOD[lang].values():
        assert text in org_posts
    assert session.written["remedy"].key_points == {"free-exchange": True, "no-receipt": True, "how": True}
    assert session.state.choices["remedy"] == "full"
    result = score(session)
    again = replay(session.case, 3, recorder.inputs)
    assert score(again).score == result.score
    assert [p.text for p in again.feed] == [p.text for p in session.feed]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_denial_written_scores_below_a_good_answer(lang: str) -> None:
    good, _ = play(lang, GOOD[lang])
    bad, _ = play(lang, BAD[lang])
    assert bad.written["forum-thread"].red_lines["deny-the-video"]
    assert bad.state.responses[0].strategy == "denial"
    assert score(bad).score < score(good).score


def test_the_channel_limit_is_hard_and_choose_only_decisions_refuse_text() -> None:
    session = Session(load_case(CASE, "en").case, seed=1)
    while not session.open_decisions:
        session.step()
    decision = session.open_decisions[0]
    assert decision.id == "forum-thread"
    with pytest.raises(EngineError, match="characters"):
        session.write("forum-thread", "x" * 100_000)
    while "statement" not in {d.id for d in session.open_decisions}:
        if session.open_decisions and session.open_decisions[0].id == "forum-thread":
            session.write("forum-thread", "We are looking into it.")
        session.step()
    with pytest.raises(EngineError, match="not a written answer"):
        session.write("statement", "Hello")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_writing_bots_write_and_the_best_writer_beats_the_worst(lang: str) -> None:
    from game.engine.bots import play as bot_play

    case = load_case(CASE, lang).case
    best = bot_play(case, 1, "best-writer")
    worst = bot_play(case, 1, "worst-writer")
    assert set(best.written) == {"forum-thread", "remedy"}
    assert any(worst.written[d].red_lines and any(worst.written[d].red_lines.values()) for d in worst.written)
    assert score(best).score > score(worst).score + 20


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_same_answer_crossing_a_red_line_scores_lower(lang: str) -> None:
    crossing = {"troll": {"en": " Some of the noise comes from a troll.", "fr": " Une partie du bruit vient d'un troll."}}
    clean, _ = play(lang, GOOD[lang])
    dirty, _ = play(lang, {**GOOD[lang], "forum-thread": GOOD[lang]["forum-thread"] + crossing["troll"][lang]})
    assert dirty.written["forum-thread"].red_lines["blame-owners"]
    assert not clean.written["forum-thread"].red_lines["blame-owners"]
    clean_result, dirty_result = score(clean), score(dirty)
    clean_review = next(d for d in clean_result.decisions if d.decision == "forum-thread")
    dirty_review = next(d for d in dirty_result.decisions if d.decision == "forum-thread")
    assert dirty_review.fit == 0 < clean_review.fit
    assert dirty_review.written["red_lines"][1] == {
        "id": "blame-owners", "label": dirty.decisions["forum-thread"].red_lines[1].label, "found": True,
        "words": "troll"}
    assert dirty_result.breakdown["strategy_fit"].points < clean_result.breakdown["strategy_fit"].points
    assert dirty_result.score < clean_result.score


def test_a_written_review_shows_the_text_what_was_missing_and_the_best_answer() -> None:
    texts = {**GOOD["en"], "remedy": "We're sorry. We will exchange every tubular lock free."}
    session, _ = play("en", texts)
    review = next(d for d in score(session).decisions if d.decision == "remedy").written
    assert review["text"] == texts["remedy"]
    assert [(p["id"], p["found"]) for p in review["key_points"]] == [("free-exchange", True), ("no-receipt", False),
                                                                      ("how", False)]
    assert review["rating"]["key_points"] == pytest.approx(1 / 3, abs=1e-3)
    assert review["best"]["post"] == next(o.post for o in session.decisions["remedy"].options if o.id == review["best"]["option"])
    assert any(f["kind"] == "strategy" and f["id"] == "apology" and texts["remedy"][slice(*f["spans"][0])] == f["words"]
               for f in review["evidence"])


def test_a_facilitator_override_changes_the_score_and_survives_replay(tmp_path) -> None:
    from game.engine.log import SessionLog, read_log

    path = tmp_path / "round.jsonl"
    case = load_case(CASE, "en").case
    session = run(Session(case, seed=3, log=SessionLog.open(path)), Writer(GOOD["en"]))
    before = score(session)
    # The trainer reads a red line the words did not show, in the debrief, after the end.
    session.override("forum-thread", red_lines={"blame-owners": True}, key_points={"when": False}, by="Ana")
    after = score(session)
    assert after.score < before.score
    review = next(d for d in after.decisions if d.decision == "forum-thread")
    assert review.fit == 0
    assert {(c["finding"], c["id"], c["now"], c["by"]) for c in review.written["changed"]} == {
        ("red_line", "blame-owners", True, "Ana"), ("key_point", "when", False, "Ana")}
    contents = read_log(path)
    assert contents.inputs[-1]["kind"] == "override"
    assert contents.result is not None and contents.result["score"] == after.score
    assert score(replay(case, 3, contents.inputs)).score == after.score
    without = [i for i in contents.inputs if i["kind"] != "override"]
    assert score(replay(case, 3, without)).score == before.score
    # A strategy the trainer reads instead changes the fit the same way, and is said as changed.
    session.override("remedy", strategy="denial", by="Ana")
    changed = next(d for d in score(session).decisions if d.decision == "remedy")
    assert changed.strategy == "denial" and changed.written["detected"]["strategy"] != "denial"
    with pytest.raises(EngineError, match="no red line"):
        session.override("remedy", red_lines={"nothing-like-it": True})
    with pytest.raises(EngineError, match="no written answer"):
        session.override("statement", strategy="apology")


OPSEC = "scenarios/armed-forces-opsec"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_inspired_opsec_case_takes_written_answers_with_its_red_lines(lang: str) -> None:
    from game.engine.bots import play as bot_play

    case = load_case(OPSEC, lang).case
    both = {d.id: d for d in case.decisions if d.responses.value == "both"}
    assert set(both) == {"first-word", "geotag", "families"}
    assert all(d.key_points and d.red_lines for d in both.values())
    # The author's best first post makes every key point; the same post naming the sergeant
    # crosses the red line of a name before the next of kin, and scores lower.
    holding = next(o.post for o in both["first-word"].options if o.id == "holding")
    naming = {"en": " Sgt. Luka Varenne was killed.", "fr": " Le sergent Luka Varenne a été tué."}[lang]
    clean, _ = run_opsec(lang, holding)
    named, _ = run_opsec(lang, holding + naming)
    assert all(clean.written["first-word"].key_points.values())
    assert clean.written["first-word"].strategy == "adjusting_information"
    assert named.written["first-word"].red_lines["name-before-kin"]
    assert named.state.choices["first-word"] == "confirm-all"  # the poor option's effects: the name is out
    assert score(named).score < score(clean).score
    best, worst = bot_play(case, 1, "best-writer"), bot_play(case, 1, "worst-writer")
    assert set(best.written) == set(both)
    assert score(best).score > score(worst).score


def run_opsec(lang: str, first_word: str) -> tuple[Session, Recorder]:
    recorder = Recorder()
    session = Session(load_case(OPSEC, lang).case, seed=2, log=recorder)
    return run(session, Writer({"first-word": first_word})), recorder


def test_a_microblog_answer_over_its_limit_is_refused() -> None:
    session = Session(load_case(OPSEC, "en").case, seed=1)
    while "first-word" not in session.state.open:
        session.step()
    with pytest.raises(EngineError, match="281 characters; micro takes 280"):
        session.write("first-word", "x" * 281)
    session.write("first-word", "x" * 280)


def test_the_override_command_corrects_a_logged_round_and_replay_agrees(tmp_path, capsys) -> None:
    from game.cli import main
    from game.engine.log import SessionLog, read_log

    path = tmp_path / "round.jsonl"
    case = load_case(CASE, "en")
    run(Session(case.case, seed=3, log=SessionLog.open(path, case.path)), Writer(GOOD["en"]))
    before = read_log(path).result["score"]
    assert main(["override", str(path), "--decision", "forum-thread", "--red-line", "blame-owners=yes",
                 "--by", "Ana"]) == 0
    out = capsys.readouterr().out
    assert f"score {before} -> " in out and "red line blame-owners: False -> True (by Ana)" in out
    after = read_log(path).result["score"]
    assert after < before
    assert main(["replay", str(path)]) == 0  # the replay, override included, gives the logged result
    assert main(["override", str(path), "--decision", "forum-thread", "--red-line", "blame-owners=maybe"]) == 1
    assert main(["override", str(path), "--decision", "statement", "--strategy", "apology"]) == 1
    assert "no written answer" in capsys.readouterr().err
