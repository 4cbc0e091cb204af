"""Read a written answer and say, with the words that show it, what it does.

Everything here is deterministic and explainable: a strategy or tone is found because a cue
phrase of the language's cue file is in the text, and each finding keeps the character spans of
those words. No model, no network, no clock.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from game.engine.assess._cues import Cue, CueSet, shipped_cues
from game.engine.assess._text import Word, fold, phrase_stems, words

Span = tuple[int, int]
_SENTENCE_END = re.compile(r"[.!?;:\n]+")
# Where a sentence of the answered post ends; a dot inside a word ("bikeforums.net") ends none.
_POST_SENTENCE_END = re.compile(r"[!?\n]|\.(?!\w)")
# Times written with digits need no cue: "24h", "17:00", "48 heures", "3 dec", "12/03".
_DIGIT_TIME = re.compile(r"\b\d{1,2}\s?(?:h\d{0,2}|:\d\d)\b|\b\d+\s?(?:hours?|hrs?|heures?|minutes?|days?|jours?|semaines?|weeks?)\b|\b\d{1,2}/\d{1,2}\b", re.I)
_GAP = 3  # words a "..." in a cue may stand for
_MAX_CHARS = 20_000  # longer texts are read up to here: no channel takes more, typing never stalls


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found in the text, with the words that produced it.

    Attributes:
        kind: ``strategy``, ``tone``, ``key_point``, ``red_line``, ``promise``.
        id: The strategy, tone, key point or red line id (``timed``/``untimed`` for promises).
        spans: Character spans in the text (start, end).
        words: The words themselves, as written by the trainee.
        cue: The cue phrase (as the cue file or the case wrote it) that matched.
        weight: How much it counted.
    """

    kind: str
    id: str
    spans: tuple[Span, ...]
    words: str
    cue: str
    weight: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "spans": [list(s) for s in self.spans], "words": self.words, "cue": self.cue}


@dataclass(frozen=True, slots=True)
class Point:
    """A key point or red line as a case gives it: an id and the phrases that count, in one language."""

    id: str
    words: tuple[str, ...]


@dataclass(slots=True)
class Assessment:
    """What a text does, each part with its evidence.

    Attributes:
        strategy: The primary SCCT strategy (``no_comment`` when no cue is found).
        also: The other strategies found, strongest first.
        tone: The tone.
        scores: Each strategy's cue weight.
        evidence: Every finding, in text order.
        key_points: Key point id -> found.
        red_lines: Red line id -> crossed.
        length: Characters.
        limit: The channel's limit, if any.
        unanswered: Questions of the answered post the text does not take up.
        promises: Promise findings (``timed`` or ``untimed``).
        text: The text assessed (the spans point into it).
    """

    strategy: str
    also: list[str]
    tone: str
    scores: dict[str, float]
    evidence: list[Finding]
    key_points: dict[str, bool] = field(default_factory=dict)
    red_lines: dict[str, bool] = field(default_factory=dict)
    length: int = 0
    limit: int | None = None
    unanswered: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def over_limit(self) -> int:
        """Characters past the channel's limit (0 when within it or without a limit)."""
        return max(0, self.length - self.limit) if self.limit else 0

    @property
    def promises(self) -> list[Finding]:
        return [f for f in self.evidence if f.kind == "promise"]

    def to_dict(self) -> dict[str, object]:
        return {
            "strategy": self.strategy,
            "also": self.also,
            "tone": self.tone,
            "scores": {k: round(v, 2) for k, v in self.scores.items()},
            "key_points": self.key_points,
            "red_lines": self.red_lines,
            "length": self.length,
            "limit": self.limit,
            "over_limit": self.over_limit,
            "unanswered_questions": self.unanswered,
            "promises": {"timed": sum(f.id == "timed" for f in self.promises), "untimed": sum(f.id == "untimed" for f in self.promises)},
            "evidence": [f.to_dict() for f in self.evidence],
        }


@dataclass(slots=True)
class _Hit:
    cue: Cue
    first: int  # word indices, inclusive
    last: int
    weight: float


def _match(cue_stems: Sequence[str], stems: Sequence[str], start: int) -> int:
    """Index of the last word of a match of ``cue_stems`` at ``start``, or -1."""
    i = start
    for k in range(1, len(cue_stems)):
        want = cue_stems[k]
        if want == "...":
            continue
        if cue_stems[k - 1] == "...":
            window = range(i + 1, min(len(stems), i + 2 + _GAP))
            i = next((j for j in window if stems[j] == want), -1)
            if i < 0:
                return -1
        else:
            i += 1
            if i >= len(stems) or stems[i] != want:
                return -1
    return i


