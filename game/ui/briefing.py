"""The briefing: who you are, what is going on, what you must achieve, where to look.

The page is drawn once into a tall sheet (again when the window changes size) and scrolls.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.engine.model import Case, ChannelKind
from game.ui import theme as th
from game.ui.menu import crisis_label, format_minutes
from game.ui.scene import PageScene
from game.ui.text import Sheet
from game.ui.widgets import draw_button

KIND_ICONS = {
    ChannelKind.microblog: "✎",
    ChannelKind.social_page: "☺",
    ChannelKind.video: "▶",
    ChannelKind.forum: "☰",
    ChannelKind.blog: "✍",
    ChannelKind.news: "▤",
    ChannelKind.email: "✉",
    ChannelKind.phone: "☎",
    ChannelKind.message: "✆",
}


def channel_colour(case: Case, channel_id: str) -> tuple[int, int, int]:
    ids = [c.id for c in case.channels]
    index = ids.index(channel_id) if channel_id in ids else 0
    return th.CHANNEL_COLOURS[index % len(th.CHANNEL_COLOURS)]


class BriefingScene(PageScene):
    """Shown before play. Enter (or the Start button) starts the clock.

    Args:
        app: The window.
        case: The case to brief.
        path: Its file, for the replay and the window title.
    """

    name = "briefing"
    KEYS = {pygame.K_RETURN: "start", pygame.K_KP_ENTER: "start",
            pygame.K_ESCAPE: "back", pygame.K_BACKSPACE: "back"}

    def __init__(self, app, case: Case, path: Path) -> None:  # noqa: ANN001
        super().__init__(app)
        self.case = case
        self.path = path
        self.demo_wait = 4.0
        pygame.display.set_caption(f"Crisis Sim — {case.title}")

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        self.lay_out_page(size, 80, 900, [
            ("start", self.t("briefing.start"), "Enter", th.GREEN),
            ("back", self.t("back"), "Esc", None),
        ])

    def _page(self, width: int) -> Sheet:
        """The whole briefing as one tall sheet; measured first, then drawn."""
        items = self._items(width)
        height = sum(h for h, _ in items) + self.theme.px(40)
        sheet = Sheet((width, height), th.BG)
        y = self.theme.px(24)
        for h, draw in items:
            draw(sheet, y)
            y += h
        return sheet

    def _items(self, width: int):  # noqa: ANN202 - list of (height, draw(sheet, y))
        t, p, case = self.theme, self.painter, self.case
        items = []

        def heading(text: str, role: str = "head", colour=th.ORANGE, gap: int = 18) -> None:  # noqa: ANN001
            items.append((t.px(gap) + t.line(role), lambda s, y: p.text(s, text, (0, y + t.px(gap)), role, colour)))

        def para(text: str, role: str = "body", colour=th.TEXT, indent: int = 0) -> None:  # noqa: ANN001
            h = p.wrapped_height(text, width - indent, role) + t.px(6)
            items.append((h, lambda s, y: p.paragraph(s, text, (indent, y), width - indent, role, colour)))

        heading(case.title, "title", th.TEXT, gap=0)
        details = " · ".join([case.language.upper(), crisis_label(case), self.t(f"difficulty.{case.difficulty}"),
                              format_minutes(case.duration)])
        para(details, "small", th.MUTED)
        heading(case.organisation.name, gap=12)
        if case.organisation.description:
            para(case.organisation.description)
        heading(self.t("briefing.role"))
        para(case.role)
        heading(self.t("briefing.situation"))
        para(case.briefing.strip())
        heading(self.t("briefing.objectives"))
        for objective in case.objectives:
            para("•  " + objective.text, indent=t.px(8))
        heading(self.t("briefing.channels"))
        for channel in case.channels:
            icon = KIND_ICONS.get(channel.kind, "•")
            where = self.t("briefing.inbox") if channel.is_inbox else self.t("briefing.feed")
            colour = channel_colour(case, channel.id)
            label = f"{icon}  {channel.name}"

            def draw(s: Sheet, y: int, label: str = label, colour=colour, where: str = where) -> None:  # noqa: ANN001
                r = p.text(s, label, (t.px(8), y), "bold", colour)
                p.text(s, f"— {where}", (r.right + t.px(10), y), "body", th.MUTED)

            items.append((t.line("bold") + t.px(4), draw))
        heading(self.t("briefing.time"))
        real = case.duration / self.app.settings.speed
        para(self.t("briefing.clock", duration=format_minutes(case.duration), speed=f"{self.app.settings.speed:g}",
                    real=format_minutes(int(round(real)))))
        heading(self.t("briefing.how"))
        para(self.t("briefing.controls"), "small", th.MUTED)
        return items

    # --- input -----------------------------------------------------------------------

    def press(self, action: str) -> None:
        if action == "start":
            from game.ui.live import LiveScene

            self.app.replace(LiveScene(self.app, self.case, self.path))
        elif action == "back":
            self.app.pop()
            pygame.display.set_caption("Crisis Sim")

    def update(self, dt: float) -> None:
        if self.app.settings.demo and self.app.top is self:
            self.demo_wait -= dt
            if self.demo_wait <= 0:
                self.press("start")

    # --- draw ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        surface.fill(th.BG)
        if self.sheet is not None:
            area = pygame.Rect(0, self.scroll, self.view.w, self.view.h)
            surface.set_clip(self.view)
            p.sheet(surface, self.sheet, self.view.topleft, area)
            surface.set_clip(None)
        w, h = surface.get_size()
        pygame.draw.line(surface, th.LINE, (0, self.view.bottom), (w, self.view.bottom))
        if self.max_scroll:
            shown = f"{round(100 * self.scroll / self.max_scroll)} %"
            p.text(surface, "↕ " + shown, (self.view.x, self.view.bottom + t.px(14)), "small", th.MUTED)
        for button in self.buttons:
            draw_button(p, surface, button, "body")
