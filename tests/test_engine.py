"""The engine's behaviour as a trainee would notice it, on the tiny case."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest

from game.engine.bots import BestBot, play
from game.engine.loader import case_files, load_case
from game.engine.log import SessionLog, read_log, replay
from game.engine.session import ENGINE_VERSION, DecisionOpened, EngineError, Session, Status, run
from game.engine.scoring import score

from conftest import ROOT


def run_log(case, seed, bot):
    stream = io.StringIO()
    session = play(case, seed, bot, SessionLog(stream))
    return session, stream.getvalue()


def test_same_seed_and_decisions_give_the_same_log_and_score(tiny_case):
    first, log1 = run_log(tiny_case, 11, "random")
    second, log2 = run_log(tiny_case, 11, "random")
    assert log1 == log2
    assert score(first).score == score(second).score
    _, other = run_log(tiny_case, 12, "random")
    assert other != log1


@pytest.mark.parametrize("bot", ["random", "best", "worst", "silent"])
def test_replaying_a_log_reproduces_the_score(tiny_case, tmp_path, bot):
    path = tmp_path / "run.jsonl"
    original = score(play(tiny_case, 4, bot, SessionLog.open(path)))
    contents = read_log(path)
    again = score(replay(tiny_case, contents.header["seed"], contents.inputs))
    assert again.to_json() == original.to_json() == contents.result


def test_silence_lets_the_story_spread(tiny_case):
    silent = play(tiny_case, 3, "silent")
    best = play(tiny_case, 3, "best")
    assert silent.state.metrics["visibility"] > best.state.metrics["visibility"]
    assert silent.state.metrics["trust"] < best.state.metrics["trust"]
    story = lambda s: sum(1 for p in s.feed if p.kind == "story")  # noqa: E731
    assert story(silent) > story(best)


def test_decision_opens_on_time_counts_down_and_times_out(tiny_case):
    session = Session(tiny_case, seed=1)
    events = session.advance(180)
    opened = [e for e in events if isinstance(e, DecisionOpened)]
    assert [e.decision.id for e in opened] == ["statement"]
    assert session.status is Status.AWAITING_DECISION
    assert session.time_left("statement") == 300
    session.advance(120)
    assert session.time_left("statement") == 180
    session.advance(180)
    assert session.status is Status.RUNNING
    assert session.state.choices["statement"] is None
    assert any(r.source == "statement.timeout" for r in session.state.responses)
    with pytest.raises(EngineError):
        session.decide("statement", "recall")


def test_choice_publishes_and_personas_answer_back(tiny_case):
    session = Session(tiny_case, seed=2)
    session.advance(180)
    session.decide("statement", "deny")
    org_post = session.feed[-1]
    assert org_post.author == "organisation" and org_post.text == "Our labels are accurate."
    assert session.stance("parent").value == "critical"
    session.advance(120)
    replies = [p for p in session.feed if p.reply_to == org_post.id]
    assert replies and replies[0].author == "parent"
    assert "Dairyco says the label is fine" in replies[0].text
    assert session.stance("parent").value == "hostile"


def test_triage_flags_signals_and_answers_count_as_responses(tiny_case):
    session = Session(tiny_case, seed=2)
    session.advance(60)
    signal = next(p for p in session.feed if p.signal)
    session.triage(signal.id, "answer", "thanks")
    assert "complaint" in session.state.answered
    assert session.state.first_response_at == 60
    assert session.feed[-1].reply_to == signal.id
    with pytest.raises(EngineError):
        session.triage(signal.id, "answer", "no-such-reply")


def test_facilitator_fires_optional_inject_and_ends_the_round(tiny_case):
    session = Session(tiny_case, seed=5)
    session.advance(60)
    session.fire("boss-worry")
    assert session.feed[-1].inject == "boss-worry"
    session.end()
    assert session.status is Status.ENDED
    assert score(session).ending["id"] == "scandal"


def test_engagement_grows_over_simulated_time(tiny_case):
    session = Session(tiny_case, seed=9)
    session.advance(70)
    signal = next(p for p in session.feed if p.signal)
    before = session.engagement(signal)
    session.advance(300)
    after = session.engagement(signal)
    assert after[0] > before[0]


def test_best_beats_worst_and_silent(tiny_case):
    scores = {bot: score(play(tiny_case, 8, bot)) for bot in ("best", "worst", "silent")}
    assert scores["best"].ending["kind"] == "success"
    assert scores["silent"].ending["kind"] == "failure"
    assert scores["best"].score > scores["worst"].score + 20
    assert scores["best"].score > scores["silent"].score + 40


def test_result_json_has_the_contract_fields(tiny_case):
    data = score(play(tiny_case, 1, "best")).to_json()
    assert {"scenario", "seed", "score", "breakdown", "ending", "decisions"} <= set(data)
    assert set(data["breakdown"]) == {"outcome", "strategy_fit", "response_time", "signal_detection",
                                      "tone_and_channel"}
    assert sum(data["breakdown_max"].values()) == 100
    assert data["score"] == pytest.approx(sum(data["breakdown"].values()), abs=0.06)
    json.dumps(data)


WALL_CLOCK = {"time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
              "time.perf_counter_ns", "time.process_time", "time.localtime", "time.gmtime", "time.ctime",
              "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today"}
NOT_IN_THE_ENGINE = ("pygame", "starlette", "uvicorn", "websockets", "psycopg", "game.ui", "game.host", "game.cli",
                     "game.play", "game.results", "game.authoring", "game.text_play")


def impurities(source: str, filename: str = "<source>") -> list[str]:
    """What in ``source`` breaks the engine's rules, read from its syntax tree (so ``from datetime
    import datetime; datetime.now()`` is caught as well as ``time.time()``): the wall clock,
    module-level random, and imports of a front end, a web server or a layer above the engine."""
    tree = ast.parse(source, filename)
    names: dict[str, str] = {}  # local name -> what it was imported as
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:  # "import a.b" binds a; "import a.b as c" binds c to a.b
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            modules = [node.module]
        else:
            continue
        found += [f"{filename}:{node.lineno}: imports {m}" for m in modules
                  if any(m == banned or m.startswith(banned + ".") for banned in NOT_IN_THE_ENGINE)]
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        parts = []
        inner: ast.expr = node
        while isinstance(inner, ast.Attribute):
            parts.append(inner.attr)
            inner = inner.value
        if not isinstance(inner, ast.Name) or inner.id not in names:
            continue
        dotted = ".".join([names[inner.id], *reversed(parts)])
        if dotted in WALL_CLOCK:
            found.append(f"{filename}:{node.lineno}: reads the wall clock ({dotted})")
        elif dotted.startswith("random.") and dotted.split(".")[1] not in ("Random", "SystemRandom"):
            found.append(f"{filename}:{node.lineno}: module-level random ({dotted})")
    return sorted(set(found))


def test_the_purity_check_catches_what_a_text_search_would_miss():
    caught = impurities("from datetime import datetime as dt\nimport time as t\nfrom random import choice\n"
                        "import pygame.display\nfrom game.ui import app\n"
                        "def f():\n    return dt.now(), t.monotonic(), choice([1])\n")
    assert sorted(line.split(": ", 1)[1] for line in caught) == [
        "imports game.ui", "imports pygame.display", "module-level random (random.choice)",
        "reads the wall clock (datetime.datetime.now)", "reads the wall clock (time.monotonic)"]
    assert impurities("import random\nrng = random.Random(7)\nx = rng.random()\n") == []


def test_engine_never_reads_the_wall_clock_or_imports_pygame():
    from conftest import ROOT

    engine = ROOT / "game" / "engine"
    found = [problem for path in sorted(engine.rglob("*.py"))
             for problem in impurities(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def test_advance_keeps_the_fraction_of_a_second_and_how_time_is_cut_changes_nothing(tiny_case):
    session = Session(tiny_case, seed=1)
    session.advance(2.5)
    assert session.t == 2
    session.advance(0.5)
    assert session.t == 3
    # A window advances by a frame's worth, a bot jumps from event to event: the same round.
    stream_small, stream_big = io.StringIO(), io.StringIO()
    small, big = Session(tiny_case, 9, SessionLog(stream_small)), Session(tiny_case, 9, SessionLog(stream_big))
    while not small.state.ended:
        small.advance(0.7)
    big.advance(tiny_case.duration)
    assert stream_small.getvalue() == stream_big.getvalue()
    assert [p.text for p in small.feed] == [p.text for p in big.feed] and len(small.feed) > 10


# --- golden runs: a shipped case, a seed, inputs, and the exact log they must give ------------

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", ["nestle-kitkat-2010", "kryptonite-2004-fr"])
def test_a_golden_run_replays_to_the_same_log_line_for_line(name):
    # Any change of the engine's behaviour shows here; on purpose, run tests/golden/regenerate.py.
    spec = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    expected = (GOLDEN / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    assert spec["inputs"] and any(i["kind"] == "decide" for i in spec["inputs"])
    case = load_case(ROOT / spec["case"], spec["language"]).case
    stream = io.StringIO()
    replay(case, spec["seed"], spec["inputs"], SessionLog(stream))
    got = stream.getvalue().splitlines()
    for number, (line, want) in enumerate(zip(got, expected), 1):
        assert line == want, f"{name}.jsonl line {number} differs"
    assert len(got) == len(expected)
    assert [json.loads(line) for line in got if line.startswith('{"type":"input"')] == spec["inputs"]


class _Listener:
    """Counts what a session tells its subscribers."""

    def __init__(self) -> None:
        self.started = self.ended = 0
        self.inputs: list[tuple[int, str]] = []
        self.events: list[object] = []

    def on_start(self, session) -> None:
        self.started += 1

    def on_input(self, t, kind, fields) -> None:
        self.inputs.append((t, kind))

    def on_events(self, t, events) -> None:
        self.events += events

    def on_end(self, session) -> None:
        self.ended += 1


def test_every_subscriber_hears_the_inputs_the_events_and_the_end_once(tiny_case):
    first, second = _Listener(), _Listener()
    session = Session(tiny_case, seed=4, log=first)
    session.subscribe(second)
    returned = []
    while not session.state.ended:
        returned += session.step()
        for decision in session.open_decisions:
            returned += session.decide(decision.id, decision.options[0].id)
    for listener in (first, second):
        assert listener.started == 1 and listener.ended == 1
        assert [kind for _, kind in listener.inputs] == ["decide"] * len(tiny_case.decisions)
    # What the front end got back is what every subscriber heard, from the first sample to the end.
    assert first.events == second.events == returned
    assert type(returned[-1]).__name__ == "Ended"


# --- ending early must not beat playing on (issue 17) ------------------------------------------

SHIPPED = sorted(case_files(ROOT / "scenarios"))


class _FirstDecisionThenSilence:
    """The best bot until it has chosen one option; then nothing (and, if asked, the round ends)."""

    def __init__(self, end: bool) -> None:
        self.best = BestBot()
        self.end = end

    def act(self, session, events) -> None:
        if not any(session.state.choices.values()):
            self.best.act(session, events)
        elif self.end:
            session.end()


@pytest.mark.parametrize("file", SHIPPED, ids=[f"{f.parent.name}/{f.name}" for f in SHIPPED])
def test_ending_early_after_one_good_decision_scores_no_better_than_playing_on_in_silence(file):
    case = load_case(file).case
    ended = run(Session(case, 1), _FirstDecisionThenSilence(end=True))
    silent_on = run(Session(case, 1), _FirstDecisionThenSilence(end=False))
    early, on = score(ended), score(silent_on)
    assert early.ended_early_at is not None and early.ended_early_at < case.duration
    assert early.to_json()["ended_early_at"] == early.ended_early_at  # the debrief can say so
    assert on.ended_early_at is None and "ended_early_at" not in on.to_json()
    # The rest of the round was played out: every decision still to come opened and timed out.
    assert ended.t >= case.duration and set(ended.state.opened_at) >= set(silent_on.state.opened_at)
    assert early.score <= on.score
    assert early.score < score(play(case, 1, "best")).score


# --- logs written by an older engine ----------------------------------------------------------


def _older_engine_log(case_dir, tmp_path):
    """A Nestlé log as engine 1 wrote it: no engine in its header, an early end stopped at once."""
    case = load_case(case_dir).case
    stream = io.StringIO()
    session = Session(case, 5, SessionLog(stream, case_dir / "scenario.yaml"))
    session.advance(300)
    session.end()
    lines = stream.getvalue().splitlines()
    header = json.loads(lines[0])
    del header["engine"]
    result = json.loads(lines[-1])
    result["result"]["score"] = 71.3  # what engine 1 gave for stopping at 5 minutes
    file = tmp_path / "old.jsonl"
    file.write_text("\n".join([json.dumps(header), *lines[1:-1], json.dumps(result)]) + "\n", encoding="utf-8")
    return file, header, [json.dumps(header), *lines[1:-1]]


def test_replaying_an_older_engines_log_says_which_engine_wrote_it(tmp_path, capsys):
    from game.cli import main

    nestle = ROOT / "scenarios" / "nestle-kitkat-2010"
    file, _, _ = _older_engine_log(nestle, tmp_path)
    assert main(["replay", str(file)]) == 0
    err = capsys.readouterr().err
    assert f"written by engine version 1 and this is engine version {ENGINE_VERSION}" in err and "71.3" in err
    assert "differs" not in err
    # A log of this engine whose result does not match is still reported as damaged.
    lines = file.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["engine"] = ENGINE_VERSION
    file.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["replay", str(file)]) == 1
    assert "differs from the logged result" in capsys.readouterr().err


def test_a_round_stopped_under_an_older_engine_is_not_resumed_and_is_left_as_stored(tmp_path):
    from game.results.recording import ResumeError, resume, start
    from game.results.store import ResultStore

    nestle = ROOT / "scenarios" / "nestle-kitkat-2010"
    case = load_case(nestle).case
    with ResultStore(tmp_path / "results.db") as store:
        session, recording = start(store, case, nestle / "scenario.yaml", 5, team="Old")
        session.advance(300)
        recording.interrupt()
        lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in store.log_records(recording.session_id)]
        header = json.loads(lines[0])
        del header["engine"]
        store.replace_lines(recording.session_id, [json.dumps(header), *lines[1:]], 300)
        with pytest.raises(ResumeError, match="cannot be resumed: it was written by engine version 1"):
            resume(store, recording.session_id, case, nestle / "scenario.yaml")
        assert "engine" not in store.log_records(recording.session_id)[0]  # the stored round is left as it was


class _NoiseAt:
    """A facilitator who turns a team's noise to ``factor`` at ``t`` and otherwise stays silent."""

    def __init__(self, t: int, factor: float) -> None:
        self.t, self.factor, self.done = t, factor, False

    def act(self, session: Session, events: list) -> None:
        if not self.done and session.t >= self.t:
            self.done = True
            session.set_noise(self.factor)


