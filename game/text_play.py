"""Play a case in the terminal: the feed scrolls by on a simulated clock, you type commands.

This is one more front end over the engine, like the pygame one: it only calls the session's
API and prints the events it returns. Its words are in the case's language (a French case,
``crisis-sim play CASE --text --lang fr``, plays in French), through :mod:`game.i18n`.
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
from game.engine.rubric import strategy_name
from game.engine.scoring import Result, score, timeout_label
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
from game.i18n import ENDING_KINDS, OBJECTIVE_STATES, PART_NAMES, N_, Translator, translator

HELP = N_("""Commands (then Enter):
  1, 2, 3...   choose that option in the open decision
  f 12         flag post #12 as a real signal
  x 12         dismiss post #12 as noise
  a 12         see the ways to answer post #12; a 12 2 answers with the second one
  m            show the metrics        o   show open decisions
  i            list the optional injects (facilitator); i ID fires one now
  p            pause / resume          + / -   faster / slower
  q            end the round now       h   this help""")
INBOX_HEADS = {"email": N_("Email from {name}"), "phone": N_("Call from {name}"), "message": N_("Message from {name}")}


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
        self.tr: Translator = translator(session.case.language)
        self._ = self.tr.gettext

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
        result = score(self.session)
        self.say(format_result(result, self.case))
        return result

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
            self.say(self.wrap(f"- {objective.text}", indent="  "))
        channels = ", ".join(c.name for c in case.channels)
        self.say(self.wrap(_("You are watching: {channels}.", channels=channels)))
        self.say(_("The case lasts {duration} of simulated time; 1 real second = {speed} simulated seconds.",
                   duration=tr.duration(case.duration), speed=tr.number(self.sim_clock.speed)))
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

    def show(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, PostAdded):
                self.say(self.format_post(event.post))
            elif isinstance(event, DecisionOpened):
                self.show_decision(event)
            elif isinstance(event, DecisionClosed) and event.option is None:
                self.say("!! " + self._('Time is up on "{title}": {label}.', title=event.decision.title,
                                        label=timeout_label(event.decision.on_timeout, self.tr.lang)))
            elif isinstance(event, MetricsSampled) and event.t % 300 == 0 and event.t:
                self.say(self.metrics_line())
            elif isinstance(event, Ended):
                self.say("-" * self.width)
                self.say(self._("The round is over."))

    def format_post(self, post: Post) -> str:
        channel = self.session.channels[post.channel]
        stamp = f"[{self.tr.clock(post.t)}] #{post.id[1:]:>3} {channel.name[:self.tag_width]:<{self.tag_width}}"
        if channel.is_inbox:
            subject = f" - {post.subject}" if post.subject else ""
            what = self._(INBOX_HEADS.get(channel.kind.value, INBOX_HEADS["message"]), name=post.name)
            head = f"{stamp} >> {what}{subject}"
            return head + "\n" + self.wrap(post.text, indent=" " * 8)
        who = f"{post.name} {post.handle} ({self.tr.compact(post.followers)})"
        reply = " " + self._("replying to #{id}", id=post.reply_to[1:]) if post.reply_to else ""
        body = f"{stamp} {who}{reply}: {post.text}"
        return textwrap.fill(body, self.width, subsequent_indent=" " * 8)

    def show_decision(self, event: DecisionOpened) -> None:
        decision = event.decision
        self.say("*" * self.width)
        self.say(self._("DECISION: {title}  (you have {time} of simulated time)", title=decision.title,
                        time=self.tr.duration(decision.time_limit)))
        self.say(self.wrap(decision.prompt))
        for number, option in enumerate(decision.options, 1):
            self.say(self.wrap(f"  {number}) {option.label}", indent=""))
        self.say(self._("Type the number of your choice. If nobody decides: {label}.", label=timeout_label(decision.on_timeout, self.tr.lang)))
        self.say("*" * self.width)

    def countdowns(self) -> None:
        for decision in self.session.open_decisions:
            left = self.session.time_left(decision.id)
            if left <= 60 and decision.id not in self.warned:
                self.warned.add(decision.id)
                self.say("!! " + self._('One minute left to decide "{title}".', title=decision.title))

    def metrics_line(self) -> str:
        m = self.session.state.metrics
        parts = [f"{self.tr.metric(name, self.session.case.metric_names)} {self.tr.decimal(value, 0)}"
                 for name, value in m.items()]
        return f"[{self.tr.clock(self.session.t)}] -- " + " | ".join(parts) + " --"

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
            elif command in ("f", "x") and args:
                self.session.triage(self.post_id(args[0]), "flag" if command == "f" else "dismiss")
                number = args[0].lstrip("#p")
                self.say(_("Post #{number} flagged as a signal.", number=number) if command == "f"
                         else _("Post #{number} dismissed.", number=number))
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
                self.say(_("Paused. Type p to resume.") if paused else _("Resumed."))
            elif command in ("+", "-"):
                speed = self.sim_clock.faster() if command == "+" else self.sim_clock.slower()
                self.say(_("Speed: 1 real second = {speed} simulated seconds.", speed=self.tr.number(speed)))
            elif command == "q":
                self.show(self.session.end())
            elif command in ("h", "?", "help"):
                self.say(_(HELP))
            else:
                self.say(_("Unknown command. Type h for help."))
        except EngineError as exc:
            self.say(_("Cannot do that: {error}.", error=exc))

    def post_id(self, text: str) -> str:
        return "p" + text.lstrip("#p")

    def choose(self, number: int) -> None:
        open_now = self.session.open_decisions
        if not open_now:
            self.say(self._("No decision is waiting."))
            return
        decision = open_now[0]
        if not 1 <= number <= len(decision.options):
            self.say(self._("Choose between 1 and {n}.", n=len(decision.options)))
            return
        option = decision.options[number - 1]
        self.show(self.session.decide(decision.id, option.id))
        self.say(self._("You chose: {label}", label=option.label))
        if option.post:
            self.say(self.wrap(self._('Published: "{post}"', post=option.post), indent="  "))

    def answer(self, args: list[str]) -> None:
        post = self.session.posts.get(self.post_id(args[0]))
        if post is None:
            self.say(self._("No such post."))
            return
        replies = self.session.replies_for(post)
        if len(args) == 1:
            for number, reply in enumerate(replies, 1):
                self.say(self.wrap(f"  {number}) " + self._('{label}: "{post}"', label=reply.label, post=reply.post or "")))
            self.say(self._("Type a {id} N to answer with one of them.", id=args[0]))
            return
        number = int(args[1]) if args[1].isdigit() else 0
        if not 1 <= number <= len(replies):
            self.say(self._("Choose between 1 and {n}.", n=len(replies)))
            return
        self.show(self.session.triage(post.id, "answer", replies[number - 1].id))

    def inject(self, args: list[str]) -> None:
        """A facilitator's live inject: list the optional ones, or fire one by id."""
        optional = [i for i in self.case.injects if i.optional and i.id not in self.session.state.fired]
        optional += [d for d in self.case.decisions if d.optional and d.id not in self.session.state.fired]
        if not args:
            if not optional:
                self.say(self._("No optional inject left to fire."))
            for item in optional:
                self.say(f"  {item.id}: {getattr(item, 'title', None) or item.text[:70]}")
            return
        if args[0] not in {item.id for item in optional}:
            self.say(self._("No optional inject '{id}' left to fire. Type i to list them.", id=args[0]))
            return
        self.show(self.session.fire(args[0]))

    def show_open(self) -> None:
        if not self.session.open_decisions:
            self.say(self._("No decision is waiting."))
        for decision in self.session.open_decisions:
            left = self.session.time_left(decision.id)
            self.say(self._("{title}: {time} left", title=decision.title, time=self.tr.duration(left)))
            for number, option in enumerate(decision.options, 1):
                self.say(f"  {number}) {option.label}")


