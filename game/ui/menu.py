"""The case menu: every case found, the broken ones greyed with their errors; team, language, speed.

Each case folder is listed once, in the interface language when it holds that translation
(``scenario.fr.yaml``), else in its own. Cases load one per frame, so a folder of many cases (or a
slow disk) never freezes the window, and a case that fails validation is listed with its first
error while the others still play. Once read, they are ordered by difficulty, the beginners' case
first (and selected, unless the trainer already chose another). F5 reads every case from disk
again, for authors editing one. The speed goes both ways (S, Shift+S, + and -, a right click) and
shows how long the selected case's round takes in real time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.engine.diagnostics import CaseError
from game.engine.loader import case_file, case_files, check_file, load_case
from game.engine.model import Case
from game.engine.rubric import crisis_name
from game.play.pace import pace
from game.i18n import DIFFICULTIES, LANGUAGE_NAMES, LANGUAGES, Translator
from game.ui import theme as th
from game.ui.scene import Scene
from game.ui.rounds import preferences, remember_speed
from game.ui.settings import SPEEDS
from game.ui.widgets import Button, TextField, button_width, draw_button
from game.ui.workshop import menu_line, open_results_screen

if TYPE_CHECKING:
    from game.ui.app import App


def read_case(path: Path) -> tuple[Case | None, list[str]]:
    """The case in ``path`` and, when it cannot be played, its problems as ``FILE:LINE:COL: error: message``."""
    try:
        return load_case(path).case, []
    except CaseError as exc:
        return None, [str(d) for d in exc.diagnostics] or [f"{path}: cannot be loaded"]
    except Exception as exc:
        return None, [f"{path}: {type(exc).__name__}: {exc}"]


def case_problems(path: Path) -> list[str]:
    """Everything ``crisis-sim validate`` would say about ``path`` (errors and warnings)."""
    try:
        return [str(d) for d in check_file(path)]
    except Exception as exc:
        return [f"{path}: {type(exc).__name__}: {exc}"]


@dataclass
class CaseEntry:
    """One case in the menu: a case folder (read in the chosen language) or a file given by name.

    Attributes:
        source: The case folder, or a case file named on the command line.
        path: The file read for the current language.
    """

    source: Path
    lang: str = "en"
    path: Path = field(init=False)
    case: Case | None = None
    problems: list[str] = field(default_factory=list)
    loaded: bool = False

    def __post_init__(self) -> None:
        self.path = self.file_for(self.lang)

    @property
    def key(self) -> Path:
        """What makes two entries the same case: its folder."""
        folder = self.source if self.source.is_dir() else self.source.parent
        return folder.resolve()

    def file_for(self, lang: str) -> Path:
        if not self.source.is_dir():
            return self.source
        file = case_file(self.source, lang)
        if not file.is_file():  # a folder with translations only
            found = sorted(self.source.glob("scenario*.yaml"))
            if found:
                return found[0]
        return file

    def set_language(self, lang: str) -> None:
        """Read the case in ``lang`` if its folder has that translation (reloads only if the file changes)."""
        self.lang = lang
        path = self.file_for(lang)
        if path != self.path:
            self.path, self.case, self.problems, self.loaded = path, None, [], False

    @property
    def playable(self) -> bool:
        return self.case is not None

    @property
    def short_name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def short_problem(self) -> str:
        """The first problem, with the file named as in the menu rather than by its full path."""
        return self.problems[0].replace(str(self.path), self.short_name) if self.problems else ""

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        self.case, self.problems = read_case(self.path)


def find_cases(folders: list[Path], extra: Path | None = None, lang: str = "en") -> list[CaseEntry]:
    """Every case in ``folders`` (one sub-folder per case, listed once whatever its translations),
    and ``extra`` first if given."""
    entries: list[CaseEntry] = []
    seen: set[Path] = set()

    def add(source: Path) -> None:
        entry = CaseEntry(source, lang)
        if entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)

    if extra is not None:
        add(extra)
    for folder in folders:
        if not folder.is_dir():
            continue
        try:
            files = list(case_files(folder))
        except OSError:
            continue
        for file in files:
            add(file.parent)
    return entries


DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}


def menu_order(entries: list[CaseEntry], extra: Path | None = None) -> list[CaseEntry]:
    """Cases by difficulty, easiest first, then by title; a case named on the command line stays
    first, and cases that cannot be played come last."""
    first = [e for e in entries if extra is not None and e.source == extra]

    def rank(entry: CaseEntry) -> tuple[int, int, str]:
        case = entry.case
        if case is None:
            return (1, 0, entry.short_name)
        return (0, DIFFICULTY_ORDER.get(case.difficulty, len(DIFFICULTY_ORDER)), case.title.casefold())

    return first + sorted((e for e in entries if e not in first), key=rank)


def crisis_label(case: Case, tr: Translator) -> str:
    return crisis_name(case.crisis, tr.lang)


class MenuScene(Scene):
    """The first screen.

    Args:
        app: The window.
        folders: Folders of cases to list.
        extra: A case given on the command line, listed first.
    """

    name = "menu"

    def __init__(self, app: App, folders: list[Path], extra: Path | None = None) -> None:
        super().__init__(app)
        self.folders = folders
        self.extra = extra
        self.entries = find_cases(folders, extra, app.settings.lang)
        self.selected = 0
        self.team = TextField(app.settings.team)
        # A note in the footer, kept as a function so it follows the language.
        self.message: Callable[[], str] | None = None
        self.scroll = 0
        self.buttons: list[Button] = []
        self.rows: list[tuple[int, pygame.Rect]] = []
        self.demo_wait = 1.5
        self.chosen = False  # the trainer moved the selection: ordering the list keeps their case
        self.ordered = False
        self.list_top = 0  # where the list of cases starts, below the settings (set by the layout)

    # --- the cases -------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return any(not e.loaded for e in self.entries)

    def finish_loading(self) -> None:
        for entry in self.entries:
            entry.load()
        self.order()

    def order(self) -> None:
        """Once every case is read: easiest first, and selected unless the trainer chose one."""
        if self.ordered or self.loading:
            return
        current = self.entries[self.selected] if self.entries and self.chosen else None
        self.entries = menu_order(self.entries, self.extra)
        self.selected = self.entries.index(current) if current in self.entries else 0
        self.ordered = True

    def entry_for(self, path: Path) -> CaseEntry:
        wanted = CaseEntry(Path(path), self.app.settings.lang)
        for entry in self.entries:
            if entry.key == wanted.key:
                return entry
        self.entries.insert(0, wanted)
        if self.selected or self.chosen:
            self.selected += 1  # the same case stays selected
        return wanted

    def first_playable(self) -> CaseEntry | None:
        self.finish_loading()
        return next((e for e in self.entries if e.playable), None)

    def open(self, entry: CaseEntry) -> None:
        """Go to the briefing of a case; a broken one opens on the list of its problems."""
        entry.load()
        if entry in self.entries:
            self.selected = self.entries.index(entry)
        self.app.settings.team = self.team.text.strip()
        if not entry.playable:
            n, name = len(entry.problems), entry.short_name
            self.message = lambda: self._("{file}: {problem}", file=name, problem=self.broken_text(n))
            self.app.push(self.app.new_scene("briefing", None, entry.path,
                                             case_problems(entry.path) or entry.problems))
            return
        self.message = None
        self.app.push(self.app.new_scene("briefing", entry.case, entry.path))

    def broken_text(self, n: int) -> str:
        return self.tr.ngettext("⚠ This case cannot be played: {n} problem. Fix it and press F5.",
                                "⚠ This case cannot be played: {n} problems. Fix them and press F5.", n)

    def reload(self) -> None:
        """F5: find and read every case again from disk (an author has just edited one)."""
        current = self.entries[self.selected].key if self.entries else None
        self.entries = find_cases(self.folders, self.extra, self.app.settings.lang)
        keys = [e.key for e in self.entries]
        # Read again one per frame, then ordered (update) with the same case still selected.
        self.selected = keys.index(current) if current in keys else min(self.selected, max(0, len(keys) - 1))
        self.chosen, self.ordered = self.chosen or current in keys, False
        count = len(self.entries)
        self.message = lambda: self.tr.ngettext("{n} case read again from disk.", "{n} cases read again from disk.",
                                                count)
        self._layout_rows()

    def refresh(self, path: Path, case: Case | None, problems: list[str]) -> None:
        """A screen above read ``path`` again: the menu's entry for it shows the same."""
        for entry in self.entries:
            if entry.path.resolve() == path.resolve():
                entry.case, entry.problems, entry.loaded = case, problems, True

    def language_changed(self) -> None:
        for entry in self.entries:
            entry.set_language(self.app.settings.lang)

    # --- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if self.team.handle(event):
            self.app.settings.team = self.team.text.strip()
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self.click(event.pos)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:  # a right click: the speed goes down
            speed = next((b for b in self.buttons if b.action == "speed"), None)
            if speed is not None and speed.hit(event.pos):
                self.cycle_speed(-1)
                return True
            return False
        if event.type == pygame.MOUSEWHEEL:
            self.move(-event.y)
            return True
        if event.type != pygame.KEYDOWN:
            return False
        key = event.key
        if key in (pygame.K_UP, pygame.K_k):
            self.move(-1)
        elif key in (pygame.K_DOWN, pygame.K_j):
            self.move(1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.entries:
                self.open(self.entries[self.selected])
        elif key == pygame.K_n:
            self.team.editing = True
        elif key == pygame.K_l:
            self.cycle_language()
        elif key == pygame.K_o:
            self.toggle_objectives()
        elif key == pygame.K_s:
            self.cycle_speed(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif key in (pygame.K_PLUS, pygame.K_KP_PLUS, pygame.K_EQUALS):
            self.cycle_speed(1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.cycle_speed(-1)
        elif key == pygame.K_F5:
            self.reload()
        elif key in (pygame.K_w, pygame.K_h):
            open_results_screen(self, "workshop" if key == pygame.K_w else "history")
        elif key in (pygame.K_ESCAPE, pygame.K_q):
            self.app.running = False
        else:
            return False
        return True

    def click(self, pos: tuple[int, int]) -> bool:
        if self.team_rect().collidepoint(pos):
            self.team.editing = True
            return True
        for button in self.buttons:
            if button.hit(pos):
                self.press(button.action)
                return True
        for index, rect in self.rows:
            if rect.collidepoint(pos):
                self.selected, self.chosen = index, True
                self.open(self.entries[index])
                return True
        self.team.editing = False
        return False

    def press(self, action: str) -> None:
        if action == "team":
            self.team.editing = True
        elif action == "lang":
            self.cycle_language()
        elif action == "speed":
            self.cycle_speed(1)
        elif action == "objectives":
            self.toggle_objectives()
        elif action == "projector":
            self.app.toggle_projector()
        elif action == "sound":
            self.app.sound.toggle()
        elif action == "reload":
            self.reload()
        elif action == "quit":
            self.app.running = False

    def move(self, step: int) -> None:
        if self.entries:
            self.selected = max(0, min(len(self.entries) - 1, self.selected + step))
            self.chosen = True

    def cycle_language(self) -> None:
        lang = self.app.settings.lang
        following = LANGUAGES[(LANGUAGES.index(lang) + 1) % len(LANGUAGES)] if lang in LANGUAGES else LANGUAGES[0]
        self.app.set_language(following)

    def cycle_speed(self, step: int) -> None:
        """S, +, a click: one step faster (wrapping round); Shift+S, -, a right click: slower."""
        speed = self.app.settings.speed
        choices: list[float | None] = [None, *SPEEDS]  # the case's own pace, then each speed
        index = 0 if speed is None else 1 + min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        self.app.settings.speed = choices[(index + step) % len(choices)]
        remember_speed(self.app)

    def toggle_objectives(self) -> None:
        """O: the briefing shows the objectives, or keeps them for the debrief (a facilitator who
        wants the team to find out what matters). Kept for the next start."""
        settings = self.app.settings
        settings.hide_objectives = not settings.hide_objectives
        preferences(self.app).keep_hide_objectives(settings.hide_objectives)

    def speed_label(self) -> str:
        """The speed, and how long the selected case's round takes at it in real time."""
        tr, speed = self.tr, self.app.settings.speed
        label = self._("Speed: the case's pace") if speed is None else \
            self._("Speed: 1 s = {speed} s", speed=tr.number(speed))
        entry = self.entries[self.selected] if self.entries else None
        if entry is not None and entry.case is not None:
            # The real length the live screen will take, decisions' reading time included (game/play/pace.py).
            real = int(round(pace(entry.case, speed).round_seconds))
            label = self._("{speed} · the round takes up to {real}", speed=label, real=tr.duration(real))
        return label

    # --- update and draw -------------------------------------------------------------

    def update(self, dt: float) -> None:
        for entry in self.entries:
            if not entry.loaded:
                entry.load()  # one case per frame
                break
        self.order()
        if self.app.settings.demo and not self.loading and self.app.top is self:
            self.demo_wait -= dt
            if self.demo_wait <= 0:
                first = self.first_playable()
                self.demo_wait = 1e9
                if first is not None:
                    self.selected = self.entries.index(first)
                    self.open(first)
        self._layout_rows()

    def layout(self, size: tuple[int, int]) -> None:
        self._layout_rows()

    def _settings_buttons(self) -> list[Button]:
        t, p, tr = self.theme, self.painter, self.tr
        s = self.app.settings

        def state(on: bool) -> str:
            return tr.pgettext("setting", "on") if on else tr.pgettext("setting", "off")

        y = t.px(120)
        h = t.line("body") + t.px(10)
        items = [
            ("lang", self._("Language: {name}", name=LANGUAGE_NAMES[s.lang]), "L"),
            ("speed", self.speed_label(), "S"),
            ("objectives", self._("Objectives in the briefing: {state}",
                                  state=tr.pgettext("setting", "hidden") if s.hide_objectives
                                  else tr.pgettext("setting", "shown")), "O"),
            ("projector", self._("Projector type: {state}", state=state(s.projector)), "F2"),
            ("sound", self._("Sound: {state}", state=state(not self.app.sound.muted)), "M"),
            ("reload", self._("Reload"), "F5"),
        ]
        buttons = []
        left = t.px(40)
        x = left + t.px(300) + t.px(16)
        gap = t.px(10)
        right = self.app.size[0] - t.px(40)
        # Whole labels, on as many rows as they need (large type, a narrow window, long French
        # words): a toggle cut to "Vitesse…" no longer says what it is set to.
        for action, label, key in items:
            w = min(button_width(p, label, key, "body"), right - left)
            if x + w > right and x > left:
                x, y = left, y + h + gap
            buttons.append(Button(action, label, key, pygame.Rect(x, y, w, h)))
            x += w + gap
        return buttons

    def _layout_rows(self) -> None:
        t = self.theme
        w, h = self.app.size
        self.buttons = self._settings_buttons()
        top = max(t.px(180), max(b.rect.bottom for b in self.buttons) + t.line("head") + t.px(14))
        self.list_top = top
        bottom = h - self.footer_height() - t.px(28)
        row_h = t.line("head") + 2 * t.line("small") + t.px(18)
        visible = max(1, (bottom - top) // (row_h + t.px(8)))
        if self.selected < self.scroll:
            self.scroll = self.selected
        elif self.selected >= self.scroll + visible:
            self.scroll = self.selected - visible + 1
        self.scroll = max(0, min(self.scroll, max(0, len(self.entries) - visible)))
        self.rows = []
        y = top
        for index in range(self.scroll, min(len(self.entries), self.scroll + visible)):
            self.rows.append((index, pygame.Rect(t.px(40), y, w - t.px(80), row_h)))
            y += row_h + t.px(8)

    def footer_text(self) -> str:
        message = self.message() if self.message else ""
        return message or self._("↑↓ choose a case · Enter open · N team name · L language · S speed · "
                                 "O objectives · F5 reload · F2 projector · M sound · F11 full screen · F1 help · "
                                 "Esc quit")

    def footer_height(self) -> int:
        """The footer wraps onto a second line when the keys do not fit (large type)."""
        t, w = self.theme, self.app.size[0]
        return min(2 * t.line("small"), self.painter.wrapped_height(self.footer_text(), w - t.px(80), "small"))

    def team_rect(self) -> pygame.Rect:
        t = self.theme
        return pygame.Rect(t.px(40), t.px(120), t.px(300), t.line("body") + t.px(10))

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        w, h = surface.get_size()
        surface.fill(th.BG)
        p.text(surface, "Crisis Sim", (t.px(40), t.px(24)), "big", th.TEXT)
        p.text(surface, self._("A training game for social-media crisis communication"),
               (t.px(40), t.px(24) + t.line("big")), "body", th.MUTED)
        p.text(surface, self._("Team or player name"), (t.px(40), t.px(120) - t.line("small") - t.px(2)), "small",
               th.MUTED)
        self.team.draw(p, surface, self.team_rect(), self._("N to type a name"))
        for button in self.buttons:
            draw_button(p, surface, button, "body")
        top = self.list_top or t.px(180)
        p.text(surface, self._("Cases"), (t.px(40), top - t.line("head") - t.px(4)), "head", th.TEXT)
        if not self.entries:
            folders = ", ".join(str(f) for f in self.folders) or "scenarios/"
            p.text(surface, self._("No case found in {folders}.", folders=folders), (t.px(40), top + t.px(10)),
                   "body", th.MUTED)
        for index, rect in self.rows:
            self._draw_entry(surface, self.entries[index], rect, index == self.selected)
        if self.scroll > 0:
            p.text(surface, "▲", (w - t.px(30), top), "body", th.MUTED)
        footer_h = self.footer_height()
        footer_y = h - t.px(22) - footer_h
        if self.rows and self.rows[-1][0] < len(self.entries) - 1:
            p.text(surface, "▼", (w - t.px(30), footer_y - t.px(40)), "body", th.MUTED)
        colour = th.ORANGE if self.message else th.MUTED
        p.paragraph(surface, self.footer_text(), (t.px(40), footer_y), w - t.px(80), "small", colour, max_lines=2)
        p.text(surface, menu_line(self), (w - t.px(40), footer_y - t.px(4)), "small", th.SKY, anchor="bottomright")
        if self.app.problems:
            p.text(surface, "⚠ " + self.app.problems[0], (t.px(40), h - t.px(20)), "small", th.ORANGE,
                   width=w - t.px(80))

    def _draw_entry(self, surface: pygame.Surface, entry: CaseEntry, rect: pygame.Rect, selected: bool) -> None:
        t, p, tr = self.theme, self.painter, self.tr
        pad = t.px(12)
        pygame.draw.rect(surface, th.CARD if entry.playable or not entry.loaded else th.CARD_DONE, rect,
                         border_radius=t.px(6))
        if selected:
            pygame.draw.rect(surface, th.FOCUS, rect, width=max(2, t.px(2)), border_radius=t.px(6))
            p.text(surface, "▶", (rect.x - t.px(4), rect.centery), "body", th.FOCUS, anchor="midright")
        x, y = rect.x + pad, rect.y + t.px(8)
        width = rect.w - 2 * pad
        if not entry.loaded:
            p.text(surface, f"{entry.path}", (x, y), "head", th.MUTED, width=width)
            p.text(surface, self._("Loading…"), (x, y + t.line("head")), "small", th.MUTED)
            return
        case = entry.case
        if case is None:
            head = p.text(surface, f"⚠ {entry.short_name}", (x, y), "head", th.MUTED, width=width // 2)
            p.text(surface, self.broken_text(len(entry.problems)), (head.right + t.px(12), head.centery),
                   "small", th.ORANGE, anchor="midleft", width=rect.right - pad - head.right - t.px(12))
            y += t.line("head")
            p.paragraph(surface, entry.short_problem, (x, y), width, "small", th.MUTED, max_lines=2)
            return
        p.text(surface, case.title, (x, y), "head", th.TEXT, width=width)
        y += t.line("head")
        details = " · ".join([
            case.language.upper(), crisis_label(case, tr), tr.name(DIFFICULTIES, case.difficulty),
            tr.duration(case.duration),
            self._("historical") if case.historical else self._("fictional"),
        ])
        p.text(surface, details, (x, y), "small", th.MUTED, width=width)
        y += t.line("small")
        p.text(surface, case.organisation.name + " — " + case.role, (x, y), "small", th.FAINT, width=width)
