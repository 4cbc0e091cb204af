"""The debrief: the score and its parts, the ending, the run on a chart, feedback per decision,
the signals caught and missed, the objectives; then replay or back to the menu.

Everything here comes from ``score(session)``; the page is drawn once into a tall sheet.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.engine.model import Case
from game.engine.rubric import strategy_name
from game.engine.scoring import score
from game.engine.session import Session
from game.i18n import ENDING_KINDS, OBJECTIVE_STATES, PART_NAMES
from game.ui import theme as th
from game.ui.chart import timeline
from game.ui.dashboard import metric_name
from game.ui.notes import debrief_buttons, debrief_press, debrief_sections, debrief_setup
from game.ui.scene import PageScene
from game.ui.text import Sheet
from game.ui.widgets import key_name

OBJECTIVE_MARKS = {True: ("✔", th.GREEN), False: ("✘", th.VERMILLION), None: ("?", th.MUTED)}


class DebriefScene(PageScene):
    """Shown when the round ends.

    Args:
        app: The window.
        case: The case played.
        path: Its file (for a replay).
        session: The ended run.
    """

    name = "debrief"
    KEYS = {pygame.K_ESCAPE: "menu", pygame.K_RETURN: "menu", pygame.K_KP_ENTER: "menu",
            pygame.K_BACKSPACE: "menu", pygame.K_r: "replay", pygame.K_x: "export", pygame.K_q: "reflect"}

    def __init__(self, app, case: Case, path: Path, session: Session, recording=None,
                 notes: list[tuple[int, str]] | None = None) -> None:
        super().__init__(app)
        self.case = case
        self.path = path
        self.session = session
        self.result = score(session)
        # The round in the results store, the observer's notes, the reflection questions (game/ui/notes.py).
        debrief_setup(self, recording, notes)

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        self.lay_out_page(size, 60, 1100, [
            ("menu", self._("Back to the menu"), key_name(self.tr, "Esc"), th.GREEN),
            ("replay", self._("Play again"), "R", th.SKY),
            *debrief_buttons(self),
        ])

    def _page(self, width: int) -> Sheet:
        return self.stack(self._items(width), width, top=20)

    def _items(self, width: int):
        t, p, r, tr = self.theme, self.painter, self.result, self.tr
        session, state = self.session, self.session.state
        items: list = []

        def heading(text: str, role: str = "head", colour=th.ORANGE, gap: int = 20) -> None:
            items.append((t.px(gap) + t.line(role) + t.px(4),
                          lambda s, y: p.text(s, text, (0, y + t.px(gap)), role, colour)))

        def para(text: str, role: str = "body", colour=th.TEXT, indent: int = 0) -> None:
            h = p.wrapped_height(text, width - indent, role) + t.px(4)
            items.append((h, lambda s, y: p.paragraph(s, text, (indent, y), width - indent, role, colour)))

        team = self.app.settings.team
        heading(self._("Debrief: {title}", title=self.case.title), "title", th.TEXT, gap=0)
        if team:
            para(self._("Team: {team}", team=team), "small", th.MUTED)

        # The score and the ending side by side.
        colour, icon = th.ENDING_STYLE.get(r.ending["kind"], (th.GREY, "•"))
        ending_w = width // 2
        ending_text = r.ending["text"]
        kind = tr.name(ENDING_KINDS, r.ending["kind"])
        ending_head = f"{icon} " + self._("{heading}: {text}", heading=kind, text=r.ending["title"])
        head_h = p.wrapped_height(ending_head, ending_w, "head", max_lines=2)  # a long title wraps
        ending_h = t.line("small") + head_h + t.px(4) + p.wrapped_height(ending_text, ending_w, "body")
        score_h = max(t.line("huge") + t.line("small") + t.px(10), ending_h)

        def score_block(s: Sheet, y: int) -> None:
            y += t.px(14)
            big = p.text(s, tr.decimal(r.score, 0), (0, y), "huge", th.TEXT)
            p.text(s, self._("/ 100"), (big.right + t.px(8), big.bottom - t.px(12)), "head", th.MUTED,
                   anchor="bottomleft")
            p.text(s, self._("score {score} out of 100", score=tr.decimal(r.score, 1)), (0, big.bottom), "small",
                   th.MUTED)
            x = width - ending_w
            p.text(s, self._("How it ended"), (x, y), "small", th.MUTED)
            used = p.paragraph(s, ending_head, (x, y + t.line("small")), ending_w, "head", colour, max_lines=2)
            p.paragraph(s, ending_text, (x, y + t.line("small") + used + t.px(4)), ending_w, "body", th.TEXT)

        items.append((score_h + t.px(20), score_block))

        # The breakdown: a bar per part, with the rubric's note.
        heading(self._("Where the points came from"))
        label_w = t.px(200)
        bar_w = t.px(220)
        note_w = width - label_w - bar_w - t.px(110)
        for name, part in r.breakdown.items():
            label = tr.name(PART_NAMES, name)
            h = max(t.line("body"), p.wrapped_height(part.note, note_w, "small")) + t.px(8)

            def row(s: Sheet, y: int, label: str = label, part=part) -> None:
                p.text(s, label, (0, y), "bold", th.TEXT, width=label_w - t.px(8))
                bar = pygame.Rect(label_w, y + t.px(3), bar_w, t.line("body") - t.px(6))
                pygame.draw.rect(s.surface, th.CARD, bar, border_radius=t.px(3))
                fill = bar.copy()
                fill.w = int(bar.w * part.points / part.max) if part.max else 0
                pygame.draw.rect(s.surface, th.SKY, fill, border_radius=t.px(3))
                p.text(s, f"{tr.decimal(part.points, 1)} / {tr.number(part.max)}", (bar.right + t.px(8), y), "body",
                       th.TEXT)
                p.paragraph(s, part.note, (width - note_w, y), note_w, "small", th.MUTED)

            items.append((h, row))

        # The run on a chart, decisions marked with their numbers.
        heading(self._("The run, minute by minute"))
        marks = []
        for number, feedback in enumerate(r.decisions, 1):
            at = state.decided_at.get(feedback.decision)
            if at is not None:
                marks.append((at, str(number)))
        marks += [(at, f"✎{number}") for number, (at, _) in enumerate(self.notes, 1)]
        names = {name: self.metric_name(name) for name in state.metrics}
        chart_h = t.px(230)
        items.append((chart_h + t.px(6), lambda s, y: timeline(p, s, pygame.Rect(0, y, width, chart_h),
                                                                 state.samples, self.case.duration, names, marks)))
        para(self._("Numbered dashed lines are your decisions (numbers as in the list below). Sentiment and trust: "
                    "higher is better; visibility and media: lower is better."), "small", th.MUTED)

        # Feedback per decision.
        heading(self._("Your decisions"))
        if not r.decisions:
            para(self._("The case had no decision."), colour=th.MUTED)
        for number, d in enumerate(r.decisions, 1):
            missed = d.option is None
            mark = "✘" if missed else ("✔" if d.better is None else "◆")
            colour = th.VERMILLION if missed else (th.GREEN if d.better is None else th.ORANGE)
            items.append((t.px(10) + t.line("bold"), lambda s, y, n=number, d=d, mark=mark, colour=colour:
                          p.text(s, f"{n}.  {mark}  {d.title}", (0, y + t.px(10)), "bold", colour, width=width)))
            chose = self._("No decision in time: {label}", label=d.label) if missed else \
                self._("You chose: {label}", label=d.label)
            if d.written:
                self._written(para, d.written)
            else:
                para(chose, indent=t.px(28))
            meta = self._("Strategy: {strategy} · fit to this crisis {fit} · decided after {took}",
                          strategy=strategy_name(d.strategy, tr.lang), fit=tr.percent(d.fit),
                          took=tr.duration(d.seconds_taken))
            para(meta, "small", th.MUTED, indent=t.px(28))
            if d.feedback:
                para(d.feedback, indent=t.px(28))
            if d.why:
                para(d.why, "small", th.MUTED, indent=t.px(28))
            if d.better:
                para(self._("Better: {label}", label=d.better["label"]), "bold", th.GREEN, indent=t.px(28))
                why = d.better.get("feedback") or d.better.get("why", "")
                if why:
                    para(why, "small", th.TEXT, indent=t.px(48))

        # Signals.
        heading(self._("Signals"))
        signals = r.signals
        caught, missed = signals["caught"], signals["missed"]
        para(self._("{caught}, {false} (precision {precision}, recall {recall}).",
                    caught=tr.ngettext("{n} signal caught out of {total}", "{n} signals caught out of {total}",
                                       len(caught), total=len(caught) + len(missed)),
                    false=tr.ngettext("with {n} false alarm", "with {n} false alarms", signals["false_flags"]),
                    precision=tr.percent(signals["precision"]), recall=tr.percent(signals["recall"])))
        for item in caught:
            post = session.posts.get(item["post"])
            if post:
                when = self._("caught after {after}", after=tr.duration(item["after"]))
                said = self._("{heading}: {text}", heading=post.name, text=post.text)
                para(f"✔ {when} — {said}", "small", th.GREEN, indent=t.px(16))
        for item in missed:
            post = session.posts.get(item["post"])
            if post:
                when = self._("missed (at {at})", at=tr.clock(post.t))
                said = self._("{heading}: {text}", heading=post.name, text=post.text)
                para(f"✘ {when} — {said}", "small",
                     th.ORANGE, indent=t.px(16))

        # Objectives.
        heading(self._("Objectives"))
        for objective in r.objectives:
            mark, colour = OBJECTIVE_MARKS[objective["met"]]
            word = tr.name(OBJECTIVE_STATES, objective["met"])
            para(f"{mark} [{word}] {objective['text']}", colour=colour, indent=t.px(8))

        debrief_sections(self, heading, para)
        if r.crisis:
            heading(self._("The crisis, in the terms of the theory"))
            para(r.crisis, colour=th.MUTED)
        return items

    def _written(self, para, written: dict) -> None:
        """A written answer in the debrief: the trainee's own text, how it was read (strategy, the
        key points said or missing, the red lines crossed) and the authored best answer beside it."""
        t, tr = self.theme, self.tr
        para(self._("You wrote: “{text}”", text=written["text"]), "body", th.SKY, indent=t.px(28))
        para(self._("Read as: {strategy}", strategy=strategy_name(written["strategy"], tr.lang)), "small", th.MUTED,
             indent=t.px(28))
        for point in written.get("key_points", []):
            if point["found"]:
                para(self._("✔ said: {point}", point=point["label"]), "small", th.GREEN, indent=t.px(48))
            else:
                para(self._("✘ missing: {point}", point=point["label"]), "small", th.ORANGE, indent=t.px(48))
        for line in written.get("red_lines", []):
            if line["found"]:
                para(self._("⚠ red line crossed: {line}", line=line["label"]), "small", th.VERMILLION,
                     indent=t.px(48))
        best = written.get("best") or {}
        if best.get("post"):
            para(self._("The authored best answer: “{post}”", post=best["post"]), "small", th.TEXT, indent=t.px(48))

    def metric_name(self, name: str) -> str:
        return metric_name(self.tr, name, self.case.metric_names)

    # --- input -----------------------------------------------------------------------

    def press(self, action: str) -> None:
        if action == "menu":
            self.app.back_to("menu")
            pygame.display.set_caption("Crisis Sim")
        elif action == "replay":
            self.app.replace(self.app.new_scene("briefing", self.case, self.path))
        else:
            debrief_press(self, action)

    # --- draw ------------------------------------------------------------------------

    def scroll_hint(self) -> str:
        return self._("↑↓ PgUp PgDn or the wheel to read on")