def _noise_between(session: Session, start: int, end: int) -> int:
    return sum(1 for p in session.feed if p.kind == "noise" and start <= p.t < end)


def test_a_noise_storm_floods_the_feed_calm_empties_it_and_replay_gives_the_same_round(tmp_path):
    case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
    rounds = {}
    for name, factor in (("calm", 0), ("normal", 1), ("storm", 3)):
        path = tmp_path / f"{name}.jsonl"
        session = run(Session(case, 5, SessionLog.open(path)), _NoiseAt(600, factor))
        contents = read_log(path)
        assert [i for i in contents.inputs if i["kind"] == "noise"] == [
            {"type": "input", "t": 600, "kind": "noise", "factor": float(factor)}]
        again = io.StringIO()
        replay(case, 5, contents.inputs, SessionLog(again))
        assert again.getvalue() == path.read_text(encoding="utf-8")
        rounds[name] = session
    before = {name: _noise_between(s, 0, 600) for name, s in rounds.items()}
    assert before["calm"] == before["normal"] == before["storm"] > 0  # the same round until the facilitator acts
    during = {name: _noise_between(s, 600, 2400) for name, s in rounds.items()}
    assert during["calm"] == 0
    assert during["storm"] > 2 * during["normal"] > 0


@pytest.mark.parametrize("factor", [-1, 5.5, float("nan"), "3", True, None])
def test_a_noise_factor_out_of_range_is_refused_and_changes_nothing(tiny_case, factor):
    session = Session(tiny_case, 1)
    with pytest.raises(EngineError, match="noise factor is a number from 0"):
        session.set_noise(factor)
    assert session.state.noise == 1.0


