"""`klimaatbot run`, `klimaatbot sandbox` and `klimaatbot db upgrade`: one clear line on failure.

`run` never starts a sandbox by itself: only `--sandbox-if-no-token` (what `make run` passes)
or `klimaatbot sandbox` do, so a production process without its token stops instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from handlers.runtime import App

DEFAULT_PORT = 8080
SANDBOX_DATABASE = Path("klimaatbot-sandbox.db")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="klimaatbot", description="Klimaatbot for climate clusters"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="bring the database up to date and run the bot")
    run.add_argument(
        "--sandbox-if-no-token",
        action="store_true",
        help="without TELEGRAM_BOT_TOKEN, start the sandbox instead of stopping",
    )
    run.add_argument("--port", type=int, default=DEFAULT_PORT, help="the sandbox's page port")
    sandbox = sub.add_parser(
        "sandbox", help="the bot against a built-in Telegram, with a browser chat (no token)"
    )
    sandbox.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1")
    sandbox.add_argument("--empty", action="store_true", help="no demo cluster, nobody spoke")
    sandbox.add_argument(
        "--database",
        type=Path,
        default=SANDBOX_DATABASE,
        help="the sandbox's own SQLite file, made anew at every start",
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="bring the database schema up to date")
    revision = db_sub.add_parser("revision", help="new migration from the models (developers)")
    revision.add_argument("message")
    copy = db_sub.add_parser("backup", help="a consistent copy of the SQLite database")
    copy.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with _loading():  # what every command needs; `run` loads the bot itself in `_run`
        from models.backup import BackupError, backup
        from models.db import DatabaseUrlError
        from models.migrate import new_revision
    try:
        settings = Settings.from_env()
        if args.command == "db" and args.db_command == "backup":
            size = backup(settings.database_url, args.file)
            print(f"klimaatbot: database copied to {args.file} ({size:,} bytes)")
            return 0
        if args.command == "db":
            _upgrade(settings)
            if args.db_command == "revision":
                new_revision(settings.database_url, args.message)
            return 0
        if args.command == "sandbox":
            return _sandbox(settings, args.port, empty=args.empty, database=args.database)
        if not settings.token and args.sandbox_if_no_token:
            return _sandbox(
                settings, args.port, empty=False, database=Path("klimaatbot-sandbox.db")
            )
        return _run(settings)
    except (ConfigError, DatabaseUrlError, BackupError, _Unusable) as exc:
        print(f"klimaatbot: {exc}", file=sys.stderr)
        return 2


class _Unusable(Exception):
    """The database or Telegram cannot be used; the message says which and why."""


@contextlib.contextmanager
def _loading() -> Iterator[None]:
    """Import and build with the garbage collector paused, then freeze what was made.

    The bot's modules make some 120,000 objects that live as long as the process (tables,
    mappers, schemas, handlers, the Bot API's types); collecting while they load finds
    nothing to free and costs a quarter of the start. Frozen, later collections skip them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _upgrade(settings: Settings) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import async_url
    from models.migrate import is_current, upgrade

    url = async_url(settings.database_url)  # malformed URLs fail here, with a clear message
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).resolve().parent
        if not folder.is_dir():
            raise _Unusable(f"cannot open the database {shown}: folder {folder} does not exist")
    try:
        if not is_current(settings.database_url):
            upgrade(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:  # the operator needs one line, not a traceback
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _Unusable(f"cannot open the database {shown}: {reason}") from exc


def _run(settings: Settings) -> int:
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (put it in the environment or in .env)")
    _upgrade(settings)
    with _loading():
        from bot.app import build_application
        from bot.serve import Fatal

        app = build_application(settings)
    try:
        asyncio.run(_check_and_serve(app, settings))
    except Fatal as exc:
        print(f"klimaatbot: {exc}", file=sys.stderr)
        return exc.code
    return 0


def _sandbox(settings: Settings, port: int, *, empty: bool, database: Path) -> int:
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a port number")
    if not database.resolve().parent.is_dir():
        raise _Unusable(f"cannot make the sandbox database {database}: no such folder")
    try:
        asyncio.run(_serve_sandbox(settings, port, empty=empty, database=database))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise _Unusable(
            f"cannot serve the sandbox on 127.0.0.1:{port} ({exc.strerror or exc}); "
            f"choose another port with --port"
        ) from exc
    return 0


async def _serve_sandbox(settings: Settings, port: int, *, empty: bool, database: Path) -> None:
    from bot.sandbox.sandbox import Sandbox

    sandbox = Sandbox(database=database, port=port, empty=empty, base=settings)
    url = await sandbox.start()
    logging.getLogger("klimaatbot").info(
        "SANDBOX: the bot runs against a built-in Telegram, not the real one. Open %s to chat "
        "as the demo cluster's people. To go live, put TELEGRAM_BOT_TOKEN=<token from "
        "@BotFather> in .env and run `make run` again.",
        url,
    )
    stopping = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signals to handle on some platforms
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    try:
        await stopping.wait()
    finally:
        await sandbox.stop()


async def _check_and_serve(app: App, settings: Settings) -> None:
    """getMe once before serving, so a wrong token or URL is one line, not a log storm.

    The check is the bot's own first call (`initialize` asks getMe), on the loop that then
    serves, so its connections are the ones the bot goes on using.
    """
    from telegram.error import InvalidToken, NetworkError

    from bot.serve import serve

    try:
        await app.bot.initialize()
    except InvalidToken as exc:
        await app.bot.shutdown()
        raise _Unusable("Telegram does not accept TELEGRAM_BOT_TOKEN (ask BotFather)") from exc
    except NetworkError as exc:
        await app.bot.shutdown()
        raise _Unusable(f"cannot reach the Telegram Bot API: {exc}") from exc
    await serve(app, settings)


if __name__ == "__main__":
    sys.exit(main())
