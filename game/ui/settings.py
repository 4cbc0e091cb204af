"""What the window was asked for and what its menu lets a trainer choose, apart from the window
itself so that every screen can read it without importing the app."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.i18n import LANGUAGES, system_language
from game.ui.theme import BASE_SIZE

PACKAGE_SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
DEMO_SPEED = 60.0


def default_scenarios() -> Path:
    """``./scenarios`` when it exists, else the cases shipped next to the package."""
    local = Path("scenarios")
    return local if local.is_dir() else PACKAGE_SCENARIOS


@dataclass
class Settings:
    """What the menu lets a trainer choose, and what the command line asked for."""

    scenarios: list[Path] = field(default_factory=list)
    lang: str = "en"
    team: str = ""
    # Simulated seconds per real second; None: the case's own pace (game/play/pace.py: the round lasts
    # what its briefing announces and every decision leaves its reading time), as in the terminal.
    speed: float | None = None
    projector: bool = False
    fullscreen: bool = False
    demo: bool = False
    seed: int = 1
    screenshot: Path | None = None
    log: Path | None = None
    size: tuple[int, int] = BASE_SIZE
    data_dir: Path | None = None  # the results folder (--data-dir); None: the user's data folder
    # Rounds are kept in the user's data folder only when the command line asks (from_args): an
    # App built in code (a test, a benchmark) keeps nothing there unless it names a data_dir.
    keep_results: bool = False
    workshop: str | None = None  # rounds played now belong to this workshop (its id)
    resume: str | None = None  # `crisis-sim resume ID`: open on that round

    @classmethod
    def from_args(cls, args: argparse.Namespace | Any) -> Settings:
        folders = []
        given = getattr(args, "scenarios", None)
        if given:
            folders.append(Path(given))
        default = default_scenarios()
        if default.is_dir() and all(default.resolve() != f.resolve() for f in folders if f.exists()):
            folders.append(default)
        lang = getattr(args, "lang", None) or system_language()
        speed = getattr(args, "speed", None)
        demo = bool(getattr(args, "demo", False))
        screenshot = getattr(args, "screenshot", None)
        log = getattr(args, "log", None)
        return cls(
            scenarios=folders,
            lang=lang if lang in LANGUAGES else "en",
            speed=float(speed) if speed else (DEMO_SPEED if demo else None),
            projector=bool(getattr(args, "projector", False)),
            fullscreen=bool(getattr(args, "fullscreen", False)),
            demo=demo,
            seed=int(getattr(args, "seed", 1) or 1),
            screenshot=Path(screenshot) if screenshot else None,
            log=Path(log) if log else None,
            size=_window_size(),
            data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
            keep_results=True,
            resume=getattr(args, "resume", None),
            team=getattr(args, "team", None) or "",
        )


def _window_size() -> tuple[int, int]:
    """``CRISIS_SIM_WINDOW=1920x1080`` opens (or screenshots) at another size."""
    raw = os.environ.get("CRISIS_SIM_WINDOW", "")
    try:
        w, h = (int(v) for v in raw.lower().split("x"))
        return max(640, w), max(360, h)
    except ValueError:
        return BASE_SIZE
