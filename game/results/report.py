"""Debrief reports: one self-contained HTML page per round (charts inline as SVG, printable to
PDF from a browser), a workshop page, and CSV rows for spreadsheets.

Everything comes from the store: the round's row, its result, its session log (posts, metric
samples, decisions opened and closed), the observer's notes and the reflection answers. The case
file is not needed, so a round imported from another machine reports the same.

The words come from the one home every debrief uses: the result is read into a typed
:class:`~game.play.debrief.Debrief`, worded by :mod:`game.play.words` and gettext in the report's
language, so a round played in English reports in French with French notes. The pages are
Jinja2 templates (``templates/``) with autoescaping, so every text from a case, a team or a note
is shown as text; the SVG charts come from :mod:`game.results.svg`, which writes all its markup through one
escaping function.
CSV cells that a spreadsheet would read as a formula are neutralised.

A round's page prints as a one-page handout (score, sub-scores out of their maximum, the key
lessons, each decision with the better option) followed by the appendix (the minute-by-minute
timeline, the decisions in full, the signals, notes and reflection) from a new page.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from game.i18n import ENDING_KINDS, N_, Translator, translator
from game.play import words
from game.engine.model import CalendarEntry
from game.engine.rubric import strategy_meaning, strategy_name, tone_name
from game.play.debrief import Change, Debrief, DecisionReview, PointReview, WrittenReview
from game.play.moments import moment, moments
from game.results import svg
from game.results import workshop as ws
from game.results.history import history
from game.results.store import Amendment, Answer, Note, ResultStore, StoredSession, utc_now

PARTS = ("outcome", "strategy_fit", "response_time", "signal_detection", "tone_and_channel")
STATUS_NAMES = {"finished": N_("finished"), "interrupted": N_("interrupted"), "abandoned": N_("abandoned"),
                "running": N_("in progress")}
OBJECTIVE_CSS = {True: "success", False: "failure", None: "muted"}
OBJECTIVE_MARKS = {True: "✔", False: "✘", None: "?"}
COUNT_NAMES = {"best": N_("best"), "first": N_("first"), "last": N_("last")}


@dataclass
class RoundReport:
    """What a report shows of one round, gathered from the store."""

    stored: StoredSession
    records: list[dict[str, Any]]
    notes: list[Note]
    answers: list[Answer]
    closed: list[dict[str, Any]] = field(default_factory=list)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    opened: dict[str, int] = field(default_factory=dict)
    past: list[StoredSession] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)  # findings a person changed after the end

    @property
    def result(self) -> dict[str, Any] | None:
        return self.stored.result

    @classmethod
    def gather(cls, store: ResultStore, stored: StoredSession) -> RoundReport:
        if stored.result is None and stored.status == "finished":
            stored = store.session(stored.id)  # a round from a listing comes without its full result
        records = store.log_records(stored.id)
        report = cls(stored, records, store.notes(stored.id), store.answers(stored.id),
                     amendments=store.amendments(stored.id))
        for record in records:
            kind = record.get("type")
            if kind == "post":
                report.posts[record["id"]] = record
            elif kind == "metrics":
                report.samples.append((int(record["at"]), record["metrics"]))
            elif kind == "decision_opened":
                report.opened.setdefault(record["decision"], int(record["t"]))
            elif kind == "decision_closed":
                report.closed.append(record)
        if stored.status == "finished":
            for line in history(store, stored.team, stored.case_id):
                report.past = [r for r in line.finished if r.started_at <= stored.started_at]
        return report


@dataclass(frozen=True, slots=True)
class WrittenView:
    """A written answer as the page shows it: the trainee's text cut into segments, each either
    plain (``meaning`` None) or a phrase the assessment read with what it stood for. The template
    escapes every segment, so the trainee's text is only ever text."""

    segments: list[tuple[str, str | None]]
    strategies: list[tuple[str, str]]  # (name, what it means in SCCT terms), the primary first
    tone: str
    said: list[tuple[str, str, str]]  # key points made: (label, the words that made it, who changed it)
    missing: list[tuple[str, str, str]]
    crossed: list[tuple[str, str, str]]  # red lines crossed: (label, the words that crossed it, who changed it)
    unanswered: list[str]
    closest_label: str
    best_label: str
    best_post: str
    changes: list[str]  # each finding a person changed: "Changed by Ana: red line ...: crossed"
    length: str


