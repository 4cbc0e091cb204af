"""The engine's optional compiled form: its hot modules built with mypyc, used only while fresh.

``crisis-sim build-engine`` compiles :data:`MODULES` (the session, its state and the bots: where a
playthrough spends its time) into C extensions next to their sources, and writes a stamp with the
SHA-256 of each source. Python prefers an extension to a ``.py`` of the same name, so a build left
behind after a source changed would run old code; :func:`guard`, run when this module is
imported (``game/engine/__init__.py`` imports it first), prevents that: unless every module has its extension and every source
still matches the stamp, all of them load from their ``.py`` files (all or nothing: compiled code
expects the native classes of the others). ``CRISIS_SIM_PURE=1`` forces the sources.

The compiled engine is the same program: same floats, same random draws, same logs and scores
(``tests/test_native.py`` replays the golden logs both ways); it plays about 2.5 times faster.
Nothing here imports mypyc unless :func:`build` runs.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["ENV_PURE", "MODULES", "BuildError", "build", "guard", "is_compiled", "remove", "status"]

#: The modules compiled, as names inside ``game.engine``.
MODULES: tuple[str, ...] = ("state", "session", "bots")
#: The environment variable that forces the Python sources.
ENV_PURE = "CRISIS_SIM_PURE"
_GROUP = "game.engine._native"
_HERE = Path(__file__).resolve().parent
_STAMP = _HERE / "_native.json"

# Why the compiled modules are not used, decided once per process by guard(); None when they are.
_reason: str | None = "not checked yet"


class BuildError(Exception):
    """The compiled engine could not be built (no C compiler, no mypyc, a type error...)."""


def _extensions(name: str) -> list[Path]:
    return [
        path for suffix in importlib.machinery.EXTENSION_SUFFIXES if (path := _HERE / f"{name}{suffix}").exists()
    ]


def _built_files() -> list[Path]:
    files = [path for name in MODULES for path in _extensions(name)]
    files += [path for suffix in importlib.machinery.EXTENSION_SUFFIXES for path in _HERE.glob(f"_native__mypyc{suffix}")]
    return files + ([_STAMP] if _STAMP.exists() else [])


def _digests() -> dict[str, str]:
    return {name: hashlib.sha256((_HERE / f"{name}.py").read_bytes()).hexdigest() for name in MODULES}


def _why_not_compiled() -> str | None:
    """None when the compiled modules are complete and match their sources, else the reason."""
    if os.environ.get(ENV_PURE, "") not in ("", "0"):
        return f"{ENV_PURE} is set"
    missing = [name for name in MODULES if not _extensions(name)]
    if len(missing) == len(MODULES):
        return "not built (crisis-sim build-engine compiles it)"
    if missing:
        return f"incomplete build ({', '.join(missing)} missing): run crisis-sim build-engine"
    try:
        stamp = json.loads(_STAMP.read_text(encoding="utf-8"))
        built = stamp["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"no readable build stamp ({_STAMP.name}): run crisis-sim build-engine"
    changed = [f"{name}.py" for name, digest in _digests().items() if built.get(name) != digest]
    if changed:
        return f"{', '.join(changed)} changed since the build: run crisis-sim build-engine"
    return None


class _Sources(importlib.abc.MetaPathFinder):
    """Finds the compiled modules' ``.py`` files, ahead of the extensions beside them."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __package__ or name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")


def guard() -> None:
    """Decide, once per process and before any of :data:`MODULES` is imported, which form loads."""
    global _reason
    if _reason != "not checked yet":
        return
    _reason = _why_not_compiled()
    if _reason is not None and _built_files():
        sys.meta_path.insert(0, _Sources())


def is_compiled() -> bool:
    """Whether this process runs the compiled engine."""
    session = sys.modules.get(f"{__package__}.session")
    return session is not None and not str(getattr(session, "__file__", "")).endswith(".py")


def status() -> str:
    """One line for benchmarks and ``build-engine --check``: which engine runs, and why."""
    guard()
    if _reason is None:
        return "compiled (mypyc)"
    return f"pure Python: {_reason}"


def remove() -> list[Path]:
    """Delete the compiled modules and their stamp (the sources load from then on); what went."""
    files = _built_files()
    for path in files:
        path.unlink()
    return files


_SETUP = """
import sys
from mypyc.build import mypycify
from setuptools import setup
group, temp, *paths = sys.argv[1:]
setup(
    name="crisis-sim-engine",
    ext_modules=mypycify([*paths, "--cache-dir", temp + "/mypy"], group_name=group, opt_level="3", target_dir=temp + "/c"),
    script_args=["-q", "build_ext", "--inplace", "--build-temp", temp + "/o"],
)
"""


def build(verbose: bool = False) -> list[Path]:
    """Compile :data:`MODULES` in place with mypyc and write the stamp; the files written.

    Needs mypy (mypyc comes with it), setuptools and a C compiler (the ``fast`` extra installs the
    first two). Raises :class:`BuildError` with the compiler's last lines when it fails; a failed
    build leaves the sources in use.
    """
    for module, package in (("mypyc", "mypy"), ("setuptools", "setuptools")):
        if importlib.util.find_spec(module) is None:
            raise BuildError(f"{module} is not installed (pip install {package}, or the 'fast' extra: pip install -e '.[fast]')")
    digests = _digests()
    root = _HERE.parent.parent  # the folder holding the ``game`` package
    paths = [str((_HERE / f"{name}.py").relative_to(root)) for name in MODULES]
    remove()
    with tempfile.TemporaryDirectory(prefix="crisis-sim-build-") as temp:
        try:
            done = subprocess.run(
                [sys.executable, "-c", _SETUP, _GROUP, temp, *paths],
                cwd=root, capture_output=not verbose, text=True, check=False,
            )
        except OSError as exc:
            raise BuildError(f"cannot run {sys.executable}: {exc}") from exc
    if done.returncode != 0:
        remove()
        tail = "\n".join(((done.stderr or "") + (done.stdout or "")).strip().splitlines()[-12:])
        raise BuildError(f"mypyc failed (exit {done.returncode}){': ' + tail if tail else ''}")
    _STAMP.write_text(json.dumps({"python": sys.implementation.cache_tag, "sources": digests}, indent=1) + "\n",
                      encoding="utf-8")
    return _built_files()


guard()  # on import: game/engine/__init__.py imports this module before any other
