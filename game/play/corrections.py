"""The facilitator's last word, without a screen (issue 11): the findings of a round's written
answers and replies that a person may change, and the overrides the changes make.

Every front end corrects through this list: the window's overlay (game/ui/override.py, over the
debrief and the workshop screen) and the terminal's ``o`` in its debrief (game/text_play.py).
A change becomes one :meth:`~game.engine.session.Session.override` per answer, signed with the
name of whoever made it (``by``), so the log, the stored round and the report say who.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.engine.model import Strategy
from game.play.debrief import Debrief, WrittenReview

STRATEGIES = tuple(s.value for s in Strategy)

Change = tuple[str | None, str | None, dict[str, Any]]
"""One override to make: ``(decision, post, {strategy, key_points, red_lines, by})``."""


@dataclass
class Finding:
    """One line of the list: a heading (an answer's title), its strategy, or one of its points."""

    decision: str | None  # the decision answered in writing, or
    post: str | None  # the post answered with a written reply
    kind: str  # "head", "strategy", "key_point" or "red_line"
    id: str
    label: str
    value: Any  # the strategy id, or whether the point is said (crossed)
    was: Any  # the value when the list was opened

    @property
    def selectable(self) -> bool:
        return self.kind != "head"


def findings(debrief: Debrief) -> list[Finding]:
    """The written answers of the round (decisions', then replies'), each with its findings as read now."""
    out: list[Finding] = []

    def add(decision: str | None, post: str | None, title: str, w: WrittenReview) -> None:
        out.append(Finding(decision, post, "head", "", title, None, None))
        out.append(Finding(decision, post, "strategy", "", "", w.strategy, w.strategy))
        for kind, points in (("key_point", w.key_points), ("red_line", w.red_lines)):
            for p in points:
                out.append(Finding(decision, post, kind, p.id, p.label, p.found, p.found))

    for review in debrief.decisions:
        if review.written is not None:
            add(review.decision, None, review.title or review.decision, review.written)
    for reply in debrief.replies:
        add(None, reply.post, f"↩ {reply.name}: {reply.post_text}", reply.written)
    return out


def answers(rows: list[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """The list by answer: each heading with the findings under it."""
    out: list[tuple[Finding, list[Finding]]] = []
    for row in rows:
        if not row.selectable:
            out.append((row, []))
        elif out:
            out[-1][1].append(row)
    return out


def changes(rows: list[Finding], by: str | None = None) -> list[Change]:
    """The overrides to make, one per answer changed, signed ``by`` (None: "the facilitator")."""
    out: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    for row in rows:
        if not row.selectable or row.value == row.was:
            continue
        change = out.setdefault((row.decision, row.post), {"by": by})
        if row.kind == "strategy":
            change["strategy"] = row.value
        else:
            change.setdefault(row.kind + "s", {})[row.id] = row.value
    return [(decision, post, change) for (decision, post), change in out.items()]


def signature(name: str) -> str | None:
    """A typed name as it signs a change: spaces tidied; None when empty (the report then says
    "changed by the facilitator")."""
    return " ".join(name.split()) or None
