"""Debrief reports: the HTML page of a Nestlé round shows every decision and the engine's score,
everything from a case, a team or a note is escaped, the page needs no other file, and CSV cells
cannot run as formulas."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from game.cli import main
from game.i18n import translator
from game.engine.bots import BOTS
from game.engine.loader import load_case
from game.results.recording import start
from game.results.report import cell, csv_rows, round_html, workshop_html, write_csv
from game.results.store import ResultStore
from game.engine.scoring import score

from conftest import ROOT, SCENARIOS, TINY

NESTLE = SCENARIOS / "nestle-kitkat-2010"


def one_decimal(points: float) -> str:
    """A sub-score as the reports write it (Babel rounds halves to even: 10.05 is 10.0)."""
    return translator("en").decimal(points, 1)


class Text(HTMLParser):
    """The page's visible text and its tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def page_text(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    return parser


def play(store: ResultStore, case, path: Path, seed: int, bot: str = "best", team: str = "Red", **kwargs):
    session, recording = start(store, case, path, seed, team=team, **kwargs)
    player, events = BOTS[bot](seed), []
    while not session.state.ended:
        player.act(session, events)
        events = session.step()
    return session, recording


@pytest.fixture()
def store(tmp_path: Path):
    with ResultStore(tmp_path / "results.db") as s:
        yield s


@pytest.mark.parametrize("bot", ["best", "random", "worst"])
def test_nestle_report_shows_every_decision_and_the_engines_score(store, bot: str) -> None:
    loaded = load_case(NESTLE)
    session, recording = play(store, loaded.case, loaded.path, 9, bot)
    result = score(session)
    store.add_note(recording.session_id, 600, "They argue about deleting the comments")
    html = round_html(store, store.session(recording.session_id))
    page = page_text(html)
    text = page.text

    assert f'<div class="score" id="score">{result.score:.1f} ' in html
    assert f"{result.score:.1f}" in text
    assert result.decisions, "the Nestlé case has decisions"
    for number, d in enumerate(result.decisions, 1):
        assert f"{number}. {d.title}" in text
        assert d.label in text
        if d.feedback:
            assert d.feedback.split(".")[0] in text
        if d.better:
            assert d.better["label"] in text
    # Timing of each decision, the signals, the objectives, the ending, the note on the timeline.
    # (Nestlé has a calendar: each moment is its date, then the round's clock in brackets.)
    timings = re.findall(r"opened at [^·]*\(\d\d:\d\d:\d\d\) · (decided at|no answer in time)", text)
    assert timings == ["no answer in time" if d.option is None else "decided at" for d in result.decisions]
    caught = len(result.signals["caught"])
    assert f"{caught} signal{'s' if caught != 1 else ''} caught out of {caught + len(result.signals['missed'])}" in text
    for objective in result.objectives:
        assert objective["text"] in text
    assert result.ending["title"] in text
    assert "✎1 · Thursday 18 March, 16:45 (00:10:00) They argue about deleting the comments" in text
    assert "✎1 Observer's note: They argue about deleting the comments" in text
    for _part, points in result.to_json()["breakdown"].items():
        assert f"{one_decimal(points)} / " in text
    # One inline chart at least, and nothing fetched from elsewhere.
    assert "svg" in page.tags
    assert not re.search(r"<(script|link|img|iframe)\b|src=|url\(|@import", html, re.I)
    assert set(re.findall(r"https?://[^\"' ]+", html)) <= {"http://www.w3.org/2000/svg"}


def test_everything_from_a_case_a_team_or_a_note_is_escaped(store, tiny_case) -> None:
    evil = "<script>alert('x')</script>"
    case = tiny_case.model_copy(update={
        "title": f"Title {evil}",
        "questions": [f"Question {evil}?"],
        "decisions": [d.model_copy(update={"title": f"Decision {evil}"}) for d in tiny_case.decisions],
    })
    _, recording = play(store, case, TINY / "scenario.yaml", 1, team='Team "><img src=x onerror=alert(1)>')
    sid = recording.session_id
    store.add_note(sid, 30, f"note {evil} & more")
    store.answer(sid, "q1", f"Question {evil}?", f"answer {evil}")
    html = round_html(store, store.session(sid))
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html  # markupsafe's escaping, as Jinja2's
    text = page_text(html).text
    assert f"Title {evil}" in text and f"Decision {evil}" in text and f"note {evil} & more" in text
    assert f"answer {evil}" in text and f"Question {evil}?" in text


