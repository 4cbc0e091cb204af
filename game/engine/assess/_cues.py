"""Cue files: the words the assessor looks for, one YAML file per language, edited by trainers.

The format is documented in docs/assessment.md. A cue file is read with the same safe YAML reader
as cases, and every problem is reported as ``FILE:LINE:COL: error: message`` before it fails,
so a trainer fixes all of them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from game.engine._yaml import SourceMap, YamlProblem, load_yaml
from game.engine.assess._text import LANGUAGES, fold, phrase_stems
from game.engine.diagnostics import CaseError, Diagnostic
from game.engine.model import Strategy, Tone

STRATEGIES = frozenset(s.value for s in Strategy)
TONES = frozenset(t.value for t in Tone)
_KEYS = {
    "language", "negations", "negation_window", "contrast", "contrast_weight", "strategies", "tones",
    "default_tones", "promises", "times", "stopwords", "min_also", "min_tone", "promise_endings",
    "promise_subjects",
}


@dataclass(frozen=True, slots=True)
class Cue:
    """One phrase that counts for a strategy or a tone.

    Attributes:
        label: The strategy or tone id it counts for.
        phrase: The phrase as the trainer wrote it (shown in the evidence).
        stems: Its stems; ``"..."`` is a gap of up to three words.
        weight: How much it counts.
        overrides: Strategies or tones whose cues on the same words it silences
            ("sorry if" silences the apology in "sorry").
        negatable: Whether a negation just before it cancels it (false when the cue holds its own).
    """

    label: str
    phrase: str
    stems: tuple[str, ...]
    weight: float = 1.0
    overrides: frozenset[str] = frozenset()
    negatable: bool = True


@dataclass(slots=True)
class CueSet:
    """All the cues of one language, indexed by their first stem for a quick scan."""

    language: str
    strategies: list[Cue] = field(default_factory=list)
    tones: list[Cue] = field(default_factory=list)
    promises: list[Cue] = field(default_factory=list)
    times: list[Cue] = field(default_factory=list)
    # A verb's ending that opens a promise after a subject (French future: "nous remplacerons").
    promise_endings: tuple[str, ...] = ()
    promise_subjects: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    negation_window: int = 3
    contrast: frozenset[str] = frozenset()
    contrast_weight: float = 1.5
    default_tones: dict[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    min_also: float = 1.0
    min_tone: float = 1.0
    index: dict[str, dict[str, list[Cue]]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def build_index(self) -> None:
        """Group each kind's cues by first stem (a post is scanned once per kind)."""
        for kind in ("strategies", "tones", "promises", "times"):
            table: dict[str, list[Cue]] = {}
            for cue in getattr(self, kind):
                table.setdefault(cue.stems[0], []).append(cue)
            self.index[kind] = table
        # Ties go to the id named first in the file (strategies and tones have distinct ids).
        for n, cue in enumerate(self.strategies + self.tones):
            self.order.setdefault(cue.label, n)


class _Reader:
    """Turns a parsed cue file into a CueSet, collecting every problem with its position."""

    def __init__(self, filename: str, source: SourceMap, lang: str) -> None:
        self.filename = filename
        self.source = source
        self.lang = lang
        self.problems: list[Diagnostic] = []

    def error(self, path: tuple[str | int, ...], code: str, message: str, key: bool = False) -> None:
        pos = self.source.find(path, key=key)
        self.problems.append(Diagnostic(self.filename, pos.line, pos.column, "error", code, message))

    def words(self, data: dict[str, Any], name: str) -> list[str]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error((name,), "cue-list", f"'{name}' must be a list of words")
            return []
        return value

    def cue(self, item: Any, label: str, path: tuple[str | int, ...], allowed: frozenset[str]) -> Cue | None:
        if isinstance(item, str):
            item = {"words": item}
        if not isinstance(item, dict):
            self.error(path, "cue-item", "a cue is a phrase, or a mapping with 'words' (and 'weight', 'overrides')")
            return None
        for key in item:
            if key not in {"words", "weight", "overrides", "negatable"}:
                self.error((*path, key), "cue-field", f"unknown field '{key}' (expected words, weight, overrides, negatable)", key=True)
        phrase = item.get("words")
        if not isinstance(phrase, str) or not phrase.strip():
            self.error(path, "cue-words", "a cue needs 'words': the phrase to look for")
            return None
        stems = phrase_stems(phrase, self.lang)
        if not stems or stems[0] == "..." or stems[-1] == "...":
            self.error((*path, "words"), "cue-words", f"'{phrase}' has no words to look for (or starts or ends with '...')")
            return None
        weight = item.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            self.error((*path, "weight"), "cue-weight", f"weight must be a number above 0, not {weight!r}")
            weight = 1.0
        overrides = item.get("overrides", [])
        if not isinstance(overrides, list) or any(o not in allowed for o in overrides):
            self.error((*path, "overrides"), "cue-overrides", f"overrides must list ids among: {', '.join(sorted(allowed))}")
            overrides = []
        negatable = item.get("negatable", True)
        if not isinstance(negatable, bool):
            self.error((*path, "negatable"), "cue-negatable", "negatable must be true or false")
            negatable = True
        return Cue(label, phrase, stems, float(weight), frozenset(overrides), negatable)

    def table(self, data: dict[str, Any], name: str, allowed: frozenset[str]) -> list[Cue]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.error((name,), "cue-table", f"'{name}' must map ids to lists of cues")
            return []
        out: list[Cue] = []
        for label, items in value.items():
            if label not in allowed:
                self.error((name, label), "cue-id", f"unknown id '{label}' in {name} (expected one of: {', '.join(sorted(allowed))})", key=True)
                continue
            if not isinstance(items, list):
                self.error((name, label), "cue-list", f"'{label}' must be a list of cues")
                continue
            for i, item in enumerate(items):
                cue = self.cue(item, label, (name, label, i), allowed)
                if cue is not None:
                    out.append(cue)
        return out

    def phrases(self, data: dict[str, Any], name: str) -> list[Cue]:
        return [c for i, p in enumerate(self.words(data, name)) if (c := self.cue(p, name, (name, i), frozenset())) is not None]


