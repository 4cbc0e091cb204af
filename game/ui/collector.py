"""Python's cyclic garbage collector kept out of the live screen's frames.

A full collection walks every object the process holds: with a round of thousands of posts and
its log, that is 50-150 ms in one frame, several dropped frames in a row, at moments nobody
chose (issue 12: the single 88 ms and 140 ms frames of ``bench/bench_ui.py`` at the fastest
speed were such collections). Play makes almost no cyclic garbage (posts, log lines and cached
surfaces live as long as the round), so while a screen with a frame target shows, what has
survived so far is frozen (``gc.freeze``: moved out of the collector's sight, not copied), once
when the screen starts and again about every second. A full pass then only walks what was made
since the last freeze, a fraction of a millisecond.

When no screen has asked for a frame (the debrief, the menu), everything is unfrozen and the
collector works as usual again, so a finished round's objects are freed.
"""

from __future__ import annotations

import gc

FREEZE_EVERY = 60  # frames (about a second at 60 FPS)


class Collector:
    """The window's garbage-collection policy: quiet while a screen asks for it each frame."""

    def __init__(self) -> None:
        self.quiet = False
        self._asked = False
        self._frames = 0

    def keep_quiet(self) -> None:
        """Called by a screen with a frame target in each of its updates."""
        self._asked = True
        self._frames += 1
        if not self.quiet:
            # One full pass at the change of screen (the briefing's garbage, the last round's),
            # then the survivors are frozen.
            gc.collect()
            gc.freeze()
            self.quiet, self._frames = True, 0
        elif self._frames % FREEZE_EVERY == 0:
            gc.freeze()

    def end_frame(self) -> None:
        """After each frame of the window: no screen asked this frame, so the collector works as usual."""
        if not self._asked:
            self.release()
        self._asked = False

    def release(self) -> None:
        """Unfreeze what was frozen (no screen asks any more, or the window closes)."""
        if self.quiet:
            gc.unfreeze()
            self.quiet = False