def test_reflection_answers_and_unanswered_questions_appear(store, tiny_case) -> None:
    case = tiny_case.model_copy(update={"questions": ["What would you do differently?",
                                                      "Which signal did you miss?"]})
    _, recording = play(store, case, TINY / "scenario.yaml", 1)
    store.answer(recording.session_id, "q2", "Which signal did you miss?", "The reporter's call.\nAnd the boss.")
    text = page_text(round_html(store, store.session(recording.session_id))).text
    assert "Reflection" in text
    assert "What would you do differently? (not answered)" in text
    assert "Which signal did you miss? The reporter's call. And the boss." in text


def test_french_report_and_an_interrupted_round(store) -> None:
    loaded = load_case(NESTLE, "fr")
    session, recording = start(store, loaded.case, loaded.path, 3, team="Équipe")
    player, events = BOTS["best"](3), []
    while len(session.state.choices) < 2:
        player.act(session, events)
        events = session.step()
    recording.interrupt()
    text = page_text(round_html(store, store.session(recording.session_id))).text
    assert "Débriefing" in text and "interrompue" in text and "pas de score" in text
    for decision in session.state.choices:
        assert f"{list(session.state.choices).index(decision) + 1}. {decision}" in text


def test_history_chart_when_the_team_played_the_case_before(store) -> None:
    loaded = load_case(NESTLE)
    for seed, bot in ((1, "worst"), (2, "best")):
        _, recording = play(store, loaded.case, loaded.path, seed, bot, team="Progress")
    html = round_html(store, store.session(recording.session_id))
    assert "Progress on this case" in page_text(html).text
    assert html.count("<svg") >= 3


