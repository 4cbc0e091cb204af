"""Written answers, read openly: which SCCT strategies, which tone, which key points and red lines.

Pure and deterministic (no pygame, no network, no clock). See docs/assessment.md.
"""

from __future__ import annotations

from game.engine.assess._assess import Assessment, Finding, Point, assess
from game.engine.assess._cues import Cue, CueSet, load_cues, parse_cues, shipped_cues
from game.engine.assess._round import TextRating, assess_answer, closest_option, points, rate_text

__all__ = [
    "Assessment", "Cue", "CueSet", "Finding", "Point", "TextRating", "assess", "assess_answer", "closest_option",
    "load_cues", "parse_cues", "points", "rate_text", "shipped_cues",
]
