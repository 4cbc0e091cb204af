"""`crisis-sim simulate`: the balance report of a case."""

from __future__ import annotations

import json

from game.authoring.simulate import simulate
from game.cli import main

from conftest import TINY


def test_random_play_reaches_every_ending_of_the_tiny_case_and_the_report_says_so(capsys):
    assert main(["simulate", str(TINY), "--runs", "150"]) == 0
    text = capsys.readouterr().out
    assert "150 runs with the random bot (seeds 1-150)" in text
    for ending in ("trusted", "bruised", "scandal"):
        line = next(row for row in text.splitlines() if row.strip().startswith(ending))
        assert "never reached" not in line and not line.split()[1].startswith("0.0")
    assert "statement.recall" in text and "always" in text  # the best bot always recalls
    assert "Best minus worst:" in text
    assert "#" in text  # the histogram


def test_the_report_counts_what_it_played():
    report = simulate(TINY, runs=60, bot="random")
    data = report.to_json()
    assert data["runs"] == 60 and sum(data["score"]["histogram"]) == 60
    assert abs(sum(data["endings"].values()) - 1) < 1e-3  # each share is rounded to 4 decimals
    p = data["score"]["percentiles"]
    assert data["score"]["min"] <= p["p5"] <= p["p50"] <= p["p95"] <= data["score"]["max"]
    assert data["reached"]["complaint"] == 1.0 and data["reached"]["boss-worry"] == 0.0  # optional, never fired
    assert data["best"]["options"]["statement"] == {"recall": 1.0, "deny": 0.0}
    assert abs(data["gap"] - (data["best"]["mean"] - data["worst"]["mean"])) <= 0.011 and data["gap"] > 20


def test_same_seed_same_report_whatever_the_number_of_workers(capsys):
    assert main(["simulate", str(TINY), "--runs", "80", "--seed", "7", "--format", "json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["simulate", str(TINY), "--runs", "80", "--seed", "7", "--jobs", "2", "--format", "json"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one == two
    assert main(["simulate", str(TINY), "--runs", "80", "--seed", "8", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) != one


def test_a_broken_case_is_reported_not_simulated(tmp_path, capsys):
    (tmp_path / "scenario.yaml").write_text("id: [\n", encoding="utf-8")
    assert main(["simulate", str(tmp_path), "--runs", "5"]) == 1
    assert "scenario.yaml:" in capsys.readouterr().err


def test_the_progress_bar_counts_up_to_every_run():
    import io

    from game.cli.authoring import ProgressBar

    stream = io.StringIO()
    calls = []
    bar = ProgressBar(stream)

    def progress(done, total):
        calls.append((done, total))
        bar(done, total)

    simulate(TINY, runs=30, progress=progress)  # 30 random runs, and 30 each for best, worst and silent
    assert calls[-1] == (120, 120) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert "100%  120/120 runs" in stream.getvalue()


def test_the_report_shows_every_bot_once_and_endings_any_of_them_reach():
    silent = simulate(TINY, runs=20, bot="silent")
    text = silent.to_text()
    header = next(line for line in text.splitlines() if line.startswith("Endings"))
    assert header.split() == ["Endings", "silent", "random", "best", "worst"]
    for ending, share in silent.endings(silent.of("random")).items():
        line = next(line for line in text.splitlines() if line.strip().startswith(ending + " "))
        assert ("never reached" in line) is (share == 0 and not any(
            silent.endings(silent.of(b))[ending] for b in ("silent", "best", "worst")))
    best = simulate(TINY, runs=10, bot="best").to_text()
    assert next(line for line in best.splitlines() if line.startswith("Endings")).split() == [
        "Endings", "best", "random", "worst", "silent"]
    assert "random, worst, silent over 10 seeds" in best
