"""Test plans: named paths through a case, played by validate, simulate and play --choices."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from game.authoring.lint import lint_files
from game.authoring.plans import (
    PathPlan,
    all_combinations,
    check_plan,
    choice_problem,
    differences,
    load_plan,
    parse_choices,
    play_path,
)
from game.authoring.simulate import simulate
from game.cli import main
from game.engine.loader import case_files, load_case

from conftest import ROOT

SCENARIOS = ROOT / "scenarios"
KRYPTONITE = SCENARIOS / "kryptonite-2004"


def _copy(tmp_path: Path, case: Path = KRYPTONITE) -> Path:
    folder = tmp_path / case.name
    shutil.copytree(case, folder)
    return folder


def _line_of(file: Path, text: str) -> tuple[int, int]:
    for number, line in enumerate(file.read_text().splitlines(), 1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(f"{text!r} not in {file}")


@pytest.mark.parametrize("file", list(case_files(SCENARIOS)), ids=str)
def test_every_shipped_case_has_a_plan_that_its_every_language_meets(file):
    loaded = load_case(file)
    plan = load_plan(file.parent / "plans.yaml", loaded.case)
    ids = {p.id for p in plan.paths}
    assert "silence" in ids and len(ids) >= 3
    if loaded.case.historical:
        assert "historical" in ids  # the path history took is played, so its ending is checked
    assert check_plan(loaded.case, file) == []


def test_the_historical_paths_end_as_history_did_not_as_the_praise_of_doing_better():
    for case, praised in (("kryptonite-2004", "owned-it"), ("nestle-kitkat-2010", "reform-early")):
        loaded = load_case(SCENARIOS / case)
        plan = load_plan(SCENARIOS / case / "plans.yaml", loaded.case)
        historical = next(p for p in plan.paths if p.id == "historical")
        _, run = play_path(loaded.case, historical, 1)
        ending = next(e for e in loaded.case.endings if e.id == run.ending)
        assert run.ending != praised and ending.kind == "mixed"
        assert "close to what really happened" in ending.text


def test_validate_reports_a_path_that_misses_its_ending_at_the_expectation(tmp_path, capsys):
    folder = _copy(tmp_path)
    plans = folder / "plans.yaml"
    plans.write_text(plans.read_text().replace("      ending: ten-days", "      ending: owned-it", 1))
    line, column = _line_of(plans, "ending: owned-it")
    assert main(["validate", str(folder)]) == 1
    captured = capsys.readouterr()
    err = captured.err + captured.out
    expected = f"{plans}:{line}:{column + len('ending: ')}: error: path 'historical' on seed 1 (en): " \
               "reached the ending 'ten-days', expected 'owned-it'"
    assert expected in err
    assert err.count("on seed") == 2  # once per language version, not once per seed


def test_a_missed_score_band_and_objective_are_each_reported_where_written(tmp_path):
    folder = _copy(tmp_path)
    plans = folder / "plans.yaml"
    text = plans.read_text().replace("score: [25, 50]", "score: [60, 70]", 1)
    text = text.replace("objectives: {listen: false, own-it: false", "objectives: {listen: true, own-it: false", 1)
    plans.write_text(text)
    found = {(d.line, d.code): d.message for d in check_plan(load_case(folder).case, folder / "scenario.yaml")}
    score_line, _ = _line_of(plans, "score: [60, 70]")
    objective_line, _ = _line_of(plans, "objectives: {listen: true")
    assert re.search(r"scored \d+\.\d, outside the band 60-70", found[(score_line, "plan-missed")])
    assert "objective 'listen' was not met, expected met" in found[(objective_line, "plan-missed")]
    assert len(found) == 2


def test_a_choice_the_case_does_not_have_is_named_at_its_place(tmp_path):
    folder = _copy(tmp_path)
    plans = folder / "plans.yaml"
    plans.write_text(plans.read_text().replace("remedy.partial, blogger.ignore", "remedy.half, blogger.ignore", 1))
    line, column = _line_of(plans, "remedy.half")
    diagnostics = lint_files([folder / "scenario.yaml", folder / "scenario.fr.yaml"])
    plan_errors = [d for d in diagnostics if d.file == str(plans)]
    assert [(d.line, d.column, d.code) for d in plan_errors] == [(line, column, "plan-unknown-id")]
    assert "no option 'half'" in plan_errors[0].message and "partial" in plan_errors[0].message


def test_a_choice_that_never_opens_is_reported(tmp_path):
    # `widen` opens only when the first offer was not the full exchange.
    folder = _copy(tmp_path)
    plans = folder / "plans.yaml"
    plans.write_text(plans.read_text().replace("choices: [remedy.partial, widen.partial]",
                                               "choices: [remedy.full, widen.partial]", 1))
    messages = [d.message for d in check_plan(load_case(folder).case, folder / "scenario.yaml")]
    assert any("decision 'widen' never opened" in m for m in messages)


def test_timed_choices_are_made_after_their_delay():
    case = load_case(KRYPTONITE).case
    quick = PathPlan("quick", parse_choices("forum-thread.own"))
    slow = PathPlan("slow", parse_choices("forum-thread.own@00:03:30"))
    fast_session, fast = play_path(case, quick, 1)
    slow_session, late = play_path(case, slow, 1)
    assert fast_session.state.choices["forum-thread"] == slow_session.state.choices["forum-thread"] == "own"
    # The same answer, three and a half minutes later (a seed's noise can hide what that costs).
    opened = fast_session.state.opened_at["forum-thread"]
    assert fast_session.state.decided_at["forum-thread"] == opened
    assert slow_session.state.decided_at["forum-thread"] == opened + 210
    too_late = next(p for p in (choice_problem(case, c) for c in parse_choices("forum-thread.own@00:04:00")) if p)
    assert "closes after 00:04:00" in too_late


def test_play_choices_plays_one_path_headless(capsys):
    assert main(["play", str(KRYPTONITE), "--choices", "forum-thread.watch,statement.draft,remedy.partial,"
                 "widen.full", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    chosen = {d["decision"]: d["option"] for d in result["decisions"]}
    assert result["ending"]["id"] == "ten-days"
    assert chosen["statement"] == "draft" and chosen["widen"] == "full" and chosen["press"] is None
    assert main(["play", str(KRYPTONITE), "--choices", "forum-thread.x"]) == 2
    assert "no option 'x' (options: own, holding, watch, takedown)" in capsys.readouterr().err


def test_a_replay_that_differs_says_what_differs(tmp_path, capsys):
    log = tmp_path / "run.jsonl"
    assert main(["play", str(KRYPTONITE), "--choices", "forum-thread.own,remedy.full", "--log", str(log)]) == 0
    capsys.readouterr()
    lines = log.read_text().splitlines()
    lines = [line.replace('"option":"full"', '"option":"partial"') if '"kind":"decide"' in line else line
             for line in lines]
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    err = capsys.readouterr().err
    assert "ending: logged 'ten-days', replayed 'receipt-trap'" in err and "score: logged" in err


def test_differences_names_the_place_even_when_scores_match():
    logged = {"score": 87.9, "ending": {"id": "a"}, "responses": [{"post": "We are sorry."}]}
    replayed = {"score": 87.9, "ending": {"id": "a"}, "responses": [{"post": "We regret."}]}
    assert differences(logged, replayed) == ["responses[0].post: logged 'We are sorry.', replayed 'We regret.'"]
    assert differences(logged, logged) == []


def test_simulate_prints_each_path_beside_the_bots():
    report = simulate(KRYPTONITE, runs=3, bot="random")
    text = report.to_text()
    assert "Test plan paths (seeds 1, 2, 3)" in text
    historical = next(line for line in text.splitlines() if line.strip().startswith("historical"))
    assert "ten-days" in historical and historical.rstrip().endswith("ok")
    assert report.to_json()["paths"]["historical"]["ok"] is True


def test_every_combination_lists_the_endings_it_reaches():
    case = load_case(KRYPTONITE).case
    sample = all_combinations(case, seed=1, limit=40)
    assert sample.sampled and len(sample.played) == 40
    assert sum(sample.endings().values()) == 40
    assert len(sample.endings()) >= 2  # middle paths end in more than one place
    text = sample.to_text(case)
    assert "a seeded sample of 40 played" in text and "e.g. " in text
    assert all_combinations(case, seed=1, limit=40).to_json() == sample.to_json()  # same seed, same sample


def test_validate_prints_its_summary_on_standard_output(capsys):
    assert main(["validate", str(KRYPTONITE)]) == 0
    assert "2 case file(s) checked: no problem found." in capsys.readouterr().out


def _forum_fit(choices: str) -> tuple[float, str]:
    from game.engine.scoring import score

    case = load_case(KRYPTONITE).case
    session, _ = play_path(case, PathPlan("p", parse_choices(choices), others="best"), 1)
    forum = next(d for d in score(session).decisions if d.decision == "forum-thread")
    return forum.fit, forum.why


def test_a_grave_crisis_weighs_who_apologises_the_leader_in_person_or_the_team_alone():
    # Kryptonite is preventable: the forum apology is the team's (speaker: team). With the leader's
    # own free exchange in the round it counts in full; with the parent company's partial offer
    # (no speaker) and the widened offer refused, the team apologised alone and it weighs 0.8.
    alone, why_alone = _forum_fit("forum-thread.own,remedy.partial,widen.partial")
    backed, why_backed = _forum_fit("forum-thread.own,remedy.full")
    assert backed == 1.0 and "since the leader took responsibility in person" in why_backed
    assert alone == 0.8 and "the leader never does" in why_alone


@pytest.mark.parametrize("kind,points,said", [
    ("mixed", 88, "Here they disagree: the response scored well, but it did not do what the best ending asks for"),
    ("success", 40, "Here they disagree: the story ended well, but the response behind it scored low."),
    ("success", 90, "Here they agree."),
    ("failure", 30, "Here they agree."),
])
def test_the_debrief_says_how_the_ending_relates_to_the_score(kind, points, said):
    from game.i18n import translator
    from game.play import words
    from game.play.debrief import Debrief

    debrief = Debrief.from_json({"score": points, "ending": {"id": "e", "title": "E", "kind": kind, "text": ""}})
    text = words.ending_and_score(debrief, translator("en"))
    assert said in text and f"The score ({points} / 100)" in text
    assert "Ici" in words.ending_and_score(debrief, translator("fr"))


def test_the_terminal_debrief_of_a_played_path_gives_the_ending_and_score_rule():
    from game.engine.scoring import score
    from game.text_play import format_result

    case = load_case(KRYPTONITE).case
    plan = load_plan(KRYPTONITE / "plans.yaml", case)
    historical = next(p for p in plan.paths if p.id == "historical")
    session, run = play_path(case, historical, 1)
    text = format_result(score(session), case)
    assert run.ending == "ten-days" and "whatever the score" in text and "Here they agree." in text