class _Reading:
    """One text split into words and sentences, scanned for cues."""

    def __init__(self, text: str, cues: CueSet) -> None:
        self.text = text
        self.cues = cues
        self.words: list[Word] = words(text, cues.language)
        self.stems = [w.stem for w in self.words]
        ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        starts = [w.start for w in self.words]
        self.sentence = [bisect.bisect_left(ends, s) for s in starts]
        # A clause after "but"/"mais" is what the writer means: its cues weigh more.
        self.after_contrast = [False] * len(self.words)
        seen = -1
        for i, s in enumerate(self.stems):
            if s in cues.contrast:
                seen = self.sentence[i]
            elif self.sentence[i] == seen:
                self.after_contrast[i] = True

    def negated(self, first: int) -> bool:
        lo = max(0, first - self.cues.negation_window)
        return any(self.stems[j] in self.cues.negations and self.sentence[j] == self.sentence[first] for j in range(lo, first))

    def scan(self, kind: str) -> list[_Hit]:
        table = self.cues.index[kind]
        hits: list[_Hit] = []
        stems = self.stems
        n = len(stems)
        for i, s in enumerate(stems):
            for cue in table.get(s, ()):
                # Most cues starting with a common word ("we", "nous") fail on their second: check it here.
                second = cue.stems[1] if len(cue.stems) > 1 else None
                if second is not None and second != "..." and (i + 1 >= n or stems[i + 1] != second):
                    continue
                last = _match(cue.stems, stems, i) if second is not None else i
                if last < 0:
                    continue
                if cue.negatable and not any(c in self.cues.negations for c in cue.stems) and self.negated(i):
                    continue
                weight = cue.weight * (self.cues.contrast_weight if self.after_contrast[i] else 1.0)
                hits.append(_Hit(cue, i, last, weight))
        return _silence(hits)

    def spans(self, first: int, last: int) -> tuple[Span, ...]:
        return ((self.words[first].start, self.words[last].end),)

    def finding(self, kind: str, label: str, hit: _Hit) -> Finding:
        (span,) = self.spans(hit.first, hit.last)
        return Finding(kind, label, (span,), self.text[span[0] : span[1]], hit.cue.phrase, hit.weight)


