"""The feed (and the inbox): a scrolling list of post cards, newest first.

Each card is drawn once into a cached sheet and drawn again only when its width or its triage
changes; a frame blits only the cards inside the view, found by bisection, so a feed of
thousands of posts costs what a dozen cost. What changes every few ticks (engagement counters,
the trending mark, the selection outline) is drawn over the cached card.

New posts wait beside the column until the cards they bring into view are drawn (a few per
frame, see ``NEW_CARD_PIXELS_PER_FRAME``), then join it together: at the fastest speed, when a
frame brings twenty posts, the column moves in whole steps of ready cards instead of showing
blank ones, and a post pushed out of view before it was ever shown is never drawn. The cards
kept are bounded (``CARD_CACHE_VIEWS``): at 4K one is a megabyte or two of pixels.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from game.engine.session import ORGANISATION
from game.engine.state import Post
from game.i18n import N_
from game.play.moments import moment
from game.ui import theme as th
from game.ui.scene import KeptPart
from game.ui.text import Sheet
from game.ui.widgets import Button, button_width, draw_button

if TYPE_CHECKING:
    from game.ui.live import LiveScene

# New cards drawn per frame: a tick that brings a hundred posts spreads the work over a few
# frames (a card not drawn yet shows as a blank card for a frame) instead of one long frame.
# The budget is in pixels, so a 4K window draws fewer (bigger) cards per frame; one at least.
NEW_CARD_PIXELS_PER_FRAME = 180_000
# Cards kept, in columns' worth of pixels; the least recently shown are dropped first (and drawn
# again if the reader scrolls back to them).
CARD_CACHE_VIEWS = 6
# The engagement counters of the cards in view are read again this often (real seconds), or when
# the cards in view change: at 1 s = 120 s they change every frame, faster than anyone reads,
# and each change is the whole column drawn again.
COUNTER_SECONDS = 0.25
# Surfaces of dropped cards kept for new cards of their size (see FeedView._keep_spare).
SPARE_PER_SIZE = 4
SPARE_VIEWS = 1

TRIAGE = (("flag", "⚑", "F"), ("dismiss", "✗", "X"), ("answer", "↩", "A"))
TRIAGE_COLOURS = {"flag": th.ORANGE, "dismiss": th.GREY, "answer": th.SKY}
# The buttons' verbs, and what a card says once the action is done.
TRIAGE_WORDS = {"flag": N_("Flag"), "dismiss": N_("Dismiss"), "answer": N_("Answer")}
TRIAGE_DONE = {"flag": N_("Flagged"), "dismiss": N_("Dismissed"), "answer": N_("Answered")}


@dataclass
class Card:
    """A post drawn once; ``key`` says what it was drawn for."""

    sheet: Sheet
    key: tuple[object, ...]
    buttons: list[Button] = field(default_factory=list)
    counters: tuple[int, int] = (0, 0)  # where the live engagement line goes
    badge: tuple[int, int] = (0, 0)  # where the trending mark goes (its right end)


class FeedView:
    """One scrolling column of posts.

    Args:
        scene: The live screen (for the session, painter and words).
        accept: Which posts belong in this column (feed channels, the inbox, a channel filter).
        inbox: Draw cards as messages (sender, subject) rather than posts.
        empty: What the column says while it has no post (an English message id).
    """

    def __init__(self, scene: LiveScene, accept: Callable[[Post], bool], inbox: bool = False,
                 empty: str | None = None) -> None:
        self.scene = scene
        self.empty = empty
        self.accept = accept
        self.inbox = inbox
        self.posts: list[Post] = []
        self.index: dict[str, int] = {}
        self.heights: list[int] = []
        self.bottoms: list[int] = []  # distance of each card from the oldest end of the column
        self.total = 0
        self.scroll = 0  # pixels scrolled down from the newest post
        self.unseen_above = 0  # posts that arrived while scrolled down
        self.selected: str | None = None
        self.cards: OrderedDict[str, Card] = OrderedDict()  # least recently shown first
        self._card_pixels = 0
        # Surfaces of cards dropped from the cache, by size, for the next cards of that size.
        self._spare: dict[tuple[int, int], list[pygame.Surface]] = {}
        self.incoming: list[Post] = []  # posts accepted, not in the column yet (see the module's doc)
        self._batch = 0  # how many of them join it together once their cards are drawn
        self._strips: dict[tuple[object, ...], Sheet] = {}
        self._strip_buttons: dict[tuple[object, ...], list[Button]] = {}
        self.rect = pygame.Rect(0, 0, 1, 1)
        self.visible: list[tuple[Post, int]] = []  # (post, y on screen) after the last update
        self.kept = KeptPart()  # the column's pixels stay on the window while nothing in it changes
        self._counts: dict[tuple[str, int], str] = {}  # engagement counters as words: Babel is slow per call
        self.counters: dict[str, tuple[int, int, int]] = {}  # the engagement shown, per post in view
        self._counted = 0.0  # real seconds since the counters were read
        self._answers: dict[tuple[str | None, bool], bool] = {}  # see answerable()
        self._answers_t = -1.0
        self._two_lines: dict[str, bool] = {}  # see two_lines()
        self._stamps: dict[tuple[str, int], str] = {}  # see stamp()

    def stamp(self, post: Post) -> str:
        """When ``post`` came, as every front end says it (game/play/moments.py): the real day and
        hour for a case with a calendar, else the round's clock; worded once per language."""
        key = (self.scene.app.settings.lang, post.t)
        words = self._stamps.get(key)
        if words is None:
            if len(self._stamps) > 20_000:
                self._stamps.clear()
            words = self._stamps[key] = moment(self.scene.tr, self.scene.case.calendar, post.t)
        return words

    def compact(self, n: int) -> str:
        """``n`` as the counters show it (``1.2K``, ``1,2 k``), formatted once per language."""
        key = (self.scene.app.settings.lang, n)
        words = self._counts.get(key)
        if words is None:
            if len(self._counts) > 20_000:
                self._counts.clear()
            words = self._counts[key] = self.scene.tr.compact(n)
        return words

    # --- content ---------------------------------------------------------------------

    def rebuild(self, posts: list[Post]) -> None:
        """All posts again (a new filter, a new width)."""
        self.posts, self.index, self.heights, self.bottoms, self.total = [], {}, [], [], 0
        self.cards.clear()
        self._card_pixels = 0
        self._spare.clear()
        self.incoming, self._batch = [], 0
        self._strips.clear()
        self._strip_buttons.clear()
        self._two_lines.clear()
        for post in posts:
            if self.accept(post):
                self._insert(post, keep_view=False)
        if self.selected not in self.index:
            self.selected = None
        self.scroll = min(self.scroll, self.max_scroll)

    def add(self, post: Post) -> bool:
        """A new post for this column (it shows once its card is drawn); False if it does not belong here."""
        if not self.accept(post):
            return False
        self.incoming.append(post)
        return True

    def _insert(self, post: Post, keep_view: bool = True) -> None:
        height = self.measure(post)
        self.index[post.id] = len(self.posts)
        self.posts.append(post)
        self.heights.append(height)
        self.bottoms.append(self.total)
        self.total += height
        if keep_view and self.scroll > 0:
            # What the reader is looking at stays where it is, below the "new posts" strip.
            strip = self.badge_height()
            self.unseen_above += 1
            self.scroll += height + self.badge_height() - strip

    def set_rect(self, rect: pygame.Rect) -> None:
        width_changed = rect.w != self.rect.w
        self.rect = rect
        if width_changed:
            self.rebuild(self.posts + self.incoming)

    @property
    def max_scroll(self) -> int:
        return max(0, self.total - self.rect.h + self.badge_height())

    def badge_height(self) -> int:
        """The strip "▲ N new posts above" takes at the top of the column (cards start below it,
        so it never covers a name or a handle)."""
        if not self.unseen_above:
            return 0
        return self.scene.theme.line("small") + self.scene.theme.px(12)

    def badge_rect(self) -> pygame.Rect | None:
        """Where the strip is on screen, when it shows."""
        h = self.badge_height()
        return pygame.Rect(self.rect.x, self.rect.y, self.rect.w, h) if h else None

    def to_newest(self) -> None:
        """Back to the top of the column, the newest post there (a click on the strip)."""
        self.scroll = 0
        self.unseen_above = 0

    def focus_in(self) -> None:
        """The keyboard comes to this column (Tab): keep the selection only if it is in view,
        else select the newest post shown, never one left far down minutes ago."""
        shown = [post.id for post, _ in self.visible]
        if self.selected in shown:
            return
        self.selected = shown[0] if shown else (self.posts[-1].id if self.posts else None)

    def scroll_by(self, pixels: int) -> None:
        self.scroll = max(0, min(self.max_scroll, self.scroll + pixels))
        if self.scroll == 0:
            self.unseen_above = 0

    def top_of(self, post_id: str) -> int:
        """Where a card starts, in pixels from the top of the column's content."""
        i = self.index[post_id]
        return self.total - self.bottoms[i] - self.heights[i]

    def show(self, post_id: str) -> None:
        """Scroll just enough for the card to be in view."""
        if post_id not in self.index:
            return
        top = self.top_of(post_id)
        height = self.heights[self.index[post_id]]
        if top < self.scroll:
            self.scroll = top
        elif top + height > self.scroll + self.rect.h:
            self.scroll = min(top, top + height - self.rect.h)
        self.scroll_by(0)

    def select_step(self, step: int) -> None:
        """Select the next older (step > 0) or newer (step < 0) post."""
        if not self.posts:
            return
        if self.selected is None or self.selected not in self.index:
            first = self.visible[0][0].id if self.visible else self.posts[-1].id
            self.selected = first
        else:
            i = self.index[self.selected] - step  # the list is oldest first, the column newest first
            self.selected = self.posts[max(0, min(len(self.posts) - 1, i))].id
        self.show(self.selected)

    # --- cards -----------------------------------------------------------------------

    def _pad(self) -> int:
        return self.scene.theme.px(10)

    def text_width(self) -> int:
        return max(40, self.rect.w - 2 * self._pad())

    def _extra_line(self, post: Post) -> str | None:
        session = self.scene.session
        if post.subject:
            return self.scene._("Subject: {subject}", subject=post.subject)
        if post.reply_to and post.reply_to in session.posts:
            return "↩ " + self.scene._("replying to {name}", name=session.posts[post.reply_to].name)
        return None

    def _header_texts(self, post: Post) -> tuple[str, str, str]:
        """A card's channel tag, author's name and shortest detail (the handle, or a sender's role)."""
        scene = self.scene
        chip = f"{scene.channel_icon(post.channel)} {scene.session.channels[post.channel].name}"
        if post.author == ORGANISATION:
            you = scene._("You")  # a call the catalogue's extractor finds (not inside an f-string)
            return chip, f"★ {you} · {post.name}", ""
        if self.inbox:
            persona = scene.session.personas.get(post.author)
            return chip, post.name, persona.role if persona and persona.role else post.handle
        return chip, post.name, post.handle

    def two_lines(self, post: Post) -> bool:
        """Whether the card's header takes two lines, the channel tag and time above the name and
        handle: when the three do not fit whole on one (issue 17: "Page F…", "@hugolem…" in
        projector type). Decided once per post and width (``rebuild`` forgets it)."""
        two = self._two_lines.get(post.id)
        if two is None:
            t = self.scene.theme
            small, bold = t.font("small"), t.font("bold")
            chip, name, detail = self._header_texts(post)
            room = self.rect.w - 2 * self._pad() - small.size(self.stamp(post))[0] - t.px(8)
            need = small.size(chip)[0] + t.px(10) + bold.size(name)[0]
            if detail:
                need += t.px(8) + small.size(detail)[0]
            two = self._two_lines[post.id] = need > room
        return two

    def _header_height(self, post: Post) -> int:
        t = self.scene.theme
        one = t.line("bold") + t.px(2)
        return t.line("small") + t.px(2) + one if self.two_lines(post) else one

    def measure(self, post: Post) -> int:
        t, p = self.scene.theme, self.scene.painter
        pad = self._pad()
        height = pad + self._header_height(post)
        if self._extra_line(post):
            height += t.line("small")
        height += p.wrapped_height(post.text, self.text_width(), "body")
        height += t.px(6) + self._button_height() + pad
        return height + t.px(8)  # the gap between cards

    def _button_height(self) -> int:
        return self.scene.theme.line("small") + self.scene.theme.px(8)

    def card(self, post: Post, height: int, new_allowed: bool = True) -> Card | None:
        """The post's card (``height`` with the gap under it), drawn again if what it shows
        changed; a new one only if ``new_allowed``."""
        triage = self.scene.session.state.triage.get(post.id)
        # A trending post makes room for its mark beside the name (drawn again when it starts or
        # stops trending, a few times a round), so other posts keep their names whole.
        key = (self.rect.w, height, triage, self.scene.app.settings.lang, self.answerable(post),
               post.id in self.scene.trending)
        card = self.cards.get(post.id)
        if card is None and not new_allowed:
            return None
        if card is None or card.key != key:
            if card is not None:
                self._card_pixels -= card.sheet.size[0] * card.sheet.size[1]
                self._keep_spare(card)
            card = self._draw_card(post, key, triage, height)
            self.cards[post.id] = card
            self._card_pixels += card.sheet.size[0] * card.sheet.size[1]
        self.cards.move_to_end(post.id)
        return card

    def answerable(self, post: Post) -> bool:
        """Whether the round offers ``post`` a reply now (its card shows "A Answer" only then; a post
        offered none takes no written reply either, game/play/round.py). Asked once per kind of
        post (its inject, a channel of the inbox or not) each simulated moment, not per card."""
        session = self.scene.session
        if self._answers_t != session.t:
            self._answers.clear()
            self._answers_t = session.t
        kind = (post.inject, session.channels[post.channel].is_inbox)
        answer = self._answers.get(kind)
        if answer is None:
            answer = self._answers[kind] = bool(self.scene.round.replies_for(post))
        return answer

    def _forget_cards(self) -> None:
        """Drop the least recently shown cards beyond ``CARD_CACHE_VIEWS`` columns of pixels."""
        limit = CARD_CACHE_VIEWS * self.rect.w * self.rect.h
        while self._card_pixels > limit and len(self.cards) > 1:
            _, card = self.cards.popitem(last=False)
            self._card_pixels -= card.sheet.size[0] * card.sheet.size[1]
            self._keep_spare(card)

    def _keep_spare(self, card: Card) -> None:
        """Keep a dropped card's surface for a new card of its size: a few per size, at most
        ``SPARE_VIEWS`` columns' worth of pixels in all."""
        w, h = card.sheet.size
        spare = self._spare.setdefault((w, h), [])
        held = sum(sw * sh * len(kept) for (sw, sh), kept in self._spare.items())
        if len(spare) < SPARE_PER_SIZE and held + w * h <= SPARE_VIEWS * self.rect.w * self.rect.h:
            spare.append(card.sheet.surface)

    def _draw_card(self, post: Post, key: tuple[object, ...], triage: tuple[str, int] | None, height: int) -> Card:
        scene = self.scene
        t, p = scene.theme, scene.painter
        pad = self._pad()
        height -= t.px(8)
        own = post.author == ORGANISATION
        fill = th.CARD_OWN if own else (th.CARD_DONE if triage and triage[0] == "dismiss" else th.CARD)
        spare = self._spare.get((self.rect.w, height))
        sheet = Sheet((self.rect.w, height), fill, reuse=spare.pop() if spare else None)
        surface = sheet.surface
        colour = scene.channel_colour(post.channel)
        pygame.draw.rect(surface, colour, (0, 0, t.px(4), height))
        x, y = pad, pad
        right = self.rect.w - pad
        # Who, where, when: on one line, or the channel and time above the name (two_lines).
        two = self.two_lines(post)
        top_mid = y + (t.line("small") if two else t.line("bold")) // 2
        stamp = p.text(sheet, self.stamp(post), (right, top_mid), "small", th.MUTED, anchor="midright")
        badge_w = t.font("small").size("▲ " + scene._("Trending"))[0] + t.px(20) if key[-1] else 0
        chip_text, name, handle = self._header_texts(post)
        details = [handle] if handle else []
        if not own and not self.inbox:
            followers = scene.tr.ngettext("{count} follower", "{count} followers", post.followers,
                                          count=self.compact(post.followers))
            details.insert(0, f"{post.handle} · {followers}")
        if two:
            p.text(sheet, chip_text, (x, top_mid), "small", colour, anchor="midleft",
                   width=stamp.x - x - t.px(8) - badge_w)
            y += t.line("small") + t.px(2)
            chip_w, name_w, detail = self._header_widths("", name, details, right - x)
        else:
            chip_w, name_w, detail = self._header_widths(chip_text, name, details, stamp.x - x - t.px(8) - badge_w)
            chip = p.text(sheet, chip_text, (x, top_mid), "small", colour, anchor="midleft", width=chip_w)
            x = chip.right + t.px(10)
        mid = y + t.line("bold") // 2
        who = p.text(sheet, name, (x, y), "bold", th.SKY if own else th.TEXT, width=name_w)
        end = right if two else stamp.x - t.px(8) - badge_w
        left = end - who.right - t.px(8)
        if not detail and details and left >= t.px(60):
            detail = details[-1]  # no room for all of it: as much as fits, with an ellipsis
        if detail:
            p.text(sheet, detail, (who.right + t.px(8), mid), "small", th.MUTED, anchor="midleft", width=left)
        y += t.line("bold") + t.px(2)
        extra = self._extra_line(post)
        if extra:
            p.text(sheet, extra, (pad, y), "small", th.MUTED if not post.subject else th.TEXT,
                   width=right - pad)
            y += t.line("small")
        y += p.paragraph(sheet, post.text, (pad, y), self.text_width(), "body", th.TEXT)
        y += t.px(6)
        bh = self._button_height()
        buttons: list[Button] = []
        if not own:
            done = triage[0] if triage else None
            answer = bool(key[-2]) or done == "answer"
            strip = self._strip(done, fill, answer)
            x0 = right - strip.size[0]
            sheet.surface.blit(strip.surface, (x0, y))
            sheet.texts.extend((text, rect.move(x0, y)) for text, rect in strip.texts)
            buttons = [Button(b.action, b.label, b.key, b.rect.move(x0, y), b.colour, active=b.active)
                       for b in self._strip_buttons[(done, fill, answer)]]
        return Card(sheet, key, buttons, (pad, y + bh // 2), (stamp.x - t.px(10), top_mid))

    def _header_widths(self, chip: str, name: str, details: list[str], room: int) -> tuple[int, int, str]:
        """How a card's first line shares ``room``: the channel's width, the name's, and the detail shown.

        Everything whole when it fits (issue 17: "Nestlé Fa…", "@Greenpeac…" were cut with room
        to spare). When it does not, the detail gets shorter first (the handle without the
        followers), then the channel's name is cut with an ellipsis, down to its icon, then the
        handle goes; the author's name is cut last.
        """
        t = self.scene.theme
        small, bold = t.font("small"), t.font("bold")
        chip_w, name_w = small.size(chip)[0], bold.size(name)[0]
        gap, detail_gap = (t.px(10) if chip else 0), t.px(8)  # no chip: the name starts the line
        def need(detail: str) -> int:
            return name_w + gap + (detail_gap + small.size(detail)[0] if detail else 0)

        for detail in details or [""]:  # the longest detail first, then shorter
            if chip_w + need(detail) <= room:
                return chip_w, name_w, detail
        if not chip:  # a line of its own: the name whole if it can be
            return 0, min(name_w, room), ""
        # Only a trending card's mark leaves too little room (a header that does not fit whole
        # takes two lines, two_lines): the channel's name is cut first, down to its icon (its
        # colour is the card's edge), so that the handle stays whole.
        min_chip = t.px(70)
        icon_w = small.size(chip.split(" ", 1)[0] + " …")[0]
        for detail in [*details[-1:], ""]:
            if room - need(detail) >= icon_w:
                return room - need(detail), name_w, detail
        chip_w = max(icon_w, min(min_chip, room - need("")))
        return chip_w, max(t.px(20), room - chip_w - gap), ""

    def _strip(self, done: str | None, fill: tuple[int, int, int], answer: bool = True) -> Sheet:
        """The row of triage buttons, drawn once per state and shared by every card; "Answer"
        only on a card the round offers a reply (``answer``)."""
        key = (done, fill, answer)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        scene = self.scene
        t, p = scene.theme, scene.painter
        bh = self._button_height()
        gap = t.px(6)
        specs: list[tuple[str, str, str, int]] = []
        for short in (False, True):
            # In a narrow column (projector type, longer French verbs) the buttons keep their key
            # and icon only, so the engagement counters beside them still show.
            specs = []
            for action, icon, keyname in TRIAGE:
                if action == "answer" and not answer:
                    continue
                label = icon if short else f"{icon} {scene._(TRIAGE_WORDS[action])}"
                if done == action:
                    label = f"✓ {scene._(TRIAGE_DONE[action])}"
                specs.append((action, label, keyname, button_width(p, label, keyname)))
            if sum(w for *_, w in specs) + 2 * gap <= self.text_width() * 0.6:
                break
        strip = Sheet((sum(w for *_, w in specs) + gap * (len(specs) - 1), bh), fill)
        buttons = []
        x = 0
        for action, label, keyname, w in specs:
            button = Button(action, label, keyname, pygame.Rect(x, 0, w, bh), TRIAGE_COLOURS[action],
                            active=done == action)
            draw_button(p, strip, button)
            buttons.append(button)
            x += w + gap
        self._strips[key] = strip
        self._strip_buttons[key] = buttons
        return strip

    # --- per frame -------------------------------------------------------------------

    def update(self, dt: float = 0.0, hold: bool = False) -> int:
        """Find the cards in view and draw the missing ones (draw() only blits them).

        Args:
            dt: Real seconds since the last update (for the counters, ``COUNTER_SECONDS``).
            hold: Another part of the screen is drawn again this frame: no new card, no new post
                joins the column, the counters wait.

        Returns:
            How many new cards were drawn (the screen defers other redraws on busy frames).
        """
        budget = 0 if hold else NEW_CARD_PIXELS_PER_FRAME
        drawn, budget = self._take_incoming(budget, hold)
        self.scroll = min(self.scroll, self.max_scroll)
        if self.scroll == 0:
            self.unseen_above = 0
        self.visible = []
        if not self.posts:
            return drawn
        gap = self.badge_height()
        low = self.total - self.scroll - (self.rect.h - gap)
        high = self.total - self.scroll
        first = max(0, bisect_right(self.bottoms, low) - 1)
        last = bisect_left(self.bottoms, high) - 1
        for i in range(last, first - 1, -1):
            post = self.posts[i]
            y = self.rect.y + gap + (self.total - self.bottoms[i] - self.heights[i]) - self.scroll
            new = post.id not in self.cards
            if self.card(post, self.heights[i], new_allowed=budget > 0) is not None and new:
                budget -= self.rect.w * self.heights[i]
                drawn += 1
            self.visible.append((post, y))
        self._forget_cards()
        self._count(dt, hold or drawn > 0)
        return drawn

    def _count(self, dt: float, busy: bool) -> None:
        """Read the engagement of the posts in view when they change, else every
        ``COUNTER_SECONDS`` on a frame that is not ``busy`` (new counters are the whole column
        drawn again)."""
        if self.inbox:
            return  # likes on a phone call would mean nothing
        self._counted += dt
        same = len(self.counters) == len(self.visible) and all(post.id in self.counters for post, _ in self.visible)
        if same and (busy or self._counted < COUNTER_SECONDS):
            return
        self._counted = 0.0
        engagement = self.scene.session.engagement
        self.counters = {post.id: engagement(post) for post, _ in self.visible}

    def _take_incoming(self, budget: int, hold: bool) -> tuple[int, int]:
        """Draw the cards the waiting posts bring into view, within ``budget`` pixels; once all are
        drawn, the posts join the column in a later frame (the column is drawn again then, not
        in a frame that drew cards). Returns the cards drawn and the budget left."""
        if not self.incoming or hold:
            return 0, budget
        if self.scroll > 0:  # the reader is further down: new posts go above the view, unseen yet
            for post in self.incoming:
                self._insert(post)
            self.incoming, self._batch = [], 0
            return 0, budget
        # The posts waiting now join together, whatever arrives while their cards are drawn
        # (else, at twenty posts a frame, the newest would always be new and never ready).
        self._batch = self._batch or len(self.incoming)
        batch = self.incoming[: self._batch]
        room, drawn = self.rect.h, 0
        for post in reversed(batch):  # the newest, at the top once they join
            if room <= 0:
                break
            height = self.measure(post)
            room -= height
            if post.id not in self.cards:
                if budget <= 0:
                    break
                self.card(post, height)
                budget -= self.rect.w * height
                drawn += 1
        if not drawn:
            for post in batch:
                self._insert(post)
            del self.incoming[: self._batch]
            self._batch = 0
        return drawn, budget

    def pane(self) -> pygame.Rect:
        """The part of the window the column draws: its cards, the focus frame and the scroll bar."""
        t = self.scene.theme
        return pygame.Rect(self.rect.x - t.px(4), self.rect.y - t.px(4), self.rect.w + t.px(12), self.rect.h + t.px(8))

    def _key(self, trending: set[str]) -> tuple[object, ...]:
        """Everything the column's pixels depend on."""
        scene = self.scene
        shown = tuple((post.id, y, id(self.cards.get(post.id)), post.id in trending, self.counters.get(post.id))
                      for post, y in self.visible)
        empty = bool(self.empty) and not self.posts and not self.incoming  # the column says it has no post
        return (tuple(self.rect), self.scroll, self.total, empty, self.selected, scene.focus is self,
                self.unseen_above,
                shown, scene.app.settings.lang, id(scene.theme))

    def changed(self, trending: set[str]) -> bool:
        """Whether the column will be drawn again this frame (after ``update``; a costly frame at 4K)."""
        return self._key(trending) != self.kept.key

    def unchanged(self, clean: bool, trending: set[str]) -> bool:
        """Whether this frame may leave the column as the window shows it (see ``KeptPart``)."""
        return self.kept.unchanged(clean, self._key(trending))

    def draw(self, surface: pygame.Surface, trending: set[str]) -> None:
        self.kept.draw(self.scene.painter, lambda: self._draw(surface, trending))

    def _clear(self, surface: pygame.Surface) -> None:
        """Fill the pane with the background where no card goes (the screen does not fill it
        first: at 4K, filling the whole column and then covering it with cards is 1-3 ms)."""
        pane, r = self.pane(), self.rect
        for piece in ((pane.x, pane.y, pane.w, r.y - pane.y), (pane.x, r.bottom, pane.w, pane.bottom - r.bottom),
                      (pane.x, r.y, r.x - pane.x, r.h), (r.right, r.y, pane.right - r.right, r.h)):
            surface.fill(th.BG, piece)
        y = r.y
        for post, top in self.visible:  # top to bottom
            if top > y:
                surface.fill(th.BG, (r.x, y, r.w, min(top, r.bottom) - y))
            y = max(y, top + self.heights[self.index[post.id]] - self.scene.theme.px(8))
        if y < r.bottom:
            surface.fill(th.BG, (r.x, y, r.w, r.bottom - y))

    def _draw(self, surface: pygame.Surface, trending: set[str]) -> None:
        scene = self.scene
        t, p, session = scene.theme, scene.painter, scene.session
        gap = self.badge_height()
        self._clear(surface)
        if self.empty and not self.posts and not self.incoming:
            p.text(surface, scene._(self.empty), (self.rect.x + t.px(10), self.rect.y + t.px(10)), "body", th.MUTED,
                   width=self.rect.w - t.px(20))
        surface.set_clip(pygame.Rect(self.rect.x, self.rect.y + gap, self.rect.w, self.rect.h - gap))
        for post, y in self.visible:
            card = self.cards.get(post.id)
            if card is None:  # drawn in a frame or two
                i = self.index[post.id]
                pygame.draw.rect(surface, th.CARD, (self.rect.x, y, self.rect.w, self.heights[i] - t.px(8)))
                continue
            p.sheet(surface, card.sheet, (self.rect.x, y))
            cx, cy = card.counters
            if not self.inbox:  # likes on a phone call would mean nothing
                likes, shares, replies = self.counters.get(post.id) or session.engagement(post)
                count = self.compact
                room = (card.buttons[0].rect.x if card.buttons else self.rect.w) - cx - t.px(6)
                line = f"♥ {count(likes)}   ⇄ {count(shares)}   ↻ {count(replies)}"
                if t.font("small").size(line)[0] > room:  # long button words (French): the counters close up
                    line = f"♥{count(likes)} ⇄{count(shares)} ↻{count(replies)}"
                p.text(surface, line, (self.rect.x + cx, y + cy), "small", th.MUTED, anchor="midleft", width=room)
            if post.id in trending:
                bx, by = card.badge
                label = "▲ " + scene._("Trending")
                box = pygame.Rect((0, 0), t.font("small").size(label)).inflate(t.px(10), t.px(2))
                box.midright = (self.rect.x + bx, y + by)
                pygame.draw.rect(surface, th.ORANGE, box, border_radius=t.px(3))
                p.text(surface, label, box.center, "small", th.BG, anchor="center")
                pygame.draw.rect(surface, th.ORANGE, (self.rect.x, y, t.px(4), card.sheet.size[1]))
            if post.id == self.selected:
                pygame.draw.rect(surface, th.FOCUS if scene.focus is self else th.MUTED,
                                 (self.rect.x, y, self.rect.w, card.sheet.size[1]), width=max(2, t.px(2)),
                                 border_radius=t.px(4))
        strip = self.badge_rect()
        if strip is not None:
            surface.set_clip(self.rect)
            pygame.draw.rect(surface, th.BG, strip)
            label = "▲ " + scene.tr.ngettext("{n} new post above", "{n} new posts above", self.unseen_above)
            r = pygame.Rect((0, 0), t.font("small").size(label))
            r.center = strip.center
            pygame.draw.rect(surface, th.YELLOW, r.inflate(t.px(16), t.px(6)), border_radius=t.px(8))
            p.text(surface, label, strip.center, "small", th.BG, anchor="center")
        surface.set_clip(None)
        if scene.focus is self:  # the column the keys act on, plainly marked
            pygame.draw.rect(surface, th.FOCUS, self.rect.inflate(t.px(6), t.px(6)), width=max(2, t.px(2)),
                             border_radius=t.px(4))
        if self.max_scroll > 0:
            bar_h = max(t.px(20), self.rect.h * self.rect.h // max(1, self.total))
            y = self.rect.y + (self.rect.h - bar_h) * self.scroll // max(1, self.max_scroll)
            pygame.draw.rect(surface, th.LINE, (self.rect.right + t.px(2), y, t.px(4), bar_h), border_radius=t.px(2))

    # --- mouse -----------------------------------------------------------------------

    def at(self, pos: tuple[int, int]) -> tuple[Post, str | None] | None:
        """The post under ``pos`` and the triage button there, if any."""
        if not self.rect.collidepoint(pos) or (self.badge_rect() or pygame.Rect(0, 0, 0, 0)).collidepoint(pos):
            return None
        for post, y in self.visible:
            card = self.cards.get(post.id)
            if card is None:
                continue
            local = (pos[0] - self.rect.x, pos[1] - y)
            if 0 <= local[1] < card.sheet.size[1]:
                for button in card.buttons:
                    if button.rect.collidepoint(local):
                        return post, button.action
                return post, None
        return None

    def button_centre(self, post_id: str, action: str) -> tuple[int, int] | None:
        """Where on screen a card's triage button is (for tests and the tour)."""
        for post, y in self.visible:
            if post.id == post_id and post.id in self.cards:
                for button in self.cards[post.id].buttons:
                    if button.action == action:
                        return self.rect.x + button.rect.centerx, y + button.rect.centery
        return None
