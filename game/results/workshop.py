"""Workshops: a trainer's session with several teams on one case.

A workshop has a name, a case and its teams. Rounds played under it carry its id; rounds played
on other machines come in as exported files (one per round), and a round already in the store
is never added twice. The workshop's views are the ranking (each team's best finished round by
default), the decisions side by side (who chose what at each decision point, how fast) and the
spread of the scores.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine._files import Unreadable, read_limited
from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.engine.log import replay, written_by_other_engine
from game.engine.scoring import score as score_of
from game.results.exports import (
    EXPORT_FORMAT, EXPORT_VERSION, MAX_TEAM, ExportedAmendment, ExportedAnswer, ExportedNote, ExportedRound, ExportedWorkshop,
    RoundExport, StoredResult, ValidationError, why_invalid,
)
from game.results.store import SESSION_COLUMNS, ResultStore, StoreError, StoredSession

COUNTS = ("best", "first", "last")
MAX_IMPORT_BYTES = 64_000_000
"""Largest round file ``workshop import`` reads (a round's export is a few hundred kilobytes)."""
MAX_IMPORT_DEPTH = 40
"""Deepest nesting of lists and objects in a round file or one of its log lines (an export has about 6)."""


@dataclass(frozen=True, slots=True)
class Workshop:
    id: str
    name: str
    case_id: str
    case_path: str | None
    created_at: str
    teams: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of the ranking; ``rank`` is None for a team that has not finished a round yet."""

    rank: int | None
    team: str
    score: float | None
    session_id: str | None
    rounds: int
    ending: str | None = None
    ending_kind: str | None = None
    ended_at: str | None = None
    breakdown: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Choice:
    """What one team did at one decision point."""

    team: str
    option: str | None  # None: the time ran out
    label: str
    seconds_taken: int
    fit: float | None
    best: bool  # no better option existed


@dataclass(frozen=True, slots=True)
class DecisionPoint:
    decision: str
    title: str
    opened_at: int | None
    choices: list[Choice]

    @property
    def fastest(self) -> Choice | None:
        answered = [c for c in self.choices if c.option is not None]
        return min(answered, key=lambda c: c.seconds_taken) if answered else None


@dataclass(frozen=True, slots=True)
class Spread:
    n: int
    min: float
    q1: float
    median: float
    q3: float
    max: float
    mean: float
    stdev: float
    scores: tuple[float, ...]


class ImportError_(StoreError):
    """A file cannot be imported (the message names the file and why)."""


def clean_team(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        raise StoreError("a team needs a name")
    if len(name) > MAX_TEAM:
        raise StoreError(f"team name {name[:20]!r}… is longer than {MAX_TEAM} characters")
    return name


# --- creating and finding workshops ----------------------------------------------------


def create(store: ResultStore, name: str, case_id: str, teams: Sequence[str], case_path: str | None = None) -> Workshop:
    name = name.strip()
    if not name:
        raise StoreError("a workshop needs a name")
    cleaned = []
    for team in teams:
        team = clean_team(team)
        if team not in cleaned:
            cleaned.append(team)
    store.create_workshop(name, case_id, cleaned, case_path)
    return get(store, name)


def add_teams(store: ResultStore, workshop: Workshop, teams: Iterable[str]) -> Workshop:
    store.add_workshop_teams(workshop.id, [clean_team(team) for team in teams])
    return get(store, workshop.id)


def get(store: ResultStore, name_or_id: str) -> Workshop:
    (id_, name, case_id, case_path, created_at), teams = store.workshop_row(name_or_id)
    return Workshop(id_, name, case_id, case_path, created_at, teams=teams)


def all_workshops(store: ResultStore) -> list[Workshop]:
    ids = store.workshop_ids()
    return [get(store, i) for i in ids]


def attach(store: ResultStore, workshop: Workshop, session_ids: Iterable[str] = (), teams: Iterable[str] = ()) -> int:
    """Put rounds already in the store into the workshop: the rounds named, and the ended rounds
    of the teams named that are in no workshop yet. Returns how many moved; their teams join."""
    ids = [store.session(i).id for i in session_ids]
    team_list = [clean_team(t) for t in teams]
    with store.transaction() as conn:
        for team in team_list:
            ids += [r[0] for r in conn.execute(
                "SELECT id FROM sessions WHERE team = ? AND case_id = ? AND workshop IS NULL AND status != 'running'",
                (team, workshop.case_id))]
        moved = 0
        for sid in dict.fromkeys(ids):
            row = conn.execute("SELECT case_id, team FROM sessions WHERE id = ?", (sid,)).fetchone()
            if row[0] != workshop.case_id:
                raise StoreError(f"round {sid[:8]} is of case {row[0]!r}, the workshop of {workshop.case_id!r}")
            conn.execute("UPDATE sessions SET workshop = ? WHERE id = ?", (workshop.id, sid))
            if row[1]:
                store._add_workshop_teams(conn, workshop.id, [clean_team(row[1])])
            moved += 1
    return moved


def next_team(store: ResultStore, workshop: Workshop) -> str | None:
    """The first team (in the trainer's order) that has not finished a round yet: teams play in turn."""
    done = {r[0] for r in store._need().execute(
        "SELECT DISTINCT team FROM sessions WHERE workshop = ? AND status = 'finished'", (workshop.id,))}
    return next((t for t in workshop.teams if t not in done), None)


# --- the ranking, the decisions side by side, the spread -------------------------------


def ranking(store: ResultStore, workshop: Workshop, count: str = "best") -> list[Standing]:
    """Teams ordered by the score of their counted round (best, first or last finished round).

    Ties share a rank (1, 2, 2, 4) and list in the order they finished. Teams of the workshop
    with no finished round come last, unranked.
    """
    if count not in COUNTS:
        raise ValueError(f"count must be one of {COUNTS}")
    order = {"best": "score DESC, ended_at, rowid", "first": "ended_at, rowid",
             "last": "ended_at DESC, rowid DESC"}[count]
    rows = store._need().execute(
        f"""SELECT team, id, score, ending, ending_kind, ended_at, breakdown, n FROM (
                SELECT team, id, score, ending, ending_kind, ended_at, breakdown,
                       count(*) OVER (PARTITION BY team) AS n,
                       row_number() OVER (PARTITION BY team ORDER BY {order}) AS pick
                FROM sessions WHERE workshop = ? AND status = 'finished') AS counted
            WHERE pick = 1 ORDER BY score DESC, ended_at, team""",
        (workshop.id,),
    ).fetchall()
    standings: list[Standing] = []
    previous, rank = None, 0
    for position, (team, sid, score, ending, kind, ended_at, breakdown, n) in enumerate(rows, 1):
        if score != previous:
            rank, previous = position, score
        standings.append(Standing(rank, team, score, sid, n, ending, kind, ended_at,
                                  json.loads(breakdown) if breakdown else {}))
    played = {s.team for s in standings}
    standings += [Standing(None, team, None, None, 0) for team in workshop.teams if team not in played]
    return standings


def comparison(store: ResultStore, workshop: Workshop, count: str = "best") -> list[DecisionPoint]:
    """Each decision point of the case with what each ranked team chose and how fast."""
    played = [(s.team, s.session_id) for s in ranking(store, workshop, count) if s.session_id]
    points: dict[str, dict[str, Any]] = {}
    for team, session_id in played:
        for d in store.decisions(session_id):
            point = points.setdefault(d["decision"], {"title": d["title"], "opened": [], "choices": []})
            if d["opened_at"] is not None:
                point["opened"].append(d["opened_at"])
            point["choices"].append(Choice(team, d["option"], d["label"], d["seconds_taken"] or 0,
                                           d["fit"], d["option"] is not None and d["better"] is None))
    out = [DecisionPoint(decision, p["title"], int(statistics.median(p["opened"])) if p["opened"] else None,
                         p["choices"]) for decision, p in points.items()]
    return sorted(out, key=lambda p: (p.opened_at is None, p.opened_at or 0))


def spread(scores: Iterable[float]) -> Spread | None:
    values = sorted(float(s) for s in scores)
    if not values:
        return None
    if len(values) == 1:
        q1 = median = q3 = values[0]
    else:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(len(values), values[0], q1, median, q3, values[-1], statistics.fmean(values),
                  statistics.pstdev(values), tuple(values))


def workshop_spread(store: ResultStore, workshop: Workshop, count: str = "best") -> Spread | None:
    return spread(s.score for s in ranking(store, workshop, count) if s.score is not None)


# --- export and import ------------------------------------------------------------------


def export_session(store: ResultStore, stored: StoredSession) -> dict[str, Any]:
    """A round as one self-contained JSON document (for another machine's ``workshop import``)."""
    if stored.status == "running":
        raise StoreError(f"round {stored.short_id} is still being played: export it when it has ended")
    if stored.result is None and stored.status == "finished":
        stored = store.session(stored.id)
    workshop = None
    if stored.workshop:
        try:
            w = get(store, stored.workshop)
            workshop = ExportedWorkshop(id=w.id, name=w.name, case_id=w.case_id)
        except StoreError:
            workshop = None
    row = {c: getattr(stored, c) for c in SESSION_COLUMNS if c not in ("pid", "origin")}
    row["result"] = stored.result
    document = RoundExport(
        format=EXPORT_FORMAT, version=EXPORT_VERSION, exported_at=store.now(), session=ExportedRound(**row),
        workshop=workshop,
        notes=[ExportedNote(t=n.t, text=n.text, written_at=n.written_at) for n in store.notes(stored.id)],
        answers=[ExportedAnswer(question=a.question, text=a.text, answer=a.answer, answered_at=a.answered_at)
                 for a in store.answers(stored.id)],
        amendments=[ExportedAmendment(**dataclasses.asdict(a)) for a in store.amendments(stored.id)],
        log=store.log_text(stored.id) or "\n",
    )
    return document.model_dump(mode="json")


def export_file_name(stored: StoredSession) -> str:
    team = re.sub(r"[^A-Za-z0-9_-]+", "-", stored.team).strip("-")[:30] or "no-team"
    day = (stored.started_at or "")[:10]
    return f"{stored.case_id}-{team}-{day}-{stored.short_id}.json"


def write_export(store: ResultStore, stored: StoredSession, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export_file_name(stored)
    path.write_text(json.dumps(export_session(store, stored), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "FILE: why"


_ID = re.compile(r"^[0-9a-f]{32}$")


def _check(document: Any, path: Path) -> dict[str, Any]:
    """The export's session row, checked; raises ImportError_ with the reason."""
    def bad(why: str) -> ImportError_:
        return ImportError_(f"{path}: {why}")

    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise bad("not a Crisis Sim round export")
    try:
        checked = RoundExport.model_validate(document)
    except ValidationError as exc:
        raise bad(why_invalid(exc)) from None
    row = document["session"]
    if checked.session.status == "running":
        raise bad(f"the round is {row['status']!r}: only ended rounds can be imported")
    log = document.get("log")
    if not isinstance(log, str) or not log.strip():
        raise bad("the round has no session log")
    records = _log_records(log, bad)
    header = records[0] if records else None
    if not isinstance(header, dict) or header.get("type") != "session":
        raise bad("the session log does not start with its header")
    if header.get("scenario") != row["case_id"] or header.get("seed") != row["seed"]:
        raise bad("the session log is of another case or seed than the round")
    if row["status"] == "finished":
        result = row.get("result")
        if isinstance(result, str):
            result = _loads(result, bad, "the round's result")
        try:
            StoredResult.model_validate(result)
        except ValidationError:
            raise bad("the finished round has no valid result") from None
        if result.get("scenario") != row["case_id"]:
            raise bad("the result is of another case than the round")
        # The score, breakdown and ending columns are derived from the result, never taken as given.
        row = {**row, "result": result, "score": float(result["score"]), "breakdown": result["breakdown"],
               "ending": result["ending"].get("id"), "ending_kind": result["ending"].get("kind")}
    else:
        row = {**row, "result": None, "score": None, "breakdown": None, "ending": None, "ending_kind": None}
    return row


def _too_deep(value: Any, limit: int = MAX_IMPORT_DEPTH) -> bool:
    """Whether lists and objects nest deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _loads(text: str, bad: Any, what: str, torn_ok: bool = False) -> Any:
    """JSON from a foreign file, within the nesting limit; ``bad(why)`` makes the error.

    ``torn_ok``: text that is cut short gives None instead (a log's last line).
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if torn_ok:
            return None
        raise bad(f"{what} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:  # the decoder met the interpreter's limit first
        raise bad(f"{what} nests lists or objects more than {MAX_IMPORT_DEPTH} levels deep") from None
    if _too_deep(value):
        raise bad(f"{what} nests lists or objects more than {MAX_IMPORT_DEPTH} levels deep")
    return value


def _log_records(log: str, bad: Any) -> list[dict[str, Any]]:
    """The log's lines, each a JSON object within the nesting limit.

    A last line cut short (the round's process died while writing it) is dropped, as the store does.
    """
    lines = [line for line in log.splitlines() if line.strip()]
    records = []
    for number, line in enumerate(lines, 1):
        record = _loads(line, bad, f"line {number} of the session log", torn_ok=number == len(lines) > 1)
        if record is None and number == len(lines) > 1:
            break
        if not isinstance(record, dict):
            raise bad(f"line {number} of the session log is not a log record")
        records.append(record)
    return records


def verify(row: dict[str, Any], log: str, case_path: str | Path) -> str | None:
    """Replay an imported round against the local case; the reason when it differs, else None."""
    try:
        case = load_case(case_path, row.get("language")).case
    except (CaseError, OSError) as exc:
        return f"the case does not load: {exc}"
    try:
        records = _log_records(log, ImportError_)
    except ImportError_ as exc:
        return str(exc)
    older = written_by_other_engine(records[0]) if records else None
    if older:
        return f"the round cannot be checked here: {older}"
    inputs = [r for r in records if r.get("type") == "input"]
    try:
        session = replay(case, int(row["seed"]), inputs)
    except Exception as exc:
        return f"the log does not replay: {exc}"
    score = score_of(session).score
    if row.get("score") is not None and abs(score - float(row["score"])) > 1e-6:
        return f"the replay scores {score}, the file says {row['score']}"
    return None


def read_export(path: Path) -> Any:
    """The JSON document of a round file from another machine, read as untrusted input.

    Only a regular file of at most :data:`MAX_IMPORT_BYTES` is read (a named pipe or a device is
    refused without blocking), and its lists and objects may nest :data:`MAX_IMPORT_DEPTH` deep.

    Raises:
        ImportError_: ``FILE: why``.
    """
    def bad(why: str) -> ImportError_:
        return ImportError_(f"{path}: {why}")

    try:
        raw = read_limited(path, MAX_IMPORT_BYTES)
    except Unreadable as exc:
        reason = {
            "missing": "no such file", "denied": "permission denied", "folder": "it is a folder",
            "special": "it is a pipe or a device, not a file",
            "too-large": f"it is {exc.size:,} bytes; a round file may be at most {MAX_IMPORT_BYTES:,}",
        }.get(exc.kind, exc.detail)
        raise bad(f"cannot read it ({reason})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad(f"cannot read it (not UTF-8 text at byte {exc.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise bad(f"not a round export (lists or objects nested more than {MAX_IMPORT_DEPTH} levels deep)") from None
    if _too_deep(document):
        raise bad(f"not a round export (lists or objects nested more than {MAX_IMPORT_DEPTH} levels deep)")
    return document


def import_files(store: ResultStore, paths: Sequence[str | Path], *, workshop: Workshop | None = None,
                 verify_case: str | Path | None = None) -> ImportReport:
    """Add exported rounds to the store; a round already there (same id) is skipped.

    Args:
        workshop: Put the rounds in this workshop (their teams join it). Without it, a round
            keeps the workshop named in its file, created here if it is missing.
        verify_case: Replay each finished round against this case and refuse it if the score differs.
    """
    report = ImportReport()
    unexpected: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, AttributeError, RecursionError,
                                               *store.errors)
    for raw in paths:
        path = Path(raw)
        try:
            document = read_export(path)
            row = _check(document, path)
        except ImportError_ as exc:
            report.failed.append(str(exc))
            continue
        if verify_case is not None and row["status"] == "finished":
            why = verify(row, document["log"], verify_case)
            if why:
                report.failed.append(f"{path}: {why}")
                continue
        try:
            with store.transaction() as conn:
                target = _target_workshop(store, conn, row, document.get("workshop"), workshop)
                row = {**row, "workshop": target}
                added = store.import_session(row, document["log"], document.get("notes", []),
                                             document.get("answers", []), f"imported:{path.name}", conn=conn,
                                             amendments=document.get("amendments", []))
                if added and target and row.get("team"):
                    store._add_workshop_teams(conn, target, [clean_team(row["team"])])
        except StoreError as exc:
            report.failed.append(f"{path}: {exc}")
            continue
        except unexpected as exc:
            # Something in the file that the checks above let through: refuse this file, not the import.
            report.failed.append(f"{path}: the round cannot be stored ({type(exc).__name__}: {exc})")
            continue
        (report.added if added else report.already).append(row["id"])
    return report


def _target_workshop(store: ResultStore, conn: Any, row: dict[str, Any], named: Any,
                     chosen: Workshop | None) -> str | None:
    if chosen is not None:
        if chosen.case_id != row["case_id"]:
            raise StoreError(f"the round is of case {row['case_id']!r}, the workshop {chosen.name!r} "
                             f"of {chosen.case_id!r}")
        return chosen.id
    if not isinstance(named, dict) or not isinstance(named.get("name"), str) or not named["name"].strip():
        return None
    found = conn.execute("SELECT id, case_id FROM workshops WHERE name = ?", (named["name"],)).fetchone()
    if found:
        return str(found[0])
    wid = named.get("id") if isinstance(named.get("id"), str) and _ID.match(named.get("id", "")) else uuid.uuid4().hex
    if conn.execute("SELECT 1 FROM workshops WHERE id = ?", (wid,)).fetchone():
        wid = uuid.uuid4().hex
    conn.execute("INSERT INTO workshops (id, name, case_id, case_path, created_at) VALUES (?, ?, ?, ?, ?)",
                 (wid, named["name"].strip(), row["case_id"], None, store.now()))
    return wid
