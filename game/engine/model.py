"""The case format: what an author writes in ``scenario.yaml``.

Every field has a description: it is the hover text editors show from the JSON Schema, and the
reference in docs/scenario-format.md is written from the same words.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from game.timefmt import JSON_PATTERN, format_time, parse_time

FORMAT_VERSION: Literal[1] = 1
MAX_DURATION = 12 * 3600
"""Longest round, in simulated seconds."""

# --- small types --------------------------------------------------------------------------

_ID_RE = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[
    str,
    Field(pattern=_ID_RE, max_length=64, description="A short name: lower-case letters, digits, '-' and '_'."),
]

# The one time parser and formatter live in game.timefmt; the case format keeps its
# historical names for them.
format_duration = format_time
parse_duration = parse_time


Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": JSON_PATTERN,
            "description": "A simulated time: \"HH:MM:SS\" or \"90s\", \"5m\", \"1h30m\".",
            "examples": ["00:05:00", "90s", "5m"],
        }
    ),
]


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def check_image_path(value: str) -> str:
    """An image path as written in a case: relative to the case folder, inside it, PNG or JPEG.

    Only the spelling is checked here (the model never touches the disk); the loader then checks,
    with the case folder at hand, that the file is inside it after links are followed, exists, is
    readable and is a real PNG or JPEG of a sensible size.

    Raises:
        ValueError: saying what to write instead.
    """
    if not value.strip():
        raise ValueError("an empty path: give the image's file, e.g. images/boss.png")
    if "://" in value or value.startswith(("data:", "mailto:")):
        raise ValueError(f"{value!r} is a web address: an image must be a file in the case folder")
    if "\\" in value:
        raise ValueError(f"'{value}': write paths with '/', not '\\'")
    if value.startswith("/") or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"{value!r} is an absolute path: give the path from the case folder, e.g. images/boss.png")
    if ".." in value.split("/"):
        raise ValueError(f"{value!r} leaves the case folder ('..'): images must be inside the case folder")
    if not value.lower().endswith(IMAGE_SUFFIXES):
        raise ValueError(f"{value!r}: only PNG and JPEG images can be used (.png, .jpg, .jpeg)")
    return value


ImagePath = Annotated[
    str,
    AfterValidator(check_image_path),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 200,
            "pattern": r"^(?![/\\])(?![A-Za-z]:)(?!.*://)(?!(.*/)?\.\.(/|$))[^\\]+\.([pP][nN][gG]|[jJ][pP][eE]?[gG])$",
            "description": "A PNG or JPEG file in the case folder, e.g. \"images/boss.png\".",
            "examples": ["images/boss.png"],
        }
    ),
    Field(max_length=200),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- vocabulary ---------------------------------------------------------------------------


class Cluster(StrEnum):
    """SCCT crisis clusters (Coombs 2007), by how much responsibility stakeholders attribute."""

    victim = "victim"
    accidental = "accidental"
    preventable = "preventable"


class CrisisKind(StrEnum):
    """SCCT crisis types."""

    natural_disaster = "natural_disaster"
    rumour = "rumour"
    workplace_violence = "workplace_violence"
    product_tampering = "product_tampering"
    challenge = "challenge"
    technical_error_accident = "technical_error_accident"
    technical_error_product_harm = "technical_error_product_harm"
    human_error_accident = "human_error_accident"
    human_error_product_harm = "human_error_product_harm"
    organisational_misdeed = "organisational_misdeed"


class Strategy(StrEnum):
    """SCCT response strategies (Coombs 2007), plus saying nothing."""

    attack_accuser = "attack_accuser"
    denial = "denial"
    scapegoat = "scapegoat"
    excuse = "excuse"
    justification = "justification"
    compensation = "compensation"
    apology = "apology"
    reminder = "reminder"
    ingratiation = "ingratiation"
    victimage = "victimage"
    instructing_information = "instructing_information"
    adjusting_information = "adjusting_information"
    no_comment = "no_comment"


class Tone(StrEnum):
    """How a message sounds. The rubric rewards a participant's voice, not an advertiser's."""

    empathetic = "empathetic"
    factual = "factual"
    humble = "humble"
    neutral = "neutral"
    humorous = "humorous"
    corporate = "corporate"
    promotional = "promotional"
    defensive = "defensive"
    hostile = "hostile"
    sarcastic = "sarcastic"


class Verdict(StrEnum):
    """An author's judgement of an option, beyond what the SCCT rubric sees."""

    good = "good"
    fair = "fair"
    poor = "poor"


