"""Play a case in the terminal: the feed scrolls by on a simulated clock, you type commands.

This is one more front end over the engine, like the pygame one: it only calls the session's
API and prints the events it returns. Its words are in the case's language (a French case,
``crisis-sim play CASE --text --lang fr``, plays in French), through :mod:`game.i18n`.
"""

from __future__ import annotations

import os
import select
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from game.engine.model import Case, Channel, Decision, Responses
from game.engine.rubric import strategy_name
from game.engine.scoring import Result, score, timeout_label
from game.engine.session import (
    DecisionClosed,
    DecisionOpened,
    Ended,
    EngineError,
    ORGANISATION,
    MetricsSampled,
    PostAdded,
    Session,
)
from game.engine.state import Post
from game.i18n import N_, Translator, translator
from game.play import words
from game.play.words import speed_count
from game.play.alerts import DeadlineNear, Item, SavingFailed, for_players, inbox_heading
from game.play.corrections import STRATEGIES, Finding, answers, changes, findings, signature
from game.play.debrief import Debrief, WrittenReview
from game.play.moments import moment
from game.play.pace import pace
from game.play.round import Round

HELP = N_("""Commands (then Enter):
  1, 2, 3...   choose that option in the open decision
  w TEXT       publish your own answer to it, when it takes one
  f 12         flag post #12 as a real signal
  x 12         dismiss post #12 as noise
  a 12         see the ways to answer post #12; a 12 2 answers with the second one
  r 12 TEXT    reply to post #12 with your own text, when the case takes them
  m            show the metrics        o   show open decisions
  i            list the optional injects (facilitator); i ID fires one now
  p            pause / resume          + / -   faster / slower
  q            end the round now       h   this help""")


class Commands(Protocol):
    def poll(self, timeout: float) -> str | None:
        """A line the user typed, waiting at most ``timeout`` real seconds; None if none."""


class StdinCommands:
    """Lines from standard input, without blocking the clock.

    On a terminal the line being typed is kept on a prompt line of its own at the bottom
    (:meth:`show` prints above it), so the scrolling feed never cuts into what one types; the
    round also waits for Enter after the briefing (``interactive``).
    """

    PROMPT = "> "

    def __init__(self, stream: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
        self.stream = stream
        self.out = out
        self.closed = False
        self.buffer = ""
        self.interactive = _isatty(stream) and _isatty(out)
        self._saved: list[Any] | None = None  # the terminal's settings while we read keys ourselves
        self._pending = ""
        self._lines = b""  # what was read of a line-by-line input (not a terminal) beyond the line returned
        self.limit: int | None = None  # the channel's limit while a written answer can be typed
        self.writing = False  # a written answer can be typed now ("w TEXT"): the prompt counts its characters
        # Written replies ("r 12 TEXT"): the limit of post #12's channel, or None when posts take no written reply.
        self.reply_limit: Callable[[str], int | None] | None = None
        self.began: Callable[[], None] | None = None  # told when the first key of a line is typed

    def start(self) -> None:
        """Read keys one by one (cbreak, no echo) so the prompt line can be redrawn under the feed."""
        if not self.interactive or self._saved is not None:
            return
        import termios  # POSIX only (no termios on Windows), and only for an interactive terminal
        import tty

        fd = self.stream.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        attrs = termios.tcgetattr(fd)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, attrs)
        self._prompt()

    def stop(self) -> None:
        if self._saved is not None:
            import termios  # POSIX only, as in start()

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None
            self.out.write("\r\x1b[K")
            self.out.flush()

    def show(self, text: str) -> None:
        """Print ``text`` above the prompt line (or plainly when not on a terminal)."""
        if self._saved is None:
            self.out.write(text + "\n")
        else:
            self.out.write("\r\x1b[K" + text.replace("\n", "\r\n\x1b[K") + "\r\n")
            self._prompt()
            return
        self.out.flush()

    def _answer(self) -> tuple[str, int | None] | None:
        """The written answer being typed ("w TEXT", or "r 12 TEXT" for a reply) and its channel's
        limit, or None when the line is another command."""
        if self.writing and self.buffer[:2].lower() == "w ":
            return self.buffer[2:], self.limit
        if self.reply_limit is not None and self.buffer[:2].lower() == "r ":
            number, space, text = self.buffer[2:].partition(" ")
            if space and number.lstrip("#").isdigit():
                return text, self.reply_limit(number)
        return None

    def _prompt(self) -> None:
        typed = self._answer()
        counter = ""
        if typed is not None:
            answer, limit = typed
            counter = f"[{len(answer)}/{limit}] " if limit else f"[{len(answer)}] "
        self.out.write("\r\x1b[K" + fitted(counter + self.PROMPT, self.buffer, self.columns()))
        self.out.flush()

    def columns(self) -> int:
        """The terminal's width now (a window can be resized during the round)."""
        return shutil.get_terminal_size((100, 24)).columns

    def poll(self, timeout: float) -> str | None:
        if self.closed:
            return None
        if self._pending:
            pending, self._pending = self._pending, ""
            return self._key(pending)
        if self._saved is None and b"\n" in self._lines:
            return self._line()
        ready, _, _ = select.select([self.stream], [], [], timeout)
        if not ready:
            return None
        if self._saved is None:
            # Lines read from the descriptor, not through the stream's buffer: lines that came
            # together (a paste, a pipe) would sit in that buffer, where select() does not see
            # them, and wait there until more input came.
            data = os.read(self.stream.fileno(), 4096)
            if not data:
                self.closed = True
                if self._lines.strip():  # a last line without its newline
                    self._lines += b"\n"
                    return self._line()
                return None
            self._lines += data
            return self._line() if b"\n" in self._lines else None
        return self._key(os.read(self.stream.fileno(), 64).decode("utf-8", "replace"))

    def _line(self) -> str:
        line, _, self._lines = self._lines.partition(b"\n")
        return line.decode("utf-8", "replace").strip()

    def _key(self, keys: str) -> str | None:
        if keys == "":
            self.closed = True
            return None
        for i, key in enumerate(keys):
            if key in "\r\n":
                self._pending = keys[i + 1:]  # pasted lines: the rest waits for the next poll
                line, self.buffer = self.buffer, ""
                self.out.write("\r\x1b[K" + self.PROMPT + line + "\r\n")
                self._prompt()
                return line.strip()
            if key in "\x7f\b":
                self.buffer = self.buffer[:-1]
            elif key == "\x04" and not self.buffer:  # Ctrl-D on an empty line: end of input
                self.closed = True
                return None
            elif key.isprintable():
                typed = self._answer()
                if typed is not None and typed[1] and len(typed[0]) >= typed[1]:
                    continue  # a microblog's limit is hard, as on the real network: the key is not taken
                if not self.buffer and self.began is not None:
                    self.began()
                self.buffer += key
        self._prompt()
        return None


