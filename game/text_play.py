"""Play a case in the terminal: the feed scrolls by on a simulated clock, you type commands.

This is one more front end over the engine, like the pygame one: it only calls the session's
API and prints the events it returns.
"""

from __future__ import annotations

import select
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import Protocol, TextIO

from game.engine.clock import SimClock
from game.engine.model import Case
from game.engine.scoring import Result
from game.engine.session import (
    DecisionClosed,
    DecisionOpened,
    EngineError,
    Ended,
    Event,
    MetricsSampled,
    PostAdded,
    Session,
)
from game.engine.state import Post

HELP = """Commands (then Enter):
  1, 2, 3...   choose that option in the open decision
  f 12         flag post #12 as a real signal
  x 12         dismiss post #12 as noise
  a 12         see the ways to answer post #12; a 12 2 answers with the second one
  m            show the metrics        o   show open decisions
  i            list the optional injects (facilitator); i ID fires one now
  p            pause / resume          + / -   faster / slower
  q            end the round now       h   this help"""


class Commands(Protocol):
    def poll(self, timeout: float) -> str | None:
        """A line the user typed, waiting at most ``timeout`` real seconds; None if none."""


class StdinCommands:
    """Lines from standard input, without blocking the clock."""

    def __init__(self, stream: TextIO = sys.stdin) -> None:
        self.stream = stream
        self.closed = False

    def poll(self, timeout: float) -> str | None:
        if self.closed:
            return None
        ready, _, _ = select.select([self.stream], [], [], timeout)
        if not ready:
            return None
        line = self.stream.readline()
        if line == "":
            self.closed = True
            return None
        return line.strip()


