"""The workshop host in a real browser: Debian's chromium driven by Playwright, on 127.0.0.1.

Two teams and the facilitator play the tiny case through the pages (clicks and keys): one team
triages and decides, the other lets a countdown run out while the facilitator pauses it, fires an
inject and keeps a note from the console; both reach their debriefs, and the scores on the pages,
in the console's ranking and in the store are what a headless replay of each stored log gives.
axe-core audits every page on the way (no serious or critical violation).

The host's clock is driven by the test (``Host.tick``), so the round's 20 simulated minutes take
a few real seconds and the test stops by itself. ``HOST_SCREENSHOTS=DIR`` also saves what the
pages look like at each step (the README's pictures come from there).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.engine.log import replay
from game.engine.scoring import score
from game.host.app import run_in_host
from tests.test_host import Host

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright (python) is not installed")

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "cases" / "tiny"
AXE = ROOT / "tests" / "data" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("HOST_SCREENSHOTS")
SIZES = {"laptop": (1280, 800), "tablet": (820, 1180)}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def audit(page: Any, where: str) -> None:
    """axe-core on ``page``: no serious or critical violation (each one named in the failure)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: " + "; ".join(bad)


def shot(page: Any, name: str) -> None:
    """Save ``page`` as DIR/host-NAME-SIZE.png at each size when HOST_SCREENSHOTS=DIR is set."""
    if not SHOTS:
        return
    size = page.viewport_size
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SHOTS) / f"host-{name}-{label}.png"), full_page=False)
    page.set_viewport_size(size)


def wait_text(page: Any, selector: str, pattern: str) -> None:
    """Wait (5 s at most) until ``selector``'s text matches ``pattern``."""
    playwright.expect(page.locator(selector)).to_contain_text(re.compile(pattern), timeout=5000)


