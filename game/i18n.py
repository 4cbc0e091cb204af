"""The game's words in the player's language: gettext catalogues, and numbers and times by Babel.

The English text in the code is the message id; translations live in
``game/locale/<lang>/LC_MESSAGES/crisis_sim.po`` (edited by translators with any PO editor) and
are read from the compiled ``.mo`` next to it with the standard library's :mod:`gettext`, so the
engine can use this module without pygame or Babel. Babel formats numbers, percentages and clock
times for the language; it is imported only when a number is formatted. docs/translating.md
describes the extract / update / compile workflow.

Usage::

    tr = translator("fr")
    _ = tr.gettext
    _("Score {score} out of 100", score=tr.decimal(90.9))   # 'Score 90,9 sur 100'
    tr.ngettext("{n} signal caught", "{n} signals caught", 0)  # '0 signal repéré'

Integers given as placeholder values are formatted for the language (``1234`` becomes
``1 234`` in French); other values are inserted as they are, so format floats first.
"""

from __future__ import annotations

import datetime
import gettext
import os
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from game.timefmt import split

DOMAIN = "crisis_sim"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: tuple[str, ...] = ("en", "fr")
"""Languages of the interface; English is the language of the code (the message ids)."""
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module-level tables)."""
    return message


# --- names the front ends share (the window and the terminal) -------------------------------

METRIC_NAMES = {"sentiment": N_("Sentiment"), "visibility": N_("Visibility"), "trust": N_("Trust"),
                "media": N_("Media")}
PART_NAMES = {"outcome": N_("Outcome"), "strategy_fit": N_("Strategy fit"), "response_time": N_("Response time"),
              "signal_detection": N_("Signal detection"), "tone_and_channel": N_("Tone and channel")}
ENDING_KINDS = {"success": N_("Success"), "mixed": N_("Mixed"), "failure": N_("Failure")}
OBJECTIVE_STATES = {True: N_("met"), False: N_("not met"), None: N_("to discuss")}
SPEAKERS = {"leader": N_("said by the leader"), "spokesperson": N_("said by a spokesperson"),
            "team": N_("said by the team")}
"""Who says an option's message (its ``speaker``), as the decision panels show it beside the label."""
DIFFICULTIES = {"easy": N_("easy"), "medium": N_("medium"), "hard": N_("hard")}


