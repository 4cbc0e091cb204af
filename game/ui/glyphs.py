"""Which characters the window's font can draw, and text without the ones it cannot.

The window draws every word with DejaVu Sans (shipped in ``assets/fonts``). A case's posts
may hold characters it has no glyph for, above all emoji ("Welcome to our page! 🎉"): SDL_ttf
then draws its empty box, which reads as a bug on a projector. SDL2's SDL_ttf (under
pygame-ce 2.5) has no fallback fonts, and a colour-emoji font is neither shipped nor a
dependency. So the window draws an emoji that has a plain look-alike in DejaVu as that one
(``STAND_INS``: 🌹 as ✿, 😄 as ☺, 📮 as ✉, ✨ as ✧: the post keeps its tone), and leaves the
others out as it draws: a symbol or an emoji goes, with the joiners and variation selectors that
belonged to it, and the spaces it leaves are closed up; a letter or a digit the font lacks (a name in another script) shows as "\ufffd", so
the reader sees that something is missing rather than reading a name cut short.

What the font holds is read once from its character map through ``pygame.freetype`` (which,
unlike ``pygame.font``, tells an absent glyph from a present one).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pygame.freetype

from game.ui.theme import _font_files

# Characters that only shape their neighbours (zero-width joiner, variation selectors, emoji
# skin tones and tags): they go with the symbol they belong to.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400)) \
    | frozenset(chr(c) for c in range(0xE0020, 0xE0080))
_SPACES = re.compile(r" {2,}")

# Emoji DejaVu Sans lacks, drawn as a symbol it has that reads the same on a feed card. Only
# look-alikes: an emoji with none (🎄, 🎁, 👋, 📦) is left out rather than drawn as something else.
STAND_INS = {
    **dict.fromkeys("😀😃😄😁😆😊🙂😉😌😎🤗😇", "☺"),
    **dict.fromkeys("🙁😞😟😔😢😭😠😡", "☹"),
    **dict.fromkeys("💙💚💛💜🧡🖤💗💖💕💞💓", "♥"),
    **dict.fromkeys("🌹🌸🌺🌷🌼💐🌻", "✿"),
    **dict.fromkeys("✨💫", "✧"),
    **dict.fromkeys("⭐🌟", "★"),
    **dict.fromkeys("📮📧📨📩💌", "✉"),
    **dict.fromkeys("📞📱", "☎"),
    **dict.fromkeys("🎵🎶", "♫"),
    **dict.fromkeys("✅", "✔"),
    **dict.fromkeys("⏹", "■"),
}


@lru_cache(maxsize=1)
def _font() -> pygame.freetype.Font | None:
    regular, _ = _font_files([])  # the very file the window draws with
    try:
        pygame.freetype.init()
        return pygame.freetype.Font(regular, 16)  # any size: only the character map is read
    except (OSError, pygame.error):
        return None


@lru_cache(maxsize=8192)
def has_glyph(ch: str) -> bool:
    """Whether the window's font draws ``ch`` (a space, a control or a joiner counts as drawn)."""
    if ch.isascii():
        return True
    font = _font()
    if font is None:
        return True  # nothing to ask: draw as given
    try:
        return font.get_metrics(ch)[0] is not None
    except (pygame.error, UnicodeError, ValueError):
        return False


@lru_cache(maxsize=4096)
def printable(text: str) -> str:
    """``text`` as the window can draw it: what the font has no glyph for left out (see above).

    Kept per text: the screens ask for the same words every frame."""
    if text.isascii() or all(has_glyph(ch) for ch in text):
        return text
    out: list[str] = []
    dropped = False
    for ch in text:
        if ch in _JOINERS:
            if not dropped and has_glyph(ch):
                out.append(ch)  # joins characters the font draws: left as it is
            continue
        if has_glyph(ch):
            out.append(ch)
            dropped = False
        elif ch in STAND_INS and has_glyph(STAND_INS[ch]):
            out.append(STAND_INS[ch])
            dropped = True  # its variation selector or skin tone goes with it
        elif unicodedata.category(ch)[0] in "LN":
            out.append("\ufffd")
            dropped = False
        else:
            dropped = True
    shown = _SPACES.sub(" ", "".join(out)).strip()  # "page! 🎉 Welcome" reads "page! Welcome"
    return shown or "\ufffd"
