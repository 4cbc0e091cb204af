"""Start-up time: from launching ``crisis-sim`` to its menu listing the five shipped cases.

    python bench/bench_startup.py [--runs N]

Each run is a fresh interpreter on SDL's dummy video driver (no real display needed) with a
throw-away results folder, so nothing is written to the user's data folder. It reports, as the
median of the runs, the time from launching the process to (1) the first frame of the menu and
(2) the first frame on which every case of scenarios/ is loaded and listed, and how long
``crisis-sim --help`` takes. Target: the menu with the five cases in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.0  # seconds to a menu with every case loaded

# Runs in the child: opens the window as `crisis-sim` does and prints the wall-clock times (the
# same clock the parent read before launching it) of the first menu frame and the first frame
# with every case loaded.
PROBE = """
import sys, time
from pathlib import Path
from game.ui.app import Settings, open_app
app = open_app(Settings(scenarios=[Path(sys.argv[1])]))
menu = app.top
app.frame(1 / 60)
first = time.time()
while menu.loading:
    app.frame(1 / 60)
app.frame(1 / 60)
print(first, time.time(), len(menu.entries), sum(e.playable for e in menu.entries))
app.close()
"""


def launch(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from launching ``python args`` to its exit, and its standard output."""
    start = time.time()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    return time.time() - start, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", CRISIS_SIM_DATA_DIR=data,
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        menu, full, helps = [], [], []
        cases = playable = 0
        for _ in range(runs):
            start = time.time()
            proc = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "scenarios")], capture_output=True,
                                  text=True, cwd=ROOT, env=env, check=True)
            first, done, cases, playable = proc.stdout.splitlines()[-1].split()  # after pygame's banner
            menu.append(float(first) - start)
            full.append(float(done) - start)
            helps.append(launch(["-m", "game", "--help"], env)[0])
    cases, playable = int(cases), int(playable)
    median_full = statistics.median(full)
    print(f"start-up, median of {runs} fresh processes ({cases} cases found, {playable} playable):")
    print(f"  crisis-sim --help                  {statistics.median(helps) * 1000:7.0f} ms")
    print(f"  first frame of the menu            {statistics.median(menu) * 1000:7.0f} ms")
    print(f"  menu with every case loaded        {median_full * 1000:7.0f} ms   "
          f"target < {TARGET * 1000:.0f} ms: {'met' if median_full < TARGET else 'MISSED'}")
    return 0 if median_full < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
