from __future__ import annotations

import os
from pathlib import Path

import pytest

# The results backends (a SQLite file, a throwaway PostgreSQL cluster) for any test that takes `where`.
from results_backends import backend, own_cluster, pg_cluster, time_bound, where  # noqa: F401

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "cases" / "tiny"
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def tiny_case():
    from game.engine.loader import load_case

    return load_case(TINY).case


@pytest.fixture(autouse=True)
def _results_folder(tmp_path_factory, monkeypatch):
    """Rounds the tests play are kept in a folder of their own, never in the user's data folder."""
    monkeypatch.setenv("CRISIS_SIM_DATA_DIR", str(tmp_path_factory.mktemp("results")))
    monkeypatch.delenv("CRISIS_SIM_STORE", raising=False)  # nor in an organisation's server named outside
