"""A real window under Xvfb: with no display SDL would silently fall back to an offscreen driver,
so this test asks for x11 and checks it got x11.

It runs the game in a child process (SDL's video driver is chosen once per process) on a free
display of an Xvfb it starts itself, and skips when Xvfb is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "cases" / "tiny"

CHILD = r"""
import os, sys
from pathlib import Path
os.environ["SDL_VIDEODRIVER"] = "x11"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
import pygame
from game.ui.app import Settings, open_app
from game.ui.director import take_screenshots

app = open_app(Settings(scenarios=[Path(sys.argv[1])]))
print("driver", pygame.display.get_driver(), flush=True)
print("size", *app.size, flush=True)
code = take_screenshots(app, Path(sys.argv[2]))
app.close()
sys.exit(code)
"""


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    pytest.skip("no free X display number")


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds  # waiting for a server to start, not game time
    while time.monotonic() < deadline:
        if path.exists():
            return
        if process.poll() is not None:
            pytest.skip("Xvfb did not start")
        time.sleep(0.05)
    pytest.skip("Xvfb did not open its socket in time")


@pytest.fixture
def xvfb():
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    number = _free_display()
    process = subprocess.Popen([binary, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(Path(f"/tmp/.X11-unix/X{number}"), process)
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_real_x11_window_plays_every_screen(xvfb: str, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    (cases / "tiny").mkdir(parents=True)
    shutil.copy(TINY / "scenario.yaml", cases / "tiny" / "scenario.yaml")
    shots = tmp_path / "shots"
    env = {**os.environ, "DISPLAY": xvfb, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(cases), str(shots)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "driver x11" in done.stdout
    assert "size 1280 720" in done.stdout
    for name in ("menu", "briefing", "live", "help", "debrief"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
