"""The workshop screen, for a projector: the teams ranked, the spread of their scores, and their
decisions side by side at each decision point (who chose what, how fast).

W on the menu opens it. ←→ switch workshop, P lets the next team (in the trainer's order) play
the workshop's case, N creates a workshop on the case selected in the menu, C changes which
round of a team counts, X writes the workshop's page as HTML, Esc goes back. ↑↓ choose a team
of the ranking (however many there are: the page follows the chosen line), Enter or a click on
its line opens its counted round in the facilitator's list (game/ui/override.py), as 1-9 do for
the first nine lines: the changes amend the stored round and the ranking follows; a corrected
score says so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.engine import scoring
from game.engine.session import EngineError
from game.i18n import ENDING_KINDS, N_
from game.play.corrections import Change
from game.play.debrief import Debrief
from game.results import workshop as ws
from game.results.recording import ResumeError, override_stored, rebuild
from game.results.report import workshop_html
from game.results.store import ResultStore, StoreError
from game.ui import theme as th
from game.ui.rounds import open_results
from game.ui.scene import Colour, PageItem, PageScene, Scene
from game.ui.override import OverrideScene
from game.ui.text import Sheet
from game.ui.widgets import TextField, key_name

if TYPE_CHECKING:
    from game.ui.app import App

COUNT_WORDS = {"best": N_("best round"), "first": N_("first round"), "last": N_("last round")}


def open_results_screen(menu: Any, which: str) -> None:
    """W and H on the menu."""
    menu.app.settings.team = menu.team.text.strip()
    menu.app.push(WorkshopScene(menu.app, menu) if which == "workshop" else menu.app.new_scene("history"))


def menu_line(menu: Any) -> str:
    """The menu's reminder of W and H, and of the workshop being played."""
    line: str = menu._("W workshops · H history")
    wid = menu.app.settings.workshop
    store = getattr(menu.app, "_results", None)
    if wid and store is not None and store.available:
        team = menu.app.settings.team
        try:
            w = ws.get(store, wid)
            played = {s.team for s in ws.ranking(store, w) if s.session_id}
            following = ws.next_team(store, w)
        except (StoreError, sqlite3.Error):
            return line
        if team and team in played:  # its round is over: the footer must not say it still plays
            if following:
                now = menu._("Workshop {name}: {team} has played; next team: {next} (W, then P)", name=w.name,
                             team=team, next=following)
            else:
                now = menu._("Workshop {name}: every team has played", name=w.name)
        else:
            now = menu._("Workshop {name}: {team} plays", name=w.name, team=team or "—")
        line = now + " · " + line
    return line


@dataclass
class StoredRound:
    """A team's finished stored round, replayed so the facilitator's list can read its answers."""

    team: str
    session_id: str
    debrief: Debrief
    score: float

    @property
    def written_answers(self) -> bool:
        return any(d.written is not None for d in self.debrief.decisions) or bool(self.debrief.replies)


def stored_round(store: ResultStore, standing: ws.Standing) -> StoredRound:
    """Replay a team's counted round from the store (its log against its case).

    Raises:
        ResumeError: the round cannot be replayed (its case is gone or changed, its log is not whole).
    """
    stored = store.session(standing.session_id or "")
    records = store.log_records(stored.id)
    if not records or records[0].get("type") != "session" or not stored.case_path:
        raise ResumeError(f"round {stored.short_id} has no session log or case to replay")
    try:
        loaded = load_case(stored.case_path, stored.language)
    except CaseError as exc:
        raise ResumeError(f"{stored.case_path}: the case does not load "
                          f"({exc.diagnostics[0] if exc.diagnostics else exc})") from None
    except OSError as exc:
        raise ResumeError(f"{stored.case_path}: {exc}") from None
    result = scoring.score(rebuild(loaded.case, int(records[0]["seed"]), records))
    return StoredRound(standing.team, stored.id, Debrief.from_result(result, loaded.case), result.score)


