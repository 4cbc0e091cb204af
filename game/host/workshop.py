"""The workshop a host runs: one :class:`~game.play.round.Round` per team, their codes, their views.

No rules live here: the rounds are :mod:`game.play` rounds, the scores are
:func:`game.engine.scoring.score`, the debrief page is :func:`game.results.report.round_html`.
This module only keeps who may act for which team, turns a round into the JSON a page draws, and
routes checked inputs (:mod:`game.host.protocol`) to the round.

Codes and the facilitator's secret are kept next to the results store (``host-<workshop>.json``)
so that a host killed and started again hands out the same join addresses; who made each input
(the store's log keeps the input, not the player's name) is appended beside it
(``host-<workshop>-inputs.jsonl``), so a resumed round still shows who did what.
"""

from __future__ import annotations

import functools
import json
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine.assess import overridden
from game.engine.loader import LoadedCase
from game.engine.model import Case, Option, Responses, Strategy
from game.engine.rubric import strategy_name
from game.engine.scoring import Result, score
from game.engine.state import Post
from game.engine.session import (
    NOISE_CALM,
    NOISE_NORMAL,
    NOISE_STORM,
    ORGANISATION,
    DecisionClosed,
    DecisionOpened,
    Ended,
    EngineError,
    MetricsSampled,
    Session,
)
from game.i18n import N_, Translator, translator
from game.play import words
from game.play.corrections import signature
from game.play.debrief import Debrief
from game.play.moments import moment
from game.play.alerts import DeadlineNear, InboxNew, Published, Trending, Update, for_players, inbox_heading
from game.play.round import ChoiceRefused, Round, replies_for
from game.results import recording as rec
from game.results import workshop as ws
from game.results.store import ResultStore, StoreError

from game.host import codes
from game.host.protocol import CONSOLE_MESSAGES, NOISE_LEVELS, TEAM_MESSAGES, TRIAGE_ACTIONS, Refused

FEED_SHOWN = 60
"""Posts a team's page shows (the newest); the whole feed stays on the host."""

NOTIFICATIONS_SHOWN = 12
INPUTS_SHOWN = 30
NOISE = dict(zip(NOISE_LEVELS, (NOISE_STORM, NOISE_CALM, NOISE_NORMAL), strict=True))
"""The console's noise levels as the engine's noise factors."""

PLAYER_INPUTS = frozenset({"decide", "write", "triage", "reply"})
"""The kinds of the log's input lines a team makes (the others are the facilitator's)."""


def new_secret() -> str:
    """The facilitator's secret: 128 random bits, URL-safe (never typed, never guessed)."""
    return secrets.token_urlsafe(16)


@dataclass
class Team:
    """One team of the workshop: its code, its round once started, who did what."""

    name: str
    code: str
    """The join code in its plain form (``K7QM3X``; :func:`game.host.codes.shown` prints it)."""
    round: Round | None = None
    recording: rec.Recording | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    inputs_total: int = 0
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    """The metrics as the engine samples them (each simulated minute), for the debrief's chart."""
    result: Result | None = None
    """The ended round's score, computed once (views are drawn 4 times a second)."""
    trended: set[str] = field(default_factory=set)
    """Texts already notified as trending: the same words posted again by someone else are not news."""
    links: list[str] = field(default_factory=list)
    """Older join codes of the team (a host of an earlier version handed out long ones): still
    let in, so an address given before an upgrade keeps working."""

    @property
    def shown(self) -> str:
        """The code as printed and typed: ``K7Q-M3X``."""
        return codes.shown(self.code)

    @property
    def session(self) -> Session | None:
        return self.round.session if self.round else None


