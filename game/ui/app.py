"""The window, the scene stack and the one loop; ``run`` is what ``crisis-sim`` calls.

Wall-clock time is read here only (pygame's clock) and reaches the engine only as
``session.advance(real_seconds * speed)`` in the live screen. Tests and screenshots call
:meth:`App.frame` with the ``dt`` they choose, so nothing depends on how fast the machine is.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.i18n import LANGUAGES, Translator, translator
from game.ui.collector import Collector
from game.ui.menu import MenuScene
from game.ui.resume import offer_resume
from game.ui.rounds import close_results
from game.ui.scene import Scene
from game.ui.settings import DEMO_SPEED, SPEEDS, Preferences, Settings, default_scenarios
from game.ui.sound import Cues
from game.ui.text import Painter
from game.ui.theme import Theme
from game.ui.widgets import TextField

if TYPE_CHECKING:
    from game.results.store import ResultStore

__all__ = ["DEMO_SPEED", "SCREENS", "SPEEDS", "App", "Settings", "default_scenarios", "open_app",
           "run"]

#: Every screen by name, as ``module:class``. A screen goes to another by asking the app for it by
#: name (``app.push(app.new_scene("briefing", case, path))``), never by importing it, so the
#: screens do not import each other in a circle (as Tuxemon's state manager keeps its states).
#: A screen's module is imported when it is first shown: the window reaches its menu without
#: importing the live screen, the debrief and what they need (the engine's session, the
#: assessment, the report templates), a good part of the start-up time (issue 12).
SCREENS: dict[str, str] = {
    "menu": "game.ui.menu:MenuScene",
    "briefing": "game.ui.briefing:BriefingScene",
    "live": "game.ui.live:LiveScene",
    "debrief": "game.ui.debrief:DebriefScene",
    "note": "game.ui.notes:NoteScene",
    "reply": "game.ui.reply:ReplyScene",
    "reflect": "game.ui.notes:ReflectScene",
    "help": "game.ui.help:HelpScene",
    "decision": "game.ui.decision:DecisionFocus",
    "history": "game.ui.history:HistoryScene",
    "workshop": "game.ui.workshop:WorkshopScene",
    "new-workshop": "game.ui.workshop:NewWorkshopScene",
    "resume": "game.ui.resume:ResumeScene",
    "override": "game.ui.override:OverrideScene",
}


def screen(name: str) -> type[Scene]:
    """The class of the screen called ``name`` (a key of :data:`SCREENS`), its module imported if need be."""
    module, cls = SCREENS[name].split(":")
    scene: type[Scene] = getattr(importlib.import_module(module), cls)
    return scene

MAX_FRAME = 0.25  # a stall (window dragged, machine busy) never jumps the simulation further


class App:
    """The window and its stack of scenes.

    Args:
        settings: Choices from the command line (the menu changes some of them).
    """

    # Kept by game/ui/rounds.py, which opens them on first use (never for a demo or the tour).
    _results: ResultStore | None = None
    _results_opened: bool = False
    _preferences: Preferences | None = None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        pygame.display.init()
        pygame.font.init()
        pygame.key.set_repeat(350, 40)
        self.windowed_size = settings.size
        self.window = self._open_window(settings.fullscreen)
        pygame.display.set_caption("Crisis Sim")
        self.painter = Painter(Theme(self.window.get_size(), settings.projector))
        self.sound = Cues(muted=True)
        self.stack: list[Scene] = []
        self.running = True
        self.mouse = (0, 0)
        self.frames = 0
        self.collector = Collector()  # no full garbage collection in the live screen's frames
        self.problems: list[str] = list(self.painter.theme.problems)

    # --- the window ------------------------------------------------------------------

    def _open_window(self, fullscreen: bool) -> pygame.Surface:
        if fullscreen:
            try:
                return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            except pygame.error:
                pass
        return pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)

    @property
    def size(self) -> tuple[int, int]:
        return self.window.get_size()

    def toggle_fullscreen(self) -> None:
        self.settings.fullscreen = not self.settings.fullscreen
        if self.settings.fullscreen:
            self.windowed_size = self.size
        self.window = self._open_window(self.settings.fullscreen)
        self.relayout()

    def toggle_projector(self) -> None:
        self.settings.projector = not self.settings.projector
        self.relayout()

    def relayout(self) -> None:
        """New window size or type size: new fonts, and every scene lays itself out again."""
        self.window = pygame.display.get_surface() or self.window
        self.painter.set_theme(Theme(self.size, self.settings.projector))
        for scene in self.stack:
            scene.layout(self.size)

    @property
    def tr(self) -> Translator:
        """The words, numbers and times of the chosen language."""
        return translator(self.settings.lang)

    def set_language(self, lang: str) -> None:
        """Switch the interface language: every scene on the stack lays itself out (and so
        draws its words) again, and the menu lists the cases in that language."""
        self.settings.lang = lang if lang in LANGUAGES else "en"
        self.painter.cache.clear()
        for scene in self.stack:
            scene.language_changed()
            scene.layout(self.size)

    # --- the stack -------------------------------------------------------------------

    @property
    def top(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def new_scene(self, name: str, *args: Any, **kwargs: Any) -> Scene:
        """A new screen called ``name`` (a key of :data:`SCREENS`) for this window."""
        return screen(name)(self, *args, **kwargs)

    def scene(self, name: str) -> Scene | None:
        """The scene called ``name`` on the stack, if any."""
        return next((s for s in reversed(self.stack) if s.name == name), None)

    def push(self, scene: Scene) -> None:
        if self.stack:
            self.stack[-1].pause()
        scene.layout(self.size)
        self.stack.append(scene)

    def pop(self) -> Scene | None:
        if not self.stack:
            return None
        scene = self.stack.pop()
        if self.stack:
            self.stack[-1].resume()
        return scene

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for another (briefing -> live -> debrief)."""
        if self.stack:
            self.stack.pop()
        scene.layout(self.size)
        self.stack.append(scene)

    def back_to(self, name: str) -> None:
        """Pop scenes until the one called ``name`` is on top."""
        while self.stack and self.stack[-1].name != name:
            self.stack.pop()
        if self.stack:
            self.stack[-1].resume()

    # --- the loop --------------------------------------------------------------------

    def frame(self, dt: float) -> None:
        """One turn of the loop: input, update by ``dt`` real seconds, draw."""
        for event in pygame.event.get():
            self.dispatch(event)
        if not self.running:
            return
        self.update(dt)
        self.draw()
        pygame.display.flip()
        self.frames += 1
        self.collector.end_frame()

    def dispatch(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            shown = pygame.display.get_surface()
            if shown is not None and shown.get_size() != self.painter.theme.size:
                self.relayout()
            return
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.mouse = event.pos
        # A text field the key opens must not get the text the key types next (TextField.key_text).
        TextField.key_text = getattr(event, "unicode", "") if event.type == pygame.KEYDOWN else ""
        try:
            for scene in reversed(list(self.stack)):
                if scene.handle(event):
                    return
                if not scene.overlay:
                    break
            if event.type == pygame.KEYDOWN:
                self.global_key(event)
        finally:
            TextField.key_text = ""

    def global_key(self, event: pygame.event.Event) -> None:
        """Keys that work on every screen when the screen itself did not use them."""
        key = event.key
        if key == pygame.K_F11:
            self.toggle_fullscreen()
        elif key == pygame.K_F2:
            self.toggle_projector()
        elif key == pygame.K_F1:
            self.toggle_help()
        elif key == pygame.K_m:
            self.sound.toggle()

    def toggle_help(self) -> None:
        if self.top is not None and self.top.name == "help":
            self.pop()
        else:
            self.push(self.new_scene("help"))

    def _from_base(self) -> list[Scene]:
        """The scenes that show: the top one and, under overlays, the ones they cover."""
        start = len(self.stack) - 1
        while start > 0 and self.stack[start].overlay:
            start -= 1
        return self.stack[max(0, start):]

    def update(self, dt: float) -> None:
        for scene in self._from_base():
            scene.update(dt)

    def draw(self) -> None:
        self.painter.begin_frame()
        self.window.set_clip(None)
        for scene in self._from_base():
            scene.draw(self.window)

    def loop(self) -> int:
        clock = pygame.time.Clock()
        while self.running and self.stack:
            dt = clock.tick(60) / 1000.0
            self.frame(min(dt, MAX_FRAME))
        return 0

    def shown(self) -> list[str]:
        """The lines of text on screen after the last frame."""
        return self.painter.shown()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.window, str(path))

    def close(self) -> None:
        close_results(self)  # a round still running is kept as interrupted, to resume next time
        self.sound.close()
        self.collector.release()
        pygame.display.quit()


