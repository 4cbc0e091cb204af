"""The command line contract: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from game.cli import main

from conftest import ROOT, TINY


def test_validate_ok_and_broken(tmp_path, capsys):
    assert main(["validate", str(TINY)]) == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (TINY / "scenario.yaml").read_text().replace("author: parent\n    text: \"My", "author: nobody\n    text: \"My")
    (broken / "scenario.yaml").write_text(text)
    capsys.readouterr()
    assert main(["validate", str(TINY), str(broken)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    line = text[: text.index("author: nobody")].count("\n") + 1
    assert out == [f"{broken / 'scenario.yaml'}:{line}:13: error: unknown persona 'nobody'"]
    assert main(["validate", "--format", "json", str(broken)]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert item["line"] == line and item["code"] == "unknown-ref"


def test_validate_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "scenario.yaml"
    bad.write_bytes(b"id: [unclosed\n\x00")
    proc = subprocess.run([sys.executable, "-m", "game", "validate", str(bad), str(tmp_path / "missing")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.count("error:") == 2


def test_play_headless_json_and_replay(tmp_path, capsys):
    log = tmp_path / "run.jsonl"
    assert main(["play", str(TINY), "--headless", "--bot", "best", "--seed", "4", "--log", str(log), "--json"]) == 0
    played = json.loads(capsys.readouterr().out)
    assert played["scenario"] == "tiny" and played["seed"] == 4 and played["ending"]["id"] == "trusted"
    assert main(["replay", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == played

    # Tamper with a decision: the replay no longer matches and says so.
    lines = log.read_text().splitlines()
    lines = [line.replace('"option":"recall"', '"option":"deny"') if '"kind":"decide"' in line else line
             for line in lines]
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    assert "differs from the logged result" in capsys.readouterr().err


def test_replay_survives_a_torn_last_line(tmp_path, capsys):
    log = tmp_path / "run.jsonl"
    main(["play", str(TINY), "--headless", "--bot", "random", "--seed", "2", "--log", str(log)])
    text = log.read_text()
    cut = text[: text.rindex('{"type":"result"') + 20]  # the process died while writing the result
    log.write_text(cut)
    capsys.readouterr()
    assert main(["replay", str(log)]) == 0
    assert "interrupted" in capsys.readouterr().err


def test_list_shows_cases_and_flags_broken_ones(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    (good / "scenario.yaml").write_text((TINY / "scenario.yaml").read_text())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scenario.yaml").write_text("id: bad\n")
    assert main(["list", "--scenarios", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Tiny test case" in out and "preventable/human_error_product_harm" in out and "20 min" in out
    assert "INVALID" in out


def test_the_terminal_player_follows_the_system_language_unless_told():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = "fr_FR.UTF-8"
    for extra, expected in (([], "Votre rôle"), (["--lang", "en"], "Your role")):
        run = subprocess.run([sys.executable, "-m", "game", "play", str(TINY), "--text", "--speed", "1000", *extra],
                             input="q\n", capture_output=True, text=True, env=env, timeout=60)
        assert expected in run.stdout, run.stdout[:500]


def test_a_terminal_round_is_kept_in_the_results_store(tmp_path):
    import os

    env = dict(os.environ, CRISIS_SIM_DATA_DIR=str(tmp_path / "data"), LANG="C")
    run = subprocess.run([sys.executable, "-m", "game", "play", str(TINY), "--text", "--speed", "100000",
                          "--team", "Blue", "--log", str(tmp_path / "run.jsonl")],
                         input="", capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    history = subprocess.run([sys.executable, "-m", "game", "history", "--team", "Blue"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert "tiny" in history.stdout and "finished" in history.stdout, history.stdout
    replay = subprocess.run([sys.executable, "-m", "game", "replay", str(tmp_path / "run.jsonl")],
                            capture_output=True, text=True, env=env, timeout=60)
    assert replay.returncode == 0, replay.stderr  # the --log copy is a complete log


def _modules_after(args: list[str]) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``crisis-sim ARGS``."""
    probe = ("import sys, contextlib, io\n"
             "from game.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
             "    try:\n"
             f"        main({args!r})\n"
             "    except SystemExit:\n"
             "        pass\n"
             "print('\\n'.join(sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(proc.stdout.split())


def test_help_and_validate_do_not_load_the_window():
    """Start-up stays fast: neither pygame nor the window's screens load for --help or validate."""
    for args in (["--help"], ["validate", str(TINY)]):
        loaded = _modules_after(args)
        assert "game.cli.authoring" in loaded  # the probe really ran the command line
        window = sorted(m for m in loaded if m.split(".")[0] == "pygame" or m.startswith("game.ui"))
        assert window == [], f"crisis-sim {' '.join(args)} imported {window}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux can lack a display")
