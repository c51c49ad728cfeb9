"""`klimaatbot run` fails with one clear line, never a traceback, when it cannot start."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import async_url


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,  # no .env here
        env={**clean, "PYTHONPATH": str(Path(__file__).parents[2]), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("klimaatbot:")]
    assert len(lines) == 1 and expected.lower() in lines[0].lower(), result.stderr


def test_run_without_token_exits_with_one_line(tmp_path: Path) -> None:
    assert_one_clear_line(run_cli(tmp_path, "run"), "TELEGRAM_BOT_TOKEN")


@pytest.mark.parametrize("url", ["mysql://x@y/z", "::::", "postgresql://u@h:port/db"])
def test_run_with_malformed_database_url_exits_with_one_line(tmp_path: Path, url: str) -> None:
    result = run_cli(tmp_path, "run", TELEGRAM_BOT_TOKEN="1:abc", DATABASE_URL=url)
    assert_one_clear_line(result, "database")


def test_run_with_unopenable_database_exits_with_one_line(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="1:abc",
        DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/klimaatbot.db",
    )
    assert_one_clear_line(result, "cannot open the database")


def test_unreachable_postgres_hides_the_password(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "db",
        "upgrade",
        DATABASE_URL="postgresql://bot:s3cret@127.0.0.1:1/klimaatbot",
    )
    assert_one_clear_line(result, "cannot open the database")
    assert "s3cret" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite:///{tmp_path}/k.db")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "k.db").exists()


def test_unreachable_telegram_is_one_line(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="1:abc",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_URL=f"sqlite:///{tmp_path}/k.db",
    )
    assert_one_clear_line(result, "Telegram")


def test_bad_facilitator_ids_are_reported(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run", TELEGRAM_BOT_TOKEN="1:abc", FACILITATOR_IDS="12,fien")
    assert_one_clear_line(result, "FACILITATOR_IDS")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://bot:hunter2@db.example:notaport/klimaatbot", "cannot read DATABASE_URL"),
        ("postgresql://bot:hunter2@127.0.0.1:1/klimaatbot", "cannot open the database"),
        ("postgresql://bot:hunter2@db.example/klimaatbot?sslmode=sometimes", "sslmode"),
        ("postgresql://bot:hunter2@db.example/klimaatbot?sslrootcert=/ca.pem", "sslrootcert"),
    ],
)
def test_the_database_password_is_never_shown(tmp_path: Path, url: str, expected: str) -> None:
    result = run_cli(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert_one_clear_line(result, expected)
    assert "hunter2" not in result.stderr + result.stdout


def test_postgresql_ssl_and_timeout_options_are_mapped_for_asyncpg() -> None:
    url = async_url("postgresql://bot:pw@db/klimaatbot?sslmode=require&connect_timeout=5")
    assert url.drivername == "postgresql+asyncpg"
    assert dict(url.query) == {"ssl": "require", "timeout": "5"}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_an_sslmode_the_server_accepts_works(tmp_path: Path) -> None:
    url = os.environ["TEST_DATABASE_URL"] + "?sslmode=prefer"
    result = run_cli(tmp_path, "db", "upgrade", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr


def test_db_backup_makes_a_consistent_copy_of_the_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "klimaatbot.db"
    url = f"sqlite:///{database}"
    assert run_cli(tmp_path, "db", "upgrade", DATABASE_URL=url).returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE note (text TEXT)")
        connection.execute("INSERT INTO note VALUES ('Klimaatcluster Leuven')")
    result = run_cli(tmp_path, "db", "backup", "copy.db", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT text FROM note").fetchall() == [("Klimaatcluster Leuven",)]
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    again = run_cli(tmp_path, "db", "backup", "copy.db", DATABASE_URL=url)
    assert_one_clear_line(again, "exists already")


def test_db_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "db", "backup", "x.db", DATABASE_URL="postgresql://u:pw@h/db")
    assert_one_clear_line(result, "pg_dump")