def test_the_facilitators_round_passes_the_noise_factor_to_its_session(tiny_case):
    from game.play.round import Round

    seen = []
    round_ = Round(Session(tiny_case, 1))
    round_.subscribe(seen.append)
    update = round_.set_noise(3, by="facilitator")
    assert round_.session.state.noise == 3.0 and update.by == "facilitator" and seen == [update]
    with pytest.raises(ValueError):
        round_.set_noise(9)


# --- issue 17: channel logic and a feed that does not repeat itself ----------------------------


class _AnswerWhenItArrives:
    """Answers one inject's post with one of its replies as soon as it is in the feed; silent otherwise."""

    def __init__(self, inject: str, reply: str) -> None:
        self.inject, self.reply, self.post = inject, reply, None

    def act(self, session: Session, events: list) -> None:
        if self.post is None:
            post = next((p for p in session.feed if p.inject == self.inject), None)
            if post is not None:
                self.post = post
                session.triage(post.id, "answer", self.reply)


def test_a_private_answer_to_an_employees_email_gets_no_public_reactions_and_is_not_a_public_message():
    case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
    for seed in range(4):
        driver = _AnswerWhenItArrives("employee-email", "tom-guide")
        session = run(Session(case, seed), driver)
        reply = next(p for p in session.feed if p.reply_to == driver.post.id)
        assert reply.channel == "email" and reply.author == "organisation"
        assert not [p for p in session.feed if p.reply_to == reply.id]  # nobody answers a private email
        assert not [p for p in session.feed if p.kind == "reaction" and p.channel in ("email", "phone")]
        result = score(session)
        assert [r for r in session.state.responses if r.source.startswith("reply:tom-guide")][0].published is False
        assert result.to_json()["breakdown"]["tone_and_channel"] == 0  # nothing public: "published nothing"
        assert session.state.first_response_at is None


