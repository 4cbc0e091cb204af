"""Written replies to answerable posts: published under the post, assessed like a decision's text,
driving the round like the closest authored reply, scored, shown in the debrief and replayed."""

from __future__ import annotations

import pytest

from game.engine.loader import load_case
from game.engine.log import replay
from game.engine.scoring import score
from game.engine.session import EngineError, Session
from game.engine.state import Post
from tests.test_assess_session import Recorder

KRYPTONITE = "scenarios/kryptonite-2004"
OPSEC = "scenarios/armed-forces-opsec"

SAL = {  # a good reply to the shop owner who pulled the locks: backs him, gives him a line to call
    "en": "Sal, you're right to take them off the floor, and thank you for saying so. Call me on my "
          "direct line today: shops will hear our plan before it is public.",
    "fr": "Sal, vous avez raison de les retirer du rayon, et merci de l'avoir dit. Appelez ma ligne "
          "directe aujourd'hui : les magasins connaîtront notre plan avant le public.",
}
KEEP_SELLING = {  # the same shop owner, asked to keep selling: the red line of the post
    "en": "Sal, please keep selling them: our locks remain a strong deterrent.",
    "fr": "Sal, continuez à vendre nos antivols : ils restent très dissuasifs.",
}


def until_post(session: Session, inject: str) -> Post:
    while not any(p.inject == inject for p in session.feed):
        session.step()
    return next(p for p in session.feed if p.inject == inject)


def reply_round(lang: str, text: str | None, *, choose: str | None = None) -> tuple[Session, Recorder]:
    """Kryptonite, seed 3: reply to the shop owner in writing (or choose ``choose``), then silence to the end."""
    recorder = Recorder()
    session = Session(load_case(KRYPTONITE, lang).case, seed=3, log=recorder)
    post = until_post(session, "forum-pileon")
    if text is not None:
        session.reply(post.id, text)
    elif choose is not None:
        session.triage(post.id, "answer", choose)
    session.end()
    return session, recorder


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_written_reply_is_published_under_the_post_and_plays_like_the_closest_reply(lang: str) -> None:
    written, recorder = reply_round(lang, SAL[lang])
    chosen, _ = reply_round(lang, None, choose="sal-thanks")
    post = next(p for p in written.feed if p.inject == "forum-pileon")
    ours = [p for p in written.feed if p.author == "organisation"]
    assert [p.text for p in ours] == [SAL[lang]]
    assert ours[0].reply_to == post.id and ours[0].channel == post.channel
    reply = written.written_replies[post.id]
    assert reply.closest == "sal-thanks"
    assert reply.assessment.key_points == {"back-him": True, "direct-line": True}
    assert reply.assessment.red_lines == {"keep-selling": False}
    # The post counts as answered (a caught signal), and the round goes as with the authored reply.
    assert written.state.triage[post.id][0] == "answer" and post.id in written.state.caught_at
    assert "forum-pileon" in written.state.answered
    assert written.state.metrics == chosen.state.metrics
    assert [p.author for p in written.feed if p.t > post.t and p.author != "organisation"][:20] == \
           [p.author for p in chosen.feed if p.t > post.t and p.author != "organisation"][:20]
    assert recorder.inputs[0]["kind"] == "reply" and recorder.inputs[0]["text"] == SAL[lang]
    # Replay gives the same round, the same score and the same review.
    again = replay(written.case, 3, recorder.inputs)
    assert score(again).to_json() == score(written).to_json()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_reply_crossing_the_posts_red_line_counts_for_nothing(lang: str) -> None:
    good, _ = reply_round(lang, SAL[lang])
    bad, _ = reply_round(lang, KEEP_SELLING[lang])
    good_result, bad_result = score(good), score(bad)
    (good_review,), (bad_review,) = good_result.replies, bad_result.replies
    assert bad_review["red_lines"] == [{"id": "keep-selling", "label": bad.injects["forum-pileon"].red_lines[0].label,
                                        "found": True, "words": bad_review["red_lines"][0]["words"]}]
    assert bad_review["red_lines"][0]["words"].lower() in KEEP_SELLING[lang].lower()
    assert bad_review["value"] == 0 < good_review["value"]
    assert bad_review["closest"]["option"] == "sal-keep-selling"
    assert bad_result.breakdown["tone_and_channel"].points < good_result.breakdown["tone_and_channel"].points
    assert "red line" in bad_result.breakdown["tone_and_channel"].why[-1].text
    # The review shows the post answered, the text with what was read, and the best authored reply.
    assert good_review["post"]["text"] == next(p.text for p in good.feed if p.inject == "forum-pileon")
    assert good_review["text"] == SAL[lang]
    assert good_review["best"]["option"] == "sal-thanks" and good_review["best"]["post"]
    assert all(SAL[lang][slice(*f["spans"][0])] == f["words"] for f in good_review["evidence"])


def test_the_limit_is_hard_and_a_choose_case_refuses_written_replies() -> None:
    session = Session(load_case(OPSEC, "en").case, seed=2)
    post = until_post(session, "rumour-start")
    limit = session.channels[post.channel].limit
    assert limit == 280
    with pytest.raises(EngineError, match="characters"):
        session.reply(post.id, "x" * (limit + 1))
    with pytest.raises(EngineError, match="empty"):
        session.reply(post.id, "   ")
    session.reply(post.id, "x" * limit)  # exactly the limit is allowed, as on the network
    nestle = Session(load_case("scenarios/nestle-kitkat-2010", "en").case, seed=1)
    while not any(p.author != "organisation" for p in nestle.feed):
        nestle.step()
    with pytest.raises(EngineError, match="chosen reply"):
        nestle.reply(nestle.feed[0].id, "Thank you")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_reply_to_the_mp_naming_the_sergeant_crosses_a_red_line_and_his_question_counts(lang: str) -> None:
    session = Session(load_case(OPSEC, lang).case, seed=2)
    post = until_post(session, "kast-share")
    text = {"en": "@ruben_kast_mp The video is from 2016, filmed in another country. Sgt Varenne is safe.",
            "fr": "@ruben_kast_mp Cette vidéo date de 2016, tournée dans un autre pays. Le sergent Varenne va bien."}[lang]
    session.reply(post.id, text)
    read = session.written_replies[post.id].assessment
    assert read.key_points == {"video-old": True, "sable-holds": False}
    assert read.red_lines["name-before-kin"] and not read.red_lines["attack-mp"]
    # The MP asked why the army is silent: the reply does not take it up.
    assert read.unanswered == [q for q in read.unanswered if "?" in q] and len(read.unanswered) == 1
    assert "@ValmeriaArmy" in read.unanswered[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_decisions_unanswered_questions_are_the_publics_not_the_bosss(lang: str) -> None:
    from game.engine.assess import answered_text, assess_answer

    case = load_case(OPSEC, lang).case
    decision = next(d for d in case.decisions if d.id == "families")
    assert "?" in decision.prompt  # the boss asks the team what to post
    asked = answered_text(case, decision)
    read = assess_answer("Thanks.", decision, lang, post=asked)
    assert read.unanswered and not any(q in decision.prompt for q in read.unanswered)
    assert all(q in asked for q in read.unanswered)
    assert assess_answer("Thanks.", decision, lang).unanswered == []  # no post given: nothing asked
