"""Agreement of the assessor with the labelled answers of tests/data/answers/ (run it to see the tables).

    PYTHONPATH=$PWD python3 tests/answers_agreement.py [train|heldout]

Each line of ``en.tsv``/``fr.tsv`` is ``split, strategy, tone, text``. The cues were written and
tuned on ``train`` only; ``heldout`` was written after the cues were frozen and is only measured.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from game.engine.assess import assess
from game.engine.model import Strategy

ANSWERS = Path(__file__).parent / "data" / "answers"
_SHORT = {s.value: "".join(p[:3] for p in s.value.split("_"))[:6] for s in Strategy}


@dataclass(frozen=True)
class Answer:
    split: str
    strategy: str
    tone: str
    text: str
    line: int


def answers(lang: str) -> list[Answer]:
    """The labelled answers of one language."""
    out = []
    for n, line in enumerate((ANSWERS / f"{lang}.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        split, strategy, tone, text = line.split("\t")
        out.append(Answer(split, strategy, tone, text, n))
    return out


@dataclass
class Agreement:
    n: int
    strategy: float
    tone: float
    promotional_found: float
    confusion: Counter[tuple[str, str]]


def agreement(lang: str, split: str) -> Agreement:
    """How often the assessor agrees with the labels on ``split``."""
    rows = [a for a in answers(lang) if a.split == split]
    confusion: Counter[tuple[str, str]] = Counter()
    tone_ok = promo = promo_found = 0
    for a in rows:
        result = assess(a.text, lang)
        confusion[(a.strategy, result.strategy)] += 1
        tone_ok += result.tone == a.tone
        if a.tone == "promotional":
            promo += 1
            promo_found += result.tone == "promotional"
    right = sum(v for (k, g), v in confusion.items() if k == g)
    return Agreement(len(rows), right / len(rows), tone_ok / len(rows), promo_found / promo if promo else 1.0, confusion)


def table(result: Agreement) -> str:
    """The confusion table: one row per labelled strategy, one column per detected strategy."""
    ids = [s.value for s in Strategy]
    head = "label \\ found".ljust(24) + " ".join(_SHORT[s].rjust(6) for s in ids)
    lines = [head]
    for s in ids:
        cells = [str(result.confusion.get((s, g), "") or ".").rjust(6) for g in ids]
        lines.append(s.ljust(24) + " ".join(cells))
    return "\n".join(lines)


def main() -> None:
    split = sys.argv[1] if len(sys.argv) > 1 else "heldout"
    for lang in ("en", "fr"):
        r = agreement(lang, split)
        print(f"{lang} {split}: {r.n} answers, primary strategy right {r.strategy:.1%}, tone right {r.tone:.1%}, promotional tone found {r.promotional_found:.1%}")
        print(table(r))
        print()


if __name__ == "__main__":
    main()
