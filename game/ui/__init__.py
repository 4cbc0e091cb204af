"""The pygame-ce front end: a window on the case menu, the briefing, live play and the debrief.

It is one more front end over :mod:`game.engine`, like the terminal player: it calls the
session's API and draws the events it returns. The engine never imports anything from here.

Layout of the package:

- ``app``: the window, the scene stack and the one loop (``run`` is what ``crisis-sim`` calls);
- ``scene``: the scene protocol (handle / update / draw) every screen follows;
- ``menu``, ``briefing``, ``live``, ``debrief``, ``help``: the screens;
- ``feed``, ``dashboard``, ``chart``: the parts of the live and debrief screens;
- ``theme``, ``text``, ``widgets``, ``sound``: type, colours, cached text, buttons and sound cues.

The words are English in the code and go through gettext (``self._("...")`` in a scene, see
:mod:`game.i18n` and docs/translating.md).
"""
