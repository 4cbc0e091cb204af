"""``crisis-sim assess``: read answers from standard input and print how each was read.

For authors and trainers who try texts and tune cue files: one answer per line in, one
assessment out (a short summary, or with ``--json`` one JSON object a line).

``crisis-sim override LOG|ROUND --decision ID|--post ID ...``: the facilitator's last word on a
written answer (or a written reply to a post) of a played round: the override is appended to the
session log as an input with the new result, so ``crisis-sim replay LOG`` gives the corrected
score. Given a round of the results store (its id, as ``history`` shows it) the stored round is
amended: its log, score and place in the workshop's ranking follow, and the store keeps who
changed what and when, and the score before.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from pathlib import Path

from game.cli.common import add_store_option, fail, load_or_report, open_results, print_errors
from game.engine.assess import Assessment, CueSet, Point, answered_text, assess, load_cues, points
from game.engine.diagnostics import CaseError
from game.engine.log import LogError, SessionLog, read_log, replay
from game.engine.model import DEFAULT_MAX_LENGTH, ChannelKind
from game.engine.scoring import Result, score
from game.engine.session import EngineError
from game.results.recording import ResumeError, override_stored
from game.results.store import StoreError

if TYPE_CHECKING:
    from game.cli.common import Subparsers


def add_commands(sub: Subparsers) -> None:
    """Add the ``assess`` command."""
    cmd = sub.add_parser("assess", help="read answers (one a line on standard input) and print the strategies, tone and evidence found")
    cmd.add_argument("--lang", default=argparse.SUPPRESS, choices=["en", "fr"], help="language of the answers (default: the case's, else en)")
    cmd.add_argument("--channel", metavar="ID", help="a channel of the case (or a kind, e.g. microblog) whose length limit applies")
    cmd.add_argument("--case", metavar="CASE", help="a case folder or file, for its channels and decisions")
    cmd.add_argument("--decision", metavar="ID", help="with --case: the decision answered (its prompt's questions, key points, red lines)")
    cmd.add_argument("--cues", metavar="FILE", help="a cue file of your own instead of the shipped one")
    cmd.add_argument("--json", action="store_true", help="one JSON object a line")
    cmd.set_defaults(func=cmd_assess)
    over = sub.add_parser("override", help="correct a written answer's findings in a played round (its log, or the "
                                           "round in the results store): the score and the ranking follow")
    over.add_argument("log", metavar="LOG|ROUND", help="the session log of the round, or a round of the results store "
                                                       "(its id or first characters, as history shows it)")
    target = over.add_mutually_exclusive_group(required=True)
    target.add_argument("--decision", metavar="ID", help="the decision answered in writing")
    target.add_argument("--post", metavar="ID", help="the post answered with a written reply")
    over.add_argument("--strategy", metavar="ID", help="the primary strategy you read in the text")
    over.add_argument("--key-point", action="append", default=[], metavar="ID=yes|no", help="a key point said or not (repeatable)")
    over.add_argument("--red-line", action="append", default=[], metavar="ID=yes|no", help="a red line crossed or not (repeatable)")
    over.add_argument("--by", metavar="NAME", help="who corrects (the debrief says so)")
    over.add_argument("--case", metavar="CASE", help="the case, when the log (or the stored round) does not name it")
    add_store_option(over)
    over.set_defaults(func=cmd_override)


def cmd_assess(args: argparse.Namespace) -> int:
    """Assess each line of standard input."""
    lang = getattr(args, "lang", None)
    limit: int | None = None
    post: str | None = None
    key_points: list[Point] = []
    red_lines: list[Point] = []
    if args.decision and not args.case:
        return fail("--decision needs --case")
    if args.case:
        loaded = load_or_report(args.case, lang)
        if loaded is None:
            return 1
        case = loaded.case
        lang = lang or case.language
        if args.channel:
            channel = next((c for c in case.channels if c.id == args.channel), None)
            if channel is None:
                return fail(f"no channel '{args.channel}' in {args.case} (channels: {', '.join(c.id for c in case.channels)})")
            limit = channel.limit
        if args.decision:
            decision = next((d for d in case.decisions if d.id == args.decision), None)
            if decision is None:
                return fail(f"no decision '{args.decision}' in {args.case} (decisions: {', '.join(d.id for d in case.decisions)})")
            post = answered_text(case, decision)
            key_points = points(decision.key_points, lang)
            red_lines = points(decision.red_lines, lang)
    elif args.channel:
        if args.channel not in ChannelKind.__members__:
            return fail(f"without --case, --channel is a kind: {', '.join(ChannelKind.__members__)}")
        limit = DEFAULT_MAX_LENGTH.get(ChannelKind(args.channel))
    lang = lang or "en"
    cues: CueSet | None = None
    if args.cues:
        try:
            cues = load_cues(args.cues)
        except CaseError as exc:
            print_errors(exc.diagnostics)
            return 1
        if cues.language != lang:
            return fail(f"{args.cues} holds {cues.language} cues, the answers are {lang}")
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = assess(text, lang, cues=cues, limit=limit, key_points=key_points, red_lines=red_lines, post=post)
        print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else _summary(result))
        sys.stdout.flush()
    return 0


def _summary(a: Assessment) -> str:
    parts = [f"strategy: {a.strategy}" + (f" (also {', '.join(a.also)})" if a.also else ""), f"tone: {a.tone}"]
    if a.limit:
        parts.append(f"length: {a.length}/{a.limit}" + (f" ({a.over_limit} over)" if a.over_limit else ""))
    for kind, found in (("key points", a.key_points), ("red lines", a.red_lines)):
        if found:
            parts.append(f"{kind}: " + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in found.items()))
    promises = a.promises
    if promises:
        parts.append(f"promises: {sum(p.id == 'timed' for p in promises)} timed, {sum(p.id == 'untimed' for p in promises)} without a time")
    if a.unanswered:
        parts.append("unanswered: " + " | ".join(a.unanswered))
    evidence = "; ".join(f"{f.id} \u00ab{f.words}\u00bb" for f in a.evidence if f.kind in ("strategy", "tone"))
    return "  ".join(parts) + (f"\n  evidence: {evidence}" if evidence else "")


def _marks(items: list[str], what: str) -> dict[str, bool] | str:
    """``["id=yes", "other=no"]`` as a mapping, or the message saying what is wrong."""
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        if value.lower() not in ("yes", "no") or not name:
            return f"--{what} takes ID=yes or ID=no, not {item!r}"
        out[name] = value.lower() == "yes"
    return out


def cmd_override(args: argparse.Namespace) -> int:
    """Replay the log, apply the facilitator's override, append it and the new result to the log."""
    key_points, red_lines = _marks(args.key_point, "key-point"), _marks(args.red_line, "red-line")
    for marks in (key_points, red_lines):
        if isinstance(marks, str):
            return fail(marks)
    assert isinstance(key_points, dict) and isinstance(red_lines, dict)
    if not (args.strategy or key_points or red_lines):
        return fail("say what to change: --strategy, --key-point or --red-line")
    if not Path(args.log).exists():
        return _override_stored(args, key_points, red_lines)
    try:
        contents = read_log(args.log)
    except LogError as exc:
        return fail(str(exc))
    case_path = args.case or contents.header.get("case")
    if not case_path:
        return fail(f"{args.log}: the log does not name its case; give it with --case")
    loaded = load_or_report(case_path, contents.header.get("language"))
    if loaded is None:
        return 1
    try:
        session = replay(loaded.case, int(contents.header["seed"]), contents.inputs)
    except LogError as exc:
        return fail(f"{args.log}: {exc}")
    if not session.state.ended:
        return fail(f"{args.log}: the round has not ended; correct it in its debrief")
    before = score(session).score
    try:
        log = open(args.log, "a", encoding="utf-8")
    except OSError as exc:
        return fail(f"{args.log}: cannot be written ({exc.strerror})")
    session.log = SessionLog(log, owns_stream=True, name=args.log)
    try:
        session.override(args.decision, post=args.post, strategy=args.strategy, key_points=key_points,
                         red_lines=red_lines, by=args.by)
    except EngineError as exc:
        log.close()
        return fail(f"{args.log}: {exc}")
    _print_changes(args, loaded.case.title, before, score(session))
    return 0