def _silence(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits that an overlapping cue overrides, and hits inside a longer hit of the same label.

    Two cues of one label on the same words ("désolé" and "désolés" share a stem) count once.
    """
    best: dict[tuple[str, int, int], _Hit] = {}
    for h in hits:
        key = (h.cue.label, h.first, h.last)
        if key not in best or h.weight > best[key].weight:
            best[key] = h
    hits = list(best.values())
    kept = []
    for h in hits:
        shadowed = any(
            o is not h and o.first <= h.last and h.first <= o.last
            and (h.cue.label in o.cue.overrides or (o.cue.label == h.cue.label and o.first <= h.first and h.last <= o.last and (o.last - o.first) > (h.last - h.first)))
            for o in hits
        )
        if not shadowed:
            kept.append(h)
    return kept


def _points(reading: _Reading, points: Iterable[Point], kind: str) -> tuple[dict[str, bool], list[Finding]]:
    found: dict[str, bool] = {}
    evidence: list[Finding] = []
    lang = reading.cues.language
    for point in points:
        found[point.id] = False
        for phrase in point.words:
            stems = phrase_stems(phrase, lang)
            if not stems or stems[0] == "...":
                continue
            for i, s in enumerate(reading.stems):
                if s != stems[0]:
                    continue
                last = _match(stems, reading.stems, i) if len(stems) > 1 else i
                # A key point said in the negative ("we will not refund") is not said; a red line is crossed all the same.
                if last < 0 or (kind == "key_point" and reading.negated(i)):
                    continue
                (span,) = reading.spans(i, last)
                evidence.append(Finding(kind, point.id, (span,), reading.text[span[0] : span[1]], phrase))
                found[point.id] = True
                break
            if found[point.id]:
                break
    return found, evidence


def _unanswered(post: str, reading: _Reading) -> list[str]:
    """Questions of ``post`` none of whose content words the answer takes up."""
    said = set(reading.stems)
    out = []
    lang = reading.cues.language
    for question in _questions(post[:_MAX_CHARS]):
        content = {w.stem for w in words(question, lang) if len(w.stem) > 2 and w.stem not in reading.cues.stopwords}
        if content and not content & said:
            out.append(question)
    return out


def _questions(post: str) -> list[str]:
    """The sentences of ``post`` that end with a question mark (one pass: linear in its length)."""
    out, start = [], 0
    for m in _POST_SENTENCE_END.finditer(post):
        if m.group() == "?":
            out.append(post[start : m.end()].strip().lstrip("\"”»)’ "))  # not the quote the last sentence closed
        start = m.end()
    return out


def _promises(reading: _Reading) -> list[Finding]:
    times = reading.scan("times")
    timed_sentences = {reading.sentence[h.first] for h in times}
    starts = [w.start for w in reading.words]
    for m in _DIGIT_TIME.finditer(reading.text):
        if starts:
            timed_sentences.add(reading.sentence[min(len(starts) - 1, bisect.bisect_left(starts, m.start()))])
    out = []
    covered: set[int] = set()
    for hit in reading.scan("promises"):
        label = "timed" if reading.sentence[hit.first] in timed_sentences else "untimed"
        out.append(reading.finding("promise", label, hit))
        covered.update(range(hit.first, hit.last + 1))
    cues = reading.cues
    if cues.promise_endings and cues.promise_subjects:
        # A verb in the future after its subject ("nous remplacerons", "nous vous rembourserons"):
        # the stem drops the tense, so the ending is read on the word as written.
        for i, w in enumerate(reading.words):
            written = fold(reading.text[w.start : w.end])
            ending = next((e for e in cues.promise_endings if written.endswith(e) and len(written) > len(e) + 2), None)
            if ending is None or i in covered or reading.negated(i):
                continue
            subject = next((j for j in range(i - 1, max(-1, i - 4), -1) if reading.stems[j] in cues.promise_subjects
                            and reading.sentence[j] == reading.sentence[i]), None)
            if subject is None or covered.intersection(range(subject, i)):
                continue
            (span,) = reading.spans(subject, i)
            label = "timed" if reading.sentence[i] in timed_sentences else "untimed"
            out.append(Finding("promise", label, (span,), reading.text[span[0] : span[1]], f"… -{ending}"))
            covered.update(range(subject, i + 1))
    return out


def assess(
    text: str,
    lang: str,
    *,
    cues: CueSet | None = None,
    limit: int | None = None,
    key_points: Iterable[Point] = (),
    red_lines: Iterable[Point] = (),
    post: str | None = None,
) -> Assessment:
    """Assess one written answer.

    Args:
        text: What the trainee wrote (any text: it is never refused).
        lang: ``"en"`` or ``"fr"``, the case's language.
        cues: A trainer's own cue set; the shipped one for ``lang`` by default.
        limit: The channel's character limit, if any.
        key_points: What a good answer says, with the phrases that count.
        red_lines: What it must never say.
        post: The post being answered, whose questions should be taken up.

    Returns:
        The assessment, every finding with the words that produced it.
    """
    cues = cues or shipped_cues(lang)
    text = text if isinstance(text, str) else str(text)
    length = len(text)
    reading = _Reading(text[:_MAX_CHARS], cues)
    scores: dict[str, float] = {}
    evidence: list[Finding] = []
    for hit in reading.scan("strategies"):
        scores[hit.cue.label] = scores.get(hit.cue.label, 0.0) + hit.weight
        evidence.append(reading.finding("strategy", hit.cue.label, hit))
    # Ties go to the strategy named first in the cue file's order of strategies (the file's choice).
    ranked = sorted(scores, key=lambda s: (-scores[s], cues.order[s]))
    strategy = ranked[0] if ranked else "no_comment"
    also = [s for s in ranked[1:] if scores[s] >= cues.min_also and s != "no_comment"]
    tone_scores: dict[str, float] = {}
    for hit in reading.scan("tones"):
        tone_scores[hit.cue.label] = tone_scores.get(hit.cue.label, 0.0) + hit.weight
        evidence.append(reading.finding("tone", hit.cue.label, hit))
    if tone_scores and max(tone_scores.values()) >= cues.min_tone:
        tone = min(tone_scores, key=lambda t: (-tone_scores[t], cues.order[t]))
    else:
        tone = cues.default_tones.get(strategy, "neutral")
    kp, kp_evidence = _points(reading, key_points, "key_point")
    rl, rl_evidence = _points(reading, red_lines, "red_line")
    evidence += kp_evidence + rl_evidence + _promises(reading)
    evidence.sort(key=lambda f: (f.spans[0], f.kind))
    return Assessment(
        strategy=strategy,
        also=also,
        tone=tone,
        scores=scores,
        evidence=evidence,
        key_points=kp,
        red_lines=rl,
        length=length,
        limit=limit,
        unanswered=_unanswered(post, reading) if post else [],
        text=text,
    )
