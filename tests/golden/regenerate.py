"""Write the golden runs again: ``PYTHONPATH=$PWD python3 tests/golden/regenerate.py``.

Only when the engine's behaviour changes on purpose (a new engine version): the golden test
exists to catch every change that is not on purpose. Each run is a case, a seed and the inputs a
bot made (``NAME.json``), and the log the engine writes when those inputs are replayed
(``NAME.jsonl``).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.log import SessionLog, replay

# name: (case folder under scenarios/, language, seed, bot that makes the inputs)
RUNS = {
    "nestle-kitkat-2010": ("nestle-kitkat-2010", "en", 7, "random"),
    "kryptonite-2004-fr": ("kryptonite-2004", "fr", 3, "best"),
}


def replayed_log(spec: dict) -> str:
    """The log of ``spec``'s inputs replayed against its case and seed."""
    case = load_case(ROOT / spec["case"], spec["language"]).case
    stream = io.StringIO()
    replay(case, spec["seed"], spec["inputs"], SessionLog(stream))
    return stream.getvalue()


def main() -> None:
    for name, (folder, language, seed, bot) in RUNS.items():
        case = load_case(ROOT / "scenarios" / folder, language).case
        stream = io.StringIO()
        play(case, seed, bot, SessionLog(stream))
        inputs = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith('{"type":"input"')]
        spec = {"case": f"scenarios/{folder}", "language": language, "seed": seed, "bot": bot, "inputs": inputs}
        (HERE / f"{name}.json").write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (HERE / f"{name}.jsonl").write_text(replayed_log(spec), encoding="utf-8")
        print(f"{name}: {len(inputs)} inputs")


if __name__ == "__main__":
    main()
