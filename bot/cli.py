"""`klimaatbot run` and `klimaatbot db upgrade`: operator-facing, one clear line on failure."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings
from models.db import DatabaseUrlError, async_url


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
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        if args.command == "db":
            _upgrade(settings)
            if args.db_command == "revision":
                from models.migrate import new_revision

                new_revision(settings.database_url, args.message)
            return 0
        return _run(settings)
    except (ConfigError, DatabaseUrlError, _Unusable) as exc:
        print(f"klimaatbot: {exc}", file=sys.stderr)
        return 2


class _Unusable(Exception):
    pass


def _upgrade(settings: Settings) -> None:
    from models.migrate import upgrade

    async_url(settings.database_url)  # malformed URLs fail here, with a clear message
    try:
        upgrade(settings.database_url)
    except Exception as exc:  # any driver error: the operator needs one line, not a traceback
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        raise _Unusable(f"cannot open the database {shown}: {reason}") from exc


def _run(settings: Settings) -> int:
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (put it in the environment or in .env)")
    _upgrade(settings)
    from bot.app import build_application

    app = build_application(settings)
    if settings.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.webhook_port,
            url_path=settings.webhook_url.rstrip("/").rsplit("/", 1)[-1],
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=["message", "callback_query", "my_chat_member"],
        )
    else:
        app.run_polling(allowed_updates=["message", "callback_query", "my_chat_member"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
