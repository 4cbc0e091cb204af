"""Debrief reports: one self-contained HTML page per round (charts inline as SVG, printable to
PDF from a browser), a workshop page, and CSV rows for spreadsheets.

Everything comes from the store: the round's row, its result, its session log (posts, metric
samples, decisions opened and closed), the observer's notes and the reflection answers. The case
file is not needed, so a round imported from another machine reports the same.

Every text from a case, a team or a note is escaped (:func:`html.escape`); CSV cells that a
spreadsheet would read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from game.results import svg
from game.results import workshop as ws
from game.results.history import history
from game.results.store import Answer, Note, ResultStore, StoredSession, utc_now
from game.results.svg import clock, esc
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


def _page(lang: str, title: str, body: Iterable[str]) -> str:
    return ("<!DOCTYPE html>\n"
            f'<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            + "".join(body)
            + f'<footer>{esc(word(lang, "report.generated", when=_when(utc_now())))}'
              "</footer></body></html>\n")


def round_html(store: ResultStore, stored: StoredSession, lang: str | None = None) -> str:
    """The debrief of one round as a self-contained HTML page."""
    return render_round(RoundReport.gather(store, stored), lang)


def render_round(report: RoundReport, lang: str | None = None) -> str:
    s, result = report.stored, report.result
    lang = lang or s.language
    w = lambda key, **v: word(lang, key, **v)  # noqa: E731
    colon = w("colon")
    out: list[str] = []
    title = w("report.title", title=s.case_title or s.case_id)
    out.append(f"<header><h1>{esc(title)}</h1><p class=\"meta\">")
    meta = [(w("report.team"), s.team or w("report.no_team")), (w("report.played"), _when(s.started_at)),
            (w("report.seed"), s.seed), (w("report.language"), s.language), (w("report.round"), s.short_id)]
    if s.status != "finished":
        meta.append((w("report.status"), w(f"status.{s.status}")))
    out += [f"<span><b>{esc(k)}</b>{esc(colon)}{esc(v)}</span>" for k, v in meta]
    out.append("</p></header>")

    numbers = {d["decision"]: n for n, d in enumerate(report.decisions, 1)}
    if result:
        ending = result["ending"]
        kind = ending.get("kind", "")
        out.append('<section class="headline">'
                   f'<div><div class="score" id="score">{result["score"]:.1f} <small>{esc(w("report.out_of"))}'
                   f'</small></div></div><div class="ending"><div class="muted small">{esc(w("report.ending"))}</div>'
                   f'<div class="kind {esc(kind)}">{esc(_ending_icon(kind))} {esc(w(f"ending.{kind}"))}{esc(colon)}'
                   f'{esc(ending.get("title", ""))}</div><p>{esc(ending.get("text", ""))}</p></div></section>')
        out.append(f"<h2>{esc(w('report.breakdown'))}</h2>")
        notes = result.get("breakdown_notes", {})
        top = result.get("breakdown_max", {})
        out.append("<table id=\"breakdown\"><tbody>")
        for name, points in result["breakdown"].items():
            most = float(top.get(name, 0) or 0)
            out.append(f"<tr><td><b>{esc(_part_name(lang, name))}</b></td>"
                       f"<td>{svg.meter(float(points), most, _part_name(lang, name))}</td>"
                       f"<td class=\"num\">{float(points):.1f} / {esc(top.get(name, ''))}</td>"
                       f"<td class=\"note small\">{esc(notes.get(name, ''))}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append(f"<p class=\"note\">{esc(w('report.unfinished', status=w(f'status.{s.status}'), at=clock(s.sim_t)))}</p>")

    # The crisis over time: the chart, then the timeline of what happened with the metrics.
    out.append(f"<h2>{esc(w('report.timeline'))}</h2>")
    names = {}
    for _, metrics in report.samples[:1]:
        names = {name: _metric_name(lang, name, s.case_info.get("metric_names")) for name in metrics}
    marks = [(d["opened_at"] + d["seconds_taken"], str(numbers[d["decision"]]), d.get("title", ""))
             for d in report.decisions if d.get("opened_at") is not None]
    note_marks = [(n.t, str(i), n.text) for i, n in enumerate(report.notes, 1)]
    duration = s.duration or (report.samples[-1][0] if report.samples else 60)
    out.append(svg.timeline(report.samples, duration, names, marks, note_marks, w("report.timeline"),
                            w("report.minutes")))
    out.append(f"<p class=\"note small\">{esc(w('report.chart_help'))}</p>")
    out.append(_events_table(report, lang, numbers, names))

    # Every decision: timing, choice, feedback, the better option.
    out.append(f"<h2>{esc(w('report.decisions'))}</h2>")
    if not report.decisions:
        out.append(f"<p class=\"muted\">{esc(w('report.no_decisions'))}</p>")
    for n, d in enumerate(report.decisions, 1):
        missed = d.get("option") is None
        cls = "missed" if missed else ("best" if d.get("better") is None else "other")
        mark = "✘" if missed else ("✔" if d.get("better") is None else "◆")
        opened = d.get("opened_at")
        out.append(f'<div class="decision {cls}" id="decision-{esc(d["decision"])}">'
                   f'<h3><span class="mark">{mark}</span> {n}. {esc(d.get("title", d["decision"]))}</h3>')
        timing = []
        if opened is not None:
            timing.append(w("report.opened", at=clock(opened)))
            at = clock(opened + d["seconds_taken"])
            took = duration_text(d["seconds_taken"])
            timing.append(w("report.timed_out", at=at, took=took) if missed else w("report.decided", at=at, took=took))
        out.append(f"<p class=\"muted small\">{esc(' · '.join(timing))}</p>")
        out.append(f"<p><b>{esc(w('report.choice'))}{esc(colon)}</b>{esc(d.get('label', ''))}</p>")
        if d.get("strategy"):
            fit = d.get("fit")
            fit_text = f" · {w('report.fit')}{colon}{fit:.0%}" if isinstance(fit, (int, float)) else ""
            out.append(f"<p class=\"small\">{esc(w('report.strategy'))}{esc(colon)}"
                       f"{esc(str(d['strategy']).replace('_', ' '))}{esc(fit_text)}</p>")
        if d.get("feedback"):
            out.append(f"<p>{esc(d['feedback'])}</p>")
        if d.get("why"):
            out.append(f"<p class=\"muted small\">{esc(d['why'])}</p>")
        if d.get("better"):
            better = d["better"]
            out.append(f"<p class=\"better\">{esc(w('report.better'))}{esc(colon)}{esc(better.get('label', ''))}</p>")
            why = better.get("feedback") or better.get("why") or ""
            if why:
                out.append(f"<p class=\"small\">{esc(why)}</p>")
        elif result and not missed:
            out.append(f"<p class=\"small good\">{esc(w('report.best_taken'))}</p>")
        out.append("</div>")

    if result:
        out.append(_signals(report, lang))
        out.append(f"<h2>{esc(w('report.objectives'))}</h2><ul class=\"plain\">")
        for objective in result.get("objectives", []):
            met = objective.get("met")
            mark, cls, key = {True: ("✔", "success", "report.met"), False: ("✘", "failure", "report.not_met")}.get(
                met, ("?", "muted", "report.discuss"))
            out.append(f"<li class=\"{cls}\"><span class=\"mark\">{mark}</span> [{esc(w(key))}] "
                       f"{esc(objective.get('text', ''))}</li>")
        out.append("</ul>")

    out.append(f"<h2>{esc(w('report.notes'))}</h2>")
    if report.notes:
        out.append("<ul class=\"plain\">" + "".join(
            f"<li><b>✎{i} · {clock(n.t)}</b> {esc(n.text)}</li>" for i, n in enumerate(report.notes, 1)) + "</ul>")
    else:
        out.append(f"<p class=\"muted\">{esc(w('report.no_notes'))}</p>")

    questions = list(s.questions)
    answered = {a.question: a for a in report.answers}
    for a in report.answers:
        if a.question not in {q["id"] for q in questions}:
            questions.append({"id": a.question, "text": a.text})
    if questions:
        out.append(f"<h2>{esc(w('report.reflection'))}</h2>")
        for q in questions:
            a = answered.get(q["id"])
            text = a.answer if a else w("report.no_answer")
            out.append(f"<div class=\"qa\"><div class=\"q\">{esc(q.get('text', q['id']))}</div>"
                       f"<div class=\"a{'' if a else ' muted'}\">{esc(text)}</div></div>")

    if result and result.get("crisis"):
        out.append(f"<h2>{esc(w('report.crisis'))}</h2><p class=\"muted\">{esc(result['crisis'])}</p>")

    if len(report.past) > 1:
        out.append(f"<h2>{esc(w('report.history'))}</h2><p class=\"note small\">{esc(w('report.history_help'))}</p>")
        out.append(svg.scores([(r.started_at[:10], float(r.score or 0)) for r in report.past], w("report.history")))
    return _page(lang, title, out)


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


def _events_table(report: RoundReport, lang: str, numbers: dict[str, int], names: dict[str, str]) -> str:
    """The key moments in time order, each with the metrics at that moment."""
    w = lambda key, **v: word(lang, key, **v)  # noqa: E731
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
    head = "".join(f"<th class=\"num\">{esc(label)}</th>" for label in names.values())
    rows = [f"<table class=\"events\"><thead><tr><th>{esc(w('report.time'))}</th><th>{esc(w('report.what'))}</th>"
            f"{head}</tr></thead><tbody>"]
    for t, _, kind, text in events:
        metrics = _sample_at(report.samples, t)
        cells = "".join(f"<td class=\"num\">{metrics.get(name, 0):.0f}</td>" for name in names)
        rows.append(f"<tr class=\"kind-{kind}\"><td class=\"num\">{clock(t)}</td><td>{esc(text)}</td>{cells}</tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def _signals(report: RoundReport, lang: str) -> str:
    w = lambda key, **v: word(lang, key, **v)  # noqa: E731
    colon = w("colon")
    signals = report.result.get("signals", {}) if report.result else {}
    caught, missed = signals.get("caught", []), signals.get("missed", [])
    summary = w("report.signal_summary", caught=len(caught), total=len(caught) + len(missed),
                false=signals.get("false_flags", 0), precision=f"{signals.get('precision', 0):.0%}",
                recall=f"{signals.get('recall', 0):.0%}")
    out = [f"<h2>{esc(w('report.signals'))}</h2><p>{esc(summary)}</p>", "<ul class=\"plain\">"]
    for item in caught:
        post = report.posts.get(item["post"], {})
        out.append(f"<li class=\"success\">✔ <b>{esc(w('report.caught', after=duration_text(item['after'])))}</b> — "
                   f"{esc(post.get('name', ''))}{esc(colon)}{esc(post.get('text', ''))}</li>")
    for item in missed:
        post = report.posts.get(item["post"], {})
        out.append(f"<li class=\"failure\">✘ <b>{esc(w('report.missed', at=clock(post.get('t', 0))))}</b> — "
                   f"{esc(post.get('name', ''))}{esc(colon)}{esc(post.get('text', ''))}</li>")
    out.append("</ul>")
    return "".join(out)


# --- the workshop page ------------------------------------------------------------------


def workshop_html(store: ResultStore, workshop: Any, count: str = "best", lang: str = "en") -> str:
    """The workshop's ranking, the spread of its scores and its decisions side by side."""
    w = lambda key, **v: word(lang, key, **v)  # noqa: E731
    standings = ws.ranking(store, workshop, count)
    points = ws.comparison(store, workshop, count)
    spread = ws.spread(s.score for s in standings if s.score is not None)
    title = w("workshop.title", name=workshop.name)
    out = [f"<header><h1>{esc(title)}</h1><p class=\"meta\"><span><b>{esc(w('report.case'))}</b>{esc(w('colon'))}"
           f"{esc(workshop.case_id)}</span><span><b>{esc(w('workshop.teams'))}</b>{esc(w('colon'))}"
           f"{len(workshop.teams)}</span></p></header>",
           f"<h2>{esc(w('workshop.ranking'))}</h2>",
           f"<p class=\"note small\">{esc(w('workshop.counted', count=w(f'count.{count}')))}</p>"]
    head = "".join(f"<th class=\"num\">{esc(_part_name(lang, p))}</th>" for p in PARTS)
    out.append(f"<table id=\"ranking\"><thead><tr><th class=\"num\">{esc(w('workshop.rank'))}</th>"
               f"<th>{esc(w('report.team'))}</th><th class=\"num\">{esc(w('report.score'))}</th>{head}"
               f"<th>{esc(w('report.ending'))}</th><th class=\"num\">{esc(w('workshop.rounds'))}</th></tr></thead><tbody>")
    for s in standings:
        if s.score is None:
            out.append(f"<tr class=\"muted\"><td class=\"num\">–</td><td>{esc(s.team)}</td><td colspan=\"{len(PARTS) + 3}\">"
                       f"{esc(w('workshop.not_played'))}</td></tr>")
            continue
        parts = "".join(f"<td class=\"num\">{float(s.breakdown.get(p, 0)):.1f}</td>" for p in PARTS)
        kind = s.ending_kind or ""
        out.append(f"<tr class=\"{'rank1' if s.rank == 1 else ''}\"><td class=\"num\">{s.rank}</td>"
                   f"<td>{esc(s.team)}</td><td class=\"num score-cell\">{s.score:.1f}</td>{parts}"
                   f"<td class=\"{esc(kind)}\">{esc(_ending_icon(kind))} {esc(w(f'ending.{kind}') if kind else '')}</td>"
                   f"<td class=\"num\">{s.rounds}</td></tr>")
    out.append("</tbody></table>")
    out.append(f"<h2>{esc(w('workshop.spread'))}</h2>")
    if spread is None:
        out.append(f"<p class=\"muted\">{esc(w('workshop.no_rounds'))}</p>")
    else:
        out.append(svg.spread([(s.team, s.score) for s in standings if s.score is not None], spread.q1,
                              spread.median, spread.q3, w("workshop.spread")))
        text = w("workshop.spread_text", n=spread.n, min=f"{spread.min:.1f}", median=f"{spread.median:.1f}",
                 max=f"{spread.max:.1f}", mean=f"{spread.mean:.1f}", stdev=f"{spread.stdev:.1f}")
        out.append(f"<p>{esc(text)}</p>")
    out.append(f"<h2>{esc(w('workshop.compare'))}</h2><p class=\"note small\">{esc(w('workshop.compare_help'))}</p>")
    teams = [s.team for s in standings if s.session_id]
    if points and teams:
        out.append("<table id=\"compare\"><thead><tr><th></th>" + "".join(f"<th>{esc(t)}</th>" for t in teams)
                   + "</tr></thead><tbody>")
        for n, point in enumerate(points, 1):
            by_team = {c.team: c for c in point.choices}
            fastest = point.fastest
            cells = []
            for team in teams:
                c = by_team.get(team)
                if c is None:
                    cells.append("<td class=\"muted\">–</td>")
                    continue
                mark, cls = ("✘", "failure") if c.option is None else (("✔", "success") if c.best else ("◆", "mixed"))
                fast = " ⚡" if fastest is not None and c is fastest else ""
                cells.append(f"<td><span class=\"mark {cls}\">{mark}</span> {esc(c.label)}<br>"
                             f"<span class=\"muted small\">{esc(duration_text(c.seconds_taken))}{fast}</span></td>")
            opened = f" <span class=\"muted small\">({clock(point.opened_at)})</span>" if point.opened_at is not None else ""
            out.append(f"<tr><th>{n}. {esc(point.title)}{opened}</th>{''.join(cells)}</tr>")
        out.append("</tbody></table>")
    else:
        out.append(f"<p class=\"muted\">{esc(w('workshop.no_rounds'))}</p>")
    return _page(lang, title, out)


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
