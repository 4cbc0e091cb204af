"""``crisis-sim host``: the workshop host (issue 15), every team in its own browser."""

from __future__ import annotations

import argparse
import socket
from typing import TYPE_CHECKING

from game.cli.common import add_store_option, fail, load_or_report, open_results
from game.i18n import LANGUAGES, system_language, translator
from game.results.store import ResultStore, StoreError

if TYPE_CHECKING:
    from game.cli.common import Subparsers
    from game.engine.loader import LoadedCase


def add_commands(sub: Subparsers) -> None:
    host = sub.add_parser("host", help="host a workshop: each team plays in its own browser")
    host.add_argument("case", help="the case file or folder")
    host.add_argument("--workshop", help="the workshop's name in the results (default: the case's id)")
    host.add_argument("--teams", default="Red,Blue", help="the teams, comma-separated (default: Red,Blue)")
    host.add_argument("--port", type=int, default=8080, help="the port to listen on (default: 8080)")
    host.add_argument("--lan", action="store_true", help="listen on this machine's LAN address, not loopback only")
    host.add_argument("--resume", action="store_true", help="take back the teams' rounds that stopped (host killed)")
    host.add_argument("--seed", type=int, default=1, help="seed of every team's round (default: 1)")
    add_store_option(host)
    host.set_defaults(func=cmd_host)


def lan_address() -> str:
    """This machine's address on its LAN (the one its default route leaves from; nothing is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP connect only picks a route
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def cmd_host(args: argparse.Namespace) -> int:
    """Check the case as ``validate`` does, then serve the workshop until Ctrl+C."""
    loaded = load_or_report(args.case, args.lang)
    if loaded is None:
        return 1  # a broken case never starts a host
    teams = [t.strip() for t in args.teams.split(",") if t.strip()]
    if not teams:
        return fail("--teams names no team")
    store = open_results(args)
    try:
        return _serve_workshop(args, loaded, teams, store)
    finally:
        store.close()  # also after a Ctrl+C while starting: rounds taken back are kept as stopped


def _serve_workshop(args: argparse.Namespace, loaded: LoadedCase, teams: list[str], store: ResultStore) -> int:
    """Create (or take back) the workshop in ``store`` and serve it until Ctrl+C."""
    # The web server (Starlette, uvicorn, qrcode) loads only for this command: --help stays fast.
    from game.host.app import create_app, qr_terminal
    from game.host.serve import serve
    from game.host.workshop import HostedWorkshop

    if not store.available or not store.writable:
        # The workshop, its teams and their rounds are rows of the store from the first minute:
        # unlike a window round, a host cannot start on the spool alone.
        return fail(f"the host needs its results store to create the workshop, and {_unreachable(store)}; "
                    "start the server or give another --store")
    try:
        workshop = HostedWorkshop(loaded, store, args.workshop or loaded.case.id, teams, seed=args.seed,
                                  resume=args.resume)
    except StoreError as exc:
        return fail(str(exc))
    # The trainer's own language (--lang, else the terminal's), as the terminal player speaks it.
    _ = translator(args.lang if args.lang in LANGUAGES else system_language()).gettext
    try:
        address = lan_address() if args.lan else "127.0.0.1"
        base = f"http://{address}:{args.port}"
        print(_("Workshop “{workshop}” · {case}", workshop=workshop.workshop.name, case=loaded.case.title))
        print(_("Listening on the LAN address {address}", address=address) if args.lan else
              _("Listening on this machine only (127.0.0.1); --lan lets other machines join"))
        if workshop.resumable and not args.resume:
            print(_("Rounds that stopped can be taken back ({teams}): start again with --resume",
                    teams=", ".join(sorted(workshop.resumable))))
        print(_("Teams open {url} and type their team's code, or open their own address, or scan its QR code",
                url=f"{base}/"))
        for team in workshop.teams.values():
            url = f"{base}/team/{team.shown}"
            print(f"\n{team.name}: {url}")
            print("  " + _("code {code}", code=team.shown))
            print(qr_terminal(url), end="")
        print("\n" + _("Facilitator's console (keep it to yourself): {url}", url=f"{base}/console/{workshop.secret}"))
        serve(create_app(workshop), address, args.port)
    except KeyboardInterrupt:
        pass  # Ctrl+C ends the host; the rounds not finished are kept, to --resume
    except OSError as exc:
        return fail(f"cannot listen on {address}:{args.port}: {exc.strerror or exc}")
    finally:
        workshop.stop()
    return 0


def _unreachable(store: ResultStore) -> str:
    """Why ``store`` cannot be written, without the window's promise to keep results for later."""
    problem = store.problem or f"{store.path} cannot be written"
    return problem.split(": results are not being saved")[0]
