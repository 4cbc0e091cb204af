"""Observer's notes during a round, reflection questions after it, and what the debrief shows of
both.

N in the live screen opens a one-line field over the running game (it keeps running: the note is
about the team, not for the team); the note is stamped with the simulated time at which the field
was opened, stored at once, and shown in the debrief and the report at that time on the timeline.
The case's reflection questions are answered on the debrief (Q), one field per question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.play.moments import moment
from game.results.recording import case_questions
from game.ui import theme as th
from game.ui.rounds import export_report
from game.ui.scene import Scene
from game.ui.widgets import TextField, key_name

if TYPE_CHECKING:
    from game.ui.app import App

NOTE_LIMIT = 280
ANSWER_LIMIT = 600


def _box(scene: Scene, surface: pygame.Surface, height: int, colour: tuple[int, int, int]) -> pygame.Rect:
    t = scene.theme
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 150))
    surface.blit(shade, (0, 0))
    box = pygame.Rect(0, 0, min(w - t.px(60), t.px(900)), min(h - t.px(40), height))
    box.center = (w // 2, h // 2)
    pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
    pygame.draw.rect(surface, colour, box, width=max(2, t.px(2)), border_radius=t.px(10))
    return box


class FieldScene(Scene):
    """An overlay with one text field: Enter submits it, Esc closes it, every other key is typing.

    The field starts in editing mode, so the key that opened the overlay is never typed into it
    (:meth:`TextField.key_text`); clicks and the wheel stay in the overlay.
    """

    overlay = True

    def __init__(self, app: App, field: TextField) -> None:
        super().__init__(app)
        self.field = field
        field.editing = True
        pygame.key.start_text_input()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()
            return True
        if event.type in (pygame.TEXTINPUT, pygame.KEYDOWN):
            self.field.editing = True
            self.field.handle(event)
            return True  # every key is typing while the field is open
        return event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL)

    def submit(self) -> None:
        raise NotImplementedError


class NoteScene(FieldScene):
    """The facilitator's note field, over the live screen (which keeps running under it).

    Args:
        app: The window.
        live: The live screen the note is about.
    """

    name = "note"

    def __init__(self, app: App, live: Any) -> None:
        super().__init__(app, TextField("", NOTE_LIMIT))
        self.live = live
        self.at = live.session.t

    def submit(self) -> None:
        text = self.field.text.strip()
        self.app.pop()
        if not text:
            return
        live = self.live
        live.observer_notes.append((self.at, text))
        if live.recording is not None:
            live.recording.note(self.at, text)
        # The facilitator's alone: never a players' notification (issue 17); the round tells its
        # facilitator-only listeners (the workshop host's console).
        live.round.note(text, at=self.at)

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        box = _box(self, surface, t.line("title") + t.line("body") * 2 + t.line("small") + t.px(90), th.YELLOW)
        x, y = box.x + t.px(20), box.y + t.px(16)
        p.text(surface, "✎ " + self._("Observer's note at {at}", at=moment(self.tr, self.live.case.calendar, self.at)), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(12)
        field = pygame.Rect(x, y, box.w - t.px(40), t.line("body") + t.px(12))
        self.field.draw(p, surface, field, self._("What did you see?"))
        hint = self._("{enter} keeps the note · {esc} drops it · the round goes on",
                      enter=key_name(self.tr, "Enter"), esc=key_name(self.tr, "Esc"))
        p.text(surface, hint, (x, field.bottom + t.px(14)), "small", th.MUTED)


class ReflectScene(Scene):
    """The case's reflection questions, one field each, over the debrief.

    Args:
        app: The window.
        debrief: The debrief screen (its answers, its store id, and it lays itself out again).
    """

    name = "reflect"
    overlay = True

    def __init__(self, app: App, debrief: Any) -> None:
        super().__init__(app)
        self.debrief = debrief
        self.questions = debrief.questions
        self.fields = [TextField(debrief.answers.get(q["id"], ""), ANSWER_LIMIT) for q in self.questions]
        self.index = 0
        self.fields[0].editing = True
        pygame.key.start_text_input()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.close()
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_TAB, pygame.K_DOWN, pygame.K_UP):
                back = event.key == pygame.K_UP or (event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT)
                self.keep(self.index)
                if not back and self.index == len(self.fields) - 1 and event.key in (pygame.K_RETURN,
                                                                                     pygame.K_KP_ENTER):
                    self.close()
                    return True
                self.move(-1 if back else 1)
                return True
        if event.type in (pygame.TEXTINPUT, pygame.KEYDOWN):
            field = self.fields[self.index]
            field.editing = True
            field.handle(event)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            for index, rect in enumerate(self._rects(self.app.window)):
                if rect.collidepoint(event.pos):
                    self.keep(self.index)
                    self.move(index - self.index)
            return True
        return False

    def move(self, step: int) -> None:
        self.fields[self.index].editing = False
        self.index = max(0, min(len(self.fields) - 1, self.index + step))
        self.fields[self.index].editing = True

    def keep(self, index: int) -> None:
        question, answer = self.questions[index], self.fields[index].text.strip()
        if answer == self.debrief.answers.get(question["id"], ""):
            return
        keep_answer(self.debrief, question, answer)

    def close(self) -> None:
        self.keep(self.index)
        self.app.pop()
        self.debrief.layout(self.app.size)

    def _rects(self, surface: pygame.Surface) -> list[pygame.Rect]:
        t = self.theme
        box = self._box_rect(surface)
        y = box.y + t.px(16) + t.line("title") + t.px(10)
        rects = []
        for _ in self.questions:
            y += t.line("bold") + t.px(4)
            rects.append(pygame.Rect(box.x + t.px(20), y, box.w - t.px(40), t.line("body") + t.px(12)))
            y += t.line("body") + t.px(24)
        return rects

    def _box_rect(self, surface: pygame.Surface) -> pygame.Rect:
        t = self.theme
        w, h = surface.get_size()
        height = t.line("title") + len(self.questions) * (t.line("bold") + t.line("body") + t.px(40)) + t.px(70)
        box = pygame.Rect(0, 0, min(w - t.px(60), t.px(900)), min(h - t.px(40), height))
        box.center = (w // 2, h // 2)
        return box

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        box = _box(self, surface, self._box_rect(surface).h, th.SKY)
        p.text(surface, self._("Looking back on the round"), (box.x + t.px(20), box.y + t.px(16)), "title", th.TEXT)
        for index, (question, rect) in enumerate(zip(self.questions, self._rects(surface))):
            colour = th.YELLOW if index == self.index else th.TEXT
            p.text(surface, f"{index + 1}. {question['text']}", (rect.x, rect.y - t.line("bold") - t.px(4)), "bold",
                   colour, width=rect.w)
            self.fields[index].draw(p, surface, rect, self._("Type your answer"))
        hint = self._("{enter} next · ↑↓ move · {esc} done · answers are kept with the round",
                      enter=key_name(self.tr, "Enter"), esc=key_name(self.tr, "Esc"))
        p.text(surface, hint, (box.x + t.px(20), box.bottom - t.px(12)), "small", th.MUTED, anchor="bottomleft")


def debrief_setup(scene: Any, recording: Any, notes: list[tuple[int, str]] | None) -> None:
    """What the debrief keeps besides the result: the round's place in the store, its notes,
    the case's questions and the answers given so far, and a line saying what was saved."""
    scene.recording = recording
    scene.notes = sorted(notes or [], key=lambda n: n[0])
    scene.questions = case_questions(scene.case)
    scene.answers = {}
    scene.message = ""
    if recording is not None:
        recording.settle()
        store = recording.store
        try:
            scene.answers = {a.question: a.answer for a in store.answers(recording.session_id)}
        except Exception:
            scene.answers = {}
        if not recording.saved and store.problem:
            scene.message = scene._("This round was not saved: {why}", why=store.problem)
    elif scene.app.problems:
        scene.message = scene._("This round was not saved: {why}", why=scene.app.problems[-1])


