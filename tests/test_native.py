"""The compiled engine (crisis-sim build-engine): the same rounds as the sources, never a stale build."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine import native

ROOT = Path(__file__).resolve().parent.parent

# Plays every shipped case with each bot over a few seeds and prints which engine ran and, per
# run, a digest of its whole log and its score.
_PLAY = """
import hashlib, io, json, sys
from pathlib import Path
from game.engine import native
from game.engine.bots import play
from game.engine.loader import load_case
from game.engine.log import SessionLog
from game.engine.scoring import score
out = {"status": native.status(), "compiled": None, "runs": {}}
for folder in sorted(Path(sys.argv[1]).glob("*/scenario.yaml")):
    case = load_case(folder).case
    for bot in ("random", "best", "silent"):
        for seed in range(3):
            stream = io.StringIO()
            session = play(case, seed, bot, SessionLog(stream))
            digest = hashlib.sha256(stream.getvalue().encode()).hexdigest()
            out["runs"][f"{folder.parent.name}/{bot}/{seed}"] = [digest, score(session).score, score(session).metrics]
out["compiled"] = native.is_compiled()
print(json.dumps(out))
"""


def _python(code: str, *args: str, path: Path = ROOT, pure: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != native.ENV_PURE}
    env["PYTHONPATH"] = str(path)
    if pure:
        env[native.ENV_PURE] = "1"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=path, capture_output=True, text=True,
                          timeout=300, check=False)


def _copy_package(tmp_path: Path) -> Path:
    """A copy of the game package (with whatever compiled files it has) to tamper with."""
    shutil.copytree(ROOT / "game", tmp_path / "game", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


_WHICH = "import game.engine.session as s, game.engine.bots as b; from game.engine import native; " \
         "print(s.__file__); print(b.__file__); print(native.status())"


def test_a_build_that_does_not_match_its_sources_is_never_loaded(tmp_path):
    # A stale or broken extension beside the sources: here a file that is not even a library, so
    # importing it would fail. The sources load instead, and the engine says why.
    root = _copy_package(tmp_path)
    engine = root / "game" / "engine"
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in native.MODULES:
        for old in engine.glob(f"{name}.*.so"):  # a real build, if there is one
            old.unlink()
        (engine / f"{name}{suffix}").write_bytes(b"not a library")
    (engine / "_native.json").write_text(json.dumps({"sources": {name: "0" * 64 for name in native.MODULES}}))
    done = _python(_WHICH, path=root)
    assert done.returncode == 0, done.stderr
    session_file, bots_file, status = done.stdout.splitlines()
    assert session_file.endswith("session.py") and bots_file.endswith("bots.py")
    assert status.startswith("pure Python") and "changed since the build" in status

    (engine / "_native.json").unlink()
    status = _python(_WHICH, path=root).stdout.splitlines()[-1]
    assert "no readable build stamp" in status

    (engine / f"bots{suffix}").unlink()
    done = _python(_WHICH, path=root)
    assert done.returncode == 0 and "incomplete build (bots missing)" in done.stdout


def test_without_a_build_the_engine_says_it_runs_its_sources(tmp_path):
    root = _copy_package(tmp_path)
    native_copy = root / "game" / "engine"
    for path in list(native_copy.glob("*.so")) + list(native_copy.glob("_native.json")):
        path.unlink()
    done = _python(_WHICH, path=root)
    assert done.stdout.splitlines()[-1] == "pure Python: not built (crisis-sim build-engine compiles it)"


compiled_here = pytest.mark.skipif(
    native.status() != "compiled (mypyc)",
    reason=f"the engine here is {native.status()!r}; .ci/run builds it, then these run",
)


@compiled_here
def test_the_compiled_engine_plays_every_case_exactly_as_the_sources_do():
    scenarios = str(ROOT / "scenarios")
    compiled, pure = (_python(_PLAY, scenarios, pure=flag) for flag in (False, True))
    assert compiled.returncode == 0, compiled.stderr
    assert pure.returncode == 0, pure.stderr
    fast, slow = json.loads(compiled.stdout), json.loads(pure.stdout)
    assert fast["compiled"] is True and slow["compiled"] is False
    assert slow["status"] == f"pure Python: {native.ENV_PURE} is set"
    assert len(fast["runs"]) >= 5 * 3 * 3
    assert fast["runs"] == slow["runs"]


@compiled_here
def test_editing_a_source_after_the_build_switches_every_module_to_the_sources(tmp_path):
    root = _copy_package(tmp_path)
    assert _python(_WHICH, path=root).stdout.splitlines()[-1] == "compiled (mypyc)"
    with (root / "game" / "engine" / "state.py").open("a", encoding="utf-8") as source:
        source.write("\n# edited after the build\n")
    session_file, bots_file, status = _python(_WHICH, path=root).stdout.splitlines()
    assert session_file.endswith("session.py") and bots_file.endswith("bots.py")
    assert status == "pure Python: state.py changed since the build: run crisis-sim build-engine"
