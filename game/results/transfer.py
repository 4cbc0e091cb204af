"""Moving a trainer's results from one store into another (``crisis-sim store copy``).

Everything comes over: workshops with their teams, rounds with their whole logs, decisions,
observer notes and reflection answers. A copy can be run again at any time: what is already in
the target (a round with the same id, a workshop with the same name in the same organisation, a
note with the same time and text, an answer to the same question) is left as it is, so a second
run adds nothing, and a run after the trainer played more adds only the new rounds and notes.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass

from game.results.repositories import SESSION_COLUMNS
from game.results.store import ResultStore, StoredSession


@dataclass
class CopyReport:
    """What a copy added, and what it found already there."""

    rounds: int = 0
    rounds_there: int = 0
    notes: int = 0
    answers: int = 0
    workshops: int = 0
    workshops_there: int = 0

    def __str__(self) -> str:
        return (f"{self.rounds} round(s) copied ({self.rounds_there} already there), {self.notes} note(s), "
                f"{self.answers} answer(s), {self.workshops} workshop(s) ({self.workshops_there} already there)")


def _workshops(source: ResultStore, target: ResultStore, report: CopyReport) -> dict[str, str]:
    """Copy the workshops; returns the source's workshop ids mapped to the target's."""
    mapped: dict[str, str] = {}
    for wid, organisation, name, case_id, case_path, created_at in source._need().execute(
            "SELECT id, organisation, name, case_id, case_path, created_at FROM workshops ORDER BY created_at"):
        teams = [r[0] for r in source._need().execute(
            "SELECT team FROM workshop_teams WHERE workshop = ? ORDER BY position", (wid,))]
        with target.transaction() as conn:
            found = conn.execute("SELECT id FROM workshops WHERE organisation = ? AND name = ?",
                                 (organisation, name)).fetchone()
            if found is None and conn.execute("SELECT 1 FROM workshops WHERE id = ?", (wid,)).fetchone() is None:
                conn.execute("INSERT INTO workshops (id, organisation, name, case_id, case_path, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (wid, organisation, name, case_id, case_path, created_at))
                mapped[wid] = wid
                report.workshops += 1
            else:
                mapped[wid] = found[0] if found is not None else wid
                report.workshops_there += 1
            target._add_workshop_teams(conn, mapped[wid], teams)
    return mapped


def _row(stored: StoredSession, workshop: str | None) -> dict[str, object]:
    row: dict[str, object] = {c: getattr(stored, c) for c in SESSION_COLUMNS}
    row["result"] = stored.result
    row["workshop"] = workshop
    return row


def copy_store(source: ResultStore, target: ResultStore) -> CopyReport:
    """Copy every workshop and round of ``source`` into ``target`` (raises :class:`StoreError`).

    Each round goes in one transaction of its own: a copy stopped halfway leaves whole rounds,
    and the next run carries on from there.
    """
    report = CopyReport()
    workshops = _workshops(source, target, report)
    origin = f"copied:{source.where}"
    for stored in source.sessions(newest_first=False, with_result=True):
        workshop = workshops.get(stored.workshop or "", stored.workshop)
        notes = source.notes(stored.id)
        answers = source.answers(stored.id)
        unfinished = stored.status in ("running", "interrupted")
        log = source.log_text(stored.id)
        with target.transaction() as conn:
            there = conn.execute("SELECT 1 FROM sessions WHERE id = ?", (stored.id,)).fetchone() is not None
            if not there:
                # A round that may still be resumed keeps its log as loose lines, as it was.
                target.import_session(_row(stored, workshop), "" if unfinished else log, [], [],
                                      stored.origin if stored.origin != "local" else origin, conn=conn,
                                      amendments=[dataclasses.asdict(a) for a in source.amendments(stored.id)])
                if unfinished:
                    conn.executemany("INSERT INTO log_lines (session, seq, line) VALUES (?, ?, ?)",
                                     [(stored.id, i, line) for i, line in enumerate(log.splitlines())])
                report.rounds += 1
            else:
                report.rounds_there += 1
            kept = {(int(t), text) for t, text in conn.execute("SELECT t, text FROM notes WHERE session = ?",
                                                               (stored.id,))}
            row = conn.execute("SELECT max(seq) FROM notes WHERE session = ?", (stored.id,)).fetchone()
            seq = 0 if row[0] is None else int(row[0]) + 1
            for note in notes:
                if (note.t, note.text) not in kept:
                    conn.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
                                 (stored.id, seq, note.t, note.text, note.written_at))
                    kept.add((note.t, note.text))
                    seq += 1
                    report.notes += 1
            answered = {r[0] for r in conn.execute("SELECT question FROM answers WHERE session = ?", (stored.id,))}
            for answer in answers:
                if answer.question not in answered:
                    conn.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                                 (stored.id, answer.question, answer.text, answer.answer, answer.answered_at))
                    report.answers += 1
            if stored.workshop and stored.team and workshop:
                target._add_workshop_teams(conn, workshop, [stored.team])
    return report
