"""The decision panel: the prompt, the options, a countdown, and what silence will cost."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from game.engine.model import Decision, Effects, Responses
from game.engine.scoring import timeout_label
from game.play import words
from game.ui import theme as th
from game.ui.scene import Scene
from game.ui.text import Painter, Sheet
from game.ui.theme import Theme
from game.ui.widgets import Button, button_width, draw_button, key_name

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.live import LiveScene


def consequences(scene: LiveScene, effects: Effects) -> str:
    """What an effect does, in words (only what the team can see coming: metrics and the story)."""
    parts = []
    for name, delta in effects.metrics.items():
        if delta:
            parts.append(f"{scene.metric_name(name).lower()} {scene.tr.signed(delta)}")
    if effects.spread is not None and effects.spread > 1:
        parts.append(scene._("the story spreads faster"))
    elif effects.spread is not None and effects.spread < 1:
        parts.append(scene._("the story calms down"))
    if effects.heat > 0:
        parts.append(scene._("a burst of angry posts"))
    return ", ".join(parts)


SOFT_LIMIT = 3000
"""Characters a written answer may hold on a channel with no limit of its own (a statement)."""


def takes_writing(decision: Decision) -> bool:
    """Whether the trainee may write an answer to ``decision`` (``responses: write`` or ``both``)."""
    return decision.responses is not Responses.choose


def answer_channel(scene: LiveScene, decision: Decision) -> tuple[str, int | None]:
    """The channel a written answer is published on (the first option's with one), and its hard limit."""
    channel = next((o.channel for o in decision.options if o.channel), None)
    found = scene.session.channels.get(channel or "")
    return (found.name, found.limit) if found else ("", None)


NUMBER_KEYS = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)}  # 1-9 choose an option

ANSWER_LINES = 6  # lines of a written answer shown while it is typed (the last ones)


