"""A written reply to a post on the workshop host's team page, in a real browser (Debian's chromium
driven by Playwright, on 127.0.0.1): the reply field with the channel's counter beside the prepared
replies, published under the post, refused when empty, and shown with its marks in the debrief.
The host's clock is driven by the test, so the round stops by itself in a few seconds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from game.host.app import run_in_host
from tests.test_host import Host, until
from tests import test_host_browser
from tests.test_host_browser import CHROMIUM, audit, shot, wait_text

browser = test_host_browser.browser  # the browser test's chromium, as a fixture of this file too

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright (python) is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")

ROOT = Path(__file__).resolve().parents[1]
KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"
TEXT = "Sal, you're right to take them off the floor. Call me on my direct line today."


def test_a_team_replies_to_a_post_in_writing_and_sees_it_marked_in_its_debrief(tmp_path: Path, browser: Any) -> None:
    host = Host(tmp_path, KRYPTONITE, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    team = host.workshop.teams[host.codes["Red"]]
    try:
        page = context.new_page()
        page.goto(f"{host.url}/team/{host.codes['Red']}")
        page.get_by_label("Your name").fill("Ana")
        page.keyboard.press("Enter")
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(320)  # the shop owner's post comes in at 5:00
        session = team.session
        post = next(p for p in session.feed if p.inject == "forum-pileon")
        item = page.locator("#feed-list li", has_text="Shop owner here")
        item.locator("summary").click()
        area = item.get_by_label(re.compile("Or write your own reply"))
        area.fill("Sal, you're right")
        host.tick(1)  # a push while typing keeps the text and the counter
        playwright.expect(area).to_have_value("Sal, you're right")
        playwright.expect(item.locator(".counter")).to_contain_text("17")
        area.press("End")
        area.type(TEXT[len("Sal, you're right"):])
        audit(page, "team page, a written reply")
        shot(page, "reply")
        item.get_by_role("button", name="Publish").click()
        wait_text(page, "#feed-list", re.escape(TEXT))
        assert session.written_replies[post.id].assessment.text == TEXT
        assert [p.text for p in session.feed if p.reply_to == post.id and p.author == "organisation"] == [TEXT]
        # An empty reply is refused by the host, whatever the page sends.
        with host.team("Red") as sock:
            until(sock, lambda v: v["started"])
            sock.send(json.dumps({"type": "hello", "name": "Bo", "lang": "en"}))
            other = next(p for p in session.feed if p.author != "organisation" and p.id not in session.state.triage
                         and not session.channels[p.channel].is_inbox)
            sock.send(json.dumps({"type": "reply", "post": other.id, "text": "   "}))
            refused = json.loads(sock.recv(timeout=5))
            while refused.get("type") != "refused":
                refused = json.loads(sock.recv(timeout=5))
            assert "empty reply" in refused["reason"]
        run_in_host(host.app, lambda: team.round.end())
        host.tick(1)
        wait_text(page, "#written-replies", "Sal DeLuca")
        marks = page.locator("#written-replies mark")
        assert "you're right" in marks.all_inner_texts()
        assert "key point" in (marks.first.get_attribute("title") or "")
        audit(page, "team debrief, a written reply")
    finally:
        context.close()
        host.server.stop()
        host.store.close()