def open_app(settings: Settings, case: Path | None = None) -> App:
    """A window on the menu (and the case's briefing when one was given)."""
    app = App(settings)
    menu = MenuScene(app, settings.scenarios, extra=case)
    app.push(menu)
    if case is not None:
        menu.finish_loading()
        menu.open(menu.entry_for(case))
    return app


def run(args: argparse.Namespace, case: Path | str | None = None) -> int:
    """Open the window and play until it is closed; the exit code for the shell.

    Args:
        args: The command line (``--scenarios --lang --demo --screenshot --fullscreen --projector``).
        case: A case to open on its briefing, or None for the menu.
    """
    settings = Settings.from_args(args)
    case_path = Path(case) if case is not None else None
    try:
        app = open_app(settings, case_path)
    except pygame.error as exc:
        print(f"crisis-sim: cannot open a window ({exc}); play in the terminal with "
              "`crisis-sim play CASE --text`.", file=sys.stderr)
        return 1
    try:
        if settings.screenshot is not None:
            director = importlib.import_module("game.ui.director")  # only for --screenshot (it needs every screen)
            return int(director.take_screenshots(app, settings.screenshot, case_path))
        offer_resume(app)  # a round that stopped mid-way (a crash, a closed window) is offered first
        return app.loop()
    finally:
        app.close()