class Stance(StrEnum):
    """What a persona thinks of the organisation, from worst to best."""

    hostile = "hostile"
    critical = "critical"
    neutral = "neutral"
    supportive = "supportive"
    loyal = "loyal"


STANCE_ORDER: tuple[Stance, ...] = tuple(Stance)


class Temperament(StrEnum):
    """How readily a persona reacts: calm people rarely answer back, volatile ones always do."""

    calm = "calm"
    measured = "measured"
    passionate = "passionate"
    volatile = "volatile"


class PersonaKind(StrEnum):
    """Who a persona is, for reactions that target kinds of people (news outlets do not cheer)."""

    public = "public"
    press = "press"
    employee = "employee"
    activist = "activist"


class Speaker(StrEnum):
    """Who says an option's message: in a grave crisis the leader is expected to speak in person."""

    leader = "leader"
    spokesperson = "spokesperson"
    team = "team"


class ChannelKind(StrEnum):
    """Kinds of channel. Feed channels show posts; inbox channels bring messages to the team."""

    microblog = "microblog"
    social_page = "social_page"
    video = "video"
    forum = "forum"
    blog = "blog"
    news = "news"
    email = "email"
    phone = "phone"
    message = "message"


INBOX_KINDS = frozenset({ChannelKind.email, ChannelKind.phone, ChannelKind.message})
DEFAULT_MAX_LENGTH = {ChannelKind.microblog: 280}

CORE_METRICS = ("sentiment", "visibility", "trust", "media")

# --- conditions and effects ---------------------------------------------------------------


class Condition(_Model):
    """When something happens. Several keys in one condition must all hold.

    Examples: ``{metric: "visibility >= 60"}``, ``{flag: comments_deleted}``,
    ``{chose: "first-statement.apologise"}``, ``{any: [{fired: bbc}, {after: "00:30:00"}]}``.
    """

    all: list[Condition] | None = Field(None, description="Every condition in the list holds.")
    any: list[Condition] | None = Field(None, description="At least one condition in the list holds.")
    not_: Condition | None = Field(None, alias="not", description="The condition does not hold.")
    flag: Id | None = Field(None, description="This flag is set (options and injects set flags).")
    metric: str | None = Field(
        None,
        description="A comparison of a metric with a number, e.g. \"sentiment < 30\" or \"media >= 50\".",
        pattern=r"^\s*[a-z_]+\s*(<=|>=|<|>|==|!=)\s*-?\d+(\.\d+)?\s*$",
    )
    chose: str | None = Field(
        None, description="This option was chosen, written \"decision-id.option-id\".", pattern=r"^[a-z0-9_-]+\.[a-z0-9_-]+$"
    )
    decided: Id | None = Field(None, description="This decision was answered in time (any option).")
    timed_out: Id | None = Field(None, description="This decision ran out of time with no answer.")
    fired: Id | None = Field(None, description="This inject or decision has appeared.")
    flagged: Id | None = Field(None, description="The trainee flagged this inject's post as a signal.")
    answered: Id | None = Field(None, description="The trainee answered this inject's post.")
    after: Duration | None = Field(None, description="The simulated clock has reached this time.")
    before: Duration | None = Field(None, description="The simulated clock has not reached this time yet.")

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set:
            raise ValueError("an empty condition: give at least one of " + ", ".join(CONDITION_KEYS))
        return self


CONDITION_KEYS = tuple(
    (info.alias or name) for name, info in Condition.model_fields.items()
)


class InjectAfter(_Model):
    """An inject to fire some time after the effect."""

    inject: Id = Field(description="The inject to fire.")
    after: Duration = Field(description="How long after the effect it fires.")


Trigger = Annotated[
    Annotated[str, Tag("id"), Field(pattern=_ID_RE)] | Annotated[InjectAfter, Tag("later")],
    Discriminator(lambda v: "id" if isinstance(v, str) else "later"),
]