def test_the_feed_does_not_repeat_a_text_within_its_pool_nor_an_author_twice_in_a_row():
    case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
    pools = {text: pool for pool in case.noise for text in pool.texts}
    for seed in range(3):
        session = play(case, seed, "silent")
        crowd = [p for p in session.feed if p.author.startswith("crowd:")]
        assert all(a.author != b.author for a, b in zip(crowd, crowd[1:]))
        for pool in case.noise:
            texts = [p.template for p in session.feed if p.kind == "noise" and pools.get(p.template) is pool]
            window = len(pool.texts)
            for i in range(len(texts)):
                seen = texts[i:i + window]
                # Within any run of `window` posts of a pool, a text appears at most twice (once per deck).
                assert max(seen.count(t) for t in seen) <= 2
            assert all(a != b for a, b in zip(texts, texts[1:]))
        story = [p.text for p in session.feed if p.kind == "story"]
        assert len(story) > 50 and all(a != b for a, b in zip(story, story[1:]))


class _CloseThePage:
    def act(self, session: Session, events: list) -> None:
        if "logos" in session.state.open:
            session.decide("logos", "close-page")


def test_once_the_team_switches_comments_off_nobody_posts_on_the_facebook_page():
    case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
    for seed in range(3):
        session = run(Session(case, seed), _CloseThePage())
        closed_at = session.state.decided_at["logos"]
        public = [p for p in session.feed if p.channel == "facebook" and p.kind in ("noise", "story", "reaction")]
        assert [p for p in public if p.t < closed_at]  # fans were posting there before
        assert not [p for p in public if p.t > closed_at]
        assert [p for p in session.feed if p.kind == "story" and p.t > closed_at]  # the story goes on elsewhere


