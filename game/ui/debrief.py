"""The debrief: the score and its parts, the ending, the run on a chart, feedback per decision,
the signals caught, missed and falsely flagged, the objectives; then replay or back to the menu.

Everything here comes from the play layer's typed :class:`~game.play.debrief.Debrief` of
``score(session)``, worded by :mod:`game.play.words` (the chart reads the session's samples);
the page is drawn once into a tall sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from collections.abc import Callable

from game.engine.model import Case
from game.engine.scoring import score
from game.engine.session import Session
from game.i18n import ENDING_KINDS, Translator
from game.play import words
from game.play.debrief import Debrief, PartScore, WrittenReview
from game.play.moments import moment, moments
from game.results.recording import Recording
from game.ui import theme as th
from game.ui.chart import timeline
from game.ui.dashboard import metric_name
from game.ui.notes import debrief_buttons, debrief_press, debrief_sections, debrief_setup
from game.ui.scene import Colour, PageItem, PageScene
from game.ui.text import Sheet
from game.ui.widgets import key_name

if TYPE_CHECKING:
    from game.ui.app import App

OBJECTIVE_MARKS = {True: ("✔", th.GREEN), False: ("✘", th.VERMILLION), None: ("?", th.MUTED)}


def merge_marks(marks: list[tuple[int, str]], end: int, plot_width: int,
                label_width: Callable[[str], int]) -> list[tuple[int, str]]:
    """Chart marks whose labels would overlap, joined into one label ("3 ✎1" rather than "3✎1").

    Args:
        marks: ``(t, label)``: decisions and the observer's notes.
        end: The chart's last second (its right edge).
        plot_width: Width of the plotting area in pixels.
        label_width: Width of a label's box in pixels.
    """
    merged: list[tuple[int, str]] = []
    for at, label in sorted(marks):
        if merged:
            first, joined = merged[-1]
            gap = (at - first) / end * plot_width if end else 0
            if gap < (label_width(joined) + label_width(label)) / 2:
                merged[-1] = (first, f"{joined} {label}")
                continue
        merged.append((at, label))
    return merged


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"  # the circled numbers DejaVu Sans draws
MARK_COLOURS = {"red_line": th.VERMILLION, "key_point": th.GREEN, "untimed": th.ORANGE}
SEVERITY = ("red_line", "untimed", "key_point", "strategy", "tone", "timed")
"""A phrase read as several findings takes the colour of the first of them in this order."""


def mark_number(n: int) -> str:
    """The number that ties a marked phrase to its meaning: ①, ②... then (11), (12)..."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


def numbered_marks(written: WrittenReview, tr: Translator) -> tuple[str, list[tuple[str, str, str, str]]]:
    """A written answer's text with each phrase the assessment read between brackets and
    numbered ("[we're sorry]①"), and for each number the phrase and what it was read as, in
    the player's language (words.mark_meaning, as the report and the host say it): a bare
    bracket would not say which finding it is. Overlapping phrases are one, with every meaning.

    Returns:
        The marked text, and ``(number, phrase, meanings, kind)`` per phrase (``kind`` the most
        serious finding in it, for its colour: ``untimed`` for a promise without a time).
    """
    spans: list[list[Any]] = []  # [start, end, meanings, kinds]
    for mark in sorted(written.marks, key=lambda m: (m.start, m.end)):
        meaning = words.mark_meaning(mark, written, tr)
        kind = mark.id if mark.kind == "promise" else mark.kind
        if spans and mark.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], mark.end)
            if meaning not in spans[-1][2]:
                spans[-1][2].append(meaning)
            spans[-1][3].append(kind)
        else:
            spans.append([mark.start, mark.end, [meaning], [kind]])
    text, at = written.text, 0
    out: list[str] = []
    phrases: list[tuple[str, str, str, str]] = []
    for n, (start, end, meanings, kinds) in enumerate(spans, 1):
        number = mark_number(n)
        out += [text[at:start], "[", text[start:end], "]", number]
        at = end
        worst = min(kinds, key=lambda k: SEVERITY.index(k) if k in SEVERITY else len(SEVERITY))
        # TRANSLATORS: between two meanings of one phrase (French puts a no-break space before it).
        phrases.append((number, text[start:end], tr.gettext("; ").join(meanings), worst))
    return "".join(out) + text[at:], phrases


