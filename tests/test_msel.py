"""`crisis-sim import-msel`: a planners' events list becomes a case that validates and plays."""

from __future__ import annotations

from game.cli import main
from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.scoring import score

from conftest import ROOT

FRENCH = ROOT / "tests" / "data" / "msel-fr.csv"


def test_a_french_semicolon_msel_with_clock_times_becomes_a_playable_case(tmp_path, capsys):
    out = tmp_path / "opsec"
    assert main(["import-msel", str(FRENCH), "--out", str(out), "--lang", "fr"]) == 0
    assert main(["validate", str(out)]) == 0
    case = load_case(out).case
    assert case.language == "fr"
    assert [(i.at, i.channel, i.author) for i in case.injects] == [
        (0, "twitter", "lecteur_inquiet"), (600, "courriel", "journaliste-le-quotidien"),
        (1500, "facebook", "famille-martin"), (2400, "twitter", "lecteur_inquiet"),
    ]
    kinds = {c.id: c.kind.value for c in case.channels}
    assert kinds == {"twitter": "microblog", "courriel": "email", "facebook": "social_page"}
    assert case.injects[1].text == "Pouvez-vous confirmer des blessés lors de l'incident de cette nuit ?"
    # each expected action is a decision handling its row, opened a minute after it
    assert [(d.id, d.at) for d in case.decisions] == [("action-3", 660), ("action-4", 1560)]
    assert case.injects[1].handled_by == ["action-3"] and case.injects[1].signal
    assert case.decisions[0].options[0].label == "Répondre sans confirmer avant l'information des familles"
    best, silent = score(play(case, 1, "best")), score(play(case, 1, "silent"))
    assert best.ending["id"] == "handled" and best.score > silent.score
    text = (out / "scenario.yaml").read_text(encoding="utf-8")
    assert "TODO" in text and "# row 3" in text and "Attendre de voir" in text


def test_english_comma_msel_with_offsets(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text(
        "Inject #,Time,From,Method,Message,Expected Action,Subject\n"
        "1,T+0,Customer,Facebook page,\"My parcel is lost, again\",,\n"
        "2,T+5,Reporter,Email,Any comment on the lost parcels?,Reply with facts,Lost parcels\n"
        "3,15m,Customer,Facebook page,Still waiting.,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "parcels"
    assert main(["import-msel", str(csv), "--out", str(out)]) == 0
    case = load_case(out).case
    assert [(i.at, i.channel, i.text) for i in case.injects] == [
        (0, "facebook-page", "My parcel is lost, again"), (300, "email", "Any comment on the lost parcels?"),
        (900, "facebook-page", "Still waiting."),
    ]
    assert case.injects[1].subject == "Lost parcels"
    assert not case.injects[0].signal and case.injects[1].signal


def test_bad_rows_are_reported_with_line_and_column_and_nothing_is_written(tmp_path, capsys):
    csv = tmp_path / "broken.csv"
    csv.write_text("time,channel,author,text\n00:05,Twitter,Ann,Hello\nsoon,Twitter,Ann,Hi\n00:09,Twitter,,Hey\n",
                   encoding="utf-8")
    out = tmp_path / "broken-case"
    assert main(["import-msel", str(csv), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{csv}:3:1: error: time 'soon': write it as 00:15, T+15, 15m or a clock time such as 09:15",
        f"{csv}:4:3: error: empty author",
    ]
    assert not out.exists()
    csv.write_text("when,who,what\n1,2,3\n", encoding="utf-8")
    assert main(["import-msel", str(csv), "--out", str(out)]) == 1
    assert "no column for channel, author, text" in capsys.readouterr().err


def test_blank_signal_cells_own_actions_and_internal_emails(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text(
        "time,channel,author,text,expected action,signal,own action\n"
        "00:00,Twitter,Ann,Your van hit my car.,,yes,\n"
        "00:05,Twitter,Bob,Saw it too.,,,\n"
        "00:10,Email,Boss,Can we say anything yet?,Brief the boss,,\n"
        "00:20,Twitter,Comms team,We are sorry about the accident and are talking to Ann.,,,x\n",
        encoding="utf-8",
    )
    out = tmp_path / "van"
    assert main(["import-msel", str(csv), "--out", str(out)]) == 0
    case = load_case(out).case
    assert [(i.text, i.signal) for i in case.injects] == [
        ("Your van hit my car.", True), ("Saw it too.", False), ("Can we say anything yet?", False)]
    email, own = case.decisions
    # the email is answered by email, from the decision that arrives on it
    assert (email.channel, email.author, email.options[0].channel) == ("email", "boss", "email")
    # the organisation's own action is a decision at its time whose first option publishes it
    assert own.at == 1200 and own.options[0].channel == "twitter"
    assert own.options[0].post == "We are sorry about the accident and are talking to Ann."
    assert "comms-team" not in {p.id for p in case.personas}
    # outside the project, the schema is copied next to the case and the modeline names the copy
    assert (out / "case.schema.json").is_file()
    assert (out / "scenario.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=case.schema.json")


def test_the_skeletons_placeholders_are_warnings_and_fail_strict(tmp_path, capsys):
    out = tmp_path / "opsec"
    assert main(["import-msel", str(FRENCH), "--out", str(out), "--lang", "fr"]) == 0
    capsys.readouterr()
    assert main(["validate", str(out)]) == 0
    assert main(["validate", "--strict", str(out)]) == 1
    report = capsys.readouterr().out
    text = (out / "scenario.yaml").read_text(encoding="utf-8").splitlines()
    briefing = next(n for n, line in enumerate(text, 1) if line.startswith("briefing: |"))
    assert f"scenario.yaml:{briefing}:11: warning: briefing is still a placeholder (TODO)" in report