def columns_of(text: str) -> int:
    """How many terminal columns ``text`` takes (wide East Asian letters and emoji take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def fitted(head: str, typed: str, columns: int) -> str:
    """The prompt line within one line of the terminal: ``head`` (the counter and "> "), then the
    end of what is typed, "…" standing for its start when it is too long. A line longer than the
    terminal would wrap, and clearing the prompt ("\\r", erase line) clears only its last row:
    each redraw under the feed would leave the rows before it on the screen."""
    room = columns - 1 - columns_of(head)  # the last column stays free: the cursor waits there
    if columns_of(typed) <= room:
        return head + typed
    shown = ""
    for ch in reversed(typed):
        if columns_of(shown) + columns_of(ch) > room - 1:
            break
        shown = ch + shown
    return head + "…" + shown


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


YES = ("y", "yes", "o", "oui")
NO = ("n", "no", "non")
"""The answers a yes-or-no question of the debrief takes, in English and French."""

GRACE = 5.0
"""Real seconds after a decision ran out during which a bare number is not taken for the next one."""


def unquoted(title: str) -> str:
    """A title without the quotes its author put around it, for messages that quote it themselves
    (no ``""Did Kryptonite know?""``)."""
    text = title.strip()
    if len(text) >= 2 and text[0] in "\"“«'" and text[-1] in "\"”»'":
        return text[1:-1].strip()
    return text


class TextPlayer:
    """The terminal front end, over a :class:`game.play.round.Round`.

    Args:
        session: The run to play.
        out: Where to print.
        commands: Where typed commands come from (an ``interactive`` one waits for Enter after
            the briefing and keeps a prompt line, see :class:`StdinCommands`).
        clock: Real time in seconds (``time.monotonic``); tests pass a fake.
        speed: Simulated seconds per real second; None for the case's pace (game/play/pace.py).
    """

    def __init__(
        self, session: Session, out: TextIO, commands: Commands, clock: Callable[[], float],
        speed: float | None = None,
    ) -> None:
        self.session = session
        self.round = Round(session, speed=speed)
        self.out = out
        self.commands = commands
        self.clock = clock
        self.width = min(100, shutil.get_terminal_size((100, 24)).columns)
        self.tag_width = min(18, max(len(c.name) for c in session.case.channels))
        self.tr: Translator = translator(session.case.language)
        self._ = self.tr.gettext
        self.numbers: dict[str, int] = {}  # decision id -> its number as shown ("D2")
        self.current: str | None = None  # the decision a bare number goes to: the last one shown
        self.expired_at: float | None = None  # real time the last decision ran out
        self.facilitator = ""  # who signs the corrections made in the debrief (asked, then offered again)
        if isinstance(commands, StdinCommands) and session.case.responses is not Responses.choose:
            commands.reply_limit = self.reply_limit
        # The decision shown when the line being typed began: a long answer takes a while, and a
        # decision that opens meanwhile must not receive the text written for another one.
        self.typing_for: str | None = None
        if isinstance(commands, StdinCommands):
            commands.began = self.began_typing

    def began_typing(self) -> None:
        self.typing_for = self.current

    def reply_limit(self, number: str) -> int | None:
        """The character limit of post ``number``'s channel (None: no such post, or no limit)."""
        post = self.session.posts.get(self.post_id(number))
        return self.session.channels[post.channel].limit if post is not None else None

    @property
    def case(self) -> Case:
        return self.session.case

    def say(self, text: str = "") -> None:
        show = getattr(self.commands, "show", None)
        if show is not None and getattr(self.commands, "out", None) is self.out:
            show(text)
            return
        self.out.write(text + "\n")
        self.out.flush()

    def run(self) -> Result:
        self.briefing()
        if getattr(self.commands, "interactive", False):
            self.say(self._("Press Enter to start the clock."))
            while self.commands.poll(0.5) is None and not getattr(self.commands, "closed", False):
                pass
        start = getattr(self.commands, "start", None)
        if start is not None:
            start()
        try:
            last = self.clock()  # the clock starts once the briefing is dismissed
            while not self.session.state.ended:
                line = self.commands.poll(0.1)
                now = self.clock()
                elapsed, last = now - last, now
                if line:
                    self.handle(line)
                    self.typing_for = None
                if not self.session.state.ended:
                    self.show(self.round.tick(elapsed).items)
        finally:
            stop = getattr(self.commands, "stop", None)
            if stop is not None:
                stop()
        result = score(self.session)
        self.say(format_result(result, self.case, underline=_isatty(self.out)))
        if hasattr(self.commands, "closed") and findings(Debrief.from_result(result, self.case)):
            result = self.debrief_commands(result)
        return result

    # --- the debrief: the facilitator's last word --------------------------------------

    def debrief_commands(self, result: Result) -> Result:
        """After the debrief of a round with written answers: ``o`` corrects how one was read
        (the answer, the finding, its new value, who changes), the score follows; ``d`` shows
        the debrief again; Enter or ``q`` leaves. A round kept in the results store is amended
        there through the session's log (its score, its place in a workshop's ranking).

        Only for commands that can run out (a ``closed`` stream, like :class:`StdinCommands`):
        a scripted typist that never ends would keep the debrief open for ever."""
        _ = self._
        while True:
            line = self.ask(_("Debrief: o corrects how a written answer was read (the facilitator's last word) · "
                              "d shows the debrief again · Enter leaves"))
            if line is None or line.lower() in ("", "q"):
                return result
            if line.lower() == "o":
                result = self.correct(result)
            elif line.lower() == "d":
                self.say(format_result(result, self.case, underline=_isatty(self.out)))
            else:
                self.say(_("Unknown command. Type o, d, or Enter to leave."))

    def ask(self, question: str) -> str | None:
        """Say ``question`` and wait for a line (None: the input has ended)."""
        self.say(question)
        while True:
            line = self.commands.poll(0.5)
            if line is not None:
                return line.strip()
            if getattr(self.commands, "closed", True):
                return None

    def pick(self, question: str, choices: list[str]) -> int | None:
        """The number of one of ``choices`` typed (0-based), or None: Enter, or the input ended."""
        for number, text in enumerate(choices, 1):
            self.say(self.wrap(f"{number}) {text}", indent="  "))
        while True:
            line = self.ask(question)
            if not line:
                return None
            if line.isdigit() and 1 <= int(line) <= len(choices):
                return int(line) - 1
            self.say(self._("Choose between 1 and {n}.", n=len(choices)))

    def correct(self, result: Result) -> Result:
        """One correction: which answer, which finding, its new value, who; then the new score."""
        _, tr = self._, self.tr
        listed = answers(findings(Debrief.from_result(result, self.case)))
        chosen = self.pick(_("Which answer? (its number; Enter: none)"), [head.label for head, _rows in listed])
        if chosen is None:
            return result
        rows = listed[chosen][1]
        which = self.pick(_("Which finding? (its number; Enter: none)"), [self.finding_text(r) for r in rows])
        if which is None:
            return result
        row = rows[which]
        if row.kind == "strategy":
            names = [strategy_name(s, tr.lang) for s in STRATEGIES]
            new = self.pick(_("Which strategy does the text use? (its number; Enter: none)"), names)
            if new is None:
                return result
            row.value = STRATEGIES[new]
        else:
            question = (_("Is this key point said? (y/n; Enter: no change)") if row.kind == "key_point"
                        else _("Is this red line crossed? (y/n; Enter: no change)"))
            while True:
                answer = (self.ask(question) or "").lower()
                if answer in YES or answer in NO or not answer:
                    break
                self.say(_("Type y or n."))
            if not answer:
                return result
            row.value = answer in YES
        if row.value == row.was:
            self.say(_("That is how it was read already: nothing changed."))
            return result
        name = self.ask(_("Your name, for the report (Enter: {name}):", name=self.facilitator or _("the facilitator")))
        if name is None:
            return result
        self.facilitator = signature(name) or self.facilitator
        before = result.score
        try:
            for decision, post, change in changes(rows, self.facilitator or None):
                self.round.override(decision, post=post, **change)
        except EngineError as exc:
            self.say(_("The change was not made: {why}", why=exc.say(self.tr)))
            return result
        result = score(self.session)
        self.say(_("A person's reading: the score goes from {before} to {after}",
                   before=tr.decimal(before, 1), after=tr.decimal(result.score, 1)))
        self.say(_("Score: {score} / 100", score=tr.decimal(result.score, 0)))
        for part in Debrief.from_result(result, self.case).parts:
            self.say(f"  {words.part_name(part.name, tr):<20} {tr.decimal(part.points, 1):>5} / {part.max}")
        return result

    def finding_text(self, row: Finding) -> str:
        """A finding as the terminal lists it, with how it is read now."""
        _ = self._
        if row.kind == "strategy":
            return _("strategy: {strategy}", strategy=strategy_name(row.value, self.tr.lang))
        if row.kind == "key_point":
            return self.tr.gettext(N_("key point {label}: said") if row.value else N_("key point {label}: not said"),
                                   label=row.label)
        return self.tr.gettext(N_("red line {label}: crossed") if row.value else N_("red line {label}: not crossed"),
                               label=row.label)

    def briefing(self) -> None:
        case = self.case
        self.say("=" * self.width)
        self.say(case.title.upper())
        self.say("=" * self.width)
        self.say(self.wrap(case.briefing))
        self.say()
        _, tr = self._, self.tr
        self.say(self.wrap(_("Your role: {role}", role=case.role)))
        self.say(_("Objectives:"))
        for objective in case.objectives:
            self.say(self.wrap(f"- {objective.for_players}", indent="  "))
        channels = ", ".join(c.name for c in case.channels)
        self.say(self.wrap(_("You are watching: {channels}.", channels=channels)))
        self.say(self.wrap(pace_text(case, self.round, tr)))
        self.say()
        self.say(_(HELP))
        self.say("-" * self.width)

    def wrap(self, text: str, indent: str = "") -> str:
        return "\n".join(
            textwrap.fill(p, self.width, initial_indent=indent if i == 0 else indent,
                          subsequent_indent=indent + "  " if indent else "")
            for i, p in enumerate(text.strip().split("\n"))
        )

    # --- output ----------------------------------------------------------------------

    def show(self, items: Iterable[Item], *, published: bool = False) -> None:
        """Print what an update brought. ``published``: the update of the player's own input, whose
        publications are said once, as "Published on CHANNEL", not also as posts of the feed."""
        for item in for_players(items):
            if isinstance(item, PostAdded) and published and item.post.author == ORGANISATION:
                channel = self.session.channels[item.post.channel]
                self.say(self.wrap(self._('Published on {channel}: "{post}"', channel=channel.name,
                                          post=item.post.text), indent="  "))
            elif isinstance(item, PostAdded):
                self.say(self.format_post(item.post))
            elif isinstance(item, DecisionOpened):
                self.show_decision(item)
            elif isinstance(item, DecisionClosed) and item.option is None:
                self.expired_at = self.clock()
                if self.current == item.decision.id:
                    self.counter(None)
                self.say("!! " + self._('Time is up on "{title}": {label}.', title=unquoted(item.decision.title),
                                        label=timeout_label(item.decision.on_timeout, self.tr.lang)))
            elif isinstance(item, MetricsSampled) and item.t % 300 == 0 and item.t:
                self.say(self.metrics_line())
            elif isinstance(item, DeadlineNear):
                self.say("!! " + self._('{time} left to decide "{title}".', title=unquoted(item.decision.title),
                                        time=self.tr.duration(round(item.real_seconds_left))))
            elif isinstance(item, SavingFailed):
                self.say("!! " + self._(SAVING_WORDS.get(item.what, SAVING_WORDS["log"]), why=item.reason))
            elif isinstance(item, Ended):
                self.say("-" * self.width)
                self.say(self._("The round is over."))

    def format_post(self, post: Post) -> str:
        channel = self.session.channels[post.channel]
        stamp = f"[{moment(self.tr, self.case.calendar, post.t)}] #{post.id[1:]:>3} {channel.name[:self.tag_width]:<{self.tag_width}}"
        if channel.is_inbox:
            subject = f" - {post.subject}" if post.subject else ""
            what = self._(inbox_heading(channel.kind.value), name=post.name)
            head = f"{stamp} >> {what}{subject}"
            return head + "\n" + self.wrap(post.text, indent=" " * 8)
        # The organisation's own posts show no follower count (its audience is not modelled: it would read "(0)").
        count = "" if post.author == ORGANISATION else f" ({self.tr.compact(post.followers)})"
        who = f"{post.name} {post.handle}{count}"
        reply = " " + self._("replying to #{id}", id=post.reply_to[1:]) if post.reply_to else ""
        body = f"{stamp} {who}{reply}: {post.text}"
        return textwrap.fill(body, self.width, subsequent_indent=" " * 8)

    def show_decision(self, event: DecisionOpened) -> None:
        decision = event.decision
        self.numbers[decision.id] = len(self.numbers) + 1
        self.current = decision.id
        self.say("*" * self.width)
        self.say(self._("DECISION: {title}  (you have {time}; {simulated} of simulated time)", title=decision.title,
                        time=self.tr.duration(round(self.round.real_time_left(decision.id))),
                        simulated=self.tr.duration(decision.time_limit)))
        self.say(self.wrap(decision.prompt))
        timeout = timeout_label(decision.on_timeout, self.tr.lang)
        if decision.responses is not Responses.write:
            for number, option in enumerate(decision.options, 1):
                self.say(self.wrap(f"  {number}) {words.option_label(option, self.tr)}", indent=""))
        if decision.responses is not Responses.choose:
            channel = self.session.channels[channel_of(decision, self.case)]
            self.say(self.wrap(self._("Write your own answer: w followed by your text, then Enter ({where}). "
                                      "It is published as the organisation's post.", where=self.where(channel))))
        if decision.responses is Responses.both:
            self.say(self._("Or type the number of your choice. If nobody decides: {label}.", label=timeout))
        elif decision.responses is Responses.choose:
            self.say(self._("Type the number of your choice. If nobody decides: {label}.", label=timeout))
        else:
            self.say(self._("If nobody answers: {label}.", label=timeout))
        self.say("*" * self.width)
        self.counter(decision)

    def counter(self, decision: Decision | None) -> None:
        """Let the prompt count the characters of a written answer to ``decision`` (None: none now)."""
        if isinstance(self.commands, StdinCommands):
            writable = decision is not None and decision.responses is not Responses.choose
            self.commands.writing = writable
            self.commands.limit = self.session.channels[channel_of(decision, self.case)].limit if writable and decision else None

    def metrics_line(self) -> str:
        m = self.session.state.metrics
        parts = [f"{self.tr.metric(name, self.session.case.metric_names)} {self.tr.decimal(value, 0)}"
                 for name, value in m.items()]
        # A historical case's calendar: the day and hour reached, beside the round's clock.
        day = f" {moment(self.tr, self.case.calendar, self.session.t, 'full')}" if self.case.calendar else ""
        return f"[{self.tr.clock(self.session.t)}]{day} -- " + " | ".join(parts) + " --"

    # --- input -----------------------------------------------------------------------

    def handle(self, line: str) -> None:
        words = line.split()
        if not words:
            return
        command, args = words[0].lower(), words[1:]
        _ = self._
        try:
            if command.isdigit():
                self.choose(int(command))
            elif command == "w":
                self.write(line.strip()[1:].strip())
            elif command in ("f", "x") and args:
                if self.post_id(args[0]) not in self.session.posts:
                    self.say(_("No such post."))  # not the engine's "no post 'p12'": the player typed 12
                    return
                self.round.triage(self.post_id(args[0]), "flag" if command == "f" else "dismiss")
                number = args[0].lstrip("#p")
                self.say(_("Post #{number} flagged as a signal.", number=number) if command == "f"
                         else _("Post #{number} dismissed.", number=number))
            elif command == "a" and args:
                self.answer(args)
            elif command == "r" and args:
                self.reply(args[0], line.strip()[1:].strip()[len(args[0]):].strip())
            elif command == "i":
                self.inject(args)
            elif command == "m":
                self.say(self.metrics_line())
            elif command == "o":
                self.show_open()
            elif command == "p":
                self.round.toggle_pause()
                self.say(_("Paused. Type p to resume.") if self.round.paused else _("Resumed."))
            elif command in ("+", "-"):
                self.round.faster() if command == "+" else self.round.slower()
                self.say(self.tr.ngettext("Speed: 1 real second = {speed} simulated second.",
                                          "Speed: 1 real second = {speed} simulated seconds.",
                                          speed_count(self.round.speed), speed=self.tr.number(self.round.speed)))
            elif command == "q":
                self.show(self.round.end().items)
            elif command in ("h", "?", "help"):
                self.say(_(HELP))
            else:
                self.say(_("Unknown command. Type h for help."))
        except EngineError as exc:
            self.say(_("Cannot do that: {error}.", error=exc.say(self.tr)))

    def post_id(self, text: str) -> str:
        return "p" + text.lstrip("#p")

    def target(self, closed: str, ran_out: str, **values: object) -> Decision | None:
        """The decision a bare number or a written answer goes to: the one last shown, and only
        while it is open (None, the player told why: ``closed`` or ``ran_out`` with ``values``).

        An input typed for a decision that has just run out is refused, never given to the
        next one: the player is told, and types it again once they have read the new one.
        """
        state = self.session.state
        current = self.typing_for or self.current  # the decision on screen when the line began
        if current is not None and current not in state.open:
            title = unquoted(self.session.decisions[current].title)
            self.say(self._(closed, title=title, **values))
            self.current = self.session.open_decisions[-1].id if self.session.open_decisions else None
            if self.current is not None:
                self.say(self._('Now open: "{title}". Type o to see its options.',
                                title=unquoted(self.session.decisions[self.current].title)))
                self.counter(self.session.decisions[self.current])
            return None
        if current is None:
            self.say(self._("No decision is waiting."))
            return None
        if self.expired_at is not None and self.clock() - self.expired_at < GRACE:
            # A decision just ran out and this one appeared: the input was most likely meant for that one.
            self.expired_at = None
            self.say(self._(ran_out, title=unquoted(self.session.decisions[current].title), **values))
            return None
        return self.session.decisions[current]

    def choose(self, number: int) -> None:
        """A bare number chooses that option of the decision last shown (see :meth:`target`)."""
        decision = self.target(N_('"{title}" has closed: your choice {number} was not taken.'),
                               N_('A decision has just run out, so {number} was not taken for "{title}". '
                                  "Type it again to choose it."), number=number)
        if decision is None:
            return
        if decision.responses is Responses.write:
            self.say(self._("This decision takes a written answer: type w followed by your text."))
            return
        if not 1 <= number <= len(decision.options):
            self.say(self._("Choose between 1 and {n}.", n=len(decision.options)))
            return
        option = decision.options[number - 1]
        items = self.round.decide(decision.id, option.id).items
        self.say(self._("You chose: {label}", label=option.label))
        self.show(items, published=True)
        self.next_current(decision)

    def next_current(self, decision: Decision) -> None:
        if self.session.open_decisions and self.current == decision.id:
            self.current = self.session.open_decisions[-1].id
        self.counter(self.session.decisions[self.current] if self.current in self.session.state.open else None)

    def write(self, text: str) -> None:
        """Publish a written answer to the decision last shown (see :meth:`target`)."""
        decision = self.target(N_('"{title}" has closed: your answer was not published.'),
                               N_('A decision has just run out, so your answer was not published for "{title}". '
                                  "Type it again to publish it."))
        if decision is None:
            now = self.session.decisions.get(self.current) if self.current is not None else None
            if text and self.typing_for is not None and isinstance(self.commands, StdinCommands) \
                    and now is not None and self.typing_for != now.id and now.responses is not Responses.choose:
                # Written for a decision that closed meanwhile: the text is not lost, it waits on the prompt.
                self.commands.buffer = "w " + text
                self.say(self._("Your text is back on the prompt: edit it, or press Enter to publish it for the "
                                "decision now open."))
            return
        if decision.responses is Responses.choose:
            self.say(self._("This decision takes one of its options: type its number."))
            return
        if not text:
            self.say(self._("Type w followed by your answer."))
            return
        channel = self.session.channels[channel_of(decision, self.case)]
        if channel.limit and len(text) > channel.limit:
            self.say(self._("Your answer is {length} characters; {channel} takes {limit}. Shorten it and type it "
                            "again.", length=len(text), channel=channel.name, limit=channel.limit))
            return
        self.show(self.round.write(decision.id, text).items, published=True)
        self.next_current(decision)

    def answer(self, args: list[str]) -> None:
        post = self.session.posts.get(self.post_id(args[0]))
        if post is None:
            self.say(self._("No such post."))
            return
        replies = self.round.replies_for(post)  # a call or an email: only its own (game/play/round.py)
        if not replies:
            self.say(self._("There is no prepared answer for this post."))
            return
        if len(args) == 1:
            for number, reply in enumerate(replies, 1):
                text = self._('{label}: "{post}"', label=reply.label, post=unquoted(reply.post)) if reply.post \
                    else reply.label
                self.say(self.wrap(f"  {number}) {text}"))
            self.say(self._("Type a {id} N to answer with one of them.", id=args[0]))
            if self.case.responses is not Responses.choose:
                channel = self.session.channels[post.channel]
                self.say(self.wrap(self._("Or write your own reply: r {id} followed by your text ({where}).", id=args[0],
                                          where=self.where(channel))))
            return
        number = int(args[1]) if args[1].isdigit() else 0
        if not 1 <= number <= len(replies):
            self.say(self._("Choose between 1 and {n}.", n=len(replies)))
            return
        self.show(self.round.triage(post.id, "answer", replies[number - 1].id).items, published=True)

    def reply(self, number: str, text: str) -> None:
        """Publish a written reply to post ``number`` (the case's ``responses: write | both``)."""
        post = self.session.posts.get(self.post_id(number))
        if post is None:
            self.say(self._("No such post."))
            return
        if self.case.responses is Responses.choose:
            self.say(self._("This case's posts take one of their replies: type a {id} to see them.", id=number))
            return
        if not text:
            self.say(self._("Type r {id} followed by your reply.", id=number))
            return
        channel = self.session.channels[post.channel]
        if channel.limit and len(text) > channel.limit:
            self.say(self._("Your answer is {length} characters; {channel} takes {limit}. Shorten it and type it "
                            "again.", length=len(text), channel=channel.name, limit=channel.limit))
            return
        self.show(self.round.reply(post.id, text).items, published=True)

    def where(self, channel: Channel) -> str:
        """Where a written text goes: the channel, with its limit when it has one."""
        return (self._("{channel}, {limit} characters at most", channel=channel.name, limit=channel.limit)
                if channel.limit else channel.name)

    def inject(self, args: list[str]) -> None:
        """A facilitator's live inject: list the optional ones, or fire one by id."""
        optional = self.round.optional_items()
        if not args:
            if not optional:
                self.say(self._("No optional inject left to fire."))
            for item in optional:
                self.say(f"  {item.id}: {item.title if item.kind == 'decision' else item.text[:70]}")
            return
        if args[0] not in {item.id for item in optional}:
            self.say(self._("No optional inject '{id}' left to fire. Type i to list them.", id=args[0]))
            return
        self.show(self.round.fire(args[0]).items)

    def show_open(self) -> None:
        if not self.session.open_decisions:
            self.say(self._("No decision is waiting."))
        for decision in self.session.open_decisions:
            left = self.round.real_time_left(decision.id)
            self.say(self._("{title}: {time} left", title=decision.title, time=self.tr.duration(round(left))))
            for number, option in enumerate(decision.options, 1):
                self.say(f"  {number}) {words.option_label(option, self.tr)}")