def clock_text(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def short_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1_000:
        return f"{n / 1_000:.1f}k"
    return str(n)


class TextPlayer:
    """The terminal front end.

    Args:
        session: The run to play.
        out: Where to print.
        commands: Where typed commands come from.
        clock: Real time in seconds (``time.monotonic``); tests pass a fake.
        speed: Simulated seconds per real second.
    """

    def __init__(
        self, session: Session, out: TextIO, commands: Commands, clock: Callable[[], float], speed: float = 10.0
    ) -> None:
        self.session = session
        self.out = out
        self.commands = commands
        self.clock = clock
        self.sim_clock = SimClock(speed)
        self.width = min(100, shutil.get_terminal_size((100, 24)).columns)
        self.warned: set[str] = set()
        self.tag_width = min(18, max(len(c.name) for c in session.case.channels))

    @property
    def case(self) -> Case:
        return self.session.case

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def run(self) -> Result:
        self.briefing()
        last = self.clock()
        while not self.session.state.ended:
            line = self.commands.poll(0.1)
            now = self.clock()
            elapsed, last = now - last, now
            if line:
                self.handle(line)
            if not self.sim_clock.paused and not self.session.state.ended:
                self.show(self.session.advance(self.sim_clock.simulated(elapsed)))
                self.countdowns()
        result = self.session.result()
        self.say(format_result(result, self.case))
        return result

    def briefing(self) -> None:
        case = self.case
        self.say("=" * self.width)
        self.say(case.title.upper())
        self.say("=" * self.width)
        self.say(self.wrap(case.briefing))
        self.say()
        self.say(self.wrap(f"Your role: {case.role}"))
        self.say("Objectives:")
        for objective in case.objectives:
            self.say(self.wrap(f"- {objective.text}", indent="  "))
        channels = ", ".join(c.name for c in case.channels)
        self.say(self.wrap(f"You are watching: {channels}."))
        self.say(f"The case lasts {clock_text(case.duration)} of simulated time; "
                 f"1 real second = {self.sim_clock.speed:g} simulated seconds.")
        self.say()
        self.say(HELP)
        self.say("-" * self.width)

    def wrap(self, text: str, indent: str = "") -> str:
        return "\n".join(
            textwrap.fill(p, self.width, initial_indent=indent if i == 0 else indent,
                          subsequent_indent=indent + "  " if indent else "")
            for i, p in enumerate(text.strip().split("\n"))
        )

    # --- output ----------------------------------------------------------------------

    def show(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, PostAdded):
                self.say(self.format_post(event.post))
            elif isinstance(event, DecisionOpened):
                self.show_decision(event)
            elif isinstance(event, DecisionClosed) and event.option is None:
                self.say(f"!! Time is up on \"{event.decision.title}\": {event.decision.on_timeout.label}.")
            elif isinstance(event, MetricsSampled) and event.t % 300 == 0 and event.t:
                self.say(self.metrics_line())
            elif isinstance(event, Ended):
                self.say("-" * self.width)
                self.say("The round is over.")

    def format_post(self, post: Post) -> str:
        channel = self.session.channels[post.channel]
        stamp = f"[{clock_text(post.t)}] #{post.id[1:]:>3} {channel.name[:self.tag_width]:<{self.tag_width}}"
        if channel.is_inbox:
            subject = f" - {post.subject}" if post.subject else ""
            head = f"{stamp} >> {channel.kind.value.upper()} from {post.name}{subject}"
            return head + "\n" + self.wrap(post.text, indent=" " * 8)
        who = f"{post.name} {post.handle} ({short_count(post.followers)})"
        reply = f" replying to #{post.reply_to[1:]}" if post.reply_to else ""
        body = f"{stamp} {who}{reply}: {post.text}"
        return textwrap.fill(body, self.width, subsequent_indent=" " * 8)

    def show_decision(self, event: DecisionOpened) -> None:
        decision = event.decision
        minutes = decision.time_limit // 60
        self.say("*" * self.width)
        self.say(f"DECISION: {decision.title}  (you have {minutes} min of simulated time)")
        self.say(self.wrap(decision.prompt))
        for number, option in enumerate(decision.options, 1):
            self.say(self.wrap(f"  {number}) {option.label}", indent=""))
        self.say("Type the number of your choice. If nobody decides: " + decision.on_timeout.label + ".")
        self.say("*" * self.width)

    def countdowns(self) -> None:
        for decision in self.session.open_decisions:
            left = self.session.time_left(decision.id)
            if left <= 60 and decision.id not in self.warned:
                self.warned.add(decision.id)
                self.say(f"!! One minute left to decide \"{decision.title}\".")

    def metrics_line(self) -> str:
        m = self.session.state.metrics
        parts = [f"{name.capitalize()} {value:.0f}" for name, value in m.items()]
        return f"[{clock_text(self.session.t)}] -- " + " | ".join(parts) + " --"

    # --- input -----------------------------------------------------------------------

    def handle(self, line: str) -> None:
        words = line.split()
        if not words:
            return
        command, args = words[0].lower(), words[1:]
        try:
            if command.isdigit():
                self.choose(int(command))
            elif command in ("f", "x") and args:
                self.session.triage(self.post_id(args[0]), "flag" if command == "f" else "dismiss")
                self.say(f"Post #{args[0].lstrip('#p')} {'flagged as a signal' if command == 'f' else 'dismissed'}.")
            elif command == "a" and args:
                self.answer(args)
            elif command == "i":
                self.inject(args)
            elif command == "m":
                self.say(self.metrics_line())
            elif command == "o":
                self.show_open()
            elif command == "p":
                paused = self.sim_clock.toggle_pause()
                self.say("Paused. Type p to resume." if paused else "Resumed.")
            elif command in ("+", "-"):
                speed = self.sim_clock.faster() if command == "+" else self.sim_clock.slower()
                self.say(f"Speed: 1 real second = {speed:g} simulated seconds.")
            elif command == "q":
                self.show(self.session.end())
            elif command in ("h", "?", "help"):
                self.say(HELP)
            else:
                self.say("Unknown command. Type h for help.")
        except EngineError as exc:
            self.say(f"Cannot do that: {exc}.")

    def post_id(self, text: str) -> str:
        return "p" + text.lstrip("#p")

    def choose(self, number: int) -> None:
        open_now = self.session.open_decisions
        if not open_now:
            self.say("No decision is waiting.")
            return
        decision = open_now[0]
        if not 1 <= number <= len(decision.options):
            self.say(f"Choose between 1 and {len(decision.options)}.")
            return
        option = decision.options[number - 1]
        self.show(self.session.decide(decision.id, option.id))
        self.say(f"You chose: {option.label}")
        if option.post:
            self.say(self.wrap(f"Published: \"{option.post}\"", indent="  "))

    def answer(self, args: list[str]) -> None:
        post = self.session.posts.get(self.post_id(args[0]))
        if post is None:
            self.say("No such post.")
            return
        replies = self.session.replies_for(post)
        if len(args) == 1:
            for number, reply in enumerate(replies, 1):
                self.say(self.wrap(f"  {number}) {reply.label}: \"{reply.post or ''}\""))
            self.say(f"Type a {args[0]} N to answer with one of them.")
            return
        number = int(args[1]) if args[1].isdigit() else 0
        if not 1 <= number <= len(replies):
            self.say(f"Choose between 1 and {len(replies)}.")
            return
        self.show(self.session.triage(post.id, "answer", replies[number - 1].id))

    def inject(self, args: list[str]) -> None:
        """A facilitator's live inject: list the optional ones, or fire one by id."""
        optional = [i for i in self.case.injects if i.optional and i.id not in self.session.state.fired]
        optional += [d for d in self.case.decisions if d.optional and d.id not in self.session.state.fired]
        if not args:
            if not optional:
                self.say("No optional inject left to fire.")
            for item in optional:
                self.say(f"  {item.id}: {getattr(item, 'title', None) or item.text[:70]}")
            return
        if args[0] not in {item.id for item in optional}:
            self.say(f"No optional inject {args[0]!r} left to fire. Type i to list them.")
            return
        self.show(self.session.fire(args[0]))

    def show_open(self) -> None:
        if not self.session.open_decisions:
            self.say("No decision is waiting.")
        for decision in self.session.open_decisions:
            left = self.session.time_left(decision.id)
            self.say(f"{decision.title}: {left // 60}:{left % 60:02d} left")
            for number, option in enumerate(decision.options, 1):
                self.say(f"  {number}) {option.label}")


def format_result(result: Result, case: Case) -> str:
    """The debrief as text: score, breakdown, ending, feedback per decision, signals, objectives."""
    def para(text: str, indent: str = "    ") -> str:
        return textwrap.fill(text, 72, initial_indent=indent, subsequent_indent=indent)

    lines = ["=" * 72, f"DEBRIEF - {case.title}", "=" * 72,
             f"Score: {result.score:.0f} / 100", ""]
    for name, part in result.breakdown.items():
        lines.append(f"  {name.replace('_', ' ').capitalize():<20} {part.points:5.1f} / {part.max}")
        lines.append(para(part.note, " " * 6))
    lines += ["", f"Ending: {result.ending['title']} ({result.ending['kind']})",
              textwrap.fill(result.ending["text"], 72), "", textwrap.fill(result.crisis, 72)]
    if case.crisis.summary:
        lines += ["", textwrap.fill(case.crisis.summary, 72)]
    lines += ["", "Your decisions:"]
    for d in result.decisions:
        lines.append(textwrap.fill(
            f"- {d.title}: {d.label} [{d.strategy.replace('_', ' ')}, fit {d.fit:.0%}, "
            f"{d.seconds_taken // 60} min {d.seconds_taken % 60} s]", 72, subsequent_indent="  "))
        lines.append(para(d.feedback))
        lines.append(para(d.why))
        if d.better:
            lines.append(para(f"Better: {d.better['label']}. {d.better['why']}"))
    signals = result.signals
    lines += ["", f"Signals: caught {len(signals['caught'])}, missed {len(signals['missed'])}, "
                  f"false alarms {signals['false_flags']}.", "", "Objectives:"]
    for objective in result.objectives:
        mark = {True: "met", False: "not met", None: "to discuss"}[objective["met"]]
        lines.append(textwrap.fill(f"[{mark}] {objective['text']}", 72, initial_indent="  ",
                                   subsequent_indent="    "))
    return "\n".join(lines)