def join_as(context: Any, host: Host, name: str = "Ana", team: str = "Red") -> tuple[Any, list[str]]:
    """A new page of ``team``'s address, joined as ``name``; its script errors gather in the list."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{host.url}/team/{host.codes[team]}")
    page.get_by_label("Your name").fill(name)
    page.keyboard.press("Enter")
    return page, errors


def test_two_teams_and_the_facilitator_play_a_case_in_the_browser(tmp_path: Path, browser: Any) -> None:
    host = Host(tmp_path, TINY, teams=("Red", "Blue"))
    # The pages run under the host's CSP (script-src 'self'); axe is injected as a test tool.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        pages = {name: context.new_page() for name in ("Red", "Blue", "console")}
        errors: list[str] = []
        for page in pages.values():
            page.on("pageerror", lambda exc: errors.append(str(exc)))
        console = pages["console"]
        console.goto(f"{host.url}/console/{host.workshop.secret}")
        wait_text(console, "#teams", "Red · not started")
        audit(console, "console before the start")

        for name, player in (("Red", "Ana"), ("Blue", "Bo")):
            page = pages[name]
            page.goto(f"{host.url}/team/{host.codes[name]}")
            page.get_by_label("Your name").fill(player)
            page.keyboard.press("Enter")  # the join form, by keyboard
            playwright.expect(page.locator("#join")).to_be_hidden()
            playwright.expect(page.locator("#briefing")).to_be_visible()
        audit(pages["Red"], "team page, briefing")
        shot(pages["Red"], "briefing")

        console.get_by_role("button", name="Start all").click()
        wait_text(console, "#teams", r"Red · 00:00:00")  # worded by the server, as in the window
        host.tick(200)  # the statement decision opens at 3:00
        red, blue = pages["Red"], pages["Blue"]
        for page in (red, blue):
            wait_text(page, "#decision-list", "First public answer")
            playwright.expect(page.locator("#briefing")).to_be_hidden()

        # Red flags the complaint with the mouse and answers the decision by keyboard alone.
        complaint = red.locator("#feed-list li", has_text="My son reacted")
        complaint.get_by_role("button", name="Flag").click()
        playwright.expect(complaint).to_contain_text("Flagged")
        audit(red, "team page, live round")
        shot(red, "live")
        option = red.get_by_role("button", name="Apologise and recall the batch")
        option.focus()
        host.tick(1)  # a push while the player is on the option keeps the focus where it is
        assert red.evaluate("document.activeElement.textContent") == "Apologise and recall the batch"
        red.keyboard.press("Enter")
        wait_text(red, "#input-list", "Ana · First public answer → Apologise and recall the batch")
        host.tick(10)  # the follow-up opens on the next engine tick (10 s)
        wait_text(red, "#decision-list", "Follow-up")

        # The facilitator pauses Blue: Blue's clock stops while Red's runs.
        blue_card = console.locator(".teamcard", has_text="Blue ·")
        blue_card.get_by_role("button", name="Pause").click()
        wait_text(blue, "#clock", "Paused")
        blue_t = host.workshop.teams[host.codes["Blue"]].session.t
        host.tick(30)
        assert host.workshop.teams[host.codes["Blue"]].session.t == blue_t
        audit(console, "console, live")
        # Each card's score so far is the engine's count, printed as the host sent it.
        red_so_far = host.workshop.teams[host.codes["Red"]].round.score_so_far()
        wait_text(console, ".teamcard:has-text('Red ·')", rf"Score so far\s*{red_so_far:.1f}")
        shot(console, "console")
        blue_card = console.locator(".teamcard", has_text="Blue ·")
        blue_card.get_by_role("button", name="Resume").click()
        wait_text(console, ".teamcard:has-text('Blue ·') h3", r"Blue · \d+:\d\d")
        # ... fires the optional inject to Blue and keeps a note on Blue, by keyboard.
        blue_card = console.locator(".teamcard", has_text="Blue ·")
        blue_card.get_by_label("Fire · Blue").select_option("boss-worry")
        blue_card.get_by_role("button", name="Fire").click()
        wait_text(blue, "#inbox-list", "What is going on with the yoghurt")
        note = console.locator(".teamcard", has_text="Blue ·").get_by_label("Keep note · Blue")
        note.fill("They hesitate")
        host.tick(1)  # a push while the facilitator types keeps the text typed
        note.press("Enter")
        wait_text(console, ".teamcard:has-text('Blue ·')", "They hesitate")

        # Red decides the follow-up; Blue lets its countdown run out.
        red.get_by_role("button", name="Explain how to get a refund").click()
        wait_text(red, "#input-list", "Follow-up → Explain how to get a refund")
        host.tick(300)
        wait_text(blue, "#notifications", "No decision in time: First public answer")
        host.tick(700)  # to the end of the round (20:00)
        wait_text(red, "#debrief", "Debrief")
        for page in (red, blue):
            playwright.expect(page.locator("#debrief")).to_be_visible()
            playwright.expect(page.locator("#round")).to_be_hidden()
        # The chart: one line per metric over the whole round (the engine's minute samples).
        assert red.locator("#chart polyline").count() == 4
        assert red.locator("#chart text", has_text="Trust").count() == 1
        audit(red, "team page, debrief")
        shot(red, "debrief")
        wait_text(console, "#ranking", r"#1 .* · \d+\.\d")
        # Beside the ranking, the decisions side by side: Red's choice, Blue's silence in words.
        wait_text(console, "#side-table", "Apologise and recall the batch")
        row = console.locator("#side-table tr", has_text="First public answer")
        playwright.expect(row).to_contain_text("no decision in time")
        audit(console, "console, rounds over")
        shot(console, "console-ended")

        stored_scores = {}
        for team in host.workshop.teams.values():
            stored = host.store.session(team.recording.session_id)
            assert stored.status == "finished"
            inputs = [r for r in host.store.log_records(stored.id) if r.get("type") == "input"]
            again = replay(host.workshop.case, host.workshop.seed, inputs)
            assert score(again).score == pytest.approx(stored.score)
            stored_scores[team.name] = stored.score
            page_score = pages[team.name].locator("#score").inner_text()
            assert page_score == f"Score: {stored.score:.1f} / 100"
        for line in console.locator("#ranking li").all_inner_texts():
            team_name = line.split(" ")[1]
            assert line.endswith(f"{stored_scores[team_name]:.1f}")
        red_state = host.workshop.teams[host.codes["Red"]].session.state
        blue_state = host.workshop.teams[host.codes["Blue"]].session.state
        assert red_state.choices == {"statement": "recall", "follow-up": "inform"}
        assert red_state.flagged == {"complaint"}  # the signal Red flagged (the engine keeps inject ids)
        assert blue_state.choices.get("statement") is None  # Blue's countdown ran out
        assert [n.text for n in host.store.notes(host.workshop.teams[host.codes["Blue"]].recording.session_id)] == [
            "They hesitate"]
        assert stored_scores["Red"] > stored_scores["Blue"]
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()


KRYPTONITE = ROOT / "scenarios" / "kryptonite-2004"


def test_a_team_writes_its_own_answer_with_the_channels_counter(tmp_path: Path, browser: Any) -> None:
    host = Host(tmp_path, KRYPTONITE, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{host.url}/team/{host.codes['Red']}")
        page.get_by_label("Your name").fill("Ana")
        page.keyboard.press("Enter")
        run_in_host(host.app, lambda: host.workshop.start(host.workshop.teams[host.codes["Red"]]))
        host.tick(190)  # the forum thread (responses: both) opens at 3:00
        area = page.get_by_label(re.compile("Or write your own answer"))
        area.fill("We have tested it")
        host.tick(1)  # a push while typing keeps the text and the counter
        playwright.expect(area).to_have_value("We have tested it")
        playwright.expect(page.locator("#decision-list .counter")).to_contain_text("17")
        area.press("End")
        area.type(": the locks can be opened, and we are sorry.")
        audit(page, "team page, a written answer")
        shot(page, "write")
        page.get_by_role("button", name="Publish").click()
        wait_text(page, "#input-list", "Ana · A thread and a video")
        wait_text(page, "#feed-list", "We have tested it: the locks can be opened, and we are sorry.")
        session = host.workshop.teams[host.codes["Red"]].session
        assert session.written["forum-thread"].text == "We have tested it: the locks can be opened, and we are sorry."
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_a_message_too_large_is_refused_with_a_reason_and_the_page_comes_back(tmp_path: Path, browser: Any) -> None:
    """Too much text for the host: the page refuses it itself and says why; a page that lets a
    frame over 64 KB through anyway (here its size check defeated by a script) is cut off by the
    host, says why, joins again and shows its round, with nothing changed. And a rehearsal on the
    trainer's machine: a tab's wrong codes lock out no tab."""
    from game.host.codes import MAX_WRONG
    host = Host(tmp_path, KRYPTONITE, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    too_big = "That message was too large for the host and was not read: nothing changed."
    try:
        page, errors = join_as(context, host)
        team = host.workshop.teams[host.codes["Red"]]
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(190)  # the forum thread (responses: both) opens at 3:00
        area = page.get_by_label(re.compile("Or write your own answer"))
        playwright.expect(area).to_be_visible()
        area.evaluate("(a) => { a.value = 'x'.repeat(5000); }")  # past the box's own limit, as a script can
        page.get_by_role("button", name="Publish").click()
        playwright.expect(page.locator("#refused")).to_have_text(too_big)
        host.tick(1)  # the views pushed meanwhile leave the reason shown
        playwright.expect(page.locator("#refused")).to_have_text(too_big)
        playwright.expect(page.locator("#connection")).to_have_text("Connected")

        page.evaluate("() => { window.TextEncoder = class { encode() { return {length: 0}; } }; }")
        area.evaluate("(a) => { a.value = 'x'.repeat(70000); }")
        page.get_by_role("button", name="Publish").click()
        playwright.expect(page.locator("#refused")).to_have_text(too_big)
        playwright.expect(page.locator("#connection")).to_have_text("Connected")  # joined again at once
        host.tick(1)
        wait_text(page, "#decision-list", "A thread and a video")  # the round, where it was
        shot(page, "too-big")
        assert "forum-thread" not in team.session.written and team.inputs_total == 0
        # The next input clears the reason and works.
        area.fill("We have tested it: the locks can be opened, and we are sorry.")
        page.get_by_role("button", name="Publish").click()
        wait_text(page, "#input-list", "Ana · A thread and a video")
        playwright.expect(page.locator("#refused")).to_have_text("")

        # Another tab of this machine types wrong codes, far past the limit: no tab is locked out.
        guess = context.new_page()
        guess.goto(host.url + "/join")
        for n in range(MAX_WRONG + 2):
            guess.get_by_label("Your team's code").fill(f"abc-de{'fghjklmnpq'[n]}")
            guess.keyboard.press("Enter")
            playwright.expect(guess.locator("#problem")).to_contain_text("is not a code of this workshop")
        guess.get_by_label("Your team's code").fill(team.shown)
        guess.keyboard.press("Enter")
        playwright.expect(guess).to_have_url(f"{host.url}/team/{team.shown}")
        page.reload()
        wait_text(page, "#input-list", "Ana · A thread and a video")
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_two_devices_of_one_team_in_french_reload_keep_and_save_the_debrief(tmp_path: Path, browser: Any) -> None:
    """The bullets the first test leaves: two devices on one team (each input shows who made it, on
    the other device too), the page in the browser's language (French) with its plurals, a call
    that is private (no counters, no public reply), a reload that comes back to the round, the
    last minute announced assertively, and the debrief saved as a page that needs nothing else."""
    host = Host(tmp_path, TINY, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="fr-FR",
                                  accept_downloads=True)
    try:
        ana, bo = context.new_page(), context.new_page()
        errors: list[str] = []
        for page, player in ((ana, "Ana"), (bo, "Bo")):
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{host.url}/team/{host.codes['Red']}")
            page.get_by_label("Votre nom").fill(player)
            page.get_by_role("button", name="Rejoindre").click()
            playwright.expect(page.locator("#join")).to_be_hidden()
        team = host.workshop.teams[host.codes["Red"]]
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(70)  # the complaint comes at 1:00
        complaint = bo.locator("#feed-list li", has_text="My son reacted")
        complaint.get_by_role("button", name="Signaler").click()
        wait_text(ana, "#input-list", "Bo · My son reacted")  # Bo's input, seen on Ana's device
        wait_text(ana, "#input-list", "→ Signalé")  # what the input did, in the page's language
        playwright.expect(ana.locator("#feed-list li", has_text="My son reacted")).to_contain_text("Signalé")

        host.tick(130)  # the boss calls with the first decision at 3:00
        wait_text(ana, "#decision-list", "First public answer")
        call = ana.locator("#inbox-list li").first
        playwright.expect(call).to_contain_text("Appel de")
        assert call.locator(".counts").count() == 0 and call.locator("summary").count() == 0  # private
        counts = ana.locator("#feed-list .counts").all_inner_texts()
        assert counts and all(re.match(r"\d+ j'aime · \d+ partages? · \d+ réponses?", c) for c in counts)
        for c in counts:  # French plural: 0 and 1 take the singular
            likes, shares, replies = (int(part.split()[0]) for part in c.split(" · "))
            assert ("partages" in c) == (shares > 1) and ("réponses" in c) == (replies > 1)
        audit(ana, "team page in French, live round")

        ana.reload()  # the page comes back to its round, the player's name kept
        wait_text(ana, "#decision-list", "First public answer")
        playwright.expect(ana.locator("#join")).to_be_hidden()
        ana.get_by_role("button", name="Apologise and recall the batch").click()
        wait_text(bo, "#input-list", "Ana · First public answer → Apologise and recall the batch")

        host.tick(10)  # the follow-up opens; its last minute is announced assertively
        wait_text(ana, "#decision-list", "Follow-up")
        left = team.round.real_time_left("follow-up")
        host.tick(left - 50)
        wait_text(bo, "#live-assertive", "Moins d'une minute: Follow-up")
        host.tick(1500)  # to the end
        wait_text(ana, "#debrief", "Bilan")
        with ana.expect_download() as download:
            ana.get_by_role("link", name="Enregistrer le bilan comme page").click()
        kept = Path(download.value.path()).read_text(encoding="utf-8")
        stored = host.store.session(team.recording.session_id)
        assert f"{stored.score:.1f}" in kept.replace(",", ".")
        # Self-contained: nothing fetched from the host or the internet when it is opened later.
        assert not re.search(r"""(src|href)=["']?(https?:|/)""", kept) and "<link" not in kept
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_the_facilitator_marks_a_red_line_on_an_ended_round_in_the_console(tmp_path: Path, browser: Any) -> None:
    """Issue 11, after the end: the console's checkbox for a red line, clicked in the browser,
    changes the score on the card and in the ranking, and the stored round is amended."""
    from tests.test_host import ANSWER

    host = Host(tmp_path, KRYPTONITE, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        team = host.workshop.teams[host.codes["Red"]]
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(190)
        run_in_host(host.app, lambda: host.workshop.team_input(
            team, {"type": "write", "decision": "forum-thread", "text": ANSWER}, "Ana"))
        run_in_host(host.app, lambda: host.workshop.console_input({"type": "end", "team": "Red"}))
        assert team.recording is not None and team.recording.saved
        before = host.store.session(team.recording.session_id).score
        page = context.new_page()
        page.goto(f"{host.url}/console/{host.workshop.secret}")
        wait_text(page, "#ranking", f"Red · {before:.1f}")
        box = page.get_by_label(re.compile("Red line crossed: Blame the owners"))
        playwright.expect(box).not_to_be_checked()
        audit(page, "console, an ended round's written answer")
        page.get_by_label(re.compile("Your name")).fill("Chloé")  # signs the change
        shot(page, "console-signed")
        box.check()
        page.wait_for_function(f"!document.querySelector('#ranking').textContent.includes('{before:.1f}')", timeout=5000)
        after = host.store.session(team.recording.session_id).score
        assert after < before
        wait_text(page, "#ranking", f"Red · {after:.1f}")
        playwright.expect(page.get_by_label(re.compile("Red line crossed: Blame the owners"))).to_be_checked()
        [change] = host.store.amendments(team.recording.session_id)
        assert change.change == {"red_lines": {"blame-owners": True}} and change.score_before == before
        assert change.changed_by == "Chloé"
        inputs = [r for r in host.store.log_records(team.recording.session_id) if r.get("type") == "input"]
        assert score(replay(host.workshop.case, host.workshop.seed, inputs)).score == after
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_a_player_types_the_short_code_and_a_guesser_is_locked_out(tmp_path: Path, browser: Any) -> None:
    """The join page: the code typed in small letters with a space opens the team's page; after
    too many wrong codes from this device every code is refused with how long to wait, in the
    page's language; the console shows each team's code."""
    from game.host.codes import MAX_WRONG
    # The host answers on 127.0.0.2, as on a LAN address: the browser (127.0.0.1) is a device of
    # the room to it, not the trainer's own machine (whose tabs are never locked out).
    host = Host(tmp_path, TINY, teams=("Red", "Blue"), address="127.0.0.2")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        red = host.workshop.teams[host.codes["Red"]]
        page.goto(host.url + "/")
        audit(page, "join page")
        shot(page, "join")
        page.get_by_label("Your team's code").fill(red.shown.lower().replace("-", " "))
        page.keyboard.press("Enter")
        playwright.expect(page).to_have_url(f"{host.url}/team/{red.shown}")
        playwright.expect(page.locator("h1")).to_contain_text(f"Red · code {red.shown}")
        page.get_by_label("Your name").fill("Ana")
        page.keyboard.press("Enter")
        playwright.expect(page.locator("#briefing")).to_be_visible()
        playwright.expect(page.locator("#connection")).to_have_text("Connected")
        # The team's own choice of language: the page's link, the player's name kept.
        page.get_by_role("link", name="Français").click()
        playwright.expect(page.locator("#waiting")).to_have_text("En attente du lancement de la partie par l'animateur.")
        playwright.expect(page.locator("#join")).to_be_hidden()
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.get_by_role("link", name="English").click()
        playwright.expect(page.locator("#waiting")).to_have_text("Waiting for the facilitator to start the round.")

        console = context.new_page()
        console.goto(f"{host.url}/console/{host.workshop.secret}")
        for team in host.workshop.teams.values():
            playwright.expect(console.locator(".joins li", has_text=team.name)).to_contain_text(f"code {team.shown}")
        playwright.expect(console.locator("#join-h + p")).to_contain_text(f"opens {host.url}/ and types its code")

        # A guesser on another tab of this device, in French: wrong codes, then the lock.
        guess = context.new_page()
        guess.goto(host.url + "/join?lang=fr")
        for n in range(MAX_WRONG - 1):
            typed = f"abc-de{'fghjklmnp'[n]}"
            guess.get_by_label("Le code de votre équipe").fill(typed)
            guess.keyboard.press("Enter")
            playwright.expect(guess.locator("#problem")).to_have_text(
                f"{typed.upper()} n'est pas un code de cet atelier\u00a0: vérifiez-le auprès de l'animateur.")
        shot(guess, "join-wrong")
        audit(guess, "join page, a wrong code")
        guess.get_by_label("Le code de votre équipe").fill("ZZZ-ZZZ")
        guess.keyboard.press("Enter")
        playwright.expect(guess.locator("#problem")).to_contain_text("Trop de codes erronés ont été saisis sur cet appareil. "
                                                                   "Réessayez dans 10 minutes")
        # ... and now the right code is refused too, with the same words.
        guess.get_by_label("Le code de votre équipe").fill(red.shown)
        guess.keyboard.press("Enter")
        playwright.expect(guess.locator("#problem")).to_contain_text("Réessayez dans 10 minutes")
        shot(guess, "join-locked")
        # A reload of the team's page from the locked device is told why, not left blank.
        page.reload()
        playwright.expect(page.locator("h1")).to_have_text("Too many wrong codes")
        playwright.expect(page.locator("main p")).to_contain_text("Try again in 10 minutes")
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_a_case_with_a_calendar_dates_the_team_feed_inbox_and_chart(tmp_path: Path, browser: Any) -> None:
    """Nestlé 2010 maps its clock to the real crisis's days (issue 16): the team page dates each
    post and message, its inputs and its debrief chart's axis as the window and terminal do
    (game/play/moments.py), in the page's language."""
    host = Host(tmp_path, ROOT / "scenarios" / "nestle-kitkat-2010", teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        page, errors = join_as(context, host)
        playwright.expect(page.locator("#join")).to_be_hidden()
        team = host.workshop.teams[host.codes["Red"]]
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(160)  # 00:02:40: the legal counsel's email has come (Wednesday 17 March, 08:30)
        wait_text(page, "#inbox-list", r"Wed 17 Mar, 08:30")
        metas = page.locator("#feed-list li .meta").all_inner_texts()
        assert metas and all(re.search(r"· Wed 17 Mar, \d\d:\d\d$", m) for m in metas), metas
        wait_text(page, "#clock", r"00:0\d:\d\d / 00:45:00 · Wednesday 17 March, ")
        page.locator("#decision-list button").first.click()
        wait_text(page, "#input-list", r"^Wed 17 Mar, \d\d:\d\d · Ana · ")
        shot(page, "calendar-live")
        host.tick(3000)  # to the end
        wait_text(page, "#debrief", "Debrief")
        if SHOTS:
            page.locator("#chart").screenshot(path=str(Path(SHOTS) / "host-calendar-chart.png"))
        axis = page.locator("#chart text").all_text_contents()
        assert "Wed 17 Mar, 06:00" not in axis and "17 Mar, 06:00" in axis and "17 May, 18:00" in axis, axis
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()


def test_a_french_console_words_its_teams_dates_gauges_and_scores_in_french(tmp_path: Path, browser: Any) -> None:
    """The console's socket goes with the page's language (as the team page's does): a French
    console of the English Kryptonite case read "Sunday 12 September, 22:43", "Sentiment" and "33.8"."""
    host = Host(tmp_path, ROOT / "scenarios" / "kryptonite-2004", teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        console = context.new_page()
        console.goto(f"{host.url}/console/{host.workshop.secret}?lang=fr")
        wait_text(console, "#teams", "Red · pas commencée")
        console.locator("button[data-act=start][data-team='*']").click()
        wait_text(console, ".teamcard:has-text('Red ·')", r"Opinion")
        host.tick(60)
        card = console.locator(".teamcard:has-text('Red ·')")
        wait_text(console, ".teamcard:has-text('Red ·')", r"dimanche 12 septembre|lundi 13 septembre")
        text = card.inner_text()
        assert "September" not in text and "Sunday" not in text and "Monday" not in text
        assert "Visibilité" in text and "Confiance" in text
        assert re.search(r"Score à ce stade\s*\d+,\d", text), text
    finally:
        context.close()
        host.server.stop()
        host.store.close()


# Every control the page shows, and whatever cuts it off at the sides: the window, the column it
# sits in (.panel, a console's .teamcard) and every ancestor that clips (a scrolling feed).
# Vertical clipping is left out: a feed scrolls up and down by design, never sideways.
CUT_OFF = """() => {
  const out = [];
  const name = (e) => e.tagName.toLowerCase() + ' "' + (e.textContent || e.getAttribute('aria-label') || e.id).trim().slice(0, 30) + '"';
  if (document.documentElement.scrollWidth > innerWidth) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + innerWidth);
  for (const e of document.querySelectorAll('button, textarea, input, select, summary, a')) {
    if (!e.getClientRects().length || getComputedStyle(e).visibility === 'hidden' || e.closest('.sr-only')) continue;
    const r = e.getBoundingClientRect();
    const outside = (box) => r.left < box.left - 0.5 || r.right > box.right + 0.5;
    if (outside({left: 0, right: innerWidth})) out.push(name(e) + ' past the window (' + Math.round(r.left) + '-' + Math.round(r.right) + ' of ' + innerWidth + ')');
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a), clips = s.overflowX !== 'visible' || s.overflowY !== 'visible';
      if ((clips || a.matches('.panel, .teamcard')) && outside(a.getBoundingClientRect()))
        out.push(name(e) + ' cut off by ' + (a.id || a.className) + ' (' + Math.round(r.right) + ' > ' + Math.round(a.getBoundingClientRect().right) + ')');
      if (clips && a.scrollWidth > a.clientWidth + 1) out.push((a.id || a.className) + ' scrolls sideways');
    }
  }
  return [...new Set(out)];
}"""


def test_nothing_on_the_team_page_or_the_console_is_cut_off_on_a_laptop_or_a_tablet(tmp_path: Path, browser: Any) -> None:
    """Issue 11's page: every option, reply, written-reply box and button is inside the window and
    inside its column (the feed used to cut the prepared replies and the reply box off at the
    right), in English and in French (longer words), at 1280x800 and on an 800 px tablet; the
    console with a written answer on a card too. Nothing needs scrolling sideways."""
    from tests.test_host import ANSWER

    host = Host(tmp_path, KRYPTONITE, teams=("Red", "Blue"))
    blue = host.workshop.teams[host.codes["Blue"]]
    run_in_host(host.app, lambda: host.workshop.console_input({"type": "start", "team": "*"}))
    host.tick(190)  # the forum thread (responses: both) is open, posts with replies to write are in the feed
    # Blue has written its answer: the console's card shows it with the facilitator's corrections.
    run_in_host(host.app, lambda: host.workshop.team_input(
        blue, {"type": "write", "decision": "forum-thread", "text": ANSWER}, "Bo"))
    try:
        for locale, (width, height) in (("en-GB", (1280, 800)), ("fr-FR", (1280, 800)),
                                         ("en-GB", (800, 1180)), ("fr-FR", (800, 1180))):
            context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
            page = context.new_page()
            page.goto(f"{host.url}/team/{host.codes['Red']}")
            page.locator("#player").fill("Ana")
            page.keyboard.press("Enter")
            playwright.expect(page.locator("#decision-list textarea")).to_be_visible()
            for fold in page.locator("#round summary").all():  # every prepared reply and reply box shown
                fold.click()
            assert page.locator("#feed-list textarea").count() > 0
            host.tick(1)  # a push keeps the folds open
            playwright.expect(page.locator("#feed-list details[open]").first).to_be_visible()
            assert page.evaluate(CUT_OFF) == [], f"team page, {locale}, {width}x{height}"
            shot_at(page, f"fit-team-{locale[:2]}-{width}")

            console = context.new_page()
            console.goto(f"{host.url}/console/{host.workshop.secret}")
            wait_text(console, "#teams", "Red ·")
            playwright.expect(console.locator(".teamcard .written").first).to_be_visible()
            assert console.evaluate(CUT_OFF) == [], f"console, {locale}, {width}x{height}"
            shot_at(console, f"fit-console-{locale[:2]}-{width}")
            context.close()
    finally:
        host.server.stop()
        host.store.close()


def shot_at(page: Any, name: str) -> None:
    """Save ``page`` whole, at its own size, as DIR/host-NAME.png when HOST_SCREENSHOTS=DIR is set."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"host-{name}.png"), full_page=True)


def held_views(page: Any, host: Host) -> list[bool]:
    """Put the page's socket to the host behind a switch: while ``switch[0]`` is True the views the
    host pushes wait (as on a slow network: the page still shows what it had), its other messages
    pass; set it False and the latest view goes through at the next message."""
    import json
    switch, latest = [False], []

    def route(ws: Any) -> None:
        server = ws.connect_to_server()

        def from_host(message: str | bytes) -> None:
            if switch[0] and isinstance(message, str) and json.loads(message).get("type") == "view":
                latest[:] = [message]
                return
            if latest and not switch[0]:
                ws.send(latest.pop())
            ws.send(message)
        server.on_message(from_host)

    page.route_web_socket(re.compile(r"/ws/team/"), route)
    return switch


def refusal_beside(page: Any, control: Any) -> None:
    """The refusal is shown right below ``control`` (within 3 rem), and describes it."""
    box = page.locator("#refused")
    playwright.expect(box).to_be_visible()
    below, at = box.bounding_box(), control.bounding_box()
    assert below is not None and at is not None
    assert 0 <= below["y"] - (at["y"] + at["height"]) < 48, (below, at)
    assert "refused" in (control.get_attribute("aria-describedby") or "").split()


def test_a_refusal_shows_beside_the_control_used_and_is_announced(tmp_path: Path, browser: Any) -> None:
    """Issue 15: what the host refuses is said where the player or the facilitator acted (below the
    Publish button of a too-long answer, below the option of a decision another device closed
    meanwhile, then in the decisions' panel once that decision has gone; below a card's speed or
    note on the console), it stays there through the pushes, screen readers hear it once through
    the assertive live region, and the next input clears it. Nothing is at the page's foot."""
    host = Host(tmp_path, KRYPTONITE, teams=("Red",))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="en-GB")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        switch = held_views(page, host)
        page.goto(f"{host.url}/team/{host.codes['Red']}")
        page.get_by_label("Your name").fill("Ana")
        page.keyboard.press("Enter")
        team = host.workshop.teams[host.codes["Red"]]
        run_in_host(host.app, lambda: host.workshop.start(team))
        host.tick(190)  # the forum thread (responses: both, Bike Forums: 1,500 characters) opens at 3:00
        thread = page.locator("fieldset.decision", has_text="A thread and a video")
        area = thread.get_by_label(re.compile("Or write your own answer"))
        area.evaluate("(a) => { a.value = 'x'.repeat(1600); }")  # past the box's limit, as a script can
        publish = thread.get_by_role("button", name="Publish")
        publish.click()
        playwright.expect(page.locator("#refused")).to_have_text("the answer is 1,600 characters; forum takes 1,500")
        reason = page.locator("#refused").inner_text()
        refusal_beside(page, publish)
        assert thread.locator("#refused").count() == 1  # inside the decision it is about
        playwright.expect(page.locator("#live-assertive")).to_have_text(reason)
        host.tick(1)  # pushed views redraw the decision: the reason stays where it was
        refusal_beside(page, thread.get_by_role("button", name="Publish"))
        audit(page, "team page, a refusal beside its control")
        page.locator("#refused").scroll_into_view_if_needed()
        shot(page, "refused-beside")
        assert "forum-thread" not in team.session.written

        # Another device of the team decides; this page has not had the news yet and picks an option.
        switch[0] = True
        run_in_host(host.app, lambda: host.workshop.team_input(
            team, {"type": "decide", "decision": "forum-thread", "option": "holding"}, "Bo"))
        option = thread.get_by_role("button", name="Post in the thread under your own name")
        option.click()
        playwright.expect(page.locator("#refused")).to_contain_text("has already closed")
        refusal_beside(page, option)
        playwright.expect(page.locator("#live-assertive")).to_contain_text("has already closed")
        switch[0] = False
        host.tick(1)  # the news arrives: the decision goes, the reason stays in the decisions' panel
        playwright.expect(page.locator("#decision-list > #refused")).to_contain_text("has already closed")
        playwright.expect(thread).to_have_count(0)
        page.locator("#refused").scroll_into_view_if_needed()
        shot(page, "refused-closed")
        # The next input clears it.
        page.locator("#feed-list").get_by_role("button", name="Flag").first.click()
        playwright.expect(page.locator("#refused")).to_be_hidden()
        assert team.session.state.choices == {"forum-thread": "holding"}

        console = context.new_page()
        console.on("pageerror", lambda exc: errors.append(str(exc)))
        console.goto(f"{host.url}/console/{host.workshop.secret}")
        card = console.locator(".teamcard", has_text="Red ·")
        card.get_by_label("Set speed · Red").fill("5000")
        speed = card.get_by_role("button", name="Set speed")
        speed.click()
        playwright.expect(console.locator("#refused")).to_contain_text("between 0.1 and 1000")
        assert card.locator("#refused").count() == 1  # on the team's card
        refusal_beside(console, speed)
        playwright.expect(console.locator("#live-assertive")).to_contain_text("between 0.1 and 1000")
        host.tick(1)
        assert console.locator(".teamcard", has_text="Red ·").locator("#refused").count() == 1
        console.locator(".teamcard", has_text="Red ·").get_by_label("Keep note · Red").press("Enter")  # an empty note
        playwright.expect(console.locator("#refused")).to_have_text("an empty note")
        refusal_beside(console, console.locator(".teamcard", has_text="Red ·").get_by_role("button", name="Keep note"))
        audit(console, "console, a refusal beside its control")
        console.locator("#refused").scroll_into_view_if_needed()
        shot(console, "console-refused")
        assert host.workshop.teams[host.codes["Red"]].round.speed == 1
        assert not errors, errors
    finally:
        context.close()
        host.server.stop()
        host.store.close()
