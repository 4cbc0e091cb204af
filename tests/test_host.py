"""The workshop host over real sockets on 127.0.0.1: codes, checked messages, a whole round,
reconnecting, the host killed and resumed, hostile markup. Every test stops by itself."""

from __future__ import annotations

import html
import json
import sqlite3
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score, score_so_far
from game.host.app import create_app, run_in_host
from game.host.protocol import Refused
from game.host.serve import Running
from game.host.workshop import HostedWorkshop, _counts
from game.play.alerts import Trending
from game.results.store import ResultStore, open_store

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "nestle-kitkat-2010"
HOSTILE = ROOT / "tests" / "hostile" / "text-markup"


class Host:
    """A workshop served on a free loopback port, its clock driven by the test (``tick``)."""

    def __init__(self, tmp: Path, case: Path = CASE, teams: tuple[str, ...] = ("Red", "Blue"),
                 address: str = "127.0.0.1") -> None:
        self.store = ResultStore.open(tmp)
        self.workshop = HostedWorkshop(load_case(case), self.store, "Test workshop", list(teams))
        self.app = create_app(self.workshop, clock=False)
        self.server = Running(self.app, host=address)  # 127.0.0.2: as on a LAN, 127.0.0.1 is another machine
        self.url = self.server.url
        self.codes = {t.name: t.code for t in self.workshop.teams.values()}

    def tick(self, seconds: float) -> None:
        """Let ``seconds`` of real time pass for every round, on the host's own loop."""
        run_in_host(self.app, lambda: self.workshop.tick(seconds))

    def ws(self, path: str) -> ClientConnection:
        return connect(self.url.replace("http", "ws") + path, open_timeout=5, close_timeout=2)

    def team(self, name: str) -> ClientConnection:
        return self.ws(f"/ws/team/{self.codes[name]}")

    def console(self) -> ClientConnection:
        return self.ws(f"/ws/console/{self.workshop.secret}")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    h = Host(tmp_path)
    yield h
    h.server.stop()
    h.store.close()


def recv(sock: ClientConnection) -> dict[str, Any]:
    return json.loads(sock.recv(timeout=5))


def view(sock: ClientConnection) -> dict[str, Any]:
    """The next view the host pushes; a refusal fails the test with its reason."""
    message = recv(sock)
    assert message["type"] == "view", message
    return message["view"]


def until(sock: ClientConnection, wanted: Any) -> dict[str, Any]:
    """The first view pushed for which ``wanted(view)`` holds (older views are skipped)."""
    for _ in range(500):
        seen = view(sock)
        if wanted(seen):
            return seen
    raise AssertionError("the view never came")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def until_message(sock: ClientConnection, test: Any, tries: int = 50) -> dict[str, Any]:
    """The first message ``test`` accepts (views pushed meanwhile are skipped)."""
    for _ in range(tries):
        message = recv(sock)
        if test(message):
            return message
    raise AssertionError("no such message")


def refusal(sock: ClientConnection, raw: str) -> str:
    sock.send(raw)
    message = recv(sock)
    assert message["type"] == "refused", message
    return message["reason"]


def closed_with(host: Host, path: str, source: str = "127.0.0.1") -> tuple[int | None, str]:
    """The close code and reason of a team's WebSocket the host refuses after accepting it."""
    from websockets.exceptions import ConnectionClosed
    with connect(host.url.replace("http", "ws") + path, open_timeout=5, close_timeout=2,
                 source_address=(source, 0)) as sock:
        with pytest.raises(ConnectionClosed):
            sock.recv(timeout=5)
        assert sock.close_code is not None
        return sock.close_code, sock.close_reason or ""