class Effects(_Model):
    """What an option, an inject or a timeout changes."""

    metrics: dict[str, float] = Field(
        default_factory=dict, description="Changes to metrics, e.g. {sentiment: +8, trust: -5}."
    )
    set_flags: list[Id] = Field(default_factory=list, description="Flags to set (conditions test them with `flag`).")
    clear_flags: list[Id] = Field(default_factory=list, description="Flags to clear.")
    trigger: list[Trigger] = Field(
        default_factory=list, description="Injects or decisions to bring in now, or {inject, after} to bring in later."
    )
    cancel: list[Id] = Field(default_factory=list, description="Injects or decisions that will now never happen.")
    spread: float | None = Field(
        None,
        gt=0,
        le=4,
        description="Multiplies how contagious the story is: above 1 it spreads faster (a clumsy answer), "
        "below 1 it calms down (a good one).",
    )
    heat: float = Field(0, ge=-50, le=50, description="A burst of story activity (positive) or a cool-down (negative).")


# --- people and places --------------------------------------------------------------------


class Organisation(_Model):
    name: str = Field(description="The organisation the trainee speaks for.")
    handle: str = Field(description="Its account name on the feed, e.g. \"@Nestle\".")
    description: str = Field("", description="One or two sentences for the briefing.")
    avatar: ImagePath | None = Field(
        None, description="Picture shown next to the organisation's posts: a PNG or JPEG in the case folder."
    )


class Crisis(_Model):
    """The crisis in the terms of Situational Crisis Communication Theory (Coombs 2007)."""

    cluster: Cluster = Field(description="victim, accidental or preventable: how much the public blames the organisation.")
    kind: CrisisKind | None = Field(None, description="The SCCT crisis type, e.g. challenge, rumour, organisational_misdeed.")
    accusation_is_false: bool = Field(
        False,
        description="True when the rumour or challenge is unfounded: only then do denial and attacking the accuser fit.",
    )
    crisis_history: bool = Field(False, description="Intensifier: the organisation had similar crises before.")
    bad_reputation: bool = Field(False, description="Intensifier: the organisation was already badly regarded.")
    serious_harm: bool = Field(False, description="Victims suffered serious harm: compensation is expected.")
    summary: str = Field("", description="Why the case is classified this way; shown in the debrief.")


class Persona(_Model):
    id: Id
    name: str = Field(description="Display name.")
    handle: str = Field(description="Account name, e.g. \"@greenpeace\".")
    followers: int = Field(ge=0, description="Followers or readers: how far their posts travel.")
    stance: Stance = Field(Stance.neutral, description="What they think of the organisation at the start.")
    influence: float = Field(0.5, ge=0, le=1, description="0 to 1: how much their posts move the story.")
    temperament: Temperament = Field(Temperament.measured, description="How readily they react.")
    kind: PersonaKind = Field(
        PersonaKind.public,
        description="public, press, employee or activist: reactions can target kinds, e.g. praise from the public only.",
    )
    role: str = Field("", description="Who they are, for the debrief (journalist, activist, customer, boss...).")
    avatar: ImagePath | None = Field(
        None, description="Picture shown next to their posts: a PNG or JPEG in the case folder, e.g. images/boss.png."
    )


class Channel(_Model):
    id: Id
    kind: ChannelKind = Field(description="What kind of channel this is.")
    name: str = Field(description="Display name, e.g. \"Facebook page\".")
    max_length: int | None = Field(
        None, gt=0, description="Longest post the channel takes; microblogs default to 280 characters."
    )
    when: Condition | None = Field(
        None,
        description="Open only once this holds, e.g. an account the organisation opens by a choice: until then "
        "no chatter or noise appears on it and no option publishes on it.",
    )

    @property
    def limit(self) -> int | None:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.kind)

    @property
    def is_inbox(self) -> bool:
        return self.kind in INBOX_KINDS


class CrowdMember(_Model):
    name: str = Field(description="Display name of an ordinary member of the public.")
    handle: str = Field(description="Their account name, e.g. \"@jennymarsh\".")
    followers: int = Field(200, ge=0, description="How many people follow them.")


class Objective(_Model):
    id: Id
    text: str = Field(description="A learning objective, as the debrief checks it (and the briefing shows it, "
                                   "unless `player` words it for the players).")
    player: str | None = Field(None, description="The objective as the players read it in the briefing, when "
                                                 "`text` would give the answer away (\"Say plainly where the oil "
                                                 "comes from\" rather than naming the supplier).")
    met_when: Condition | None = Field(None, description="When the objective counts as met.")

    @property
    def for_players(self) -> str:
        """What the briefing shows: the players' wording if the case has one."""
        return self.player or self.text


class Question(_Model):
    id: Id = Field(description="Names the question, so answers from different rounds can be compared.")
    text: str = Field(description="A reflection question asked in the debrief, e.g. \"Which signal did you miss?\"")


