"""The briefing: who you are, what is going on, what you must achieve, where to look.

The page is drawn once into a tall sheet (again when the window changes size) and scrolls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.engine.model import Case, ChannelKind
from game.ui import theme as th
from game.i18n import DIFFICULTIES
from game.play import words
from game.play.pace import pace
from game.ui.menu import MenuScene, case_problems, crisis_label, read_case
from game.ui.scene import Colour, PageItem, PageScene
from game.ui.settings import round_seed
from game.ui.text import Sheet
from game.ui.widgets import key_name

if TYPE_CHECKING:
    from game.ui.app import App

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
    """Shown before play. Enter (or the Start button) starts the clock; F5 reads the case again.

    A case that cannot be played (it was broken by an edit, or it was broken when opened) shows
    its problems instead, as ``crisis-sim validate`` reports them; F5 tries again.

    Args:
        app: The window.
        case: The case to brief, or None when it cannot be played.
        path: Its file, for the replay, the window title and F5.
        problems: Why it cannot be played (``FILE:LINE:COL: error: message`` lines).
    """

    name = "briefing"
    KEYS = {pygame.K_RETURN: "start", pygame.K_KP_ENTER: "start", pygame.K_F5: "reload",
            pygame.K_ESCAPE: "back", pygame.K_BACKSPACE: "back"}

    def __init__(self, app: App, case: Case | None, path: Path, problems: list[str] | None = None) -> None:
        super().__init__(app)
        self.case = case
        self.path = path
        self.problems = list(problems or [])
        self.demo_wait = 4.0
        self.reloaded = False
        # The feed's seed, drawn now so that the briefing can show it: a new one for each solo
        # round, the same for a workshop's teams (settings.round_seed); kept with the round.
        self.seed = round_seed(app.settings)
        self._caption()

    def _caption(self) -> None:
        pygame.display.set_caption(f"Crisis Sim — {self.case.title}" if self.case else f"Crisis Sim — ⚠ {self.path}")

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        buttons: list[tuple[str, str, str, tuple[int, int, int] | None]]
        if self.case is None:
            buttons = [("reload", self._("Reload"), "F5", th.ORANGE)]
        else:
            buttons = [("start", self._("Start the clock"), key_name(self.tr, "Enter"), th.GREEN)]
        buttons.append(("back", self._("Back"), key_name(self.tr, "Esc"), None))
        self.lay_out_page(size, 80, 900, buttons)

    def _page(self, width: int) -> Sheet:
        """The whole briefing as one tall sheet; measured first, then drawn."""
        items = self._items(width) if self.case is not None else self._problem_items(width)
        return self.stack(items, width, top=24)

    def _helpers(self, width: int, items: list[PageItem]) -> tuple[Callable[..., None], Callable[..., None]]:
        t, p = self.theme, self.painter

        def heading(text: str, role: str = "head", colour: Colour = th.ORANGE, gap: int = 18) -> None:
            # A long title wraps rather than losing its end ("… (2010)") in large type.
            h = p.wrapped_height(text, width, role)
            items.append((t.px(gap) + h, lambda s, y: p.paragraph(s, text, (0, y + t.px(gap)), width, role, colour)))

        def para(text: str, role: str = "body", colour: Colour = th.TEXT, indent: int = 0) -> None:
            h = p.wrapped_height(text, width - indent, role) + t.px(6)
            items.append((h, lambda s, y: p.paragraph(s, text, (indent, y), width - indent, role, colour)))

        return heading, para

    def _problem_items(self, width: int) -> list[PageItem]:
        items: list[PageItem] = []
        heading, para = self._helpers(width, items)
        heading("⚠ " + self._("This case cannot be played"), "title", th.ORANGE, gap=0)
        para(str(self.path), "small", th.MUTED)
        heading(self.tr.ngettext("{n} problem, as crisis-sim validate reports it",
                                 "{n} problems, as crisis-sim validate reports them", len(self.problems)))
        for problem in self.problems:
            para(problem, "small", th.TEXT, indent=self.theme.px(8))
        para(self._("Fix the file and press F5 to read it again; Esc goes back to the menu."), "body", th.MUTED)
        return items

    def _items(self, width: int) -> list[PageItem]:
        t, p, case, tr = self.theme, self.painter, self.case, self.tr
        assert case is not None
        items: list[PageItem] = []
        heading, para = self._helpers(width, items)

        heading(case.title, "title", th.TEXT, gap=0)
        details = " · ".join([case.language.upper(), crisis_label(case, tr),
                              tr.name(DIFFICULTIES, case.difficulty), tr.duration(case.duration)])
        para(details, "small", th.MUTED)
        if self.reloaded:
            para("✓ " + self._("Read again from {file}.", file=self.path.name), "small", th.GREEN)
        heading(case.organisation.name, gap=12)
        if case.organisation.description:
            para(case.organisation.description)
        heading(self._("Your role"))
        para(case.role)
        heading(self._("The situation"))
        para(case.briefing.strip())
        heading(self._("Your objectives"))
        if self.app.settings.hide_objectives:
            para(self._("The facilitator keeps the objectives for the debrief: find out what matters as you play."),
                 colour=th.MUTED)
        else:
            # The players' wording when the case has one: the debrief's may give the answers away.
            for objective in case.objectives:
                para("•  " + objective.for_players, indent=t.px(8))
        heading(self._("The channels you will watch"))
        for channel in case.channels:
            icon = KIND_ICONS.get(channel.kind, "•")
            where = self._("in the team's inbox") if channel.is_inbox else self._("in the feed")
            colour = channel_colour(case, channel.id)
            label = f"{icon}  {channel.name}"

            def draw(s: Sheet, y: int, label: str = label, colour: Colour = colour, where: str = where) -> None:
                r = p.text(s, label, (t.px(8), y), "bold", colour)
                p.text(s, f"— {where}", (r.right + t.px(10), y), "body", th.MUTED)

            items.append((t.line("bold") + t.px(4), draw))
        heading(self._("Time"))
        figures = pace(case, self.app.settings.speed)  # the case's own pace when no speed was chosen
        speed, real = figures.speed, int(round(figures.round_seconds))  # decisions' reading time included
        para(tr.ngettext("The case lasts {duration} of simulated time. At this speed one real second is {speed} "
                         "simulated second, so the round takes about {real}. The facilitator can pause or change the "
                         "speed at any time.",
                         "The case lasts {duration} of simulated time. At this speed one real second is {speed} "
                         "simulated seconds, so the round takes about {real}. The facilitator can pause or change the "
                         "speed at any time.", words.speed_count(speed),
                         duration=tr.duration(case.duration), speed=tr.number(speed), real=tr.duration(real)))
        settings = self.app.settings
        if settings.seed is not None:
            seed_text = self._("This round's feed: seed {seed}, as asked on the command line.", seed=str(self.seed))
        elif settings.workshop is not None:
            seed_text = self._("This round's feed: seed {seed}, the same for every team of the workshop.",
                               seed=str(self.seed))
        else:
            seed_text = self._("This round's feed: seed {seed}. Each round draws a new one, so the feed is never "
                               "learnt by heart; the seed is kept with the round, and a replay plays it again.",
                               seed=str(self.seed))
        para(seed_text, "small", th.MUTED)
        heading(self._("How to play"))
        para(self._("Posts arrive in the feed, messages in the inbox. Flag the real signals (F), dismiss the noise "
                    "(X), answer a post when an answer helps (A). When a decision opens, choose an option (1-9 or a "
                    "click) and confirm it (Enter) before the countdown ends: silence has consequences. Everything "
                    "works with the mouse or with the keyboard alone; F1 shows every key."), "small", th.MUTED)
        return items

    # --- input -----------------------------------------------------------------------

    def press(self, action: str) -> None:
        if action == "start" and self.case is not None:
            self.app.replace(self.app.new_scene("live", self.case, self.path, self.seed))
        elif action == "reload":
            self.reload()
        elif action == "back":
            self.app.pop()
            pygame.display.set_caption("Crisis Sim")

    def reload(self) -> None:
        """F5: read the case file again; an edit that broke it shows its problems, not a crash."""
        case, problems = read_case(self.path)
        if case is None:
            problems = case_problems(self.path) or problems
        menu = self.app.scene("menu")
        if isinstance(menu, MenuScene):
            menu.refresh(self.path, case, [] if case else problems)
        self.case, self.problems, self.reloaded = case, problems, case is not None
        self.scroll = 0
        self._caption()
        self.layout(self.app.size)

    def update(self, dt: float) -> None:
        if self.app.settings.demo and self.app.top is self and self.case is not None:
            self.demo_wait -= dt
            if self.demo_wait <= 0:
                self.press("start")

    # --- draw ------------------------------------------------------------------------
