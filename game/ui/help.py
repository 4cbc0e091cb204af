"""F1: the keys for players and facilitators, over whatever screen is showing.

It is an overlay: the screen under it keeps running and still gets the keys the help does not
use, so a facilitator can pause, change speed or fire an inject with the help open.
"""

from __future__ import annotations

import pygame

from game.i18n import N_
from game.ui import theme as th
from game.ui.scene import Scene
from game.ui.widgets import key_name

# (key, what it does). Key names go through widgets.key_name (Enter is Entrée on a French keyboard).
PLAYER_KEYS = (
    ("↑ ↓  /  J K", N_("select a post")),
    ("PgUp PgDn", N_("scroll (or the mouse wheel)")),
    ("Tab", N_("switch between feed and inbox")),
    ("C  /  Shift+C", N_("next / previous channel")),
    ("F", N_("flag as a real signal")),
    ("X", N_("dismiss as noise")),
    ("A", N_("answer (pick a reply)")),
    ("1 … 9", N_("choose an option of the decision")),
    ("Enter", N_("confirm the chosen option")),
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
    ("F5", N_("reload the case (menu, briefing)")),
    ("Esc", N_("close a list / leave the round")),
    ("F1", N_("close this help")),
)


class HelpScene(Scene):
    name = "help"
    overlay = True

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
        box = pygame.Rect(0, 0, min(w - t.px(60), t.px(1000)), min(h - t.px(40), t.px(620)))
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
        pygame.draw.rect(surface, th.YELLOW, box, width=max(2, t.px(2)), border_radius=t.px(10))
        x, y = box.x + t.px(24), box.y + t.px(18)
        p.text(surface, self._("Keys"), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(12)
        column = (box.w - t.px(72)) // 2
        # The key column is as wide as this language's longest key name (Entrée, PgPréc PgSuiv...).
        bold = t.font("bold")
        widest = max(bold.size(key_name(self.tr, key))[0] for key, _ in (*PLAYER_KEYS, *FACILITATOR_KEYS))
        key_w = min(column // 2, max(t.px(120), widest + t.px(16)))
        for index, (heading, keys) in enumerate(((N_("Players"), PLAYER_KEYS), (N_("Facilitator"), FACILITATOR_KEYS))):
            cx = x + index * (column + t.px(24))
            cy = y
            p.text(surface, self._(heading), (cx, cy), "head", th.ORANGE)
            cy += t.line("head") + t.px(6)
            for key, what in keys:
                p.text(surface, key_name(self.tr, key), (cx, cy), "bold", th.YELLOW, width=key_w - t.px(6))
                p.text(surface, self._(what), (cx + key_w, cy), "body", th.TEXT, width=column - key_w)
                cy += t.line("body") + t.px(6)
        live = self.app.scene("live")
        if live is not None:
            items = live.optional_items()  # type: ignore[attr-defined]
            cy = box.bottom - t.px(16) - t.line("small") * (min(3, len(items)) + 1)
            p.text(surface, self._("Optional injects this case can fire (I): {n}", n=len(items)), (x, cy), "small",
                   th.MUTED)
            for number, (_, label, _) in enumerate(items[:3], 1):
                cy += t.line("small")
                p.text(surface, f"{number}. {label}", (x + t.px(12), cy), "small", th.MUTED, width=box.w - t.px(60))
        p.text(surface, self._("F1 or Esc to close · the game keeps running underneath"),
               (box.right - t.px(24), box.bottom - t.px(12)), "small", th.FAINT, anchor="bottomright")