@dataclass(frozen=True, slots=True)
class DecisionView:
    """One decision as the page shows it, worded in the report's language."""

    number: int
    id: str
    title: str
    label: str
    missed: bool
    opened_at: int | None
    closed_at: int | None
    timing: str
    strategy: str
    feedback: str
    why: str
    better_label: str
    better_why: str
    scored: bool
    written: WrittenView | None = None

    @property
    def css(self) -> str:
        return "missed" if self.missed else ("other" if self.better_label else "best")

    @property
    def mark(self) -> str:
        return "✘" if self.missed else ("◆" if self.better_label else "✔")


TEMPLATES = Path(__file__).with_name("templates")
"""The pages, and ``report.css`` they include (printed: the handout on one page, then the appendix)."""


@functools.cache
def _environment() -> jinja2.Environment:
    """Jinja2 with autoescaping on every template: a team name or a note is always text."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _render(template: str, tr: Translator, title: str, **values: Any) -> str:
    """A page in ``tr``'s language: ``_`` and ``ngettext`` translate in the template, ``clock``
    and ``decimal`` write times and numbers as the language does."""
    return _environment().get_template(template).render(
        lang=tr.lang, title=title, _=tr.gettext, ngettext=tr.ngettext, clock=values.pop("clock", tr.clock),
        decimal=tr.decimal,
        icon=_ending_icon, colon=tr.gettext(": "), generated=_when(utc_now()), **values)


def round_html(store: ResultStore, stored: StoredSession, lang: str | None = None) -> str:
    """The debrief of one round as a self-contained HTML page."""
    return render_round(RoundReport.gather(store, stored), lang)


def render_round(report: RoundReport, lang: str | None = None) -> str:
    """The page of one round (``lang``: the report's language, by default the round's)."""
    s = report.stored
    tr = translator(lang or s.language)
    _ = tr.gettext
    debrief = Debrief.from_json(report.result) if report.result else None
    meta = [(_("Team"), s.team or _("(no name)")), (_("Played"), _when(s.started_at)), (_("Seed"), str(s.seed)),
            (_("Language"), s.language), (_("Round"), s.short_id)]
    if s.status != "finished":
        meta.append((_("Status"), tr.name(STATUS_NAMES, s.status)))
    parts = []
    if debrief is not None:
        for part in debrief.parts:
            name = words.part_name(part.name, tr)
            parts.append({"name": name, "points": tr.decimal(part.points, 1), "most": tr.number(part.max),
                          "note": words.part_note(part, tr),
                          "meter": Markup(svg.meter(part.points, float(part.max), name))})
    decisions = _decisions(report, debrief, tr)

    names: dict[str, str] = {}
    for _t, metrics in report.samples[:1]:
        names = {name: tr.metric(name, s.case_info.get("metric_names")) for name in metrics}
    marks = [(d.closed_at, str(d.number), d.title) for d in decisions if d.closed_at is not None]
    note_marks = [(n.t, str(i), n.text) for i, n in enumerate(report.notes, 1)]
    duration = s.duration or (report.samples[-1][0] if report.samples else 60)
    calendar = _calendar(s.case_info)
    axis = _("simulated minutes")
    if calendar:  # the ticks say the real day and hour
        axis = _("the crisis's days and hours")
    timeline = Markup(svg.timeline(report.samples, duration, names, marks, note_marks,
                                   _("The crisis, minute by minute"), axis, clock=moments(tr, calendar, "debrief"),
                                   ticks=moments(tr, calendar, "tiny") if calendar else None))

    questions = list(s.questions)
    answered = {a.question: a for a in report.answers}
    for a in report.answers:
        if a.question not in {q["id"] for q in questions}:
            questions.append({"id": a.question, "text": a.text})
    past_chart = None
    if len(report.past) > 1:
        past_chart = Markup(svg.scores([(r.started_at[:10], float(r.score or 0)) for r in report.past],
                                       _("Progress on this case")))
    ending_kind = debrief.ending.get("kind", "") if debrief else ""
    replies = [{"name": r.name, "post": r.post_text, "at": moment(tr, calendar, r.t, "debrief") if r.t is not None else "",
                "value": tr.percent(r.value), "why": words.reply_why(r, tr), "written": _written_view(r.written, tr)}
               for r in (debrief.replies if debrief else ())]
    return _render(
        "round.html.j2", tr, _("Debrief: {title}", title=s.case_title or s.case_id),
        stored=s, debrief=debrief, meta=meta, parts=parts,
        status=tr.name(STATUS_NAMES, s.status), stopped_at=tr.clock(s.sim_t),
        ending_kind=ending_kind, ending_name=tr.name(ENDING_KINDS, ending_kind) if ending_kind else "",
        ended_early=words.ended_early(debrief, tr, calendar) if debrief else "",
        ending_and_score=words.ending_and_score(debrief, tr) if debrief else "",
        crisis=words.crisis(debrief, tr) if debrief else "",
        objectives=[{"css": OBJECTIVE_CSS[o.met], "mark": OBJECTIVE_MARKS[o.met],
                     "state": words.objective_state(o.met, tr), "text": o.text}
                    for o in (debrief.objectives if debrief else ())],
        timeline=timeline, metric_labels=list(names.values()), events=_events(report, tr, decisions, names),
        clock=moments(tr, calendar, "debrief"),
        decisions=decisions, **_signals(report, debrief, tr), notes=report.notes,
        questions=[{"text": q.get("text", q["id"]), "answered": q["id"] in answered,
                    "answer": answered[q["id"]].answer if q["id"] in answered else _("(not answered)")}
                   for q in questions],
        past_chart=past_chart, replies=replies, amended=_amended(report, debrief, tr),
    )


def _amended(report: RoundReport, debrief: Debrief | None, tr: Translator) -> dict[str, Any] | None:
    """The changes people made to the findings after the round ended: who, when, what, and the
    score the round ended with (None when nobody changed anything)."""
    if not report.amendments:
        return None
    titles = {d.decision: d.title or d.decision for d in (debrief.decisions if debrief else ())}
    posts = {r.post: r for r in (debrief.replies if debrief else ())}
    rows = []
    for a in report.amendments:
        if a.target.startswith("post:"):
            reply = posts.get(a.target.removeprefix("post:"))
            what = tr.gettext("the written reply to {name}", name=reply.name) if reply else a.target
        else:
            what = titles.get(a.target, a.target)
        found = []
        if a.change.get("strategy"):
            found.append(tr.gettext("strategy{colon}{strategy}", colon=tr.gettext(": "),
                                    strategy=strategy_name(a.change["strategy"], tr.lang)))
        for point, said in (a.change.get("key_points") or {}).items():
            found.append(tr.gettext("key point {id}{colon}{state}", id=point, colon=tr.gettext(": "),
                                    state=tr.gettext("said") if said else tr.gettext("not said")))
        for line, crossed in (a.change.get("red_lines") or {}).items():
            found.append(tr.gettext("red line {id}{colon}{state}", id=line, colon=tr.gettext(": "),
                                    state=tr.gettext("crossed") if crossed else tr.gettext("not crossed")))
        who = a.changed_by or tr.gettext("the facilitator")
        rows.append({"text": tr.gettext("Changed by {who} at {when}{colon}{what} ({found})", who=who,
                                        when=_when(a.changed_at), colon=tr.gettext(": "), what=what,
                                        found="; ".join(found)),
                     "scores": tr.gettext("score {before} → {after}",
                                          before=tr.decimal(a.score_before or 0, 1), after=tr.decimal(a.score_after or 0, 1))})
    first = report.amendments[0].score_before
    return {"original": tr.decimal(first, 1) if first is not None else "", "rows": rows}


def _decisions(report: RoundReport, debrief: Debrief | None, tr: Translator) -> list[DecisionView]:
    """Each decision worded: from the result when the round was scored, else from the log (the
    decisions closed before an unfinished round stopped)."""
    clock = moments(tr, _calendar(report.stored.case_info), "debrief")
    if debrief is not None:
        return [_decision_view(n, d, report.opened.get(d.decision), tr, clock)
                for n, d in enumerate(debrief.decisions, 1)]
    views = []
    for n, record in enumerate(report.closed, 1):
        opened = report.opened.get(record["decision"], record["t"])
        option = record.get("option")
        views.append(DecisionView(n, record["decision"], record["decision"], option or "—", option is None, opened,
                                  record["t"], _timing(tr, option is None, opened, record["t"] - opened, clock), "", "", "",
                                  "", "", scored=False))
    return views


def _decision_view(number: int, d: DecisionReview, opened: int | None, tr: Translator,
                   clock: Callable[[float], str] | None = None) -> DecisionView:
    missed = d.option is None
    strategy = ""
    if d.strategy:
        strategy = tr.gettext("Strategy{colon}{strategy} · fit to this crisis{colon}{fit}", colon=tr.gettext(": "),
                              strategy=words.strategy(d, tr), fit=tr.percent(d.fit))
    why = words.decision_why(d, tr)
    return DecisionView(
        number, d.decision, d.title or d.decision, tr.gettext("your own answer") if d.written else d.label, missed,
        opened, opened + d.seconds_taken if opened is not None else None, _timing(tr, missed, opened, d.seconds_taken, clock),
        strategy, d.feedback, "" if why == d.feedback else why, d.better.label if d.better else "",
        words.better_why(d, tr), scored=True, written=_written_view(d.written, tr) if d.written else None)


def _segments(written: WrittenReview, tr: Translator) -> list[tuple[str, str | None]]:
    """The text cut at the phrases the assessment read (overlapping phrases are one segment,
    whose meaning names each finding in it); plain text between them has no meaning."""
    spans: list[list[Any]] = []  # [start, end, meanings]
    for mark in sorted(written.marks, key=lambda m: (m.start, m.end)):
        meaning = words.mark_meaning(mark, written, tr)
        if spans and mark.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], mark.end)
            if meaning not in spans[-1][2]:
                spans[-1][2].append(meaning)
        else:
            spans.append([mark.start, mark.end, [meaning]])
    text, at = written.text, 0
    out: list[tuple[str, str | None]] = []
    for start, end, meanings in spans:
        if start > at:
            out.append((text[at:start], None))
        out.append((text[start:end], "; ".join(meanings)))
        at = end
    if at < len(text):
        out.append((text[at:], None))
    return out


def _written_view(written: WrittenReview, tr: Translator) -> WrittenView:
    """A written answer worded in the report's language (the case's labels stay as written)."""
    ids = [written.strategy, *(m.id for m in written.marks if m.kind == "strategy")]
    strategies = [(strategy_name(s, tr.lang), strategy_meaning(s, tr.lang)) for s in dict.fromkeys(ids) if s]
    changed_by = {(c.finding, c.id): _changed_by(c, tr) for c in written.changed}

    def points(found: Sequence[PointReview], finding: str) -> list[tuple[str, str, str]]:
        return [(p.label, p.words or "", changed_by.get((finding, p.id), "")) for p in found]

    length = (tr.gettext("{n} of {limit} characters", n=written.length, limit=written.limit) if written.limit
              else tr.ngettext("{n} character", "{n} characters", written.length))
    return WrittenView(
        segments=_segments(written, tr), strategies=strategies,
        tone=tone_name(written.tone, tr.lang) if written.tone else "",
        said=points([p for p in written.key_points if p.found], "key_point"),
        missing=points(written.missing, "key_point"), crossed=points(written.crossed, "red_line"),
        unanswered=list(written.unanswered), closest_label=written.closest_label, best_label=written.best_label,
        best_post=written.best_post, length=length,
        changes=[tr.gettext("{who}{colon}{change}", who=_changed_by(c, tr), colon=tr.gettext(": "),
                            change=words.change_text(c, written, tr))
                 for c in written.changed])


def _changed_by(change: Change, tr: Translator) -> str:
    """"changed by Ana" (or by the facilitator, when the change was not signed)."""
    return tr.gettext("changed by {who}", who=change.by) if change.by else tr.gettext("changed by the facilitator")


def _timing(tr: Translator, missed: bool, opened: int | None, took: int,
            clock: Callable[[float], str] | None = None) -> str:
    if opened is None:
        return ""
    clock = clock or tr.clock
    at, took_text = clock(opened + took), tr.duration(took)
    if missed:
        return tr.gettext("opened at {opened} · no answer in time: closed at {at} after {took}",
                          opened=clock(opened), at=at, took=took_text)
    return tr.gettext("opened at {opened} · decided at {at}, after {took}", opened=clock(opened), at=at,
                      took=took_text)


def _calendar(case_info: dict[str, Any]) -> list[CalendarEntry]:
    """The case's calendar as the round stored it (none for a round stored before calendars, or
    one that does not read as a calendar)."""
    try:
        return [CalendarEntry.model_validate(entry) for entry in case_info.get("calendar") or []]
    except (ValueError, TypeError):
        return []


def _when(stamp: str | None) -> str:
    """A stored UTC time as people read it: to the minute."""
    return (stamp or "")[:16].replace("T", " ") + (" UTC" if stamp else "")


def _ending_icon(kind: str) -> str:
    return {"success": "✔", "mixed": "◆", "failure": "✘"}.get(kind, "•")


def _sample_at(samples: Sequence[tuple[int, dict[str, float]]], t: int) -> dict[str, float]:
    found: dict[str, float] = samples[0][1] if samples else {}
    for at, metrics in samples:
        if at > t:
            break
        found = metrics
    return found


def _events(report: RoundReport, tr: Translator, decisions: Sequence[DecisionView],
            names: dict[str, str]) -> list[dict[str, Any]]:
    """The key moments in time order, each with the metrics at that moment."""
    _ = tr.gettext
    events: list[tuple[int, int, str, str]] = []  # (t, order, css kind, text)
    channels = report.stored.case_info.get("channels", {})
    for post in report.posts.values():
        if post.get("signal"):
            events.append((post["t"], 1, "signal", "⚑ " + _("Signal: {name}: {text}", name=post.get("name", ""),
                                                              text=post.get("text", ""))))
        elif post.get("kind") == "organisation":
            channel = channels.get(post.get("channel", ""), post.get("channel", ""))
            events.append((post["t"], 3, "published", "★ " + _("Published on {channel}: {text}", channel=channel,
                                                                 text=post.get("text", ""))))
    for d in decisions:
        if d.opened_at is None or d.closed_at is None:
            continue
        events.append((d.opened_at, 2, "decision", "⚠ " + _("Decision {n} opens: {title}", n=d.number,
                                                               title=d.title)))
        text = (_("Decision {n}: no answer in time ({label})", n=d.number, label=d.label) if d.missed
                else _("Decision {n}: {label}", n=d.number, label=d.label))
        events.append((d.closed_at, 2, "decision", ("✘ " if d.missed else "✔ ") + text))
    for i, note in enumerate(report.notes, 1):
        events.append((note.t, 4, "note", f"✎{i} " + _("Observer's note: {text}", text=note.text)))
    if report.result:
        ending = report.result.get("ending") or {}
        end_t = report.samples[-1][0] if report.samples else report.stored.sim_t
        events.append((end_t, 5, "end", f"{_ending_icon(ending.get('kind', ''))} "
                                        + _("End of the round: {title}", title=ending.get("title", ""))))
    events.sort(key=lambda e: (e[0], e[1]))
    return [{"t": t, "kind": kind, "text": text,
             "metrics": [_sample_at(report.samples, t).get(name, 0) for name in names]}
            for t, _order, kind, text in events]


def _signals(report: RoundReport, debrief: Debrief | None, tr: Translator) -> dict[str, Any]:
    """The signals caught, missed and the false alarms, each with its post, by the debrief's one definition."""
    if debrief is None:
        return {"signals": [], "signal_summary": ""}
    items = []
    clock = moments(tr, _calendar(report.stored.case_info), "debrief")
    groups = ((debrief.signals.caught, "caught"), (debrief.signals.missed, "missed"),
              (debrief.signals.false_alarms, "false"))
    for posts, kind in groups:
        for item in posts:
            post = report.posts.get(item.post, {})
            t = item.t if item.t is not None else post.get("t", 0)
            if kind == "caught":
                heading = tr.gettext("Caught after {after}", after=tr.duration(item.after or 0))
            elif kind == "missed":
                heading = tr.gettext("Missed (appeared at {at})", at=clock(t))
            else:
                heading = tr.gettext("False alarm (at {at})", at=clock(t))
            items.append({"kind": kind, "heading": heading, "name": item.name or post.get("name", ""),
                          "text": item.text or post.get("text", "")})
    return {"signals": items, "signal_summary": words.signal_summary(debrief.signals, tr)}