class DebriefScene(PageScene):
    """Shown when the round ends.

    Args:
        app: The window.
        case: The case played.
        path: Its file (for a replay).
        session: The ended run.
    """

    name = "debrief"
    notes: list[tuple[int, str]]  # the observer's notes, ``(t, text)`` in time order (set by debrief_setup)
    recording: Recording | None  # the round in the results store (set by debrief_setup)
    message: str  # what was saved, or why not (set by debrief_setup)
    KEYS = {pygame.K_ESCAPE: "menu", pygame.K_RETURN: "menu", pygame.K_KP_ENTER: "menu",
            pygame.K_BACKSPACE: "menu", pygame.K_r: "replay", pygame.K_x: "export", pygame.K_q: "reflect",
            pygame.K_c: "correct"}

    def __init__(self, app: App, case: Case, path: Path, session: Session, recording: Recording | None = None,
                 notes: list[tuple[int, str]] | None = None) -> None:
        super().__init__(app)
        self.case = case
        self.path = path
        self.session = session
        self.result = score(session)
        # What the page shows, typed and worded by the play layer like every other debrief
        # (terminal, host, report): game/play/debrief.py and game/play/words.py.
        self.debrief = Debrief.from_result(self.result, case)
        # The round in the results store, the observer's notes, the reflection questions (game/ui/notes.py).
        debrief_setup(self, recording, notes)

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        self.lay_out_page(size, 60, 1100, [
            ("menu", self._("Back to the menu"), key_name(self.tr, "Esc"), th.GREEN),
            ("replay", self._("Play again"), "R", th.SKY),
            *debrief_buttons(self),
            *([("correct", self._("Correct the reading"), "C", th.PURPLE)] if self.written_answers else []),
        ])

    @property
    def written_answers(self) -> bool:
        """Whether the round has texts the facilitator may correct (issue 11, game/ui/override.py)."""
        return any(d.written is not None for d in self.debrief.decisions) or bool(self.debrief.replies)

    def corrected(self, before: float) -> None:
        """The facilitator changed findings (game/ui/override.py): score again, say so, lay out again.
        A round kept in the results store was amended there by the session's log (its score and ranking)."""
        self.result = score(self.session)
        self.debrief = Debrief.from_result(self.result, self.case)
        if self.recording is not None and self.recording.stream.pending and self.recording.store.problem:
            self.message = self._("The change was not saved: {why}", why=self.recording.store.problem)
        else:
            self.message = self._("A person's reading: the score goes from {before} to {after}",
                                  before=self.tr.decimal(before, 1), after=self.tr.decimal(self.result.score, 1))
        self.layout(self.app.size)

    def _page(self, width: int) -> Sheet:
        return self.stack(self._items(width), width, top=20)

    def _items(self, width: int) -> list[PageItem]:
        t, p, d, tr = self.theme, self.painter, self.debrief, self.tr
        state = self.session.state
        items: list[PageItem] = []

        def heading(text: str, role: str = "head", colour: Colour = th.ORANGE, gap: int = 20) -> None:
            # Headings wrap: a long case title in projector type keeps its end (no cut mid-word).
            h = p.wrapped_height(text, width, role)
            items.append((t.px(gap) + h + t.px(4),
                          lambda s, y: p.paragraph(s, text, (0, y + t.px(gap)), width, role, colour)))

        def para(text: str, role: str = "body", colour: Colour = th.TEXT, indent: int = 0) -> None:
            h = p.wrapped_height(text, width - indent, role) + t.px(4)
            items.append((h, lambda s, y: p.paragraph(s, text, (indent, y), width - indent, role, colour)))

        team = self.app.settings.team
        heading(self._("Debrief: {title}", title=self.case.title), "title", th.TEXT, gap=0)
        line = self._("Team: {team}", team=team) + " · " if team else ""
        para(line + self._("feed seed {seed} (kept with the round: a replay plays the same feed)", seed=str(d.seed)), "small",
             th.MUTED)
        early = words.ended_early(d, tr, self.case.calendar)
        if early:
            para("■ " + early, "small", th.ORANGE)  # a stop sign DejaVu draws (⏹ it has not)

        # The score and the ending side by side.
        colour, icon = th.ENDING_STYLE.get(d.ending.get("kind", ""), (th.GREY, "•"))
        ending_w = width // 2
        ending_text = d.ending.get("text", "")
        kind = tr.name(ENDING_KINDS, d.ending.get("kind", ""))
        ending_head = f"{icon} " + self._("{heading}: {text}", heading=kind, text=d.ending.get("title", ""))
        head_h = p.wrapped_height(ending_head, ending_w, "head", max_lines=2)  # a long title wraps
        ending_h = t.line("small") + head_h + t.px(4) + p.wrapped_height(ending_text, ending_w, "body")
        score_h = max(t.line("huge") + t.line("small") + t.px(10), ending_h)

        def score_block(s: Sheet, y: int) -> None:
            y += t.px(14)
            big = p.text(s, tr.decimal(d.score, 0), (0, y), "huge", th.TEXT)
            p.text(s, self._("/ 100"), (big.right + t.px(8), big.bottom - t.px(12)), "head", th.MUTED,
                   anchor="bottomleft")
            p.text(s, self._("score {score} out of 100", score=tr.decimal(d.score, 1)), (0, big.bottom), "small",
                   th.MUTED)
            x = width - ending_w
            p.text(s, self._("How it ended"), (x, y), "small", th.MUTED)
            used = p.paragraph(s, ending_head, (x, y + t.line("small")), ending_w, "head", colour, max_lines=2)
            p.paragraph(s, ending_text, (x, y + t.line("small") + used + t.px(4)), ending_w, "body", th.TEXT)

        items.append((score_h + t.px(20), score_block))
        para(words.ending_and_score(d, tr), "small", th.MUTED)  # the two verdicts, and whether they agree

        # The breakdown: a bar per part, with the rubric's note. The label column is as wide as
        # this language's longest part name, so "Détection des signaux" is not cut in large type.
        heading(self._("Where the points came from"))
        bold = t.font("bold")
        label_w = min(width // 3, max(t.px(200), max((bold.size(words.part_name(x.name, tr))[0] for x in d.parts),
                                                      default=0) + t.px(12)))
        bar_w = t.px(220)
        score_w = t.font("body").size("00,0 / 00")[0] + t.px(16)
        note_w = width - label_w - bar_w - score_w - t.px(16)
        for part in d.parts:
            label = words.part_name(part.name, tr)
            note = words.part_note(part, tr)
            h = max(t.line("body"), p.wrapped_height(note, note_w, "small")) + t.px(8)

            def row(s: Sheet, y: int, label: str = label, part: PartScore = part, note: str = note) -> None:
                p.text(s, label, (0, y), "bold", th.TEXT, width=label_w - t.px(8))
                bar = pygame.Rect(label_w, y + t.px(3), bar_w, t.line("body") - t.px(6))
                pygame.draw.rect(s.surface, th.CARD, bar, border_radius=t.px(3))
                fill = bar.copy()
                fill.w = int(bar.w * part.points / part.max) if part.max else 0
                pygame.draw.rect(s.surface, th.SKY, fill, border_radius=t.px(3))
                p.text(s, f"{tr.decimal(part.points, 1)} / {tr.number(part.max)}", (bar.right + t.px(8), y), "body",
                       th.TEXT)
                p.paragraph(s, note, (width - note_w, y), note_w, "small", th.MUTED)

            items.append((h, row))

        # The run on a chart, decisions marked with their numbers, observer's notes with ✎.
        heading(self._("The run, minute by minute"))
        marks = []
        for number, review in enumerate(d.decisions, 1):
            at = state.decided_at.get(review.decision)
            if at is not None:
                marks.append((at, str(number)))
        marks += [(at, f"✎{number}") for number, (at, _) in enumerate(self.notes, 1)]
        names = {name: self.metric_name(name) for name in state.metrics}
        chart_h = t.px(230)
        clock = moments(tr, self.case.calendar, "tiny") if self.case.calendar else None
        end = max(self.case.duration, state.samples[-1][0] if state.samples else 1, 1)
        marks = merge_marks(marks, end, width - t.px(130), lambda text: t.font("small").size(text)[0] + t.px(10))
        items.append((chart_h + t.px(6), lambda s, y: timeline(p, s, pygame.Rect(0, y, width, chart_h),
                                                                 state.samples, self.case.duration, names, marks,
                                                                 clock)))
        para(self._("Numbered dashed lines are your decisions (numbers as in the list below). Sentiment and trust: "
                    "higher is better; visibility and media: lower is better."), "small", th.MUTED)

        # Feedback per decision.
        heading(self._("Your decisions"))
        if not d.decisions:
            para(self._("The case had no decision."), colour=th.MUTED)
        for number, review in enumerate(d.decisions, 1):
            missed = review.option is None
            mark = "✘" if missed else ("✔" if review.better is None else "◆")
            colour = th.VERMILLION if missed else (th.GREEN if review.better is None else th.ORANGE)
            heading(f"{number}.  {mark}  {review.title}", "bold", colour, gap=10)
            chose = self._("No decision in time: {label}", label=review.label) if missed else \
                self._("You chose: {label}", label=review.label)
            if review.written is not None:
                self._written(para, review.written)
            else:
                para(chose, indent=t.px(28))
            # A decision nobody took timed out: it was not "decided after" its time limit.
            facts = {"strategy": words.strategy(review, tr), "fit": tr.percent(review.fit),
                     "took": tr.duration(review.seconds_taken)}
            meta = self._("Strategy: {strategy} · fit to this crisis {fit} · closed undecided after {took}", **facts) \
                if missed else self._("Strategy: {strategy} · fit to this crisis {fit} · decided after {took}", **facts)
            para(meta, "small", th.MUTED, indent=t.px(28))
            if review.feedback:
                para(review.feedback, indent=t.px(28))
            why = words.decision_why(review, tr)
            if why:
                para(why, "small", th.MUTED, indent=t.px(28))
            if review.better:
                para(self._("Better: {label}", label=review.better.label), "bold", th.GREEN, indent=t.px(28))
                better_why = words.better_why(review, tr)
                if better_why:
                    para(better_why, "small", th.TEXT, indent=t.px(48))

        # Posts answered in writing (issue 11, small addition by the assess helper): as decisions' texts.
        if d.replies:
            heading(self._("Your written replies"))
        for reply in d.replies:
            crossed = bool(reply.written.crossed)
            heading(f"{'⚠' if crossed else '↩'}  " + self._("{heading}: {text}", heading=reply.name, text=reply.post_text),
                    "bold", th.VERMILLION if crossed else th.TEXT, gap=10)
            self._written(para, reply.written)
            para(words.reply_why(reply, tr), "small", th.MUTED, indent=t.px(28))

        # Signals: caught, missed and false alarms, each post by its author and words.
        heading(self._("Signals"))
        signals = d.signals
        para(words.signal_summary(signals, tr))
        for post in signals.caught:
            when = self._("caught after {after}", after=tr.duration(post.after or 0))
            said = self._("{heading}: {text}", heading=post.name, text=post.text)
            para(f"✔ {when} — {said}", "small", th.GREEN, indent=t.px(16))
        for post in signals.missed:
            when = self._("missed (at {at})", at=moment(tr, self.case.calendar, post.t or 0, "debrief"))
            said = self._("{heading}: {text}", heading=post.name, text=post.text)
            para(f"✘ {when} — {said}", "small", th.ORANGE, indent=t.px(16))
        for post in signals.false_alarms:
            when = self._("false alarm (at {at})", at=moment(tr, self.case.calendar, post.t or 0, "debrief"))
            said = self._("{heading}: {text}", heading=post.name, text=post.text)
            para(f"◆ {when} — {said}", "small", th.MUTED, indent=t.px(16))

        # Objectives, as the debrief words them (the briefing may have shown the players' wording).
        heading(self._("Objectives"))
        for objective in d.objectives:
            mark, colour = OBJECTIVE_MARKS[objective.met]
            word = words.objective_state(objective.met, tr)
            para(f"{mark} [{word}] {objective.text}", colour=colour, indent=t.px(8))

        debrief_sections(self, heading, para)
        crisis = words.crisis(d, tr)
        if crisis:
            heading(self._("The crisis, in the terms of the theory"))
            para(crisis, colour=th.MUTED)
        return items

    def _written(self, para: Callable[..., None], written: WrittenReview) -> None:
        """A written answer (issue 11): the trainee's own text with the phrases the assessment read
        between brackets, the key points said or missing, the red lines crossed, and the authored
        best answer beside it (small addition by the ui helper)."""
        t = self.theme
        text, phrases = numbered_marks(written, self.tr)
        para(self._("You wrote: “{text}”", text=text), "body", th.SKY, indent=t.px(28))
        for number, said, meaning, kind in phrases:  # what each numbered phrase was read as
            para(self._("{number} “{words}” — {meaning}", number=number, words=said, meaning=meaning), "small",
                 MARK_COLOURS.get(kind, th.TEXT), indent=t.px(48))
        for point in written.key_points:
            if point.found:
                para(self._("✔ said: {point}", point=point.label), "small", th.GREEN, indent=t.px(48))
            else:
                para(self._("✘ missing: {point}", point=point.label), "small", th.ORANGE, indent=t.px(48))
        for line in written.crossed:
            para(self._("⚠ red line crossed: {line}", line=line.label), "small", th.VERMILLION, indent=t.px(48))
        for change in written.changed:  # the facilitator's last word (C, game/ui/override.py)
            para("✎ " + words.change_line(change, written, self.tr),
                 "small", th.PURPLE, indent=t.px(48))
        if written.best_post:
            para(self._("The authored best answer: “{post}”", post=written.best_post), "small", th.TEXT,
                 indent=t.px(48))

    def metric_name(self, name: str) -> str:
        return metric_name(self.tr, name, self.case.metric_names)

    # --- input -----------------------------------------------------------------------

    def press(self, action: str) -> None:
        if action == "menu":
            self.app.back_to("menu")
            pygame.display.set_caption("Crisis Sim")
        elif action == "replay":
            self.app.replace(self.app.new_scene("briefing", self.case, self.path))
        elif action == "correct" and self.written_answers:
            self.app.push(self.app.new_scene("override", self))
        else:
            debrief_press(self, action)

    # --- draw ------------------------------------------------------------------------

    def scroll_hint(self) -> str:
        return self._("↑↓ PgUp PgDn or the wheel to read on")
