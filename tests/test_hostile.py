"""Hostile and broken input: case files are shared files, a trainer opens what a stranger wrote.

``tests/hostile/`` holds one case folder per kind of hostile or broken file, each with
``expected.txt``: the exact diagnostics the checker must give (empty when the file must load).
The kinds that cannot live in git (a pipe, an unreadable file, files of several megabytes) are
made here in a temporary folder. Every test is quick: time and memory per hostile file are
measured by ``bench/bench_hostile.py``, not here.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from game.engine.bots import BOTS, play
from game.engine.diagnostics import CaseError
from game.engine.loader import MAX_FILE_BYTES, MAX_IMAGE_BYTES, case_file, check_file, load_case
from game.engine.log import LogError, SessionLog, read_log, replay
from game.engine.scoring import score

from conftest import ROOT, TINY

CORPUS = ROOT / "tests" / "hostile"
KINDS = sorted(p for p in CORPUS.iterdir() if p.is_dir())
TINY_TEXT = (TINY / "scenario.yaml").read_text(encoding="utf-8")
AVATAR = 'followers: 900, stance: critical, temperament: passionate}'


def shown(folder: Path, file: Path | None = None) -> list[str]:
    """The diagnostics for a case folder, with paths relative to the folder."""
    file = file or case_file(folder)
    return [str(d).replace(f"{folder}{os.sep}", "") for d in check_file(file)]


def expected(folder: Path) -> list[str]:
    return (folder / "expected.txt").read_text(encoding="utf-8").splitlines()


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def with_avatar(folder: Path, path: str = "images/parent.png") -> Path:
    """A copy of the tiny case whose first persona shows ``path`` as avatar."""
    folder.mkdir(parents=True, exist_ok=True)
    text = TINY_TEXT.replace(AVATAR, AVATAR[:-1] + f", avatar: {path}}}", 1)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder


# --- the corpus -----------------------------------------------------------------------------


def test_the_corpus_has_a_file_for_every_kind() -> None:
    assert len(KINDS) >= 40
    for folder in KINDS:
        assert (folder / "expected.txt").is_file(), f"{folder.name} has no expected.txt"
    errors = [f for f in KINDS if expected(f)]
    assert len(errors) >= 40
    for prefix in ("tag-", "alias-", "limit-", "char-", "encoding-", "broken-", "link-", "image-", "text-"):
        assert any(f.name.startswith(prefix) for f in KINDS), prefix


@pytest.mark.parametrize("folder", KINDS, ids=lambda f: f.name)
def test_each_hostile_file_gives_its_exact_diagnostics(folder: Path) -> None:
    assert shown(folder) == expected(folder)
    if expected(folder):
        with pytest.raises(CaseError) as info:
            load_case(folder)
        assert [str(d).replace(f"{folder}{os.sep}", "") for d in info.value.diagnostics] == sorted(
            expected(folder), key=lambda line: tuple(int(n) for n in line.split(":")[1:3]))
    else:
        assert load_case(folder).case.id == "tiny"


def test_no_tag_ran_any_code(tmp_path: Path) -> None:
    # The corpus's python tags would create this file (os.system) if any constructor ran.
    assert not Path("/tmp/crisis-sim-pwned").exists()


# --- kinds that are made on the spot ------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    file = tmp_path / "scenario.yaml"
    with open(file, "wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing must be read
    assert shown(tmp_path) == [
        f"scenario.yaml:0:0: error: the file is {MAX_FILE_BYTES + 1:,} bytes; a case file may be at most {MAX_FILE_BYTES:,}"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "scenario.yaml")  # nobody writes to it: reading would wait forever
    assert shown(tmp_path) == ["scenario.yaml:0:0: error: this is a pipe or a device, not a case file"]
    case = with_avatar(tmp_path / "case")
    (case / "images").mkdir()
    os.mkfifo(case / "images" / "parent.png")
    assert shown(case) == ["scenario.yaml:24:125: error: avatar: 'images/parent.png' is a pipe or device, not an image"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_named_as_the_case_file() -> None:
    [problem] = check_file(Path("/dev/zero"))
    assert str(problem) == "/dev/zero:0:0: error: this is a pipe or a device, not a case file"


def test_a_link_that_loops(tmp_path: Path) -> None:
    os.symlink("scenario.yaml", tmp_path / "scenario.yaml")
    [problem] = shown(tmp_path)
    assert problem.startswith("scenario.yaml:0:0: error: cannot read the file: ")


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "scenario.yaml"
    file.write_text(TINY_TEXT, encoding="utf-8")
    case = with_avatar(tmp_path / "case")
    (case / "images").mkdir()
    (case / "images" / "parent.png").write_bytes(png(4, 4))
    if os.geteuid() == 0:  # root reads anything: make the open fail as it would for anyone else
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if Path(path).name in ("scenario.yaml", "parent.png") and Path(path).parent.name != "case":
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    else:
        file.chmod(0)
        (case / "images" / "parent.png").chmod(0)
    assert shown(tmp_path) == ["scenario.yaml:0:0: error: permission denied: the file cannot be read"]
    assert shown(case) == ["scenario.yaml:24:125: error: avatar: 'images/parent.png' cannot be read (permission denied)"]


def test_an_image_over_the_size_limit(tmp_path: Path) -> None:
    case = with_avatar(tmp_path / "case")
    (case / "images").mkdir()
    with open(case / "images" / "parent.png", "wb") as out:
        out.write(png(4, 4))
        out.truncate(MAX_IMAGE_BYTES + 1)
    assert shown(case) == [
        f"scenario.yaml:24:125: error: avatar: 'images/parent.png' is {MAX_IMAGE_BYTES + 1:,} bytes; "
        f"an image may be at most {MAX_IMAGE_BYTES:,}"
    ]


def test_a_translation_shares_the_images_of_its_folder(tmp_path: Path) -> None:
    case = with_avatar(tmp_path / "case")
    (case / "images").mkdir()
    (case / "images" / "parent.png").write_bytes(png(4, 4))
    shutil.copy(case / "scenario.yaml", case / "scenario.fr.yaml")
    assert load_case(case, "fr").case.personas[0].avatar == "images/parent.png"


# --- text from a case stays text ------------------------------------------------------------


def test_format_strings_in_a_case_are_shown_as_written() -> None:
    from game.engine.session import Session

    case = load_case(CORPUS / "text-format-strings").case
    session = Session(case, 1)
    session.fire("boss-worry")
    session.step()
    [post] = [p for p in session.feed if p.author == "boss"]
    assert post.text == "{org.__class__.__mro__} {0} %s %n {name!r:>99999} ${HOME} $(id)"
    worst = play(case, 2, "worst")
    replies = [p.text for p in worst.feed if p.author == "parent" and "says the label is fine" in p.text]
    assert replies and all(t.startswith("{handle.__init__.__globals__} Dairyco says") for t in replies)


def _stored_round(tmp_path: Path, folder: Path, bot: str, team: str):
    from game.results.recording import start
    from game.results.store import ResultStore

    store = ResultStore(tmp_path / "results.db")
    loaded = load_case(folder)
    session, recording = start(store, loaded.case, loaded.path, 3, team=team)
    player, events = BOTS[bot](3), []
    while not session.state.ended:
        player.act(session, events)
        events = session.step()
    return store, recording.session_id


def test_markup_from_a_case_is_escaped_in_the_html_report(tmp_path: Path) -> None:
    from game.results.report import round_html

    store, sid = _stored_round(tmp_path, CORPUS / "text-markup", "best", team="<b>Red</b>")
    html = round_html(store, store.session(sid))
    store.close()
    assert "<script" not in html and "<img" not in html and "<b>Red" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; **bold** [b]x[/b] &lt;b&gt;" in html
    assert "&lt;b&gt;Red&lt;/b&gt;" in html


def test_formulas_from_a_case_are_neutralised_in_the_csv_export(tmp_path: Path) -> None:
    from game.results.report import csv_rows, write_csv

    store, sid = _stored_round(tmp_path, CORPUS / "text-csv-formulas", "best", team="=1+1")
    rows = list(csv.DictReader(io.StringIO(write_csv(csv_rows(store, [store.session(sid)], "decisions"),
                                                     "decisions"))))
    sessions = list(csv.DictReader(io.StringIO(write_csv(csv_rows(store, [store.session(sid)])))))
    store.close()
    first = next(r for r in rows if r["decision"] == "statement")
    assert first["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert first["label"] == "'=HYPERLINK(\"http://evil.invalid\",\"click\")"
    assert sessions[0]["team"] == "'=1+1"
    for row in rows + sessions:
        assert not any(str(v).startswith(("=", "+", "-", "@")) for v in row.values())


# --- the window survives the corpus, a broken font and no sound -----------------------------


def test_the_menu_lists_the_whole_corpus_and_still_opens_a_good_case() -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui.app import Settings, open_app

    app = open_app(Settings(scenarios=[CORPUS], lang="en"))
    try:
        menu = app.scene("menu")
        menu.finish_loading()
        app.frame(0.0)
        by_folder = {e.path.parent.name: e for e in menu.entries}
        assert set(by_folder) == {f.name for f in KINDS}
        for folder in KINDS:
            entry = by_folder[folder.name]
            assert entry.playable == (not expected(folder)), folder.name
            # Every problem is a real diagnostic, never an exception's name.
            assert all(": error: " in p or ": warning: " in p for p in entry.problems), entry.problems
        for _ in range(len(menu.entries)):  # every row drawn, broken ones included
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0, unicode="", scancode=0))
            app.frame(0.0)
        menu.open(by_folder["image-ok"])
        app.frame(0.0)
        assert app.top.name == "briefing" and app.top.case is not None
    finally:
        app.close()


def test_a_corrupt_font_file_falls_back_to_the_default_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui import theme

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        (fonts / name).write_bytes(b"not a font at all" * 10)
    monkeypatch.setattr(theme, "FONTS", fonts)
    pygame.font.init()
    made = theme.Theme((1280, 720))
    assert made.problems and "could not be read" in made.problems[0]
    assert made.font("body").render("still readable", True, (0, 0, 0)).get_width() > 0


def test_no_sound_device_keeps_the_game_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    pygame = pytest.importorskip("pygame")
    from game.ui import sound

    def no_device(*args, **kwargs):
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    cues = sound.Cues(muted=True)
    assert cues.toggle() is False  # sound on: the device is missing
    cues.play("decision")
    assert not cues.available and "No available audio device" in cues.problem
    cues.close()


# --- the results database ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "empty", "garbage", "pipe", "no-tables"])
def test_a_bad_results_database_never_stops_a_round(tmp_path: Path, tiny_case, kind: str) -> None:
    import sqlite3

    from game.results.recording import start
    from game.results.store import SCHEMA_VERSION, ResultStore

    db = tmp_path / "results.db"
    if kind == "folder":
        db.mkdir()
    elif kind == "empty":
        db.write_bytes(b"")
    elif kind == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    elif kind == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are a POSIX thing")
        os.mkfifo(db)
    else:
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.close()
    store = ResultStore(db)
    session, recording = start(store, tiny_case, TINY / "scenario.yaml", 1)
    player, events = BOTS["best"](1), []
    while not session.state.ended:
        player.act(session, events)
        events = session.step()
    assert score(session).score == score(play(tiny_case, 1, "best")).score
    if recording is None or not recording.saved:
        assert store.problem  # it says why the round is not saved
    store.close()


# --- the session log --------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_while_logging_does_not_stop_the_round(tiny_case, capsys: pytest.CaptureFixture[str]) -> None:
    log = SessionLog.open("/dev/full")
    session = play(tiny_case, 4, "best", log)
    assert session.state.ended and score(session).score == score(play(tiny_case, 4, "best")).score
    assert log.problem and "the disk is full" in log.problem
    assert capsys.readouterr().err.count("the disk is full") == 1  # told once, not at every line


class FillingDisk(io.StringIO):
    """A stream whose disk fills up after ``room`` characters."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.room:
            cut = max(0, self.room - self.tell())
            super().write(text[:cut])  # a torn line, as a real full disk leaves it
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(text)


