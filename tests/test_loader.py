"""Every kind of validation problem is reported with the file, the exact line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine.diagnostics import CaseError
from game.engine.loader import check_file, load_case
from game.engine.model import Case, CONDITION_KEYS, Effects
from game.engine.conditions import CONDITIONS, EFFECTS, explain_effects

from conftest import TINY

SOURCE = (TINY / "scenario.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes) -> Path:
    file = tmp_path / "scenario.yaml"
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(text, encoding="utf-8")
    return file


def mangle(old: str, new: str) -> str:
    assert SOURCE.count(old) == 1, f"the tiny case must contain {old!r} exactly once"
    return SOURCE.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


CASES = [
    # (what the author wrote wrong, replace this, with this, line holds, expected message)
    ("unknown persona", "author: parent\n    text: \"My", "author: parnt\n    text: \"My", "author: parnt",
     "error: unknown persona 'parnt' (did you mean 'parent'?)"),
    ("unknown channel", "channel: tweets\n    author: parent", "channel: tweet\n    author: parent",
     "channel: tweet\n", "error: unknown channel 'tweet' (did you mean 'tweets'?)"),
    ("misspelt strategy", "strategy: denial", "strategy: deni", "strategy: deni",
     "(did you mean 'denial'?)"),
    ("unknown field", "prompt: What do we say", "promt: What do we say", "promt:",
     "error: unknown field 'promt' (did you mean 'prompt'?)"),
    ("bad type", "followers: 20000", "followers: lots", "followers: lots",
     "error: followers: Input should be a valid integer"),
    ("ambiguous time", 'time_limit: "00:05:00"', "time_limit: 5:00", "time_limit: 5:00",
     "error: time_limit: '5:00' is ambiguous"),
    ("bare number as time", 'at: "00:03:00"', "at: 180", "at: 180",
     "error: at: a bare number (180) is ambiguous as a time"),
    ("condition names a missing option", "chose: statement.recall", "chose: statement.recal", "chose: statement.recal",
     "error: unknown option of 'statement': 'recal' (did you mean 'recall'?)"),
    ("effect triggers a missing inject", "set_flags: [recalled]", "set_flags: [recalled], trigger: [press-cal]",
     "trigger: [press-cal]", "error: unknown inject or decision 'press-cal' (did you mean 'press-call'?)"),
    ("metric typo in a condition", 'metric: "visibility >= 40"', 'metric: "visibilty >= 40"', "visibilty",
     "error: unknown metric 'visibilty' (did you mean 'visibility'?)"),
    ("bad id", "  - id: follow-up", "  - id: Follow Up", "id: Follow Up",
     "error: id: 'Follow Up' is not a valid id"),
    ("duplicate id", "  - id: follow-up", "  - id: statement", "id: statement\n    when",
     "error: id 'statement' is already used by an inject or decision"),
    ("enum value", "stance: critical, temperament", "stance: angry, temperament", "stance: angry",
     "error: stance: 'angry' is not one of: hostile, critical, neutral, supportive, loyal"),
    ("duplicate key", "title: Follow-up\n", "title: Follow-up\n    title: Again\n", "title: Again",
     "error: duplicate key 'title'"),
    ("python tag", "    text: What is going on with the yoghurt?",
     "    text: !!python/object/apply:os.system [echo]", "!!python", "error: tag"),
    ("alias", "  - id: boss-worry", "  - id: &x boss-worry\n    subject: *x", "&x boss-worry", "error: this value is reused"),
    ("decision never fires", '    at: "00:03:00"\n    author: boss', "    author: boss", "  - id: statement",
     "error: 'statement' never happens"),
    ("time after the end", 'at: "00:12:00"', 'at: "01:12:00"', 'at: "01:12:00"',
     "error: 'boss-worry' is set at 01:12:00, after the case ends at 00:20:00"),
    ("ending without when shadows the next", "    kind: mixed\n    when: {decided: statement}\n", "    kind: mixed\n",
     "  - id: bruised",
     "error: ending 'bruised' has no `when`, so the endings after it can never be reached"),
    ("last ending has a condition", "    kind: failure\n", "    kind: failure\n    when: {flag: recalled}\n",
     "when: {flag: recalled}", "error: the last ending must have no `when`"),
    ("microblog post too long", 'post: "Our labels are accurate."', 'post: "' + "x" * 300 + '"', 'post: "xxx',
     "warning: post is 300 characters; tweets takes 280"),
    ("flag nobody sets", "chose: statement.recall", "flag: recalld", "flag: recalld",
     "warning: no option or inject ever sets flag 'recalld'"),
    ("published post without channel", "        channel: page\n        post: Bring", "        post: Bring",
     "- id: inform", "error: a published `post` needs the `channel` it goes to"),
    ("closing an inbox channel", "        channel: page\n        post: \"20% off",
     "        channel: phone\n        closes_channel: true\n        post: \"20% off", "closes_channel: true",
     "error: 'phone' is an inbox channel (phone): there is no public to close"),
    ("closing without a channel", "        channel: page\n        post: \"20% off",
     "        closes_channel: true\n        post: \"20% off", "closes_channel: true",
     "error: `closes_channel` closes the channel the post goes on: give the option a `channel`"),
    ("old flag closes the channel", "effects: {metrics: {sentiment: -5}}",
     "effects: {metrics: {sentiment: -5}, set_flags: [page_closed]}", "set_flags: [page_closed]",
     "warning: setting the flag 'page_closed' closes the channel only by the old convention: write "
     "`closes_channel: true`"),
    ("missing metric", "metrics: {sentiment: 55, visibility: 10, trust: 65, media: 0}",
     "metrics: {sentiment: 55, visibility: 10, trust: 65}", "metrics:", "error: metrics: missing metric(s): media"),
]


@pytest.mark.parametrize("what,old,new,needle,message", CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_reported_at_its_line(tmp_path, what, old, new, needle, message):
    text = mangle(old, new)
    file = write(tmp_path, text)
    problems = [str(d) for d in check_file(file)]
    expected_line = line_of(text, needle)
    assert any(p.startswith(f"{file}:{expected_line}:") and message in p for p in problems), problems


def test_missing_field_points_at_its_parent(tmp_path):
    text = mangle("    title: First public answer\n", "")
    file = write(tmp_path, text)
    [problem] = check_file(file)
    assert str(problem) == f"{file}:{line_of(text, '- id: statement') }:5: error: missing required field 'title'"


def test_all_problems_are_collected_in_one_pass(tmp_path):
    text = SOURCE.replace("strategy: denial", "strategy: deni").replace("followers: 20000", "followers: lots")
    text = text.replace("prompt: What do we say", "promt: What do we say")
    assert len(check_file(write(tmp_path, text))) == 4  # the rename also leaves 'prompt' missing


def test_yaml_11_surprises_are_disabled(tmp_path):
    # `no` stays text (a valid id), `1:30` is not silently 90.
    text = mangle("  - id: fast", "  - id: no")
    assert check_file(write(tmp_path, text)) == []


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "error: the file is empty"),
        (b"\xff\xfeid: x\n", "error: the file is not UTF-8 text"),
        (b"id: tiny\n\ttitle: x\n", "use spaces, not tabs"),
        (b"- just\n- a list\n", "error: a case file is a mapping"),
    ],
)
def test_broken_files(tmp_path, content, message):
    [problem] = check_file(write(tmp_path, content))
    assert message in str(problem)


def test_bom_is_accepted(tmp_path):
    assert check_file(write(tmp_path, b"\xef\xbb\xbf" + SOURCE.encode())) == []


def test_missing_file_and_folder(tmp_path):
    [missing] = check_file(tmp_path / "nothing.yaml")
    assert "no such file" in str(missing)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert "no scenario.yaml in this folder" in str(info.value)
    (tmp_path / "dir.yaml").mkdir()
    assert "a folder, not a case file" in str(check_file(tmp_path / "dir.yaml")[0])


def test_every_condition_key_and_effect_has_one_registry_entry():
    assert set(CONDITION_KEYS) == set(CONDITIONS)
    assert set(Effects.model_fields) == set(EFFECTS)


def test_the_effects_registry_checks_and_explains_what_an_effect_names(tmp_path):
    text = (TINY / "scenario.yaml").read_text(encoding="utf-8")
    effects = "effects: {metrics: {trust: 5}}"
    assert effects in text
    bad = text.replace(effects, "effects: {metrics: {trusst: 5}, cancel: [nowhere]}", 1)
    (tmp_path / "scenario.yaml").write_text(bad, encoding="utf-8")
    found = [(d.code, d.message) for d in check_file(tmp_path / "scenario.yaml")]
    assert ("unknown-ref", "unknown metric 'trusst' (did you mean 'trust'?)") in found
    assert ("unknown-ref", "unknown inject or decision 'nowhere'") in found
    assert explain_effects(Effects(metrics={"trust": 5}, set_flags=["recalled"], spread=0.5)) == \
        "trust +5; sets recalled; spread ×0.5"


def test_tiny_case_is_clean():
    assert check_file(TINY / "scenario.yaml") == []
    assert isinstance(load_case(TINY).case, Case)


def test_yaml_syntax_error_names_where_the_construct_started(tmp_path):
    text = mangle("    text: What is going on with the yoghurt?", "    text: [What is going on")
    [problem] = check_file(write(tmp_path, text))
    assert f"flow sequence started on line {line_of(text, 'text: [What')}" in str(problem)
    assert str(problem).startswith(f"{tmp_path / 'scenario.yaml'}:{line_of(text, 'text: [What') + 1}:")


def _problems(tmp_path, old, new):
    assert old in SOURCE, old
    (tmp_path / "scenario.yaml").write_text(SOURCE.replace(old, new, 1), encoding="utf-8")
    return [str(d) for d in check_file(tmp_path / "scenario.yaml")]


def test_an_unknown_field_says_where_it_is_allowed(tmp_path):
    found = _problems(tmp_path, "  - id: boss-worry\n", "  - id: boss-worry\n    variants: []\n")
    line = SOURCE.splitlines().index("  - id: boss-worry") + 2
    assert found == [f"{tmp_path / 'scenario.yaml'}:{line}:5: error: unknown field 'variants' here: it is "
                     "allowed only in options and replies"]


def test_a_colon_in_an_unquoted_text_gets_the_quoting_hint(tmp_path):
    role = next(line for line in SOURCE.splitlines() if line.startswith("role: "))
    found = _problems(tmp_path, role, "role: Note: you answer the phone")
    assert len(found) == 1 and "mapping values are not allowed" in found[0]
    assert "a text that contains ': ' must be quoted" in found[0]


def test_an_old_case_closing_its_page_by_the_flag_still_closes_it_and_the_new_field_is_quiet(tmp_path):
    old = mangle("effects: {metrics: {sentiment: -5}}", "effects: {metrics: {sentiment: -5}, set_flags: [page_closed]}")
    loaded = load_case(write(tmp_path, old))
    promo = loaded.case.decisions[1].options[1]
    assert promo.closes_channel
    assert [d.code for d in loaded.warnings] == ["page-closed-flag"]
    new = old.replace("        effects: {metrics: {sentiment: -5}, set", "        closes_channel: true\n        effects: "
                      "{metrics: {sentiment: -5}, set")
    assert load_case(write(tmp_path, new)).warnings == ()
    opted_out = new.replace("closes_channel: true", "closes_channel: false")
    assert not load_case(write(tmp_path, opted_out)).case.decisions[1].options[1].closes_channel


def test_a_reaction_can_answer_only_what_the_leader_says(tmp_path):
    text = mangle("effects: {metrics: {sentiment: -5}}", "effects: {metrics: {sentiment: -5}}\n        speaker: team")
    case = load_case(write(tmp_path, text)).case
    promo, inform = case.decisions[1].options[1], case.decisions[1].options[0]
    from game.engine.model import ReactionTrigger

    assert promo.speaker == "team" and inform.speaker is None
    leader_only = ReactionTrigger(speakers=["leader"])
    assert not leader_only.matches(promo, "follow-up.promo") and not leader_only.matches(inform, "follow-up.inform")
    assert ReactionTrigger(speakers=["team", "leader"]).matches(promo, "follow-up.promo")
    bad = write(tmp_path, mangle("effects: {metrics: {sentiment: -5}}",
                                 "effects: {metrics: {sentiment: -5}}\n        speaker: ceo"))
    [problem] = check_file(bad)
    assert problem.line == line_of(bad.read_text(), "speaker: ceo") and "'ceo' is not one of: leader, spokesperson, team" \
        in str(problem)
