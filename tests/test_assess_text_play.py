"""A written round in the terminal player: typed answers published, counted, and debriefed."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from game.engine.loader import load_case
from game.engine.session import Session
from game.text_play import StdinCommands, TextPlayer, columns_of, format_result

CASE = "scenarios/kryptonite-2004"
FORUM = ("We confirm it: we tested it and the lock can be opened with a pen. We're sorry. "
         "Some of the noise comes from a troll.")
REMEDY = "We will exchange every tubular lock free. Register on this site from Wednesday."


class Typist:
    """Types a line for each decision once it is open (and on the fake clock, a little later)."""

    def __init__(self, session: Session, lines: dict[str, list[str]]) -> None:
        self.session = session
        self.lines = {k: list(v) for k, v in lines.items()}
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def poll(self, timeout: float) -> str | None:
        self.now += timeout
        for decision in self.session.open_decisions:
            waiting = self.lines.get(decision.id)
            if waiting:
                return waiting.pop(0)
        return None


def test_a_written_round_in_the_terminal_and_its_debrief() -> None:
    case = load_case(CASE, "en").case
    session = Session(case, seed=3)
    typist = Typist(session, {
        "forum-thread": ["w " + "x" * 1600, "w " + FORUM],   # too long for the forum first: refused, typed again
        "statement": ["w Hello", "1"],                       # a choose-only decision refuses a text
        "press": ["1"], "remedy": ["w " + REMEDY], "blogger": ["1"], "widen": ["1"], "announce": ["1"],
        "ship-order": ["1"],
    })
    out = io.StringIO()
    result = TextPlayer(session, out, typist, typist.clock, speed=60).run()
    text = " ".join(out.getvalue().split())  # lines wrap where the terminal's width says
    assert "Write your own answer: w followed by your text" in text and "Bike Forums, 1,500 characters at most" in text
    assert "Your answer is 1,600 characters; Bike Forums takes 1,500." in text
    assert "This decision takes one of its options: type its number." in text
    assert f'Published on Bike Forums: "{FORUM}"' in text
    assert text.split("DEBRIEF")[0].count(FORUM) == 1  # "w TEXT" prints the text once, not also as post #N
    assert FORUM in [p.text for p in session.feed if p.author == "organisation"]
    # The debrief: the text marked, what each phrase means, what was missing, the red line, the best answer.
    assert "- Did Kryptonite know?" not in text  # (titles are the case's; the line below names it)
    assert "your own answer [" in text
    assert "We're [sorry]" in text
    assert "[sorry] apology: takes full responsibility and asks for forgiveness (a rebuild strategy)" in text
    assert "[troll] red line crossed: Blame the owners or the forum" in text
    assert "Red lines crossed: Blame the owners or the forum." in text
    assert "Missing: No receipt needed, whatever the lock's age." in text
    best = next(o for o in case.decisions[3].options if o.id == "full")
    assert f'The authored best answer ({best.label}): "{best.post.split("-")[0]}' in text  # wrapped at hyphens
    assert "It played like the prepared answer:" in text
    forum = next(d for d in result.decisions if d.decision == "forum-thread")
    assert forum.fit == 0 and forum.written["red_lines"][1]["found"]


def test_the_debrief_says_what_the_facilitator_changed_and_underlines_on_a_terminal() -> None:
    case = load_case(CASE, "en").case
    session = Session(case, seed=3)
    typist = Typist(session, {"forum-thread": ["w We are sorry. Use a second lock meanwhile."]})
    TextPlayer(session, io.StringIO(), typist, typist.clock, speed=600).run()
    session.override("forum-thread", strategy="excuse", key_points={"confirm": True}, by="Ana")
    from game.engine.scoring import score

    text = " ".join(format_result(score(session), case, underline=True).split())
    assert "Changed by Ana: strategy apology read as excuse." in text  # signed: the person's name, once
    assert "Changed by Ana: key point Confirm that the locks can be opened: said." in text
    assert "We are \x1b[4msorry\x1b[24m" in text
    french = " ".join(format_result(score(session), case, lang="fr").split())
    assert "Modifié par Ana : stratégie" in french and "animateur" not in french


def test_the_prompt_counts_the_characters_and_a_microblog_limit_is_hard() -> None:
    out = io.StringIO()
    commands = StdinCommands(io.StringIO(), out)
    commands.writing, commands.limit = True, 10
    assert commands._key("w " + "x" * 25) is None
    assert commands.buffer == "w " + "x" * 10
    assert out.getvalue().endswith("[10/10] > w xxxxxxxxxx")
    assert commands._key("\n") == "w xxxxxxxxxx"
    commands.writing = False  # no written answer to type now: no counter, no limit
    commands._key("w " + "y" * 12)
    assert out.getvalue().rsplit("\r\x1b[K", 1)[-1] == "> w " + "y" * 12


class Replier:
    """Chooses the first option of each decision; once the shop owner's post is in, lists its
    replies, then types a written reply to it (too long first, where the channel has a limit)."""

    def __init__(self, session: Session, text: str) -> None:
        self.session, self.now = session, 0.0
        self.lines: list[str] | None = None
        self.text = text

    def clock(self) -> float:
        return self.now

    def poll(self, timeout: float) -> str | None:
        self.now += timeout
        post = next((p for p in self.session.feed if p.inject == "forum-pileon"), None)
        if post is not None and self.lines is None:
            number = post.id[1:]
            self.lines = [f"a {number}", f"r {number}", f"r {number} {self.text}"]
        if self.lines:
            return self.lines.pop(0)
        return "1" if self.session.open_decisions else None


def test_a_written_reply_to_a_post_in_the_terminal_and_its_debrief() -> None:

    for lang, text, words in (
        ("en", "Sal, you're right to take them off the floor. Call me on my direct line today.",
         ("Or write your own reply: r", "Type r", "Your written replies:", "[you're right]",
          "Missing:", "The authored best answer")),
        ("fr", "Sal, vous avez raison de les retirer du rayon. Appelez ma ligne directe aujourd'hui.",
         ("Ou écrivez votre propre réponse : r", "Tapez r", "Vos réponses écrites :", "[avez raison]",
          "Manque", "La meilleure réponse de l’auteur")),
    ):
        case = load_case(CASE, lang).case
        session = Session(case, seed=3)
        typist = Replier(session, text)
        out = io.StringIO()
        result = TextPlayer(session, out, typist, typist.clock, speed=60).run()
        shown = " ".join(out.getvalue().split())
        post = next(p for p in session.feed if p.inject == "forum-pileon")
        ours = [p for p in session.feed if p.author == "organisation" and p.reply_to == post.id]
        assert [p.text for p in ours] == [text]
        assert session.written_replies[post.id].closest == "sal-thanks"
        for expected in words[:4]:
            assert expected in shown, (lang, expected)
        assert words[5] in shown
        assert words[4] not in shown.split(words[2])[1].split("Signa")[0]  # both key points were made
        (review,) = result.replies
        assert review["text"] == text and review["rating"]["key_points"] == 1 and review["value"] > 0.5


class Keys(StdinCommands):
    """The terminal's own key handling (cbreak mode), fed keys on a fake clock: ``script`` maps a
    condition on the session to the keys typed once it holds."""

    def __init__(self, session: Session, script: list[tuple[Callable[[Session], bool], str]], columns: int) -> None:
        self.out_text = io.StringIO()
        super().__init__(io.StringIO(), self.out_text)
        self.session, self.script, self.now, self.width = session, list(script), 0.0, columns
        self._saved = []  # as after start(): keys one by one, the prompt redrawn under the feed

    def columns(self) -> int:
        return self.width

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self._saved = None

    def clock(self) -> float:
        return self.now

    def poll(self, timeout: float) -> str | None:
        self.now += timeout
        if self.script and self.script[0][0](self.session):
            return self._key(self.script.pop(0)[1])
        if not self.script and not self.session.state.ended:
            return self._key("q\n") if self.session.t > 1500 else None
        return None


ANSWER = ("An attack on one of our patrols in Keldar this afternoon: there are casualties. Families are being "
          "told first, in person. The figure of 12 dead circulating online is false, and FOB Sable was not "
          "attacked. We will say more at 21:00 on this account.")


def test_a_long_answer_stays_on_one_prompt_line_and_waits_when_its_decision_closes() -> None:
    """Under tmux a 250-character answer wrapped the prompt, and each redraw under the feed left
    its first rows on screen; typed for "The first word", it was published for the next decision
    once that one had opened. Now the prompt shows the end of the text on one line, and the text
    of a decision that closed is not published for another: it waits on the prompt."""
    case = load_case("scenarios/armed-forces-opsec", "en").case
    session = Session(case, seed=2)
    commands = Keys(session, [
        (lambda s: "first-word" in s.state.open, "w " + ANSWER),
        (lambda s: "geotag" in s.state.open, "\n"),  # Enter, once the first word has run out
    ], columns=80)
    player = TextPlayer(session, commands.out_text, commands, commands.clock, speed=60)
    player.run()
    out = commands.out_text.getvalue()
    prompts = [row for row in out.split("\r\x1b[K") if re.match(r"\[\d+/280\] > ", row)]
    head = f"[{len(ANSWER)}/280] > …"
    assert any(row.startswith(head) and ANSWER.endswith(row[len(head):]) for row in prompts)  # its end, where one types
    assert all(columns_of(row) <= 79 for row in prompts)  # never wider than the terminal: never wrapped
    ours = [p.text for p in session.feed if p.author == "organisation"]
    assert ANSWER not in ours and "geotag" not in session.written
    assert '"The first word" has closed: your answer was not published.' in out
    assert "Your text is back on the prompt" in out
    assert commands.buffer == "w " + ANSWER or "geotag" in session.state.choices