def test_a_log_cut_by_a_full_disk_reads_back_as_far_as_it_got(tiny_case, tmp_path: Path) -> None:
    full = SessionLog(io.StringIO())
    play(tiny_case, 5, "random", full)
    whole = full.stream.getvalue()
    stream = FillingDisk(len(whole) // 2 + 7)
    log = SessionLog(stream)
    session = play(tiny_case, 5, "random", log)
    assert session.state.ended and log.problem
    file = tmp_path / "cut.jsonl"
    file.write_text(stream.getvalue(), encoding="utf-8")
    contents = read_log(file)
    assert contents.torn and contents.result is None
    every = [json.loads(line) for line in whole.splitlines() if '"type":"input"' in line]
    assert contents.inputs == every[: len(contents.inputs)]


def test_a_log_that_cannot_be_opened_plays_on(tiny_case, tmp_path: Path) -> None:
    log = SessionLog.open(tmp_path / "no-such-folder" / "run.jsonl")
    assert play(tiny_case, 1, "best", log).state.ended
    assert log.problem and "No such file or directory" in log.problem


def test_a_torn_last_line_cut_inside_a_character_is_recovered(tiny_case, tmp_path: Path) -> None:
    log = SessionLog(io.StringIO())
    play(tiny_case, 1, "best", log)
    data = log.stream.getvalue().encode("utf-8")
    file = tmp_path / "run.jsonl"
    file.write_bytes(data + '{"type":"input","note":"é'.encode("utf-8")[:-1])
    contents = read_log(file)
    assert contents.torn and contents.result is not None


@pytest.mark.parametrize(
    "lines,message",
    [
        (['{"type":"session","format":1,"seed":"x"}'], ":1: the session header has no seed"),
        (['{"type":"session","format":1,"seed":1}', '{"type":"input","t":"10","kind":"end"}', "{}"],
         ":2: an input without its time"),
        (['{"type":"session","format":1,"seed":1}', '{"type":"input","t":10,"kind":"decide"}', "{}"],
         ":2: a 'decide' input without its 'decision'"),
        (['{"type":"session","format":1,"seed":1}', '{"type":"input","t":10,"kind":"rm -rf"}', "{}"],
         ":2: unknown input 'rm -rf'"),
        (['{"type":"session","format":1,"seed":1}', '[' * 100_000, "{}"], ":2: not a JSON line"),
        (['{"type":"session","format":1,"seed":1}', "\xff\xfe", "{}"], ":2: not a JSON line"),
    ],
)
def test_a_malformed_log_gives_a_log_error_with_its_line(tmp_path: Path, lines: list[str], message: str) -> None:
    file = tmp_path / "run.jsonl"
    file.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    with pytest.raises(LogError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_log(file)


def test_a_log_that_is_a_folder_or_a_pipe(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="it is a folder"):
        read_log(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.jsonl")
        with pytest.raises(LogError, match="it is a pipe or a device"):
            read_log(tmp_path / "pipe.jsonl")


def test_an_input_the_case_refuses_is_a_log_error(tiny_case, tmp_path: Path) -> None:
    with pytest.raises(LogError, match="cannot be replayed"):
        replay(tiny_case, 1, [{"type": "input", "t": 200, "kind": "decide", "decision": "statement",
                                "option": "launch-missiles"}])


# --- gaps found in game/results, left to its owner --------------------------------------------


def test_importing_a_deeply_nested_round_file_is_refused(tmp_path: Path) -> None:
    from game.results import workshop
    from game.results.store import ResultStore

    bomb = tmp_path / "round.json"
    bomb.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with ResultStore(tmp_path / "results.db") as store:
        report = workshop.import_files(store, [bomb])
    assert report.failed and not report.added


def test_hostile_round_files_are_refused_one_by_one_and_the_good_one_imported(tmp_path: Path) -> None:
    from game.results import workshop
    from game.results.store import ResultStore

    store, sid = _stored_round(tmp_path / "laptop", TINY, "best", "Red")
    good = workshop.write_export(store, store.session(sid), tmp_path / "in")
    document = json.loads(good.read_text(encoding="utf-8"))
    store.close()
    folder = good.parent
    files = {"nested": folder / "nested.json", "deep-ok-for-python": folder / "deep.json",
             "deep-log-line": folder / "deep-log.json", "big": folder / "big.json", "pipe": folder / "pipe.json",
             "device": Path("/dev/zero"), "bad-ending": folder / "bad-ending.json"}
    files["nested"].write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    files["deep-ok-for-python"].write_text("[" * 500 + "]" * 500, encoding="utf-8")  # under the recursion limit
    deep_log = json.loads(json.dumps(document))
    deep_log["session"]["id"] = "d" * 32
    deep_log["log"] += '{"type":"note","x":' + "[" * 100_000 + "]" * 100_000 + "}\n"
    files["deep-log-line"].write_text(json.dumps(deep_log), encoding="utf-8")
    with open(files["big"], "wb") as handle:  # sparse: refused by its size before anything is read
        handle.truncate(workshop.MAX_IMPORT_BYTES + 1)
    if hasattr(os, "mkfifo"):
        os.mkfifo(files["pipe"])  # nobody writes to it: reading it would block forever
    else:
        del files["pipe"]
    if not files["device"].exists():
        del files["device"]
    bad_ending = json.loads(json.dumps(document))
    bad_ending["session"]["id"] = "b" * 32
    bad_ending["session"]["result"]["ending"]["id"] = {"not": "a text"}
    files["bad-ending"].write_text(json.dumps(bad_ending), encoding="utf-8")

    with ResultStore(tmp_path / "trainer.db") as trainer:
        report = workshop.import_files(trainer, [*files.values(), good])
        assert report.added == [sid]
        assert len(report.failed) == len(files)
        why = dict(zip(files, report.failed))
        for name, path in files.items():
            assert why[name].startswith(f"{path}:"), why[name]
        assert "nested more than 40 levels" in why["nested"] and "nested" in why["deep-ok-for-python"]
        assert "of the session log nests lists or objects more than 40" in why["deep-log-line"]
        assert f"at most {workshop.MAX_IMPORT_BYTES:,}" in why["big"]
        if "pipe" in files:
            assert "pipe or a device" in why["pipe"]
        if "device" in files:
            assert "pipe or a device" in why["device"]
        assert "no valid result" in why["bad-ending"]
        assert [s.id for s in trainer.sessions()] == [sid]


def test_every_code_the_corpus_meets_is_documented() -> None:
    # The one table of codes is docs/authoring.md's, generated from the registry.
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    codes = {d.code for folder in KINDS for d in check_file(case_file(folder))}
    assert {"yaml-tag", "yaml-alias", "too-many-items", "image-outside"} <= codes
    assert [code for code in sorted(codes) if f"`{code}`" not in doc] == []


def test_text_no_font_can_take_is_drawn_as_a_replacement_character() -> None:
    # Case texts never hold these (the checker refuses them); an imported round's note might.
    pygame = pytest.importorskip("pygame")
    from game.ui.text import TextCache
    from game.ui.theme import Theme

    pygame.font.init()
    theme, cache = Theme((1280, 720)), TextCache()
    for text in ("note\x00with a NUL", "lone \ud800 surrogate"):
        assert cache.line(theme, text, "body", (0, 0, 0)).get_width() > 0
        wrapped = " ".join(cache.wrap(theme, text, "body", 80))
        assert "\ufffd" in wrapped and "\x00" not in wrapped and "\ud800" not in wrapped
