"""Schema upgrades through Alembic; the only way production creates or changes tables."""

from __future__ import annotations

import ast
import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models.db import create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def head_revisions() -> set[str]:
    """The revisions no other one builds on, read from the files without loading Alembic
    (a tenth of a second and ten megabytes the bot need not pay at every start)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name, value = node.target.id, node.value
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                name, value = node.targets[0].id, node.value
            else:
                continue
            if name not in ("revision", "down_revision") or value is None:
                continue
            literal = ast.literal_eval(value)
            found = {literal} if isinstance(literal, str) else set(literal or ())
            (revisions if name == "revision" else parents).update(found)
    return revisions - parents


async def _stored_revisions(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {str(row[0]) for row in rows}
    except SQLAlchemyError:
        return set()  # no schema yet, or no database: the upgrade says what is wrong
    finally:
        await engine.dispose()


def is_current(url: str) -> bool:
    """Whether the schema at `url` is at the head revision already (blocking)."""
    heads = head_revisions()
    return bool(heads) and asyncio.run(_stored_revisions(url)) == heads


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` to `revision` (blocking).

    The migration environment runs its own event loop, so from inside a running loop the work
    moves to a thread.
    """
    from alembic import command

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(alembic_config(url), revision)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(command.upgrade, alembic_config(url), revision).result()


async def upgrade_async(url: str, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, url, revision)


def new_revision(url: str, message: str) -> None:
    """Autogenerate a migration from the difference between `url` (at head) and the models."""
    from alembic import command

    command.revision(alembic_config(url), message=message, autogenerate=True)
