"""The facilitator's last word in the terminal (issue 11), end to end: the real terminal player
(`crisis-sim play --text`) on the shipped Kryptonite case, fed through a pipe as a person types;
after the debrief, `o` corrects a red line and the strategy of the written answer, signed with a
name; the score follows, the stored round is amended (score, amendments, history), and the
session log replays to the corrected score, and without the corrections to the first one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT
from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score
from game.results.report import round_html
from game.results.store import open_store

CASE = ROOT / "scenarios" / "kryptonite-2004"
FORUM = {"en": "We confirm it: we tested it and the lock can be opened with a pen. We're sorry. "
               "Some of the noise comes from a troll.",
         "fr": "Nous le confirmons : l'antivol s'ouvre avec un stylo. Nous sommes désolés. Le bruit vient d'un troll."}


class Terminal:
    """The terminal player in a child process: what it printed, and lines typed when asked."""

    def __init__(self, tmp: Path, lang: str) -> None:
        env = dict(os.environ, CRISIS_SIM_DATA_DIR=str(tmp / "data"), LANG="C", PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "game", "play", str(CASE), "--text", "--speed", "60", "--team", "Blue",
             "--lang", lang, "--log", str(tmp / "run.jsonl")],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, words: str, after: int = 0, limit: float = 120) -> int:
        """Wait until ``words`` is printed after character ``after``; the position after them."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            at = self.text.find(words, after)
            if at >= 0:
                return at + len(words)
            assert self.proc.poll() is None or self.text.find(words, after) >= 0, self.text[-3000:]
            time.sleep(0.05)
        raise AssertionError(f"never printed {words!r}:\n{self.text[-3000:]}")

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


def test_the_facilitator_corrects_a_written_answer_in_the_terminal_debrief(tmp_path: Path) -> None:
    term = Terminal(tmp_path, "en")
    try:
        term.wait_for("DECISION: ")
        term.type("w " + FORUM["en"])
        term.wait_for("Published on")
        term.type("q")  # the round ends here; the debrief follows
        at = term.wait_for("Debrief: o corrects how a written answer was read")
        term.type("o")
        at = term.wait_for("Which answer?", at)
        assert "1) A thread and a video on bikeforums.net" in term.text[at - 200:]
        term.type("1")
        at = term.wait_for("Which finding?", at)
        listed = term.text[term.text.rindex("Which answer?"):at]
        number = next(line.split(")")[0].strip() for line in listed.splitlines()
                      if "red line Blame the owners or the forum: crossed" in line)
        term.type(number)
        at = term.wait_for("Is this red line crossed? (y/n; Enter: no change)", at)
        term.type("maybe")  # refused, asked again
        at = term.wait_for("Type y or n.", at)
        term.type("n")
        at = term.wait_for("Your name, for the report (Enter: the facilitator):", at)
        term.type("Ana  Silva")
        at = term.wait_for("A person's reading: the score goes from", at)
        first = float(term.text[at:].split()[0])  # the score the round ended with, to one decimal
        term.type("o")
        term.type("1")
        at = term.wait_for("Which finding?", at)
        term.type("1")  # the strategy
        at = term.wait_for("Which strategy does the text use?", at)
        strategies = term.text[term.text.rindex("Which finding?"):at]
        term.type(next(line.split(")")[0].strip() for line in strategies.splitlines() if line.endswith(") apology")))
        at = term.wait_for("Your name, for the report (Enter: Ana Silva):", at)
        term.type("")  # the name given before
        at = term.wait_for("A person's reading: the score goes from", at)
        term.type("d")  # the debrief again, with what a person changed
        at = term.wait_for("Debrief: o corrects", term.wait_for("DEBRIEF", at))
        shown = " ".join(term.text[term.text.rindex("DEBRIEF"):].split())
        assert "Changed by Ana Silva: red line Blame the owners or the forum: not crossed." in shown
        assert "Changed by Ana Silva: strategy attack accuser read as apology." in shown
        term.type("")  # Enter leaves
        assert term.proc.wait(timeout=60) == 0, term.text[-2000:]
    finally:
        term.close()
    # The stored round is amended, signed; the log replays with and without the corrections.
    with open_store(None, tmp_path / "data") as store:
        (stored,) = store.sessions(team="Blue")
        assert store.original_score(stored.id) == first and stored.score is not None and stored.score > first
        assert [(a.target, a.changed_by) for a in store.amendments(stored.id)] == [("forum-thread", "Ana Silva")] * 2
        assert "changed by Ana Silva" in round_html(store, stored, "en")
    history = subprocess.run([sys.executable, "-m", "game", "history", "--team", "Blue"], capture_output=True, text=True,
                             env=dict(os.environ, CRISIS_SIM_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT)),
                             cwd=ROOT, timeout=60)
    assert f"corrected by a person; ended with {first:.1f}" in history.stdout, history.stdout
    records = [json.loads(line) for line in (tmp_path / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    inputs = [r for r in records if r.get("type") == "input"]
    assert [(r["kind"], r.get("by")) for r in inputs if r["kind"] == "override"] == [("override", "Ana Silva")] * 2
    loaded = load_case(CASE, "en")
    seed = int(records[0]["seed"])
    assert score(replay(loaded.case, seed, inputs)).score == stored.score
    assert score(replay(loaded.case, seed, [r for r in inputs if r["kind"] != "override"])).score == first


def test_the_terminal_debrief_corrects_in_french(tmp_path: Path) -> None:
    term = Terminal(tmp_path, "fr")
    try:
        term.wait_for("DÉCISION")
        term.type("w " + FORUM["fr"])
        term.wait_for("Publié")
        term.type("q")
        at = term.wait_for("Débriefing : o corrige la lecture d’une réponse écrite")
        term.type("o")
        term.type("1")
        at = term.wait_for("Quel constat ?", at)
        listed = term.text[term.text.rindex("Quelle réponse ?"):at]
        number = next(line.split(")")[0].strip() for line in listed.splitlines() if "point clé Dire quand" in line)
        assert "point clé Dire quand vous en direz plus : pas dit" in listed
        term.type(number)
        at = term.wait_for("Ce point clé est-il dit ? (o/n ; Entrée : pas de changement)", at)
        term.type("oui")
        at = term.wait_for("Votre nom, pour le rapport (Entrée : l'animateur) :", at)
        term.type("Bruno")
        term.wait_for("Lecture d'une personne : le score passe de", at)
        term.proc.stdin.close()  # the input ends: the player leaves
        assert term.proc.wait(timeout=60) == 0
    finally:
        term.close()
    with open_store(None, tmp_path / "data") as store:
        (stored,) = store.sessions(team="Blue")
        assert [(a.target, a.changed_by) for a in store.amendments(stored.id)] == [("forum-thread", "Bruno")]
        assert "modifié par Bruno" in round_html(store, stored, "fr")