class DecisionPanel:
    """Draws the open decision the team is looking at; the countdown is drawn live over it."""

    def __init__(self, scene: LiveScene, whole: bool = False) -> None:
        self.scene = scene
        # ``whole``: the panel of the decision shown large over the live screen (DecisionFocus),
        # which needs no "D: the whole decision" hint.
        self.whole = whole
        self.hint: pygame.Rect | None = None  # "▼ D: the whole decision", on the window, when shown
        self.rect = pygame.Rect(0, 0, 1, 1)
        self.sheet: Sheet | None = None
        self.key: tuple[object, ...] | None = None
        self.options: list[Button] = []  # rects on the sheet
        self.confirm: Button | None = None
        self.footer_buttons: list[Button] = []  # Confirm (or Publish), and Write your own answer
        self.countdown_y = 0
        self.scroll = 0
        # What happens if nobody decides, and the Confirm button: pinned under the options, so a
        # long decision never hides them below the fold, however far its options scroll.
        self.footer: Sheet | None = None
        # Shown large in projector type, the panel may draw a step smaller than the room's type
        # so that a long decision's every option fits (DecisionFocus.fit_type); else the screen's.
        self.type: tuple[Theme, Painter] | None = None

    @property
    def theme(self) -> Theme:
        return self.type[0] if self.type is not None else self.scene.theme

    @property
    def painter(self) -> Painter:
        return self.type[1] if self.type is not None else self.scene.painter

    def footer_height(self) -> int:
        return self.footer.size[1] if self.footer is not None else 0

    def wanted_height(self, width: int) -> int:
        """The height the panel needs at ``width`` (drawn at this width to know)."""
        self._refresh(width)
        return (self.sheet.size[1] if self.sheet else 0) + self.footer_height()

    def _refresh(self, width: int) -> None:
        scene = self.scene
        decision = scene.shown_decision()
        count = len(scene.session.open_decisions)
        draft = scene.drafts.get(decision.id) if decision else None
        key = (width, decision.id if decision else None, scene.chosen.get(decision.id) if decision else None,
               count, scene.app.settings.lang, self.theme.scale, scene.writing,
               draft.text if draft is not None else None)
        if key != self.key:
            self.key = key
            self.sheet = self._draw(decision, width, count)

    def set_rect(self, rect: pygame.Rect) -> None:
        self.rect = rect
        self._refresh(rect.w)
        self.scroll_to(self.scroll)

    @property
    def max_scroll(self) -> int:
        over = (self.sheet.size[1] if self.sheet else 0) - (self.rect.h - self.footer_height())
        # Scrolled at all, the band pins the title and the countdown: the scroll goes at least
        # as far as the sheet's own countdown, so nothing shows twice and no gap opens under it.
        return max(over, self.pinned_from()) if over > 0 else 0

    def pinned_from(self) -> int:
        """The least scroll that is not 0: where the sheet's countdown ends under the pinned band."""
        t = self.theme
        return max(1, self.countdown_y + t.line("head") + t.px(18) - self.band_height())

    def scroll_to(self, value: int) -> None:
        """Scroll to ``value`` within the sheet; between the top and the pinned band's first
        position it goes to one of the two, the way the scroll was moving."""
        value = max(0, min(value, self.max_scroll))
        if 0 < value < self.pinned_from():
            value = self.pinned_from() if value > self.scroll else 0
        self.scroll = value

    def _draw(self, decision: Decision | None, width: int, count: int) -> Sheet:
        scene = self.scene
        t, p, session = self.theme, self.painter, scene.session
        pad = t.px(10)
        inner = width - 2 * pad
        self.options, self.confirm, self.footer, self.footer_buttons = [], None, None, []
        if decision is None:
            text = scene._("Watch the feed and the inbox. When someone needs a decision it appears here, with a "
                           "countdown.")
            height = pad * 2 + p.wrapped_height(text, inner, "small") + t.line("head")
            sheet = Sheet((width, height), th.PANEL)
            p.text(sheet, scene._("No decision waiting"), (pad, pad), "head", th.MUTED)
            p.paragraph(sheet, text, (pad, pad + t.line("head")), inner, "small", th.MUTED)
            return sheet
        chosen = scene.chosen.get(decision.id)
        author = session.personas.get(decision.author or "")
        channel = session.channels.get(decision.channel or "")
        source = ", ".join(x for x in [
            f"{author.name}{' (' + author.role + ')' if author and author.role else ''}" if author else "",
            f"{scene.channel_icon(channel.id)} {channel.name}" if channel else "",
        ] if x)
        label_w = inner - t.px(56)  # the number's box at the left, the ✓ of the chosen one at the right
        published = {}  # the chosen option shows the words it will publish, and where
        if chosen is not None:
            option = decision.options[chosen]
            if option.post:
                where = session.channels[option.channel].name if option.channel in session.channels else ""
                published[chosen] = scene._("Publishes on {channel}: “{post}”", channel=where, post=option.post)
        # A decision answered only in writing shows no prepared option: they are what the written
        # answer is compared with, not a list to pick from.
        shown_options = [] if decision.responses is Responses.write else decision.options
        labels = [words.option_label(o, scene.tr) for o in shown_options]  # with who says it, when the case names a speaker
        option_heights = [max(t.line("body"), p.wrapped_height(labels[i], label_w, "body")) + t.px(12)
                          + (p.wrapped_height(published[i], label_w, "small") + t.px(4) if i in published else 0)
                          for i, o in enumerate(shown_options)]
        timeout = decision.on_timeout
        cost = consequences(scene, timeout.effects)
        timeout_text = scene._("If nobody decides: {label}", label=timeout_label(timeout, scene.tr.lang)) + (f" ({cost})" if cost else "")
        source_text = scene._("Asked by {source}", source=source) if source else ""
        height = (pad + t.line("bold") + p.wrapped_height(decision.title, inner, "title")
                  + (p.wrapped_height(source_text, inner, "small") if source else 0) + t.px(6)
                  + t.line("head") + t.px(10) + t.px(8)  # countdown and its bar
                  + p.wrapped_height(decision.prompt, inner, "body") + t.px(10)
                  + sum(option_heights) + t.px(6) * len(option_heights))
        sheet = Sheet((width, height), th.PANEL)
        surface = sheet.surface
        y = pad
        p.text(sheet, "⚠ " + scene._("DECISION"), (pad, y), "bold", th.ORANGE)
        if count > 1:
            index = [d.id for d in session.open_decisions].index(decision.id) + 1
            p.text(sheet, scene._("{i} of {n} open · V next", i=index, n=count), (width - pad, y + t.line("bold") // 2),
                   "small", th.YELLOW, anchor="midright")
        y += t.line("bold")
        y += p.paragraph(sheet, decision.title, (pad, y), inner, "title", th.TEXT)
        if source:
            y += p.paragraph(sheet, source_text, (pad, y), inner, "small", th.MUTED)
        y += t.px(6)
        self.countdown_y = y
        y += t.line("head") + t.px(10) + t.px(8)
        y += p.paragraph(sheet, decision.prompt, (pad, y), inner, "body", th.TEXT) + t.px(10)
        for number, (option, h) in enumerate(zip(shown_options, option_heights), 1):
            rect = pygame.Rect(pad, y, inner, h)
            picked = chosen == number - 1
            pygame.draw.rect(surface, th.CARD if not picked else th.CARD_OWN, rect, border_radius=t.px(5))
            pygame.draw.rect(surface, th.YELLOW if picked else th.LINE, rect, width=max(2 if picked else 1, t.px(2)
                             if picked else 1), border_radius=t.px(5))
            key = str(number) if number < 10 else ""
            key_rect = p.text(sheet, key, (rect.x + t.px(14), rect.y + t.px(6) + t.line("body") // 2), "bold",
                              th.YELLOW if picked else th.MUTED, anchor="center")
            pygame.draw.rect(surface, th.YELLOW if picked else th.MUTED, key_rect.inflate(t.px(10), t.px(2)), width=1,
                             border_radius=t.px(3))
            used = p.paragraph(sheet, labels[number - 1], (rect.x + t.px(32), rect.y + t.px(6)), label_w, "body",
                               th.TEXT)
            if number - 1 in published:
                p.paragraph(sheet, published[number - 1], (rect.x + t.px(32), rect.y + t.px(10) + used), label_w,
                            "small", th.SKY)
            if picked:
                p.text(sheet, "✓", (rect.right - t.px(6), rect.y + t.px(6)), "bold", th.YELLOW, anchor="topright")
            self.options.append(Button(f"choose:{number - 1}", option.label, key, rect))
            y += h + t.px(6)
        draft = scene.drafts.get(decision.id)
        field = self._answer(decision, inner) if scene.writing and draft is not None else None
        field_h = field[0] if field else 0
        if field:
            ready = bool(draft is not None and draft.text.strip())
            label = scene._("✓ Publish this answer") if ready else scene._("Write your answer first")
        else:
            ready = chosen is not None
            label = scene._("✓ Confirm this choice") if ready else scene._("Choose an option first")
        enter = key_name(scene.tr, "Enter")
        button_h = t.line("body") + t.px(12)
        bw = min(inner, button_width(p, label, enter, "body") + t.px(8))
        # "Write your own answer" (W) beside Confirm, or on its own row when both do not fit.
        write_label = "✎ " + scene._("Write your own answer")
        ww = min(inner, button_width(p, write_label, "W", "body") + t.px(8)) if takes_writing(decision) and not field \
            else 0
        own_row = bool(ww) and ww + t.px(8) + bw > inner
        footer_h = (t.px(6) + field_h + p.wrapped_height(timeout_text, inner, "small") + t.px(8) + button_h
                    + (button_h + t.px(6) if own_row else 0) + pad)
        footer = Sheet((width, footer_h), th.PANEL)
        pygame.draw.line(footer.surface, th.LINE, (pad, 0), (width - pad, 0))
        y = t.px(6)
        if field:
            field[1](footer, y)
            y += field_h
        y += p.paragraph(footer, timeout_text, (pad, y), inner, "small", th.ORANGE) + t.px(8)
        self.footer_buttons = []
        if ww:
            write = Button("write", write_label, "W", pygame.Rect(pad, y, ww, button_h), th.SKY)
            draw_button(p, footer, write, "body")
            self.footer_buttons.append(write)
            if own_row:
                y += button_h + t.px(6)
        confirm = Button("confirm", label, enter, pygame.Rect(width - pad - bw, y, bw, button_h), th.GREEN,
                         enabled=ready)
        draw_button(p, footer, confirm, "body")
        if self.whole and not field:
            # Shown large, the panel says its keys beside its buttons (it covers the key bar);
            # an answer being written says its own (Enter publishes, Esc back).
            left = pad + (ww + t.px(12) if ww and not own_row else 0)
            room = confirm.rect.x - t.px(12) - left
            keys = whole_keys(scene, decision)
            lines = min(2, len(p.cache.wrap(t, keys, "small", room)))
            p.paragraph(footer, keys, (left, y + (button_h - lines * t.line("small")) // 2), room, "small", th.MUTED,
                        max_lines=2)
        self.footer_buttons.append(confirm)
        self.confirm, self.footer = confirm, footer
        return sheet

    def _answer(self, decision: Decision, inner: int) -> tuple[int, Callable[[Sheet, int], None]]:
        """The written answer being typed: its height and how to draw it on the footer at ``y``.

        The channel it will be published on and its character counter; a microblog's limit is
        a hard one (the field takes no more), shown in vermillion when reached. Long drafts show
        their last lines, where the typing is.
        """
        scene = self.scene
        t, p = self.theme, self.painter
        draft = scene.drafts[decision.id]
        where, limit = answer_channel(scene, decision)
        pad = t.px(10)
        heading = scene._("Your answer, published on {channel}", channel=where) if where else scene._("Your answer")
        count = len(draft.text)
        counter = (f"{scene.tr.number(count)} / {scene.tr.number(limit)}" if limit else
                   scene.tr.ngettext("{n} character", "{n} characters", count))
        body_w = inner - t.px(12)
        lines = p.cache.wrap(t, draft.text + "▏", "body", body_w)
        shown = lines[-ANSWER_LINES:]
        box_h = max(1, len(shown)) * t.line("body") + t.px(12)
        hint = scene._("{enter} publishes · {esc} back to the options", enter=key_name(scene.tr, "Enter"),
                       esc=key_name(scene.tr, "Esc"))
        height = t.line("small") + t.px(4) + box_h + t.px(4) + t.line("small") + t.px(8)

        def draw(footer: Sheet, y: int) -> None:
            surface = footer.surface
            p.text(footer, heading, (pad, y), "small", th.SKY, width=inner - t.px(90))
            full = limit is not None and count >= limit
            near = limit is not None and count >= limit * 0.9
            p.text(footer, counter, (pad + inner, y), "small",
                   th.VERMILLION if full else (th.ORANGE if near else th.MUTED), anchor="topright")
            y += t.line("small") + t.px(4)
            box = pygame.Rect(pad, y, inner, box_h)
            pygame.draw.rect(surface, th.CARD, box, border_radius=t.px(4))
            pygame.draw.rect(surface, th.FOCUS, box, width=max(1, t.px(2)), border_radius=t.px(4))
            ty = y + t.px(6)
            for line in shown:
                if line:
                    p.text(footer, line, (pad + t.px(6), ty), "body", th.TEXT)
                ty += t.line("body")
            y += box_h + t.px(4)
            p.text(footer, hint, (pad, y), "small", th.MUTED, width=inner)

        return height, draw

    def update(self) -> None:
        self._refresh(self.rect.w)

    def live_key(self) -> tuple[object, ...]:
        """What the panel's pixels depend on this frame, but its countdown: its sheet and scroll
        (see ``countdown_key``), so an unchanged panel is kept."""
        return (tuple(self.rect), self.key, self.scroll, self.max_scroll > 0, self.scene.shown_decision() is None)

    def countdown_key(self) -> tuple[object, ...]:
        """What the countdown shows: the real seconds left, the speed, the bar's length. When only
        this changed, only ``countdown_area`` is drawn again."""
        scene = self.scene
        decision = scene.shown_decision()
        if decision is None:
            return ()
        bar_w = self.rect.w - 2 * self.theme.px(10)
        fill = int(bar_w * scene.session.time_left(decision.id) / max(1, decision.time_limit))
        return (math.ceil(scene.real_time_left(decision.id)), round(scene.running_speed, 1), fill)

    def countdown_area(self) -> pygame.Rect | None:
        """Where the countdown and its bar are on screen (in the band pinned at the top when scrolled)."""
        if self.sheet is None or self.scene.shown_decision() is None:
            return None
        t = self.theme
        if self.scroll > 0:
            y = self.rect.y + t.px(10) + t.line("bold")
        else:
            y = self.rect.y + self.countdown_y - self.scroll
        view = pygame.Rect(self.rect.x, self.rect.y, self.rect.w, self.rect.h - self.footer_height())
        return pygame.Rect(self.rect.x, y - t.px(2), self.rect.w, t.line("head") + t.px(14)).clip(view)

    def band_height(self) -> int:
        """The band pinned at the top while the panel is scrolled: the title, the countdown, its bar."""
        t = self.theme
        return t.px(10) + t.line("bold") + t.line("head") + t.px(14)

    def draw(self, surface: pygame.Surface, only: pygame.Rect | None = None) -> None:
        """Draw the panel; with ``only``, just that area of it (the countdown, see ``countdown_area``)."""
        scene = self.scene
        t, p = self.theme, self.painter
        if only is None:
            self.hint = None
        if self.sheet is None:
            return
        footer_h = self.footer_height()
        view = pygame.Rect(self.rect.x, self.rect.y, self.rect.w, self.rect.h - footer_h)

        def clip(rect: pygame.Rect) -> pygame.Rect:
            return rect if only is None else rect.clip(only)

        surface.set_clip(clip(view))
        surface.fill(th.PANEL, view)  # scrolled to its end, the sheet may not fill the view
        area = self._whole_lines(pygame.Rect(0, self.scroll, self.rect.w, view.h))
        p.sheet(surface, self.sheet, self.rect.topleft, area)
        decision = scene.shown_decision()
        if decision is not None:
            # What a person has: real seconds at the speed the clock runs now (the reading rule
            # slows it while a decision is open), and that speed beside it.
            left = scene.real_time_left(decision.id)
            pad = t.px(10)
            y = self.rect.y + self.countdown_y - self.scroll
            if self.scroll > 0:
                # Scrolled down to the options: the decision's title (whole or with an ellipsis,
                # never cut in half) and its countdown stay pinned at the top.
                band = pygame.Rect(self.rect.x, self.rect.y, self.rect.w, self.band_height())
                pygame.draw.rect(surface, th.PANEL, band)
                pygame.draw.line(surface, th.ORANGE, band.bottomleft, band.bottomright, max(1, t.px(1)))
                p.text(surface, "▲", (self.rect.right - t.px(8), band.y + pad), "small", th.YELLOW, anchor="topright")
                p.text(surface, decision.title, (self.rect.x + pad, band.y + pad), "bold", th.TEXT,
                       width=self.rect.w - 2 * pad - t.px(20))
                y = band.y + pad + t.line("bold")
            urgent = left <= 60
            colour = th.VERMILLION if urgent else th.YELLOW
            text = ("⚠ " if urgent else "◷ ") + scene._("{time} left to decide", time=scene.tr.duration(math.ceil(left)))
            r = p.text(surface, text, (self.rect.x + pad, y), "head", colour)
            speed = scene._("1 s = {speed} s", speed=scene.tr.number(round(scene.running_speed, 1)))
            right = self.rect.right - pad - (t.px(16) if self.max_scroll else 0)  # the ▲/▼ scroll mark
            if right - r.right - t.px(12) >= t.font("small").size(speed)[0]:
                p.text(surface, speed, (right, r.centery), "small", th.MUTED, anchor="midright")
            bar = pygame.Rect(self.rect.x + pad, y + t.line("head") + t.px(2), self.rect.w - 2 * pad, t.px(8))
            pygame.draw.rect(surface, th.CARD, bar, border_radius=t.px(3))
            fill = bar.copy()
            fill.w = int(bar.w * scene.session.time_left(decision.id) / max(1, decision.time_limit))
            pygame.draw.rect(surface, colour, fill, border_radius=t.px(3))
        if self.max_scroll and decision is not None:
            # The options do not all fit (projector type, a long decision). In the column, D
            # shows the whole decision large, and the mark says so (a click does it too); shown
            # large, the mark says there is more below.
            at_end = self.scroll >= self.max_scroll
            more = "▲" if at_end else "▼"
            if self.whole:
                words = more if at_end else f"{more} " + scene._("more below: ↓ or the wheel")
            else:
                words = f"{more} " + scene._("D: the whole decision")
            size = t.font("small").size(words)
            hint = pygame.Rect(0, 0, size[0] + t.px(12), size[1] + t.px(4))
            hint.bottomright = (view.right - t.px(2), view.bottom - t.px(2))
            pygame.draw.rect(surface, th.PANEL, hint, border_radius=t.px(4))
            pygame.draw.rect(surface, th.YELLOW, hint, width=1, border_radius=t.px(4))
            p.text(surface, words, hint.center, "small", th.YELLOW, anchor="center")
            self.hint = None if self.whole else hint
        surface.set_clip(clip(self.rect))
        if self.footer is not None:
            p.sheet(surface, self.footer, view.bottomleft)
        if decision is not None:
            pygame.draw.rect(surface, th.ORANGE, self.rect, width=max(2, t.px(2)))
        surface.set_clip(None)

    def _whole_lines(self, area: pygame.Rect) -> pygame.Rect:
        """``area`` of the sheet, ending above the first line of text its bottom would cut through:
        the prompt or an option goes on below the fold ("▼ D: the whole decision" says so), never
        as a line cut in half under the mark (issue 17, projector type)."""
        assert self.sheet is not None
        bottom, moved = area.bottom, True
        while moved:  # a line moved up to may cut another beside it (an option's number)
            moved = False
            for _, rect in self.sheet.texts:
                if area.top < rect.top < bottom < rect.bottom:
                    bottom, moved = rect.top, True
        return pygame.Rect(area.x, area.y, area.w, bottom - area.y)

    def reveal(self, *actions: str) -> None:
        """Scroll the panel so that these buttons (an option, the confirm button) are in view."""
        self._refresh(self.rect.w)
        # The Confirm button is always in view (pinned under the options); only options scroll.
        rects = [b.rect for b in self.options if b.action in actions]
        if not rects:
            return
        top = min(r.top for r in rects)
        bottom = max(r.bottom for r in rects) + self.theme.px(8)
        view_h = self.rect.h - self.footer_height()
        if bottom <= view_h:
            self.scroll = 0  # the option fits with the top of the panel: show it all from the title
        else:
            # Scrolled, the title and the countdown are pinned over the top of the view: the
            # option goes under them, its top first when it is taller than what is left.
            band = self.band_height()
            if bottom - self.scroll > view_h:
                self.scroll = bottom - view_h
            if top - self.scroll < band:
                self.scroll = top - band
            self.scroll = max(self.scroll, self.pinned_from())
        self.scroll = max(0, min(self.scroll, self.max_scroll))

    def at(self, pos: tuple[int, int]) -> str | None:
        """The action under ``pos`` (an option or the confirm button)."""
        if not self.rect.collidepoint(pos):
            return None
        if self.hint is not None and self.hint.collidepoint(pos):
            return "focus"
        footer_y = self.rect.bottom - self.footer_height()
        if pos[1] >= footer_y:
            local = (pos[0] - self.rect.x, pos[1] - footer_y)
            return next((b.action for b in self.footer_buttons if b.hit(local)), None)
        local = (pos[0] - self.rect.x, pos[1] - self.rect.y + self.scroll)
        for button in self.options:
            if button.hit(local):
                return button.action
        return None

    def centre(self, action: str) -> tuple[int, int] | None:
        footer_y = self.rect.bottom - self.footer_height()
        for button in self.footer_buttons:
            if button.action == action:
                return self.rect.x + button.rect.centerx, footer_y + button.rect.centery
        for button in self.options:
            if button.action == action:
                return (self.rect.x + button.rect.centerx, self.rect.y + button.rect.centery - self.scroll)
        return None


# The type sizes the decision shown large tries in projector type, the room's first (theme.py's
# 1.3) down to the window's normal type: a step smaller is still read across a room; a decision
# whose options go below the fold is not.
PROJECTOR_STEPS = (1.3, 1.2, 1.1, 1.0)


def whole_keys(scene: LiveScene, decision: Decision) -> str:
    """The keys of the decision shown large (DecisionFocus), said beside its buttons."""
    enter, esc = key_name(scene.tr, "Enter"), key_name(scene.tr, "Esc")
    if decision.id in scene.chosen:  # an option is chosen: Enter is what is left to do, 1-9 changes it
        if takes_writing(decision):
            return scene._("{enter} confirm · 1-9 another option · W write · V next decision · D or {esc} back to "
                           "the feed", enter=enter, esc=esc)
        return scene._("{enter} confirm · 1-9 another option · V next decision · D or {esc} back to the feed",
                       enter=enter, esc=esc)
    if takes_writing(decision):
        return scene._("1-9 choose · {enter} confirm · W write · V next decision · D or {esc} back to the feed",
                       enter=enter, esc=esc)
    return scene._("1-9 choose · {enter} confirm · V next decision · D or {esc} back to the feed", enter=enter, esc=esc)


# Keys the live screen still takes while the whole decision is shown: deciding, writing, the
# next decision, and the facilitator's keys. The others (triage, Tab, filters) would act on a
# feed the overlay hides, so the overlay keeps them.
PASSED_KEYS = frozenset({
    pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_w, pygame.K_v, pygame.K_SPACE, pygame.K_p, pygame.K_PLUS,
    pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_n, pygame.K_i, pygame.K_e,
    pygame.K_m, pygame.K_F1, pygame.K_F2, pygame.K_F11,
})


class DecisionFocus(Scene):
    """D on the live screen: the open decision large, over the feed, for a room to read.

    In projector type the middle column holds one option of a long decision at a time; a
    trainer at a projector wants the whole decision on the wall while the team talks it over:
    title, who asks, the countdown, the prompt and every option, then what silence costs and
    Confirm. The round keeps running underneath (the clock and its buttons stay in view); the
    keys and clicks are the panel's own (1-9, Enter, W, V), and D or Esc goes back to the feed.
    It closes by itself when no decision is open any more.
    """

    name = "decision"
    overlay = True

    def __init__(self, app: App, live: LiveScene) -> None:
        super().__init__(app)
        self.live = live
        self.panel = DecisionPanel(live, whole=True)
        self._fitted: tuple[object, ...] | None = None
        self._types: dict[float, tuple[Theme, Painter]] = {}

    def layout(self, size: tuple[int, int]) -> None:
        t, live = self.theme, self.live
        w, h = size
        top = live.regions["top"].bottom + t.px(8)
        bottom = h - t.px(8)  # over the key bar too: the panel says its own keys
        width = min(w - 2 * t.px(12), t.px(1000))
        self.fit_type(size, width, bottom - top)
        height = max(t.px(40), min(self.panel.wanted_height(width), bottom - top))
        self.panel.set_rect(pygame.Rect((w - width) // 2, top, width, height))

    def fit_type(self, size: tuple[int, int], width: int, room: int) -> None:
        """In projector type, the largest type (from the room's down to the normal one) at which the
        whole decision fits in ``room``: every option of a long decision, the chosen one with the
        words it publishes, in view at once (issue 17: "only one option fits"). The normal type
        that still does not hold it all scrolls. Chosen again when the decision, the choice, the
        language or the window change, not while an answer is typed."""
        live = self.live
        decision = live.shown_decision()
        key = (size, self.theme.scale, live.app.settings.lang, decision.id if decision else None,
               live.chosen.get(decision.id) if decision else None, live.writing, len(live.session.open_decisions))
        if key == self._fitted:
            return
        self._fitted = key
        self.panel.type = None
        if not live.app.settings.projector or decision is None:
            return
        for step in PROJECTOR_STEPS:
            if step not in self._types:
                theme = Theme(size, projector=True, projector_scale=step)
                self._types[step] = (theme, Painter(theme, shown_with=self.painter))
            self.panel.type = self._types[step]
            if self.panel.wanted_height(width) <= room:
                return

    def update(self, dt: float) -> None:
        if self.live.ended or self.live.shown_decision() is None:
            if self.app.top is self:
                self.app.pop()
            return
        self.layout(self.app.size)

    def close(self) -> None:
        if self.app.top is self:
            self.app.pop()

    def _scroll(self, step: int) -> None:
        self.panel.scroll_to(self.panel.scroll + step)

    def handle(self, event: pygame.event.Event) -> bool:
        live = self.live
        if live.picker is not None or (live.writing and event.type in (pygame.KEYDOWN, pygame.TEXTINPUT)):
            return False  # the end/inject lists and a written answer take their keys on the live screen
        line = self.theme.line("body") * 3
        if event.type == pygame.KEYDOWN:
            key = event.key
            if key in (pygame.K_d, pygame.K_ESCAPE):
                self.close()
            elif key in NUMBER_KEYS:
                live.choose(NUMBER_KEYS[key] - 1)
                self.panel.reveal(f"choose:{NUMBER_KEYS[key] - 1}")
            elif key in (pygame.K_DOWN, pygame.K_UP, pygame.K_j, pygame.K_k):
                self._scroll(line if key in (pygame.K_DOWN, pygame.K_j) else -line)
            elif key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP):
                page = self.panel.rect.h - self.panel.footer_height() - line
                self._scroll(page if key == pygame.K_PAGEDOWN else -page)
            else:
                return key not in PASSED_KEYS
            return True
        if event.type == pygame.MOUSEWHEEL:
            self._scroll(-event.y * self.theme.px(60))
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if live.regions["top"].collidepoint(event.pos):
                return False  # pause, speed, sound and help stay at hand
            action = self.panel.at(event.pos)
            if action is None:
                self.close()  # a click beside the decision goes back to the feed
            else:
                live.press(action)
                if action.startswith("choose:"):
                    self.panel.reveal(action)
            return True
        return False

    def button_centre(self, action: str) -> tuple[int, int] | None:
        """Where a button of the shown decision is (tests click on it)."""
        return self.panel.centre(action)

    def draw(self, surface: pygame.Surface) -> None:
        if self.live.shown_decision() is None or self.live.picker is not None:
            return  # E's "end the round?" and I's list are drawn on the live screen: left in view
        live = self.live
        w, h = surface.get_size()
        below = pygame.Rect(0, live.regions["top"].bottom, w, h - live.regions["top"].bottom)
        shade = pygame.Surface(below.size, pygame.SRCALPHA)
        shade.fill((0, 0, 0, 200))
        surface.blit(shade, below.topleft)
        self.panel.draw(surface)
