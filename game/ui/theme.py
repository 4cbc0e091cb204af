"""Colours, type sizes and the scale of the layout.

The palette is Okabe and Ito's, which stays distinguishable with the common colour-vision
deficiencies; every colour that carries meaning also comes with an icon or a word.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pygame

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
FONTS = ASSETS / "fonts"

# Okabe-Ito (2008), "Color Universal Design".
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILLION = (213, 94, 0)
PURPLE = (204, 121, 167)
GREY = (153, 153, 153)

BG = (22, 26, 33)
PANEL = (33, 38, 48)
CARD = (42, 48, 60)
CARD_OWN = (30, 52, 66)
CARD_DONE = (36, 40, 48)
LINE = (70, 78, 94)
TEXT = (236, 239, 244)
MUTED = (168, 176, 190)
FAINT = (110, 118, 132)
FOCUS = YELLOW
SHADE = (0, 0, 0, 170)

# Each metric keeps one colour everywhere (gauges, history, debrief chart) plus a marker shape.
METRIC_COLOURS = {"sentiment": SKY, "visibility": ORANGE, "trust": GREEN, "media": PURPLE}
EXTRA_COLOURS = (YELLOW, BLUE, VERMILLION, GREY)
METRIC_MARKERS = {"sentiment": "circle", "visibility": "triangle", "trust": "square", "media": "diamond"}
# Metrics where a high value is bad news for the organisation.
HIGH_IS_BAD = frozenset({"visibility", "media"})

CHANNEL_COLOURS = (SKY, ORANGE, GREEN, PURPLE, YELLOW, BLUE, VERMILLION, GREY)

ENDING_STYLE = {"success": (GREEN, "✔"), "mixed": (ORANGE, "◆"), "failure": (VERMILLION, "✘")}

BASE_SIZE = (1280, 720)
# Type sizes in pixels at 1280x720; everything scales from these.
SIZES = {"small": 13, "body": 15, "bold": 15, "head": 18, "title": 24, "big": 36, "huge": 64}
BOLD_ROLES = frozenset({"bold", "head", "title", "big", "huge"})


def metric_colour(name: str, index: int = 0) -> tuple[int, int, int]:
    return METRIC_COLOURS.get(name, EXTRA_COLOURS[index % len(EXTRA_COLOURS)])


@dataclass
class Theme:
    """Fonts and spacing for one window size; rebuilt when the window is resized.

    Args:
        size: The window size in pixels.
        projector: Larger type for a room (about a third larger).
    """

    size: tuple[int, int]
    projector: bool = False
    scale: float = 1.0
    fonts: dict[str, pygame.font.Font] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # How much larger projector type is; the decision shown large may take a smaller step (decision.py).
    projector_scale: float = 1.3

    def __post_init__(self) -> None:
        w, h = self.size
        scale = max(0.8, min(w / BASE_SIZE[0], h / BASE_SIZE[1], 4.0))
        if self.projector:
            scale *= self.projector_scale
        self.scale = scale
        self._px: dict[float, int] = {}
        regular, bold = _font_files(self.problems)
        for role, px in SIZES.items():
            path = bold if role in BOLD_ROLES else regular
            self.fonts[role] = _font(path, max(9, round(px * scale)), self.problems)

    def px(self, value: float) -> int:
        """A length given at 1280x720, at this window's scale."""
        # Asked a few hundred times a frame, for a few dozen lengths.
        try:
            return self._px[value]
        except KeyError:
            length = self._px[value] = max(1, round(value * self.scale))
            return length

    def font(self, role: str) -> pygame.font.Font:
        return self.fonts[role]

    def line(self, role: str) -> int:
        return self.fonts[role].get_linesize()


_FONT_CACHE: dict[tuple[str | None, int], pygame.font.Font] = {}


# What a TrueType or OpenType file starts with. A damaged font can crash SDL_ttf outright (not
# an exception: the process dies), so a file that does not start like a font is never opened.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def _looks_like_font(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(4) in _FONT_MAGIC
    except OSError:
        return False


def _font_files(problems: list[str]) -> tuple[str | None, str | None]:
    regular, bold = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
    if not regular.is_file():
        problems.append(f"Font missing: {regular}; using pygame's default font.")
        return None, None
    if not _looks_like_font(regular):
        problems.append(f"Font {regular} could not be read (it is not a font file); using the default font.")
        print(problems[-1], file=sys.stderr)
        return None, None
    return str(regular), str(bold) if bold.is_file() and _looks_like_font(bold) else str(regular)


def _font(path: str | None, px: int, problems: list[str]) -> pygame.font.Font:
    key = (path, px)
    font = _FONT_CACHE.get(key)
    if font is None:
        try:
            font = pygame.font.Font(path, px)
            font.size("Ag")  # a damaged file may open and fail only when used: fail here instead
        except (OSError, pygame.error) as exc:
            problems.append(f"Font {path} could not be read ({exc}); using the default font.")
            print(problems[-1], file=sys.stderr)
            font = pygame.font.Font(None, px)
        _FONT_CACHE[key] = font
    return font
