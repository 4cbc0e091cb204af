"""Subtle sound cues, made on the fly as tiny WAV files; muted by default.

Workshops start silent: the trainer turns sound on with one key. The cues are generated with
the standard library's ``wave`` module (no audio files to license), and a machine with no audio
device simply stays silent.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave

import pygame

RATE = 22050

# Each cue is a few (frequency Hz, seconds) notes with a soft attack and release.
CUES: dict[str, tuple[tuple[float, float], ...]] = {
    "message": ((880.0, 0.06), (1175.0, 0.08)),       # something in the inbox
    "decision": ((523.3, 0.09), (659.3, 0.09), (784.0, 0.14)),  # a decision to make
    "hurry": ((988.0, 0.05), (0.0, 0.05), (988.0, 0.05)),  # one minute left
    "timeout": ((392.0, 0.12), (311.1, 0.2)),          # time ran out
    "done": ((523.3, 0.08), (784.0, 0.08), (1046.5, 0.16)),  # the round is over
    "tick": ((1320.0, 0.025),),                        # a click on a button
}


def cue_wav(notes: tuple[tuple[float, float], ...], volume: float = 0.25) -> bytes:
    """A mono 16-bit WAV of ``notes``; a frequency of 0 is a rest."""
    frames = bytearray()
    for freq, seconds in notes:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.008))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            frames += struct.pack("<h", int(32767 * volume * envelope * value))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


class Cues:
    """Plays the cues when not muted. ``played`` lists what was asked for (tests read it).

    Args:
        muted: Start silent (the default for workshops).
    """

    def __init__(self, muted: bool = True) -> None:
        self.muted = muted
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        self.available = False
        self.problem = ""
        self.played: list[str] = []

    def _open(self) -> None:
        """Open the audio device the first time sound is wanted."""
        if self.available or self.problem:
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(RATE, -16, 1, 512)
            for name, notes in CUES.items():
                self.sounds[name] = pygame.mixer.Sound(file=io.BytesIO(cue_wav(notes)))
            self.available = True
        except (pygame.error, OSError, NotImplementedError) as exc:
            self.problem = f"no sound: {exc}"
            print(f"crisis-sim: {self.problem}", file=sys.stderr)

    def toggle(self) -> bool:
        self.muted = not self.muted
        if not self.muted:
            self._open()
        return self.muted

    def play(self, name: str) -> None:
        if self.muted:
            return
        self.played.append(name)
        self._open()
        sound = self.sounds.get(name)
        if sound is not None:
            try:
                sound.play()
            except pygame.error:
                pass

    def close(self) -> None:
        if self.available and pygame.mixer.get_init():
            pygame.mixer.quit()