class _Missing(gettext.NullTranslations):
    """The last fallback of a catalogue: notes every message the catalogue did not have."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def gettext(self, message: str) -> str:
        self.seen.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.add(msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self.seen.add(f"{context}\x04{message}")
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.add(f"{context}\x04{msgid1}")
        return msgid1 if n == 1 else msgid2


class Translator:
    """The words, numbers and times of one language.

    Args:
        lang: A two-letter language code; one without a catalogue reads English.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._missing = _Missing()
        if self.lang == "en":
            self._catalogue: gettext.NullTranslations = gettext.NullTranslations()
        else:
            try:
                self._catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=[self.lang])
            except OSError:
                self._catalogue = gettext.NullTranslations()
        self._catalogue.add_fallback(self._missing)

    @property
    def missing(self) -> set[str]:
        """Message ids looked up that the catalogue has no translation for (``ctx\\x04id`` with a context).

        Always empty in English, the language of the message ids.
        """
        return set() if self.lang == "en" else self._missing.seen

    # --- words -----------------------------------------------------------------------

    def gettext(self, message: str, /, **values: Any) -> str:
        """``message`` in this language, with ``{name}`` placeholders filled from ``values``."""
        return self._fill(self._catalogue.gettext(message), message, values)

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The form for ``n`` by the catalogue's plural rule; ``{n}`` is filled with ``n``."""
        return self._fill(self._catalogue.ngettext(singular, plural, n), singular if n == 1 else plural,
                          {"n": n, **values})

    def pgettext(self, context: str, message: str, /, **values: Any) -> str:
        """A short word whose translation depends on where it is (``context``: "key", "button"...)."""
        return self._fill(self._catalogue.pgettext(context, message), message, values)

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **values: Any) -> str:
        return self._fill(self._catalogue.npgettext(context, singular, plural, n), singular if n == 1 else plural,
                          {"n": n, **values})

    def _fill(self, text: str, source: str, values: dict[str, Any]) -> str:
        if not values:
            return text
        shown = {k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v
                 for k, v in values.items()}
        for template in (text, source):
            try:
                return template.format(**shown)
            except (KeyError, IndexError, ValueError):
                continue  # a translation with a broken placeholder falls back to the English
        return text

    def say(self, reason: Reason | None) -> str:
        """``reason`` worded in this language (see :class:`Reason`); "" for None."""
        if reason is None:
            return ""
        if reason.verbatim:
            text = reason.text
        else:
            values = {k: self.say(v) if isinstance(v, Reason)
                      else self.decimal(v, 0) if isinstance(v, float) else v
                      for k, v in reason.params.items()}
            if reason.plural is not None and reason.n is not None:
                text = self.ngettext(reason.text, reason.plural, reason.n, **values)
            else:
                text = self.gettext(reason.text, **values)
        return text[:1].upper() + text[1:] if reason.capital else text

    # --- numbers and times (Babel) -----------------------------------------------------

    def number(self, value: float) -> str:
        """A whole number with the language's grouping: ``1,234`` / ``1 234`` (narrow no-break space)."""
        from babel.numbers import format_decimal  # Babel loads on first use: --help and validate stay fast

        return format_decimal(value, format="#,##0.##", locale=self.lang)

    def decimal(self, value: float, digits: int = 1) -> str:
        """A number with exactly ``digits`` decimals: ``90.9`` / ``90,9``."""
        from babel.numbers import format_decimal  # Babel loads on first use: --help and validate stay fast

        pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
        return format_decimal(value, format=pattern, locale=self.lang, decimal_quantization=True)

    def percent(self, fraction: float) -> str:
        """``0.5`` as ``50%`` / ``50 %``."""
        from babel.numbers import format_percent  # Babel loads on first use: --help and validate stay fast

        return format_percent(fraction, locale=self.lang)

    def compact(self, value: int) -> str:
        """A count in a few characters: ``1.2K`` / ``1,2 k``."""
        from babel.numbers import format_compact_decimal  # Babel loads on first use: --help and validate stay fast

        digits = 1 if abs(value) < 10_000 or 1_000_000 <= abs(value) < 10_000_000 else 0
        return format_compact_decimal(value, locale=self.lang, fraction_digits=digits)

    def signed(self, value: float) -> str:
        """A change: ``+15`` or ``−10`` (a true minus sign)."""
        text = self.number(abs(value))
        return ("+" if value > 0 else "−" if value < 0 else "") + text

    def clock(self, seconds: float, on: datetime.datetime | None = None,
              form: Literal["full", "short", "tiny"] = "full") -> str:
        """A time on the case's simulated clock, as the language writes clock times.

        The pattern is itself a message, so each catalogue chooses it (``HH:mm:ss`` in English
        and in French, as CLDR's medium time); Babel applies it.

        Args:
            seconds: The time on the round's clock.
            on: The real date and time the story has reached then (``Case.date_at``): given,
                the day and hour are worded instead, ``Wednesday 17 March, 09:25`` /
                ``mercredi 17 mars, 09:25``. None (a case without a calendar) keeps the clock.
            form: Shorter where room is short: ``short`` abbreviates (``Wed 17 Mar, 09:25`` /
                ``mer. 17 mars, 09:25``), ``tiny`` also leaves out the weekday (``17 Mar, 09:25``).
        """
        if on is not None and form == "short":
            # TRANSLATORS: the same date abbreviated, for a crowded top bar (EEE short weekday, MMM
            # short month): "Wed 17 Mar, 09:25" (French: "EEE d MMM, HH:mm", "mer. 17 mars, 09:25").
            return _moment(on, self._catalogue.pgettext("calendar pattern, short", "EEE d MMM, HH:mm"), self.lang)
        if on is not None and form == "tiny":
            # TRANSLATORS: the date at its shortest, for a top bar in projector type: "17 Mar, 09:25"
            # (French: "d MMM, HH:mm", "17 mars, 09:25").
            return _moment(on, self._catalogue.pgettext("calendar pattern, tiny", "d MMM, HH:mm"), self.lang)
        if on is not None:
            # TRANSLATORS: a CLDR date pattern (EEEE weekday, d day, MMMM month, HH:mm hours and
            # minutes, text in quotes) for the date a historical case's clock stands for,
            # "Wednesday 17 March, 09:25" (French: "EEEE d MMMM, HH:mm", "mercredi 17 mars, 09:25").
            pattern = self._catalogue.pgettext("calendar pattern", "EEEE d MMMM, HH:mm")
            return _moment(on, pattern, self.lang)
        from babel.dates import format_time  # Babel loads on first use: --help and validate stay fast

        hours, minutes, secs = split(seconds)
        moment = datetime.time(hours % 24, minutes, secs)
        # TRANSLATORS: a CLDR time pattern (H hours, mm minutes, ss seconds, text in quotes) for the
        # simulated clock. Keep the seconds: a round lasts minutes, and a clock without them looks
        # frozen (French: "HH:mm:ss", CLDR's medium time).
        pattern = self._catalogue.pgettext("clock pattern", "HH:mm:ss")
        try:
            return format_time(moment, pattern, locale=self.lang)
        except (ValueError, KeyError):
            return format_time(moment, "HH:mm:ss", locale=self.lang)

    def stamp(self, seconds: float, on: datetime.datetime | None = None) -> str:
        """A moment of a round in a debrief or a timeline: the round's clock, and before it the
        real date and time when the case has a calendar (``Friday 19 March, 03:45 (00:13:00)``)."""
        if on is None:
            return self.clock(seconds)
        # TRANSLATORS: a moment in a debrief: the real date and time a historical case's clock stands
        # for, then the round's own clock, "Friday 19 March, 03:45 (00:13:00)".
        return self.gettext("{date} ({clock})", date=self.clock(seconds, on=on), clock=self.clock(seconds))

    def duration(self, seconds: float) -> str:
        """A length of time: ``4 min 30 s``, ``2 min``, ``45 s``, ``1 h 05``."""
        hours, minutes, secs = split(seconds)
        if hours:
            return self.gettext("{h} h {mm}", h=hours, mm=f"{minutes:02d}")
        if minutes and secs:
            return self.gettext("{m} min {s} s", m=minutes, s=secs)
        if minutes:
            return self.gettext("{m} min", m=minutes)
        return self.gettext("{s} s", s=secs)

    def name(self, table: dict[Any, str], key: Any) -> str:
        """A name from one of the tables above; an unknown key (a case's own metric) reads as itself."""
        return self.gettext(table[key]) if key in table else str(key).replace("_", " ")

    def metric(self, name: str, case_names: dict[str, str] | None = None) -> str:
        """A metric's display name: the game's for the core four, the case's own (``metric_names``)
        for the others, else its id spaced and capitalised."""
        if case_names and name in case_names:
            return case_names[name]
        return self.gettext(METRIC_NAMES[name]) if name in METRIC_NAMES else name.replace("_", " ").capitalize()

    def date(self, value: datetime.date | str) -> str:
        """A date as the language writes it in full: ``March 17, 2010`` / ``17 mars 2010``."""
        from babel.dates import format_date  # Babel loads on first use: --help and validate stay fast

        if isinstance(value, str):
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                return value  # not a date (an author's "spring 2010"): shown as written
        else:
            day = value
        return format_date(day, "long", locale=self.lang)


