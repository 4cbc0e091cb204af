"""The presentation-free layer between the engine and every front end.

- :mod:`game.play.round`: :class:`~game.play.round.Round`, a round in play (clock, speed, the
  facilitator's actions, typed alerts, listeners).
- :mod:`game.play.alerts`: the alerts and :func:`~game.play.alerts.for_players`.
- :mod:`game.play.pace`: the pace rule (issue 12) and the briefing's figures.
- :mod:`game.play.debrief`: the typed :class:`~game.play.debrief.Debrief` built from a result.
- :mod:`game.play.corrections`: the findings a facilitator may change, and the overrides they make.
"""