class Source(_Model):
    title: str = Field(description="Title of the article, report or book.")
    publisher: str = Field("", description="Who published it.")
    date: str = Field("", description="Publication date, e.g. \"2010-03-19\".")
    url: str = Field("", description="Where to read it.")


def parse_moment(value: Any) -> datetime.datetime:
    """A date and time of the real crisis as an author writes it: ``"2010-03-17T09:00"``.

    Local time, no time zone: the calendar only says what day and hour the story has reached.

    Raises:
        ValueError: saying what to write instead.
    """
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"{text!r} has no time of day: write e.g. \"{text}T09:00\"")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", text):
            raise ValueError(f"{text!r} is not a date and time: write \"YYYY-MM-DDTHH:MM\", e.g. \"2010-03-17T09:00\"")
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a real date and time ({error}): write e.g. \"2010-03-17T09:00\"") from None
    else:
        raise ValueError(f"expected a date and time such as \"2010-03-17T09:00\", got {value!r}")
    if moment.tzinfo is not None:
        raise ValueError("write the local time without a time zone, e.g. \"2010-03-17T09:00\"")
    return moment


Moment = Annotated[
    datetime.datetime,
    BeforeValidator(parse_moment),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$",
            "description": "A date and local time of the real crisis: \"YYYY-MM-DDTHH:MM\".",
            "examples": ["2010-03-17T09:00"],
        }
    ),
]


class CalendarEntry(_Model):
    """A point where the case's clock meets the real crisis's calendar."""

    at: Duration = Field(description="A time on the round's clock, e.g. \"00:12:00\" (the first entry is \"00:00:00\").")
    time: Moment = Field(
        description="The date and time the story has reached then, e.g. \"2010-03-19T02:00\"; between two entries "
                    "the dates run evenly from one to the next.",
    )


def date_on(calendar: Sequence[CalendarEntry], t: float) -> datetime.datetime | None:
    """The real date and time a case's ``calendar`` gives ``t`` on the round's clock.

    Between two entries the dates run evenly from one to the next; after the last, at the
    round's own pace (1 s = 1 s). Whole minutes, as a clock shows them. The loader checks that
    the entries are in order and start at 00:00:00 (``calendar-order``).

    Returns:
        None when there is no calendar.
    """
    if not calendar:
        return None
    t = max(0.0, float(t))
    index = bisect.bisect_right([entry.at for entry in calendar], t) - 1
    entry = calendar[max(0, index)]
    if index + 1 >= len(calendar):
        moment = entry.time + datetime.timedelta(seconds=t - entry.at)
    else:
        following = calendar[index + 1]
        share = (t - entry.at) / (following.at - entry.at)
        moment = entry.time + (following.time - entry.time) * share
    return moment.replace(second=0, microsecond=0)


# --- what happens -------------------------------------------------------------------------


class Late(_Model):
    """What an option changes instead when it comes late: a late apology costs more than an early one."""

    after: Duration = Field(description="From this time on the round's clock, the option is late.")
    effects: Effects = Field(description="Applied instead of the option's `effects` when it is chosen this late.")


class PostVariant(_Model):
    """Another text for an option's post, published when its condition holds."""

    when: Condition = Field(description="When this text is the one published (tested when the decision opens).")
    post: str = Field(min_length=1, description="The text published instead of the option's `post`.")


OLD_PAGE_FLAG = "page_closed"
"""The flag that closed a channel before options had ``closes_channel`` (still honoured, with a warning)."""


def sets_old_page_flag(option: Any) -> bool:
    """Whether an option, as written in the file, sets the flag ``page_closed`` (now or when late)."""
    late = option.get("late")
    for effects in (option.get("effects"), late.get("effects") if isinstance(late, dict) else None):
        flags = effects.get("set_flags") if isinstance(effects, dict) else None
        if isinstance(flags, list) and OLD_PAGE_FLAG in flags:
            return True
    return False


