"""``crisis-sim import-msel``: a master scenario events list (MSEL) becomes a case skeleton.

Exercise planners keep their events in a spreadsheet, one row per inject: when it happens, on
which channel, from whom, the message, and the action expected from the players. Saved as CSV
(comma or semicolon, as French spreadsheets write it; UTF-8 or Windows-1252), it turns into a
case folder the author then enriches: each row an inject, each expected action a decision with
placeholder options, the channels and personas the rows name, and the parts every case needs.
The skeleton validates and plays at once.

Column headers are recognised in English or French, whatever their case and order; ``time``,
``channel``, ``author`` and ``text`` are required, ``expected action``, ``subject`` and
``signal`` are optional. Times are relative (``00:15``, ``0:15:00``, ``T+15``, ``15m``, ``90s``,
``15`` minutes) or clock times (``09:15``), which count from the earliest row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from game.authoring.new import case_id, schema_reference
from game.engine.diagnostics import CaseError, Diagnostic
from game.engine.model import format_duration, parse_duration

COLUMNS = {
    "time": ("time", "when", "at", "heure", "temps", "horaire", "moment", "h+", "t+"),
    "channel": ("channel", "method", "moyen", "canal", "media", "média", "medium", "platform", "plateforme", "réseau", "reseau"),
    "author": ("author", "from", "source", "sender", "auteur", "émetteur", "emetteur", "expéditeur", "expediteur", "de"),
    "text": ("text", "message", "inject text", "inject description", "content", "contenu", "description", "texte"),
    "action": ("expected action", "expected response", "action", "expected player action", "action attendue",
               "réponse attendue", "reponse attendue"),
    "subject": ("subject", "objet", "sujet", "title", "titre"),
    "signal": ("signal", "key", "clé", "cle", "important"),
    "own": ("own action", "by us", "our action", "organisation", "organization", "action propre", "nous"),
}
REQUIRED = ("time", "channel", "author", "text")
KINDS = [  # (words in the channel's name, kind)
    (("twitter", "tweet", "x.com", "microblog", "mastodon", "bluesky"), "microblog"),
    (("youtube", "video", "vidéo", "tiktok", "vimeo"), "video"),
    (("forum", "reddit"), "forum"),
    (("blog",), "blog"),
    (("mail", "courriel"), "email"),
    (("phone", "call", "téléphone", "telephone", "appel"), "phone"),
    (("sms", "whatsapp", "message", "signal", "telegram", "chat"), "message"),
    (("news", "press", "presse", "journal", "tv", "radio", "article", "média", "media", "afp", "reuters"), "news"),
    (("facebook", "linkedin", "instagram", "page"), "social_page"),
]
PLACEHOLDERS = {
    "en": {"expected": "The expected action: ", "wait": "Wait and see"},
    "fr": {"expected": "L'action attendue : ", "wait": "Attendre de voir"},
}
YES = {"yes", "y", "true", "1", "x", "oui", "o", "vrai"}
OURSELVES = {"organisation", "organization", "the organisation", "the organization", "us", "we", "ourselves",
             "l'organisation", "nous"}
"""Author cells that mark a row as the organisation's own action (as does a yes in an ``own action`` column)."""
INBOX = {"email", "phone", "message"}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    t: int
    channel: str
    author: str
    text: str
    action: str
    subject: str
    signal: bool
    own: bool = False  # the organisation's own action: a decision whose first option does it


