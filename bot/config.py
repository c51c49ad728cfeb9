"""Settings from the environment and `.env` (COMMANDS.md, "Configuration")."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import find_dotenv, load_dotenv

LANGUAGES = ("nl", "en", "fr")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_base_url: str | None = None
    database_url: str = "sqlite:///klimaatbot.db"
    facilitator_ids: frozenset[int] = field(default_factory=frozenset)
    timezone: str = "Europe/Brussels"
    default_language: str = "nl"
    project_price_eur: str = "10000"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_port: int = 8443
    # Behind the reverse proxy that terminates TLS: only it should reach the bot's port.
    webhook_listen: str = "127.0.0.1"
    sweep_interval_seconds: float = 30.0
    # Telegram's limit per group; tests raise it so scenarios do not wait out real minutes.
    group_messages_per_minute: int = 20
    # Telegram's limit per bot; the benchmarks raise it to measure the bot, not the pacing.
    messages_per_second: int = 30

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings; `.env` fills in what the environment leaves unset."""
        if env is None:
            if dotenv:
                # From the working directory, where the operator keeps `.env`, not the package's.
                load_dotenv(find_dotenv(usecwd=True), override=False)
            env = os.environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        try:
            facilitators = frozenset(
                int(part)
                for part in (get("FACILITATOR_IDS") or "").replace(";", ",").split(",")
                if part.strip()
            )
        except ValueError as exc:
            raise ConfigError("FACILITATOR_IDS must be comma-separated Telegram user ids") from exc
        timezone = get("BOT_TIMEZONE") or cls.timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"BOT_TIMEZONE {timezone!r} is not an IANA time zone") from exc
        language = (get("DEFAULT_LANGUAGE") or cls.default_language).lower()
        if language not in LANGUAGES:
            raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        port_text = get("WEBHOOK_PORT") or str(cls.webhook_port)
        if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
            raise ConfigError("WEBHOOK_PORT must be a port number")
        secret = get("WEBHOOK_SECRET")
        if get("WEBHOOK_URL") and not secret:
            raise ConfigError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL: without it anyone who finds the "
                "URL can send the bot forged updates"
            )
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ConfigError("WEBHOOK_SECRET may hold 1-256 of A-Z a-z 0-9 _ - (Telegram's rule)")
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=get("TELEGRAM_API_BASE_URL"),
            database_url=get("DATABASE_URL") or cls.database_url,
            facilitator_ids=facilitators,
            timezone=timezone,
            default_language=language,
            project_price_eur=get("PROJECT_PRICE_EUR") or cls.project_price_eur,
            webhook_url=get("WEBHOOK_URL"),
            webhook_secret=get("WEBHOOK_SECRET"),
            webhook_port=int(port_text),
            webhook_listen=get("WEBHOOK_LISTEN") or cls.webhook_listen,
        )
