"""Live play: the feed, the inbox, the decision panel, the dashboard and the facilitator's keys.

Time: each frame the screen passes ``real_dt * speed`` simulated seconds to
``session.advance``; the engine runs whole ticks and keeps the rest. Pausing stops passing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pygame

from game.engine.bots import BOTS
from game.engine.model import Case, Decision, Responses
from game.engine.scoring import timeout_label
from game.engine.session import (
    ORGANISATION,
    DecisionClosed,
    DecisionOpened,
    Ended,
    EngineError,
    TICK,
    Event,
    Session,
)
from game.engine.state import Post, TriageAction
from game.i18n import N_
from game.play.moments import Form, moment
from game.play.alerts import (
    Alert,
    DeadlineNear,
    Item,
    SavingFailed,
    Trending,
    for_players,
    inbox_heading,
)
from game.play.pace import default_speed, step_speed
from game.play.round import Round
from game.ui import theme as th
from game.ui.briefing import KIND_ICONS, channel_colour
from game.ui.dashboard import NOTE_FRESH, Dashboard, Note, draw_notes, metric_name
from game.ui.decision import NUMBER_KEYS, SOFT_LIMIT, DecisionPanel, answer_channel, takes_writing
from game.ui.feed import FeedView
from game.ui.rounds import record_round, remember_speed
from game.ui.scene import KeptPart, Scene, fill_except
from game.ui.settings import round_seed
from game.ui.widgets import Button, TextField, button_width, draw_button, key_name

if TYPE_CHECKING:
    from game.results.recording import Recording
    from game.ui.app import App

MAX_NOTES = 30
NOTE_LENGTH = 90

# More than the fastest speed brings per frame (10 posts a simulated second at 1 s = 120 s is
# 20 a frame at 60 FPS), so the columns never fall behind for long.
POSTS_PER_FRAME = 40
# The round's log lines are stored a few hundred at a time, on a frame that drew no new card:
# the store's own batch (2,000 lines, game/results/recording.py) is 15-45 ms of SQLite in one
# frame, and at 1 s = 120 s it comes every second or two.
STORE_LINES = 200
SAVING_NOTES = {"log": N_("Session log not written: {why}"), "store": N_("Results not saved: {why}")}

# The arrows at the ends of a row of channel chips that scrolls, and which way each goes.
CHIP_ARROWS = {"chips:back": -1, "chips:on": 1}
# The room between two channel chips side by side and between their rows, in theme pixels: a chip's
# coloured frame reads as its own button, not as one strip with its neighbour's.
CHIP_GAP, CHIP_ROW_GAP = 10, 8
TRIAGE_KEYS: dict[int, TriageAction] = {pygame.K_f: "flag", pygame.K_x: "dismiss", pygame.K_a: "answer"}
NUMBER_KEYS.update({getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)})


WRITE_REPLY = "\x00write"  # the reply picker's "Write your own reply" (no reply id can be this)


@dataclass
class Picker:
    """A small modal list inside the live screen: replies to a post, injects to fire, or a yes/no."""

    kind: str  # "reply", "inject" or "end"
    title: str
    items: list[tuple[str, str, str]]  # (id, label, detail)
    post: Post | None = None
    revealed: bool = False  # the inject list: what each one says, shown only when the facilitator asks (Tab)


class LiveScene(Scene):
    """The game itself.

    Args:
        app: The window.
        case: The case being played.
        path: Its file (to replay it).
        seed: The run's seed (the same seed gives the same run for the same inputs).
    """

    name = "live"

    def __init__(self, app: App, case: Case, path: Path, seed: int | None = None,
                 session: Session | None = None, recording: Recording | None = None) -> None:
        super().__init__(app)
        self.case = case
        self.path = path
        # Each round is kept in the results store as it is played (game/ui/rounds.py), and in
        # `crisis-sim play CASE --log FILE` when asked (each new round in the window starts the
        # file again); a resumed round comes with its rebuilt session and its recording.
        if session is None:
            # round_seed: the seed asked for, else the workshop's, else a new one (never None).
            session, recording = record_round(app, case, path, round_seed(app.settings) if seed is None else seed)
        self.session = session
        self.recording = recording
        self.observer_notes: list[tuple[int, str]] = []  # the facilitator's notes (N): (simulated time, text)
        # The clock, the reading rule (game/play/pace.py), one-minute-left, trending and saving alerts.
        self.round = Round(session, speed=app.settings.speed)
        if recording is not None:
            self.round.watch_saving("log", lambda: recording.stream.also_problem)
            self.round.watch_saving("store", lambda: recording.store.problem)
        self.bot = BOTS["best"](self.session.seed) if app.settings.demo else None
        self.last_events: list[Event] = []
        self.feed_channels = [c.id for c in case.channels if not c.is_inbox]
        self.inbox_channels = {c.id for c in case.channels if c.is_inbox}
        self.filter: str | None = None
        self.chip_start = 0  # the first channel chip shown, when they scroll (_chip_rows)
        self._chip_follow = False
        self.feed = FeedView(self, self._in_feed, empty=N_("The feed is quiet for now…"))
        self.inbox = FeedView(self, lambda p: p.channel in self.inbox_channels, inbox=True)
        self.focus: FeedView = self.feed
        self.dashboard = Dashboard(self)
        self.panel = DecisionPanel(self)
        self.chosen: dict[str, int] = {}
        # Written answers (responses: write | both), one draft per decision, kept while the team
        # goes back to the options; ``writing``: the keyboard types into the shown decision's draft.
        self.drafts: dict[str, TextField] = {}
        self.writing = False
        self.shown: str | None = None
        self.picker: Picker | None = None
        self.notes: list[Note] = []
        # Saving problems already told (one known before the round was shown on the menu).
        store_problem = self.recording.store.problem if self.recording is not None else None
        if store_problem:
            self.round.told.add(store_problem)
        self.unread = 0
        self.ended = False
        self.buttons: list[Button] = []
        self.chips: list[Button] = []
        self.regions: dict[str, pygame.Rect] = {}
        self._seen = 0  # posts of session.feed already given to the columns
        self._owed = 0.0  # real seconds not yet given to the round (see _real_step)
        self._deferred = False  # the last frame brought a crowd of posts and left them for this one
        self._rebuild = True
        self._drawn: tuple[int, pygame.Surface] | None = None  # (app frame, window) of the last clean draw
        # Parts of the window left as they are while what they show stays the same (KeptPart):
        # at 4K, repainting what did not change is most of a frame.
        # The gauges and the notifications apart: each changes a few times a second, seldom together.
        self.gauges_part, self.notes_part = KeptPart(), KeptPart()
        self.top_bar, self.chip_row, self.bottom_bar = KeptPart(), KeptPart(), KeptPart()
        # The decision panel apart from the inbox under it: its countdown changes every second
        # (every frame at the fastest speed), the inbox seldom.
        self.panel_part, self.inbox_part = KeptPart(), KeptPart()
        self._top_cache: tuple[tuple[object, ...], tuple[str, str, bool, bool, str]] | None = None  # see _top_words

    # --- helpers the parts use --------------------------------------------------------

    def _in_feed(self, post: Post) -> bool:
        return post.channel not in self.inbox_channels and (self.filter is None or post.channel == self.filter)

    def channel_colour(self, channel_id: str) -> tuple[int, int, int]:
        return channel_colour(self.case, channel_id)

    def channel_icon(self, channel_id: str) -> str:
        channel = self.session.channels.get(channel_id)
        return KIND_ICONS.get(channel.kind, "•") if channel else "•"

    def metric_name(self, name: str) -> str:
        return metric_name(self.tr, name, self.case.metric_names)

    def shown_decision(self) -> Decision | None:
        open_now = self.session.open_decisions
        if not open_now:
            return None
        return next((d for d in open_now if d.id == self.shown), open_now[0])

    @property
    def speed(self) -> float:
        """The speed chosen: the menu's or the +/- keys' (the app's setting), else the case's own pace."""
        return self.app.settings.speed or default_speed(self.case)

    @property
    def running_speed(self) -> float:
        """The speed the clock runs at now: the chosen one, slowed while a decision needs its reading time."""
        return self.round.effective_speed

    @property
    def paused(self) -> bool:
        return self.round.paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self.round.clock.paused = value

    @property
    def trending(self) -> set[str]:
        return self.round.trending

    def real_time_left(self, decision_id: str) -> float:
        """Real seconds a person has left on an open decision, at the speed the clock runs now."""
        return self.round.real_time_left(decision_id)

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        t = self.theme
        w, h = size
        pad = t.px(12)
        top = t.line("head") + t.px(20)
        bottom = t.line("small") + t.px(12)
        # Projector type makes the decision's options wrap: its column gets more of the width.
        feed_w = int(w * (0.38 if self.app.settings.projector else 0.44))
        mid_w = int(w * (0.36 if self.app.settings.projector else 0.30))
        right_w = w - feed_w - mid_w - 4 * pad
        feed_x, mid_x = pad, pad + feed_w + pad
        right_x = mid_x + mid_w + pad
        rows = len(self._chip_rows(feed_w))
        chips_h = rows * (t.line("small") + t.px(12)) + (rows - 1) * t.px(CHIP_ROW_GAP)
        self.regions = {
            "top": pygame.Rect(0, 0, w, top),
            "chips": pygame.Rect(feed_x, top + t.px(8), feed_w, chips_h),
            "feed": pygame.Rect(feed_x, top + t.px(8) + chips_h + t.px(8), feed_w,
                                h - bottom - top - chips_h - t.px(24)),
            "middle": pygame.Rect(mid_x, top + t.px(8), mid_w, h - bottom - top - t.px(16)),
            "right": pygame.Rect(right_x, top + t.px(8), right_w, h - bottom - top - t.px(16)),
            "bottom": pygame.Rect(0, h - bottom, w, bottom),
        }
        self.feed.rect = self.regions["feed"]
        self.feed.rebuild(self.session.feed[: self._seen])
        self._rebuild = True
        self.dashboard.set_rect(pygame.Rect(right_x, top + t.px(8), right_w, 1))
        self._layout_middle()
        self._layout_buttons()

    def _layout_middle(self) -> None:
        t = self.theme
        middle = self.regions["middle"]
        header = t.line("head") + t.px(6)
        wanted = self.panel.wanted_height(middle.w)
        # An open decision leaves the inbox a quarter of the column: a message that arrives while
        # the team decides must still be readable and answerable.
        min_inbox = header + max(t.px(90), middle.h // 4)
        panel_h = max(t.px(40), min(wanted, middle.h - min_inbox))
        self.panel.set_rect(pygame.Rect(middle.x, middle.y, middle.w, panel_h))
        inbox_top = middle.y + panel_h + t.px(10)
        self.regions["inbox_head"] = pygame.Rect(middle.x, inbox_top, middle.w, header)
        rect = pygame.Rect(middle.x, inbox_top + header, middle.w, middle.bottom - inbox_top - header)
        rebuild = self._rebuild or rect.w != self.inbox.rect.w
        self.inbox.rect = rect
        if rebuild:
            self._rebuild = False
            self.inbox.rebuild(self.session.feed[: self._seen])

    def _layout_buttons(self) -> None:
        t, p = self.theme, self.painter
        top = self.regions["top"]
        h = t.line("small") + t.px(10)
        y = top.centery - h // 2
        tr = self.tr
        items = [
            ("pause", ("▶ " + self._("Resume")) if self.paused else ("‖ " + self._("Pause")), key_name(tr, "Space")),
            ("slower", "−", "-"),
            ("faster", "+", "+"),
            ("sound", "♪ " + (tr.pgettext("setting", "off") if self.app.sound.muted else tr.pgettext("setting", "on")),
             "M"),
            ("help", self._("? Help"), "F1"),
        ]
        x = top.right - t.px(12)
        self.buttons = []
        for action, label, key in reversed(items):
            w = button_width(p, label, key)
            x -= w
            self.buttons.append(Button(action, label, key, pygame.Rect(x, y, w, h),
                                       th.YELLOW if action == "pause" and self.paused else th.LINE,
                                       active=action == "pause" and self.paused))
            x -= t.px(6)
        self.regions["top_buttons_x"] = pygame.Rect(x, 0, 0, 0)
        chips = self.regions["chips"]
        self.chips = []
        row_h = t.line("small") + t.px(12)
        for number, row in enumerate(self._chip_rows(chips.w)):
            x = chips.x
            y = chips.y + number * (row_h + t.px(CHIP_ROW_GAP))
            for channel, label, w in row:
                if channel in CHIP_ARROWS:  # more channels that way (a row that scrolls)
                    self.chips.append(Button(channel, label, "", pygame.Rect(x, y, w, row_h), th.MUTED))
                else:
                    colour = self.channel_colour(channel) if channel else th.TEXT
                    self.chips.append(Button(f"filter:{channel or ''}", label, "", pygame.Rect(x, y, w, row_h),
                                             colour, active=self.filter == channel))
                x += w + t.px(CHIP_GAP)

    def _chip_rows(self, width: int) -> list[list[tuple[str | None, str, int]]]:
        """The channel filter chips in rows of ``width``: ``(channel or None for all, label, width)``.

        Every channel's name whole, on one row or two (issue 17: "Nestlé Fa…"). A case with too
        many channels for two rows (or long names in projector type) gets one row that scrolls,
        names still whole: "‹" and "›" at its ends show there are more and scroll it
        (``CHIP_ARROWS``), and the chosen channel is always in view.
        """
        p, gap = self.painter, self.theme.px(CHIP_GAP)
        entries: list[tuple[str | None, str]] = [(None, self._("All"))] + [
            (c, f"{self.channel_icon(c)} {self.session.channels[c].name}") for c in self.feed_channels]
        rows: list[list[tuple[str | None, str, int]]] = [[]]
        used = 0
        for channel, label in entries:
            w = min(button_width(p, label, ""), width)
            if rows[-1] and used + gap + w > width:
                rows.append([])
                used = 0
            rows[-1].append((channel, label, w))
            used += (gap if used else 0) + w
        if len(rows) <= 2:
            return rows
        arrow = button_width(p, "‹", "")
        widths = [min(button_width(p, label, ""), width - 2 * (arrow + gap)) for _, label in entries]

        def fits(start: int) -> int:
            """How many chips from ``start`` fit beside the arrows they need."""
            room = width - (arrow + gap if start else 0)
            used, count = 0, 0
            for i in range(start, len(entries)):
                more = arrow + gap if i < len(entries) - 1 else 0  # a "›" after it unless it is the last
                if used + widths[i] + more > room:
                    break
                used += widths[i] + gap
                count += 1
            return max(1, count)

        start = max(0, min(self.chip_start, len(entries) - 1))
        chosen = next((i for i, (c, _) in enumerate(entries) if c == self.filter), 0)
        if self._chip_follow:  # the filter changed: its chip comes into view
            start = min(start, chosen)
            while start < chosen and start + fits(start) <= chosen:
                start += 1
            self._chip_follow = False
        while start and start - 1 + fits(start - 1) >= len(entries):  # no room left empty at the end
            start -= 1
        self.chip_start = start
        count = fits(start)
        row: list[tuple[str | None, str, int]] = [("chips:back", "‹", arrow)] if start else []
        row += [(c, label, w) for (c, label), w in zip(entries[start:start + count], widths[start:start + count])]
        if start + count < len(entries):
            row.append(("chips:on", "›", arrow))
        return [row]

    def scroll_chips(self, step: int) -> None:
        """"‹" or "›" (or the wheel over the chips): the row of channel chips scrolls by one."""
        self.chip_start = max(0, self.chip_start + step)
        self._layout_buttons()

    # --- the clock and the engine's events --------------------------------------------

    def update(self, dt: float) -> None:
        for note in self.notes:
            note.age += dt
        self.round.clock.speed = self.speed  # the menu's and the +/- keys' speed is the app's setting
        alerts: list[Item] = []
        posts_before = len(self.session.feed)
        if not self.ended:
            if self.bot is not None and not self.paused:
                self.bot.act(self.session, self.last_events)
            items = self.round.tick(self._real_step(dt)).items
            events = [i for i in items if not isinstance(i, Alert)]
            if not self.paused:
                self.last_events = events
            self.take(events)
            alerts = [i for i in for_players(items) if isinstance(i, Alert)]
        # A frame whose step brought a crowd of posts has paid for making them: the columns take
        # them from the next frame on (never two frames in a row without), so it stays short.
        if len(self.session.feed) - posts_before > POSTS_PER_FRAME // 2 and not self._deferred:
            self._deferred = True
        else:
            self._deferred = False
            self._sync_posts()
        for decision_id in [d for d in self.chosen if d not in self.session.state.open]:
            del self.chosen[decision_id]
        for decision_id in [d for d in self.drafts if d not in self.session.state.open]:
            del self.drafts[decision_id]
        shown = self.shown_decision()
        if self.writing and (shown is None or shown.id not in self.drafts):
            self.stop_writing()  # the decision closed (or timed out) while it was being written
        self._alerts(alerts)
        self._layout_middle()
        self._layout_buttons()
        # One costly drawing a frame: the gauges (a few times a second), else the feed's new cards.
        gauges = self.dashboard.update(busy=self._deferred, dt=dt)
        self.feed.update(dt, hold=gauges)
        self.inbox.update(dt, hold=gauges)
        if not self.ended:
            self.app.collector.keep_quiet()
            # The log lines are stored on a frame that draws neither the gauges nor the feed's
            # column again (at 4K each is a few milliseconds), unless too many are waiting.
            self._store_some(busy=gauges or self._deferred or self.feed.changed(self.trending))
        self.panel.update()
        if self.ended and self.app.top is self:
            self.finish()

    def _store_some(self, busy: bool) -> None:
        """Store the log lines waiting, when there are ``STORE_LINES`` of them and the frame is quiet."""
        recording = self.recording
        if (recording is None or recording.problem is not None
                or len(recording.stream.pending) < STORE_LINES * (2 if busy else 1)):
            return
        recording.settle()

    def _real_step(self, dt: float) -> float:
        """Real seconds to give the round this frame: the frame's, but never more than ``TICK``
        simulated seconds of the round in one frame.

        A slow frame (a stall, a loaded machine) would make the next one run a long stretch of a
        busy round, and stall in turn. So a frame stops ``TICK`` simulated seconds on and the rest
        waits for the next frame; more than that waiting is dropped: the clock slows for a moment
        rather than the screen.
        """
        if self.paused:
            self._owed = 0.0
            return dt
        to_tick = self.round.real_until_tick()
        self._owed = min(self._owed + dt, to_tick + TICK / self.round.effective_speed)
        step = min(self._owed, to_tick + 1e-6)  # a hair past the tick, so that it surely runs
        self._owed -= step
        return step

    def _sync_posts(self) -> None:
        """Give the columns every post the session holds that they have not had yet.

        At most ``POSTS_PER_FRAME`` a frame. Posts are read from ``session.feed`` rather than
        from ``PostAdded`` events because the demo bot's inputs return their events to the bot,
        not to the screen.
        """
        feed = self.session.feed
        # A tick of a busy case brings a hundred posts at once: the columns take them a few
        # dozen a frame (each needs measuring and a note), so no single frame pays for all.
        end = min(len(feed), self._seen + POSTS_PER_FRAME)
        while self._seen < end:
            post = feed[self._seen]
            self._seen += 1
            if self.feed.add(post):
                pass
            elif self.inbox.add(post):
                self.unread += 1
                channel = self.session.channels[post.channel]
                icon = KIND_ICONS.get(channel.kind, "✉")
                what = post.subject or post.text
                heading = self._(inbox_heading(channel.kind.value), name=post.name)
                self.note(icon, self._("{heading}: {text}", heading=heading, text=what), th.SKY, at=post.t)
                self.app.sound.play("message")
            if post.author == ORGANISATION:
                self.note("★", self._("Published on {channel}", channel=self.session.channels[post.channel].name), th.BLUE,
                          at=post.t)

    def take(self, events: list[Event]) -> None:
        """Turn the engine's events into notes and sounds (posts come from ``_sync_posts``)."""
        for event in events:
            if isinstance(event, DecisionOpened):
                if self.shown is None or self.shown not in self.session.state.open:
                    self.shown = event.decision.id
                self.note("⚠", self._("Decision needed: {title}", title=event.decision.title), th.ORANGE)
                self.app.sound.play("decision")
            elif isinstance(event, DecisionClosed):
                self.chosen.pop(event.decision.id, None)
                if event.option is None:
                    self.note("✘", self._("Time is up on “{title}”: {label}", title=event.decision.title,
                                          label=timeout_label(event.decision.on_timeout, self.tr.lang)), th.VERMILLION)
                    self.app.sound.play("timeout")
                if self.shown == event.decision.id:
                    self.shown = self.session.open_decisions[0].id if self.session.open_decisions else None
            elif isinstance(event, Ended):
                self.ended = True
                self.app.sound.play("done")

    def note(self, icon: str, text: str, colour: tuple[int, int, int], at: int | None = None) -> None:
        """A notification, stamped ``at`` (a post's own time: a resumed round's replayed posts keep
        theirs) or now."""
        if len(text) > NOTE_LENGTH:
            text = text[: NOTE_LENGTH - 1].rstrip() + "…"
        self.notes.append(Note(icon, text, colour, self.session.t if at is None else at))
        del self.notes[:-MAX_NOTES]

    def _alerts(self, alerts: list[Item]) -> None:
        """The round's alerts as notifications: one minute left (real time), trending, saving trouble."""
        for alert in alerts:
            if isinstance(alert, DeadlineNear):
                self.note("⚠", self._("One minute left: {title}", title=alert.decision.title), th.VERMILLION)
                self.app.sound.play("hurry")
            elif isinstance(alert, Trending):
                heading = self._("Trending: {name}", name=alert.post.name)
                self.note("▲", self._("{heading}: {text}", heading=heading, text=alert.post.text), th.ORANGE)
            elif isinstance(alert, SavingFailed):
                # Whole, not cut like other notes: the reason and the file's name are the point.
                # The log and the store report their trouble on the terminal, which nobody in the
                # room watches; the round plays on either way.
                self.notes.append(Note("⚠", self._(SAVING_NOTES.get(alert.what, SAVING_NOTES["log"]),
                                                    why=alert.reason), th.VERMILLION, self.session.t))
                del self.notes[:-MAX_NOTES]
                self.app.sound.play("hurry")

    def finish(self) -> None:
        self.app.replace(self.app.new_scene("debrief", self.case, self.path, self.session,
                                            recording=self.recording, notes=self.observer_notes))

    def open_note(self) -> None:
        """N: the facilitator's note, stamped with the simulated time (game/ui/notes.py)."""
        self.app.push(self.app.new_scene("note", self))

    # --- actions (keys and clicks both come here) --------------------------------------

    def triage(self, post: Post, action: TriageAction, reply: str | None = None) -> None:
        if post.author == ORGANISATION or self.ended:
            return
        if action == "answer" and reply is None:
            replies = self.round.replies_for(post)  # a call or an email: only its own (game/play/round.py)
            if not replies:
                self.note("⚠", self._("There is no prepared answer for this post."), th.GREY)
                return
            writes = self.case.responses
            if writes is Responses.write:  # the case takes written replies only (game/ui/reply.py)
                self.app.push(self.app.new_scene("reply", self, post))
                return
            items = [(r.id, r.label, f"« {r.post} »" if r.post else "") for r in replies]
            if writes is Responses.both:
                items.append((WRITE_REPLY, "✎ " + self._("Write your own reply"), ""))
            self.picker = Picker("reply", self._("Answer {name}", name=post.name), items, post)
            return
        try:
            self.take([i for i in self.round.triage(post.id, action, reply).items if not isinstance(i, Alert)])
        except EngineError as exc:
            self.note("⚠", exc.say(self.tr), th.GREY)
            return
        self.app.sound.play("tick")

    def choose(self, index: int) -> None:
        decision = self.shown_decision()
        if decision is not None and decision.responses is Responses.write:
            return  # answered in writing only: its options are not offered
        if decision is not None and 0 <= index < len(decision.options):
            self.stop_writing()
            self.chosen[decision.id] = index
            self.panel.reveal(f"choose:{index}", "confirm")

    def start_writing(self) -> None:
        """W (or the panel's "Write your own answer"): type the shown decision's answer."""
        decision = self.shown_decision()
        if decision is None or not takes_writing(decision) or self.ended:
            return
        _, limit = answer_channel(self, decision)
        draft = self.drafts.setdefault(decision.id, TextField("", limit or SOFT_LIMIT))
        draft.editing = True  # never typing the W that opened it (TextField.key_text)
        self.chosen.pop(decision.id, None)  # writing replaces a choice not confirmed yet
        self.writing = True
        pygame.key.start_text_input()

    def stop_writing(self) -> None:
        """Back to the options and the feed's keys; the draft is kept for later."""
        self.writing = False
        for draft in self.drafts.values():
            draft.editing = False

    def publish(self) -> None:
        """Publish the written answer of the shown decision through the round (Session.write)."""
        decision = self.shown_decision()
        draft = self.drafts.get(decision.id) if decision is not None else None
        if decision is None or draft is None or not draft.text.strip():
            return
        text = draft.text.strip()
        try:
            self.take([i for i in self.round.write(decision.id, text).items if not isinstance(i, Alert)])
        except EngineError as exc:
            self.note("⚠", exc.say(self.tr), th.GREY)
            return
        self.stop_writing()
        self.drafts.pop(decision.id, None)
        self.note("✔", self._("{heading}: {text}", heading=decision.title, text=text), th.GREEN)
        self.app.sound.play("tick")

    def _handle_writing(self, event: pygame.event.Event) -> bool:
        """Every key types into the answer while it is written, except Enter, Esc and F1."""
        decision = self.shown_decision()
        draft = self.drafts.get(decision.id) if decision is not None else None
        if draft is None:
            self.stop_writing()
            return False
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):  # Enter or Ctrl+Enter
                self.publish()
                return True
            if event.key == pygame.K_ESCAPE:
                self.stop_writing()
                return True
            if event.key in (pygame.K_F1, pygame.K_F2, pygame.K_F11):
                return False
        if event.type in (pygame.KEYDOWN, pygame.TEXTINPUT):
            draft.editing = True
            draft.handle(event)
            return True
        return False

    def confirm(self) -> None:
        if self.writing:
            self.publish()
            return
        decision = self.shown_decision()
        if decision is None or decision.id not in self.chosen:
            return
        option = decision.options[self.chosen[decision.id]]
        try:
            self.take([i for i in self.round.decide(decision.id, option.id).items if not isinstance(i, Alert)])  # through the round, as every front end
        except EngineError as exc:
            self.note("⚠", exc.say(self.tr), th.GREY)
            return
        self.note("✔", self._("{heading}: {text}", heading=decision.title, text=option.label), th.GREEN)
        self.app.sound.play("tick")

    def show_whole_decision(self) -> None:
        """D: the open decision large over the feed, every option readable (game/ui/decision.py)."""
        if self.shown_decision() is not None and not self.ended:
            self.app.push(self.app.new_scene("decision", self))

    def next_decision(self) -> None:
        open_now = [d.id for d in self.session.open_decisions]
        if len(open_now) > 1:
            current = self.shown_decision()
            i = open_now.index(current.id) if current else -1
            self.shown = open_now[(i + 1) % len(open_now)]
            self.stop_writing()

    def set_filter(self, channel: str | None) -> None:
        self.filter = channel
        self._chip_follow = True
        self.feed.scroll = 0
        self.feed.rebuild(self.session.feed[: self._seen])
        self._layout_buttons()

    def cycle_filter(self, step: int) -> None:
        options: list[str | None] = [None, *self.feed_channels]
        i = options.index(self.filter) if self.filter in options else 0
        self.set_filter(options[(i + step) % len(options)])

    def change_speed(self, step: int) -> None:
        self.app.settings.speed = step_speed(self.speed, step)
        remember_speed(self.app)  # the next round, and this one if it is resumed, run at it

    def toggle_pause(self) -> None:
        self.round.toggle_pause()

    def optional_items(self) -> list[tuple[str, str, str]]:
        """The case's optional injects and decisions that have not happened yet."""
        state, session = self.session.state, self.session
        items = []
        # The label names only who it comes from (the room may see the screen); the detail, what
        # it says, shows when the facilitator asks for it.
        for inject in self.case.injects:
            if inject.optional and inject.id not in state.fired:
                author = session.personas[inject.author].name
                what = self._("{heading}: {text}", heading=author, text=inject.subject) if inject.subject else inject.text
                items.append((inject.id, f"{self.channel_icon(inject.channel)} {author}", what))
        for decision in self.case.decisions:
            if decision.optional and decision.id not in state.fired:
                items.append((decision.id, "⚠ " + self._("A decision"), decision.title))
        return items

    def fire(self, item_id: str) -> None:
        """Bring in an optional item: it arrives as the post, message or decision it is, nothing else."""
        try:
            self.take([i for i in self.round.fire(item_id).items if not isinstance(i, Alert)])
        except EngineError as exc:
            self.note("⚠", exc.say(self.tr), th.GREY)

    def end_round(self) -> None:
        self.take([i for i in self.round.end().items if not isinstance(i, Alert)])  # only the end: the silent rest is played off screen

    def open_picker(self, kind: str) -> None:
        if kind == "inject":
            items = self.optional_items()
            if not items:
                self.note("⚠", self._("This case has no optional inject left to fire."), th.GREY)
                return
            self.picker = Picker("inject", self._("Facilitator: fire an inject"), items)
        elif kind == "end":
            self.picker = Picker("end", self._("End the round now?"),
                                 [("yes", self._("Yes: end it and go to the debrief"), ""),
                                  ("no", self._("No: keep playing"), "")])
        elif kind == "leave":
            self.picker = Picker("leave", self._("Leave this round?"),
                                 [("yes", self._("Yes: back to the menu (this round is lost)"), ""),
                                  ("no", self._("No: keep playing"), "")])

    def pick(self, index: int) -> None:
        picker = self.picker
        if picker is None or not 0 <= index < len(picker.items):
            return
        self.picker = None
        item = picker.items[index][0]
        if picker.kind == "reply" and picker.post is not None and item == WRITE_REPLY:
            self.app.push(self.app.new_scene("reply", self, picker.post))
        elif picker.kind == "reply" and picker.post is not None:
            self.triage(picker.post, "answer", item)
        elif picker.kind == "inject":
            self.fire(item)
        elif picker.kind == "end" and item == "yes":
            self.end_round()
        elif picker.kind == "leave" and item == "yes":
            if self.recording is not None:
                self.recording.abandon()  # left on purpose: kept, but not offered for resuming
            self.app.back_to("menu")

    # --- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if self.picker is not None:
            return self._handle_picker(event)
        if self.writing and event.type in (pygame.KEYDOWN, pygame.TEXTINPUT) and self._handle_writing(event):
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self.click(event.pos)
        if event.type == pygame.MOUSEWHEEL:
            return self.wheel(event.y)
        if event.type == pygame.KEYDOWN:
            return self.key(event)
        return False

    def _handle_picker(self, event: pygame.event.Event) -> bool:
        picker = self.picker
        assert picker is not None
        if event.type == pygame.KEYDOWN:
            if event.key in NUMBER_KEYS:
                self.pick(NUMBER_KEYS[event.key] - 1)
            elif event.key == pygame.K_ESCAPE:
                self.picker = None
            elif picker.kind in ("end", "leave") and event.key in (pygame.K_y, pygame.K_RETURN, pygame.K_KP_ENTER):
                self.pick(0)
            elif picker.kind in ("end", "leave") and event.key == pygame.K_n:
                self.picker = None
            elif picker.kind == "inject" and event.key == pygame.K_TAB:
                picker.revealed = not picker.revealed
            elif event.key == pygame.K_F1:
                return False
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for index, rect in enumerate(self.picker_geometry(self.app.size)[1]):
                if rect.collidepoint(event.pos):
                    self.pick(index)
                    return True
            self.picker = None
            return True
        return event.type in (pygame.MOUSEWHEEL, pygame.TEXTINPUT)

    def key(self, event: pygame.event.Event) -> bool:
        key, shift = event.key, bool(event.mod & pygame.KMOD_SHIFT)
        view = self.focus
        selected = self.session.posts.get(view.selected) if view.selected else None
        line = self.theme.line("body") * 3
        if key in NUMBER_KEYS:
            self.choose(NUMBER_KEYS[key] - 1)
        elif shift and key in (pygame.K_DOWN, pygame.K_UP):
            step = line if key == pygame.K_DOWN else -line
            self.panel.scroll_to(self.panel.scroll + step)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.confirm()
        elif key in (pygame.K_DOWN, pygame.K_j):
            view.select_step(1)
        elif key in (pygame.K_UP, pygame.K_k):
            view.select_step(-1)
        elif key == pygame.K_PAGEDOWN:
            view.scroll_by(view.rect.h - line)
        elif key == pygame.K_PAGEUP:
            view.scroll_by(-(view.rect.h - line))
        elif key == pygame.K_HOME:
            view.scroll_by(-view.scroll)
            if view.posts:
                view.selected = view.posts[-1].id
        elif key == pygame.K_END:
            view.scroll = view.max_scroll
        elif key == pygame.K_TAB:
            self.focus = self.inbox if self.focus is self.feed else self.feed
            self.focus.focus_in()
            if self.focus is self.inbox:
                self.unread = 0
        elif key in TRIAGE_KEYS and selected is not None:
            self.triage(selected, TRIAGE_KEYS[key])
        elif key == pygame.K_c:
            self.cycle_filter(-1 if shift else 1)
        elif key == pygame.K_v:
            self.next_decision()
        elif key == pygame.K_w:
            self.start_writing()
        elif key == pygame.K_d:
            self.show_whole_decision()
        elif key in (pygame.K_SPACE, pygame.K_p):
            self.toggle_pause()
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.change_speed(1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.change_speed(-1)
        elif key == pygame.K_n:
            self.open_note()
        elif key == pygame.K_i:
            self.open_picker("inject")
        elif key == pygame.K_e:
            self.open_picker("end")
        elif key == pygame.K_ESCAPE:
            self.open_picker("leave")
        else:
            return False
        return True

    def click(self, pos: tuple[int, int]) -> bool:
        for button in [*self.buttons, *self.chips]:
            if button.hit(pos):
                self.press(button.action)
                return True
        action = self.panel.at(pos)
        if action is not None:
            self.press(action)
            return True
        for view in (self.feed, self.inbox):
            strip = view.badge_rect()
            if strip is not None and strip.collidepoint(pos):
                view.to_newest()
                return True
            hit = view.at(pos)
            if hit is not None:
                post, action = hit
                self.focus = view
                view.selected = post.id
                if view is self.inbox:
                    self.unread = 0
                if action is not None:
                    self.triage(post, cast(TriageAction, action))  # a card's buttons are its triage actions
                return True
        if self.regions.get("inbox_head", pygame.Rect(0, 0, 0, 0)).collidepoint(pos):
            self.focus, self.unread = self.inbox, 0
            return True
        return False

    def press(self, action: str) -> None:
        if action.startswith("filter:"):
            self.set_filter(action.split(":", 1)[1] or None)
        elif action in CHIP_ARROWS:
            self.scroll_chips(CHIP_ARROWS[action])
        elif action.startswith("choose:"):
            self.choose(int(action.split(":", 1)[1]))
        elif action == "confirm":
            self.confirm()
        elif action == "write":
            self.start_writing()
        elif action == "focus":
            self.show_whole_decision()
        elif action == "pause":
            self.toggle_pause()
        elif action == "slower":
            self.change_speed(-1)
        elif action == "faster":
            self.change_speed(1)
        elif action == "sound":
            self.app.sound.toggle()
        elif action == "help":
            self.app.toggle_help()

    def wheel(self, y: int) -> bool:
        pos = self.app.mouse
        step = -y * self.theme.px(60)
        if self.panel.rect.collidepoint(pos):
            self.panel.scroll_to(self.panel.scroll + step)
        elif self.regions["chips"].collidepoint(pos):
            if any(chip.action in CHIP_ARROWS for chip in self.chips):
                self.scroll_chips(-y)
        elif self.inbox.rect.collidepoint(pos):
            self.inbox.scroll_by(step)
        else:
            self.feed.scroll_by(step)
        return True

    # --- where things are (tests and the screenshot tour click on them) ---------------

    def button_centre(self, action: str) -> tuple[int, int] | None:
        for button in [*self.buttons, *self.chips]:
            if button.action == action:
                return button.rect.center
        return self.panel.centre(action)

    # --- draw ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        # The feed is the biggest part of the screen: when the window still shows the one this
        # scene drew last frame (nothing drawn over it since) and the feed did not change, its
        # pixels stay as they are and only the rest is drawn again.
        frames = self.app.frames
        clean = self._drawn == (frames - 1, surface) and self.app.top is self and self.picker is None
        self._drawn = (frames, surface) if self.app.top is self and self.picker is None else None
        right = self.regions["right"]
        notes = pygame.Rect(right.x, right.y + self.dashboard.height() + t.px(12), right.w,
                            right.bottom - right.y - self.dashboard.height() - t.px(12))
        gauges = pygame.Rect(right.x, right.y, right.w, notes.y - right.y)
        common = (id(t), self.app.settings.lang)
        gauges_key = (*common, tuple(gauges), id(self.dashboard.sheet))
        notes_key = (*common, tuple(notes), tuple((id(n), n.age < NOTE_FRESH) for n in self.notes))
        # The clock changes every second (every frame at the fastest speed): then only the
        # words left of the buttons are drawn again.
        top_key = (*common, tuple(self.regions["top"]), tuple((b.label, b.active, tuple(b.rect)) for b in self.buttons))
        top = self.regions["top"]
        words_area = pygame.Rect(top.x, top.y, self.regions["top_buttons_x"].x - top.x, top.h)
        chips_key = (*common, tuple((b.label, b.active, tuple(b.rect)) for b in self.chips))
        middle = self.regions["middle"]
        below_panel = pygame.Rect(middle.x, self.panel.rect.bottom, middle.w,
                                  middle.bottom - self.panel.rect.bottom).union(self.inbox.pane())
        inbox_key = (*common, self.inbox._key(set()), self.unread, self.focus is self.inbox,
                      tuple(self.regions["inbox_head"]))
        # The decision panel's countdown changes every second (every frame at the fastest
        # speed): then only its row is drawn again.
        panel_kept = self.panel_part.unchanged(clean, (*common, self.panel.live_key()), self.panel.countdown_key(),
                                               self.panel.countdown_area())
        parts = [(self.feed.pane(), self.feed.unchanged(clean, self.trending)),
                 (gauges, self.gauges_part.unchanged(clean, gauges_key)),
                 (notes, self.notes_part.unchanged(clean, notes_key)),
                 (self.regions["top"], self.top_bar.unchanged(clean, top_key, self._top_words(), words_area)),
                 (self.regions["chips"], self.chip_row.unchanged(clean, chips_key)),
                 (self.panel.rect, panel_kept),
                 (below_panel, self.inbox_part.unchanged(clean, inbox_key)),
                 (self.regions["bottom"], self.bottom_bar.unchanged(clean, common))]
        # On a clean frame the space between the parts is background already: only the parts
        # drawn again are filled (the whole 4K window is 2-3 ms of filling). The feed's column
        # fills its own background around its cards, and the bars, the notifications and the
        # decision panel paint every pixel of theirs: they are never filled first.
        covered = [self.feed.pane(), self.regions["top"], self.regions["bottom"], notes]
        if self.panel.sheet is not None:
            covered.append(self.panel.rect)
        holes = [rect for rect, kept in parts if kept] + covered
        fill_except(surface, holes, th.BG, [rect for rect, kept in parts if not kept] if clean else None)
        self.top_bar.draw(p, lambda only=None: self._draw_top(surface, only))

        def chips() -> None:
            for chip in self.chips:
                draw_button(p, surface, chip)

        self.chip_row.draw(p, chips)
        self.feed.draw(surface, self.trending)
        self.panel_part.draw(p, lambda only=None: self.panel.draw(surface, only))
        self.inbox_part.draw(p, lambda: self._draw_inbox(surface))
        self.gauges_part.draw(p, lambda: self.dashboard.draw(surface))
        self.notes_part.draw(p, lambda: draw_notes(self, surface, notes, self.notes))
        self.bottom_bar.draw(p, lambda: self._draw_bottom(surface))
        if self.picker is not None:
            self._draw_picker(surface)

    def _draw_inbox(self, surface: pygame.Surface) -> None:
        """The inbox, under the decision panel."""
        t, p = self.theme, self.painter
        head = self.regions["inbox_head"]
        focus_mark = "▸ " if self.focus is self.inbox else ""
        inbox = self._("Inbox")
        title = f"{focus_mark}✉ {inbox} ({self.tr.number(len(self.inbox.posts))})"
        r = p.text(surface, title, (head.x, head.y), "head", th.FOCUS if self.focus is self.inbox else th.TEXT)
        if self.unread:
            p.text(surface, self.tr.ngettext("{n} new", "{n} new", self.unread), (r.right + t.px(10), r.centery),
                   "small", th.YELLOW, anchor="midleft")
        if not self.inbox.posts:
            p.text(surface, self._("No message yet."), (head.x, head.bottom + t.px(4)), "small", th.MUTED)
        self.inbox.draw(surface, set())

    def _top_words(self) -> tuple[str, str, bool, bool, str]:
        """What the top bar says: the clock, the speed the round runs at, paused, demo, the title."""
        # Asked twice a frame (the bar's key, then its drawing): the words are made once per
        # change (Babel's formatting is a tenth of a millisecond a call).
        settings = self.app.settings
        given = (self.session.t, round(self.running_speed, 1), self.paused, settings.demo, settings.team,
                 settings.lang, id(self.tr), self.theme.px(100), self.regions["top_buttons_x"].x, settings.projector)
        if self._top_cache is not None and self._top_cache[0] == given:
            return self._top_cache[1]
        now = f"◷ {self.tr.clock(self.session.t)}"
        # On a projector the room reads the clock from afar: the round's length beside it is noise.
        time_text = now if settings.projector else f"{now} / {self.tr.clock(self.case.duration)}"
        speed = self._("1 s = {speed} s", speed=self.tr.number(given[1]))
        if self.case.calendar:  # a historical case's calendar: the day and hour the story has reached,
            # in full, abbreviated, then without the round's end, as the bar has room
            t = self.theme
            state = max(t.font("bold").size("● " + self._("LIVE"))[0],
                        t.font("bold").size("‖ " + self._("PAUSED"))[0] + t.px(12))
            room = (self.regions["top_buttons_x"].x - t.px(12) - t.px(12) - t.px(16)
                    - t.font("small").size(speed)[0] - t.px(16) - state)
            forms: tuple[tuple[str, Form], ...] = (
                (time_text, "full"), (time_text, "short"), (now, "short"), (now, "tiny"))
            for clock, form in forms:
                dated = f"{clock} · {moment(self.tr, self.case.calendar, self.session.t, form)}"
                if t.font("head").size(dated)[0] <= room:
                    time_text = dated
                    break
        team = settings.team
        title = f"{team} · {self.case.title}" if team else self.case.title
        words = time_text, speed, self.paused, settings.demo, title
        self._top_cache = (given, words)
        return words

    def _draw_top(self, surface: pygame.Surface, only: pygame.Rect | None = None) -> None:
        """The top bar; with ``only``, just that part of it (the words left of the buttons)."""
        t, p = self.theme, self.painter
        top = self.regions["top"]
        if only is not None:
            surface.set_clip(only)
        pygame.draw.rect(surface, th.PANEL, top)
        # Inside the bar (a Rect's bottom is the first row below it), so a kept bar keeps its line.
        pygame.draw.line(surface, th.LINE, (top.x, top.bottom - 1), (top.right - 1, top.bottom - 1))
        time_text, speed, _, _, title = self._top_words()
        x = t.px(12)
        r = p.text(surface, time_text, (x, top.centery), "head", th.TEXT, anchor="midleft")
        x = r.right + t.px(16)
        r = p.text(surface, speed, (x, top.centery), "small", th.MUTED, anchor="midleft")
        x = r.right + t.px(16)
        if self.paused:
            paused = "‖ " + self._("PAUSED")
            r = p.text(surface, paused, (x, top.centery), "bold", th.BG, anchor="midleft")
            pygame.draw.rect(surface, th.YELLOW, r.inflate(t.px(12), t.px(4)), border_radius=t.px(4))
            p.text(surface, paused, (x, top.centery), "bold", th.BG, anchor="midleft")
        else:
            r = p.text(surface, "● " + self._("LIVE"), (x, top.centery), "bold", th.GREEN, anchor="midleft")
        limit = self.regions["top_buttons_x"].x - t.px(12)
        if self.app.settings.demo:  # in full, its first word, or not at all: the dated clock comes first
            x = r.right + t.px(16)
            full = self._("DEMO: a bot plays")
            # TRANSLATORS: the top bar's short form of "DEMO: a bot plays" when the bar is full.
            short = self.tr.pgettext("top bar", "DEMO")
            fits = [w for w in (full, short) if t.font("small").size(w)[0] <= limit - x]
            if fits:
                r = p.text(surface, fits[0], (x, top.centery), "small", th.PURPLE, anchor="midleft")
        x = r.right + t.px(20)
        if limit - x > t.px(60):
            p.text(surface, title, (x, top.centery), "small", th.MUTED, anchor="midleft", width=limit - x)
        if only is not None:
            surface.set_clip(None)
            return
        for button in self.buttons:
            draw_button(p, surface, button)

    def _draw_bottom(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        bottom = self.regions["bottom"]
        pygame.draw.rect(surface, th.PANEL, bottom)
        if self.picker is not None:
            keys = self._("1-9 choose · Esc cancel")
        else:
            keys = self._("↑↓ select · F flag · X dismiss · A answer · 1-9 choose · Enter confirm · Tab feed/inbox · "
                          "C channel · Space pause · +/− speed · I inject · E end · M sound · F1 help")
            if t.font("small").size(keys)[0] > bottom.w - t.px(24):
                # Projector type: the players' keys and the way to the others, never "F1" cut off.
                keys = self._("↑↓ select · F flag · X dismiss · A answer · 1-9 choose · Enter confirm · "
                              "Tab feed/inbox · F1 all the keys")
        p.text(surface, keys, (t.px(12), bottom.centery), "small", th.MUTED, anchor="midleft",
               width=bottom.w - t.px(24))

    def picker_geometry(self, size: tuple[int, int]) -> tuple[pygame.Rect, list[pygame.Rect]]:
        """Where the picker's box and rows are (a pure function of the picker and the window)."""
        t, p = self.theme, self.painter
        picker = self.picker
        if picker is None:
            return pygame.Rect(0, 0, 0, 0), []
        w, h = size
        if picker.kind == "inject":
            return self._discreet_geometry(size)
        width = min(w - t.px(80), t.px(760))
        inner = width - t.px(70)
        rows_h = [t.line("bold") + (p.wrapped_height(d, inner, "small", 3) if d else 0) + t.px(12)
                  for _, _, d in picker.items]
        height = t.px(20) + t.line("title") + t.px(10) + sum(rows_h) + t.px(6) * len(rows_h) + t.line("small") + \
            t.px(24)
        box = pygame.Rect((w - width) // 2, max(t.px(20), (h - height) // 2), width, min(height, h - t.px(40)))
        y = box.y + t.px(14) + t.line("title") + t.px(10)
        rows = []
        for rh in rows_h:
            rows.append(pygame.Rect(box.x + t.px(12), y, width - t.px(24), rh))
            y += rh + t.px(6)
        return box, rows

    def _discreet_geometry(self, size: tuple[int, int]) -> tuple[pygame.Rect, list[pygame.Rect]]:
        """The inject list: a small box in the bottom corner, one short line per inject."""
        t = self.theme
        assert self.picker is not None
        row_h = t.line("small") + t.px(6)
        # As wide as its keys need (projector type, French), so "Esc cancel" is never cut off.
        keys_w = t.font("small").size(self._("1-9 fire · Tab show what they say · Esc cancel"))[0] + t.px(24)
        width = min(size[0] // 2, max(min(size[0] // 3, t.px(420)), keys_w))
        height = t.px(8) + t.line("small") + t.px(4) + row_h * len(self.picker.items) + t.line("small") + t.px(8)
        bottom = self.regions["bottom"].y - t.px(6)
        box = pygame.Rect(size[0] - width - t.px(12), max(t.px(4), bottom - height), width, min(height, bottom))
        y = box.y + t.px(8) + t.line("small") + t.px(4)
        return box, [pygame.Rect(box.x + t.px(6), y + i * row_h, width - t.px(12), row_h)
                     for i in range(len(self.picker.items))]

    def _draw_discreet_picker(self, surface: pygame.Surface) -> None:
        """The facilitator's inject list, small and without shading the room's screen."""
        t, p = self.theme, self.painter
        picker = self.picker
        assert picker is not None
        box, rows = self._discreet_geometry(surface.get_size())
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(6))
        pygame.draw.rect(surface, th.LINE, box, width=1, border_radius=t.px(6))
        inner = box.w - t.px(16)
        p.text(surface, self._("Facilitator: fire an inject"), (box.x + t.px(8), box.y + t.px(8)), "small", th.MUTED,
               width=inner)
        surface.set_clip(box)
        for number, ((_, label, detail), row) in enumerate(zip(picker.items, rows), 1):
            words = f"{number}  {label}" + (f" · {detail}" if picker.revealed and detail else "")
            p.text(surface, words, (row.x + t.px(2), row.centery), "small", th.TEXT, anchor="midleft", width=inner)
        surface.set_clip(None)
        hint = self._("1-9 fire · Tab show what they say · Esc cancel")
        p.text(surface, hint, (box.x + t.px(8), box.bottom - t.px(6)), "small", th.FAINT, anchor="bottomleft",
               width=inner)

    def _draw_picker(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        picker = self.picker
        assert picker is not None
        if picker.kind == "inject":
            self._draw_discreet_picker(surface)
            return
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill(th.SHADE)
        surface.blit(shade, (0, 0))
        box, rows = self.picker_geometry((w, h))
        inner = box.w - t.px(70)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(8))
        pygame.draw.rect(surface, th.YELLOW, box, width=max(2, t.px(2)), border_radius=t.px(8))
        p.text(surface, picker.title, (box.x + t.px(16), box.y + t.px(14)), "title", th.TEXT, width=box.w - t.px(32))
        surface.set_clip(box)
        for number, ((_, label, detail), row) in enumerate(zip(picker.items, rows), 1):
            pygame.draw.rect(surface, th.CARD, row, border_radius=t.px(5))
            k = p.text(surface, str(number), (row.x + t.px(16), row.y + t.px(6) + t.line("bold") // 2), "bold",
                       th.YELLOW, anchor="center")
            pygame.draw.rect(surface, th.YELLOW, k.inflate(t.px(10), t.px(2)), width=1, border_radius=t.px(3))
            p.text(surface, label, (row.x + t.px(36), row.y + t.px(6)), "bold", th.TEXT, width=inner)
            if detail:
                p.paragraph(surface, detail, (row.x + t.px(36), row.y + t.px(6) + t.line("bold")), inner, "small",
                            th.MUTED, max_lines=3)
        surface.set_clip(None)
        p.text(surface, self._("Press a number or click a line · Esc: cancel"), (box.x + t.px(16), box.bottom - t.px(10)), "small", th.MUTED,
               anchor="bottomleft")
