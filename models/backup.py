"""`klimaatbot db backup FILE`: a consistent copy of the SQLite database while the bot runs.

SQLite's online backup copies the database page by page under its own locking, so the copy is
a state the database was in, even while the bot writes; copying the file (and its WAL) by hand
is not. PostgreSQL has `pg_dump` for this, which the operator runs instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models.db import DatabaseUrlError, async_url


class BackupError(Exception):
    """The backup cannot be made; the message is one line for the operator."""


def backup(url: str, target: Path) -> int:
    """Copy the database at `url` to `target`; returns the size of the copy in bytes."""
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "db backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(e.g. pg_dump --format=custom --file=klimaatbot.dump DBNAME)"
        )
    source = parsed.database
    if not source or source == ":memory:":
        raise DatabaseUrlError("DATABASE_URL names no database file to back up")
    if not Path(source).is_file():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    if not target.resolve().parent.is_dir():
        raise BackupError(f"folder {target.resolve().parent} does not exist")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin:
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy)
        finally:
            copy.close()
    return target.stat().st_size