class HostedWorkshop:
    """Every team's round, fed by the host's clock.

    Args:
        loaded: The case, already validated.
        store: The results store; rounds are recorded exactly as a window round.
        name: The workshop's name in the store (created when new).
        teams: The teams' names.
        seed: The seed of every team's round (the same crisis for all, so the ranking is fair).
        resume: Take back the teams' rounds that stopped (a host killed) instead of new ones.
        keys_dir: Where the codes are kept between runs (default: next to the store).
    """

    def __init__(self, loaded: LoadedCase, store: ResultStore, name: str, teams: list[str], *,
                 seed: int = 1, resume: bool = False, keys_dir: Path | None = None) -> None:
        self.loaded = loaded
        self.case = loaded.case
        self.store = store
        # One thread serves every team: a commit that waited there for a busy disk would hold up
        # every page. Commits are still written at once and in order; the disk sync runs beside.
        self.synced_behind = store.sync_behind()
        self.seed = seed
        try:
            self.workshop = ws.get(store, name)
            missing = [t for t in teams if ws.clean_team(t) not in self.workshop.teams]
            if missing:
                self.workshop = ws.add_teams(store, self.workshop, missing)
        except StoreError:
            self.workshop = ws.create(store, name, self.case.id, teams, str(loaded.path))
        names = [ws.clean_team(t) for t in teams] or list(self.workshop.teams)
        self.keys_file = (keys_dir or store.path.parent) / f"host-{self.workshop.id}.json"
        self.inputs_file = self.keys_file.with_name(f"host-{self.workshop.id}-inputs.jsonl")
        keys = self._load_keys()
        self.secret: str = keys.get("facilitator") or new_secret()
        kept: dict[str, str] = keys.get("teams", {})
        links: dict[str, list[str]] = keys.get("links", {})
        self.teams: dict[str, Team] = {}
        for team_name in names:
            code, older = kept.get(team_name, ""), list(links.get(team_name, []))
            if code and not codes.is_code(code):
                older.append(code)  # a long code from before short codes: kept working
                code = ""
            code = code or codes.new_code(set(self.teams) | {c for c in kept.values() if codes.is_code(c)})
            self.teams[code] = Team(team_name, code, links=older)
        self._save_keys()
        self.listeners: list[Callable[[Team | None], None]] = []
        self._ranking: list[dict[str, Any]] = []
        self._compared: tuple[tuple[Any, ...], list[ws.DecisionPoint]] | None = None
        self.resumable = self._stopped_rounds()
        if resume:
            for team in self.teams.values():
                if team.name in self.resumable:
                    self._resume(team, self.resumable[team.name])

    # --- keys ------------------------------------------------------------------------

    def _load_keys(self) -> dict[str, Any]:
        try:
            data = json.loads(self.keys_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_keys(self) -> None:
        data = {"facilitator": self.secret, "teams": {t.name: t.code for t in self.teams.values()},
                "links": {t.name: t.links for t in self.teams.values() if t.links}}
        self.keys_file.parent.mkdir(parents=True, exist_ok=True)
        self.keys_file.write_text(json.dumps(data), encoding="utf-8")
        self.keys_file.chmod(0o600)

    def team(self, code: str) -> Team | None:
        """The team holding ``code`` as typed (``k7q m3x`` is ``K7Q-M3X``), or one of its older
        long codes, or None. Compared in constant time; how often an address may try is
        :class:`game.host.codes.Guesses`' business."""
        plain = codes.normalise(code).encode()
        found = None
        for team in self.teams.values():
            if secrets.compare_digest(team.code.encode(), plain):
                found = team
            for link in team.links:
                if secrets.compare_digest(link.encode(), code.encode()):
                    found = team
        return found

    def is_facilitator(self, secret: str) -> bool:
        return secrets.compare_digest(self.secret.encode(), secret.encode())

    # --- rounds ----------------------------------------------------------------------

    def _stopped_rounds(self) -> dict[str, str]:
        """Team -> id of its newest round that stopped before its end (to resume)."""
        out: dict[str, str] = {}
        for stored in self.store.sessions(workshop=self.workshop.id, status=("running", "interrupted"),
                                          newest_first=False):
            out[stored.team] = stored.id
        return out

    def _attach(self, team: Team, session: Session, recording: rec.Recording | None, paused: bool) -> None:
        notes = recording.notes if recording else []
        team.round = Round(session, paused=paused, notes=notes)
        team.recording = recording
        team.round.subscribe(lambda update: self._on_update(team, update))

    def _resume(self, team: Team, session_id: str) -> None:
        try:
            session, recording = rec.resume(self.store, session_id, self.case, self.loaded.path)
        except rec.ResumeError:
            return  # it will start anew; the console shows the team as not started
        # The debrief's chart covers the whole round: the part before the restart is in the log.
        records = self.store.log_records(session_id)
        team.samples = [(int(r["at"]), {k: round(float(v), 1) for k, v in r["metrics"].items()})
                        for r in records if r.get("type") == "metrics"]
        # Who did what before the restart; an input the side file missed (killed between the
        # store's commit and the append) still counts.
        team.inputs = self._inputs_of(session_id)
        team.inputs_total = max(len(team.inputs),
                                sum(1 for r in records if r.get("type") == "input" and r.get("kind") in PLAYER_INPUTS))
        self._attach(team, session, recording, paused=False)
        # What trends at the restart trended before it: it is not announced a second time.
        assert team.round is not None
        team.round.trends.update()
        team.trended = {session.posts[pid].text for pid in team.round.trends.ever}

    def _inputs_of(self, session_id: str) -> list[dict[str, Any]]:
        """The inputs of round ``session_id`` kept in the side file (a damaged line is skipped)."""
        out: list[dict[str, Any]] = []
        try:
            lines = self.inputs_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            return out
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by kill -9
            if isinstance(entry, dict) and entry.pop("session", None) == session_id:
                out.append(entry)
        return out

    def _keep_input(self, team: Team, entry: dict[str, Any]) -> None:
        """Append who made an input to the side file (a failure loses a name, never the input)."""
        if team.recording is None:
            return
        try:
            with self.inputs_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"session": team.recording.session_id, **entry}) + "\n")
        except OSError:
            pass  # the input itself is in the store; only the name beside it is lost

    def start(self, team: Team) -> None:
        """Start ``team``'s round now (nothing when it runs already)."""
        if team.round is not None:
            return
        session, recording = rec.start(self.store, self.case, self.loaded.path, self.seed,
                                       team=team.name, workshop=self.workshop.id)
        self._attach(team, session, recording, paused=False)
        self._changed(team)

    def tick(self, real_seconds: float) -> None:
        """Let real time pass for every running round."""
        for team in self.teams.values():
            if team.round is not None and not team.round.ended and not team.round.paused:
                team.round.tick(real_seconds)

    def _on_update(self, team: Team, update: Update) -> None:
        team.samples += [(i.t, {k: round(v, 1) for k, v in i.metrics.items()})
                         for i in update.items if isinstance(i, MetricsSampled)]
        for item in for_players(update.items):
            if isinstance(item, Trending):
                # A noise text posted again by another author trends as a new post: told once.
                if item.post.text in team.trended:
                    continue
                team.trended.add(item.post.text)
            note = _notification(item)
            if note:
                team.notifications.append({"t": team.round.session.t if team.round else 0, **note})
        del team.notifications[:-NOTIFICATIONS_SHOWN]
        if any(isinstance(i, Ended) for i in update.items) and team.recording is not None:
            team.recording.settle()
        self._changed(team)

    def _changed(self, team: Team | None) -> None:
        for listener in list(self.listeners):
            listener(team)

    # --- inputs ----------------------------------------------------------------------

    def team_input(self, team: Team, message: dict[str, Any], player: str) -> None:
        """Apply a checked team message; raises :class:`Refused` with the reason."""
        kind = message["type"]
        assert kind in TEAM_MESSAGES
        rnd = team.round
        if rnd is None:
            raise Refused(N_("the round has not started yet"))
        if rnd.ended:
            raise Refused(N_("the round is over"))
        session = rnd.session
        label = None  # what the input chose, in the case's words (a triage is worded when shown)
        try:
            if kind == "decide":
                decision = session.decisions.get(message["decision"])
                if decision is None:
                    raise Refused(N_("unknown decision “{id}”"), id=message["decision"][:40])
                if message["option"] not in {o.id for o in decision.options}:
                    raise Refused(N_("unknown option “{id}”"), id=message["option"][:40])
                _still_open(session, decision.id)
                rnd.decide(decision.id, message["option"], by=player)
                what = decision.title
                label = next(o.label for o in decision.options if o.id == message["option"])
            elif kind == "write":
                decision = session.decisions.get(message["decision"])
                if decision is None:
                    raise Refused(N_("unknown decision “{id}”"), id=message["decision"][:40])
                text = message["text"].strip()
                if not text:
                    raise Refused(N_("an empty answer"))
                _still_open(session, decision.id)
                rnd.write(decision.id, text, by=player)
                what = decision.title
            elif kind == "reply":
                post = session.posts.get(message["post"])
                if post is None:
                    raise Refused(N_("unknown post “{id}”"), id=message["post"][:40])
                text = message["text"].strip()
                if not text:
                    raise Refused(N_("an empty reply"))
                if not answers(session, post):  # as for prepared replies: a private message takes only its own
                    raise Refused(N_("this post takes no reply here"))
                rnd.reply(post.id, text, by=player)
                what = post.text[:80]
            elif kind in ("triage", "answer"):
                post = session.posts.get(message["post"])
                if post is None:
                    raise Refused(N_("unknown post “{id}”"), id=message["post"][:40])
                if kind == "triage":
                    if message["action"] not in TRIAGE_ACTIONS:
                        raise Refused(N_("unknown triage action “{id}”"), id=message["action"][:20])
                    rnd.triage(post.id, message["action"], by=player)
                else:
                    if message["reply"] not in {o.id for o in answers(session, post)}:
                        raise Refused(N_("unknown reply “{id}”"), id=message["reply"][:40])
                    label = next(o.label for o in answers(session, post) if o.id == message["reply"])
                    rnd.triage(post.id, "answer", message["reply"], by=player)
                what = post.text[:80]
            else:
                return
        except (ChoiceRefused, EngineError) as exc:
            raise Refused(exc.text, **exc.params) from None  # the engine's reason, in the page's language
        entry = {"t": session.t, "by": player, "kind": kind, "what": what,
                 "action": message.get("action") or message.get("option") or message.get("reply")
                 or message.get("text", "")[:80]}
        if label is not None:
            entry["label"] = label
        team.inputs.append(entry)
        team.inputs_total += 1
        self._keep_input(team, entry)
        self._changed(team)

    def console_input(self, message: dict[str, Any]) -> None:
        """Apply a checked facilitator's message (``team`` ``"*"`` for every team)."""
        kind = message["type"]
        assert kind in CONSOLE_MESSAGES
        if message["team"] == "*":
            targets = list(self.teams.values())
        else:
            found = [t for t in self.teams.values() if t.name == message["team"]]
            if not found:
                raise Refused(N_("unknown team “{team}”"), team=message["team"][:40])
            targets = found
        for team in targets:
            if kind == "start":
                self.start(team)
                continue
            rnd = team.round
            if kind in ("override", "mark") and rnd is not None:
                self._override(team, message)  # also after the end: the facilitator's last word
                continue
            if rnd is None or rnd.ended:
                if len(targets) == 1:
                    raise Refused(N_("{team}: the round is not running"), team=team.name)
                continue
            try:
                if kind == "pause":
                    rnd.pause(by="facilitator")
                elif kind == "resume":
                    rnd.resume(by="facilitator")
                elif kind == "speed":
                    if not 0.1 <= float(message["speed"]) <= 1000:
                        raise Refused(N_("a speed is between 0.1 and 1000 simulated seconds per real second"))
                    rnd.set_speed(float(message["speed"]), by="facilitator")
                elif kind == "fire":
                    rnd.fire(message["item"], by="facilitator")
                elif kind == "note":
                    text = message["text"].strip()
                    if not text:
                        raise Refused(N_("an empty note"))
                    rnd.note(text, by="facilitator")
                    if team.recording is not None:
                        team.recording.note(rnd.session.t, text)
                elif kind == "end":
                    rnd.end(by="facilitator")
                elif kind == "noise":
                    if message["level"] not in NOISE:
                        raise Refused(N_("a noise level is one of {levels}"), levels=", ".join(NOISE_LEVELS))
                    rnd.set_noise(NOISE[message["level"]], by="facilitator")
            except (ChoiceRefused, EngineError) as exc:
                if len(targets) == 1:
                    raise Refused(exc.text, **exc.params) from None  # the engine's reason, in the page's language
        self._changed(None)

    def _override(self, team: Team, message: dict[str, Any]) -> None:
        """The facilitator's last word on a written answer (``decision``, or ``post:ID`` for a
        written reply): its strategy (``override``), or a key point said or a red line crossed
        (``mark``). Taken during the round and after its end: the results store amends the
        finished round, so the score, the debrief and the ranking follow."""
        assert team.round is not None
        session = team.round.session
        target = message["decision"]
        post = target.removeprefix("post:") if target.startswith("post:") else None
        if (post is None and target not in session.written) or (post is not None and post not in session.written_replies):
            raise Refused(N_("{team}: no written answer to “{id}”"), team=team.name, id=target[:40])
        change: dict[str, Any] = {}
        if message["type"] == "override":
            if message["strategy"] not in Strategy.__members__:
                raise Refused(N_("unknown strategy “{id}”"), id=message["strategy"][:40])
            change["strategy"] = message["strategy"]
        else:
            if message["finding"] not in ("key_point", "red_line") or message["value"] not in ("yes", "no"):
                raise Refused(N_("a mark is a key_point or a red_line, yes or no"))
            change[message["finding"] + "s"] = {message["id"]: message["value"] == "yes"}
        try:
            # Signed with the name typed on the console (none: the report says "changed by the facilitator").
            team.round.override(None if post else target, post=post, **change, by=signature(message.get("by", "")))
        except EngineError as exc:
            raise Refused(exc.text, **exc.params) from None  # the engine's reason, in the page's language
        team.result = None  # scored again with the change
        self._changed(team)  # the team's debrief follows too

    def _written(self, session: Session) -> list[dict[str, Any]]:
        """The written answers and replies as the console shows them, with their findings as read now."""
        out = []
        items: list[tuple[str, str, Any, Any, Any]] = [
            (d, session.decisions[d].title, a, session.overrides.get(d), session.decisions[d]) for d, a in session.written.items()]
        for post_id, reply in session.written_replies.items():
            post = session.posts[post_id]
            inject = session.injects.get(post.inject) if post.inject else None
            items.append((f"post:{post_id}", f"↩ {post.name}", reply.assessment, session.reply_overrides.get(post_id), inject))
        for target, title, found, override, answered in items:
            read = overridden(found, override)
            points = [{"finding": kind, "id": p.id, "label": p.label, "found": bool(marks.get(p.id))}
                      for kind, listed, marks in (("key_point", answered.key_points if answered else [], read.key_points),
                                                  ("red_line", answered.red_lines if answered else [], read.red_lines))
                      for p in listed]
            out.append({"decision": target, "title": title, "text": found.text, "strategy": found.strategy,
                        "now": read.strategy, "points": points})
        return out

    def result(self, team: Team) -> Result:
        """The ended round's result (computed once)."""
        assert team.round is not None
        if team.result is None:
            team.result = score(team.round.session)
        return team.result

    # --- views -----------------------------------------------------------------------

    def team_view(self, team: Team, lang: str = "en") -> dict[str, Any]:
        """What the team's page draws in ``lang`` (bounded: the newest posts only)."""
        base: dict[str, Any] = {"team": team.name, "case": self.case.title, "briefing": self.case.briefing,
                                "organisation": self.case.organisation.name, "started": team.round is not None}
        rnd = team.round
        if rnd is None:
            return base
        session = rnd.session
        inbox = {c.id: c.kind.value for c in session.case.channels if c.is_inbox}
        channels = {c.id: c.name for c in session.case.channels}
        trending = rnd.trending
        # Times are worded here as the window and the terminal word them (Translator.clock and
        # .duration): the page shows the strings, it has no time formatter of its own.
        tr = translator(lang)
        writes = session.case.responses  # answerable posts: choose a reply, write one, or both
        posts = []
        for post in session.feed[-FEED_SHOWN:][::-1]:
            offered = answers(session, post)
            entry = {"id": post.id, "t": post.t, "at": moment(tr, self.case.calendar, post.t), "channel": channels.get(post.channel, post.channel), "inbox": None,
                     "own": post.author == ORGANISATION, "name": post.name, "handle": post.handle,
                     "text": post.text, "subject": post.subject, "trending": post.id in trending,
                     "triage": session.state.triage.get(post.id, (None,))[0],
                     "answers": [] if writes is Responses.write else [{"id": o.id, "label": o.label} for o in offered],
                     "write": writes is not Responses.choose and bool(offered),
                     "limit": session.channels[post.channel].limit}
            kind = inbox.get(post.channel)
            if kind is None:
                entry["counts"] = _counts(lang, *session.engagement(post))
            else:
                # A call or an email is private: nobody else sees it, so it has no likes or shares.
                entry["inbox"] = tr.gettext(inbox_heading(kind), name=post.name)
            posts.append(entry)
        decisions = []
        for d in session.open_decisions:
            left = rnd.real_time_left(d.id)
            decision = {"id": d.id, "title": d.title, "prompt": d.prompt,
                        "left": round(left, 1), "left_text": tr.duration(math.ceil(max(0.0, left))),
                        "left_sim": session.time_left(d.id),
                        "silence": d.on_timeout.label, "responses": d.responses.value,
                        "options": [] if d.responses is Responses.write else
                        [{"id": o.id, "label": words.option_label(o, tr)} for o in d.options]}
            if d.responses is not Responses.choose:
                channel = session.channels[next(o.channel for o in d.options if o.channel)]
                decision.update({"channel": channel.name, "limit": channel.limit})
            decisions.append(decision)
        base.update({
            "t": session.t, "duration": self.case.duration, "clock": tr.clock(session.t),
            "date": _date(self.case, session.t, tr),
            "end": tr.clock(self.case.duration), "paused": rnd.paused, "speed": rnd.effective_speed,
            "ended": rnd.ended, "metrics": {k: round(v, 1) for k, v in session.state.metrics.items()},
            "metric_names": {k: tr.metric(k, self.case.metric_names) for k in session.state.metrics},
            "feed": posts, "decisions": decisions, "notifications": team.notifications[::-1],
            "inputs": _timed(team.inputs[-INPUTS_SHOWN:][::-1], self.case, tr), "inputs_total": team.inputs_total,
        })
        if rnd.ended:
            base["debrief"] = self.debrief(team, tr)
        return base

    def debrief(self, team: Team, tr: Translator) -> dict[str, Any]:
        """The team's debrief in ``tr``'s language, from the engine's result (the numbers the store keeps)."""
        d = Debrief.from_result(self.result(team), self.case)
        by = {i["what"]: i["by"] for i in team.inputs if i["kind"] in ("decide", "write", "reply")}
        return {
            "score": d.score, "ending": {**d.ending, "kind": words.ending_kind(d, tr)}, "crisis": words.crisis(d, tr),
            "parts": [{"name": words.part_name(p.name, tr), "points": p.points, "max": p.max,
                       "note": words.part_note(p, tr)} for p in d.parts],
            "decisions": [{"title": x.title, "label": x.label, "by": by.get(x.title, ""), "why": words.decision_why(x, tr), "feedback": x.feedback,
                           "better": {"label": x.better.label, "why": words.better_why(x, tr)} if x.better else None}
                          for x in d.decisions],
            "replies": [{"name": r.name, "post": r.post_text, "text": r.written.text, "by": by.get(r.post_text[:80], ""),
                         "marked": [[m.start, m.end, words.mark_meaning(m, r.written, tr)] for m in r.written.marks],
                         "missing": [p.label for p in r.written.missing], "crossed": [p.label for p in r.written.crossed],
                         "why": words.reply_why(r, tr), "best": r.written.best_post} for r in d.replies],
            "signals": words.signal_summary(d.signals, tr), "ended_early": words.ended_early(d, tr, self.case.calendar),
            "ending_and_score": words.ending_and_score(d, tr),
            "questions": [q.text for q in d.questions], "samples": team.samples,
            **_chart_axis(team.samples, self.case, tr),
        }

    def console_view(self, lang: str = "en") -> dict[str, Any]:
        """Every team live, and the ranking of the rounds finished, in ``lang``."""
        tr = translator(lang)
        rows = []
        for team in self.teams.values():
            row: dict[str, Any] = {"team": team.name, "started": team.round is not None}
            rnd = team.round
            if rnd is not None:
                state = rnd.session.state
                row.update({
                    "t": state.t, "clock": tr.clock(state.t), "date": _date(self.case, state.t, tr), "paused": rnd.paused, "speed": rnd.speed, "ended": rnd.ended,
                    "metrics": {k: round(v, 1) for k, v in state.metrics.items()},
                    "decided": sum(1 for c in state.choices.values() if c is not None),
                    "missed": sum(1 for c in state.choices.values() if c is None),
                    "open": [d.title for d in rnd.session.open_decisions],
                    "flagged": len(state.flagged),
                    "score": round(self.result(team).score, 1) if rnd.ended else None,
                    # Worked out by the engine's scoring (game.play.round), never by the page.
                    "so_far": rnd.score_so_far(),
                    "noise": rnd.session.state.noise, "inputs_total": team.inputs_total,
                    "written": self._written(rnd.session),
                    "optional": [{"id": i.id, "title": i.title} for i in rnd.optional_items()],
                    "notes": [{"t": t, "at": moment(tr, self.case.calendar, t), "text": text} for t, text in rnd.notes[-10:]],
                    "inputs": _timed(team.inputs[-10:][::-1], self.case, tr),
                })
            rows.append(row)
        try:
            workshop = ws.get(self.store, self.workshop.id)
            standings = ws.ranking(self.store, workshop)
            self._ranking = [{"rank": s.rank, "team": s.team, "score": s.score, "ending": s.ending}
                             for s in standings]
            # The decisions side by side change only when a round ends (or its score is
            # corrected): read from the store again then, not on every push.
            key = tuple((s.session_id, s.score) for s in standings)
            if self._compared is None or self._compared[0] != key:
                self._compared = (key, ws.comparison(self.store, workshop))
        except StoreError:
            pass  # the server is away: the rounds play on into the spool, the last ranking stays shown
        compared = self._compared[1] if self._compared else []
        optional: dict[str, str] = {}  # what is left to fire to any team, in the case's order
        for row in rows:
            if row["started"] and not row["ended"]:
                for item in row["optional"]:
                    optional.setdefault(item["id"], item["title"])
        return {"workshop": self.workshop.name, "case": self.case.title, "store_problem": self.store.problem,
                "metric_names": {k: tr.metric(k, self.case.metric_names) for k in self.case.metrics},
                "strategies": {s.value: strategy_name(s, lang) for s in Strategy},
                "teams": rows, "ranking": self._ranking,
                "optional": [{"id": i, "title": t} for i, t in optional.items()],
                "decisions": [{"title": p.title, "at": moment(tr, self.case.calendar, p.opened_at) if p.opened_at is not None else "",
                               "choices": {c.team: {"label": c.label, "missed": c.option is None, "best": c.best,
                                                    "taken": tr.duration(c.seconds_taken)} for c in p.choices}}
                              for p in compared]}

    def stop(self) -> None:
        """The host is closing: rounds not finished are kept as interrupted, to resume."""
        for team in self.teams.values():
            if team.recording is not None and team.round is not None and not team.round.ended:
                team.recording.interrupt()


