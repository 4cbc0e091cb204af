"""The two results backends for the tests: a SQLite file, and a throwaway PostgreSQL cluster.

The cluster is made by the fixture itself, once per test run, in a temporary folder, listening
on 127.0.0.1 only (and on a unix socket in that folder), and removed at the end. PostgreSQL's
programs refuse to run as root, so as root they run as ``nobody``. Without the server programs
(Debian's ``postgresql`` package; ``.ci/run`` installs it) the PostgreSQL half skips with one
line saying so (and fails instead where ``CRISIS_SIM_REQUIRE_POSTGRES`` is set, as in CI).

Each test gets a store location of its own: a new file, or a new schema in the cluster's
database (``?options=-csearch_path=...``), so tests never see each other's rounds.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Seconds a test of this suite may take before it is stopped (there is no pytest-timeout here).
TEST_LIMIT = 600  # generous: the machine running the tests may be busy


def server_programs() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``/``postgres`` (the newest Debian install, or PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster of its own in ``folder``, trusting local connections (tests only)."""

    def __init__(self, bin_dir: Path, folder: Path, *, fsync: bool = False) -> None:
        self.bin = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.user = "crisis"
        self.fsync = fsync
        self._schemas = itertools.count(1)
        self._as: dict[str, Any] = {}
        if os.geteuid() == 0:  # the server will not run as root
            self._as = {"user": "nobody", "group": "nogroup" if _group_exists("nogroup") else "nobody"}
            shutil.chown(folder, "nobody", self._as["group"])

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, cwd=self.folder,
                              env={**os.environ, "LC_ALL": "C"}, check=True, **self._as)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=60 "
                   f"-c fsync={'on' if self.fsync else 'off'}")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def fresh(self, prefix: str = "t") -> str:
        """A new, empty schema; the URL that stores into it."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._schemas)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return f"{self.url}?options=-csearch_path%3D{name}"


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def start_cluster(fsync: bool = False) -> tuple[Cluster | None, str]:
    """A running cluster, or None and why not (in one line)."""
    bin_dir = server_programs()
    if bin_dir is None:
        return None, "PostgreSQL server programs not found (apt-get install postgresql): PostgreSQL tests skipped"
    folder = Path(tempfile.mkdtemp(prefix="crisis-sim-pg-"))
    cluster = Cluster(bin_dir, folder, fsync=fsync)
    try:
        cluster.init()
        cluster.start()
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None, f"the PostgreSQL test cluster did not start ({detail.strip().splitlines()[-1:]})"
    return cluster, ""


def remove_cluster(cluster: Cluster) -> None:
    try:
        cluster.stop("immediate")
    except (subprocess.SubprocessError, OSError):
        pass
    shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's throwaway PostgreSQL cluster (skips, saying why, when it cannot start)."""
    cluster, why = start_cluster()
    if cluster is None:
        skip_or_fail(why)
    yield cluster
    remove_cluster(cluster)


def skip_or_fail(why: str) -> None:
    """Skip the PostgreSQL half, saying why, except where it must run (``.ci/run`` sets
    ``CRISIS_SIM_REQUIRE_POSTGRES``)."""
    if os.environ.get("CRISIS_SIM_REQUIRE_POSTGRES"):
        pytest.fail(f"{why} (CRISIS_SIM_REQUIRE_POSTGRES is set: these tests must run)", pytrace=False)
    pytest.skip(why)


@pytest.fixture()
def own_cluster() -> Iterator[Cluster]:
    """A cluster of the test's own, that it may stop and start (the session's one is shared)."""
    cluster, why = start_cluster()
    if cluster is None:
        skip_or_fail(why)
    yield cluster
    remove_cluster(cluster)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend the test stores into (the whole results suite runs on both)."""
    return str(request.param)


@pytest.fixture()
def where(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store location of the test's backend: a file path or a ``postgresql://`` URL."""
    if backend == "postgresql":
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        return cluster.fresh()
    return str(tmp_path / "results.db")


@pytest.fixture(autouse=False)
def time_bound() -> Iterator[None]:
    """Stop a test that runs longer than :data:`TEST_LIMIT` seconds (a hung server, a lost child)."""
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the test took more than {TEST_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def wait_for(condition: Any, seconds: float = 30.0, every: float = 0.05) -> bool:
    """Poll ``condition()`` until it is true or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
