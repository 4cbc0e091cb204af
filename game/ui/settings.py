"""What the window was asked for and what its menu lets a trainer choose, apart from the window
itself so that every screen can read it without importing the app."""

from __future__ import annotations

import argparse
import json
import os
import random
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
    facilitator: str = ""  # who signs the corrections of written answers' findings (game/ui/override.py)
    # Simulated seconds per real second; None: the case's own pace (game/play/pace.py: the round lasts
    # what its briefing announces and every decision leaves its reading time), as in the terminal.
    speed: float | None = None
    speed_given: bool = False  # --speed on the command line: it wins over the speed kept from last time
    projector: bool = False
    hide_objectives: bool = False  # the briefing keeps the case's objectives for the debrief (menu: O)
    fullscreen: bool = False
    demo: bool = False
    # The feed's seed. None (the command line gave no --seed): each solo round draws a new one, so
    # a player does not learn the feed by heart; a workshop's teams share SHARED_SEED. An App built
    # in code (tests) keeps 1, so that it plays the same round every time.
    seed: int | None = 1
    screenshot: Path | None = None
    log: Path | None = None
    size: tuple[int, int] = BASE_SIZE
    data_dir: Path | None = None  # the results folder (--data-dir); None: the user's data folder
    store: str | None = None  # the results store (--store URL or file); None: $CRISIS_SIM_STORE or data_dir
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
            speed_given=bool(speed),
            projector=bool(getattr(args, "projector", False)),
            fullscreen=bool(getattr(args, "fullscreen", False)),
            demo=demo,
            seed=int(args.seed) if getattr(args, "seed_given", False) else None,
            screenshot=Path(screenshot) if screenshot else None,
            log=Path(log) if log else None,
            size=_window_size(),
            data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
            store=getattr(args, "store", None),
            keep_results=True,
            resume=getattr(args, "resume", None),
            team=getattr(args, "team", None) or "",
        )


SHARED_SEED = 1
"""The seed of a workshop's rounds when none was given: every team reads the same feed (the
host's default too, ``crisis-sim host --seed``)."""


def round_seed(settings: Settings) -> int:
    """The seed of the round about to start: the one asked for, the workshop's, or a new one.

    The demo and the screenshot tour always play the same round, for pictures that do not change.
    """
    if settings.seed is not None:
        return settings.seed
    if settings.workshop or settings.demo or settings.screenshot:
        return SHARED_SEED
    return random.SystemRandom().randrange(1, 100_000)


# --- what the window remembers between rounds and starts -------------------------------------

PREFERENCES = "window.json"
ROUND_SPEEDS_KEPT = 50


class Preferences:
    """The speed chosen last, the speed each round was played at (so that a resumed round runs at
    its own) and whether the briefing hides the objectives, in ``window.json`` beside the results
    database.

    Only a window that keeps its rounds (the command line's, or one given a data folder) has a
    file; tests and benchmarks never write to the user's data folder.
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / PREFERENCES if folder is not None else None
        self.data: dict[str, Any] = {}
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            self.data = data if isinstance(data, dict) else {}

    @property
    def speed(self) -> float | None:
        return _speed(self.data.get("speed"))

    def round_speed(self, round_id: str) -> float | None:
        rounds = self.data.get("rounds")
        return _speed(rounds.get(round_id)) if isinstance(rounds, dict) else None

    @property
    def hide_objectives(self) -> bool | None:
        value = self.data.get("hide_objectives")
        return value if isinstance(value, bool) else None

    def keep_hide_objectives(self, hide: bool) -> None:
        self.data["hide_objectives"] = hide
        self._save()

    def keep_speed(self, speed: float | None, round_id: str | None = None) -> None:
        """Remember ``speed`` as the last one chosen, and as the speed of ``round_id`` (None: the case's pace)."""
        self.data["speed"] = speed
        if round_id:
            rounds = self.data.get("rounds")
            rounds = dict(rounds) if isinstance(rounds, dict) else {}
            rounds.pop(round_id, None)
            rounds[round_id] = speed
            self.data["rounds"] = dict(list(rounds.items())[-ROUND_SPEEDS_KEPT:])
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only folder: the window forgets the speed, and plays on


def _speed(value: Any) -> float | None:
    """A speed read from the file, if it is one the menu offers (a hand-edited file cannot set 0)."""
    return float(value) if isinstance(value, int | float) and float(value) in SPEEDS else None


def _window_size() -> tuple[int, int]:
    """``CRISIS_SIM_WINDOW=1920x1080`` opens (or screenshots) at another size."""
    raw = os.environ.get("CRISIS_SIM_WINDOW", "")
    try:
        w, h = (int(v) for v in raw.lower().split("x"))
        return max(640, w), max(360, h)
    except ValueError:
        return BASE_SIZE
