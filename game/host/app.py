"""The workshop host's web app: pages, WebSockets, the host's clock.

Starlette on uvicorn: a small, well-kept ASGI toolkit with WebSockets, static files and Jinja2
templates built in, and a test client that drives WebSockets without a network.

Routes::

    GET  /  or /join                  the join page: a player types the team's short code
    GET  /join?code=K7Q-M3X           the code checked, then on to the team's page
    GET  /team/{code}                 the team's page (join with a player's name)
    WS   /ws/team/{code}              the team's live view; inputs in, views out
    GET  /team/{code}/debrief.html    the team's debrief as one self-contained page to keep
    GET  /console/{secret}            the facilitator's console
    WS   /ws/console/{secret}         the console's live view; the facilitator's actions in
    GET  /console/{secret}/report.html  the workshop's report

A wrong code gets a 404 page (or a WebSocket refused) that says only that the code is not
known. Every wrong code counts against the address it came from (:class:`game.host.codes.Guesses`):
after too many, every code from there is refused for a while with a 429 page (or a WebSocket
closed with code 4429) that says how long to wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from game.host import codes
from game.host.codes import Guesses
from game.host.protocol import CONSOLE_MESSAGES, MAX_NAME, TEAM_MESSAGES, Flood, Refused, parse
from game.host.workshop import HostedWorkshop, Team
from game.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Translator, translator
from game.results import workshop as ws
from game.results.report import round_html, workshop_html
from game.results.store import StoreError

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("crisis_sim.host")
TICK_SECONDS = 0.25
"""Real seconds between two clock steps of every round (and the pushes that follow)."""

TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))


def _lang(request: Request | WebSocket, workshop: HostedWorkshop) -> str:
    """The page's language: ``?lang=``, else the browser's first known language, else the case's."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return workshop.case.language if workshop.case.language in LANGUAGES else "en"


def _page(name: str, lang: str, **values: Any) -> HTMLResponse:
    tr = Translator(lang)
    # Each page offers its other languages (the team's own choice; the browser's is the default).
    html = TEMPLATES.get_template(name).render(_=tr.gettext, lang=lang, languages=list(LANGUAGE_NAMES.items()), **values)
    return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'; "
                                       "style-src 'self'; img-src 'self' data:; object-src 'none'",
                                       "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def _not_found(lang: str) -> HTMLResponse:
    response = _page("unknown.html", lang)
    response.status_code = 404
    return response


def _minutes(tr: Translator, seconds: float) -> str:
    """A wait worded in whole minutes, rounded up ("1 minute", "10 minutes")."""
    n = max(1, math.ceil(seconds / 60))
    return tr.ngettext("{n} minute", "{n} minutes", n)


def _locked(lang: str, seconds: float) -> HTMLResponse:
    """The page for an address refused after too many wrong codes: how long to wait, and why."""
    tr = Translator(lang)
    response = _page("unknown.html", lang, heading=tr.gettext("Too many wrong codes"),
                     message=tr.gettext("Too many wrong codes were typed on this device. Try again in {wait}; "
                                        "the facilitator can read your team's code out to you.",
                                        wait=_minutes(tr, seconds)))
    response.status_code = 429
    response.headers["Retry-After"] = str(math.ceil(seconds))
    return response


def _close_reason(text: str) -> str:
    """``text`` cut to what a WebSocket close frame carries (123 bytes of UTF-8)."""
    return text.encode("utf-8")[:123].decode("utf-8", errors="ignore")


def _address(connection: Request | WebSocket) -> str:
    """Where a request comes from: the peer's own address (no proxy header is believed)."""
    return connection.client.host if connection.client else ""


def _same_machine(connection: Request | WebSocket) -> bool:
    """True when the peer is the host's own machine: its address is the one the host answered on
    (127.0.0.1 for a rehearsal, or the LAN address that the trainer's own browser uses too)."""
    server, client = connection.scope.get("server"), connection.client
    return server is not None and client is not None and client.host == server[0]


def _unavailable(lang: str) -> HTMLResponse:
    """A page built from the store while the store cannot be read (its server is away)."""
    tr = Translator(lang)
    response = _page("unknown.html", lang, heading=tr.gettext("The results cannot be read just now"),
                     message=tr.gettext("The results store cannot be reached: the rounds go on and are kept on "
                                        "the host. Try again in a minute."))
    response.status_code = 503
    return response