def channel_of(decision: Decision, case: Case | None = None) -> str:
    """The channel a written answer to ``decision`` is published on: its first option's, or when
    the options offered now have none, the decision's as the case writes it (as the engine does)."""
    written = [decision, *(d for d in (case.decisions if case else ()) if d.id == decision.id)]
    return next(o.channel for d in written for o in d.options if o.channel)


SAVING_WORDS = {"log": N_("Session log not written: {why}"), "store": N_("Results not saved: {why}")}


def pace_text(case: Case, rnd: Round, tr: Translator) -> str:
    """What the briefing says of time: the round's real length, the decisions', and the speed."""
    figures = pace(case, rnd.speed, paced=rnd.pace)
    text = tr.ngettext("The round takes about {length} of real time ({duration} on the case's clock; "
                       "1 real second = {speed} simulated second).",
                       "The round takes about {length} of real time ({duration} on the case's clock; "
                       "1 real second = {speed} simulated seconds).", speed_count(rnd.speed),
                       length=tr.duration(round(figures.round_seconds)), duration=tr.duration(case.duration),
                       speed=tr.number(rnd.speed))
    if figures.decisions:
        low, high = round(figures.shortest_decision), round(figures.longest_decision)
        if low == high:
            text += " " + tr.gettext("Each decision stays open {time}.", time=tr.duration(low))
        else:
            text += " " + tr.gettext("Decisions stay open {low} to {high}.", low=tr.duration(low),
                                     high=tr.duration(high))
    return text


