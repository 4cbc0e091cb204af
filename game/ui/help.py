"""F1: the keys for players and facilitators, over whatever screen is showing.

It is an overlay: the screen under it keeps running and still gets the keys the help does not
use, so a facilitator can pause, change speed or fire an inject with the help open.
"""

from __future__ import annotations

import pygame

from game.ui import theme as th
from game.ui.scene import Scene

PLAYER_KEYS = (
    ("↑ ↓  /  J K", "help.select"),
    ("PgUp PgDn  /  wheel", "help.scroll"),
    ("Tab", "help.tab"),
    ("C  /  Shift+C", "help.filter"),
    ("F", "help.flag"),
    ("X", "help.dismiss"),
    ("A", "help.answer"),
    ("1 … 9", "help.choose"),
    ("Enter", "help.confirm"),
    ("V", "help.next_decision"),
    ("Shift+↑ ↓", "help.scroll_decision"),
)
FACILITATOR_KEYS = (
    ("Space  /  P", "help.pause"),
    ("+  /  −", "help.speed"),
    ("I", "help.inject"),
    ("E", "help.end"),
    ("M", "help.sound"),
    ("F2", "help.projector"),
    ("F11", "help.fullscreen"),
    ("Esc", "help.leave"),
    ("F1", "help.close"),
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
        box = pygame.Rect(0, 0, min(w - t.px(60), t.px(1000)), min(h - t.px(40), t.px(600)))
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
        pygame.draw.rect(surface, th.YELLOW, box, width=max(2, t.px(2)), border_radius=t.px(10))
        x, y = box.x + t.px(24), box.y + t.px(18)
        p.text(surface, self.t("help.title"), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(12)
        column = (box.w - t.px(72)) // 2
        key_w = t.px(150)
        for index, (heading, keys) in enumerate((("help.players", PLAYER_KEYS),
                                                 ("help.facilitators", FACILITATOR_KEYS))):
            cx = x + index * (column + t.px(24))
            cy = y
            p.text(surface, self.t(heading), (cx, cy), "head", th.ORANGE)
            cy += t.line("head") + t.px(6)
            for key, what in keys:
                p.text(surface, key, (cx, cy), "bold", th.YELLOW, width=key_w - t.px(6))
                p.text(surface, self.t(what), (cx + key_w, cy), "body", th.TEXT, width=column - key_w)
                cy += t.line("body") + t.px(6)
        live = self.app.scene("live")
        if live is not None:
            items = live.optional_items()  # type: ignore[attr-defined]
            cy = box.bottom - t.px(16) - t.line("small") * (min(3, len(items)) + 1)
            p.text(surface, self.t("help.optional", n=len(items)), (x, cy), "small", th.MUTED)
            for number, (_, label, _) in enumerate(items[:3], 1):
                cy += t.line("small")
                p.text(surface, f"{number}. {label}", (x + t.px(12), cy), "small", th.MUTED, width=box.w - t.px(60))
        p.text(surface, self.t("help.footer"), (box.right - t.px(24), box.bottom - t.px(12)), "small", th.FAINT,
               anchor="bottomright")
