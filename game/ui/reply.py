"""A written reply to a post, typed in the window (the case's ``responses: write`` or ``both``).

The feed's answer action (A, or the ↩ button) offers "Write your own reply" beside the prepared
replies; this overlay shows the post being answered, the field with the channel's character
counter (a microblog's limit is hard: the field takes no more) and publishes the text through
the round (:meth:`game.play.round.Round.reply`), under the post, as the organisation's. The
round keeps running under it, as it would while a community manager types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.engine.session import EngineError
from game.engine.state import Post
from game.play.alerts import Alert
from game.ui import theme as th
from game.ui.notes import FieldScene, _box
from game.ui.widgets import TextField, key_name

if TYPE_CHECKING:
    from game.ui.app import App

SOFT_LIMIT = 5000  # a channel without a limit still takes no novel
REPLY_LINES = 6  # lines of the reply shown while it is typed (the last ones)


class ReplyScene(FieldScene):
    """The written reply to one post, over the live screen.

    Args:
        app: The window.
        live: The live screen (its round, its feed and its notes).
        post: The post answered.
    """

    name = "reply"

    def __init__(self, app: App, live: Any, post: Post) -> None:
        channel = live.session.channels[post.channel]
        super().__init__(app, TextField("", channel.limit or SOFT_LIMIT))
        self.live = live
        self.post = post
        self.channel = channel
        self.error = ""

    def submit(self) -> None:
        """Publish the reply (an empty one is not sent); a refusal is said in the box."""
        text = self.field.text.strip()
        if not text:
            self.error = self._("Type your reply first.")
            return
        live = self.live
        if live.ended:
            self.app.pop()
            return
        try:
            update = live.round.reply(self.post.id, text)
        except EngineError as exc:
            self.error = exc.say(self.tr)  # in the window's language, not the engine's English
            return
        self.app.pop()
        live.take([i for i in update.items if not isinstance(i, Alert)])
        live.note("✔", self._("Replied to {name}: {text}", name=self.post.name, text=text), th.GREEN)
        self.app.sound.play("tick")

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        inner = min(surface.get_width() - t.px(60), t.px(900)) - t.px(40)
        quoted = self._("{heading}: {text}", heading=f"{self.post.name} {self.post.handle}", text=self.post.text)
        post_h = p.wrapped_height(quoted, inner, "body", max_lines=4)
        lines = p.cache.wrap(t, self.field.text + "▏", "body", inner - t.px(12))[-REPLY_LINES:]
        field_h = max(1, len(lines)) * t.line("body") + t.px(12)
        height = (t.px(16) + t.line("title") + t.px(8) + post_h + t.px(10) + t.line("small") + t.px(4) + field_h
                  + t.px(10) + t.line("small") + t.px(20) + (t.line("small") + t.px(4) if self.error else 0))
        box = _box(self, surface, height, th.SKY)
        x, y = box.x + t.px(20), box.y + t.px(16)
        p.text(surface, "↩ " + self._("Reply to {name}", name=self.post.name), (x, y), "title", th.TEXT, width=inner)
        y += t.line("title") + t.px(8)
        y += p.paragraph(surface, quoted, (x, y), inner, "body", th.MUTED, max_lines=4) + t.px(10)
        limit, count = self.channel.limit, len(self.field.text)
        heading = self._("Your reply, published under the post on {channel}", channel=self.channel.name)
        counter = (f"{self.tr.number(count)} / {self.tr.number(limit)}" if limit else
                   self.tr.ngettext("{n} character", "{n} characters", count))
        full, near = limit is not None and count >= limit, limit is not None and count >= limit * 0.9
        p.text(surface, heading, (x, y), "small", th.SKY, width=inner - t.px(100))
        p.text(surface, counter, (x + inner, y), "small", th.VERMILLION if full else (th.ORANGE if near else th.MUTED),
               anchor="topright")
        y += t.line("small") + t.px(4)
        field = pygame.Rect(x, y, inner, field_h)
        pygame.draw.rect(surface, th.CARD, field, border_radius=t.px(4))
        pygame.draw.rect(surface, th.FOCUS, field, width=max(1, t.px(2)), border_radius=t.px(4))
        ty = y + t.px(6)
        for line in lines:
            if line:
                p.text(surface, line, (x + t.px(6), ty), "body", th.TEXT)
            ty += t.line("body")
        y = field.bottom + t.px(10)
        if self.error:
            p.text(surface, self.error, (x, y), "small", th.VERMILLION, width=inner)
            y += t.line("small") + t.px(4)
        hint = self._("{enter} publishes · {esc} back to the feed · the round goes on",
                      enter=key_name(self.tr, "Enter"), esc=key_name(self.tr, "Esc"))
        p.text(surface, hint, (x, y), "small", th.MUTED, width=inner)