def format_result(result: Result, case: Case) -> str:
    """The debrief as text: score, breakdown, ending, feedback per decision, signals, objectives.

    In the language of the run's case, like the notes the engine wrote into ``result``.
    """
    tr = translator(result.language)
    _ = tr.gettext

    def para(text: str, indent: str = "    ") -> str:
        return textwrap.fill(text, 72, initial_indent=indent, subsequent_indent=indent)

    lines = ["=" * 72, _("DEBRIEF - {title}", title=case.title), "=" * 72,
             _("Score: {score} / 100", score=tr.decimal(result.score, 0)), ""]
    for name, part in result.breakdown.items():
        label = tr.name(PART_NAMES, name).capitalize()
        lines.append(f"  {label:<20} {tr.decimal(part.points, 1):>5} / {part.max}")
        lines.append(para(part.note, " " * 6))
    kind = tr.name(ENDING_KINDS, result.ending["kind"]).lower()
    lines += ["", _("Ending: {title} ({kind})", title=result.ending["title"], kind=kind),
              textwrap.fill(result.ending["text"], 72), "", textwrap.fill(result.crisis, 72)]
    if case.crisis.summary:
        lines += ["", textwrap.fill(case.crisis.summary, 72)]
    lines += ["", _("Your decisions:")]
    for d in result.decisions:
        lines.append(textwrap.fill(
            _("- {title}: {label} [{strategy}, fit {fit}, {time}]", title=d.title, label=d.label,
              strategy=strategy_name(d.strategy, tr.lang), fit=tr.percent(d.fit), time=tr.duration(d.seconds_taken)),
            72, subsequent_indent="  "))
        lines.append(para(d.feedback))
        if d.why:
            lines.append(para(d.why))
        if d.better:
            lines.append(para(_("Better: {label}. {why}", label=d.better["label"], why=d.better["why"])))
    signals = result.signals
    lines += ["", _("Signals: caught {caught}, missed {missed}, false alarms {false}.", caught=len(signals["caught"]),
                    missed=len(signals["missed"]), false=signals["false_flags"]), "", _("Objectives:")]
    for objective in result.objectives:
        mark = tr.name(OBJECTIVE_STATES, objective["met"])
        lines.append(textwrap.fill(f"[{mark}] {objective['text']}", 72, initial_indent="  ",
                                   subsequent_indent="    "))
    return "\n".join(lines)
