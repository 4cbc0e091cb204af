"""Hostile-file benchmark: `python bench/bench_hostile.py [--json]`.

Opens every case of the hostile corpus (tests/hostile), plus the kinds that cannot live in git
(a file over the size limit, a named pipe, an oversized image, a valid case at the size limit),
each in a fresh Python process, and prints per file:

- the time to check the file (read, parse, validate, cross-check, images), best of 3;
- the process's peak resident memory, and how much of it the file added over the interpreter
  with the game's modules loaded.

Targets (from the hostile-input issue): under 2 s and under 200 MB for every file. A last line
plays the largest valid round (12 hours, story and noise at their 60 posts a minute) with the
silent bot, which is what a hostile but valid case can ask of the engine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "hostile"
TINY = ROOT / "tests" / "cases" / "tiny" / "scenario.yaml"
TIME_LIMIT = 2.0
MEMORY_LIMIT_MB = 200


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure_one(path: str, play: bool = False) -> dict[str, object]:
    """In this (fresh) process: check one case file, or play one case; time and memory."""
    sys.path.insert(0, str(ROOT))
    from game.engine.loader import case_file, check_file, load_case

    file = case_file(Path(path))
    if play:
        from game.engine.bots import play as play_case

        case = load_case(file).case
        baseline = _peak_mb()
        start = time.perf_counter()
        session = play_case(case, 1, "silent")
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "peak_mb": _peak_mb(), "added_mb": _peak_mb() - baseline,
                "posts": len(session.feed), "diagnostics": 0}
    baseline = _peak_mb()
    times, found = [], []
    for _ in range(3):
        start = time.perf_counter()
        found = check_file(file)
        times.append(time.perf_counter() - start)
    return {"seconds": min(times), "peak_mb": _peak_mb(), "added_mb": _peak_mb() - baseline,
            "diagnostics": len(found), "first": str(found[0]).replace(str(file.parent) + os.sep, "") if found else ""}


def _made_kinds(folder: Path) -> dict[str, Path]:
    """The kinds test_hostile.py makes on the spot, made here too."""
    tiny = TINY.read_text(encoding="utf-8")
    made: dict[str, Path] = {}

    big = folder / "made-file-over-the-limit"
    big.mkdir()
    with open(big / "scenario.yaml", "wb") as out:
        out.truncate(2_000_001)
    made[big.name] = big

    if hasattr(os, "mkfifo"):
        pipe = folder / "made-named-pipe"
        pipe.mkdir()
        os.mkfifo(pipe / "scenario.yaml")
        made[pipe.name] = pipe

    image = folder / "made-image-over-the-limit"
    (image / "images").mkdir(parents=True)
    avatar = "followers: 900, stance: critical, temperament: passionate}"
    (image / "scenario.yaml").write_text(tiny.replace(avatar, avatar[:-1] + ", avatar: images/p.png}", 1),
                                         encoding="utf-8")
    with open(image / "images" / "p.png", "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.truncate(2_000_001)
    made[image.name] = image

    # A valid case as large as the limits allow: a noise pool of texts of 20,000 characters,
    # up to just under the 2,000,000-byte file limit.
    full = folder / "made-valid-case-at-the-size-limit"
    full.mkdir()
    texts = "".join(f'      - "{chr(65 + i % 26) * 19_990}"\n' for i in range(95))
    text = tiny.replace("noise:\n", f"noise:\n  - id: wall\n    channel: page\n    rate: 0.1\n    texts:\n{texts}", 1)
    (full / "scenario.yaml").write_text(text, encoding="utf-8")
    made[full.name] = full

    longest = folder / "made-longest-busiest-round"
    longest.mkdir()
    text = tiny.replace('duration: "00:20:00"', 'duration: "12:00:00"\n'
                        "dynamics: {base_rate: 60, max_rate: 60, silence_pressure: 60}", 1)
    text = text.replace("rate: 1.5", "rate: 60", 1)
    (longest / "scenario.yaml").write_text(text, encoding="utf-8")
    made[longest.name] = longest
    return made


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "--one":
        print(json.dumps(measure_one(argv[2], play=len(argv) > 3 and argv[3] == "--play")))
        return 0
    as_json = "--json" in argv
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        made = _made_kinds(Path(tmp))
        targets = [(p.name, p, False) for p in sorted(q for q in CORPUS.iterdir() if q.is_dir())]
        targets += [(name, path, False) for name, path in made.items()]
        targets.append(("play: longest, busiest round (silent bot)", made["made-longest-busiest-round"], True))
        for name, path, play in targets:
            command = [sys.executable, __file__, "--one", str(path)] + (["--play"] if play else [])
            out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
            if out.returncode != 0:
                rows.append({"file": name, "error": out.stderr.strip().splitlines()[-1:]})
                continue
            rows.append({"file": name, **json.loads(out.stdout)})
        shutil.rmtree(Path(tmp), ignore_errors=True)
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'file':48} {'time':>9} {'peak':>8} {'added':>8}  first diagnostic")
        for row in rows:
            if "error" in row:
                print(f"{row['file']:48} FAILED {row['error']}")
                continue
            print(f"{row['file']:48} {row['seconds'] * 1000:7.1f}ms {row['peak_mb']:6.1f}MB "
                  f"{row['added_mb']:6.1f}MB  {str(row.get('first', '') or row.get('posts', ''))[:70]}")
    ok = [r for r in rows if "error" not in r]
    worst_time = max(ok, key=lambda r: r["seconds"])
    worst_memory = max(ok, key=lambda r: r["peak_mb"])
    failed = len(rows) - len(ok)
    over = [r["file"] for r in ok if r["seconds"] > TIME_LIMIT or r["peak_mb"] > MEMORY_LIMIT_MB]
    print(f"\n{len(rows)} files; slowest {worst_time['file']} {worst_time['seconds'] * 1000:.0f} ms "
          f"(target < {TIME_LIMIT:.0f} s); most memory {worst_memory['file']} {worst_memory['peak_mb']:.0f} MB peak "
          f"(target < {MEMORY_LIMIT_MB} MB); over a target: {over or 'none'}; failed: {failed}")
    return 1 if over or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
