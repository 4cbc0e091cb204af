"""Words of a text, with where each sits, and their stems.

The assessor matches cue phrases on word *stems* (snowballstemmer, the Snowball algorithms for
English and French) so that "apologise", "apologises" and "apologised" are one cue, and
"excusons", "excuse" and "excuses" another. Each word keeps its character span so a finding can
show the trainee the exact words that produced it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

LANGUAGES = {"en": "english", "fr": "french"}

# Letters and digits, keeping inner apostrophes out: French elisions ("l'erreur", "n'avons") and
# English contractions ("don't") are split, "n't" kept as its own negation word; hyphenated words
# ("so-called", "award-winning") stay one word and "!" is a word of its own (it counts for tone).
_WORD_RE = re.compile(r"n't|\w+(?:-\w+)*|!", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its stem and its character span in the original text."""

    stem: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case, one apostrophe, accents kept (the French stemmer needs them)."""
    return text.translate(_APOSTROPHES).lower()


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[lang])


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """Stem of one folded word (cached: the same words come back in every post)."""
    if word == "n't":
        return "not"
    base = _stemmer(lang).stemWord(word)
    if lang == "fr" and len(base) >= 7 and base.endswith("ent") and not base.endswith("ment"):
        # Snowball leaves the plural of most verbs whole ("s'ouvrent", "vendent"): without it they
        # would never meet "s'ouvre" or "vendre" in a key point.
        base = base[:-3]
    # Accents are dropped after stemming so "reconnaître"/"reconnaitre" and "désolé"/"desole" meet.
    return "".join(c for c in unicodedata.normalize("NFD", base) if not unicodedata.combining(c))


def words(text: str, lang: str) -> list[Word]:
    """The words of ``text`` with their stems and spans (spans index the original text)."""
    folded = fold(text)
    if len(folded) != len(text):  # a few characters change length when lowered: spans stay right
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_APOSTROPHES))
    return [Word(stem(m.group(), lang), m.start(), m.end()) for m in _WORD_RE.finditer(folded)]


@lru_cache(maxsize=8192)
def phrase_stems(phrase: str, lang: str) -> tuple[str, ...]:
    """Stems of a cue phrase as written by a trainer; ``...`` stands for a gap of a few words
    (cached: a decision's key points and red lines are read again for every answer)."""
    out: list[str] = []
    for part in fold(phrase).split():
        if part in {"...", "…"}:
            out.append("...")
            continue
        out.extend(stem(m.group(), lang) for m in _WORD_RE.finditer(part))
    return tuple(out)
