"""The case menu: every case found, the broken ones greyed with their errors; team, language, speed.

Cases load one per frame, so a folder of many cases (or a slow disk) never freezes the window,
and a case that fails validation is listed with its first errors while the others still play.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pygame

from game.engine.diagnostics import CaseError
from game.engine.loader import case_file, case_files, load_case
from game.engine.model import Case
from game.ui import strings
from game.ui import theme as th
from game.ui.app import SPEEDS
from game.ui.scene import Scene
from game.ui.widgets import Button, TextField, button_width, draw_button


@dataclass
class CaseEntry:
    """One case file in the menu: loaded, broken, or not read yet."""

    path: Path
    case: Case | None = None
    problems: list[str] = field(default_factory=list)
    loaded: bool = False

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
        try:
            self.case = load_case(self.path).case
        except CaseError as exc:
            self.problems = [str(d) for d in exc.diagnostics] or [f"{self.path}: cannot be loaded"]
        except Exception as exc:  # noqa: BLE001 - a case must never take the menu down with it
            self.problems = [f"{self.path}: {type(exc).__name__}: {exc}"]


def find_cases(folders: list[Path], extra: Path | None = None) -> list[CaseEntry]:
    """Every case file in ``folders`` (one sub-folder per case), and ``extra`` first if given."""
    entries: list[CaseEntry] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            entries.append(CaseEntry(path))

    if extra is not None:
        add(case_file(extra))
    for folder in folders:
        if not folder.is_dir():
            continue
        try:
            files = list(case_files(folder))
        except OSError:
            continue
        for file in files:
            add(file)
    return entries


def format_minutes(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds // 60} min {seconds % 60} s"


def crisis_label(case: Case) -> str:
    kind = case.crisis.kind.value.replace("_", " ") if case.crisis.kind else ""
    return f"{case.crisis.cluster.value}{' · ' + kind if kind else ''}"


class MenuScene(Scene):
    """The first screen.

    Args:
        app: The window.
        folders: Folders of cases to list.
        extra: A case given on the command line, listed first.
    """

    name = "menu"

    def __init__(self, app, folders: list[Path], extra: Path | None = None) -> None:  # noqa: ANN001
        super().__init__(app)
        self.folders = folders
        self.entries = find_cases(folders, extra)
        self.selected = 0
        self.team = TextField(app.settings.team)
        self.message = ""
        self.scroll = 0
        self.buttons: list[Button] = []
        self.rows: list[tuple[int, pygame.Rect]] = []
        self.demo_wait = 1.5

    # --- the cases -------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return any(not e.loaded for e in self.entries)

    def finish_loading(self) -> None:
        for entry in self.entries:
            entry.load()

    def entry_for(self, path: Path) -> CaseEntry:
        wanted = case_file(path).resolve()
        for entry in self.entries:
            if entry.path.resolve() == wanted:
                return entry
        entry = CaseEntry(case_file(path))
        self.entries.insert(0, entry)
        return entry

    def first_playable(self) -> CaseEntry | None:
        self.finish_loading()
        return next((e for e in self.entries if e.playable), None)

    def open(self, entry: CaseEntry) -> None:
        """Go to the briefing of a case (a broken one only says why it cannot be played)."""
        from game.ui.briefing import BriefingScene

        entry.load()
        if not entry.playable:
            self.selected = self.entries.index(entry) if entry in self.entries else self.selected
            self.message = f"{entry.short_name}: " + self.t("menu.broken", n=len(entry.problems))
            return
        self.message = ""
        self.app.settings.team = self.team.text.strip()
        self.app.push(BriefingScene(self.app, entry.case, entry.path))

    # --- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if self.team.handle(event):
            self.app.settings.team = self.team.text.strip()
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self.click(event.pos)
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
        elif key == pygame.K_s:
            self.cycle_speed(1)
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
                self.selected = index
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
        elif action == "projector":
            self.app.toggle_projector()
        elif action == "sound":
            self.app.sound.toggle()
        elif action == "quit":
            self.app.running = False

    def move(self, step: int) -> None:
        if self.entries:
            self.selected = max(0, min(len(self.entries) - 1, self.selected + step))

    def cycle_language(self) -> None:
        languages = strings.LANGUAGES
        lang = self.app.settings.lang
        self.app.settings.lang = languages[(languages.index(lang) + 1) % len(languages)] \
            if lang in languages else languages[0]
        self.layout(self.app.size)

    def cycle_speed(self, step: int) -> None:
        speed = self.app.settings.speed
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        self.app.settings.speed = SPEEDS[(index + step) % len(SPEEDS)]

    # --- update and draw -------------------------------------------------------------

    def update(self, dt: float) -> None:
        for entry in self.entries:
            if not entry.loaded:
                entry.load()  # one case per frame
                break
        if self.app.settings.demo and not self.loading and self.app.top is self:
            self.demo_wait -= dt
            if self.demo_wait <= 0:
                entry = self.first_playable()
                self.demo_wait = 1e9
                if entry is not None:
                    self.selected = self.entries.index(entry)
                    self.open(entry)
        self._layout_rows()

    def layout(self, size: tuple[int, int]) -> None:
        self._layout_rows()

    def _settings_buttons(self) -> list[Button]:
        t, p = self.theme, self.painter
        s = self.app.settings
        x, y = t.px(40), t.px(120)
        h = t.line("body") + t.px(10)
        items = [
            ("lang", f"{self.t('menu.language')}: {strings.LANGUAGE_NAMES[s.lang]}", "L"),
            ("speed", self.t("menu.speed", speed=f"{s.speed:g}"), "S"),
            ("projector", f"{self.t('menu.projector')}: {self.t('on' if s.projector else 'off')}", "F2"),
            ("sound", f"{self.t('menu.sound')}: {self.t('off' if self.app.sound.muted else 'on')}", "M"),
        ]
        buttons = []
        x = t.px(40) + t.px(300) + t.px(16)
        for action, label, key in items:
            w = button_width(p, label, key, "body")
            buttons.append(Button(action, label, key, pygame.Rect(x, y, w, h)))
            x += w + t.px(10)
        return buttons

    def _layout_rows(self) -> None:
        t = self.theme
        w, h = self.app.size
        self.buttons = self._settings_buttons()
        top = t.px(180)
        bottom = h - t.px(60)
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

    def team_rect(self) -> pygame.Rect:
        t = self.theme
        return pygame.Rect(t.px(40), t.px(120), t.px(300), t.line("body") + t.px(10))

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        w, h = surface.get_size()
        surface.fill(th.BG)
        p.text(surface, "Crisis Sim", (t.px(40), t.px(24)), "big", th.TEXT)
        p.text(surface, self.t("menu.tagline"), (t.px(40), t.px(24) + t.line("big")), "body", th.MUTED)
        p.text(surface, self.t("menu.team"), (t.px(40), t.px(120) - t.line("small") - t.px(2)), "small", th.MUTED)
        self.team.draw(p, surface, self.team_rect(), self.t("menu.team_placeholder"))
        for button in self.buttons:
            draw_button(p, surface, button, "body")
        p.text(surface, self.t("menu.cases"), (t.px(40), t.px(180) - t.line("head") - t.px(4)), "head", th.TEXT)
        if not self.entries:
            folders = ", ".join(str(f) for f in self.folders) or "scenarios/"
            p.text(surface, self.t("menu.none", folders=folders), (t.px(40), t.px(190)), "body", th.MUTED)
        for index, rect in self.rows:
            self._draw_entry(surface, self.entries[index], rect, index == self.selected)
        if self.scroll > 0:
            p.text(surface, "▲", (w - t.px(30), t.px(180)), "body", th.MUTED)
        if self.rows and self.rows[-1][0] < len(self.entries) - 1:
            p.text(surface, "▼", (w - t.px(30), h - t.px(80)), "body", th.MUTED)
        footer = self.message or self.t("menu.keys")
        colour = th.ORANGE if self.message else th.MUTED
        p.text(surface, footer, (t.px(40), h - t.px(40)), "small", colour, width=w - t.px(80))
        if self.app.problems:
            p.text(surface, "⚠ " + self.app.problems[0], (t.px(40), h - t.px(22)), "small", th.ORANGE,
                   width=w - t.px(80))

    def _draw_entry(self, surface: pygame.Surface, entry: CaseEntry, rect: pygame.Rect, selected: bool) -> None:
        t, p = self.theme, self.painter
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
            p.text(surface, self.t("menu.loading"), (x, y + t.line("head")), "small", th.MUTED)
            return
        case = entry.case
        if case is None:
            head = p.text(surface, f"⚠ {entry.short_name}", (x, y), "head", th.MUTED, width=width // 2)
            p.text(surface, self.t("menu.broken", n=len(entry.problems)), (head.right + t.px(12), head.centery),
                   "small", th.ORANGE, anchor="midleft", width=rect.right - pad - head.right - t.px(12))
            y += t.line("head")
            p.paragraph(surface, entry.short_problem, (x, y), width, "small", th.MUTED, max_lines=2)
            return
        p.text(surface, case.title, (x, y), "head", th.TEXT, width=width)
        y += t.line("head")
        details = " · ".join([
            case.language.upper(), crisis_label(case), self.t(f"difficulty.{case.difficulty}"),
            format_minutes(case.duration), self.t("menu.historical" if case.historical else "menu.fictional"),
        ])
        p.text(surface, details, (x, y), "small", th.MUTED, width=width)
        y += t.line("small")
        p.text(surface, case.organisation.name + " — " + case.role, (x, y), "small", th.FAINT, width=width)