class Option(_Model):
    """One choice in a decision, or one way of answering a post."""

    id: Id
    when: Condition | None = Field(
        None,
        description="Offered only when this holds: tested when the decision opens (for a reply, when the post is "
        "answered); an option that does not hold is neither shown nor available.",
    )
    label: str = Field(description="The choice as the trainee reads it.")
    strategy: Strategy = Field(description="The SCCT response strategy this choice uses.")
    also: list[Strategy] = Field(default_factory=list, description="Supplementary strategies, e.g. ingratiation.")
    tone: Tone = Field(Tone.neutral, description="How the message sounds.")
    speaker: Speaker | None = Field(
        None,
        description="Who says it: the leader (chief executive, president, general manager), a spokesperson, or "
        "the team (community manager, social-media team). In a crisis that calls for rebuild strategies, an "
        "apology or compensation weighs less from a spokesperson or the team unless the leader also spoke one "
        "in the round; reactions can match it with `speakers`.",
    )
    channel: Id | None = Field(None, description="Where the organisation's message is published, if anywhere.")
    post: str | None = Field(None, description="The text the organisation publishes.")
    variants: list[PostVariant] = Field(
        default_factory=list,
        description="Other texts for the post by condition, e.g. {when: {chose: staff.fire}, post: \"...they no "
        "longer work for us...\"}: the first whose `when` holds is published instead of `post`.",
    )
    effects: Effects = Field(default_factory=Effects, description="What the choice changes.")
    late: Late | None = Field(
        None, description="Other effects when it is chosen late, e.g. {after: \"00:20:00\", effects: {metrics: {trust: 2}}}."
    )
    closes_channel: bool = Field(
        False,
        description="Closes the channel the post goes on to the public (comments switched off, a page closed): no "
        "noise comes there any more and the story moves to its other channels, until the organisation posts "
        "there again.",
    )
    feedback: str = Field(description="Why this choice works or not, in a trainer's words; shown in the debrief.")
    verdict: Verdict | None = Field(
        None,
        description="Your judgement of this choice (good, fair or poor) when the principle at stake is one the "
        "SCCT strategy fit cannot see, e.g. next of kin first or no confidential data: it replaces the strategy "
        "fit in the score, and the debrief explains it with the `feedback`.",
    )

    @model_validator(mode="before")
    @classmethod
    def _old_page_closed(cls, data: Any) -> Any:
        """Cases written before `closes_channel` closed a channel by setting the flag ``page_closed``;
        they still do (the loader warns with ``page-closed-flag``), so no case needs migrating."""
        if isinstance(data, dict) and "closes_channel" not in data and sets_old_page_flag(data):
            return {**data, "closes_channel": True}
        return data


class Responses(StrEnum):
    """How the trainee answers: by choosing a prepared option, by writing, or either."""

    choose = "choose"
    write = "write"
    both = "both"


class AnswerPoint(_Model):
    """A key point a written answer should make, or a red line it must never cross.

    The assessor looks for its ``words`` (on word stems, as the cue files; ``...`` stands for a
    few words). A list holds the phrases of the file's language; a mapping gives them per language
    (``{en: [...], fr: [...]}``), so a point can be written once for both versions of a case.
    """

    id: Id
    label: str = Field(description="What it is, as the debrief names it.")
    words: list[str] | dict[str, list[str]] = Field(
        description="Phrases that count: a list in the file's language, or a list per language code."
    )

    @field_validator("words")
    @classmethod
    def _some_words(cls, words: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
        lists = list(words.values()) if isinstance(words, dict) else [words]
        if not lists or any(not phrases or any(not p.strip() for p in phrases) for phrases in lists):
            raise ValueError("give at least one phrase (not empty) for each language")
        return words

    def phrases(self, lang: str) -> list[str]:
        """The phrases that count in ``lang``."""
        return self.words if isinstance(self.words, list) else self.words.get(lang, [])


class Timeout(_Model):
    """What happens when nobody decides in time. Silence has consequences."""

    label: str = Field("No decision in time", description="How the debrief names the missed decision.")
    strategy: Strategy = Field(Strategy.no_comment, description="What silence amounts to (usually no_comment).")
    effects: Effects = Field(default_factory=Effects, description="What silence changes.")
    feedback: str = Field(description="What silence cost, for the debrief.")


class Inject(_Model):
    """A post, email, call or article that enters the feed or the inbox."""

    id: Id
    at: Duration | None = Field(None, description="When it fires; with `when`, the earliest time it may fire.")
    when: Condition | None = Field(None, description="Fire as soon as this condition holds.")
    channel: Id = Field(description="Where it appears.")
    author: Id = Field(description="The persona who posts or sends it.")
    subject: str | None = Field(None, description="Subject line, for emails.")
    text: str = Field(min_length=1, description="The message itself.")
    signal: bool = Field(False, description="A real signal the trainee should spot in the noise.")
    image: ImagePath | None = Field(
        None, description="A picture attached to the post (a photo, a screenshot): a PNG or JPEG in the case folder."
    )
    heat: float | None = Field(
        None, ge=0, le=50, description="How much it excites the story (default 3 for a signal, 0.5 otherwise)."
    )
    handled_by: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)?$")]] = Field(
        default_factory=list,
        description="What answers this signal, until when it feeds the story: a decision (any of its options but a "
        "no_comment one) or \"decision.option\" (only that option).",
    )
    replies: list[Option] = Field(default_factory=list, description="Ways to answer this post (else the case's `replies`).")
    key_points: list[AnswerPoint] = Field(
        default_factory=list, description="What a good written reply to this post says (the case's `responses`: write or both)."
    )
    red_lines: list[AnswerPoint] = Field(default_factory=list, description="What a written reply to this post must never say.")
    effects: Effects = Field(default_factory=Effects, description="Applied when it fires.")
    optional: bool = Field(False, description="Only fires when the facilitator fires it or an effect triggers it.")


