"""`klimaatbot run` and `klimaatbot db upgrade`: operator-facing, one clear line on failure."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.config import ConfigError, Settings
from models.db import DatabaseUrlError, async_url
from models.migrate import is_current, new_revision, upgrade

# Everything the handlers listen to; Telegram sends nothing else.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="klimaatbot", description="Klimaatbot for climate clusters"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="bring the database up to date and run the bot")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="bring the database schema up to date")
    revision = db_sub.add_parser("revision", help="new migration from the models (developers)")
    revision.add_argument("message")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        if args.command == "db":
            _upgrade(settings)
            if args.db_command == "revision":
                new_revision(settings.database_url, args.message)
            return 0
        return _run(settings)
    except (ConfigError, DatabaseUrlError, _Unusable) as exc:
        print(f"klimaatbot: {exc}", file=sys.stderr)
        return 2


class _Unusable(Exception):
    """The database or Telegram cannot be used; the message says which and why."""


def _upgrade(settings: Settings) -> None:
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
    try:
        asyncio.run(_check_telegram(settings))
        _serve(build_application(settings), settings)
    except InvalidToken as exc:
        raise _Unusable("Telegram does not accept TELEGRAM_BOT_TOKEN (ask BotFather)") from exc
    except NetworkError as exc:
        raise _Unusable(f"cannot reach the Telegram Bot API: {exc}") from exc
    return 0


async def _check_telegram(settings: Settings) -> None:
    """Ask getMe once before serving, so a wrong token or URL is one line, not a log storm."""
    assert settings.token is not None
    bot = Bot(settings.token, base_url=settings.api_base_url or "https://api.telegram.org/bot")
    async with bot:
        await bot.get_me()


def _serve(app: Any, settings: Settings) -> None:
    if settings.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.webhook_port,
            url_path=settings.webhook_url.rstrip("/").rsplit("/", 1)[-1],
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)


if __name__ == "__main__":
    sys.exit(main())
