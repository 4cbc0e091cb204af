"""At start: the offer to resume a round that stopped before its end (the game or the machine
died, or the window was closed mid-round), or to record it as abandoned.

A resumed round is rebuilt by replaying its log (same case, seed and inputs give the same state)
and opens paused at the point it stopped, with every decision made before.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pygame

from game.results.store import ResultStore, StoreError, StoredSession
from game.ui import theme as th
from game.ui.rounds import open_results, restore_speed, resume_round
from game.ui.scene import Scene
from game.ui.widgets import Button, button_width, draw_button, key_name

if TYPE_CHECKING:
    from game.ui.app import App


def offer_resume(app: App) -> None:
    """Resume the round the command line named, or offer the rounds that stopped.

    It runs once at start, so it also brings back the speed chosen last time.
    """
    restore_speed(app)
    store = open_results(app)
    if store is None or not store.available:
        return
    wanted = getattr(app.settings, "resume", None)
    try:
        if wanted:
            reason = resume_round(app, store.session(wanted))
            if reason:
                app.problems.append(reason)
            return
        stopped = store.interrupted()
    except (StoreError, sqlite3.Error) as exc:
        app.problems.append(str(exc))
        return
    if stopped:
        app.push(ResumeScene(app, stopped))


class ResumeScene(Scene):
    """The rounds that stopped, over the menu: Enter resumes one, A records it as abandoned,
    Esc decides later (the offer comes back at the next start)."""

    name = "resume"
    overlay = False

    def __init__(self, app: App, stopped: list[StoredSession]) -> None:
        super().__init__(app)
        self.stopped = stopped
        self.selected = 0
        self.decided = {s.id: self._decisions(s) for s in stopped}
        self.buttons: list[Button] = []
        self.rows: list[pygame.Rect] = []
        self.message = ""

    def _decisions(self, stored: StoredSession) -> int:
        store = open_results(self.app)
        try:
            records = store.log_records(stored.id) if store else []
        except (StoreError, sqlite3.Error):
            return 0
        return sum(1 for r in records if r.get("type") == "input" and r.get("kind") == "decide")

    def layout(self, size: tuple[int, int]) -> None:
        t, p = self.theme, self.painter
        w, h = size
        items = [("later", self._("Decide later"), key_name(self.tr, "Esc")),
                 ("abandon", self._("Record as abandoned"), "A"),
                 ("resume", self._("Resume this round"), key_name(self.tr, "Enter"))]
        height = t.line("body") + t.px(12)
        x, y = w - t.px(40), h - t.px(40) - height
        self.buttons = []
        for action, label, key in items:
            width = button_width(p, label, key, "body")
            x -= width
            colour = {"resume": th.GREEN, "abandon": th.VERMILLION}.get(action, th.LINE)
            self.buttons.append(Button(action, label, key, pygame.Rect(x, y, width, height), colour))
            x -= t.px(12)
        top = t.px(40) + t.line("title") + t.line("body") * 2 + t.px(30)
        row_h = t.line("bold") + t.line("small") * 2 + t.px(18)
        self.rows = [pygame.Rect(t.px(40), top + i * (row_h + t.px(8)), w - t.px(80), row_h)
                     for i in range(len(self.stopped))]

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in self.buttons:
                if button.hit(event.pos):
                    self.press(button.action)
                    return True
            for index, rect in enumerate(self.rows):
                if rect.collidepoint(event.pos):
                    self.selected = index
                    return True
            return True
        if event.type != pygame.KEYDOWN:
            return False
        key = event.key
        if key in (pygame.K_UP, pygame.K_k):
            self.selected = max(0, self.selected - 1)
        elif key in (pygame.K_DOWN, pygame.K_j):
            self.selected = min(len(self.stopped) - 1, self.selected + 1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.press("resume")
        elif key == pygame.K_a:
            self.press("abandon")
        elif key == pygame.K_ESCAPE:
            self.press("later")
        else:
            return False
        return True

    def press(self, action: str) -> None:
        if action == "later":
            self.app.pop()
            return
        stored = self.stopped[self.selected]
        if action == "abandon":
            store = open_results(self.app)
            if store is None:
                self.message = ""
                return

            def abandon(results: ResultStore = store) -> bool:
                results.abandon(stored.id)
                return True

            if not store.safely(abandon, self._("not recorded")):
                self.message = store.problem or ""
                return
            self._drop(stored)
        elif action == "resume":
            self.app.pop()
            reason = resume_round(self.app, stored)
            if reason:
                self.stopped_again(stored, reason)

    def stopped_again(self, stored: StoredSession, reason: str) -> None:
        """The round could not be rebuilt: say why, and keep offering the others."""
        self.message = self._("Round {round} cannot be resumed: {why}", round=stored.short_id, why=reason)
        self.app.push(self)

    def _drop(self, stored: StoredSession) -> None:
        self.stopped.remove(stored)
        self.selected = min(self.selected, len(self.stopped) - 1)
        if not self.stopped:
            self.app.pop()
        else:
            self.layout(self.app.size)

    def draw(self, surface: pygame.Surface) -> None:
        t, p, tr = self.theme, self.painter, self.tr
        w, h = surface.get_size()
        surface.fill(th.BG)
        p.text(surface, "⚠ " + self._("A round stopped before its end"), (t.px(40), t.px(40)), "title", th.ORANGE)
        p.paragraph(surface, self._("The game or the machine stopped while a round was being played. Nothing "
                                    "decided is lost: resume the round where it stopped (it opens paused), or "
                                    "record it as abandoned."), (t.px(40), t.px(40) + t.line("title") + t.px(10)),
                    w - t.px(80), "body", th.TEXT)
        for index, (stored, rect) in enumerate(zip(self.stopped, self.rows)):
            selected = index == self.selected
            pygame.draw.rect(surface, th.CARD, rect, border_radius=t.px(6))
            if selected:
                pygame.draw.rect(surface, th.FOCUS, rect, width=max(2, t.px(2)), border_radius=t.px(6))
            x, y = rect.x + t.px(12), rect.y + t.px(8)
            team = stored.team or self._("(no name)")
            p.text(surface, f"{team} — {stored.case_title or stored.case_id}", (x, y), "bold", th.TEXT,
                   width=rect.w - t.px(24))
            y += t.line("bold")
            n = self.decided.get(stored.id, 0)
            what = tr.ngettext("stopped at {at} of simulated time, after {n} decision",
                               "stopped at {at} of simulated time, after {n} decisions", n, at=tr.clock(stored.sim_t))
            p.text(surface, what, (x, y), "small", th.MUTED, width=rect.w - t.px(24))
            y += t.line("small")
            since = self._("round {round}, started {when}", round=stored.short_id,
                           when=stored.started_at[:16].replace("T", " "))
            p.text(surface, since, (x, y), "small", th.FAINT, width=rect.w - t.px(24))
        if self.message:
            p.text(surface, self.message, (t.px(40), h - t.px(90)), "small", th.ORANGE, width=w - t.px(80))
        for button in self.buttons:
            draw_button(p, surface, button, "body")
