"""When something happened in a round, worded once for every front end (issue 16: dates on the clock).

A case with a ``calendar`` (a historical case: Nestlé 2010, Kryptonite 2004) maps its clock to the
days and hours of the real crisis, and a post, a message, a note or a chart's tick then shows the
day and hour the story had reached: ``Wed 17 Mar, 10:42`` / ``mer. 17 mars, 10:42``. A case
without one shows the round's own clock, ``00:12:30``. The window, the terminal, the workshop
host and the report all call :func:`moment`, so the rule lives here and the wording in the
catalogue (:meth:`game.i18n.Translator.clock`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Literal

from game.engine.model import CalendarEntry, date_on
from game.i18n import Translator

Form = Literal["full", "short", "tiny", "debrief"]
"""How much of a date to say, as room allows: ``full`` (``Wednesday 17 March, 10:42``), ``short``
(``Wed 17 Mar, 10:42``: a post, a line of the terminal), ``tiny`` (``17 Mar, 10:42``: a chart's
tick, a top bar in projector type), ``debrief`` (the date and the round's clock,
``Wednesday 17 March, 10:42 (00:12:30)``, so a trainer can find the moment in a replay)."""


def moment(tr: Translator, calendar: Sequence[CalendarEntry], t: float, form: Form = "short") -> str:
    """A moment of the round as the players see it.

    Args:
        tr: The language to word it in.
        calendar: The case's ``calendar`` (empty: the case has none).
        t: The time on the round's clock, in simulated seconds.
        form: How much of the date to say (:data:`Form`); without a calendar every form is the clock.

    Returns:
        The real day and hour when the case has a calendar, else the clock (``00:12:30``).
    """
    on = date_on(calendar, t)
    if on is None:
        return tr.clock(t)
    if form == "debrief":
        return tr.stamp(t, on)
    return tr.clock(t, on=on, form=form)


def moments(tr: Translator, calendar: Sequence[CalendarEntry], form: Form = "short") -> Callable[[float], str]:
    """:func:`moment` with the language, calendar and form fixed: for a chart or a list that words
    many times."""
    return functools.partial(moment, tr, calendar, form=form)
