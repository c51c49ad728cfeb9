"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import event, exc, insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlmodel import Session as SQLModelSession
from sqlmodel.ext.asyncio.session import AsyncSession

SessionMaker = async_sessionmaker[AsyncSession]


class DatabaseUrlError(ValueError):
    """The configured URL is not one this bot can use."""


# libpq's URL options as asyncpg names them; options asyncpg takes as they are.
_PG_RENAMED = {"sslmode": "ssl", "connect_timeout": "timeout"}
_PG_KEPT = {"ssl", "timeout", "command_timeout", "statement_cache_size", "target_session_attrs"}
_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}


def masked(url: str) -> str:
    """The URL as it may be shown: never the password, even when the URL does not parse."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def async_url(url: str) -> URL:
    """Map the URL people write (`sqlite:///x.db`, `postgresql://…`) to its async driver.

    PostgreSQL options libpq knows are renamed for asyncpg (`sslmode=require` becomes
    `ssl=require`); an option asyncpg cannot take is refused here, in one line, rather than
    failing later with a traceback.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUrlError(f"cannot read DATABASE_URL {masked(url)!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        query: dict[str, str | tuple[str, ...]] = {}
        for name, value in parsed.query.items():
            target = _PG_RENAMED.get(name, name)
            if target not in _PG_KEPT:
                known = ", ".join(sorted({*_PG_RENAMED, *_PG_KEPT}))
                raise DatabaseUrlError(
                    f"DATABASE_URL option {name!r} is not supported for PostgreSQL "
                    f"(supported: {known})"
                )
            if target == "ssl" and value not in _SSL_MODES:
                raise DatabaseUrlError(
                    f"DATABASE_URL {name}={value!r}: use one of {', '.join(sorted(_SSL_MODES))}"
                )
            query[target] = value
        return parsed.set(drivername="postgresql+asyncpg", query=query)
    raise DatabaseUrlError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


# An execution option for a connection that runs one statement and commits it: SQLite then
# runs it on its own, without BEGIN IMMEDIATE and COMMIT around it (two trips to its thread).
SINGLE_STATEMENT = "single_statement"


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        from models.sqlite_driver import InPlaceDBAPI

        # One connection, whose statements run in place on the loop's thread: SQLite lets one
        # writer in at a time anyway, and every transaction here writes or may (BEGIN IMMEDIATE
        # below). Sessions wait for the connection in the pool, without blocking the loop. (A
        # database in memory has one connection by itself, SQLAlchemy's StaticPool.)
        options: dict[str, Any] = {}
        if target.database not in (None, "", ":memory:"):
            options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 120}
        engine = create_async_engine(
            target,
            module=InPlaceDBAPI(),
            connect_args={"timeout": 30, "check_same_thread": False},
            **{**options, **kwargs},
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the sweep read while an update writes; foreign keys are off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the database and spares a disk flush per
            # commit; only a power cut can lose the last commits, not a crash of the bot.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # The driver's own BEGIN is deferred; ours is below.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            if connection.get_execution_options().get(SINGLE_STATEMENT):
                return  # SQLite's autocommit: the statement takes its lock and commits alone
            # Updates of several chats run at once: a transaction that read and then writes
            # would fail at once with "database is locked" if another wrote in between, so
            # each takes the write lock up front (waiting up to busy_timeout). Transactions are
            # short: none stays open across a network call.
            # On the driver's cursor, as the driver's own BEGIN would be: not a statement of ours.
            cursor = connection.connection.dbapi_connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.close()

        return engine
    engine = create_async_engine(target, **kwargs)
    _ping_when_idle(engine)
    return engine


# A connection the pool handed out this recently is taken to be alive. The ping (three round
# trips with asyncpg: BEGIN, an empty query, ROLLBACK) is for one that sat idle, when the server
# may have restarted or something on the way dropped it; pinging at every checkout, as
# `pool_pre_ping` does, would cost a busy bot more round trips than its own statements.
PING_WHEN_IDLE_FOR = 5.0  # seconds


def _ping_when_idle(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_WHEN_IDLE_FOR:
            return  # just connected, or just used
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # As pool_pre_ping: the pool drops every connection it holds and connects anew.
            raise exc.InvalidatePoolError() from error


class _TrackedSession(SQLModelSession):
    """Remembers whether it wrote anything, so a turn knows its reply confirms a change."""


@event.listens_for(_TrackedSession, "after_flush")
def _flushed(session: Session, _context: UOWTransaction) -> None:
    if session.new or session.dirty or session.deleted:
        session.info["wrote"] = True


@event.listens_for(_TrackedSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if _DEFERRED in state.session.info:
        _insert_deferred(state.session)
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


# --- inserts that wait for the next statement ---------------------------------------------------
# A turn's nudge rows and its outbox row go to the same table in the same transaction: kept
# back, they travel in the outbox row's INSERT instead of one of their own. Whatever statement
# the session runs next sends them first, and the commit at the latest, so the transaction
# never reads around them. (A flush may run before them: nothing refers to rows kept back.)

_DEFERRED = "deferred_inserts"
Rows = list[dict[str, Any]]


async def defer_insert(session: AsyncSession, entity: Any, rows: Rows) -> None:
    """Insert `rows` into `entity`'s table before the session's next statement, or with it
    when that statement takes them (`take_deferred`)."""
    if not rows:
        return
    sync = session.sync_session
    if not isinstance(sync, _TrackedSession):
        await session.exec(insert(entity), params=rows)
        return
    if not sync.in_transaction():
        sync.begin()  # so that a rollback, which ends it, drops the rows too
    pending: list[tuple[Any, Rows]] = sync.info.setdefault(_DEFERRED, [])
    if pending and pending[-1][0] is entity and pending[-1][1][0].keys() == rows[0].keys():
        pending[-1][1].extend(rows)  # one INSERT for rows of one table, as a flush would
    else:
        pending.append((entity, list(rows)))
    sync.info["wrote"] = True


def take_deferred(session: AsyncSession, entity: Any) -> Rows:
    """The rows kept back for `entity`, for the caller to insert along with its own."""
    pending: list[tuple[Any, Rows]] = session.sync_session.info.get(_DEFERRED, [])
    taken = [row for kept, rows in pending if kept is entity for row in rows]
    rest = [(kept, rows) for kept, rows in pending if kept is not entity]
    if rest:
        session.sync_session.info[_DEFERRED] = rest
    else:
        session.sync_session.info.pop(_DEFERRED, None)
    return taken


def _insert_deferred(session: Session) -> None:
    for entity, rows in session.info.pop(_DEFERRED, ()):
        # On the connection: plain rows need nothing of the ORM's bulk-insert layer.
        session.connection().execute(insert(entity.__table__), rows)


async def execute_core(session: AsyncSession, statement: Any, params: dict[str, Any] | Rows) -> Any:
    """Run a statement that needs no ORM objects on the session's connection and transaction.

    The ORM's handling of an UPDATE … RETURNING costs twice the statement itself (syncing the
    objects it holds, compiling for the ORM); rows kept back go first, as before any statement,
    and the session counts it as a write. Objects changed but not flushed are not flushed first:
    use it only for statements that do not read them.
    """
    sync = session.sync_session
    if _DEFERRED in sync.info:
        await session.run_sync(_insert_deferred)
    connection = await session.connection()
    result = await connection.execute(statement, params)
    if statement.is_dml:
        sync.info["wrote"] = True
    return result


@event.listens_for(_TrackedSession, "before_commit")
def _before_commit(session: Session) -> None:
    _insert_deferred(session)


@event.listens_for(_TrackedSession, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back or closed: what was kept back goes with it
        session.info.pop(_DEFERRED, None)


def wrote(session: AsyncSession) -> bool:
    """Whether the session wrote since `forget_writes` (or since it was opened)."""
    return bool(session.sync_session.info.get("wrote"))


def forget_writes(session: AsyncSession) -> None:
    session.sync_session.info["wrote"] = False


def changed(session: AsyncSession) -> bool:
    """Whether the session wrote, or holds changes not yet flushed, since `forget_writes`."""
    return wrote(session) or bool(session.new or session.dirty or session.deleted)


async def end_read_transaction(session: AsyncSession) -> None:
    """End the transaction of a session that has only read, before waiting on something slow
    (Telegram, whose calls wait for the group's limit); one that changed something keeps it, to
    commit the change whole."""
    if not changed(session):
        await session.commit()


def session_maker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(
        engine, class_=AsyncSession, sync_session_class=_TrackedSession, expire_on_commit=False
    )
