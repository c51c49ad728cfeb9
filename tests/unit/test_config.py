"""Settings from the environment, with the defaults of COMMANDS.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from models.db import DatabaseUrlError, async_url


def test_defaults_follow_the_contract() -> None:
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.database_url == "sqlite:///klimaatbot.db"
    assert settings.facilitator_ids == frozenset()
    assert settings.timezone == "Europe/Brussels"
    assert settings.default_language == "nl"
    assert settings.project_price_eur == "10000"
    assert settings.webhook_url is None


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "FACILITATOR_IDS": " 11, 22 ,33",
            "DEFAULT_LANGUAGE": "FR",
            "BOT_TIMEZONE": "Europe/Amsterdam",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": "s3cret",
            "WEBHOOK_PORT": "8080",
        }
    )
    assert settings.token == "123:abc"
    assert settings.facilitator_ids == frozenset({11, 22, 33})
    assert settings.default_language == "fr"
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.webhook_port == 8080


@pytest.mark.parametrize(
    "env",
    [
        {"FACILITATOR_IDS": "fien"},
        {"BOT_TIMEZONE": "Europe/Atlantis"},
        {"DEFAULT_LANGUAGE": "de"},
        {"WEBHOOK_PORT": "eighty"},
    ],
)
def test_malformed_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_database_urls_map_to_async_drivers() -> None:
    assert async_url("sqlite:///k.db").drivername == "sqlite+aiosqlite"
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    with pytest.raises(DatabaseUrlError):
        async_url("mysql://u@h/db")


def test_dotenv_in_the_working_directory_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=42:from-dotenv\nFACILITATOR_IDS=7\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("FACILITATOR_IDS", raising=False)
    settings = Settings.from_env()
    assert settings.token == "42:from-dotenv"
    assert settings.facilitator_ids == frozenset({7})
    # load_dotenv wrote to os.environ directly: take the values out again.
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    monkeypatch.delenv("FACILITATOR_IDS")


def test_webhook_mode_needs_a_secret_and_listens_locally_by_default() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET is required"):
        Settings.from_env({"WEBHOOK_URL": "https://bot.example.org/hook"}, dotenv=False)
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET may hold"):
        Settings.from_env(
            {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "met spaties"},
            dotenv=False,
        )
    settings = Settings.from_env(
        {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "s3cret-token"},
        dotenv=False,
    )
    assert settings.webhook_listen == "127.0.0.1"
    public = Settings.from_env(
        {
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": "s3cret-token",
            "WEBHOOK_LISTEN": "0.0.0.0",
        },
        dotenv=False,
    )
    assert public.webhook_listen == "0.0.0.0"
