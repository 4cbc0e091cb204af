"""The results commands of ``crisis-sim``: report, history, resume, abandon, note, reflect, export
and workshop.

Every command takes ``--data-dir`` (also accepted before the command) to use another results
folder than the user's data folder, and ``--store URL`` (or ``$CRISIS_SIM_STORE``) to use an
organisation's PostgreSQL server or another SQLite file. ``store copy`` moves a trainer's results
from one store to another.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import frontends
from game.cli.common import add_store_option, open_results
from game.cli.common import fail as _fail
from game.cli.common import time_argument
from game.engine.bots import BOTS
from game.engine.diagnostics import CaseError
from game.engine.loader import load_case
from game.results import workshop as ws
from game.results.history import history, sparkline, teams
from game.results.recording import ResumeError, resume_from_disk
from game.results.report import csv_rows, round_html, workshop_html, write_csv
from game.results.store import ResultStore, StoredSession, StoreError, open_store
from game.results.transfer import copy_store
from game.timefmt import FORMS
from game.timefmt import format_time as clock

if TYPE_CHECKING:
    from game.cli.common import Subparsers
    from game.engine.session import Event


def _store(args: argparse.Namespace) -> ResultStore | None:
    store = open_results(args)
    if not store.available:
        print(f"crisis-sim: {store.problem}", file=sys.stderr)
        return None
    if store.problem:
        print(f"crisis-sim: warning: {store.problem}", file=sys.stderr)
    return store


def _pick(store: ResultStore, args: argparse.Namespace, many: bool = False) -> list[StoredSession]:
    """The rounds a command names: SESSION, --last, --team T, --workshop W or --all."""
    if getattr(args, "session", None):
        return [store.session(args.session)]
    if getattr(args, "workshop", None):
        w = ws.get(store, args.workshop)
        rounds = store.sessions(workshop=w.id, newest_first=False)
        if not many:
            rounds = [s for s in rounds if s.status == "finished"][-1:]
        if not rounds:
            raise StoreError(f"workshop {w.name!r} has no round yet")
        return rounds
    if getattr(args, "team", None) is not None:
        if many:
            rounds = store.sessions(team=args.team, newest_first=False)
            if not rounds:
                raise StoreError(f"no round for team {args.team!r}")
            return rounds
        return [store.last(team=args.team)]
    if getattr(args, "all", False):
        return store.sessions(newest_first=False)
    return [store.last()]


def _which(parser: argparse.ArgumentParser, all_too: bool = False) -> None:
    parser.add_argument("session", nargs="?", help="the round's id (or its first characters, as history shows it)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--last", action="store_true", help="the last finished round (the default)")
    group.add_argument("--team", metavar="T", help="the team's last finished round (CSV: all its rounds)")
    group.add_argument("--workshop", metavar="W", help="the workshop's rounds")
    if all_too:
        group.add_argument("--all", action="store_true", help="every round")


# --- report -------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    if not args.html and not args.csv:
        return _fail("say what to write: --html FILE and/or --csv FILE")
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            if args.html:
                stored = _pick(store, args)[-1]
                _write(args.html, round_html(store, stored, args.lang))
                print(f"{args.html}: debrief of round {stored.short_id} ({stored.team or 'no team'}, "
                      f"{stored.case_id}, score {_score(stored)})")
            if args.csv:
                rounds = _pick(store, args, many=True)
                rows = csv_rows(store, rounds, args.rows)
                _write(args.csv, write_csv(rows, args.rows), newline="")
                print(f"{args.csv}: {len(rows)} row(s) of {len(rounds)} round(s)")
        except (StoreError, OSError) as exc:
            return _fail(str(exc))
    return 0


def _write(path: str, text: str, newline: str | None = None) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)


def _score(stored: StoredSession) -> str:
    return f"{stored.score:.1f}" if stored.score is not None else stored.status


# --- history --------------------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        if args.team is None:
            found = teams(store)
            if not found:
                print(f"No round recorded yet in {store.path}.")
                return 0
            print("Teams and players (crisis-sim history --team NAME for their rounds):")
            for name, count, last in found:
                print(f"  {name or '(no name)':<30} {count:>4} round(s), last {last[:16].replace('T', ' ')}")
            return 0
        lines = history(store, args.team, args.case)
        if not lines:
            print(f"No round for {args.team!r}.")
            return 0
        for line in lines:
            scores = line.scores
            trend = ""
            if line.progress is not None:
                trend = f", progress {line.progress:+.1f} since the first round"
            best = f"best {line.best:.1f}" if line.best is not None else "no finished round"
            print(f"{line.case_title} ({line.case_id}): {len(line.rounds)} round(s), {best}{trend}")
            if len(scores) > 1:
                print(f"  scores  {sparkline(scores)}  {' → '.join(f'{s:.0f}' for s in scores)}")
            for r in line.rounds:
                ending = f" {r.ending_kind or ''}: {r.ending}" if r.ending else ""
                first = store.original_score(r.id) if r.status == "finished" else None
                corrected = f"  (corrected by a person; ended with {first:.1f})" if first is not None else ""
                print(f"  {r.short_id}  {r.started_at[:16].replace('T', ' ')}  {r.status:<11} "
                      f"{_score(r):>6}{ending}{corrected}")
    return 0


# --- resume, abandon ------------------------------------------------------------------------


def cmd_resume(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        stopped = store.interrupted()
        if args.session is None:
            if not stopped:
                print("No interrupted round to resume.")
                return 0
            if args.list or len(stopped) > 1:
                print("Interrupted rounds (crisis-sim resume ID, or crisis-sim abandon ID):")
                for s in stopped:
                    print(f"  {s.short_id}  {s.team or '(no name)':<20} {s.case_id:<24} stopped at {clock(s.sim_t)} "
                          f"(started {s.started_at[:16].replace('T', ' ')})")
                return 0
            target = stopped[0]
        else:
            try:
                target = store.session(args.session)
            except StoreError as exc:
                return _fail(str(exc))
        if args.list:
            return 0
        try:
            session, recording, _case_path = resume_from_disk(store, target, args.case)
        except (ResumeError, StoreError) as exc:
            return _fail(str(exc))
        print(f"Round {target.short_id} resumed at {clock(session.t)} with its {len(session.state.choices)} "
              f"decision(s) so far.", file=sys.stderr)
        if args.bot:
            bot = BOTS[args.bot](session.seed)
            events: list[Event] = []
            while not session.state.ended:
                bot.act(session, events)
                events = session.step()
        elif args.text:
            try:
                frontends.terminal(session, args.speed)
            except KeyboardInterrupt:
                recording.interrupt()
                print("\nInterrupted: the round is kept; crisis-sim resume carries on.", file=sys.stderr)
                return 130
        else:
            store.close()
            return frontends.window_resume(args, target.id)
        if not recording.saved:
            recording.settle()
        if recording.saved:
            result = store.session(target.id)
            print(f"Round {target.short_id} finished: score {_score(result)}, ending {result.ending}")
            return 0
        return _fail(store.problem or "the round could not be stored")


def cmd_abandon(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            targets = store.interrupted() if args.all else [store.session(args.session)] if args.session else []
            if not targets:
                return _fail("name the round to abandon, or --all for every interrupted round")
            for s in targets:
                if s.status not in ("running", "interrupted"):
                    return _fail(f"round {s.short_id} is {s.status}")
                store.abandon(s.id)
                print(f"Round {s.short_id} recorded as abandoned at {clock(s.sim_t)}.")
        except StoreError as exc:
            return _fail(str(exc))
    return 0


# --- notes and reflection -------------------------------------------------------------------


def cmd_note(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            latest = [] if args.session else store.sessions(limit=1)
            if not args.session and not latest:
                return _fail("no round recorded yet: play one first, or name it with --session")
            stored = _pick(store, args)[-1] if args.session else latest[0]
            store.add_note(stored.id, args.at, args.text)
        except StoreError as exc:
            return _fail(str(exc))
        print(f"Note at {clock(args.at)} added to round {stored.short_id}.")
    return 0


def cmd_reflect(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            stored = _pick(store, args)[-1]
        except StoreError as exc:
            return _fail(str(exc))
        if not stored.questions:
            print(f"The case {stored.case_id!r} asks no reflection question.")
            return 0
        given = dict(a.split("=", 1) for a in args.answer or [] if "=" in a)
        previous = {a.question: a.answer for a in store.answers(stored.id)}
        for q in stored.questions:
            if given:
                answer = given.get(q["id"])
                if answer is None:
                    continue
            else:
                print(f"\n{q['text']}")
                if q["id"] in previous:
                    print(f"  (answered: {previous[q['id']]}; Enter keeps it)")
                try:
                    answer = input("> ")
                except EOFError:
                    break
                if not answer.strip() and q["id"] in previous:
                    continue
            try:
                store.answer(stored.id, q["id"], q["text"], answer)
            except StoreError as exc:
                return _fail(str(exc))
        print(f"Answers stored with round {stored.short_id}.")
    return 0


# --- export and workshops -------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            rounds = [s for s in _pick(store, args, many=True) if s.status != "running"]
            folder = Path(args.out)
            for stored in rounds:
                path = ws.write_export(store, stored, folder)
                print(path)
        except (StoreError, OSError) as exc:
            return _fail(str(exc))
    print(f"{len(rounds)} round(s) exported to {args.out}", file=sys.stderr)
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    store = _store(args)
    if store is None:
        return 1
    with store:
        try:
            return int(WORKSHOP_ACTIONS[args.action](store, args))
        except StoreError as exc:
            return _fail(str(exc))


def cmd_store_copy(args: argparse.Namespace) -> int:
    """Copy every round, log, note, answer and workshop of one store into another (idempotent)."""
    data = getattr(args, "data_dir", None)
    source = open_store(args.source, data, read_only=True)
    if not source.available:
        return _fail(f"--from: {source.problem}")
    target = open_store(args.target, data)
    if not target.available or not target.writable:
        source.close()
        return _fail(f"--to: {target.problem or 'the store cannot be written'}")
    try:
        report = copy_store(source, target)
    except StoreError as exc:
        return _fail(f"the copy stopped ({exc}); what was copied is kept: run it again to carry on")
    finally:
        source.close()
        target.close()
    print(f"From {source.where} to {target.where}: {report}")
    return 0


def _ws_create(store: ResultStore, args: argparse.Namespace) -> int:
    case_id, case_path = args.case, None
    if Path(args.case).exists():
        try:
            loaded = load_case(args.case)
        except CaseError as exc:
            return _fail(f"{args.case}: the case does not load ({exc.diagnostics[0] if exc.diagnostics else exc})")
        case_id, case_path = loaded.case.id, str(loaded.path.parent.resolve())
    teams_given = [t for group in args.team or [] for t in group.split(",") if t.strip()]
    w = ws.create(store, args.name, case_id, teams_given, case_path)
    print(f"Workshop {w.name!r} on {w.case_id} with {len(w.teams)} team(s): {', '.join(w.teams) or '(none yet)'}")
    return 0


def _ws_add(store: ResultStore, args: argparse.Namespace) -> int:
    w = ws.add_teams(store, ws.get(store, args.name), [t for g in args.team for t in g.split(",") if t.strip()])
    print(f"Workshop {w.name!r}: {', '.join(w.teams)}")
    return 0


def _ws_attach(store: ResultStore, args: argparse.Namespace) -> int:
    w = ws.get(store, args.name)
    moved = ws.attach(store, w, args.sessions, [t for g in args.team or [] for t in g.split(",") if t.strip()])
    print(f"{moved} round(s) put in workshop {w.name!r}.")
    return 0


def _ws_list(store: ResultStore, args: argparse.Namespace) -> int:
    found = ws.all_workshops(store)
    if not found:
        print("No workshop yet: crisis-sim workshop create NAME --case CASE --team A --team B")
    for w in found:
        print(f"{w.name:<30} {w.case_id:<24} {len(w.teams)} team(s)  created {w.created_at[:10]}")
    return 0


def _ws_show(store: ResultStore, args: argparse.Namespace) -> int:
    w = ws.get(store, args.name)
    standings = ws.ranking(store, w, args.count)
    if args.json:
        print(json.dumps([{"rank": s.rank, "team": s.team, "score": s.score, "session": s.session_id,
                           "rounds": s.rounds, "ending": s.ending} for s in standings], ensure_ascii=False, indent=2))
        return 0
    print(f"Workshop {w.name!r} on {w.case_id} ({args.count} round of each team counts)")
    for s in standings:
        if s.score is None:
            print(f"   –  {s.team:<30} not played yet")
        else:
            print(f"  {s.rank:>2}. {s.team:<30} {s.score:6.1f}  {s.ending_kind or '':<8} {s.rounds} round(s)")
    spread = ws.spread(s.score for s in standings if s.score is not None)
    if spread:
        print(f"Scores: lowest {spread.min:.1f}, median {spread.median:.1f}, highest {spread.max:.1f}, "
              f"standard deviation {spread.stdev:.1f}")
    for n, point in enumerate(ws.comparison(store, w, args.count), 1):
        print(f"\n{n}. {point.title}")
        for c in point.choices:
            mark = "✘" if c.option is None else ("✔" if c.best else "◆")
            print(f"   {mark} {c.team:<24} {c.label}  ({c.seconds_taken} s)")
    return 0


def _ws_import(store: ResultStore, args: argparse.Namespace) -> int:
    target = ws.get(store, args.workshop) if args.workshop else None
    files: list[str] = []
    for raw in args.files:
        path = Path(raw)
        files += sorted(str(p) for p in path.glob("*.json")) if path.is_dir() else [raw]
    report = ws.import_files(store, files, workshop=target, verify_case=args.verify)
    for failure in report.failed:
        print(failure, file=sys.stderr)
    print(f"{len(report.added)} round(s) added, {len(report.already)} already here, {len(report.failed)} refused.")
    return 1 if report.failed else 0


def _ws_report(store: ResultStore, args: argparse.Namespace) -> int:
    w = ws.get(store, args.name)
    if args.html:
        _write(args.html, workshop_html(store, w, args.count, args.lang or "en"))
        print(f"{args.html}: workshop {w.name!r}")
    if args.csv:
        rounds = store.sessions(workshop=w.id, newest_first=False)
        _write(args.csv, write_csv(csv_rows(store, rounds, args.rows), args.rows), newline="")
        print(f"{args.csv}: {len(rounds)} round(s)")
    if not args.html and not args.csv:
        return _fail("say what to write: --html FILE and/or --csv FILE")
    return 0


WORKSHOP_ACTIONS = {"create": _ws_create, "add-team": _ws_add, "add-rounds": _ws_attach, "list": _ws_list, "show": _ws_show,
                    "import": _ws_import, "report": _ws_report}


# --- the parsers ----------------------------------------------------------------------------


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="DIR",
                        help="the results folder (default: the user's data folder)")
    add_store_option(parser)


def add_commands(sub: Subparsers) -> None:
    """Add the results commands to ``crisis-sim``'s subparsers."""
    rep = sub.add_parser("report", help="write a round's debrief as HTML (printable) or rows as CSV")
    _which(rep, all_too=True)
    rep.add_argument("--html", metavar="FILE", help="write the debrief page here ('-' for standard output)")
    rep.add_argument("--csv", metavar="FILE", help="write spreadsheet rows here ('-' for standard output)")
    rep.add_argument("--rows", choices=["sessions", "decisions"], default="sessions",
                     help="CSV: one row per round (default) or one per decision")
    rep.add_argument("--lang", choices=["en", "fr"], help="language of the report (default: the round's)")
    _data_dir(rep)
    rep.set_defaults(func=cmd_report)

    his = sub.add_parser("history", help="a team's or player's past rounds per case, and their progress")
    his.add_argument("--team", metavar="T", help="the team or player (without it: list them)")
    his.add_argument("--case", metavar="ID", help="only this case")
    _data_dir(his)
    his.set_defaults(func=cmd_history)

    res = sub.add_parser("resume", help="carry on an interrupted round where it stopped")
    res.add_argument("session", nargs="?", help="the round (default: the only interrupted one)")
    res.add_argument("--list", action="store_true", help="list the interrupted rounds")
    res.add_argument("--case", help="the case, if it moved since the round started")
    mode = res.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true", help="carry on in the terminal")
    mode.add_argument("--bot", choices=["random", "best", "worst", "silent"], help="let a bot finish the round")
    res.add_argument("--speed", type=float, help="simulated seconds per real second")
    _data_dir(res)
    res.set_defaults(func=cmd_resume)

    ab = sub.add_parser("abandon", help="record an interrupted round as abandoned")
    ab.add_argument("session", nargs="?")
    ab.add_argument("--all", action="store_true", help="every interrupted round")
    _data_dir(ab)
    ab.set_defaults(func=cmd_abandon)

    note = sub.add_parser("note", help="add an observer's note to a round at a simulated time")
    note.add_argument("--session", help="the round (default: the latest)")
    note.add_argument("--at", type=time_argument, required=True, help=f"simulated time: {FORMS}")
    note.add_argument("text")
    _data_dir(note)
    note.set_defaults(func=cmd_note)

    ref = sub.add_parser("reflect", help="answer the case's reflection questions for a round")
    _which(ref)
    ref.add_argument("--answer", action="append", metavar="ID=TEXT", help="answer without prompting")
    _data_dir(ref)
    ref.set_defaults(func=cmd_reflect)

    exp = sub.add_parser("export", help="write rounds as files for another machine's `workshop import`")
    _which(exp, all_too=True)
    exp.add_argument("--out", required=True, metavar="DIR", help="folder for the files (one per round)")
    _data_dir(exp)
    exp.set_defaults(func=cmd_export)

    wsp = sub.add_parser("workshop", help="workshops with several teams: create, import, rank, report")
    _data_dir(wsp)
    acts = wsp.add_subparsers(dest="action", required=True)
    create = acts.add_parser("create", help="a workshop: a name, a case, the teams")
    create.add_argument("name")
    create.add_argument("--case", required=True, help="the case (folder, file or id)")
    create.add_argument("--team", action="append", metavar="T", help="a team (repeat, or A,B,C)")
    add = acts.add_parser("add-team", help="add teams to a workshop")
    add.add_argument("name")
    add.add_argument("--team", action="append", required=True, metavar="T")
    att = acts.add_parser("add-rounds", help="put rounds played on this machine into a workshop")
    att.add_argument("name")
    att.add_argument("sessions", nargs="*", metavar="SESSION", help="rounds by id")
    att.add_argument("--team", action="append", metavar="T", help="every ended round of this team on the case")
    listed = acts.add_parser("list", help="the workshops")
    show = acts.add_parser("show", help="ranking, spread and decisions side by side, in the terminal")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    imp = acts.add_parser("import", help="gather rounds exported on other machines (no duplicates)")
    imp.add_argument("files", nargs="+", metavar="FILE", help="exported round files or folders of them")
    imp.add_argument("--workshop", metavar="W", help="put the rounds in this workshop")
    imp.add_argument("--verify", metavar="CASE", help="replay each round against this case and refuse a mismatch")
    rep_w = acts.add_parser("report", help="the workshop page as HTML, or its rounds as CSV")
    rep_w.add_argument("name")
    rep_w.add_argument("--html", metavar="FILE")
    rep_w.add_argument("--csv", metavar="FILE")
    rep_w.add_argument("--rows", choices=["sessions", "decisions"], default="sessions")
    rep_w.add_argument("--lang", choices=["en", "fr"])
    for p in (create, add, att, listed, show, imp, rep_w):
        _data_dir(p)
    for p in (show, rep_w):
        p.add_argument("--count", choices=list(ws.COUNTS), default="best",
                       help="which round of each team counts (default: its best)")
    wsp.set_defaults(func=cmd_workshop)

    sto = sub.add_parser("store", help="the results store itself: copy a trainer's results into another one")
    sto_acts = sto.add_subparsers(dest="action", required=True)
    copy = sto_acts.add_parser("copy", help="copy rounds, logs, notes, answers and workshops (a second run adds nothing)")
    copy.add_argument("--from", dest="source", required=True, metavar="STORE",
                      help="the store to copy from: a SQLite file (results.db) or a postgresql:// URL")
    copy.add_argument("--to", dest="target", required=True, metavar="STORE",
                      help="the store to copy into: a postgresql:// URL or a SQLite file")
    copy.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="DIR",
                      help="the results folder (where the spool of a server is kept)")
    copy.set_defaults(func=cmd_store_copy)