class WorkshopScene(PageScene):
    """One workshop at a time, drawn as a tall page (large type suits a projector: F2)."""

    name = "workshop"
    KEYS = {pygame.K_ESCAPE: "back", pygame.K_BACKSPACE: "back", pygame.K_LEFT: "previous",
            pygame.K_RIGHT: "next", pygame.K_p: "play", pygame.K_n: "new", pygame.K_c: "count",
            pygame.K_x: "export", pygame.K_RETURN: "open", pygame.K_KP_ENTER: "open",
            **{getattr(pygame, f"K_{n}"): f"correct{n}" for n in range(1, 10)}}

    def __init__(self, app: App, menu: Any) -> None:
        super().__init__(app)
        self.menu = menu
        self.store = open_results(app)
        self.count = "best"
        self.message = ""
        self.workshops: list[ws.Workshop] = []
        self.index = 0
        # The ranking's line chosen with ↑↓ (0: the first team that played), None: none chosen.
        self.chosen: int | None = None
        self.played = 0  # how many lines of the ranking have a round to open
        self.lines: list[pygame.Rect] = []  # where each of those lines is on the page (for ↑↓ and clicks)
        self.reload()

    def reload(self, chosen: str | None = None) -> None:
        self.workshops = []
        if self.store is not None and self.store.available:
            try:
                self.workshops = ws.all_workshops(self.store)
            except (StoreError, sqlite3.Error) as exc:
                self.message = str(exc)
        wanted = chosen or self.app.settings.workshop
        ids = [w.id for w in self.workshops]
        self.index = ids.index(wanted) if wanted in ids else 0

    @property
    def workshop(self) -> ws.Workshop | None:
        return self.workshops[self.index] if self.workshops else None

    # --- layout ----------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        buttons: list[tuple[str, str, str, tuple[int, int, int] | None]] = [
            ("back", self._("Back to the menu"), key_name(self.tr, "Esc"), th.GREEN)]
        if self.workshop is not None:
            buttons += [("play", self._("Next team plays"), "P", th.SKY),
                        ("count", self._(COUNT_WORDS[self.count]), "C", None),
                        ("export", self._("Export the page"), "X", th.ORANGE)]
        buttons.append(("new", self._("New workshop"), "N", th.YELLOW))
        self.lay_out_page(size, 40, 1600, buttons)

    def _page(self, width: int) -> Sheet:
        return self.stack(self._items(width), width, top=16)

    def _items(self, width: int) -> list[PageItem]:
        t, p, tr = self.theme, self.painter, self.tr
        items: list[PageItem] = []

        def heading(text: str, role: str = "head", colour: Colour = th.ORANGE, gap: int = 18) -> None:
            items.append((t.px(gap) + t.line(role) + t.px(4),
                          lambda s, y: p.text(s, text, (0, y + t.px(gap)), role, colour, width=width)))

        def para(text: str, role: str = "body", colour: Colour = th.TEXT, indent: int = 0) -> None:
            h = p.wrapped_height(text, width - indent, role) + t.px(4)
            items.append((h, lambda s, y: p.paragraph(s, text, (indent, y), width - indent, role, colour)))

        w = self.workshop
        if self.store is None or not self.store.available:
            heading(self._("Workshops"), "title", th.TEXT, gap=0)
            para(self._("Results are not kept on this machine: {why}", why=self.store.problem if self.store else "—"),
                 colour=th.ORANGE)
            return items
        if w is None:
            heading(self._("Workshops"), "title", th.TEXT, gap=0)
            para(self._("No workshop yet. Choose a case in the menu, then N here: give the workshop a name and "
                        "the teams' names. Teams play in turn on this machine (P), or on other machines whose "
                        "rounds you gather with crisis-sim workshop import."), colour=th.MUTED)
            if self.message:
                para(self.message, "small", th.SKY)
            return items
        try:
            standings = ws.ranking(self.store, w, self.count)
            points = ws.comparison(self.store, w, self.count)
        except (StoreError, sqlite3.Error) as exc:  # a file damaged since it was opened: say so, never crash
            heading(self._("Workshop {name}", name=w.name), "big", th.TEXT, gap=0)
            para(self._("Results are not kept on this machine: {why}", why=str(exc)), colour=th.ORANGE)
            return items
        spread = ws.spread(s.score for s in standings if s.score is not None)
        heading(self._("Workshop {name}", name=w.name), "big", th.TEXT, gap=0)
        if len(self.workshops) > 1:
            para(f"{self.index + 1}/{len(self.workshops)}  ←→", "small", th.MUTED)
        para(tr.ngettext("Case {case} · {n} team · the {count} of each team counts",
                         "Case {case} · {n} teams · the {count} of each team counts", len(w.teams), case=w.case_id,
                         count=self._(COUNT_WORDS[self.count])), "small", th.MUTED)
        following = ws.next_team(self.store, w)
        if following:
            para(self._("Next to play: {team} (P)", team=following), "bold", th.SKY)
        if self.message:
            para(self.message, "small", th.SKY)

        # The ranking: big rank numbers, a bar per score, the ending.
        heading(self._("Ranking"), "title")
        self.played = sum(1 for s in standings if s.session_id)
        self.lines = [pygame.Rect(0, 0, 0, 0) for _ in range(self.played)]
        if self.chosen is not None and self.chosen >= self.played:
            self.chosen = None
        if self.played:
            para(self._("↑↓ choose a team, {enter} or a click on its line (or 1–9) corrects how its written answers "
                        "were read (the ranking follows)", enter=key_name(self.tr, "Enter")), "small", th.MUTED)
        row_h = t.line("head") + t.px(12)
        rank_w, team_w, bar_w = t.px(60), int(width * 0.28), int(width * 0.32)
        line_of = {id(s): n for n, s in enumerate(s for s in standings if s.session_id)}
        for s in standings:
            # A score a person corrected after the round says so, with the score it ended with (as the HTML page).
            first = self.store.original_score(s.session_id) if s.session_id else None
            note = self._("✎ corrected by a person, ended with {score}", score=tr.decimal(first, 1)) \
                if first is not None else ""

            place = line_of.get(id(s))
            h = row_h + (t.line("small") if note else 0)

            def row(sheet: Sheet, y: int, s: ws.Standing = s, note: str = note, place: int | None = place,
                    h: int = h) -> None:
                if place is not None:
                    self.lines[place] = pygame.Rect(0, y - t.px(4), width, h)
                    if place == self.chosen:  # the line ↑↓ chose: Enter opens it
                        pygame.draw.rect(sheet.surface, th.PANEL, self.lines[place], border_radius=t.px(6))
                        pygame.draw.rect(sheet.surface, th.FOCUS, self.lines[place], width=max(2, t.px(2)),
                                         border_radius=t.px(6))
                colour = th.YELLOW if s.rank == 1 else th.TEXT
                p.text(sheet, str(s.rank) if s.rank else "–", (t.px(10), y), "head", colour)  # clear of the frame
                p.text(sheet, s.team, (rank_w, y), "head", colour, width=team_w - t.px(10))
                x = rank_w + team_w
                if s.score is None:
                    p.text(sheet, self._("not played yet"), (x, y), "body", th.MUTED)
                    return
                bar = pygame.Rect(x, y + t.px(4), bar_w, t.line("head") - t.px(8))
                pygame.draw.rect(sheet.surface, th.CARD, bar, border_radius=t.px(3))
                fill = bar.copy()
                fill.w = int(bar.w * max(0.0, min(1.0, s.score / 100)))
                pygame.draw.rect(sheet.surface, th.SKY, fill, border_radius=t.px(3))
                p.text(sheet, tr.decimal(s.score, 1), (bar.right + t.px(10), y), "head", th.TEXT)
                style, icon = th.ENDING_STYLE.get(s.ending_kind or "", (th.GREY, "•"))
                kind = tr.name(ENDING_KINDS, s.ending_kind) if s.ending_kind in ENDING_KINDS else ""
                rounds = tr.ngettext("{n} round", "{n} rounds", s.rounds)
                p.text(sheet, f"{icon} {kind} · {rounds}", (bar.right + t.px(90), y + t.px(4)), "body", style,
                       width=width - bar.right - t.px(90))
                if note:
                    p.text(sheet, note, (x, y + row_h - t.px(6)), "small", th.PURPLE, width=width - x)

            items.append((h, row))

        # The spread: a box from the first to the third quartile, the median, a dot per team.
        heading(self._("Spread of the scores"), "title")
        if spread is None:
            para(self._("No finished round yet."), colour=th.MUTED)
        else:
            scored = [(s.team, s.score) for s in standings if s.score is not None]
            chart_h = t.px(110)
            items.append((chart_h, lambda sheet, y: self._spread(sheet, pygame.Rect(0, y, width, chart_h), spread,
                                                                  scored)))
            para(self._("lowest {min} · median {median} · highest {max} · mean {mean} · standard deviation {sd}",
                        min=tr.decimal(spread.min, 1), median=tr.decimal(spread.median, 1),
                        max=tr.decimal(spread.max, 1), mean=tr.decimal(spread.mean, 1),
                        sd=tr.decimal(spread.stdev, 1)), "body", th.MUTED)

        # The decisions side by side.
        heading(self._("Decisions side by side"), "title")
        para(self._("✔ the best option · ◆ another option · ✘ no answer in time · ⚡ the fastest"), "small", th.MUTED)
        label_x, time_w = int(width * 0.22), t.px(130)
        for number, point in enumerate(points, 1):
            at = f" ({tr.clock(point.opened_at)})" if point.opened_at is not None else ""
            heading(f"{number}. {point.title}{at}", "head", th.ORANGE, gap=14)
            fastest = point.fastest
            for c in point.choices:
                mark, colour = ("✘", th.VERMILLION) if c.option is None else \
                    (("✔", th.GREEN) if c.best else ("◆", th.ORANGE))
                took = tr.duration(c.seconds_taken) + (" ⚡" if c is fastest else "")
                label_w = width - label_x - time_w
                h = max(t.line("body"), p.wrapped_height(c.label, label_w, "body")) + t.px(6)

                def line(sheet: Sheet, y: int, c: ws.Choice = c, mark: str = mark, colour: Colour = colour, took: str = took,
                         label_w: int = label_w) -> None:
                    p.text(sheet, f"{mark} {c.team}", (t.px(12), y), "bold", colour, width=label_x - t.px(16))
                    p.paragraph(sheet, c.label, (label_x, y), label_w, "body", th.TEXT)
                    p.text(sheet, took, (width, y), "body", th.MUTED, anchor="topright")

                items.append((h, line))
        if not points:
            para(self._("No finished round yet."), colour=th.MUTED)
        return items

    def _spread(self, sheet: Sheet, rect: pygame.Rect, spread: ws.Spread, scored: list[tuple[str, float]]) -> None:
        t, p = self.theme, self.painter
        surface = sheet.surface
        left, right = rect.x + t.px(20), rect.right - t.px(20)
        mid = rect.y + t.px(50)

        def x_of(v: float) -> int:
            return int(left + (right - left) * max(0.0, min(100.0, v)) / 100)

        axis = mid + t.px(26)
        pygame.draw.line(surface, th.LINE, (left, axis), (right, axis))
        for v in range(0, 101, 10):
            pygame.draw.line(surface, th.LINE, (x_of(v), axis), (x_of(v), axis + t.px(4)))
            p.text(sheet, str(v), (x_of(v), axis + t.px(5)), "small", th.MUTED, anchor="midtop")
        pygame.draw.line(surface, th.TEXT, (x_of(spread.min), mid), (x_of(spread.max), mid), max(1, t.px(2)))
        box = pygame.Rect(x_of(spread.q1), mid - t.px(12), max(2, x_of(spread.q3) - x_of(spread.q1)), t.px(24))
        pygame.draw.rect(surface, th.BLUE, box)
        pygame.draw.rect(surface, th.TEXT, box, width=max(1, t.px(1)))
        pygame.draw.line(surface, th.YELLOW, (x_of(spread.median), mid - t.px(14)), (x_of(spread.median), mid + t.px(14)),
                         max(2, t.px(3)))
        for index, (team, score) in enumerate(sorted(scored, key=lambda s: s[1])):
            x = x_of(score)
            pygame.draw.circle(surface, th.VERMILLION, (x, mid), t.px(6))
            y = mid - t.px(18) - (index % 2) * t.line("small")
            p.text(sheet, team, (x, y), "small", th.TEXT, anchor="midbottom")

    # --- input -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_UP, pygame.K_DOWN) and self.played:
            if self.choose(-1 if event.key == pygame.K_UP else 1):
                return True
        if super().handle(event):
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.view.collidepoint(event.pos):
            at = (event.pos[0] - self.view.x, event.pos[1] - self.view.y + self.scroll)
            for line, rect in enumerate(self.lines):
                if rect.collidepoint(at):
                    self.chosen = line
                    self.press(f"correct{line + 1}")
                    return True
        return False

    def choose(self, step: int) -> bool:
        """↑↓ on the ranking: the next line chosen (the page follows it). With no line chosen, ↓
        chooses the first line on screen; past either end the choice goes. False when the key
        should scroll the page instead (nothing chosen, or the choice just went)."""
        if self.chosen is None:
            seen = pygame.Rect(0, self.scroll, self.view.w, self.view.h)
            shown = [n for n, rect in enumerate(self.lines) if rect.h and seen.contains(rect)]
            if step < 0 or not shown:
                return False  # reading on: the arrows scroll
            line = shown[0]
        else:
            line = self.chosen + step
        self.chosen = line if 0 <= line < self.played else None
        self.message = ""  # (a message about the line chosen before, or "choose a team first")
        self.layout(self.app.size)
        if self.chosen is None:
            return False
        rect, margin = self.lines[self.chosen], self.theme.px(12)
        if rect.y - margin < self.scroll:
            self.scroll = max(0, rect.y - margin)
        elif rect.bottom + margin > self.scroll + self.view.h:
            self.scroll = min(self.max_scroll, rect.bottom + margin - self.view.h)
        return True

    def press(self, action: str) -> None:
        w = self.workshop
        if action == "back":
            self.app.pop()
            return
        if action == "new":
            self.app.push(NewWorkshopScene(self.app, self))
            return
        store = self.store
        if w is None or store is None:  # a workshop is shown only when the store opened
            return
        if action in ("previous", "next"):
            self.index = (self.index + (1 if action == "next" else -1)) % len(self.workshops)
            self.scroll = 0
            self.chosen = None
        elif action == "count":
            self.count = ws.COUNTS[(ws.COUNTS.index(self.count) + 1) % len(ws.COUNTS)]
            self.chosen = None  # the lines change order
        elif action == "open":
            if self.chosen is None:
                self.message = self._("Choose a team of the ranking with ↑↓ first")
            else:
                self.correct(store, w, self.chosen)
        elif action == "play":
            self.play(w)
            return
        elif action.startswith("correct"):
            self.correct(store, w, int(action[len("correct"):]) - 1)
        elif action == "export":
            folder = store.path.parent / "reports"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"workshop-{''.join(c if c.isalnum() else '-' for c in w.name)[:40]}.html"
                path.write_text(workshop_html(store, w, self.count, self.app.settings.lang), encoding="utf-8")
                self.message = self._("Page written: {path}", path=str(path))
            except (OSError, StoreError) as exc:
                self.message = self._("The page could not be written: {why}", why=str(exc))
        self.layout(self.app.size)

    def correct(self, store: ResultStore, w: ws.Workshop, line: int) -> None:
        """Open the counted round of the team on that line of the ranking in the facilitator's list."""
        try:
            played = [s for s in ws.ranking(store, w, self.count) if s.session_id]
            if line >= len(played):
                self.message = self._("No team has played on line {line} of the ranking", line=str(line + 1))
                return
            target = stored_round(store, played[line])
        except (ResumeError, StoreError, sqlite3.Error) as exc:
            self.message = self._("The round cannot be corrected: {why}", why=str(exc))
            return
        if not target.written_answers:
            self.message = self._("{team} wrote no answer: there is nothing to correct", team=target.team)
            return
        self.app.push(OverrideScene(self.app, target, apply=lambda made: self.amend(store, target, made)))

    def amend(self, store: ResultStore, target: StoredRound, made: list[Change]) -> None:
        """The facilitator's changes amend the stored round (its score, its place in the ranking)."""
        after = target.score
        try:
            for decision, post, change in made:
                session, _ = override_stored(store, target.session_id, decision, post=post, **change)
                after = scoring.score(session).score
        except EngineError as exc:  # the engine's reason in the window's language
            self.message = self._("The change was not made: {why}", why=exc.say(self.tr))
        except (ResumeError, StoreError, sqlite3.Error) as exc:
            self.message = self._("The change was not made: {why}", why=str(exc))
        else:
            self.message = self._("{team}: a person's reading, the score goes from {before} to {after}",
                                  team=target.team, before=self.tr.decimal(target.score, 1),
                                  after=self.tr.decimal(after, 1))
        self.layout(self.app.size)

    def play(self, w: ws.Workshop) -> None:
        """The next team plays the workshop's case: back to the menu on its briefing."""
        team = (ws.next_team(self.store, w) if self.store is not None else None) or (w.teams[0] if w.teams else "")
        self.app.settings.workshop = w.id
        self.app.settings.team = team
        self.menu.team.text = team
        entry = self._case_entry(w)
        self.app.pop()
        if entry is not None:
            self.menu.open(entry)
        else:
            self.menu.message = lambda: self._("The case {case} is not in the menu's folders", case=w.case_id)

    def _case_entry(self, w: ws.Workshop) -> Any:
        self.menu.finish_loading()
        for entry in self.menu.entries:
            case = getattr(entry, "case", None)
            if entry.playable and case is not None and case.id == w.case_id:
                return entry
        if w.case_path and Path(w.case_path).exists():
            return self.menu.entry_for(Path(w.case_path))
        return None

    def selected_case(self) -> Any:
        entries = self.menu.entries
        if not entries:
            return None
        entry = entries[self.menu.selected]
        entry.load()
        return entry if entry.playable else None


