"""The results store on an organisation's PostgreSQL server (``--store postgresql://...``).

Same tables, same migration ladder and same repositories as the SQLite file: this module only
opens the connection, runs the ladder (each step in a transaction, under an advisory lock so two
programs opening an old database at once migrate it once), and keeps what the game writes while
the server cannot be reached in a :class:`~game.results.spool.Spool` on this machine, sending it
when the server is back.

psycopg 3 rather than an ORM: the repositories' SQL is already written and shared with SQLite;
an ORM would add a large dependency, a second description of the tables and a second migration
tool, for the handful of statements (:mod:`game.results.dialect`) that differ.
"""

from __future__ import annotations

import os
import platform
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.results.database import MIGRATIONS, SCHEMA_VERSION, StoreError, schema_columns, utc_now
from game.results.dialect import POSTGRES
from game.results.spool import Spool
from game.results.store import ResultStore

if TYPE_CHECKING:
    import psycopg

#: Where the format number lives (SQLite keeps it in ``PRAGMA user_version``).
VERSION_TABLE = "crisis_sim_schema"
#: Seconds to wait for the server when connecting: a round waits at most this long, once per retry.
CONNECT_TIMEOUT = 3
#: Seconds between two attempts to reach a server that could not be reached.
RETRY_EVERY = 20.0

#: The writes a round makes while it is played: kept in the spool when the server is away.
SPOOLED = ("create_session", "append_lines", "replace_lines", "claim", "finish", "close_unfinished", "add_note",
           "answer", "set_team", "amend")


def is_url(given: str | os.PathLike[str] | None) -> bool:
    """True for a PostgreSQL connection string (``postgresql://`` or ``postgres://``)."""
    return isinstance(given, str) and given.startswith(("postgresql://", "postgres://"))


def safe_url(url: str) -> str:
    """The address without its password, for messages and the spool."""
    from psycopg.conninfo import conninfo_to_dict  # psycopg loads only when a server is used

    try:
        params = conninfo_to_dict(url)
    except Exception:
        return url.split("@")[-1]
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host") or "localhost"
    port = f":{params['port']}" if params.get("port") else ""
    schema = ""
    if "search_path" in str(params.get("options", "")):
        schema = f" ({params['options']})"
    return f"postgresql://{user}{host}{port}/{params.get('dbname', '')}{schema}"


class _Connection:
    """A psycopg connection that reads the repositories' SQL (``?`` placeholders) and raises
    only :class:`StoreError`, so the code that queries it directly needs no psycopg."""

    def __init__(self, raw: psycopg.Connection[Any], store: PostgresStore) -> None:
        self.raw = raw
        self.store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        import psycopg  # loaded by _connect already; named here for its Error

        try:
            return self.raw.execute(POSTGRES.sql(sql) if params else sql, list(params) if params else None)
        except psycopg.Error as exc:
            raise StoreError(self.store._explain(exc, self.raw)) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        import psycopg  # loaded by _connect already; named here for its Error

        if not rows:
            return
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(POSTGRES.sql(sql), rows)
        except psycopg.Error as exc:
            raise StoreError(self.store._explain(exc, self.raw)) from exc

    def close(self) -> None:
        self.raw.close()