# --- the workshop page ------------------------------------------------------------------


def workshop_html(store: ResultStore, workshop: Any, count: str = "best", lang: str = "en") -> str:
    """The workshop's ranking (each sub-score out of its maximum), the spread of its scores and
    its decisions side by side."""
    tr = translator(lang)
    _ = tr.gettext
    standings = ws.ranking(store, workshop, count)
    points = ws.comparison(store, workshop, count)
    spread = ws.spread(s.score for s in standings if s.score is not None)
    rounds = store.sessions(workshop=workshop.id, newest_first=False)
    case_title = next((r.case_title for r in rounds if r.case_title), workshop.case_id)
    maxima: dict[str, Any] = {}
    for standing in standings:
        if standing.session_id and not maxima:
            maxima = (store.session(standing.session_id).result or {}).get("breakdown_max") or {}
    spread_chart = spread_text = None
    if spread is not None:
        spread_chart = Markup(svg.spread([(s.team, s.score) for s in standings if s.score is not None], spread.q1,
                                         spread.median, spread.q3, _("Spread of the scores")))
        spread_text = tr.ngettext(
            "{n} team: lowest {min}, median {median}, highest {max}; mean {mean}, standard deviation {stdev}.",
            "{n} teams: lowest {min}, median {median}, highest {max}; mean {mean}, standard deviation {stdev}.",
            spread.n, min=tr.decimal(spread.min), median=tr.decimal(spread.median), max=tr.decimal(spread.max),
            mean=tr.decimal(spread.mean), stdev=tr.decimal(spread.stdev))
    teams = [s.team for s in standings if s.session_id]
    rows = []
    for point in points:
        by_team = {c.team: c for c in point.choices}
        cells: list[dict[str, Any] | None] = []
        for team in teams:
            c = by_team.get(team)
            if c is None:
                cells.append(None)
                continue
            mark, css = ("✘", "failure") if c.option is None else (("✔", "success") if c.best else ("◆", "mixed"))
            cells.append({"mark": mark, "css": css, "label": c.label, "took": tr.duration(c.seconds_taken),
                          "fastest": point.fastest is not None and c is point.fastest})
        rows.append({"title": point.title, "opened_at": point.opened_at, "cells": cells})
    parts = [{"id": p, "name": words.part_name(p, tr), "most": tr.number(int(maxima[p])) if p in maxima else ""}
             for p in PARTS]
    # A score a person corrected after the round (issue 11) says so, with the score it ended with.
    corrected = {}
    for standing in standings:
        first = store.original_score(standing.session_id) if standing.session_id else None
        if first is not None:
            corrected[standing.team] = tr.gettext("corrected by a person; the round ended with {score}",
                                                  score=tr.decimal(first, 1))
    return _render("workshop.html.j2", tr, _("Workshop: {name}", name=workshop.name), workshop=workshop,
                   corrected=corrected,
                   case_title=case_title, count=tr.name(COUNT_NAMES, count), standings=standings, parts=parts,
                   spread_chart=spread_chart, spread_text=spread_text, teams=teams, rows=rows,
                   ending_names={k: tr.name(ENDING_KINDS, k) for k in ENDING_KINDS})


