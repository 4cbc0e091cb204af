"""The typed alerts a :class:`game.play.round.Round` publishes beside the engine's events.

A front end words them (its own gettext catalogue) and draws them; none of them carries prose
except what an author or a facilitator wrote. Alerts with ``facilitator_only`` set (a note, an
inject fired) belong to the facilitator's view: a players' notification list must skip them
(:func:`for_players`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from game.engine.model import Decision
from game.engine.session import Event
from game.engine.state import Post
from game.i18n import N_

INBOX_HEADINGS = {"email": N_("Email from {name}"), "phone": N_("Call from {name}"),
                  "message": N_("Message from {name}")}
"""The heading of a message in an inbox, by channel kind (one home for the terminal and the window)."""


def inbox_heading(kind: str) -> str:
    """The untranslated heading for an inbox channel of ``kind`` (``{name}`` to fill)."""
    return INBOX_HEADINGS.get(kind, INBOX_HEADINGS["message"])


class Alert:
    """Base of the alerts; ``facilitator_only`` alerts never reach players."""

    facilitator_only: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class DeadlineNear(Alert):
    """A decision has :data:`game.play.round.DEADLINE_WARNING` real seconds or less left (once per decision)."""

    decision: Decision
    real_seconds_left: float


@dataclass(frozen=True, slots=True)
class PostAlert(Alert):
    """An alert about one post of the feed or an inbox (the three kinds below)."""

    post: Post


@dataclass(frozen=True, slots=True)
class Trending(PostAlert):
    """A post has begun trending (at most one alert every two simulated minutes)."""


@dataclass(frozen=True, slots=True)
class InboxNew(PostAlert):
    """A message arrived in an inbox channel; ``kind`` picks the heading (:func:`inbox_heading`)."""

    kind: str


@dataclass(frozen=True, slots=True)
class Published(PostAlert):
    """The organisation published a post (a decision's or a reply's)."""


@dataclass(frozen=True, slots=True)
class SavingFailed(Alert):
    """The session log or the results stopped being saved (once per problem); the round plays on.

    Attributes:
        what: ``"log"`` or ``"store"``.
        reason: The saver's own words (a file name and an OS error).
    """

    what: str
    reason: str


@dataclass(frozen=True, slots=True)
class NoteKept(Alert):
    """A facilitator's note: theirs alone, never a players' notification."""

    facilitator_only: ClassVar[bool] = True
    at: int
    text: str
    by: str | None = None


@dataclass(frozen=True, slots=True)
class InjectFired(Alert):
    """The facilitator brought in an optional item; players see only the post or decision it makes."""

    facilitator_only: ClassVar[bool] = True
    item_id: str
    by: str | None = None


@dataclass(frozen=True, slots=True)
class SpeedChanged(Alert):
    """Speed or pause changed (a facilitator's action or a player's)."""

    speed: float
    paused: bool
    by: str | None = None


Item = Event | Alert
"""What an update carries: the engine's events (posts, decisions opened and closed, the end) and alerts."""


@dataclass(frozen=True, slots=True)
class Update:
    """What one tick or one input produced, and who made the input (None: the clock)."""

    items: tuple[Item, ...]
    by: str | None = None


def for_players(items: Iterable[Item]) -> list[Item]:
    """``items`` without the facilitator's own (notes, injects fired)."""
    return [item for item in items if not getattr(item, "facilitator_only", False)]