@lru_cache(maxsize=512)
def _moment(on: datetime.datetime, pattern: str, lang: str) -> str:
    """A calendar date and time worded by Babel; cached, since a live clock asks every frame
    and the wording changes once a simulated minute."""
    from babel.dates import format_datetime  # Babel loads on first use: --help and validate stay fast

    try:
        return format_datetime(on, pattern, locale=lang)
    except (ValueError, KeyError):
        return format_datetime(on, "EEEE d MMMM, HH:mm", locale=lang)


@dataclass(frozen=True, slots=True)
class Reason:
    """A sentence kept as its message id and parameters, worded in any language when shown.

    The engine's result carries these instead of prose (issue 14), so a stored round can be
    reported in English or in French. ``text`` is the English message id (gettext's key; an id
    a catalogue does not know reads as itself, so an old round never loses its words). Values
    of ``params`` are worded by type: a nested :class:`Reason`, a whole number (``1 234``), a
    float (no decimals, as the score's notes show gauges), or a text inserted as it is
    (author-written names and labels are in the case's language already).

    Attributes:
        text: The message id, or the author's own words when ``verbatim``.
        params: ``{name}`` placeholders.
        plural: The plural message id; ``n`` picks the form.
        n: The count for the plural form.
        verbatim: Author-written text: never translated.
        capital: Upper-case the first letter (a name that starts a sentence).
    """

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None
    verbatim: bool = False
    capital: bool = False

    @classmethod
    def of(cls, text: str, /, **params: Any) -> Reason:
        return cls(text, params)

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **params: Any) -> Reason:
        """A sentence whose form depends on ``n`` (named so pybabel extracts both forms)."""
        return cls(singular, params, plural, n)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.params:
            data["params"] = {k: v.to_json() if isinstance(v, Reason) else v for k, v in self.params.items()}
        for name in ("plural", "n"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        for name in ("verbatim", "capital"):
            if getattr(self, name):
                data[name] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        params = {k: cls.from_json(v) if isinstance(v, dict) else v for k, v in (data.get("params") or {}).items()}
        return cls(str(data.get("text", "")), params, data.get("plural"), data.get("n"),
                   bool(data.get("verbatim")), bool(data.get("capital")))


@cache
def translator(lang: str) -> Translator:
    """The translator of ``lang`` (one per language, catalogues read once)."""
    return Translator(lang if lang in LANGUAGES else "en")


def system_language(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The interface language from the environment, as gettext reads it (``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``); English when none is one of ours."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("_")[0].split("@")[0].lower()
            if code in LANGUAGES:
                return code
        if name != "LANGUAGE":
            return "en"  # the first variable set decides, as in gettext (C, POSIX, de_DE... read English)
    return "en"