# --- CSV ----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula (OWASP's advice: a leading quote)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


SESSION_FIELDS = ("session", "team", "case", "case_title", "language", "seed", "workshop", "started_at", "ended_at",
                  "status", "score", *PARTS, "ending", "ending_kind", "decisions", "best_choices", "missed_decisions",
                  "signals_caught", "signals_missed", "false_flags", "objectives_met", "notes", "answers")
DECISION_FIELDS = ("session", "team", "case", "seed", "started_at", "status", "score", "number", "decision", "title",
                   "option", "label", "strategy", "opened_at", "decided_at", "seconds_taken", "fit", "better_option",
                   "better_label")


def csv_rows(store: ResultStore, sessions: Sequence[StoredSession], kind: str = "sessions") -> list[dict[str, Any]]:
    """Rows for a spreadsheet: one per round (``sessions``) or one per decision (``decisions``)."""
    rows: list[dict[str, Any]] = []
    workshops = {}
    for stored in sessions:
        if stored.workshop and stored.workshop not in workshops:
            found = store._need().execute("SELECT name FROM workshops WHERE id = ?", (stored.workshop,)).fetchone()
            workshops[stored.workshop] = found[0] if found else stored.workshop
        if stored.result is None and stored.status == "finished":
            stored = store.session(stored.id)
        result = stored.result or {}
        if kind == "sessions":
            decisions = result.get("decisions", [])
            signals = result.get("signals", {})
            row = {
                "session": stored.id, "team": stored.team, "case": stored.case_id, "case_title": stored.case_title,
                "language": stored.language, "seed": stored.seed, "workshop": workshops.get(stored.workshop or "", ""),
                "started_at": stored.started_at, "ended_at": stored.ended_at, "status": stored.status,
                "score": stored.score,
                # The score the round ended with when a person corrected its findings after (issue 11); empty if not.
                "score_before_correction": store.original_score(stored.id),
                **{p: stored.breakdown.get(p) for p in PARTS},
                "ending": stored.ending, "ending_kind": stored.ending_kind,
                "decisions": len(decisions) if result else None,
                "best_choices": sum(1 for d in decisions if d.get("option") and not d.get("better")) if result else None,
                "missed_decisions": sum(1 for d in decisions if d.get("option") is None) if result else None,
                "signals_caught": len(signals.get("caught", [])) if result else None,
                "signals_missed": len(signals.get("missed", [])) if result else None,
                "false_flags": signals.get("false_flags") if result else None,
                "objectives_met": sum(1 for o in result.get("objectives", []) if o.get("met")) if result else None,
                "notes": len(store.notes(stored.id)), "answers": len(store.answers(stored.id)),
            }
            rows.append(row)
        else:
            for n, d in enumerate(store.decisions(stored.id), 1):
                better = d.get("better") or {}
                rows.append({
                    "session": stored.id, "team": stored.team, "case": stored.case_id, "seed": stored.seed,
                    "started_at": stored.started_at, "status": stored.status, "score": stored.score, "number": n,
                    "decision": d["decision"], "title": d["title"], "option": d["option"], "label": d["label"],
                    "strategy": d["strategy"], "opened_at": d["opened_at"], "decided_at": d["decided_at"],
                    "seconds_taken": d["seconds_taken"], "fit": d["fit"], "better_option": better.get("option"),
                    "better_label": better.get("label"),
                })
    return rows


def write_csv(rows: Sequence[dict[str, Any]], kind: str = "sessions") -> str:
    fields = SESSION_FIELDS if kind == "sessions" else DECISION_FIELDS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(row.get(k)) for k in fields})
    return buffer.getvalue()