class Hub:
    """The open WebSockets of each team and of the console (each with its page's language), and
    the pushes to them."""

    def __init__(self, workshop: HostedWorkshop) -> None:
        self.workshop = workshop
        self.teams: dict[str, dict[WebSocket, str]] = {}
        self.consoles: dict[WebSocket, str] = {}
        self.dirty: set[str] = set()
        self.console_dirty = False
        workshop.listeners.append(self._mark)

    def _mark(self, team: Team | None) -> None:
        if team is not None:
            self.dirty.add(team.code)
        self.console_dirty = True

    async def push(self, first: str | None = None) -> None:
        """Send a fresh view to every page whose team changed since the last push.

        ``first``: the team whose input caused the push; its pages and the console go before the
        other teams, so an input's latency does not grow with the number of teams.
        """
        dirty, self.dirty = self.dirty, set()
        if first in dirty:
            dirty.discard(first)
            await self._push_team(first)
        if self.console_dirty and self.consoles:
            self.console_dirty = False
            await _send_all(self.consoles, self.workshop.console_view)
        for code in dirty:
            await self._push_team(code)

    async def _push_team(self, code: str) -> None:
        team = self.workshop.teams.get(code)
        sockets = self.teams.get(code)
        if team is not None and sockets:
            await _send_all(sockets, functools.partial(self.workshop.team_view, team))


async def _send_all(sockets: dict[WebSocket, str], view: Callable[[str], dict[str, Any]]) -> None:
    """Send ``view(lang)`` to each socket, drawn once per language; a socket that fails is dropped."""
    texts: dict[str, str] = {}
    for socket, lang in list(sockets.items()):
        if lang not in texts:
            texts[lang] = json.dumps({"type": "view", "view": view(lang)})
        try:
            await socket.send_text(texts[lang])
        except Exception:
            sockets.pop(socket, None)


async def serve_socket(socket: WebSocket, lang: str, sockets: dict[WebSocket, str], hub: Hub,
                       view: Callable[[str], dict[str, Any]], act: Callable[[str], None], flood: Flood,
                       team: str | None = None) -> None:
    """One page's WebSocket, team's or console's: its view first, then each message checked
    (``act`` raises :class:`Refused`, which the page gets back with the reason), the views
    pushed after each input; the socket is forgotten when the page goes."""
    await socket.accept()
    sockets[socket] = lang
    try:
        await socket.send_text(json.dumps({"type": "view", "view": view(lang)}))
        while True:
            raw = await socket.receive_text()
            try:
                if not flood.allow(time.monotonic()):
                    raise Refused(N_("too many messages: wait a moment"))
                act(raw)
            except Refused as exc:
                await socket.send_text(json.dumps({"type": "refused", "reason": exc.say(translator(lang))}))
                continue
            await hub.push(first=team)
    except WebSocketDisconnect:
        pass
    finally:
        sockets.pop(socket, None)