def _still_open(session: Session, decision_id: str) -> None:
    """Refuse, in words the page translates, a choice on a decision that is not open (another
    device of the team was quicker, or its countdown ran out)."""
    if decision_id not in session.state.open:
        title = session.decisions[decision_id].title
        if decision_id in session.state.choices:
            raise Refused(N_("“{title}” has already closed"), title=title)
        raise Refused(N_("“{title}” is not open"), title=title)


def _date(case: Case, t: float, tr: Translator) -> str:
    """The real day and hour a historical case's calendar gives the clock ("" without a calendar)."""
    return moment(tr, case.calendar, t, "full") if case.calendar else ""


TRIAGE_DONE = {"flag": N_("Flagged"), "dismiss": N_("Dismissed")}


def _timed(inputs: list[dict[str, Any]], case: Case, tr: Translator) -> list[dict[str, Any]]:
    """The inputs shown, each with its simulated time worded (``at``: the real day and hour of a
    case with a calendar) and what it did (``done``: the option or reply chosen in the case's
    words, a triage in the page's language, a text's start)."""
    return [{**i, "at": moment(tr, case.calendar, i["t"]),
             "done": i.get("label") or (tr.gettext(TRIAGE_DONE[i["action"]]) if i["kind"] == "triage"
                                        and i.get("action") in TRIAGE_DONE else i.get("action"))}
            for i in inputs]