class Decision(_Model):
    """A moment when the team must choose, against the clock."""

    id: Id
    at: Duration | None = Field(None, description="When it opens; with `when`, the earliest time.")
    when: Condition | None = Field(None, description="Open as soon as this condition holds.")
    author: Id | None = Field(None, description="Who asks (the boss, legal...): a persona.")
    channel: Id | None = Field(None, description="Inbox channel the request arrives on (phone, email).")
    title: str = Field(description="A short title for the decision.")
    prompt: str = Field(description="The situation and the question.")
    time_limit: Duration = Field(description="How long the team has to answer.")
    options: list[Option] = Field(min_length=2, description="The choices.")
    on_timeout: Timeout = Field(description="What happens if nobody chooses in time.")
    optional: bool = Field(False, description="Only opens when triggered by an effect or by the facilitator.")
    responses: Responses = Field(
        Responses.choose,
        description="choose an option, write the answer, or both (either); a written answer is published on the "
        "channel of the first option that has one, and drives the round through the option closest to it.",
    )
    key_points: list[AnswerPoint] = Field(default_factory=list, description="What a good written answer says.")
    red_lines: list[AnswerPoint] = Field(default_factory=list, description="What a written answer must never say.")

    @model_validator(mode="after")
    def _written_answers_have_a_channel(self) -> Decision:
        if self.responses is not Responses.choose and not any(o.channel for o in self.options):
            raise ValueError(f"responses: {self.responses.value} needs an option with a channel, where the written answer is published")
        return self


class ReactionTrigger(_Model):
    """Which organisational messages a reaction answers. Empty lists match anything."""

    strategies: list[Strategy] = Field(default_factory=list, description="Any of these strategies.")
    tones: list[Tone] = Field(default_factory=list, description="Any of these tones.")
    options: list[str] = Field(
        default_factory=list, description="Any of these options, as \"decision.option\" or reply ids."
    )
    speakers: list[Speaker] = Field(
        default_factory=list, description="Only messages said by one of these (the option's `speaker`)."
    )
    later_than: Duration | None = Field(None, description="Only answers given this long after the first signal.")
    within: Duration | None = Field(None, description="Only answers given within this time of the first signal.")

    def matches(self, option: Option, ref: str) -> bool:
        """Whether a message made with ``option`` (``ref``: ``"decision.option"`` or a reply id) triggers
        the reaction, timing aside (``later_than`` and ``within`` depend on the run)."""
        return (
            (not self.strategies or not {option.strategy, *option.also}.isdisjoint(self.strategies))
            and (not self.tones or option.tone in self.tones)
            and (not self.options or ref in self.options)
            and (not self.speakers or option.speaker in self.speakers)
        )


class Reaction(_Model):
    """How personas answer back when the organisation speaks."""

    id: Id
    on: ReactionTrigger = Field(description="Which messages trigger it.")
    personas: list[Id] = Field(default_factory=list, description="Who reacts (persona ids).")
    stances: list[Stance] = Field(default_factory=list, description="Or everyone whose current stance is one of these.")
    kinds: list[PersonaKind] = Field(
        default_factory=list,
        description="Only personas of these kinds (public, press, employee, activist); alone, every persona of them.",
    )
    exclude: list[Id] = Field(default_factory=list, description="Personas who never give this reaction.")
    chance: float = Field(0.7, ge=0, le=1, description="Chance each persona reacts, before temperament.")
    delay: Duration = Field(60, description="Typical delay before the reply.")
    texts: list[str] = Field(min_length=1, description="Reply texts; {org}, {name} and {handle} are filled in.")
    stance_shift: int = Field(0, ge=-4, le=4, description="Steps the persona's stance moves (+ towards loyal).")
    heat: float = Field(0.5, ge=0, le=20, description="How much each reply excites the story.")
    effects: Effects = Field(default_factory=Effects, description="Applied once per reply.")


