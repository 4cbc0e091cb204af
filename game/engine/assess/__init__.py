"""Written answers, read openly: which SCCT strategies, which tone, which key points and red lines.

Pure and deterministic (no pygame, no network, no clock). See docs/assessment.md.
"""

from __future__ import annotations

from game.engine.assess._assess import Assessment, Finding, Point, assess
from game.engine.assess._cues import Cue, CueSet, load_cues, parse_cues, shipped_cues
from game.engine.assess._round import (
    Answered,
    Override,
    TextRating,
    answered_text,
    assess_answer,
    changes,
    check_override,
    closest_option,
    overridden,
    points,
    rate_text,
)

__all__ = [
    "Answered", "Assessment", "Cue", "CueSet", "Finding", "Override", "Point", "TextRating", "answered_text", "assess", "assess_answer", "changes",
    "check_override", "closest_option", "load_cues", "overridden", "parse_cues", "points", "rate_text", "shipped_cues",
]