def _chart_axis(samples: list[tuple[int, dict[str, float]]], case: Case, tr: Translator) -> dict[str, Any]:
    """The debrief chart's time span (the case's length, or the last sample if later) and the
    times worded under its start, middle and end (the real days and hours of a case with a calendar)."""
    span = max(case.duration, samples[-1][0] if samples else 0, 60)
    return {"span": span, "axis": [moment(tr, case.calendar, round(span * m), "tiny") for m in (0, 0.5, 1)]}


def answers(session: Session, post: Post) -> list[Option]:
    """The prepared replies a team may give ``post``: the play layer's, as in the window and the
    terminal (a call or an email takes only its own; :func:`game.play.round.replies_for`)."""
    return replies_for(session, post)


@functools.lru_cache(maxsize=4096)
def _counts(lang: str, likes: int, shares: int, replies: int) -> str:
    """A public post's counters in ``lang``, each with its plural (the same few numbers recur)."""
    tr = translator(lang)
    return " · ".join((tr.ngettext("{n} like", "{n} likes", likes), tr.ngettext("{n} share", "{n} shares", shares),
                       tr.ngettext("{n} reply", "{n} replies", replies)))


def _notification(item: Any) -> dict[str, Any] | None:
    """A players' notification for ``item``, as kind + the author's words (the page words the kind)."""
    if isinstance(item, DecisionOpened):
        return {"kind": "decision", "text": item.decision.title}
    if isinstance(item, DecisionClosed):
        return {"kind": "closed" if item.option else "missed", "text": item.decision.title}
    if isinstance(item, DeadlineNear):
        return {"kind": "deadline", "text": item.decision.title}
    if isinstance(item, InboxNew):
        return {"kind": "inbox", "text": item.post.name}
    if isinstance(item, Trending):
        return {"kind": "trending", "text": item.post.text[:80]}
    if isinstance(item, Published):
        return {"kind": "published", "text": item.post.text[:80]}
    if isinstance(item, Ended):
        return {"kind": "ended", "text": ""}
    return None