def parse_cues(text: str, filename: str) -> CueSet:
    """Read one cue file.

    Args:
        text: The YAML text.
        filename: Shown in the diagnostics.

    Raises:
        CaseError: with every problem found, each with its file, line and column.
    """
    try:
        data, source = load_yaml(text, filename)
    except YamlProblem as problem:
        raise CaseError(problem.diagnostics) from None
    if not isinstance(data, dict):
        raise CaseError([Diagnostic(filename, 1, 1, "error", "cue-file", "a cue file is a mapping (language, strategies, tones, ...)")])
    lang = data.get("language")
    if lang not in LANGUAGES:
        pos = source.find(("language",))
        raise CaseError([Diagnostic(filename, pos.line, pos.column, "error", "cue-language", f"language must be one of: {', '.join(LANGUAGES)}")])
    r = _Reader(filename, source, lang)
    for key in data:
        if key not in _KEYS:
            r.error((key,), "cue-field", f"unknown field '{key}'", key=True)
    cues = CueSet(language=lang)
    cues.strategies = r.table(data, "strategies", STRATEGIES)
    cues.tones = r.table(data, "tones", TONES)
    cues.promises = r.phrases(data, "promises")
    cues.times = r.phrases(data, "times")
    cues.promise_endings = tuple(fold(w) for w in r.words(data, "promise_endings"))
    cues.promise_subjects = frozenset(s for w in r.words(data, "promise_subjects") for s in phrase_stems(w, lang))
    cues.negations = frozenset(s for w in r.words(data, "negations") for s in phrase_stems(w, lang))
    cues.contrast = frozenset(s for w in r.words(data, "contrast") for s in phrase_stems(w, lang))
    cues.stopwords = frozenset(s for w in r.words(data, "stopwords") for s in phrase_stems(w, lang))
    for name in ("negation_window", "contrast_weight", "min_also", "min_tone"):
        value = data.get(name, getattr(cues, name))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            r.error((name,), "cue-number", f"'{name}' must be a number, at least 0")
        else:
            setattr(cues, name, type(getattr(cues, name))(value))
    defaults = data.get("default_tones", {})
    if isinstance(defaults, dict):
        for strategy, tone in defaults.items():
            if strategy not in STRATEGIES:
                r.error(("default_tones", strategy), "cue-id", f"unknown strategy '{strategy}'", key=True)
            elif tone not in TONES:
                r.error(("default_tones", strategy), "cue-id", f"unknown tone '{tone}'")
            else:
                cues.default_tones[strategy] = tone
    else:
        r.error(("default_tones",), "cue-table", "'default_tones' maps strategies to tones")
    if r.problems:
        raise CaseError(r.problems)
    cues.build_index()
    return cues


def load_cues(path: str | Path) -> CueSet:
    """Read a cue file from disk (a trainer's own, or a shipped one)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([Diagnostic(str(path), 0, 0, "error", "cue-file", f"cannot read the cue file: {exc}")]) from None
    return parse_cues(text, str(path))


_SHIPPED: dict[str, CueSet] = {}


def shipped_cues(lang: str) -> CueSet:
    """The cues shipped with the game for ``lang`` (read once)."""
    if lang not in _SHIPPED:
        if lang not in LANGUAGES:
            raise ValueError(f"no cues for language {lang!r} (expected one of: {', '.join(LANGUAGES)})")
        ref = resources.files("game.engine.assess") / "cues" / f"{lang}.yaml"
        _SHIPPED[lang] = parse_cues(ref.read_text(encoding="utf-8"), f"game/engine/assess/cues/{lang}.yaml")
    return _SHIPPED[lang]