def _override_stored(args: argparse.Namespace, key_points: dict[str, bool], red_lines: dict[str, bool]) -> int:
    """``crisis-sim override ROUND``: amend a finished round of the results store."""
    store = open_results(args)
    if not store.available:
        return fail(f"{args.log} is not a log file, and the results store cannot be opened: {store.problem}")
    with store:
        try:
            stored = store.session(args.log)
        except StoreError as exc:
            return fail(f"{args.log} is neither a log file nor a round of the results store ({exc})")
        if not store.writable:
            return fail(f"round {stored.short_id} cannot be corrected: {store.problem or 'the store is read-only'}")
        try:
            session, before = override_stored(store, stored, args.decision, post=args.post, strategy=args.strategy,
                                              key_points=key_points, red_lines=red_lines, by=args.by, case_path=args.case)
        except (ResumeError, StoreError) as exc:
            return fail(str(exc))
        except EngineError as exc:
            return fail(f"round {stored.short_id}: {exc}")
        if store.problem:  # a server that went away: the change waits in the spool
            print(f"crisis-sim: warning: {store.problem}", file=sys.stderr)
        _print_changes(args, f"{session.case.title} (round {stored.short_id}, team {stored.team or '-'})",
                       before, score(session))
    return 0


def _print_changes(args: argparse.Namespace, title: str, before: float | None, after: Result) -> None:
    print(f"{title}: score {before} -> {after.score}")
    if args.post is not None:
        review = next((r for r in after.replies if str(r["post"].get("post")) == str(args.post)), {})
    else:
        review = next(d for d in after.decisions if d.decision == args.decision).written or {}
    for change in review.get("changed", []):
        print(f"  {change['finding'].replace('_', ' ')} {change['id']}: {change['detected']} -> {change['now']}"
              + (f" (by {change['by']})" if change.get("by") else ""))
