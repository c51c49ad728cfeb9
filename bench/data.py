"""Databases for the benchmarks: emptied and migrated, then filled in bulk.

`build` writes clusters with their municipalities, members, agreements, meetings, polls and
the nudge history a bot that ran for a year leaves behind (sent digests, sent and pending
agreement and meeting nudges), with plain INSERTs in large batches, so 1,000 clusters × 100
agreements take seconds, not hours. Ids, chat ids and user ids follow `bench.stream`, so the
same chats and people can then talk to the bot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from bench.stream import FACILITATOR_ID, PLACES, clusters
from models.agreements import Agreement
from models.clusters import Cluster, Member, Municipality
from models.db import create_engine
from models.meetings import Meeting, MeetingPoll, PollOption
from models.migrate import upgrade_async
from models.nudges import Nudge

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Thursday morning; the next digest is on Monday 30 November.
START = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS)
MONDAY_DIGEST = dt.datetime(2026, 11, 30, 9, 0, tzinfo=BRUSSELS)
_BATCH = 5000


@dataclass(frozen=True)
class Shape:
    clusters: int
    agreements: int = 100
    meetings: int = 20
    polls: int = 5
    history_weeks: int = 52

    @property
    def label(self) -> str:
        return f"{self.clusters:,} clusters × {self.agreements} agreements"


async def empty_database(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        else:
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()
    await upgrade_async(url)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _digest_key(cluster_id: int, moment: dt.datetime) -> str:
    year, week, _ = moment.astimezone(BRUSSELS).date().isocalendar()
    return f"digest:{cluster_id}:{year}-W{week:02d}"


def rows(shape: Shape) -> dict[Any, list[dict[str, Any]]]:
    """Every row of the dataset, per table, with explicit ids."""
    start = _utc(START)
    tables: dict[Any, list[dict[str, Any]]] = {
        Cluster: [],
        Municipality: [],
        Member: [],
        Agreement: [],
        Meeting: [],
        MeetingPoll: [],
        PollOption: [],
        Nudge: [],
    }
    nudge_id = 0

    def nudge(
        cluster_id: int,
        kind: str,
        subject: str,
        subject_id: int,
        key: str,
        due: dt.datetime,
        sent: bool,
    ) -> None:
        nonlocal nudge_id
        nudge_id += 1
        tables[Nudge].append(
            {
                "id": nudge_id,
                "cluster_id": cluster_id,
                "kind": kind,
                "subject_type": subject,
                "subject_id": subject_id,
                "dedupe_key": key,
                "due_at": _utc(due),
                "status": "sent" if sent else "pending",
                "sent_at": _utc(due) if sent else None,
                "attempts": 1 if sent else 0,
            }
        )

    created = start - dt.timedelta(days=7 * shape.history_weeks + 7)
    for index, chat in enumerate(clusters(shape.clusters)):
        cid = index + 1
        facilitator = FACILITATOR_ID if index < 50 else 800_000_000 + index // 50
        tables[Cluster].append(
            {
                "id": cid,
                "chat_id": chat.chat_id,
                "title": chat.title,
                "language": "nl",
                "timezone": "Europe/Brussels",
                "status": "active",
                "is_forum": False,
                "facilitator_user_id": facilitator,
                "created_at": created,
                "last_activity_at": start,
                "digest_weekday": 0,
                "digest_time": "09:00",
                "reminder_lead_days": 2,
                "reminders_enabled": True,
                "quiet_start": "18:00",
                "quiet_end": "08:00",
                "extra_days_off": [],
                "agreement_seq": shape.agreements,
                "action_seq": 0,
                "poll_seq": shape.polls,
                "meeting_seq": shape.meetings,
            }
        )
        base_m = index * len(PLACES)
        for p, place in enumerate(PLACES):
            tables[Municipality].append(
                {
                    "id": base_m + p + 1,
                    "cluster_id": cid,
                    "name": place,
                    "key": place.lower(),
                    "inhabitants": 10_000 + 1000 * p,
                    "active": True,
                    "created_at": created,
                }
            )
        base_u = index * len(chat.users)
        for m, user in enumerate(chat.users):
            tables[Member].append(
                {
                    "id": base_u + m + 1,
                    "cluster_id": cid,
                    "user_id": user["id"],
                    "name": user["first_name"],
                    "username": user["username"],
                    "municipality_id": base_m + m % len(PLACES) + 1,
                    "role": "member",
                    "created_at": created,
                    "last_seen_at": start,
                    "erased": False,
                }
            )
        for a in range(shape.agreements):
            aid = index * shape.agreements + a + 1
            past = a < shape.agreements // 2
            due = START.date() + (
                dt.timedelta(days=-3 * (shape.agreements // 2 - a))
                if past
                else dt.timedelta(days=14 + a)
            )
            done = a % 10 < 3
            tables[Agreement].append(
                {
                    "id": aid,
                    "cluster_id": cid,
                    "number": a + 1,
                    "text": f"Taak {a} van {chat.title}",
                    "kind": "task",
                    "status": "done" if done else "open",
                    "owner_member_id": base_u + a % len(chat.users) + 1,
                    "municipality_id": base_m + a % len(PLACES) + 1,
                    "due_date": due,
                    "created_by_member_id": base_u + 1,
                    "created_at": created,
                    "closed_at": start if done else None,
                }
            )
            due_at = dt.datetime.combine(due, dt.time(9), tzinfo=BRUSSELS)
            for kind, when in (
                ("before", due_at - dt.timedelta(days=2)),
                ("due", due_at),
                ("overdue1", due_at + dt.timedelta(days=1)),
            ):
                if done and when > START:
                    continue
                nudge(
                    cid,
                    f"agreement_{kind.rstrip('1')}",
                    "agreement",
                    aid,
                    f"agreement:{aid}:{kind}:{due.isoformat()}",
                    when,
                    sent=when <= START,
                )
        for n in range(shape.meetings):
            mid = index * shape.meetings + n + 1
            starts = START + dt.timedelta(days=7 * (n - shape.meetings + 3), hours=4)
            tables[Meeting].append(
                {
                    "id": mid,
                    "cluster_id": cid,
                    "number": n + 1,
                    "starts_at": _utc(starts),
                    "host_municipality_id": base_m + n % len(PLACES) + 1,
                    "location": "Gemeentehuis",
                    "created_by_member_id": base_u + 1,
                    "created_at": created,
                }
            )
            if starts > START + dt.timedelta(days=7):
                hour = starts - dt.timedelta(hours=1)
                nudge(
                    cid,
                    "meeting_hour_before",
                    "meeting",
                    mid,
                    f"meeting:{mid}:hour_before:{_utc(starts):%Y-%m-%dT%H:%M}",
                    hour,
                    False,
                )
        for n in range(shape.polls):
            pid = index * shape.polls + n + 1
            is_open = n == shape.polls - 1
            deadline = START + dt.timedelta(days=10 if is_open else -30 * (shape.polls - n))
            tables[MeetingPoll].append(
                {
                    "id": pid,
                    "cluster_id": cid,
                    "number": n + 1,
                    "status": "open" if is_open else "closed",
                    "deadline_at": _utc(deadline),
                    "created_by_member_id": base_u + 1,
                    "created_at": created,
                    "closed_at": None if is_open else _utc(deadline),
                }
            )
            for o in range(3):
                tables[PollOption].append(
                    {
                        "id": pid * 3 + o,
                        "poll_id": pid,
                        "position": o + 1,
                        "starts_at": _utc(deadline + dt.timedelta(days=3 + o)),
                    }
                )
        for week in range(shape.history_weeks, 0, -1):
            moment = MONDAY_DIGEST - dt.timedelta(days=7 * week)
            nudge(cid, "digest", "cluster", cid, _digest_key(cid, moment), moment, sent=True)
        nudge(cid, "digest", "cluster", cid, _digest_key(cid, MONDAY_DIGEST), MONDAY_DIGEST, False)
    return tables


async def build(url: str, shape: Shape) -> None:
    """An empty, migrated database filled with `shape`."""
    await empty_database(url)
    engine = create_engine(url)
    try:
        tables = rows(shape)
        async with engine.begin() as connection:
            for table, values in tables.items():
                for offset in range(0, len(values), _BATCH):
                    await connection.execute(insert(table), values[offset : offset + _BATCH])
            if engine.dialect.name == "postgresql":
                for table in tables:
                    name = table.__tablename__
                    await connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT MAX(id) FROM {name}))"
                        )
                    )
                await connection.execute(text("ANALYZE"))
            else:
                await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
