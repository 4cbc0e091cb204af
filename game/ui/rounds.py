"""The window's side of the results store: keeping each round, resuming one, exporting reports.

The store is opened once per window (``--data-dir`` or the user's data folder). A store that
cannot be written never stops play: the problem is shown and the round plays unsaved. A preview
played by the demo bot, or the screenshot tour, is not kept.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine.log import SessionLog
from game.engine.model import Case
from game.engine.session import Session
from game.results.recording import Recording, ResumeError, resume_from_disk, start
from game.results.report import csv_rows, round_html, write_csv
from game.results.store import ResultStore, StoredSession, StoreError
from game.results.workshop import export_file_name
from game.ui.settings import Preferences

if TYPE_CHECKING:
    from game.ui.app import App


def open_results(app: App) -> ResultStore | None:
    """The window's results store (None for a demo, the screenshot tour, or an App built in code
    without a data_dir); opened once."""
    if app._results_opened:
        return app._results
    store = None
    settings = app.settings
    wanted = settings.keep_results or settings.data_dir is not None
    if wanted and not (settings.demo or settings.screenshot):
        store = ResultStore.open(getattr(settings, "data_dir", None), getattr(settings, "store", None))
        if store.problem:
            app.problems.append(store.problem)
    app._results, app._results_opened = store, True
    return store


def preferences(app: App) -> Preferences:
    """What this window remembers between rounds and starts (``window.json`` beside the results;
    nothing on disk for a window that keeps no rounds)."""
    prefs = app._preferences
    if prefs is None:
        store = open_results(app)
        path = getattr(store, "path", None) if store is not None else None
        prefs = Preferences(Path(path).parent if isinstance(path, str | Path) else None)
        app._preferences = prefs
    return prefs


def restore_speed(app: App) -> None:
    """At start: the speed chosen last time, unless the command line gave one, and whether the
    facilitator hides the objectives."""
    settings = app.settings
    prefs = preferences(app)
    speed = prefs.speed
    if speed is not None and not settings.speed_given and not (settings.demo or settings.screenshot):
        settings.speed = speed
    if prefs.hide_objectives is not None:
        settings.hide_objectives = prefs.hide_objectives


def remember_speed(app: App) -> None:
    """The speed was changed (menu or round): keep it for the next round, and for this round's resume."""
    live = app.scene("live")
    recording = getattr(live, "recording", None)
    preferences(app).keep_speed(app.settings.speed, recording.session_id if recording is not None else None)


def close_results(app: App) -> None:
    """The window closes: a round still being played is kept as interrupted (it can be resumed)."""
    live = app.scene("live")
    recording = getattr(live, "recording", None)
    session = getattr(live, "session", None)
    if recording is not None and session is not None and not session.state.ended:
        recording.interrupt()
    if app._results is not None:
        app._results.close()


def record_round(app: App, case: Case, path: Path, seed: int) -> tuple[Session, Recording | None]:
    """A new round of the case, kept in the store (and in ``--log FILE`` when asked)."""
    settings = app.settings
    # A file that cannot be opened (a missing folder, no permission) is reported once, and the
    # round plays on without it, as when the disk fills up while it is written.
    log = SessionLog.open(settings.log, path) if settings.log else None
    also = log.stream if log is not None else None
    store = open_results(app)
    if store is not None and store.writable:
        session, recording = start(store, case, path, seed, team=settings.team,
                                   workshop=getattr(settings, "workshop", None), also=also)
        if recording is not None:
            if log is not None and log.problem:
                recording.stream.also_problem = log.problem
            preferences(app).keep_speed(settings.speed, recording.session_id)
            return session, recording
        if store.problem and store.problem not in app.problems:
            app.problems.append(store.problem)
    return Session(case, seed, log), None


def resume_round(app: App, stored: StoredSession) -> str | None:
    """Rebuild a stopped round and open the live screen on it; the reason when it cannot be."""
    store = open_results(app)
    if store is None:
        return "no results store"
    try:
        session, recording, path = resume_from_disk(store, stored)
    except (ResumeError, StoreError, sqlite3.Error) as exc:
        return str(exc)
    app.settings.team = stored.team
    # The round runs at the speed it was played at (kept as it changed), not the menu's.
    prefs = preferences(app)
    speed = prefs.round_speed(stored.id) or prefs.speed
    if speed is not None:
        app.settings.speed = speed
    live: Any = app.new_scene("live", session.case, path, session=session, recording=recording)
    live.paused = True  # the team gets its bearings before the clock runs again
    live.observer_notes = list(recording.notes)
    app.push(live)
    return None


def export_report(app: App, stored_id: str, folder: Path | None = None) -> list[Path]:
    """Write a round's HTML debrief and CSV rows into ``folder`` (default: the data folder's
    ``reports``); returns the files written."""
    store = open_results(app)
    if store is None:
        raise StoreError("no results store")
    stored = store.session(stored_id)
    folder = folder or store.path.parent / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = export_file_name(stored).removesuffix(".json")
    html_path, csv_path = folder / f"{stem}.html", folder / f"{stem}.csv"
    html_path.write_text(round_html(store, stored, app.settings.lang), encoding="utf-8")
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        handle.write(write_csv(csv_rows(store, [stored], "decisions"), "decisions"))
    return [html_path, csv_path]