@pytest.mark.parametrize("bot", ["random", "best", "worst", "silent"])
def test_a_bot_woken_by_the_event_clock_plays_the_round_it_plays_stepped_tick_by_tick(bot):
    from game.engine.bots import BOTS

    case = load_case(ROOT / "scenarios" / "nestle-kitkat-2010").case
    for seed in (1, 2):
        woken, stepped = io.StringIO(), io.StringIO()
        play(case, seed, bot, SessionLog(woken))
        session, player, events = Session(case, seed, SessionLog(stepped)), BOTS[bot](seed), []
        while not session.state.ended:
            player.act(session, events)
            events = session.step()
        assert woken.getvalue() == stepped.getvalue()


def test_the_engine_benchmark_takes_its_arguments_like_a_command(tmp_path) -> None:
    """`bench_engine.py --help` lists its options; a wrong case is one line, not a traceback."""
    import subprocess
    import sys

    bench = ROOT / "bench" / "bench_engine.py"
    shown = subprocess.run([sys.executable, str(bench), "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--callgrind" in shown.stdout and "--play" in shown.stdout
    wrong = subprocess.run([sys.executable, str(bench), str(tmp_path / "nowhere")], capture_output=True,
                           text=True, timeout=60)
    assert wrong.returncode == 2 and "no such case file" in wrong.stderr and "Traceback" not in wrong.stderr
    played = subprocess.run([sys.executable, str(bench), "--play", "2"], capture_output=True, text=True, timeout=120)
    assert played.returncode == 0 and played.stdout == ""
