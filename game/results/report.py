"""Debrief reports: one self-contained HTML page per round (charts inline as SVG, printable to
PDF from a browser), a workshop page, and CSV rows for spreadsheets.

Everything comes from the store: the round's row, its result, its session log (posts, metric
samples, decisions opened and closed), the observer's notes and the reflection answers. The case
file is not needed, so a round imported from another machine reports the same.

The pages are Jinja2 templates (``templates/``) with autoescaping, so every text from a case, a
team or a note is shown as text; the SVG charts come from :mod:`game.results.svg`, which escapes
the texts it draws. CSV cells that a spreadsheet would read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from game.results import svg
from game.results.history import history
from game.results.store import Answer, Note, ResultStore, StoredSession, utc_now
from game.results.svg import clock
from game.results.words import word

PARTS = ("outcome", "strategy_fit", "response_time", "signal_detection", "tone_and_channel")


def duration_text(seconds: int | float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


@dataclass
class RoundReport:
    """What a report shows of one round, gathered from the store."""

    stored: StoredSession
    records: list[dict[str, Any]]
    notes: list[Note]
    answers: list[Answer]
    decisions: list[dict[str, Any]] = field(default_factory=list)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    opened: dict[str, int] = field(default_factory=dict)
    past: list[StoredSession] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any] | None:
        return self.stored.result

    @classmethod
    def gather(cls, store: ResultStore, stored: StoredSession) -> RoundReport:
        if stored.result is None and stored.status == "finished":
            stored = store.session(stored.id)  # a round from a listing comes without its full result
        records = store.log_records(stored.id)
        report = cls(stored, records, store.notes(stored.id), store.answers(stored.id))
        closed: list[dict[str, Any]] = []
        for record in records:
            kind = record.get("type")
            if kind == "post":
                report.posts[record["id"]] = record
            elif kind == "metrics":
                report.samples.append((int(record["at"]), record["metrics"]))
            elif kind == "decision_opened":
                report.opened.setdefault(record["decision"], int(record["t"]))
            elif kind == "decision_closed":
                closed.append(record)
        if stored.result:
            report.decisions = [dict(d) for d in stored.result.get("decisions", [])]
        else:
            # An unfinished round: the decisions closed before it stopped, from the log.
            for record in closed:
                opened = report.opened.get(record["decision"], record["t"])
                report.decisions.append({"decision": record["decision"], "title": record["decision"],
                                         "option": record.get("option"), "label": record.get("option") or "—",
                                         "strategy": "", "seconds_taken": record["t"] - opened, "fit": None,
                                         "why": "", "feedback": "", "better": None})
        for d in report.decisions:
            d["opened_at"] = report.opened.get(d["decision"])
        if stored.status == "finished":
            for line in history(store, stored.team, stored.case_id):
                report.past = [r for r in line.finished if r.started_at <= stored.started_at]
        return report


def _metric_name(lang: str, name: str, case_names: dict[str, str] | None = None) -> str:
    if case_names and name in case_names:
        return case_names[name]
    text = word(lang, f"metric.{name}")
    return text if text != f"metric.{name}" else name.replace("_", " ").capitalize()


CSS = """
:root { --ink:#1d2330; --muted:#5b6472; --rule:#d5d9e0; --good:#007a59; --warn:#a86400; --bad:#b34700; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 980px; margin: 0 auto; padding: 28px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 30px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--rule); } h3 { font-size: 16px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 18px; } .meta span { margin-right: 18px; white-space: nowrap; }
.headline { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
.score { font-size: 64px; font-weight: bold; line-height: 1; } .score small { font-size: 18px; color: var(--muted); }
.ending { flex: 1; min-width: 280px; } .ending .kind { font-weight: bold; }
.success { color: var(--good); } .mixed { color: var(--warn); } .failure { color: var(--bad); }
.note, .muted { color: var(--muted); } .small { font-size: 13px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top;
        padding: 5px 8px; border-bottom: 1px solid var(--rule); } th { font-size: 13px; color: var(--muted); }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.kind-note td { background: #fff8d6; } tr.kind-decision td { background: #eef5fb; }
.decision { border-left: 4px solid var(--rule); padding: 6px 0 6px 14px; margin: 14px 0; break-inside: avoid; }
.decision.best { border-color: var(--good); } .decision.other { border-color: var(--warn); }
.decision.missed { border-color: var(--bad); } .decision p { margin: 3px 0; }
.better { color: var(--good); font-weight: bold; }
ul.plain { list-style: none; padding-left: 0; } ul.plain li { margin: 4px 0; }
.qa { margin: 10px 0; break-inside: avoid; } .qa .q { font-weight: bold; } .qa .a { white-space: pre-wrap; margin: 2px 0 0 14px; }
svg.chart, svg.bars { display: block; margin: 6px 0; }
.rank1 { font-weight: bold; } .mark { font-weight: bold; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print { body { padding: 0; max-width: none; font-size: 12px; } h2 { break-after: avoid; }
               tr, .qa, .decision, svg { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


_TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def _environment() -> jinja2.Environment:
    """Jinja2 with autoescaping on every template: a team name or a note is always text."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=False, keep_trailing_newline=True)


def _render(template: str, lang: str, title: str, **values: Any) -> str:
    w = functools.partial(word, lang)
    return _environment().get_template(template).render(
        lang=lang, title=title, css=Markup(CSS), w=w, colon=w("colon"), clock=clock, icon=_ending_icon,
        generated=_when(utc_now()), **values)


def round_html(store: ResultStore, stored: StoredSession, lang: str | None = None) -> str:
    """The debrief of one round as a self-contained HTML page."""
    return render_round(RoundReport.gather(store, stored), lang)


def render_round(report: RoundReport, lang: str | None = None) -> str:
    """The page of one round (``lang``: the report's language, by default the round's)."""
    s, result = report.stored, report.result
    lang = lang or s.language
    w = functools.partial(word, lang)
    colon = w("colon")
    meta = [(w("report.team"), s.team or w("report.no_team")), (w("report.played"), _when(s.started_at)),
            (w("report.seed"), s.seed), (w("report.language"), s.language), (w("report.round"), s.short_id)]
    if s.status != "finished":
        meta.append((w("report.status"), w(f"status.{s.status}")))
    numbers = {d["decision"]: n for n, d in enumerate(report.decisions, 1)}
    breakdown = []
    if result:
        notes, top = result.get("breakdown_notes", {}), result.get("breakdown_max", {})
        for name, points in result["breakdown"].items():
            most = float(top.get(name, 0) or 0)
            breakdown.append({"name": _part_name(lang, name), "points": float(points), "most": top.get(name, ""),
                              "note": notes.get(name, ""),
                              "meter": Markup(svg.meter(float(points), most, _part_name(lang, name)))})

    names: dict[str, str] = {}
    for _, metrics in report.samples[:1]:
        names = {name: _metric_name(lang, name, s.case_info.get("metric_names")) for name in metrics}
    marks = [(d["opened_at"] + d["seconds_taken"], str(numbers[d["decision"]]), d.get("title", ""))
             for d in report.decisions if d.get("opened_at") is not None]
    note_marks = [(n.t, str(i), n.text) for i, n in enumerate(report.notes, 1)]
    duration = s.duration or (report.samples[-1][0] if report.samples else 60)
    timeline = Markup(svg.timeline(report.samples, duration, names, marks, note_marks, w("report.timeline"),
                                   w("report.minutes")))

    questions = list(s.questions)
    answered = {a.question: a for a in report.answers}
    for a in report.answers:
        if a.question not in {q["id"] for q in questions}:
            questions.append({"id": a.question, "text": a.text})
    past_chart = None
    if len(report.past) > 1:
        past_chart = Markup(svg.scores([(r.started_at[:10], float(r.score or 0)) for r in report.past],
                                       w("report.history")))
    return _render(
        "round.html.j2", lang, w("report.title", title=s.case_title or s.case_id),
        stored=s, result=result, meta=meta, breakdown=breakdown,
        ending_kind=result["ending"].get("kind", "") if result else "",
        timeline=timeline, metric_labels=list(names.values()), events=_events(report, lang, numbers, names),
        decisions=[_decision_view(d, lang, colon) for d in report.decisions],
        **(_signals(report, lang) if result else {"signals": [], "signal_summary": ""}),
        objectives=[_objective_view(o) for o in (result or {}).get("objectives", [])],
        notes=report.notes,
        questions=[{"text": q.get("text", q["id"]), "answered": q["id"] in answered,
                    "answer": answered[q["id"]].answer if q["id"] in answered else w("report.no_answer")}
                   for q in questions],
        past_chart=past_chart,
    )


def _decision_view(d: dict[str, Any], lang: str, colon: str) -> dict[str, Any]:
    """What the page shows of one decision: its mark, timing, choice, feedback, the better option."""
    w = functools.partial(word, lang)
    missed = d.get("option") is None
    timing = []
    opened = d.get("opened_at")
    if opened is not None:
        timing.append(w("report.opened", at=clock(opened)))
        at, took = clock(opened + d["seconds_taken"]), duration_text(d["seconds_taken"])
        timing.append(w("report.timed_out", at=at, took=took) if missed else w("report.decided", at=at, took=took))
    fit = d.get("fit")
    better = d.get("better") or None
    return {
        "id": d["decision"], "title": d.get("title", d["decision"]), "missed": missed, "timing": timing,
        "css": "missed" if missed else ("best" if d.get("better") is None else "other"),
        "mark": "✘" if missed else ("✔" if d.get("better") is None else "◆"),
        "label": d.get("label", ""), "strategy": str(d.get("strategy") or "").replace("_", " "),
        "fit_text": f" · {w('report.fit')}{colon}{fit:.0%}" if isinstance(fit, (int, float)) else "",
        "feedback": d.get("feedback"), "why": d.get("why"), "better": better,
        "better_why": (better.get("feedback") or better.get("why") or "") if better else "",
    }


def _objective_view(objective: dict[str, Any]) -> dict[str, str]:
    mark, css, key = {True: ("✔", "success", "report.met"), False: ("✘", "failure", "report.not_met")}.get(
        objective.get("met"), ("?", "muted", "report.discuss"))
    return {"mark": mark, "css": css, "key": key, "text": objective.get("text", "")}


def _when(stamp: str | None) -> str:
    """A stored UTC time as people read it: to the minute."""
    return (stamp or "")[:16].replace("T", " ") + (" UTC" if stamp else "")


def _ending_icon(kind: str) -> str:
    return {"success": "✔", "mixed": "◆", "failure": "✘"}.get(kind, "•")


def _part_name(lang: str, name: str) -> str:
    text = word(lang, f"part.{name}")
    return text if text != f"part.{name}" else name.replace("_", " ")


def _sample_at(samples: Sequence[tuple[int, dict[str, float]]], t: int) -> dict[str, float]:
    found: dict[str, float] = samples[0][1] if samples else {}
    for at, metrics in samples:
        if at > t:
            break
        found = metrics
    return found


def _events(report: RoundReport, lang: str, numbers: dict[str, int], names: dict[str, str]) -> list[dict[str, Any]]:
    """The key moments in time order, each with the metrics at that moment."""
    w = functools.partial(word, lang)
    colon = w("colon")
    events: list[tuple[int, int, str, str]] = []  # (t, order, css kind, text)
    channels = report.stored.case_info.get("channels", {})
    for post in report.posts.values():
        if post.get("signal"):
            events.append((post["t"], 1, "signal", f"⚑ {w('report.signal_in', name=post.get('name', ''))}{colon}"
                                                    f"{post.get('text', '')}"))
        elif post.get("kind") == "organisation":
            channel = channels.get(post.get("channel", ""), post.get("channel", ""))
            events.append((post["t"], 3, "published", f"★ {w('report.published', channel=channel)}"
                                                       f"{colon}{post.get('text', '')}"))
    for d in report.decisions:
        n = numbers[d["decision"]]
        if d.get("opened_at") is None:
            continue
        events.append((d["opened_at"], 2, "decision", f"⚠ {w('report.decision_opened', n=n, title=d.get('title', ''))}"))
        key = "report.decision_missed" if d.get("option") is None else "report.decision_made"
        events.append((d["opened_at"] + d["seconds_taken"], 2, "decision", f"{'✘' if d.get('option') is None else '✔'} "
                       f"{w(key, n=n, label=d.get('label', ''))}"))
    for i, note in enumerate(report.notes, 1):
        events.append((note.t, 4, "note", f"✎{i} {w('report.note')}{colon}{note.text}"))
    if report.result:
        ending = report.result["ending"]
        end_t = report.samples[-1][0] if report.samples else report.stored.sim_t
        events.append((end_t, 5, "end", f"{_ending_icon(ending.get('kind', ''))} "
                                        f"{w('report.ended', title=ending.get('title', ''))}"))
    events.sort(key=lambda e: (e[0], e[1]))
    return [{"t": t, "kind": kind, "text": text,
             "metrics": [_sample_at(report.samples, t).get(name, 0) for name in names]}
            for t, _, kind, text in events]


def _signals(report: RoundReport, lang: str) -> dict[str, Any]:
    w = functools.partial(word, lang)
    signals = report.result.get("signals", {}) if report.result else {}
    caught, missed = signals.get("caught", []), signals.get("missed", [])
    summary = w("report.signal_summary", caught=len(caught), total=len(caught) + len(missed),
                false=signals.get("false_flags", 0), precision=f"{signals.get('precision', 0):.0%}",
                recall=f"{signals.get('recall', 0):.0%}")
    items = []
    for item in caught:
        post = report.posts.get(item["post"], {})
        items.append({"caught": True, "heading": w("report.caught", after=duration_text(item["after"])),
                      "name": post.get("name", ""), "text": post.get("text", "")})
    for item in missed:
        post = report.posts.get(item["post"], {})
        items.append({"caught": False, "heading": w("report.missed", at=clock(post.get("t", 0))),
                      "name": post.get("name", ""), "text": post.get("text", "")})
    return {"signals": items, "signal_summary": summary}


# --- the workshop page ------------------------------------------------------------------


def workshop_html(store: ResultStore, workshop: Any, count: str = "best", lang: str = "en") -> str:
    """The workshop's ranking, the spread of its scores and its decisions side by side."""
    from game.results import workshop as ws

    w = functools.partial(word, lang)
    standings = ws.ranking(store, workshop, count)
    points = ws.comparison(store, workshop, count)
    spread = ws.spread(s.score for s in standings if s.score is not None)
    spread_chart = spread_text = None
    if spread is not None:
        spread_chart = Markup(svg.spread([(s.team, s.score) for s in standings if s.score is not None], spread.q1,
                                         spread.median, spread.q3, w("workshop.spread")))
        spread_text = w("workshop.spread_text", n=spread.n, min=f"{spread.min:.1f}", median=f"{spread.median:.1f}",
                        max=f"{spread.max:.1f}", mean=f"{spread.mean:.1f}", stdev=f"{spread.stdev:.1f}")
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
            cells.append({"mark": mark, "css": css, "label": c.label, "took": duration_text(c.seconds_taken),
                          "fastest": point.fastest is not None and c is point.fastest})
        rows.append({"title": point.title, "opened_at": point.opened_at, "cells": cells})
    return _render("workshop.html.j2", lang, w("workshop.title", name=workshop.name), workshop=workshop,
                   count=count, standings=standings, parts=PARTS, part_names=[_part_name(lang, p) for p in PARTS],
                   spread_chart=spread_chart, spread_text=spread_text, teams=teams, rows=rows)


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
                "score": stored.score, **{p: stored.breakdown.get(p) for p in PARTS},
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