def format_result(result: Result, case: Case, lang: str | None = None, *, underline: bool = False) -> str:
    """The debrief as text: score, breakdown, ending, feedback per decision, signals, objectives, questions.

    In ``lang`` (the round's language by default); author-written texts stay as the case has them.
    The phrases the assessor read in a written answer are in [brackets], or underlined
    (``underline``, for a terminal).
    """
    debrief = Debrief.from_result(result, case)
    tr = translator(lang or result.language)
    _ = tr.gettext

    def para(text: str, indent: str = "    ") -> str:
        return textwrap.fill(text, 72, initial_indent=indent, subsequent_indent=indent)

    lines = ["=" * 72, _("DEBRIEF - {title}", title=case.title), "=" * 72,
             _("Score: {score} / 100", score=tr.decimal(debrief.score, 0))]
    if debrief.ended_early:
        lines.append(para(words.ended_early(debrief, tr, case.calendar), ""))
    lines.append("")
    for part in debrief.parts:
        lines.append(f"  {words.part_name(part.name, tr):<20} {tr.decimal(part.points, 1):>5} / {part.max}")
        lines.append(para(words.part_note(part, tr), " " * 6))
    lines += ["", _("Ending: {title} ({kind})", title=debrief.ending["title"], kind=words.ending_kind(debrief, tr)),
              textwrap.fill(debrief.ending["text"], 72), para(words.ending_and_score(debrief, tr), "  "), "",
              textwrap.fill(words.crisis(debrief, tr), 72)]
    if debrief.summary:
        lines += ["", textwrap.fill(debrief.summary, 72)]
    lines += ["", _("Your decisions:")]
    for d in debrief.decisions:
        lines.append(textwrap.fill(
            _("- {title}: {label} [{strategy}, fit {fit}, {time}]", title=d.title,
              label=_("your own answer") if d.written else d.label,
              strategy=words.strategy(d, tr), fit=tr.percent(d.fit), time=tr.duration(d.seconds_taken)),
            72, subsequent_indent="  "))
        if d.written:
            lines += written_lines(d.written, tr, underline)
        if d.feedback:
            lines.append(para(d.feedback))
        why = words.decision_why(d, tr)
        if why:
            lines.append(para(why))
        if d.better and d.written and d.written.best_post:
            lines.append(para(words.better_why(d, tr)))  # the best answer is shown above, with its label
        elif d.better:
            lines.append(para(_("Better: {label}. {why}", label=d.better.label, why=words.better_why(d, tr))))
    if debrief.replies:
        lines += ["", _("Your written replies:")]
    for r in debrief.replies:
        lines.append(textwrap.fill(_("- To {name} (#{number}): {post}", name=r.name, number=r.post[1:], post=r.post_text),
                                   72, subsequent_indent="  "))
        lines += written_lines(r.written, tr, underline)
        lines.append(para(words.reply_why(r, tr)))
    signals = debrief.signals
    lines += ["", _("Signals: caught {caught}, missed {missed}, false alarms {false}.", caught=len(signals.caught),
                    missed=len(signals.missed), false=signals.false_count)]
    for heading, posts in ((N_("Caught:"), signals.caught), (N_("Missed:"), signals.missed),
                           (N_("False alarms:"), signals.false_alarms)):
        if posts:
            lines.append("  " + _(heading))
            for post in posts:
                when = f"[{moment(tr, case.calendar, post.t, 'debrief')}] " if post.t is not None else ""
                lines.append(textwrap.fill(f"{when}#{post.post[1:]} {post.name}: {post.text}", 72,
                                           initial_indent="    ", subsequent_indent="      "))
    lines += ["", _("Objectives:")]
    for objective in debrief.objectives:
        lines.append(textwrap.fill(f"[{words.objective_state(objective.met, tr)}] {objective.text}", 72,
                                   initial_indent="  ", subsequent_indent="    "))
    if debrief.questions:
        lines += ["", _("To talk over:")]
        for number, question in enumerate(debrief.questions, 1):
            lines.append(textwrap.fill(f"{number}. {question.text}", 72, initial_indent="  ",
                                       subsequent_indent="     "))
    return "\n".join(lines)