class NoisePool(_Model):
    """Background posts: the stream the signals hide in."""

    id: Id
    channel: Id
    rate: float = Field(gt=0, le=60, description="Posts per simulated minute.")
    texts: list[str] = Field(min_length=1, description="Texts to pick from.")
    authors: list[Id] = Field(default_factory=list, description="Personas who post them (default: the crowd).")
    start: Duration = Field(0, description="From when.")
    end: Duration | None = Field(None, description="Until when (default: the end).")
    when: Condition | None = Field(None, description="Only while this holds (tested as the posts come).")


class Story(_Model):
    """The crowd's chatter about the crisis, which spreads or calms with the dynamics."""

    channels: list[Id] = Field(min_length=1, description="Where the chatter appears.")
    texts: list[str] = Field(min_length=1, description="Critical chatter; {org} is filled in.")
    supportive_texts: list[str] = Field(
        default_factory=list, description="Chatter once sentiment recovers above 50."
    )
    supportive_when: Condition | None = Field(
        None,
        description="Supportive chatter only while this holds too, e.g. {decided: first-answer}: nobody praises "
        "an answer before there is one.",
    )
    start: Duration = Field(
        0, description="From when the crowd talks on its own (the base rate); before it, only what the injects "
        "stir: a crisis that breaks a minute in has no chatter about it before.",
    )


class Dynamics(_Model):
    """How the story spreads: a self-exciting (Hawkes) process. Defaults suit most cases."""

    base_rate: float = Field(0.2, ge=0, description="Story posts per minute before anything happens.")
    branching: float = Field(
        0.6, ge=0, lt=1.5, description="Follow-up posts each story post provokes; above 1 the story runs away."
    )
    decay: Duration = Field(480, description="How long the excitement of one post lasts.")
    silence_pressure: float = Field(0.5, ge=0, description="Extra posts per minute for each unanswered signal.")
    visibility_scale: float = Field(6.0, gt=0, description="Posts per minute at which visibility reaches 63.")
    media_threshold: float = Field(55, ge=0, le=100, description="Visibility above which the media pick the story up.")
    sentiment_per_post: float = Field(0.3, ge=0, description="Sentiment lost per critical story post.")
    trust_erosion: float = Field(0.15, ge=0, description="Trust lost per minute for each unanswered signal.")
    response_target: Duration = Field(900, description="First public answer within this gets full marks.")
    max_rate: float = Field(10, gt=0, le=60, description="Ceiling on story posts per minute (at most 60).")


class Ending(_Model):
    id: Id
    title: str = Field(description="The ending's name, shown in the debrief.")
    kind: Literal["success", "mixed", "failure"] = Field(description="How the debrief presents this ending.")
    when: Condition | None = Field(None, description="Chosen when this holds (first match wins; the last has none).")
    text: str = Field(description="What happened next, told in the debrief.")