def test_no_display_says_so_and_exits():
    """Over SSH without a display the window is not attempted: a clear message and a failure."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = subprocess.run([sys.executable, "-m", "game"], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert proc.returncode == 1
    assert "no display found" in proc.stderr and "--text" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_note_with_no_round_yet_says_so(tmp_path, capsys):
    """`note` on a results folder with no round says there is none (was 'list index out of range')."""
    assert main(["note", "--data-dir", str(tmp_path), "--at", "00:05:00", "Froze"]) == 1
    err = capsys.readouterr().err
    assert "no round recorded yet" in err and "index" not in err


def test_note_reads_times_as_the_case_format_does(tmp_path, tiny_case, capsys):
    """`note --at 12:30` is refused as ambiguous with the case format's own message; a full
    HH:MM:SS time is kept at that second."""
    from game.engine.bots import BOTS
    from pydantic import TypeAdapter

    from game.engine.model import Duration
    from game.results.recording import start
    from game.results.store import ResultStore

    store = ResultStore(tmp_path / "results.db")
    session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1, team="Clock")
    player, events = BOTS["best"](1), []
    while not session.state.ended:
        player.act(session, events)
        events = session.step()
    store.close()
    data = str(tmp_path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        main(["note", "--data-dir", data, "--session", recording.session_id, "--at", "12:30", "Late"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    with pytest.raises(ValueError) as in_case:
        TypeAdapter(Duration).validate_python("12:30")  # how a case's `at:` reads
    case_message = "'12:30' is ambiguous: write \"00:12:30\" for 12 min 30 s, or \"12:30:00\" for 12 h 30 min"
    assert case_message in err and case_message in str(in_case.value)
    assert "Traceback" not in err
    assert main(["note", "--data-dir", data, "--session", recording.session_id, "--at", "00:12:30", "Late"]) == 0
    assert "Note at 00:12:30 added" in capsys.readouterr().out
    with ResultStore(tmp_path / "results.db") as reopened:
        assert [(n.t, n.text) for n in reopened.notes(recording.session_id)] == [(750, "Late")]


def test_the_terminal_asks_a_name_and_keeps_the_round_under_exactly_what_was_typed(tmp_path):
    """On a real terminal (a pty) without --team: asked, as the window's menu does; not "(no name)"."""
    import pty
    import select
    import time

    env = dict(os.environ, CRISIS_SIM_DATA_DIR=str(tmp_path / "data"), LANG="C", PYTHONPATH=str(ROOT))
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "game", "play", str(TINY), "--text", "--speed", "100000"],
                            stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, cwd=ROOT)
    os.close(child_fd)
    seen = b""

    def read_until(words: bytes, limit: float = 60) -> None:
        nonlocal seen
        end = time.monotonic() + limit
        while words not in seen:
            assert time.monotonic() < end, seen.decode("utf-8", "replace")[-500:]
            if select.select([main_fd], [], [], 0.5)[0]:
                try:
                    seen += os.read(main_fd, 4096)
                except OSError:  # the child closed the terminal
                    break

    try:
        read_until(b"Team or player name")
        os.write(main_fd, "nÉquipe « Bleue »\n".encode())
        read_until(b"Press Enter")
        os.write(main_fd, b"\r")
        read_until(b"DEBRIEF", limit=120)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
    history = subprocess.run([sys.executable, "-m", "game", "history", "--team", "nÉquipe « Bleue »"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert "tiny" in history.stdout and "finished" in history.stdout, history.stdout + history.stderr