class NewWorkshopScene(Scene):
    """A name and the teams' names for a new workshop on the case selected in the menu."""

    name = "new-workshop"
    overlay = True

    def __init__(self, app: App, parent: WorkshopScene) -> None:
        super().__init__(app)
        self.parent = parent
        self.entry = parent.selected_case()
        self.fields = [TextField("", 60), TextField("", 400)]
        self.index = 0
        self.fields[0].editing = True
        self.message = ""
        pygame.key.start_text_input()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.app.pop()
                return True
            if event.key in (pygame.K_TAB, pygame.K_DOWN, pygame.K_UP):
                self._focus(1 - self.index)
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if self.index == 0:
                    self._focus(1)
                else:
                    self.create()
                return True
        if event.type in (pygame.TEXTINPUT, pygame.KEYDOWN):
            field = self.fields[self.index]
            field.editing = True
            field.handle(event)
            return True
        return event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL)

    def _focus(self, index: int) -> None:
        self.fields[self.index].editing = False
        self.index = index
        self.fields[index].editing = True

    def create(self) -> None:
        store = self.parent.store
        if self.entry is None or store is None:
            self.message = self._("Choose a playable case in the menu first.")
            return
        teams = [name for name in self.fields[1].text.split(",") if name.strip()]
        try:
            w = ws.create(store, self.fields[0].text, self.entry.case.id, teams, str(self.entry.path))
        except StoreError as exc:
            self.message = str(exc)
            return
        self.app.pop()
        self.parent.reload(w.id)
        self.parent.layout(self.app.size)

    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        surface.blit(shade, (0, 0))
        box = pygame.Rect(0, 0, min(w - t.px(60), t.px(900)), t.line("title") + t.line("body") * 6 + t.px(120))
        box.center = (w // 2, h // 2)
        pygame.draw.rect(surface, th.PANEL, box, border_radius=t.px(10))
        pygame.draw.rect(surface, th.YELLOW, box, width=max(2, t.px(2)), border_radius=t.px(10))
        x, y = box.x + t.px(20), box.y + t.px(16)
        p.text(surface, self._("New workshop"), (x, y), "title", th.TEXT)
        y += t.line("title") + t.px(6)
        case = self.entry.case.title if self.entry is not None else self._("(choose a playable case in the menu)")
        p.text(surface, self._("Case: {case}", case=case), (x, y), "small", th.MUTED, width=box.w - t.px(40))
        y += t.line("small") + t.px(10)
        labels = (self._("Name of the workshop"), self._("Teams, separated by commas"))
        placeholders = (self._("e.g. Communication team, 12 March"), self._("e.g. Red, Blue, Green"))
        for index, (label, hint) in enumerate(zip(labels, placeholders)):
            p.text(surface, label, (x, y), "small", th.YELLOW if index == self.index else th.MUTED)
            y += t.line("small") + t.px(2)
            rect = pygame.Rect(x, y, box.w - t.px(40), t.line("body") + t.px(12))
            self.fields[index].draw(p, surface, rect, hint)
            y += rect.h + t.px(10)
        if self.message:
            p.text(surface, self.message, (x, y), "small", th.ORANGE, width=box.w - t.px(40))
        hint = self._("Tab next field · {enter} create · {esc} cancel", enter=key_name(self.tr, "Enter"),
                      esc=key_name(self.tr, "Esc"))
        p.text(surface, hint, (x, box.bottom - t.px(12)), "small", th.MUTED, anchor="bottomleft")
