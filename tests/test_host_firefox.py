"""The workshop host in Firefox: Debian's firefox-esr driven over WebDriver BiDi, on 127.0.0.1.

The issue asks for pages that work in current Chromium *and* Firefox; the other browser tests
drive chromium. Here Firefox is started headless with its own WebDriver BiDi server
(``--remote-debugging-port``, nothing else installed: no geckodriver, no browser download) and
driven with the ``websockets`` client the host already depends on. A player types the team's
code on the join page, gives a name, sees the briefing, then the live round's decision and feed,
flags a post with the mouse, and the host's round has the flag, made by that player.

Every step waits a bounded time; Firefox runs with a fresh profile in the test's folder, talks
only to 127.0.0.1, and is closed at the end (killed if it does not close).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from game.host.app import run_in_host
from tests.test_host import Host

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "cases" / "tiny"
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
SHOTS = os.environ.get("HOST_SCREENSHOTS")

pytestmark = pytest.mark.skipif(FIREFOX is None, reason="no Firefox on this machine (apt-get install firefox-esr)")

# Firefox's Remote Agent already sets the preferences automation needs (no first-run page, no
# update check); these keep it off the network besides: only the host on 127.0.0.1 is reached.
PREFS = {
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "extensions.update.enabled": False,
    "browser.region.network.url": "",
    "services.settings.server": "http://127.0.0.1:9/",
    "intl.accept_languages": "en-GB",
}


class Bidi:
    """A WebDriver BiDi session over one WebSocket: commands answered in turn, events skipped."""

    def __init__(self, socket: ClientConnection, timeout: float = 10.0) -> None:
        self.socket = socket
        self.timeout = timeout
        self.ids = itertools.count(1)
        self.send("session.new", {"capabilities": {}})
        self.context = self.send("browsingContext.getTree", {})["contexts"][0]["context"]

    def send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The result of ``method``; a BiDi error fails the test with its message."""
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == number:
                assert message["type"] == "success", f"{method}: {message.get('error')}: {message.get('message')}"
                return dict(message["result"])

    def goto(self, url: str) -> None:
        self.send("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def js(self, expression: str) -> Any:
        """``expression`` evaluated in the page; its value (a node comes back as a reference)."""
        result = self.send("script.evaluate", {"expression": expression, "target": {"context": self.context},
                                               "awaitPromise": True})
        assert result["type"] == "success", result
        value = result["result"]
        return value if value["type"] == "node" else value.get("value")

    def until(self, expression: str, what: str, timeout: float = 5.0) -> Any:
        """Wait (``timeout`` s at most) until ``expression`` is truthy in the page; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"Firefox never showed {what} (page: {self.js('document.body.innerText')[:600]!r})")

    def type(self, text: str) -> None:
        """Keys typed on the keyboard, into whatever has the focus."""
        keys = [a for c in text for a in ({"type": "keyDown", "value": c}, {"type": "keyUp", "value": c})]
        self.send("input.performActions", {"context": self.context, "actions": [
            {"type": "key", "id": "keyboard", "actions": keys}]})

    def click(self, selector: str) -> None:
        """A mouse click in the middle of the first element ``selector`` finds (scrolled into view)."""
        self.js(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        node = self.js(f"document.querySelector({json.dumps(selector)})")
        assert isinstance(node, dict) and node.get("type") == "node", f"nothing at {selector}"
        origin = {"type": "element", "element": {"sharedId": node["sharedId"]}}
        self.send("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                        {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})

    def shot(self, name: str) -> None:
        """Save the page as DIR/host-firefox-NAME.png when HOST_SCREENSHOTS=DIR is set."""
        if SHOTS:
            data = self.send("browsingContext.captureScreenshot", {"context": self.context})["data"]
            (Path(SHOTS) / f"host-firefox-{name}.png").write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.send("browser.close", {})


@pytest.fixture
def firefox(tmp_path: Path) -> Iterator[Bidi]:
    """Headless Firefox with a fresh profile, its BiDi server on a port it picks (read from its output)."""
    assert FIREFOX is not None
    profile = tmp_path / "firefox-profile"
    profile.mkdir()
    (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items()))
    proc = subprocess.Popen([FIREFOX, "--headless", "--no-remote", "--remote-debugging-port", "0",
                             "--profile", str(profile), "about:blank"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "MOZ_HEADLESS": "1"})
    lines: queue.Queue[str] = queue.Queue()
    output = proc.stdout
    assert output is not None

    def read() -> None:  # Firefox's output, read aside so that a silent Firefox cannot hang the test
        for line in output:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    said: list[str] = []
    url = None
    try:
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            said.append(line)
            found = re.search(r"WebDriver BiDi listening on (ws://127\.0\.0\.1:\d+)", line)
            url = found.group(1) if found else None
        if url is None:
            pytest.fail("Firefox did not start its WebDriver BiDi server in 30 s: " + "".join(said)[-800:])
        with connect(url + "/session", open_timeout=10, close_timeout=2, max_size=2**24) as socket:
            session = Bidi(socket)
            try:
                yield session
            finally:
                session.close()
    finally:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_a_player_joins_plays_and_is_heard_in_firefox(tmp_path: Path, firefox: Bidi) -> None:
    host = Host(tmp_path, TINY, teams=("Red",))
    try:
        team = host.workshop.teams[host.codes["Red"]]
        firefox.goto(host.url + "/")
        firefox.click("#code")
        firefox.type(team.shown.lower().replace("-", " ") + "\ue007")  # typed as said aloud, then Enter
        firefox.until(f"location.pathname === '/team/{team.shown}' && document.readyState === 'complete'",
                      "the team's page after the code")
        assert firefox.js("document.querySelector('h1').textContent").endswith(f"Red · code {team.shown}")
        firefox.click("#player")
        firefox.type("Zoé\ue007")
        firefox.until("document.getElementById('join').hidden && !document.getElementById('briefing').hidden",
                      "the briefing after joining")
        firefox.until("document.getElementById('connection').textContent === 'Connected'", "the live connection")
        assert "yoghurt pot lists no nuts" in firefox.js("document.getElementById('briefing').innerText")
        assert not firefox.js("document.getElementById('waiting').hidden")  # the round is not started yet
        firefox.shot("briefing")

        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(200)  # the complaint comes at 1:00, the first decision opens at 3:00
        firefox.until("document.getElementById('decision-list').innerText.includes('First public answer')",
                      "the decision and its countdown")
        assert re.search(r"\d+ s left|\d+:\d\d left|left", firefox.js("document.querySelector('.countdown').innerText"))
        complaint = "[...document.querySelectorAll('#feed-list li')].find(li => li.innerText.includes('My son reacted'))"
        firefox.until(complaint, "the complaint in the feed")
        firefox.js(f"{complaint}.querySelector('button').id = 'flag-it'")  # a handle for the click
        assert firefox.js("document.getElementById('flag-it').textContent") == "Flag"
        firefox.click("#flag-it")

        # The input reached the host: the round has the flag, made by Zoé, and the page says so.
        deadline = time.monotonic() + 5
        while "complaint" not in team.session.state.flagged and time.monotonic() < deadline:
            time.sleep(0.05)
        assert team.session.state.flagged == {"complaint"}
        assert [(i["by"], i["kind"], i["action"]) for i in team.inputs] == [("Zoé", "triage", "flag")]
        stored = [r for r in host.store.log_records(team.recording.session_id) if r.get("type") == "input"]
        assert [(r["kind"], team.session.posts[r["post"]].inject, r["action"]) for r in stored] == [
            ("triage", "complaint", "flag")]  # committed to the store's log as it was made
        firefox.until(f"{complaint}.innerText.includes('Flagged')", "the post marked as flagged")
        firefox.until("document.getElementById('input-list').innerText.includes('Zoé · My son reacted')",
                      "who did what")
        assert firefox.js("document.getElementById('input-list').innerText").endswith("→ Flagged")
        firefox.shot("live")
    finally:
        host.server.stop()
        host.store.close()