def create_app(workshop: HostedWorkshop, *, clock: bool = True) -> Starlette:
    """The host's ASGI app; ``clock`` False leaves the rounds' time to the caller (tests)."""
    hub = Hub(workshop)
    guesses = Guesses()

    def check(connection: Request | WebSocket, code: str) -> tuple[Team | None, float]:
        """The team of ``code``, or None and the seconds its sender must wait (0: just a wrong code)."""
        address, now = _address(connection), time.monotonic()
        if _same_machine(connection):
            # Every tab of the trainer's machine shares one address: one rehearsal tab's typos
            # must not lock all of them out. Whoever sits at that machine may read the codes in
            # host-<workshop>.json anyway; guesses from any other address still count.
            return workshop.team(code), 0.0
        wait = guesses.wait(address, now)
        if wait:
            return None, wait  # even the right code: otherwise guessing would go on behind the lock
        team = workshop.team(code)
        if team is None:
            return None, guesses.wrong(address, now)
        return team, 0.0

    def refused(lang: str, wait: float) -> HTMLResponse:
        return _locked(lang, wait) if wait else _not_found(lang)

    async def join_page(request: Request) -> Response:
        lang = _lang(request, workshop)
        typed = request.query_params.get("code", "")[:40]
        asked = request.query_params.get("lang", "")
        asked = asked if asked in LANGUAGES else ""  # kept on to the team's page when asked for
        problem, status, wait = "", 200, 0.0
        if typed.strip():
            team, wait = check(request, typed)
            if team is not None:
                return RedirectResponse(f"/team/{team.shown}" + (f"?lang={asked}" if asked else ""), status_code=303)
            tr = Translator(lang)
            if wait:
                problem, status = tr.gettext("Too many wrong codes were typed on this device. Try again in {wait}; "
                                             "the facilitator can read your team's code out to you.",
                                             wait=_minutes(tr, wait)), 429
            else:
                problem, status = tr.gettext("{code} is not a code of this workshop: check it with the facilitator.",
                                             code=codes.shown(codes.normalise(typed))), 404
        response = _page("join.html", lang, workshop=workshop.workshop.name, case=workshop.case, typed=typed,
                         problem=problem, asked=asked)
        response.status_code = status
        if status == 429:
            response.headers["Retry-After"] = str(math.ceil(wait))
        return response

    async def team_page(request: Request) -> Response:
        lang = _lang(request, workshop)
        team, wait = check(request, request.path_params["code"])
        if team is None:
            return refused(lang, wait)
        return _page("team.html", lang, team=team.name, code=team.shown, case=workshop.case, max_name=MAX_NAME)

    async def debrief_page(request: Request) -> Response:
        lang = _lang(request, workshop)
        team, wait = check(request, request.path_params["code"])
        if team is None:
            return refused(lang, wait)
        if team.recording is None or team.round is None or not team.round.ended:
            return _page("unknown.html", lang, message=Translator(lang).gettext("The debrief is ready once the round is over."))
        try:
            html = round_html(workshop.store, workshop.store.session(team.recording.session_id), lang)
        except StoreError:
            return _unavailable(lang)
        return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="debrief-{team.code[:6]}.html"'})

    async def console_page(request: Request) -> Response:
        lang = _lang(request, workshop)
        if not workshop.is_facilitator(request.path_params["secret"]):
            return _not_found(lang)
        base = str(request.base_url).rstrip("/")
        joins = [{"team": t.name, "code": t.shown, "url": f"{base}/team/{t.shown}", "qr": qr_svg(f"{base}/team/{t.shown}")}
                 for t in workshop.teams.values()]
        return _page("console.html", lang, workshop=workshop.workshop.name, case=workshop.case, joins=joins,
                     join_url=f"{base}/")

    async def report_page(request: Request) -> Response:
        lang = _lang(request, workshop)
        if not workshop.is_facilitator(request.path_params["secret"]):
            return _not_found(lang)
        try:
            return HTMLResponse(workshop_html(workshop.store, ws.get(workshop.store, workshop.workshop.id), lang=lang))
        except StoreError:
            return _unavailable(lang)

    async def team_socket(socket: WebSocket) -> None:
        team, wait = check(socket, socket.path_params["code"])
        if team is None:
            # Accepted first so that the page gets the code and the reason (a refused handshake
            # reaches a browser as a bare 1006): on 4404 it stops trying (its retries would count
            # as wrong codes), on 4429 it says how long to wait and tries again later.
            tr = Translator(_lang(socket, workshop))
            reason = (tr.gettext("Too many wrong codes: try again in {wait}.", wait=_minutes(tr, wait)) if wait else
                      tr.gettext("This join code is not known: check the address with the facilitator."))
            await socket.accept()
            await socket.close(code=4429 if wait else 4404, reason=_close_reason(reason))
            return
        player = "?"  # the name the page's player gave (hello); each input is theirs

        def act(raw: str) -> None:
            nonlocal player
            message = parse(raw, TEAM_MESSAGES)
            if message["type"] == "hello":
                player = message["name"].strip() or "?"
            else:
                workshop.team_input(team, message, player)

        await serve_socket(socket, _lang(socket, workshop), hub.teams.setdefault(team.code, {}), hub,
                           functools.partial(workshop.team_view, team), act, Flood(), team.code)

    async def console_socket(socket: WebSocket) -> None:
        if not workshop.is_facilitator(socket.path_params["secret"]):
            await socket.close(code=4404, reason="unknown console address")
            return
        await serve_socket(socket, _lang(socket, workshop), hub.consoles, hub, workshop.console_view,
                           lambda raw: workshop.console_input(parse(raw, CONSOLE_MESSAGES)),
                           Flood(rate=20, burst=40, tokens=40))

    async def run_clock() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            try:
                workshop.tick(now - last)
                await hub.push()
            except Exception:
                # One broken view or store call must not stop every team's clock: say it, go on.
                LOG.exception("the host's clock step failed; the rounds go on")
            last = now

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.loop = asyncio.get_running_loop()
        task = asyncio.create_task(run_clock()) if clock else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            workshop.stop()

    app = Starlette(routes=[
        Route("/", join_page),
        Route("/join", join_page),
        Route("/team/{code}", team_page),
        Route("/team/{code}/debrief.html", debrief_page),
        Route("/console/{secret}", console_page),
        Route("/console/{secret}/report.html", report_page),
        WebSocketRoute("/ws/team/{code}", team_socket),
        WebSocketRoute("/ws/console/{secret}", console_socket),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ], lifespan=lifespan)
    app.state.hub = hub
    app.state.guesses = guesses
    return app


def run_in_host(app: Starlette, action: Callable[[], object], timeout: float = 10.0) -> None:
    """Run ``action`` on the host's event loop, then push the views (tests and benches driving time)."""

    async def step() -> None:
        action()
        await app.state.hub.push()

    asyncio.run_coroutine_threadsafe(step(), app.state.loop).result(timeout)


def qr_svg(text: str) -> Any:
    """``text`` as an inline SVG QR code (drawn on the host: nothing fetched)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    # Our own drawing of an address we made: the one piece of markup a template takes as is.
    return Markup(image.to_string(encoding="unicode"))


def qr_terminal(text: str) -> str:
    """``text`` as a QR code in text blocks, for the terminal."""
    code = qrcode.QRCode(border=1)
    code.add_data(text)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()