class Case(_Model):
    """A crisis case: one file per language in the case's folder."""

    format: Literal[1] = Field(FORMAT_VERSION, description="Version of the case format.")
    id: Id = Field(description="Same in every language version of the case.")
    title: str = Field(description="The case's title, shown in the menu.")
    language: str = Field(pattern=r"^[a-z]{2}$", description="Two-letter language code: en, fr...")
    organisation: Organisation = Field(description="The organisation the trainee speaks for.")
    role: str = Field(description="Who the trainee plays.")
    briefing: str = Field(description="The situation at the start.")
    historical: bool = Field(True, description="False when the case is fictional but inspired by real events.")
    crisis: Crisis = Field(description="The crisis in the terms of SCCT (Coombs 2007).")
    difficulty: Literal["easy", "medium", "hard"] = Field(description="How hard the case is, shown in the menu.")
    duration: Duration = Field(description="How long the case lasts in simulated time (at most 12 hours).")
    plays_in: Duration | None = Field(
        None,
        description="How long the round takes in real time at the default speed, e.g. \"00:30:00\" for a "
                    "45-minute case played in half an hour; without it, simulated time runs at 1 s = 1 s. "
                    "Decisions still leave the time to read them and talk them over.",
    )
    objectives: list[Objective] = Field(min_length=1, description="What the trainee should learn.")
    sources: list[Source] = Field(default_factory=list, description="Where the facts come from.")
    metrics: dict[str, float] = Field(
        description="Starting values, 0 to 100: at least sentiment, visibility, trust and media."
    )
    metric_names: dict[str, str] = Field(
        default_factory=dict,
        description="Display names of the case's own metrics in the case's language, e.g. families: Familles "
        "(the four core metrics are named by the game).",
    )
    dynamics: Dynamics = Field(default_factory=Dynamics, description="How the story spreads.")
    personas: list[Persona] = Field(min_length=1, description="The people and organisations who post and call.")
    crowd: list[CrowdMember] = Field(min_length=1, description="Ordinary people who post noise and chatter.")
    channels: list[Channel] = Field(min_length=1, description="Where posts and messages appear.")
    injects: list[Inject] = Field(default_factory=list, description="Posts, emails and calls on the timeline.")
    decisions: list[Decision] = Field(default_factory=list, description="The choices the team must make.")
    replies: list[Option] = Field(default_factory=list, description="Ways to answer any post without its own replies.")
    responses: Responses = Field(
        Responses.choose, description="How answerable posts are answered: choose a reply, write one, or both."
    )
    reactions: list[Reaction] = Field(default_factory=list, description="How personas answer back.")
    noise: list[NoisePool] = Field(default_factory=list, description="Background posts the signals hide in.")
    story: Story = Field(description="The crowd's chatter about the crisis.")
    endings: list[Ending] = Field(min_length=1, description="How the case can end; the first that holds wins.")
    calendar: list[CalendarEntry] = Field(
        default_factory=list,
        description="The real dates and times the clock stands for, e.g. [{at: \"00:00:00\", time: "
                    "\"2010-03-17T06:00\"}, {at: \"00:12:00\", time: \"2010-03-19T02:00\"}]: each entry starts a "
                    "stretch that runs evenly to the next one (the last runs on at the round's own pace). Without "
                    "it the screens show only the round's clock.",
    )
    questions: list[Question | str] = Field(
        default_factory=list,
        description="Reflection questions for the debrief (what would you do differently, which signal did you "
                    "miss): a text, or {id, text}; the answers are stored with the round and shown in the report.",
    )

    @field_validator("questions")
    @classmethod
    def _question_ids(cls, questions: list[Question | str]) -> list[Question | str]:
        # A question given as bare text is called q1, q2... by its place in the list.
        ids = [q.id if isinstance(q, Question) else f"q{n}" for n, q in enumerate(questions, 1)]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError("question id(s) used twice: " + ", ".join(repeated))
        return questions

    def date_at(self, t: float) -> datetime.datetime | None:
        """The real date and time the story has reached at ``t`` on the round's clock (see
        :func:`date_on`); None when the case has no calendar."""
        return date_on(self.calendar, t)

    @field_validator("duration")
    @classmethod
    def _bounded_duration(cls, duration: int) -> int:
        # A round is a workshop exercise; the bound also keeps a hostile case from running for days.
        if duration <= 0:
            raise ValueError("a round must last some time, e.g. \"00:30:00\"")
        if duration > MAX_DURATION:
            raise ValueError("a round may last at most 12 hours (\"12:00:00\")")
        return duration

    @model_validator(mode="after")
    def _plays_in_shorter(self) -> Case:
        if self.plays_in is not None and not 0 < self.plays_in <= MAX_DURATION:
            raise ValueError("plays_in: a round must take some real time, at most 12 hours (\"12:00:00\")")
        return self

    @field_validator("metrics")
    @classmethod
    def _core_metrics(cls, metrics: dict[str, float]) -> dict[str, float]:
        missing = [name for name in CORE_METRICS if name not in metrics]
        if missing:
            raise ValueError("missing metric(s): " + ", ".join(missing))
        for name, value in metrics.items():
            if not re.fullmatch(r"[a-z_]+", name):
                raise ValueError(f"metric name {name!r}: use lower-case letters and '_'")
            if not 0 <= value <= 100:
                raise ValueError(f"metric {name} starts at {value}: metrics go from 0 to 100")
        return metrics
