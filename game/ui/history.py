"""A player's or team's past rounds, per case, and their progress (H on the menu).

The team is the name typed in the menu; ←→ go through the other names that played on this
machine. Each case shows its scores as a line, the progress from the first finished round to the
last, and every round with its date, status, score and ending.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pygame

from game.i18n import ENDING_KINDS, N_
from game.results.history import CaseHistory, history, teams
from game.results.store import StoreError
from game.ui import theme as th
from game.ui.rounds import open_results
from game.ui.scene import Colour, PageItem, PageScene
from game.ui.text import Sheet
from game.ui.widgets import key_name

if TYPE_CHECKING:
    from game.ui.app import App

STATUS_WORDS = {"finished": N_("finished"), "interrupted": N_("interrupted"), "abandoned": N_("abandoned"),
                "running": N_("being played")}


class HistoryScene(PageScene):
    name = "history"
    KEYS = {pygame.K_ESCAPE: "back", pygame.K_BACKSPACE: "back", pygame.K_LEFT: "previous", pygame.K_RIGHT: "next"}

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.store = open_results(app)
        self.teams: list[str] = []
        self.lines: list[CaseHistory] = []
        self.problem = ""
        if self.store is not None and self.store.available:
            try:
                self.teams = [name for name, _, _ in teams(self.store)]
            except (StoreError, sqlite3.Error) as exc:
                self.problem = str(exc)
        elif self.store is not None:
            self.problem = self.store.problem or ""
        team = app.settings.team
        if team not in self.teams and not team and self.teams:
            team = self.teams[0]
        self.team = team
        self._load()

    def _load(self) -> None:
        self.lines = []
        if self.store is not None and self.store.available:
            try:
                self.lines = history(self.store, self.team)
            except (StoreError, sqlite3.Error) as exc:
                self.problem = str(exc)

    def layout(self, size: tuple[int, int]) -> None:
        self.lay_out_page(size, 60, 1200, [("back", self._("Back to the menu"), key_name(self.tr, "Esc"), th.GREEN)])

    def _page(self, width: int) -> Sheet:
        t, p, tr = self.theme, self.painter, self.tr
        items: list[PageItem] = []

        def text(line: str, role: str = "body", colour: Colour = th.TEXT, indent: int = 0, gap: int = 0) -> None:
            h = t.px(gap) + p.wrapped_height(line, width - indent, role) + t.px(4)
            items.append((h, lambda s, y: p.paragraph(s, line, (indent, y + t.px(gap)), width - indent, role, colour)))

        who = self.team or self._("(no name)")
        text(self._("Rounds of {team}", team=who), "title")
        if len(self.teams) > 1:
            text(self._("←→ other players and teams ({n} on this machine)", n=len(self.teams)), "small", th.MUTED)
        if self.problem:
            text(self.problem, "small", th.ORANGE)
        if not self.lines:
            text(self._("No round yet for this name. Type the team's or player's name in the menu (N) before "
                        "playing: each round is kept with it."), colour=th.MUTED, gap=12)
        for line in self.lines:
            text(line.case_title, "head", th.ORANGE, gap=20)
            best = tr.decimal(line.best, 1) if line.best is not None else "—"
            summary = tr.ngettext("{n} round", "{n} rounds", len(line.rounds)) + " · " + \
                self._("best {score}", score=best)
            if line.progress is not None:
                summary += " · " + self._("progress since the first round: {delta}", delta=tr.signed(line.progress))
            text(summary, "body", th.MUTED)
            if len(line.scores) > 1:
                chart_h = t.px(90)
                def chart(s: Sheet, y: int, scores: list[float] = line.scores, h: int = chart_h) -> None:
                    self._chart(s, pygame.Rect(0, y + t.px(4), min(width, t.px(600)), h), scores)

                items.append((chart_h + t.px(8), chart))
            for r in reversed(line.rounds):
                when = r.started_at[:16].replace("T", " ")
                status = self._(STATUS_WORDS.get(r.status, r.status))
                score = tr.decimal(r.score, 1) if r.score is not None else "—"
                ending = ""
                if r.ending_kind in ENDING_KINDS:
                    ending = " · " + tr.name(ENDING_KINDS, r.ending_kind)
                colour = th.TEXT if r.status == "finished" else th.MUTED
                text(f"{when}   {score:>6}   {status}{ending}   ({r.short_id})", "body", colour, indent=t.px(12))
        return self.stack(items, width, top=16)

    def _chart(self, sheet: Sheet, rect: pygame.Rect, scores: list[float]) -> None:
        t, p = self.theme, self.painter
        surface = sheet.surface
        pygame.draw.rect(surface, th.PANEL, rect, border_radius=t.px(4))
        inner = rect.inflate(-t.px(40), -t.px(24))
        for v in (0, 50, 100):
            y = inner.bottom - inner.h * v / 100
            pygame.draw.line(surface, th.LINE, (inner.x, y), (inner.right, y))
            p.text(sheet, str(v), (inner.x - t.px(6), int(y)), "small", th.FAINT, anchor="midright")
        step = inner.w / max(1, len(scores) - 1)
        points = [(inner.x + i * step, inner.bottom - inner.h * s / 100) for i, s in enumerate(scores)]
        pygame.draw.lines(surface, th.SKY, False, points, max(2, t.px(2)))
        for x, y in points:
            pygame.draw.circle(surface, th.SKY, (int(x), int(y)), t.px(4))

    def press(self, action: str) -> None:
        if action == "back":
            self.app.pop()
            return
        if self.teams:
            index = self.teams.index(self.team) if self.team in self.teams else -1
            index = (index + (1 if action == "next" else -1)) % len(self.teams)
            self.team = self.teams[index]
            self._load()
            self.scroll = 0
            self.layout(self.app.size)
