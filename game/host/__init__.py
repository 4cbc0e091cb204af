"""The workshop host (issue 15): every team plays in its own browser, the trainer steers live.

- :mod:`game.host.workshop`: :class:`~game.host.workshop.HostedWorkshop`, the teams' rounds
  (:class:`game.play.round.Round`), their codes, the views the pages draw.
- :mod:`game.host.protocol`: the messages a browser may send, checked strictly.
- :mod:`game.host.app`: the Starlette app (pages, WebSockets, the host's clock).

The host is a front end over :mod:`game.play`: it keeps no rules of its own.
"""