def test_csv_cells_never_start_a_formula() -> None:
    for dangerous in ("=1+2", "+1", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x","y")'):
        assert cell(dangerous).startswith("'")
    assert cell(-2.5) == -2.5 and cell(7) == 7 and cell("Red") == "Red" and cell(None) == ""


def test_csv_export_of_sessions_and_decisions(store, tmp_path: Path, capsys) -> None:
    loaded = load_case(NESTLE)
    _, recording = play(store, loaded.case, loaded.path, 4, "random", team="=cmd|' /C calc'!A0")
    _, other = play(store, loaded.case, loaded.path, 5, "best", team="-Blue")
    rows = list(csv.DictReader(io.StringIO(write_csv(csv_rows(store, store.sessions(newest_first=False))))))
    assert [r["team"] for r in rows] == ["'=cmd|' /C calc'!A0", "'-Blue"]
    assert float(rows[1]["score"]) == store.session(other.session_id).score
    decisions = list(csv.DictReader(io.StringIO(write_csv(
        csv_rows(store, [store.session(other.session_id)], "decisions"), "decisions"))))
    assert [d["decision"] for d in decisions] == [d["decision"] for d in store.decisions(other.session_id)]
    assert all(d["seconds_taken"].isdigit() for d in decisions)

    out = tmp_path / "rows.csv"
    code = main(["report", "--data-dir", str(store.path.parent), "--all", "--csv", str(out), "--rows", "decisions"])
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("session,team,case")
    html_out = tmp_path / "team.html"
    assert main(["report", "--data-dir", str(store.path.parent), "--team=-Blue", "--html", str(html_out)]) == 0
    assert f"{store.session(other.session_id).score:.1f}" in html_out.read_text(encoding="utf-8")
    capsys.readouterr()


def test_workshop_page_is_escaped_and_self_contained(store) -> None:
    from game.results import workshop as ws

    loaded = load_case(NESTLE)
    w = ws.create(store, "Workshop <b>1</b>", loaded.case.id, ["<i>A</i>", "B"])
    play(store, loaded.case, loaded.path, 1, "best", team="<i>A</i>", workshop=w.id)
    play(store, loaded.case, loaded.path, 2, "worst", team="B", workshop=w.id)
    html = workshop_html(store, w)
    assert "<b>1</b>" not in html and "<i>A</i>" not in html and "&lt;i&gt;A&lt;/i&gt;" in html
    assert not re.search(r"<(script|link|img|iframe)\b|src=|url\(", html, re.I)


def test_pages_from_the_version_1_file_show_markup_in_names_notes_and_answers_as_text(tmp_path: Path) -> None:
    """Rounds stored by the first released format, with markup typed by people, report as text."""
    import shutil

    from game.results import workshop as ws
    from game.results.report import round_html, workshop_html

    shutil.copyfile(ROOT / "tests" / "data" / "stores" / "results-v1.sqlite", tmp_path / "results.db")
    with ResultStore(tmp_path / "results.db") as store:
        red = round_html(store, store.session("0a4f831b"))
        tiny = round_html(store, store.session("20cf0f7c"), "fr")
        green = round_html(store, store.session("4a5128991"))
        page = workshop_html(store, ws.get(store, "Lyon, 3 December"))
    assert "Argued about the &lt;script&gt;alert(1)&lt;/script&gt; apology" in red
    assert "The allergy forum &lt;i&gt;thread&lt;/i&gt;" in tiny and "Retour sur la partie" in tiny
    assert "Équipe verte &lt;b&gt;" in green and "Équipe verte &lt;b&gt;" in page
    for html in (red, tiny, green, page):
        assert "<script" not in html and "verte <b>" not in html and "<i>thread" not in html
        assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_a_stored_english_round_reports_in_english_and_in_french(store) -> None:
    """The report words the stored reasons in the language asked for: an English round's page in
    French has French notes, headings and times, and no English sentence of the engine's."""
    loaded = load_case(NESTLE)
    session, recording = play(store, loaded.case, loaded.path, 5, "best", team="Bilingue")
    result = score(session)
    stored = store.session(recording.session_id)
    english = page_text(round_html(store, stored)).text
    french = page_text(round_html(store, stored, "fr")).text
    assert "Final sentiment" in english and "Where the points came from" in english
    assert "Final sentiment" not in french and "Opinion finale" in french
    assert "Where the points came from" not in french and "D’où viennent les points" in french
    assert "signaux repérés sur" in french and "signals caught out of" not in french
    # The score is written as each language writes numbers (90.9 / 90,9), not as Python does.
    shown = {lang: re.search(r'id="score">([^<]*)<', round_html(store, stored, lang)).group(1).strip()
             for lang in ("en", "fr")}
    assert shown == {"en": translator("en").decimal(result.score, 1), "fr": translator("fr").decimal(result.score, 1)}
    assert "," in shown["fr"] and "." not in shown["fr"]
    # Author-written words stay as the case has them, in both.
    for d in result.decisions:
        assert d.title in english and d.title in french


def test_the_printed_debrief_starts_with_a_one_page_handout(store) -> None:
    """Score, sub-scores out of their maximum, the key lessons and each decision with the better
    option come first; the minute-by-minute timeline and the rest start a new printed page."""
    loaded = load_case(NESTLE)
    session, recording = play(store, loaded.case, loaded.path, 9, "random")
    result = score(session)
    html = round_html(store, store.session(recording.session_id))
    start, appendix = html.index('<section class="handout"'), html.index('<section class="appendix"')
    handout = page_text(html[start:appendix]).text
    assert f"{result.score:.1f} out of 100" in handout and "Key lessons" in handout
    for name, part in result.breakdown.items():
        assert f"{one_decimal(part.points)} / {part.max}" in handout, name
    for objective in result.objectives:
        assert objective["text"] in handout
    assert [d.title for d in result.decisions if d.better]  # the random bot misses some best options
    for number, d in enumerate(result.decisions, 1):
        assert f"{number}. {d.title}" in handout
        if d.better:
            assert f"Better option: {d.better['label']}" in handout
    for appendix_only in ('class="events"', 'class="chart"', 'class="decision '):
        assert appendix_only not in html[start:appendix] and appendix_only in html[appendix:]
    style = html[html.index("<style>"):html.index("</style>")]
    assert re.search(r"@media print \{.*\.appendix \{ break-before: page; \}", style, re.S)


def test_workshop_page_names_the_case_and_each_sub_scores_maximum(store) -> None:
    from game.results import workshop as ws

    loaded = load_case(NESTLE)
    w = ws.create(store, "Friday", loaded.case.id, ["A", "B"])
    session, _ = play(store, loaded.case, loaded.path, 1, "best", team="A", workshop=w.id)
    result = score(session)
    text = page_text(workshop_html(store, w)).text
    assert f"Case : {loaded.case.title}" in text and f"Case : {loaded.case.id}" not in text
    for name, part in result.breakdown.items():
        label = name.replace("_", " ").capitalize()
        assert f"{label} / {part.max}" in text, label


def test_every_chart_shows_hostile_text_as_text() -> None:
    """Names, titles, notes and labels with markup in them stay text in every chart: each chart is
    well-formed XML whose texts and attributes read back exactly as typed."""
    import xml.etree.ElementTree as ET

    from game.results import svg

    evil = '"><script>alert(1)</script><svg onload="x" & \''
    charts = [
        svg.timeline([(0, {"sentiment": 50.0}), (60, {"sentiment": 60.0})], 120, {"sentiment": evil},
                     [(30, "1", evil)], [(40, "2", evil)], label=evil, axis=evil, clock=lambda t: evil),
        svg.scores([(evil, 50.0), ("b", 60.0)], evil),
        svg.spread([(evil, 40.0), ("b", 60.0)], 45.0, 50.0, 55.0, evil),
        svg.meter(3.0, 10.0, evil),
    ]
    for chart in charts:
        root = ET.fromstring(str(chart))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert not [e for e in root.iter() if e.tag.endswith("script") or "onload" in e.attrib]
        texts = [e.text or "" for e in root.iter()] + list(root.attrib.values())
        assert any(evil in text for text in texts)
    timeline = ET.fromstring(str(charts[0]))
    titles = [e.text for e in timeline.iter("{http://www.w3.org/2000/svg}title")]
    assert f"1. {evil} ({evil})" in titles and f"✎ 2 ({evil}): {evil}" in titles



def written_round(store: ResultStore, lang: str, remedy: str) -> tuple[str, object]:
    """Kryptonite played with a written answer to "What do we offer owners?" (the first option
    elsewhere); as soon as it is published the facilitator, Ana, ticks its "how" key point, as
    the host's console can. Returns the round's page and the case."""
    case = load_case(SCENARIOS / "kryptonite-2004", lang).case
    session, recording = start(store, case, SCENARIOS / "kryptonite-2004", 3, team="Red")
    while not session.state.ended:
        for d in session.open_decisions:
            if d.id == "remedy":
                session.write("remedy", remedy)
                session.override("remedy", key_points={"how": True}, by="Ana")
            else:
                session.decide(d.id, d.options[0].id)
        session.step()
    return round_html(store, store.session(recording.session_id)), case


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_written_answer_shows_its_marked_phrases_what_was_missing_the_best_answer_and_who_changed_what(
        store, lang: str) -> None:
    hostile = "<script>alert(1)</script>"
    remedy = {"en": f"We're sorry. {hostile} We will exchange every tubular lock free.",
              "fr": f"Pardon. {hostile} Nous échangerons gratuitement chaque antivol à clé tubulaire."}[lang]
    html, case = written_round(store, lang, remedy)
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    start_at = html.index('id="decision-remedy"')
    section = html[start_at:html.index('<div class="decision', start_at + 1)]
    text = page_text(section).text
    # The phrase that made the apology is marked, titled with what it means in SCCT terms.
    phrase, meaning = {"en": ("sorry", "apology: takes full responsibility"),
                       "fr": ("Pardon", "excuses publiques\xa0: assume")}[lang]
    assert re.search(rf'<mark title="{re.escape(meaning)}[^"]*">{phrase}</mark>', section), section
    decision = next(d for d in case.decisions if d.id == "remedy")
    labels = {p.id: p.label for p in decision.key_points}
    missing, changed = {"en": ("Missing", "changed by Ana"), "fr": ("Manque", "modifié par Ana")}[lang]
    assert f"{missing} ✘ {labels['no-receipt']}" in text, text
    # Ana's tick is said beside the key point and in the list of changes.
    assert f"{labels['how']} {changed}" in text and text.count(changed) >= 2
    best = {"en": "The authored best answer", "fr": "La meilleure réponse écrite par l'auteur"}[lang]
    assert any(f"{best}{colon}{o.label} {' '.join(o.post.split())}" in text
               for o in decision.options if o.post for colon in (": ", " : ")), text
    # The handout names the missing point and the change too, before the appendix.
    handout = page_text(html[:html.index('id="appendix"')]).text
    assert labels["no-receipt"] in handout and {"en": "1 finding changed by a person",
                                                "fr": "1 constat modifié par une personne"}[lang] in handout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_handout_words_a_written_answer_as_read_not_as_an_option_taken(store, lang: str) -> None:
    remedy = {"en": "We're sorry. We will exchange every tubular lock free, whatever its age, no receipt needed. "
                    "Register on this site from Wednesday.",
              "fr": "Pardon. Nous échangerons gratuitement chaque antivol à clé tubulaire, quel que soit son âge, "
                    "sans ticket. Inscription sur ce site dès mercredi."}[lang]
    html, case = written_round(store, lang, remedy)
    handout = html[:html.index('id="appendix"')]
    title = next(d.title for d in case.decisions if d.id == "remedy")
    row = page_text(next(r for r in handout.split("<tr")[1:] if title in r)).text
    as_read = {"en": "As read, the text is as good as the best authored answer.",
               "fr": "Telle qu’elle a été lue, la réponse vaut la meilleure réponse écrite par l’auteur."}[lang]
    taken = {"en": "The best option was taken.", "fr": "La meilleure option a été choisie."}[lang]
    assert as_read in row and taken not in row, row