def get_from(url: str, source: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    """GET ``url`` from the loopback address ``source`` (127.0.0.2 is another device to the host)."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5, source_address=(source, 0))
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        conn.close()


def test_wrong_or_missing_code_opens_nothing(host: Host) -> None:
    assert get(f"{host.url}/team/{host.codes['Red']}")[0] == 200
    status, page = get(f"{host.url}/team/not-a-code")
    assert status == 404 and "not known" in page
    assert get(f"{host.url}/team/")[0] == 404
    assert get(f"{host.url}/console/{host.codes['Red']}")[0] == 404  # a team's code is not the console's
    assert get(f"{host.url}/console/{host.workshop.secret}")[0] == 200
    from websockets.exceptions import InvalidStatus
    for path in ("/ws/console/guess", f"/ws/console/{host.codes['Red']}"):
        with pytest.raises(InvalidStatus, match="403"):
            host.ws(path)
    # A team's socket on a wrong code is told so (and the page stops retrying).
    assert closed_with(host, "/ws/team/guess") == (4404, "This join code is not known: check the address with the facilitator.")
    assert host.codes["Red"] != host.codes["Blue"]


def test_join_codes_are_short_typed_any_way_and_kept(host: Host) -> None:
    red = host.workshop.teams[host.codes["Red"]]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}", red.shown)  # no 0, O, 1 or I
    low = red.shown.lower()
    for typed in (red.shown, red.code, low, low.replace("-", " "), f" {low[:2]} {low[2:]} "):
        assert get(f"{host.url}/team/{quote(typed)}")[0] == 200, typed
        status, _, headers = get_from(f"{host.url}/join?code={quote(typed)}", "127.0.0.1")
        assert (status, headers["location"]) == (303, f"/team/{red.shown}"), typed
    assert get(f"{host.url}/join?code={quote(low)}&lang=fr")[1].count("Briefing") >= 1  # followed to the page
    status, page = get(f"{host.url}/join")
    assert status == 200 and "Your team&#39;s code" in page
    status, page = get(f"{host.url}/join?code=ZZZ-ZZZ&lang=fr")
    assert status == 404 and "ZZZ-ZZZ n&#39;est pas un code de cet atelier" in page
    assert "ZZZ-ZZZ n&#39;est pas" in get(f"{host.url}/join?code=zzz%20zzz&lang=fr")[1]  # shown as the code reads
    status, page = get(f"{host.url}/join?code={quote('<script>alert(1)</script>')}")
    assert status == 404 and "<script>alert" not in page and "&lt;SCRIPT&gt;ALERT(1)" in page  # shown as text
    with host.ws(f"/ws/team/{low.replace('-', '')}") as sock:
        assert view(sock)["team"] == "Red"
    # The same codes after a restart (kept beside the store), and a long code of an older host
    # still lets its team in.
    keys = json.loads(host.workshop.keys_file.read_text())
    assert keys["teams"] == {"Red": red.code, "Blue": host.codes["Blue"]}
    keys["teams"]["Blue"] = old = "V2d9m1NlbGXoqBQ3xK8z0w"
    host.workshop.keys_file.write_text(json.dumps(keys))
    again = HostedWorkshop(load_case(CASE), host.store, "Test workshop", ["Red", "Blue"])
    blue = next(t for t in again.teams.values() if t.name == "Blue")
    assert again.team(red.shown.lower()).name == "Red" and again.team(old) is blue and again.team(blue.shown) is blue
    assert again.team(old.upper()) is None and again.team(old[:-1]) is None and blue.code != old
    assert json.loads(again.keys_file.read_text())["links"] == {"Blue": [old]}


def test_too_many_wrong_codes_from_one_address_lock_it_out_for_a_while(host: Host) -> None:
    """127.0.0.2 plays a device of the room (the host answers on 127.0.0.1, its own machine)."""
    from game.host.codes import MAX_WRONG
    red, guesser = host.codes["Red"], "127.0.0.2"
    for n in range(MAX_WRONG - 1):
        assert get_from(f"{host.url}/team/{'ABCDE' + 'FGHJKLMNP'[n]}", guesser)[0] == 404
    # A socket's wrong code counts too: the last one allowed is the one that locks.
    assert closed_with(host, "/ws/team/ZZZZZZ", guesser) == (4429, "Too many wrong codes: try again in 10 minutes.")
    # Now every code from this address is refused, the right one too, with how long to wait.
    status, page, _ = get_from(f"{host.url}/team/{red}", guesser)
    assert status == 429 and "Too many wrong codes" in page and "Try again in 10 minutes" in page
    status, page, headers = get_from(f"{host.url}/join?code={red}&lang=fr", guesser)
    assert status == 429 and "Réessayez dans 10 minutes" in page
    assert "Trop de codes erronés ont été saisis sur cet appareil" in page and int(headers["retry-after"]) > 590
    assert closed_with(host, f"/ws/team/{red}", guesser) == (4429, "Too many wrong codes: try again in 10 minutes.")
    assert get_from(f"{host.url}/team/{red}/debrief.html", guesser)[0] == 429
    # Another device is not held back, nor the trainer's own machine, and the console is never locked out.
    assert get_from(f"{host.url}/team/{red}", "127.0.0.3")[0] == 200
    assert get(f"{host.url}/team/{red}")[0] == 200
    assert get_from(f"{host.url}/console/{host.workshop.secret}", guesser)[0] == 200
    # X-Forwarded-For is not believed: the lock stays on the peer's own address.
    assert get_from(f"{host.url}/team/{red}", guesser, {"X-Forwarded-For": "10.9.9.9"})[0] == 429
    assert get_from(f"{host.url}/team/{red}", "127.0.0.3", {"X-Forwarded-For": guesser})[0] == 200
    # The lock ends by itself (its time shortened here: the clock is the host's monotonic one).
    guesses = host.app.state.guesses
    for record in guesses._records.values():
        record.until = 0.0
    assert get_from(f"{host.url}/team/{red}", guesser)[0] == 200


def test_a_rehearsal_on_the_trainers_machine_is_never_locked_out(host: Host) -> None:
    """Every tab of the host's own machine shares its address: a rehearsal's wrong codes in one
    tab (many more than the limit) leave the right code working in every tab."""
    from game.host.codes import MAX_WRONG
    red = host.codes["Red"]
    for n in range(3 * MAX_WRONG):
        assert get(f"{host.url}/team/WRONG{n}")[0] == 404
        assert get_from(f"{host.url}/join?code=ZZZ-ZZ{'ABCDEFGHJKLMNPQRSTUVWXYZ'[n]}", "127.0.0.1")[0] == 404
    assert closed_with(host, "/ws/team/ZZZZZZ") == (4404, "This join code is not known: check the address with the facilitator.")
    assert get(f"{host.url}/team/{red}")[0] == 200
    with host.ws(f"/ws/team/{red}") as sock:
        assert view(sock)["team"] == "Red"


def test_refusals_are_worded_in_the_pages_language(host: Host) -> None:
    """A refusal a player meets in play (a round not started yet, a decision another device of
    the team closed first, a flood) reads in the page's language."""
    red = host.codes["Red"]
    with host.ws(f"/ws/team/{red}?lang=fr") as fr, host.ws(f"/ws/team/{red}?lang=en") as en:
        view(fr), view(en)
        early = json.dumps({"type": "decide", "decision": "x", "option": "y"})
        assert refusal(fr, early) == "la partie n'a pas encore commencé"
        assert refusal(en, early) == "the round has not started yet"
        run_in_host(host.app, lambda: host.workshop.start(host.workshop.teams[red]))
        host.tick(200)
        decision = until(en, lambda v: v.get("decisions"))["decisions"][0]
        choose = json.dumps({"type": "decide", "decision": decision["id"], "option": decision["options"][0]["id"]})
        en.send(choose)
        until(en, lambda v: decision["id"] not in [d["id"] for d in v["decisions"]])
        fr.send(choose)  # the other device, a moment too late
        for _ in range(50):
            message = recv(fr)
            if message["type"] == "refused":
                break
        assert message["reason"] == f"«\u00a0{decision['title']}\u00a0» est déjà close"
        assert refusal(fr, "[1]") == "un message est un objet JSON"
        assert "type de message inconnu «\u00a0end\u00a0»" == refusal(fr, json.dumps({"type": "end"}))


def test_the_engines_refusals_read_in_the_consoles_language(host: Host) -> None:
    """A refusal the engine itself gives (an optional inject fired twice) is worded in the page's
    language too, not shown as the engine's English."""
    red = host.workshop.teams[host.codes["Red"]]
    run_in_host(host.app, lambda: host.workshop.start(red))
    item = red.round.optional_items()[0].id
    with host.ws(f"/ws/console/{host.workshop.secret}?lang=fr") as fr, host.ws(f"/ws/console/{host.workshop.secret}") as en:
        view(fr), view(en)
        fire = json.dumps({"type": "fire", "team": "Red", "item": item})
        fr.send(fire)
        until(fr, lambda v: item not in [o["id"] for o in v["teams"][0]["optional"]])
        for sock, said in ((fr, f"plus d'inject optionnel «\u00a0{item}\u00a0» à déclencher"),
                           (en, f"no optional inject '{item}' left to fire")):
            sock.send(fire)
            message = until_message(sock, lambda m: m["type"] == "refused")
            assert message["reason"] == said


def test_a_commit_is_stored_at_once_and_synced_to_the_disk_beside_the_play(tmp_path: Path) -> None:
    """The host's commits do not wait on its one thread for a busy disk: an input's commit is
    readable by another process (so a kill -9 loses nothing) while the disk sync still runs; the
    sync follows, in order, and the store waits for it when it closes."""
    import threading

    from game.results import database
    store = ResultStore.open(tmp_path)
    workshop = HostedWorkshop(load_case(CASE), store, "Disk", ["Red"])
    assert workshop.synced_behind
    team = next(iter(workshop.teams.values()))
    disk_busy, syncs = threading.Event(), []
    real_fsync = database.os.fsync

    def slow_fsync(fd: int) -> None:  # a disk that other work keeps busy: the sync waits for the test
        disk_busy.wait(10)
        syncs.append(fd)
        real_fsync(fd)

    database.os.fsync = slow_fsync
    try:
        workshop.start(team)
        workshop.tick(200)
        decision = team.session.open_decisions[0]
        workshop.team_input(team, {"type": "decide", "decision": decision.id, "option": decision.options[0].id}, "Ana")
        other = sqlite3.connect(store.path)  # another process's view of the file
        lines = [json.loads(r[0]) for r in other.execute("SELECT line FROM log_lines WHERE session = ?",
                                                          (team.recording.session_id,))]
        other.close()
        assert any(r.get("type") == "input" and r.get("kind") == "decide" for r in lines)
        assert not store.synced(timeout=0.2)  # not yet on the disk, and nothing waited for it
        disk_busy.set()
        assert store.synced() and syncs
    finally:
        disk_busy.set()
        database.os.fsync = real_fsync
        store.close()
    again = ResultStore.open(tmp_path)
    assert again.session(team.recording.session_id).status == "running"
    again.close()


def test_the_guess_limit_counts_per_address_in_a_window() -> None:
    from game.host.codes import Guesses, is_code, new_code, normalise, shown
    limit = Guesses(max_wrong=3, window=60, locked=100)
    assert (limit.wrong("a", 0), limit.wrong("a", 30)) == (0, 0)
    assert limit.wrong("a", 70) == 0  # the first one left the window: two in it
    assert limit.wrong("b", 71) == 0 and limit.wait("b", 72) == 0
    assert limit.wrong("a", 75) == 100 and limit.wait("a", 125) == 50 and limit.wait("b", 125) == 0
    assert limit.wait("a", 175) == 0 and limit.wrong("a", 176) == 0  # after the lock, counted afresh
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190 and all(is_code(c) and not set(c) & set("01OI") for c in codes)
    assert normalise(" k7q-m3x ") == normalise("K7Q M3X") == "K7QM3X" and shown("K7QM3X") == "K7Q-M3X"
    assert new_code({"AAAAAA"}) != "AAAAAA"


def test_malformed_oversized_and_unknown_messages_are_refused_and_change_nothing(host: Host) -> None:
    with host.console() as console:
        view(console)
        console.send(json.dumps({"type": "start", "team": "Red"}))
        view(console)
        assert "unknown team" in refusal(console, json.dumps({"type": "pause", "team": "Green"}))
        assert "wrong type" in refusal(console, json.dumps({"type": "speed", "team": "Red", "speed": "fast"}))
    host.tick(200)
    red = host.workshop.teams[host.codes["Red"]]
    before = len(host.store.log_records(red.recording.session_id))
    with host.team("Red") as sock:
        decision = until(sock, lambda v: v.get("decisions"))["decisions"][0]
        assert "too large" in refusal(sock, json.dumps({"type": "decide", "decision": "x" * 5000, "option": "y"}))
        assert "not a JSON" in refusal(sock, "{nope")
        assert "JSON object" in refusal(sock, "[1, 2]")
        assert "unknown message type" in refusal(sock, json.dumps({"type": "end"}))  # a console action
        assert "wrong type" in refusal(sock, json.dumps({"type": "decide", "decision": 3, "option": "a"}))
        assert "missing field" in refusal(sock, json.dumps({"type": "decide", "decision": decision["id"]}))
        assert "unexpected field" in refusal(sock, json.dumps({"type": "triage", "post": "p", "action": "flag", "x": 1}))
        assert "unknown decision" in refusal(sock, json.dumps({"type": "decide", "decision": "nope", "option": "a"}))
        assert "unknown option" in refusal(sock, json.dumps({"type": "decide", "decision": decision["id"], "option": "z"}))
        assert "unknown post" in refusal(sock, json.dumps({"type": "triage", "post": "nope", "action": "flag"}))
        assert "triage action" in refusal(sock, json.dumps({"type": "triage", "post": view_post(host), "action": "x"}))
        assert view_decisions(host) == [decision["id"]]  # still open: nothing was decided
    assert len(host.store.log_records(red.recording.session_id)) == before  # no input reached the log


def view_post(host: Host) -> str:
    return host.workshop.teams[host.codes["Red"]].session.feed[0].id


def view_decisions(host: Host) -> list[str]:
    return [d.id for d in host.workshop.teams[host.codes["Red"]].session.open_decisions]


def test_a_flood_of_messages_is_cut_off(host: Host) -> None:
    with host.team("Red") as sock:
        view(sock)
        for _ in range(60):
            sock.send(json.dumps({"type": "decide", "decision": "d", "option": "o"}))
        reasons = [recv(sock)["reason"] for _ in range(60)]
    assert "too many messages: wait a moment" in reasons
    assert reasons[0] != reasons[-1]  # the first were read (and refused for what they said)


def test_two_teams_play_and_the_store_holds_what_a_headless_replay_gives(host: Host) -> None:
    with host.console() as console, host.team("Red") as red, host.team("Blue") as blue:
        view(console), view(red), view(blue)
        red.send(json.dumps({"type": "hello", "name": "Ana", "lang": "en"}))
        console.send(json.dumps({"type": "start", "team": "*"}))
        view(console)
        host.tick(200)
        first = until(red, lambda v: v.get("decisions"))
        decision = first["decisions"][0]
        red.send(json.dumps({"type": "decide", "decision": decision["id"], "option": decision["options"][1]["id"]}))
        after = until(red, lambda v: v["inputs"])
        assert after["inputs"][0]["by"] == "Ana" and after["inputs"][0]["what"] == decision["title"]
        assert decision["id"] not in [d["id"] for d in after["decisions"]]
        post = next(p for p in after["feed"] if not p["inbox"] and not p["own"])
        red.send(json.dumps({"type": "triage", "post": post["id"], "action": "flag"}))
        assert next(p for p in view(red)["feed"] if p["id"] == post["id"])["triage"] == "flag"
        # Blue lets its countdown run out.
        console.send(json.dumps({"type": "pause", "team": "Blue"}))
        until(console, lambda v: next(t for t in v["teams"] if t["team"] == "Blue").get("paused"))
        console.send(json.dumps({"type": "resume", "team": "Blue"}))
        console.send(json.dumps({"type": "note", "team": "Blue", "text": "They hesitate"}))
        optional = host.workshop.teams[host.codes["Blue"]].round.optional_items()
        if optional:
            console.send(json.dumps({"type": "fire", "team": "Blue", "item": optional[0].id}))
        for _ in range(40):
            host.tick(60)
        console.send(json.dumps({"type": "end", "team": "*"}))
        ranking = until(console, lambda v: all(r["score"] is not None for r in v["ranking"]))["ranking"]
        assert all(r["rank"] for r in ranking)
    for team in host.workshop.teams.values():
        stored = host.store.session(team.recording.session_id)
        assert stored.status == "finished"
        records = host.store.log_records(stored.id)
        again = replay(host.workshop.case, host.workshop.seed, [r for r in records if r.get("type") == "input"])
        assert score(again).score == pytest.approx(stored.score)
        assert {r["team"]: r["score"] for r in ranking}[team.name] == pytest.approx(stored.score)
    blue = host.workshop.teams[host.codes["Blue"]]
    assert any(c is None for c in blue.session.state.choices.values())  # Blue missed a decision
    assert [n.text for n in host.store.notes(blue.recording.session_id)] == ["They hesitate"]
    # Each page in its own language: the page's words and the debrief's, from the same catalogues.
    red = host.workshop.teams[host.codes["Red"]]
    status, page = get(f"{host.url}/team/{red.code}?lang=fr")
    assert status == 200 and "Rejoindre votre équipe" in page and "Join your team" not in page
    french = host.workshop.team_view(red, "fr")["debrief"]
    assert french["parts"][0]["name"] == "Résultat" and host.workshop.team_view(red)["debrief"]["parts"][0]["name"] == "Outcome"
    assert french["score"] == pytest.approx(host.store.session(red.recording.session_id).score)
    status, page = get(f"{host.url}/team/{host.codes['Red']}/debrief.html")
    assert status == 200 and "<html" in page.lower()
    assert get(f"{host.url}/console/{host.workshop.secret}/report.html")[0] == 200


def test_the_console_shows_each_teams_score_so_far_as_the_engine_counts_it(host: Host) -> None:
    with host.console() as console, host.team("Red") as red:
        view(console), view(red)
        console.send(json.dumps({"type": "start", "team": "*"}))
        view(console)
        host.tick(200)
        decision = until(red, lambda v: v.get("decisions"))["decisions"][0]
        rows = {t["team"]: t for t in view(console)["teams"]}
        before = rows["Red"]["so_far"]
        assert rows["Red"]["score"] is None and isinstance(before, float)
        # Red chooses the case's best option: its score so far moves at once, from the engine's count.
        best = host.workshop.teams[host.codes["Red"]].session.decisions[decision["id"]].options
        red.send(json.dumps({"type": "decide", "decision": decision["id"], "option": best[0].id}))
        rows = {t["team"]: t for t in until(console, lambda v: v["teams"][0]["decided"])["teams"]}
        teams = {t.name: t for t in host.workshop.teams.values()}
        for name in ("Red", "Blue"):
            assert rows[name]["so_far"] == score_so_far(teams[name].session)
        assert rows["Red"]["so_far"] != before and rows["Red"]["so_far"] != rows["Blue"]["so_far"]
        # One optional inject fired to every team at once, from the console's "all teams" row.
        optional = host.workshop.console_view()["optional"]
        assert optional and [o["id"] for o in optional] == [i.id for i in teams["Red"].round.optional_items()]
        console.send(json.dumps({"type": "fire", "team": "*", "item": optional[0]["id"]}))
        until(console, lambda v: optional[0]["id"] not in [o["id"] for o in v["optional"]])
        assert all(optional[0]["id"] in t.session.state.fired for t in teams.values())
        console.send(json.dumps({"type": "end", "team": "*"}))
        last = until(console, lambda v: all(t["ended"] for t in v["teams"]) and len(v["decisions"]))
        ended = last["teams"]
    # The decisions side by side: what each team chose at each decision, Blue's silence as such.
    first = next(d for d in last["decisions"] if d["title"] == decision["title"])
    assert first["choices"]["Red"]["label"] == best[0].label and not first["choices"]["Red"]["missed"]
    assert first["choices"]["Blue"]["missed"]
    for row in ended:  # once over, the score so far is the round's score, as stored
        stored = host.store.session(teams[row["team"]].recording.session_id).score
        assert row["so_far"] == pytest.approx(stored) and row["score"] == pytest.approx(stored)
    status, page = get(f"{host.url}/console/{host.workshop.secret}?lang=fr")
    words = json.loads(html.unescape(page.split('<template id="words">')[1].split("</template>")[0]))
    assert status == 200 and words["so_far"] == "Score à ce stade"


def test_a_reconnecting_page_finds_its_round_where_it_is(host: Host) -> None:
    run_in_host(host.app, lambda: host.workshop.start(host.workshop.teams[host.codes["Red"]]))
    host.tick(200)
    with host.team("Red") as sock:
        sock.send(json.dumps({"type": "hello", "name": "Ana", "lang": "en"}))
        decision = until(sock, lambda v: v.get("decisions"))["decisions"][0]
        sock.send(json.dumps({"type": "decide", "decision": decision["id"], "option": decision["options"][0]["id"]}))
        t = until(sock, lambda v: v["inputs"])["t"]
    host.tick(30)  # the clock ran while the page was away
    with host.team("Red") as sock:
        back = view(sock)
    assert back["t"] > t
    assert back["inputs"][0]["what"] == decision["title"] and back["inputs"][0]["by"] == "Ana"


def test_markup_in_a_case_a_team_or_a_note_is_text_on_every_page(tmp_path: Path) -> None:
    h = Host(tmp_path, HOSTILE, teams=("<script>alert(1)</script>",))
    try:
        code = next(iter(h.codes.values()))
        for url in (f"{h.url}/team/{code}", f"{h.url}/console/{h.workshop.secret}"):
            status, page = get(url)
            assert status == 200
            assert "<script>alert(1)" not in page and "</title><script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the team name, shown as text
        # The pages draw live data with textContent only (no HTML parsing of what the host sends).
        for js in ("common.js", "team.js", "console.js"):
            text = (ROOT / "game" / "host" / "static" / js).read_text()
            assert "innerHTML =" not in text and "insertAdjacentHTML" not in text
    finally:
        h.server.stop()
        h.store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_host_killed_and_started_again_gives_the_rounds_back(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "game", "--data-dir", str(tmp_path), "host", str(CASE), "--workshop", "K",
               "--teams", "Red", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def launch(*extra: str) -> tuple[subprocess.Popen[str], str, str]:
        proc = subprocess.Popen([*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)
        team = console = ""
        assert proc.stdout is not None
        deadline = time.monotonic() + 20
        while not console and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("Red: "):
                team = line.split("/team/")[1].strip()
            if "console" in line and "/console/" in line:
                console = line.split("/console/")[1].strip()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return proc, team, console

    url = f"ws://127.0.0.1:{port}"
    proc, code, secret = launch()
    try:
        with connect(f"{url}/ws/console/{secret}", open_timeout=5) as console:
            view(console)
            console.send(json.dumps({"type": "start", "team": "Red"}))
            console.send(json.dumps({"type": "speed", "team": "Red", "speed": 200}))
            view(console)
        with connect(f"{url}/ws/team/{code}", open_timeout=5) as sock:
            v = view(sock)
            sock.send(json.dumps({"type": "hello", "name": "Ana", "lang": "en"}))
            for _ in range(50):
                if v["decisions"]:
                    break
                v = view(sock)
            decision = v["decisions"][0]
            sock.send(json.dumps({"type": "decide", "decision": decision["id"], "option": decision["options"][0]["id"]}))
            t_killed = view(sock)["t"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    proc, code2, secret2 = launch("--resume")
    try:
        assert (code2, secret2) == (code, secret)  # the same join address
        with connect(f"{url}/ws/team/{code}", open_timeout=5) as sock:
            back = view(sock)
        assert back["started"] and back["t"] >= t_killed
        assert decision["id"] not in [d["id"] for d in back["decisions"]]  # the decision made is kept
        # Who did what survives the restart: the count goes on from 1, the name is still there.
        assert back["inputs_total"] == 1 and [(i["by"], i["kind"]) for i in back["inputs"]] == [("Ana", "decide")]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"
ANSWER = ("We have tested it: the locks can be opened with a pen, and we are sorry. "
          "We will exchange every tubular lock for free; details on our site tomorrow.")


def test_a_written_answer_the_noise_and_the_facilitators_override_are_logged_and_replayed(tmp_path: Path) -> None:
    h = Host(tmp_path, KRYPTONITE, teams=("Red",))
    try:
        team = h.workshop.teams[h.codes["Red"]]
        with h.console() as console, h.team("Red") as sock:
            view(console), view(sock)
            console.send(json.dumps({"type": "start", "team": "Red"}))
            view(console)
            assert "noise level" in refusal(console, json.dumps({"type": "noise", "team": "Red", "level": "loud"}))
            console.send(json.dumps({"type": "noise", "team": "Red", "level": "storm"}))
            until(console, lambda v: v["teams"][0].get("noise") == 3)
            h.tick(190)
            decision = until(sock, lambda v: any(d["responses"] == "both" for d in v.get("decisions", [])))["decisions"][0]
            assert decision["id"] == "forum-thread" and decision["options"] and "limit" in decision
            assert "empty answer" in refusal(sock, json.dumps({"type": "write", "decision": decision["id"], "text": "  "}))
            sock.send(json.dumps({"type": "write", "decision": decision["id"], "text": ANSWER}))
            shown = until(sock, lambda v: v["inputs_total"] == 1)
            assert decision["id"] not in [d["id"] for d in shown["decisions"]]
            assert any(p["own"] and p["text"] == ANSWER for p in shown["feed"])  # published as the organisation's post
            written = until(console, lambda v: v["teams"][0]["written"])["teams"][0]["written"][0]
            assert written["text"] == ANSWER and written["now"] == written["strategy"]
            assert "unknown strategy" in refusal(console, json.dumps(
                {"type": "override", "team": "Red", "decision": decision["id"], "strategy": "shouting"}))
            other = "denial" if written["strategy"] != "denial" else "apology"
            console.send(json.dumps({"type": "override", "team": "Red", "decision": decision["id"], "strategy": other}))
            until(console, lambda v: v["teams"][0]["written"][0]["now"] == other)
            console.send(json.dumps({"type": "end", "team": "Red"}))
            after = until(console, lambda v: v["teams"][0]["score"] is not None)["teams"][0]
            # After the end the console still takes the facilitator's word (see the test below); a
            # decision not answered in writing is still refused.
            assert "no written answer" in refusal(console, json.dumps(
                {"type": "override", "team": "Red", "decision": "remedy", "strategy": "apology"}))
        stored = h.store.session(team.recording.session_id)
        assert stored.score == pytest.approx(after["score"], abs=0.05)
        inputs = [r for r in h.store.log_records(team.recording.session_id) if r.get("type") == "input"]
        kinds = [r.get("kind") for r in inputs]
        assert {"noise", "write", "override"} <= set(kinds)
        again = replay(h.workshop.case, h.workshop.seed, inputs)
        assert score(again).score == pytest.approx(stored.score)
        assert again.state.noise == 3
        unchanged = replay(h.workshop.case, h.workshop.seed, [r for r in inputs if r.get("kind") != "override"])
        assert score(unchanged).score != pytest.approx(stored.score)  # the facilitator's reading counted
    finally:
        h.server.stop()
        h.store.close()


def test_the_console_corrects_a_finished_round_and_the_stored_score_and_ranking_follow(tmp_path: Path) -> None:
    """Issue 11, the facilitator's last word after the end: the console sets a strategy, ticks a
    key point and marks a red line on an ended round; the store amends it, the ranking follows,
    and a replay of the stored log gives the new score (the old one without the overrides)."""
    from game.results import workshop as ws

    h = Host(tmp_path, KRYPTONITE, teams=("Red", "Blue"))
    try:
        with h.console() as console, h.team("Red") as red, h.team("Blue") as blue:
            view(console), view(red), view(blue)
            console.send(json.dumps({"type": "start", "team": "*"}))
            until(console, lambda v: all(t["started"] for t in v["teams"]))
            h.tick(190)
            for sock in (red, blue):  # the same text at the same time: the same score
                until(sock, lambda v: any(d["id"] == "forum-thread" for d in v.get("decisions", [])))
                sock.send(json.dumps({"type": "write", "decision": "forum-thread", "text": ANSWER}))
                until(sock, lambda v: v["inputs_total"] == 1)
            console.send(json.dumps({"type": "end", "team": "*"}))
            ended = until(console, lambda v: all(t["score"] is not None for t in v["teams"]) and len(v["ranking"]) == 2)
            first = {t["team"]: t["score"] for t in ended["teams"]}
            assert first["Red"] == first["Blue"] and [r["rank"] for r in ended["ranking"]] == [1, 1]
            written = {t["team"]: t["written"][0] for t in ended["teams"]}
            points = {(p["finding"], p["id"]): p["found"] for p in written["Blue"]["points"]}
            assert points[("red_line", "blame-owners")] is False and ("key_point", "confirm") in points
            missing = [point for (finding, point), found in points.items() if finding == "key_point" and not found]
            assert missing, points
            assert "a mark is" in refusal(console, json.dumps({"type": "mark", "team": "Red", "decision": "forum-thread",
                                                               "finding": "key_point", "id": "confirm", "value": "maybe"}))
            # Blue: the trainer reads the key point the words missed, and the apology they meant.
            assert "too long" in refusal(console, json.dumps({"type": "override", "team": "Blue", "decision": "forum-thread",
                                                              "strategy": "apology", "by": "x" * 200}))
            # (signed with the name typed on the console; Red's changes below are not)
            console.send(json.dumps({"type": "override", "team": "Blue", "decision": "forum-thread", "strategy": "apology",
                                     "by": "Dana"}))
            console.send(json.dumps({"type": "mark", "team": "Blue", "decision": "forum-thread",
                                     "finding": "key_point", "id": missing[0], "value": "yes", "by": " Dana "}))
            # Red: a red line the words did not show.
            console.send(json.dumps({"type": "mark", "team": "Red", "decision": "forum-thread",
                                     "finding": "red_line", "id": "blame-owners", "value": "yes"}))
            after = until(console, lambda v: [r["team"] for r in v["ranking"]] == ["Blue", "Red"]
                          and v["ranking"][1]["score"] < first["Red"])
            now = {t["team"]: t for t in after["teams"]}
            assert now["Blue"]["score"] > first["Blue"] and now["Red"]["score"] < first["Red"]
            assert now["Blue"]["written"][0]["now"] == "apology"
            assert {(p["finding"], p["id"]): p["found"] for p in now["Red"]["written"][0]["points"]}[("red_line", "blame-owners")]
            shown = until(blue, lambda v: v.get("debrief") and abs(v["debrief"]["score"] - now["Blue"]["score"]) < 0.05)
            assert shown["debrief"]["score"] > first["Blue"]  # the team's own debrief follows too
        w = ws.get(h.store, "Test workshop")
        for team in h.workshop.teams.values():
            assert team.recording is not None
            stored = h.store.session(team.recording.session_id)
            assert stored.score == pytest.approx(now[team.name]["score"], abs=0.05)
            assert h.store.original_score(stored.id) == pytest.approx(first[team.name], abs=0.05)
            # Blue's changes signed "Dana"; Red's unsigned: the report says "changed by the facilitator".
            assert {a.changed_by for a in h.store.amendments(stored.id)} == {"Dana" if team.name == "Blue" else ""}
            inputs = [r for r in h.store.log_records(stored.id) if r.get("type") == "input"]
            assert score(replay(h.workshop.case, h.workshop.seed, inputs)).score == stored.score
            plain = [r for r in inputs if r.get("kind") != "override"]
            assert score(replay(h.workshop.case, h.workshop.seed, plain)).score == h.store.original_score(stored.id)
        assert [s.team for s in ws.ranking(h.store, w)] == ["Blue", "Red"]
    finally:
        h.server.stop()
        h.store.close()


def test_a_resumed_round_keeps_its_chart_from_before_the_restart(tmp_path: Path) -> None:
    store = ResultStore.open(tmp_path)
    try:
        first = HostedWorkshop(load_case(CASE), store, "R", ["Red"])
        team = next(iter(first.teams.values()))
        first.start(team)
        team.round.tick(200)
        before = list(team.samples)
        first.stop()  # the host goes away with the round unfinished
        again = HostedWorkshop(load_case(CASE), store, "R", ["Red"], resume=True)
        back = next(iter(again.teams.values()))
        assert back.code == team.code and back.round is not None
        assert before and back.samples == before  # the minutes before the restart are still charted
    finally:
        store.close()


def test_a_call_or_an_email_is_private_and_counters_read_in_the_right_plural(tmp_path: Path) -> None:
    """Armed forces' phone calls: no likes, no public replies; public posts say "1 reply", "0 replies"."""
    store = ResultStore.open(tmp_path)
    try:
        workshop = HostedWorkshop(load_case(ROOT / "scenarios" / "armed-forces-opsec"), store, "P", ["Red"])
        team = next(iter(workshop.teams.values()))
        workshop.start(team)
        assert team.round is not None
        team.round.set_speed(60)
        while not any(p.get("inbox") for p in workshop.team_view(team)["feed"]):
            workshop.tick(1)
        feed = workshop.team_view(team)["feed"]
        call = next(p for p in feed if p.get("inbox"))
        assert "counts" not in call and call["answers"] == []
        assert call["inbox"].startswith(("Call from", "Phone call from", "Message from", "Email from"))
        public = next(p for p in feed if not p.get("inbox") and not p["own"])
        assert public["answers"]  # the case's replies stay offered on the public page
        general = public["answers"][0]["id"]
        with pytest.raises(Refused, match="unknown reply"):
            workshop.team_input(team, {"type": "answer", "post": call["id"], "reply": general}, "Ana")
        assert _counts("en", 1, 1, 2) == "1 like · 1 share · 2 replies"
        assert _counts("fr", 0, 1, 2) == "0 j'aime · 1 partage · 2 réponses"
        session = team.round.session
        for lang, one, none in (("en", "1 reply", "0 replies"), ("fr", "1 réponse", "0 réponse")):
            shown = {p["id"]: p for p in workshop.team_view(team, lang)["feed"] if "counts" in p}
            for pid, post in shown.items():
                likes, shares, replies = session.engagement(session.posts[pid])
                words = post["counts"].split(" · ")
                assert len(words) == 3 and words[0].startswith(str(likes) if likes < 1000 else "")
                if replies == 1:
                    assert words[2] == one
                if replies == 0:
                    assert words[2] == none
    finally:
        store.close()


def test_the_same_words_trending_again_are_told_once(tmp_path: Path) -> None:
    """Nestlé, seed 1: two authors post the same noise words and both trend; the page says it once."""
    store = ResultStore.open(tmp_path)
    try:
        workshop = HostedWorkshop(load_case(CASE), store, "T", ["Red"])
        team = next(iter(workshop.teams.values()))
        workshop.start(team)
        assert team.round is not None
        trended: list[str] = []
        team.round.subscribe(lambda u: trended.extend(i.post.text[:80] for i in u.items if isinstance(i, Trending)))
        team.round.set_speed(60)
        told: list[str] = []
        while not team.round.ended:
            workshop.tick(1)
            told += [n["text"] for n in team.notifications if n["kind"] == "trending" and n["text"] not in told]
        assert trended and len(set(trended)) == len(trended)  # the round (game/play) tells the same words once
        assert sorted(told) == sorted(trended)
        assert len([n for n in team.notifications if n["kind"] == "trending"]) == len(
            {n["text"] for n in team.notifications if n["kind"] == "trending"})
    finally:
        store.close()


def test_an_unreachable_results_server_stops_the_host_with_one_clear_line(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "game", "--data-dir", str(tmp_path), "host", str(CASE), "--port", str(free_port()),
               "--store", f"postgresql://nobody@127.0.0.1:{free_port()}/results"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("crisis-sim: the host needs its results store to create the workshop")
    assert "cannot be reached" in done.stderr and "sent when it is back" not in done.stderr  # no promise it cannot keep
    assert "/team/" not in done.stdout  # no join address for a workshop that is not stored


def test_a_broken_case_never_starts_a_host_and_reads_as_validate_says(tmp_path: Path) -> None:
    tiny = ROOT / "tests" / "cases" / "tiny"
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (tiny / "scenario.yaml").read_text().replace("author: parent\n    text: \"My", "author: nobody\n    text: \"My")
    (broken / "scenario.yaml").write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "game", "--data-dir", str(tmp_path)]
    host = subprocess.run([*base, "host", str(broken), "--port", str(free_port())], capture_output=True, text=True,
                          timeout=60, env=env)
    validate = subprocess.run([*base, "validate", str(broken)], capture_output=True, text=True, timeout=60, env=env)
    assert host.returncode == validate.returncode == 1
    # The same file:line:col lines as validate, on stderr (for the host they are why it stops).
    assert host.stderr == validate.stdout and "unknown persona 'nobody'" in host.stderr
    assert "/team/" not in host.stdout and "Traceback" not in host.stderr
    assert not list(tmp_path.glob("host-*.json"))  # no workshop, no codes


def test_ctrl_c_while_the_command_runs_ends_it_without_a_traceback() -> None:
    # The signal is real; it arrives while the command is busy (as during the host's start-up).
    script = ("import os, signal, game.cli, game.start\n"
              "game.cli.main = lambda: os.kill(os.getpid(), signal.SIGINT) or 0\n"
              "raise SystemExit(game.start.main())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 130 and "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr


def test_a_results_server_that_goes_away_mid_workshop_stops_no_clock(own_cluster: Any, tmp_path: Path) -> None:
    """PostgreSQL stopped mid-round: the host's clock and pages go on, the console says results are
    not being saved, the team's input is kept; back, the round ends and is ranked and stored."""
    store = open_store(own_cluster.url, tmp_path)
    assert store.available
    store.retry_every = 0.0  # try the server again at every write (a real host waits a little)
    workshop = HostedWorkshop(load_case(CASE), store, "Away", ["Red"], keys_dir=tmp_path)
    server = Running(create_app(workshop))  # the host's own clock, as in a workshop
    code = next(iter(workshop.teams))
    base = server.url.replace("http", "ws")
    try:
        with connect(f"{base}/ws/console/{workshop.secret}", open_timeout=5) as console, \
                connect(f"{base}/ws/team/{code}", open_timeout=5) as sock:
            view(console), view(sock)
            console.send(json.dumps({"type": "start", "team": "Red"}))
            console.send(json.dumps({"type": "speed", "team": "Red", "speed": 200}))
            until(sock, lambda v: v.get("t", 0) > 0)
            own_cluster.stop()
            decision = until(sock, lambda v: v.get("decisions"))["decisions"][0]
            away = until(console, lambda v: v["store_problem"] and "cannot be reached" in v["store_problem"])
            assert away["teams"][0]["started"]
            sock.send(json.dumps({"type": "decide", "decision": decision["id"], "option": decision["options"][0]["id"]}))
            t_away = until(sock, lambda v: v["inputs_total"] == 1)["t"]
            assert until(sock, lambda v: v["t"] > t_away + 60)  # the clock goes on while the server is away
            own_cluster.start()
            console.send(json.dumps({"type": "end", "team": "Red"}))
            ended = until(console, lambda v: v["teams"][0]["score"] is not None)["teams"][0]
        team = workshop.teams[code]
        assert team.recording is not None
        deadline = time.monotonic() + 20
        while store.spool.count() and time.monotonic() < deadline:
            store.retry()
            time.sleep(0.2)
        stored = store.session(team.recording.session_id)
        assert stored.status == "finished" and stored.score == pytest.approx(ended["score"], abs=0.05)
        inputs = [r for r in store.log_records(stored.id) if r.get("type") == "input"]
        assert [r["decision"] for r in inputs if r.get("kind") == "decide"] == [decision["id"]]
    finally:
        server.stop()
        store.close()
