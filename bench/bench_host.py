"""Workshop host benchmark: `python bench/bench_host.py [CASE] [--teams 30] [--seconds 90]`.

Starts `crisis-sim host` in a process of its own on 127.0.0.1 (a throw-away data folder), with
30 teams of scripted WebSocket clients and one facilitator's console, all in this process, and
plays the case at its default speed for 90 real seconds. Each team's client acts like a busy
team: every 1 to 3 seconds it flags or dismisses a post it sees, or takes an open decision; the
console turns every team's noise to a storm first (`--noise`), so that there are posts to triage.

Prints:
- the latency from an input sent to the first update that shows it, on the team's page and on
  the console: p50 and p99 (target: p99 < 100 ms);
- the host process's CPU time per team, as a share of one core over the play (target: < 5%);
- the host's memory (RSS) at the end, and per team above the idle host's.

Bounded: the play lasts ``--seconds``, the host is stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "scenarios" / "nestle-kitkat-2010"
P99_TARGET_MS = 100.0
CPU_TARGET = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_host(case: Path, teams: list[str], data: Path, port: int) -> tuple[subprocess.Popen[str], dict[str, str], str]:
    """`crisis-sim host` as a child process; the teams' codes and the console's secret it printed."""
    command = [sys.executable, "-m", "game", "--data-dir", str(data), "host", str(case), "--workshop", "bench",
               "--teams", ",".join(teams), "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    codes: dict[str, str] = {}
    secret = ""
    deadline = time.monotonic() + 60
    while not secret:
        line = proc.stdout.readline()
        if not line or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("the host did not start")
        name, _, rest = line.partition(": ")
        if "/team/" in rest and name in teams:
            codes[name] = rest.split("/team/")[1].strip()
        if "/console/" in line:
            secret = line.split("/console/")[1].strip()
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, codes, secret


class Measures:
    """Send times of inputs not yet seen, and the latencies measured (seconds)."""

    def __init__(self) -> None:
        self.pending_team: dict[tuple[str, int], float] = {}
        self.pending_console: dict[tuple[str, int], float] = {}
        self.team: list[float] = []
        self.console: list[float] = []
        self.refused = 0
        self.views = 0
        self.bytes = 0
        self.idle: dict[str, int] = {}


def seen(pending: dict[tuple[str, int], float], out: list[float], team: str, total: int, now: float) -> None:
    """Every input of ``team`` up to number ``total`` is now shown: record how long each took."""
    for key in [k for k in pending if k[0] == team and k[1] <= total]:
        out.append(now - pending.pop(key))


async def play_team(url: str, name: str, measures: Measures, stop: float, rng: random.Random) -> None:
    async with websockets.connect(url, max_size=2**24) as ws:
        await ws.send(json.dumps({"type": "hello", "name": f"bot {name}", "lang": "en"}))
        view: dict[str, Any] = json.loads(await ws.recv())["view"]
        done: set[str] = set()
        next_at = time.monotonic() + rng.uniform(1, 3)
        waiting: int | None = None  # the input number the team waits to see
        while time.monotonic() < stop:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.01, min(next_at, stop) - time.monotonic()))
            except TimeoutError:
                raw = None
            now = time.monotonic()
            if raw is not None:
                message = json.loads(raw)
                if message["type"] == "refused":
                    measures.refused += 1
                    measures.pending_team.pop((name, waiting or -1), None)
                    measures.pending_console.pop((name, waiting or -1), None)
                    waiting = None
                    continue
                view = message["view"]
                measures.views += 1
                measures.bytes += len(raw)
                total = view.get("inputs_total", 0)
                seen(measures.pending_team, measures.team, name, total, now)
                if waiting is not None and total >= waiting:
                    waiting = None
            if waiting is not None or now < next_at or not view.get("started") or view.get("ended"):
                continue
            action = pick(view, done, rng)
            if action is None:
                measures.idle[name] = measures.idle.get(name, 0) + 1
                next_at = now + 1
                continue
            waiting = view.get("inputs_total", 0) + 1
            sent = time.monotonic()
            measures.pending_team[(name, waiting)] = sent
            measures.pending_console[(name, waiting)] = sent
            await ws.send(json.dumps(action))
            next_at = sent + rng.uniform(1, 3)


def pick(view: dict[str, Any], done: set[str], rng: random.Random) -> dict[str, Any] | None:
    """What a busy team does next: take an open decision now and then, else triage a post."""
    if view.get("decisions") and rng.random() < 0.3:
        decision = view["decisions"][0]
        return {"type": "decide", "decision": decision["id"], "option": rng.choice(decision["options"])["id"]}
    posts = [p for p in view.get("feed", []) if not p["own"] and not p["triage"] and p["id"] not in done]
    if not posts:
        return None
    post = rng.choice(posts[:10])
    done.add(post["id"])
    return {"type": "triage", "post": post["id"], "action": rng.choice(("flag", "dismiss"))}


async def watch_console(url: str, measures: Measures, stop: float, noise: str) -> None:
    async with websockets.connect(url, max_size=2**24) as ws:
        await ws.send(json.dumps({"type": "start", "team": "*"}))
        await ws.send(json.dumps({"type": "noise", "team": "*", "level": noise}))
        while time.monotonic() < stop:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.01, stop - time.monotonic()))
            except TimeoutError:
                break
            now = time.monotonic()
            message = json.loads(raw)
            if message["type"] != "view":
                continue
            for row in message["view"]["teams"]:
                seen(measures.pending_console, measures.console, row["team"], row.get("inputs_total", 0), now)


async def play(base: str, codes: dict[str, str], secret: str, seconds: float, measures: Measures, noise: str) -> None:
    stop = time.monotonic() + seconds
    rng = random.Random(1)
    console = asyncio.create_task(watch_console(f"{base}/ws/console/{secret}", measures, stop + 1, noise))
    await asyncio.sleep(0.5)  # every round started before the teams act
    await asyncio.gather(*(play_team(f"{base}/ws/team/{code}", name, measures, stop, random.Random(rng.random()))
                           for name, code in codes.items()))
    await console


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [0])[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", nargs="?", default=str(CASE))
    parser.add_argument("--teams", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--noise", choices=("storm", "normal", "calm"), default="storm",
                        help="the console's noise for every team (default: storm, so that busy teams have posts to triage)")
    args = parser.parse_args()
    teams = [f"Team {n:02d}" for n in range(1, args.teams + 1)]
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        proc, codes, secret = start_host(Path(args.case), teams, Path(data), port)
        try:
            idle_rss = rss_mb(proc.pid)
            measures = Measures()
            cpu0, wall0, own0 = cpu_seconds(proc.pid), time.monotonic(), sum(os.times()[:2])
            asyncio.run(play(f"ws://127.0.0.1:{port}", codes, secret, args.seconds, measures, args.noise))
            cpu, wall = cpu_seconds(proc.pid) - cpu0, time.monotonic() - wall0
            own = sum(os.times()[:2]) - own0  # the scripted clients' side, in this process
            rss = rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    n = len(codes)
    share = cpu / wall / n
    print(f"{n} teams on {Path(args.case).name} at its default speed, noise {args.noise}, {wall:.0f} s of play, "
          f"{len(measures.team)} inputs shown ({measures.refused} refused), "
          f"{measures.views / wall:.0f} team views pushed a second ({measures.bytes / wall / 1024:.0f} KiB/s), "
          f"{sum(measures.idle.values())} moments with nothing to do")
    met = True
    for where, values in (("team's page", measures.team), ("console", measures.console)):
        if not values:
            print(f"latency to the {where}: no input measured  NOT MET")
            met = False
            continue
        p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
        ok = p99 < P99_TARGET_MS
        met &= ok
        print(f"latency to the {where}: p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 < {P99_TARGET_MS:.0f} ms)  "
              f"{'MET' if ok else 'NOT MET'}")
    ok = share < CPU_TARGET
    met &= ok
    print(f"host CPU: {cpu:.1f} s over {wall:.0f} s = {share * 100:.2f}% of one core per team "
          f"(target < {CPU_TARGET * 100:.0f}%)  {'MET' if ok else 'NOT MET'}")
    print(f"host memory: {rss:.0f} MB RSS at the end, {idle_rss:.0f} MB idle with the teams joined, "
          f"{rss / n:.1f} MB per team all told")
    # The clients read every view of every team in one Python process: when it lags, the
    # latencies above include its own queue, not only the host's.
    print(f"clients (this process): {own:.1f} s CPU over {wall:.0f} s = {own / wall * 100:.0f}% of one core")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (figures worsen on a loaded machine)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