class PostgresStore(ResultStore):
    """The results on a PostgreSQL server.

    Args:
        url: The connection string (``postgresql://user@host/db?sslmode=verify-full``).
        spool: The file that keeps what is played while the server cannot be reached (in the
            data folder); its folder is also where reports are written.
        now: Wall clock for the timestamps.
        read_only: Never write.

    Opening never raises. A server that cannot be reached leaves :attr:`available` false and
    :attr:`writable` true: the game's writes go to the spool, and :attr:`problem` says so.
    """

    dialect = POSTGRES
    errors: tuple[type[Exception], ...] = ()  # the connection turns psycopg's errors into StoreError

    def __init__(self, url: str, *, spool: str | Path, now: Callable[[], str] = utc_now, read_only: bool = False,
                 durable: bool = True) -> None:
        self.url = url
        self.path = Path(spool)
        self.where = safe_url(url)
        self.now = now
        self.pid_override = None
        self.problem: str | None = None
        self.moved_aside = None
        self.migrated: list[int] = []
        self.writable = not read_only
        self.machine = platform.node() or "unknown"
        self._durable = durable
        self._behind = None
        self.conn: _Connection | None = None  # type: ignore[assignment]
        self.spool = Spool(self.path, self.where)
        self.retry_every = RETRY_EVERY
        self._last_try = 0.0
        self._spooling = False
        self._open()

    # --- opening ------------------------------------------------------------------------

    def _open(self) -> None:
        self._connect()
        if self.conn is not None and self.writable:
            self.send_spool()
        elif self.conn is None and self.writable and self.spool.count():
            self._spooling = True

    def _connect(self) -> None:
        import psycopg  # psycopg loads with the first connection: a SQLite store never imports it
        from psycopg.conninfo import conninfo_to_dict

        self._last_try = time.monotonic()
        try:
            given = conninfo_to_dict(self.url)
        except psycopg.Error as exc:
            self._unreachable(f"the store address is not a PostgreSQL connection string ({exc})")
            return
        extra: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in given:
            extra["connect_timeout"] = CONNECT_TIMEOUT
        if "application_name" not in given:
            extra["application_name"] = "crisis-sim"
        try:
            raw = psycopg.connect(self.url, **extra)
        except psycopg.Error as exc:
            self._unreachable(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            return
        conn = _Connection(raw, self)
        try:
            version = self._version(conn)
            if version > SCHEMA_VERSION:
                self.writable = False
                self.problem = (f"{self.where} was written by a newer Crisis Sim (format {version}, this one knows "
                                f"{SCHEMA_VERSION}): its results can be read, but this round will not be saved "
                                "there; update the game")
            elif version < SCHEMA_VERSION:
                if not self.writable:
                    raise StoreError(f"{self.where} holds results of an older format and this program may not "
                                     "bring it up to date (opened read-only)")
                self.migrated = self._migrate(conn)
            missing = self._missing_tables(conn)
            if missing:
                raise StoreError(f"{self.where}: its tables are missing or incomplete: {', '.join(missing)}")
        except StoreError as exc:
            raw.close()
            self.problem = str(exc)
            self.writable = False
            return
        self.conn = conn

    def _unreachable(self, reason: str) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.writable:
            self.problem = (f"the results server {self.where} cannot be reached ({reason}): results are not being "
                            f"saved there; what is played is kept on this machine ({self.path.name}) and sent "
                            "when it is back")
        else:
            self.problem = f"the results server {self.where} cannot be reached ({reason})"

    @staticmethod
    def _version(conn: _Connection) -> int:
        found = conn.execute("SELECT to_regclass(?)", (VERSION_TABLE,)).fetchone()
        if found is None or found[0] is None:
            return 0
        row = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
        return int(row[0] or 0) if row else 0

    def _migrate(self, conn: _Connection) -> list[int]:
        """Each step in its own transaction, under a lock held until it commits; returns the steps run.

        The lock is per schema (the ``search_path`` of the connection string), so two
        organisations' schemas in one database migrate independently.
        """
        done: list[int] = []
        for step in range(SCHEMA_VERSION):
            conn.execute("BEGIN")
            try:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('crisis-sim schema ' || current_schema()))")
                if self._version(conn) != step:
                    conn.execute("ROLLBACK")
                    continue  # done before, or by another program while this one waited for the lock
                for statement in MIGRATIONS[step]:
                    conn.execute(POSTGRES.ddl(statement))
                conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version BIGINT NOT NULL)")
                conn.execute(f"DELETE FROM {VERSION_TABLE}")
                conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (step + 1,))
                conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    conn.execute("ROLLBACK")
                except StoreError:
                    pass
                if isinstance(exc, StoreError):
                    raise StoreError(f"{self.where} could not be brought up to results format {step + 1} "
                                     f"({str(exc).removeprefix(self.where + ': ')}); "
                                     "nothing was changed, and this round will not be saved there") from exc
                raise
            done.append(step + 1)
        return done

    @staticmethod
    def _missing_tables(conn: _Connection) -> list[str]:
        found: dict[str, set[str]] = {}
        for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        ).fetchall():
            found.setdefault(table, set()).add(column)
        return [t for t, columns in schema_columns().items() if t != "sqlite_sequence" and not columns <= found.get(t, set())]

    @property
    def available(self) -> bool:
        return self.conn is not None

    def close(self) -> None:
        """Close the connection, after one more try at sending what the spool holds (a round
        that ended while the server was away goes now if the server is back)."""
        if self._spooling and self.writable:
            self.retry()
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.spool.close()

    def sync_behind(self) -> bool:
        """The server syncs its own disk: a commit here waits for it (see :meth:`Database.sync_behind`)."""
        return False

    # --- the connection, lost and found again ---------------------------------------------

    def _lost(self) -> bool:
        return self.conn is None or self.conn.raw.closed or self.conn.raw.broken

    def _need(self, write: bool = False) -> _Connection:
        if self._lost():
            if self.conn is not None:
                self.conn.raw.close()
                self.conn = None
            if time.monotonic() - self._last_try >= self.retry_every:
                was_writable = self.writable
                self._connect()
                self.writable = self.writable and was_writable
        if self.conn is None:
            raise StoreError(self.problem or f"{self.where} cannot be reached")
        if write and not self.writable:
            raise StoreError(self.problem or f"{self.where} is read-only")
        return self.conn

    @contextmanager
    def transaction(self, *, sync: bool = True) -> Iterator[_Connection]:
        conn = self._need(write=True)
        conn.execute(POSTGRES.begin)
        if not sync:  # what a replay can make again: the commit need not wait for the server's disk
            conn.execute("SET LOCAL synchronous_commit = off")
        try:
            yield conn
        except BaseException:
            if not self._lost():
                try:
                    conn.execute("ROLLBACK")
                except StoreError:
                    pass
            raise
        conn.execute("COMMIT")

    def _explain(self, exc: Exception, raw: psycopg.Connection[Any] | None = None) -> str:
        import psycopg  # loaded by _connect already; named here for its errors

        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if raw.closed or raw.broken if raw is not None else self._lost():
            # The server went away (or the network did): the game's writes go to the spool.
            self._unreachable(first)
            return self.problem or first
        if isinstance(exc, psycopg.errors.UniqueViolation):
            return f"{self.where}: already stored ({first})"
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return f"{self.where}: the database role may not do this ({first}); see docs/results.md"
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            self.writable = False
            return f"{self.where} is read-only"
        return f"{self.where}: {first}"

    # --- the spool ----------------------------------------------------------------------

    def _write(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A write of the game: to the server when it can be reached, else kept in the spool."""
        if method == "create_session" and not kwargs.get("session_id"):
            kwargs["session_id"] = uuid.uuid4().hex  # known before the server is, so spooled calls can name it
        if self._spooling:
            self.send_spool()
        if not self._spooling:
            try:
                return getattr(ResultStore, method)(self, *args, **kwargs)
            except StoreError:
                if self.conn is not None or not self.writable:
                    raise  # the server refused the write: not a matter of reaching it
        try:
            self.spool.add(method, args, kwargs, self.now(), self.writer_pid())
        except OSError as exc:
            raise StoreError(f"{self.where} cannot be reached and {self.path} cannot be written "
                             f"({exc.strerror or exc}): this round is not being saved") from exc
        except Exception as exc:
            raise StoreError(f"{self.where} cannot be reached and this round cannot be kept in {self.path} "
                             f"({exc}): it is not being saved") from exc
        self._spooling = True
        return kwargs["session_id"] if method == "create_session" else None

    def send_spool(self) -> int:
        """Send what the spool holds for this server, oldest first; returns how many calls went.

        Stops at the first call the server cannot take because it is away again (the rest wait
        for the next try). A call it refuses for another reason (a round deleted meanwhile) is
        dropped, and :attr:`problem` says so, rather than block every call after it.
        """
        sent = 0
        if not self.spool.count():
            self._spooling = False
            return 0
        try:
            self._need(write=True)
        except StoreError:
            self._spooling = True
            return 0
        with self.spool.sending() as next_call:
            while (call := next_call()) is not None:
                saved_now = self.now

                def then(at: str = call.at) -> str:
                    return at  # the call is stored with the time it was made, not the time it is sent

                self.now, self.pid_override = then, call.pid
                try:
                    getattr(ResultStore, call.method)(self, *call.args, **call.kwargs)
                except StoreError as exc:
                    if self._lost():
                        self._spooling = True
                        return sent
                    if call.method == "create_session" and "already stored" in str(exc):
                        pass  # sent before, and the spool was stopped before it could forget it
                    else:
                        self.problem = f"a kept result could not be sent to {self.where} ({exc})"
                finally:
                    self.now, self.pid_override = saved_now, None
                sent += 1
        self._spooling = False
        if self.problem and "cannot be reached" in self.problem:
            self.problem = None
        return sent

    def retry(self) -> bool:
        """Try the server again now (not waiting for the retry interval); True when it is reached
        and nothing waits in the spool any more."""
        self._last_try = 0.0
        self.send_spool()
        return not self._lost() and not self._spooling


def _spooled(method: str) -> Callable[..., Any]:
    original = getattr(ResultStore, method)

    def write(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        return self._write(method, args, kwargs)

    write.__name__ = method
    write.__qualname__ = f"PostgresStore.{method}"
    write.__doc__ = original.__doc__
    return write


for _method in SPOOLED:
    setattr(PostgresStore, _method, _spooled(_method))