UNDERLINE = ("\x1b[4m", "\x1b[24m")


def written_lines(written: WrittenReview, tr: Translator, underline: bool = False) -> list[str]:
    """A written answer in the terminal's debrief: the text with what was read marked, what each
    phrase means, the key points missing, the red lines crossed, what a person changed, and the
    authored best answer beside it."""
    _ = tr.gettext
    before, after = UNDERLINE if underline else ("[", "]")

    def para(text: str, indent: str = "    ") -> str:
        return textwrap.fill(text, 72, initial_indent=indent, subsequent_indent=indent)

    lines = ["    " + _("Your text, with the phrases the assessment read marked:"),
             para(f'"{written.marked(before, after)}"', "      ")]
    for mark in written.marks:
        lines.append(para(f"{before}{mark.words}{after} {words.mark_meaning(mark, written, tr)}", "      "))
    if written.missing:
        lines.append(para(_("Missing: {points}.", points="; ".join(p.label for p in written.missing))))
    if written.crossed:
        lines.append(para(_("Red lines crossed: {lines}.", lines="; ".join(p.label for p in written.crossed))))
    if written.unanswered:
        lines.append(para(_("Questions of the post not taken up: {questions}", questions=" ".join(written.unanswered))))
    if written.closest_label:
        lines.append(para(_("It played like the prepared answer: {label}.", label=written.closest_label)))
    for change in written.changed:
        lines.append(para(words.change_line(change, written, tr)))
    if written.best_post:
        lines.append(para(_('The authored best answer ({label}): "{post}"', label=written.best_label,
                            post=written.best_post)))
    return lines