def read_msel(path: Path) -> list[Row]:
    """The rows of a MSEL file, times made relative to the earliest.

    Raises:
        CaseError: every problem, as ``FILE:LINE:COL``.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CaseError([Diagnostic(name, 0, 0, "error", "unreadable", f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise CaseError([Diagnostic(name, 1, 1, "error", "msel-empty", "the file is empty: expected a header row")])
    columns = _columns(header)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise CaseError([Diagnostic(
            name, 1, 1, "error", "msel-columns",
            f"no column for {', '.join(missing)}; the header row needs time, channel, author and text "
            f"(found: {', '.join(h.strip() for h in header)})",
        )])
    problems: list[Diagnostic] = []
    rows: list[tuple[int, float, dict[str, str]]] = []
    clock = False
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()}
        for key in REQUIRED:
            if not values[key]:
                problems.append(Diagnostic(name, line, columns[key] + 1, "error", "msel-cell", f"empty {key}"))
        try:
            seconds, is_clock = _time(values["time"])
            clock |= is_clock
        except ValueError as exc:
            problems.append(Diagnostic(name, line, columns["time"] + 1, "error", "msel-time", str(exc)))
            continue
        rows.append((line, seconds, values))
    if problems:
        raise CaseError(problems)
    if not rows:
        raise CaseError([Diagnostic(name, 2, 1, "error", "msel-empty", "no event rows under the header")])
    start = min(seconds for _, seconds, _ in rows) if clock else 0
    # A blank signal cell is not a signal; without a signal column, a row with an expected action is one.
    has_signal = "signal" in columns
    return [
        Row(line, int(seconds - start), v["channel"], v["author"], v["text"], v.get("action", ""),
            v.get("subject", ""),
            v["signal"].lower() in YES if has_signal else bool(v.get("action")),
            v.get("own", "").lower() in YES or v["author"].lower() in OURSELVES)
        for line, seconds, v in sorted(rows, key=lambda r: (r[1], r[0]))
    ]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    normal = [re.sub(r"\s+", " ", h.strip().lower().strip("*:# ")) for h in header]
    for exact in (True, False):  # exact names first, so "Message" wins over "Inject #"
        for key, names in COLUMNS.items():
            for i, h in enumerate(normal):
                if key in found or i in found.values():
                    continue
                if h in names if exact else any(h.startswith(n + " ") for n in names):
                    found[key] = i
    return found


def _time(value: str) -> tuple[float, bool]:
    """Seconds, and whether the value is a clock time (``09:15``) rather than an offset."""
    v = value.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(?:t|h)?\+?(\d+)", v)
    if match:
        return int(match[1]) * 60, False
    match = re.fullmatch(r"(?:t|h)\+(\d{1,2}):(\d{2})(?::(\d{2}))?", v)
    if match:
        return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0), False
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})(?::(\d{2}))?", v)
    if match:
        seconds = int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3] or 0)
        return seconds, int(match[1]) >= 6  # 09:15 is a clock time; 00:15 an offset
    try:
        return parse_duration(v), False
    except (ValueError, TypeError):
        raise ValueError(f"time {value!r}: write it as 00:15, T+15, 15m or a clock time such as 09:15") from None


def channel_kind(name: str) -> str:
    lower = name.lower()
    for words, kind in KINDS:
        if any(word in lower for word in words):
            return kind
    return "social_page"


def skeleton(rows: list[Row], ident: str, source: str, lang: str = "en", schema: str = "../../case.schema.json") -> str:
    """The YAML text of a case built from the rows, with TODO comments where the author works.

    Each row is an inject, and each expected action a decision a minute later whose placeholder
    options answer on the row's channel (an email is answered by email, not in public). A row of the
    organisation's own action is a decision at its time whose first option does what the row says.
    """
    channels = _ids([r.channel for r in rows])
    authors = _ids([r.author for r in rows if not r.own])
    duration = max(20 * 60, rows[-1].t + 10 * 60)

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string

    words = PLACEHOLDERS.get(lang, PLACEHOLDERS["en"])
    out = [
        f"# yaml-language-server: $schema={schema}",
        f"# Imported from {Path(source).name} by `crisis-sim import-msel`: one inject per row, one decision per",
        "# expected action. It validates and plays as it is; now make it a case (see docs/authoring.md):",
        "# write the briefing, the SCCT classification, real options with their feedback, noise, endings.",
        "# Lines marked TODO are placeholders.",
        "",
        "format: 1",
        f"id: {ident}",
        f"title: {q(ident.replace('-', ' ').capitalize())}  # TODO",
        f"language: {lang}",
        "historical: false  # TODO: true for a real case, with its sources",
        "difficulty: medium",
        f'duration: "{format_duration(duration)}"',
        "",
        "organisation:",
        "  name: The organisation  # TODO",
        '  handle: "@organisation"  # TODO',
        "role: You run the organisation's social-media accounts.  # TODO",
        "briefing: |",
        "  TODO: the situation at the start, as the players read it.",
        "",
        "crisis:",
        "  cluster: accidental  # TODO: victim, accidental or preventable",
        "  summary: TODO why the crisis is classified this way (shown in the debrief).",
        "",
        "objectives:",
        "  - id: answer-every-action",
        "    text: Take each expected action in time.  # TODO",
    ]
    decisions = [r for r in rows if r.action or r.own]
    if decisions:
        out.append("    met_when: {all: [" + ", ".join(f"{{decided: {_decision_id(r)}}}" for r in decisions) + "]}")
    out += [
        "",
        "metrics: {sentiment: 55, visibility: 15, trust: 60, media: 5}",
        "",
        "personas:",
    ]
    for name, pid in authors.items():
        out.append(f"  - {{id: {pid}, name: {q(name)}, handle: {q('@' + pid)}, followers: 1000, stance: neutral}}"
                   "  # TODO followers, stance")
    out += ["crowd:", '  - {name: A member of the public, handle: "@someone"}  # TODO more people', "", "channels:"]
    for name, cid in channels.items():
        out.append(f"  - {{id: {cid}, kind: {channel_kind(name)}, name: {q(name)}}}")
    injects = [r for r in rows if not r.own]
    out += ["", "injects:" if injects else "injects: []"]
    for r in injects:
        out += [
            f"  - id: {_inject_id(r)}  # row {r.line}",
            f'    at: "{format_duration(r.t)}"',
            f"    channel: {channels[r.channel]}",
            f"    author: {authors[r.author]}",
        ]
        if r.subject:
            out.append(f"    subject: {q(r.subject)}")
        out.append(f"    text: {q(r.text)}")
        if r.signal:
            out.append("    signal: true")
        if r.action:
            out.append(f"    handled_by: [{_decision_id(r)}]")
    if not authors:
        out[out.index("personas:") + 1:out.index("personas:") + 1] = [
            '  - {id: colleague, name: A colleague, handle: "@colleague", followers: 0}  # TODO'
        ]
    if decisions:
        out += ["", "decisions:"]
    public = next((cid for name, cid in channels.items() if channel_kind(name) in ("microblog", "social_page")),
                  next((cid for name, cid in channels.items() if channel_kind(name) not in INBOX),
                       next(iter(channels.values()))))
    for r in decisions:
        channel = channels[r.channel]
        inbox = channel_kind(r.channel) in INBOX
        action = r.text if r.own else r.action
        out += [
            f"  - id: {_decision_id(r)}",
            f'    at: "{format_duration(r.t if r.own else r.t + 60)}"',
        ]
        if inbox and not r.own:  # the request arrives where the row came from, from its author
            out += [f"    author: {authors[r.author]}", f"    channel: {channel}"]
        out += [
            f"    title: {q(_short(action))}",
            f"    prompt: {q('TODO: the situation, and the question.' if r.own else r.text)}",
            '    time_limit: "00:05:00"',
            "    options:  # TODO: real options, each with its strategy, tone, post, effects and feedback",
            "      - id: act",
            f"        label: {q(action)}",
            "        strategy: adjusting_information",
            "        tone: factual",
            f"        channel: {channel}",
            f"        post: {q(r.text) if r.own else 'TODO the message you send.' if inbox else 'TODO the message you publish.'}",
            "        effects: {metrics: {trust: 5}, spread: 0.8}",
            f"        feedback: {q(words['expected'] + action)}",
            "      - id: wait",
            f"        label: {q(words['wait'])}",
            "        strategy: no_comment",
            "        effects: {metrics: {trust: -5}, spread: 1.2}",
            "        feedback: TODO why waiting costs, or not.",
            "    on_timeout:",
            "      feedback: TODO what silence cost.",
            "      effects: {metrics: {trust: -5}}",
        ]
    out += [
        "",
        "story:",
        f"  channels: [{public}]",
        '  texts: ["What is {org} doing about this?", "Still nothing from {org}."]  # TODO',
        "",
        "endings:",
        "  - id: handled",
        "    title: Handled  # TODO",
        "    kind: success",
        '    when: {metric: "trust >= 60"}',
        "    text: TODO what happened next.",
        "  - id: not-handled",
        "    title: Not handled  # TODO",
        "    kind: failure",
        "    text: TODO what happened next.",
        "",
    ]
    return "\n".join(out)


def import_msel(csv_path: Path, folder: Path, lang: str = "en") -> Path:
    """Write ``folder/scenario.yaml`` from a MSEL file and return its path.

    Raises:
        CaseError: the CSV has problems (each with its line and column).
        FileExistsError: the folder already holds a case.
    """
    rows = read_msel(csv_path)
    file = folder / "scenario.yaml"
    if file.exists():
        raise FileExistsError(f"{file} already exists: nothing was overwritten")
    folder.mkdir(parents=True, exist_ok=True)
    schema = schema_reference(folder)  # the project's schema above the folder, or a copy next to the case
    file.write_text(skeleton(rows, case_id(folder.resolve().name), str(csv_path), lang, schema), encoding="utf-8")
    return file


def _ids(names: list[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for name in names:
        if name not in ids:
            base = case_id(name)
            ident, n = base, 2
            while ident in ids.values():
                ident, n = f"{base}-{n}", n + 1
            ids[name] = ident
    return ids


def _inject_id(row: Row) -> str:
    return f"row-{row.line}"


def _decision_id(row: Row) -> str:
    return f"action-{row.line}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
