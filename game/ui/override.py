"""The facilitator's last word in the window's debrief (issue 11): C opens the written answers
and replies as they were read, one line per finding; the facilitator changes the primary
strategy (← →), ticks a key point as said or a red line as crossed (Space, or a click), and
Enter keeps the changes: each answer changed is one ``override`` input of the session
(:meth:`~game.engine.session.Session.override`), the debrief is scored again, and a round kept in
the results store is amended there (its score, its place in the ranking, who changed what and
when). Esc leaves without a change.

Below the list, a field takes the name of the person who changes (Tab, ↓ past the last finding, or
a click): it signs each change in the session log and the report says "changed by NAME" (unsigned:
"changed by the facilitator"). The window remembers the name for the next corrections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.rubric import strategy_name
from game.engine.session import EngineError
from game.play.corrections import STRATEGIES, Change, Finding, changes, findings, signature
from game.ui import theme as th
from game.ui.scene import Scene
from game.ui.widgets import TextField, key_name

if TYPE_CHECKING:
    from game.ui.app import App

__all__ = ["Finding", "OverrideScene", "changes", "findings"]

NAME_LIMIT = 60  # the longest name kept (a person's name, not a text)


class OverrideScene(Scene):
    """The written answers' findings, to correct, over the debrief.

    Args:
        app: The window.
        debrief: The debrief screen (its session, and it scores and lays itself out again), or
            anything with a ``debrief`` (:class:`Debrief`) when ``apply`` is given.
        apply: Who makes the changes instead of the debrief's session (the workshop screen: the
            stored round is amended); it gets the list of :func:`changes`.
    """

    name = "override"
    overlay = True

    def __init__(self, app: App, debrief: Any,
                 apply: Callable[[list[Change]], None] | None = None) -> None:
        super().__init__(app)
        self.debrief = debrief
        self.apply = apply
        self.rows = findings(debrief.debrief)
        self.index = next(i for i, r in enumerate(self.rows) if r.selectable)
        self.top = 0
        self.rects: list[tuple[int, pygame.Rect]] = []
        # Who changes: signs every change made here (the window's settings keep it for next time).
        self.who = TextField(app.settings.facilitator, NAME_LIMIT)
        self.who_rect = pygame.Rect(0, 0, 0, 0)

    # --- input -----------------------------------------------------------------------

    @property
    def naming(self) -> bool:
        """Whether the keyboard types the name (not the list)."""
        return self.who.editing

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.app.pop()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.keep()
            elif event.key == pygame.K_TAB:
                self.who.editing = not self.who.editing
            elif self.naming:
                if event.key == pygame.K_UP:
                    self.who.editing = False
                else:
                    self.who.handle(event)  # Backspace (the letters come as TEXTINPUT)
            elif event.key == pygame.K_DOWN and not any(r.selectable for r in self.rows[self.index + 1:]):
                self.who.editing = True
            elif event.key in (pygame.K_UP, pygame.K_DOWN):
                self.move(-1 if event.key == pygame.K_UP else 1)
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                self.change(-1 if event.key == pygame.K_LEFT else 1)
            elif event.key == pygame.K_SPACE:
                self.change(1)
            return True  # the list has the keyboard while it is open
        if event.type == pygame.TEXTINPUT:
            self.who.handle(event)  # typed only while the name has the keyboard
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.who.editing = self.who_rect.collidepoint(event.pos)
            for index, rect in self.rects:
                if rect.collidepoint(event.pos):
                    self.index = index
                    self.change(1)
            return True
        return event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL, pygame.TEXTINPUT)

    def move(self, step: int) -> None:
        index = self.index
        while 0 <= index + step < len(self.rows):
            index += step
            if self.rows[index].selectable:
                self.index = index
                return

    def change(self, step: int) -> None:
        row = self.rows[self.index]
        if row.kind == "strategy":
            row.value = STRATEGIES[(STRATEGIES.index(row.value) + step) % len(STRATEGIES)] \
                if row.value in STRATEGIES else STRATEGIES[0]
        else:
            row.value = not row.value

    def keep(self) -> None:
        """Make each answer's changes an override of the session, then score the debrief again."""
        who = signature(self.who.text)  # unsigned: the report says "changed by the facilitator"
        made = changes(self.rows, who)
        self.app.pop()
        self.app.settings.facilitator = who or ""
        if not made:
            return
        if self.apply is not None:
            self.apply(made)
            return
        before = self.debrief.result.score
        try:
            for decision, post, change in made:
                self.debrief.session.override(decision, post=post, **change)
        except EngineError as exc:  # (the list offers only what the answers have)
            self.debrief.message = self._("The change was not made: {why}", why=exc.say(self.tr))
        self.debrief.corrected(before)

    # --- draw ------------------------------------------------------------------------

    def _value(self, row: Finding) -> str:
        if row.kind == "strategy":
            return self._("Strategy: ← {strategy} →", strategy=strategy_name(row.value, self.tr.lang))
        if row.kind == "key_point":
            return ("☑ " if row.value else "☐ ") + self._("said: {point}", point=row.label)
        return ("☑ " if row.value else "☐ ") + self._("red line crossed: {line}", line=row.label)

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        surface.blit(shade, (0, 0))
        line = t.line("body") + t.px(6)
        field_h = t.line("body") + t.px(12)
        signing = t.line("small") + t.px(2) + field_h + t.px(10)  # the name's label and field
        box = pygame.Rect(0, 0, min(w - t.px(60), t.px(960)), min(h - t.px(40), t.line("title") + line * (len(self.rows) + 1)
                                                                    + signing + t.line("small") + t.px(60)))
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
        pygame.draw.rect(surface, th.PURPLE, box, width=max(2, t.px(2)), border_radius=t.px(10))
        x, y = box.x + t.px(20), box.y + t.px(16)
        p.text(surface, self._("Correct how the written answers were read"), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(10)
        room = max(1, (box.bottom - t.line("small") - t.px(24) - signing - y) // line)
        if self.index < self.top:
            self.top = self.index
        elif self.index >= self.top + room:
            self.top = self.index - room + 1
        self.top = max(0, min(self.top, len(self.rows) - room)) if len(self.rows) > room else 0
        self.rects = []
        for index in range(self.top, min(len(self.rows), self.top + room)):
            row = self.rows[index]
            if row.kind == "head":
                p.text(surface, row.label, (x, y), "bold", th.ORANGE, width=box.w - t.px(40))
            else:
                rect = pygame.Rect(x + t.px(20), y - t.px(2), box.w - t.px(60), line)
                if index == self.index:
                    pygame.draw.rect(surface, th.CARD, rect, border_radius=t.px(4))
                changed = row.value != row.was
                colour = th.PURPLE if changed else (th.YELLOW if index == self.index else th.TEXT)
                text = self._value(row) + ("  ✎ " + self._("changed") if changed else "")
                p.text(surface, text, (rect.x + t.px(8), y), "body", colour, width=rect.w - t.px(16))
                self.rects.append((index, rect))
            y += line
        y = box.bottom - t.line("small") - t.px(24) - signing + t.px(6)
        p.text(surface, self._("Changed by (your name, in the report):"), (x, y), "small",
               th.YELLOW if self.naming else th.MUTED)
        y += t.line("small") + t.px(2)
        self.who_rect = pygame.Rect(x, y, min(box.w - t.px(40), t.px(520)), field_h)
        self.who.draw(p, surface, self.who_rect, self._("e.g. Ana (empty: the facilitator)"))
        hint = self._("↑↓ choose · ← → the strategy · Space ticks · Tab your name · {enter} keeps the changes "
                      "(the score follows) · {esc} leaves", enter=key_name(self.tr, "Enter"), esc=key_name(self.tr, "Esc"))
        p.text(surface, hint, (x, box.bottom - t.px(12)), "small", th.MUTED, anchor="bottomleft", width=box.w - t.px(40))
