"""F1: the keys of the screen it is opened on, over that screen.

On the live screen it shows the players' and the facilitator's keys; on the menu, the briefing,
the debrief and the results screens, the keys those screens take, beside the keys every screen
takes (F1, F2, F11, M). It is an overlay: the screen under it keeps running and still gets the
keys the help does not use, so a facilitator can pause, change speed or fire an inject with the
help open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pygame

from game.i18n import N_
from game.ui import theme as th
from game.ui.scene import Scene
from game.ui.widgets import key_name

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.live import LiveScene

# (key, what it does). Key names go through widgets.key_name (Enter is Entrée on a French keyboard).
PLAYER_KEYS = (
    ("↑ ↓  /  J K", N_("select a post")),
    ("PgUp PgDn", N_("scroll (or the mouse wheel)")),
    ("Home  /  End", N_("top / bottom of the column")),
    ("Tab", N_("switch between feed and inbox")),
    ("C  /  Shift+C", N_("next / previous channel")),
    ("F", N_("flag as a real signal")),
    ("X", N_("dismiss as noise")),
    ("A", N_("answer (pick a reply)")),
    ("1 … 9", N_("choose an option of the decision")),
    ("Enter", N_("confirm the chosen option")),
    ("W", N_("write your own answer (Enter publishes, Esc back)")),
    ("D", N_("the whole decision, large, for the room")),
    ("V", N_("next open decision")),
    ("Shift+↑ ↓", N_("scroll a long decision")),
)
FACILITATOR_KEYS = (
    ("Space  /  P", N_("pause / resume")),
    ("+  /  −", N_("faster / slower")),
    ("I", N_("fire an optional inject now")),
    ("N", N_("write an observer's note (timed)")),
    ("E", N_("end the round (debrief)")),
    ("M", N_("sound on / off")),
    ("F2", N_("larger type (projector)")),
    ("F11", N_("full screen")),
    ("Esc", N_("close a list / leave the round")),
    ("F1", N_("close this help")),
)

EVERY_SCREEN_KEYS = (
    ("F1", N_("close this help")),
    ("F2", N_("larger type (projector)")),
    ("F11", N_("full screen")),
    ("M", N_("sound on / off")),
)
MENU_KEYS = (
    ("↑ ↓  /  J K", N_("choose a case")),
    ("Enter", N_("open its briefing")),
    ("N", N_("type the team's or player's name")),
    ("L", N_("next language")),
    ("S  /  Shift+S", N_("faster / slower (the round's real length is shown)")),
    ("+  /  −", N_("faster / slower")),
    ("O", N_("show or hide the objectives in the briefing")),
    ("W", N_("workshops")),
    ("H", N_("history of a team's rounds")),
    ("F5", N_("read every case again from disk")),
    ("Esc  /  Q", N_("quit")),
)
PAGE_KEYS = (
    ("↑ ↓  /  J K", N_("scroll")),
    ("PgUp PgDn", N_("scroll a page (or the mouse wheel)")),
    ("Space", N_("scroll down a page")),
    ("Home  /  End", N_("top / bottom of the page")),
)
BRIEFING_KEYS = (
    ("Enter", N_("start the round (the clock starts)")),
    ("F5", N_("read the case again from disk")),
    ("Esc", N_("back to the menu")),
    ("Backspace", N_("back to the menu")),
    *PAGE_KEYS,
)
DEBRIEF_KEYS = (
    ("Enter  /  Esc", N_("back to the menu")),
    ("Backspace", N_("back to the menu")),
    ("R", N_("play the case again")),
    ("Q", N_("answer the reflection questions")),
    ("C", N_("correct how the written answers were read (facilitator)")),
    ("X", N_("write the debrief as HTML and CSV")),
    *PAGE_KEYS,
)
WORKSHOP_KEYS = (
    ("← →", N_("previous / next workshop")),
    ("P", N_("the next team plays the workshop's case")),
    ("N", N_("new workshop on the case selected in the menu")),
    ("C", N_("which round of a team counts")),
    ("↑ ↓", N_("choose a team of the ranking (past its ends: scroll)")),
    ("Enter", N_("correct the reading of the chosen team (or a click on its line)")),
    ("1 … 9", N_("correct the reading of that line's team")),
    ("X", N_("write the workshop's page as HTML")),
    ("Esc", N_("back to the menu")),
    ("Backspace", N_("back to the menu")),
    *PAGE_KEYS,
)
HISTORY_KEYS = (
    ("← →", N_("previous / next team")),
    ("Esc", N_("back to the menu")),
    ("Backspace", N_("back to the menu")),
    *PAGE_KEYS,
)
RESUME_KEYS = (
    ("↑ ↓  /  J K", N_("choose a round")),
    ("Enter", N_("resume it (it opens paused)")),
    ("A", N_("record it as abandoned")),
    ("Esc", N_("decide later")),
)

# Each screen's keys: (its title, then the columns of (heading, keys)).
SCREEN_KEYS: dict[str, tuple[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]] = {
    "live": (N_("Keys"), ((N_("Players"), PLAYER_KEYS), (N_("Facilitator"), FACILITATOR_KEYS))),
    "menu": (N_("Keys of the menu"), ((N_("This screen"), MENU_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
    "briefing": (N_("Keys of the briefing"),
                 ((N_("This screen"), BRIEFING_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
    "debrief": (N_("Keys of the debrief"), ((N_("This screen"), DEBRIEF_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
    "workshop": (N_("Keys of the workshops"),
                 ((N_("This screen"), WORKSHOP_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
    "history": (N_("Keys of the history"), ((N_("This screen"), HISTORY_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
    "resume": (N_("Keys of this screen"), ((N_("This screen"), RESUME_KEYS), (N_("Every screen"), EVERY_SCREEN_KEYS))),
}


def keys_for(screen: str | None) -> tuple[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]:
    """The title and the columns of keys for the screen called ``screen`` (the live screen's when unknown)."""
    return SCREEN_KEYS.get(screen or "live", SCREEN_KEYS["live"])


class HelpScene(Scene):
    """The keys of the screen under it: the one on top of the stack when F1 was pressed."""

    name = "help"
    overlay = True

    def __init__(self, app: App) -> None:
        super().__init__(app)
        under = app.top
        self.screen = under.name if under is not None else None

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_F1, pygame.K_ESCAPE):
            self.app.pop()
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.app.pop()
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 190))
        surface.blit(shade, (0, 0))
        live = self.app.scene("live") if self.screen == "live" else None
        title, columns = keys_for(self.screen)
        box_w = min(w - t.px(60), t.px(1000))
        column = (box_w - t.px(72)) // 2
        # The key column is as wide as this language's longest key name (Entrée, PgPréc PgSuiv...).
        bold = t.font("bold")
        widest = max(bold.size(key_name(self.tr, key))[0] for _, keys in columns for key, _ in keys)
        key_w = min(column // 2, max(t.px(120), widest + t.px(16)))

        def row_h(what: str) -> int:
            return max(t.line("body"), p.wrapped_height(self._(what), column - key_w, "body", max_lines=2)) + t.px(6)

        # As tall as its longest column; the round's facilitator column ends with the optional injects.
        injects = t.px(6) + 2 * t.line("small") if live is not None else 0
        keys_h = max(sum(row_h(what) for _, what in keys) + (injects if i == len(columns) - 1 else 0)
                     for i, (_, keys) in enumerate(columns))
        needed = t.px(18) + t.line("title") + t.px(12) + t.line("head") + t.px(6) + keys_h + t.line("small") + t.px(30)
        box = pygame.Rect(0, 0, box_w, min(h - t.px(40), needed))
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
        pygame.draw.rect(surface, th.YELLOW, box, width=max(2, t.px(2)), border_radius=t.px(10))
        x, y = box.x + t.px(24), box.y + t.px(18)
        p.text(surface, self._(title), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(12)
        for index, (heading, keys) in enumerate(columns):
            cx = x + index * (column + t.px(24))
            cy = y
            p.text(surface, self._(heading), (cx, cy), "head", th.ORANGE)
            cy += t.line("head") + t.px(6)
            for key, what in keys:
                p.text(surface, key_name(self.tr, key), (cx, cy), "bold", th.YELLOW, width=key_w - t.px(6))
                # A long description wraps onto a second line rather than losing its end (projector type).
                used = p.paragraph(surface, self._(what), (cx + key_w, cy), column - key_w, "body", th.TEXT, max_lines=2)
                cy += max(t.line("body"), used) + t.px(6)
            if live is not None and index == len(columns) - 1:
                # How many, never which: the room reads this screen too, and an inject announced
                # is no surprise (the facilitator's list, I, names them in a small corner box).
                # Under the facilitator's keys, where it never meets the longer players' column.
                items = cast("LiveScene", live).optional_items()
                p.paragraph(surface, self._("Optional injects this case can fire (I): {n}", n=len(items)),
                            (cx, cy + t.px(6)), column, "small", th.MUTED)
        close = self._("F1 or Esc to close · the game keeps running underneath") if live is not None \
            else self._("F1 or Esc to close")
        p.text(surface, close, (box.right - t.px(24), box.bottom - t.px(12)), "small", th.FAINT, anchor="bottomright")
