"""A player's (or team's) past rounds, per case, and how their score moved."""

from __future__ import annotations

from dataclasses import dataclass

from game.results.store import ResultStore, StoredSession

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class CaseHistory:
    case_id: str
    case_title: str
    rounds: list[StoredSession]  # oldest first, every status

    @property
    def finished(self) -> list[StoredSession]:
        return [r for r in self.rounds if r.status == "finished" and r.score is not None]

    @property
    def scores(self) -> list[float]:
        return [r.score for r in self.finished if r.score is not None]

    @property
    def best(self) -> float | None:
        return max(self.scores, default=None)

    @property
    def last(self) -> float | None:
        return self.scores[-1] if self.scores else None

    @property
    def progress(self) -> float | None:
        """Last finished score minus the first (None with fewer than two)."""
        scores = self.scores
        return round(scores[-1] - scores[0], 1) if len(scores) > 1 else None


def history(store: ResultStore, team: str, case_id: str | None = None) -> list[CaseHistory]:
    """Every case the team played, most recently played first, each with its rounds oldest first."""
    by_case: dict[str, list[StoredSession]] = {}
    latest: dict[str, int] = {}
    for order, stored in enumerate(store.sessions(team=team, case_id=case_id, newest_first=False)):
        by_case.setdefault(stored.case_id, []).append(stored)
        latest[stored.case_id] = order
    out = [CaseHistory(cid, rounds[-1].case_title or cid, rounds) for cid, rounds in by_case.items()]
    return sorted(out, key=lambda h: latest[h.case_id], reverse=True)


def teams(store: ResultStore) -> list[tuple[str, int, str]]:
    """Every team name with its number of rounds and its last round's start, most recent first."""
    return [(r[0], r[1], r[2]) for r in store._need().execute(
        "SELECT team, count(*), max(started_at) FROM sessions GROUP BY team ORDER BY max(started_at) DESC")]


def sparkline(scores: list[float], low: float = 0, high: float = 100) -> str:
    """Scores as a row of block characters (0 to 100)."""
    span = (high - low) or 1
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, int((s - low) / span * len(SPARKS))))] for s in scores)