def debrief_buttons(scene: Any) -> list[tuple[str, str, str, tuple[int, int, int] | None]]:
    """Export (X), and Q for the reflection questions when the case asks some."""
    buttons: list[tuple[str, str, str, tuple[int, int, int] | None]] = []
    if scene.questions:
        buttons.append(("reflect", scene._("Reflection questions"), "Q", th.YELLOW))
    if scene.recording is not None and scene.recording.saved:
        buttons.append(("export", scene._("Export the report"), "X", th.ORANGE))
    return buttons


def debrief_press(scene: Any, action: str) -> None:
    """The debrief's results actions: export the report, answer the questions."""
    if action == "reflect" and scene.questions:
        scene.app.push(ReflectScene(scene.app, scene))
    elif action == "export" and scene.recording is not None and scene.recording.saved:
        try:
            paths = export_report(scene.app, scene.recording.session_id)
        except Exception as exc:
            scene.message = scene._("The report could not be written: {why}", why=str(exc))
        else:
            scene.exported = paths
            scene.message = scene._("Report written: {html} (and the decisions as {csv})",
                                    html=str(paths[0]), csv=paths[1].name)
        scene.layout(scene.app.size)
        scene.scroll = scene.max_scroll


def keep_answer(scene: Any, question: dict[str, str], answer: str) -> None:
    scene.answers[question["id"]] = answer
    if scene.recording is not None:
        store = scene.recording.store
        store.safely(lambda: store.answer(scene.recording.session_id, question["id"], question["text"], answer),
                     "the answer was not saved")


def debrief_sections(scene: Any, heading: Any, para: Any) -> None:
    """The debrief's observer's notes (at their times) and reflection answers."""
    tr = scene.tr
    if scene.notes:
        heading(scene._("Observer's notes"))
        for number, (at, text) in enumerate(scene.notes, 1):
            para(f"✎{number}  {moment(tr, scene.case.calendar, at, 'debrief')}  {text}", indent=scene.theme.px(8))
    if scene.questions:
        heading(scene._("Looking back on the round"))
        for question in scene.questions:
            answer = scene.answers.get(question["id"])
            para(question["text"], "bold", th.TEXT, indent=scene.theme.px(8))
            if answer:
                para(answer, indent=scene.theme.px(28))
            else:
                para(scene._("Not answered yet: Q to answer"), "small", th.MUTED, indent=scene.theme.px(28))
    if scene.message:
        para(scene.message, "small", th.SKY)
