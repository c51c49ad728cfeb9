"""Scenario helpers for the facilitator's tools: clusters set up by commands, and the few rows
(meetings in the past, open polls) that would otherwise take a long detour through time.

Telegram allows a bot about 20 messages a minute in one group and the bot's rate limiter keeps
to that in real time, so a scenario that needs many items before a burst of files seeds some
of them here instead of typing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import select

from models.clusters import Cluster, Municipality, fold
from models.lessons import LessonKind, record_lesson
from models.meetings import AgendaItem, Meeting, MeetingPoll, PollOption
from models.sequence import next_number
from tests.e2e.harness import BRUSSELS, Chat, Person, World


async def cluster_with(world: World, title: str, municipalities: Sequence[str]) -> Chat:
    """A registered group with its municipalities, set up by the facilitator."""
    group = world.group(title)
    fien = group.facilitator
    assert title in (await fien.says("/start")).text
    await fien.says("/gemeenten + " + ", ".join(municipalities))
    return group


def person(chat: Chat, user_id: int, first: str, last: str | None, username: str | None) -> Person:
    """Someone with a chosen Telegram id, so a scan for it cannot hit an unrelated number."""
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": first,
        "language_code": "nl",
    }
    if last:
        user["last_name"] = last
    if username:
        user["username"] = username
    return Person(chat.world, chat, user)


async def cluster_row(world: World, chat: Chat) -> Cluster:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == chat.id))).one()
    return cluster


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


async def add_meeting(
    world: World,
    chat: Chat,
    *,
    starts_at: dt.datetime,
    host: str | None = None,
    location: str | None = None,
    minutes: str | None = None,
    agenda: Sequence[str] = (),
    cancelled: bool = False,
) -> int:
    """A meeting row as /vergadering and /verslag leave it; returns its number."""
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == chat.id))).one()
        assert cluster.id is not None
        host_id = None
        if host is not None:
            municipality = (
                await session.exec(
                    select(Municipality).where(
                        Municipality.cluster_id == cluster.id, Municipality.key == fold(host)
                    )
                )
            ).one()
            host_id = municipality.id
        number = await next_number(session, cluster.id, "meeting_seq")
        now = world.clock.now()
        meeting = Meeting(
            cluster_id=cluster.id,
            number=number,
            starts_at=starts_at,
            host_municipality_id=host_id,
            location=location,
            minutes=minutes,
            minutes_at=now if minutes else None,
            created_at=now,
            cancelled_at=now if cancelled else None,
        )
        session.add(meeting)
        await session.flush()
        assert meeting.id is not None
        for position, text in enumerate(agenda, start=1):
            session.add(
                AgendaItem(meeting_id=meeting.id, position=position, text=text, created_at=now)
            )
        await session.commit()
    return number


async def add_open_poll(world: World, chat: Chat, *, deadline: dt.datetime) -> int:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == chat.id))).one()
        assert cluster.id is not None
        number = await next_number(session, cluster.id, "poll_seq")
        poll = MeetingPoll(
            cluster_id=cluster.id,
            number=number,
            deadline_at=deadline,
            created_at=world.clock.now(),
        )
        session.add(poll)
        await session.flush()
        assert poll.id is not None
        session.add(
            PollOption(poll_id=poll.id, position=1, starts_at=deadline + dt.timedelta(days=7))
        )
        await session.commit()
    return number


async def add_lesson(world: World, chat: Chat, *, kind: str, text: str, theme: str | None) -> None:
    """A lesson row as /leerpunt leaves it (the group's rate limit is kept for the export)."""
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == chat.id))).one()
        await record_lesson(
            session,
            cluster=cluster,
            kind=LessonKind(kind),
            text=text,
            theme=theme,
            by=None,
            now=world.clock.now(),
        )
        await session.commit()


async def set_inhabitants(world: World, chat: Chat, counts: dict[str, int]) -> None:
    async with world.runtime.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == chat.id))).one()
        for name, count in counts.items():
            municipality = (
                await session.exec(
                    select(Municipality).where(
                        Municipality.cluster_id == cluster.id, Municipality.key == fold(name)
                    )
                )
            ).one()
            municipality.inhabitants = count
            session.add(municipality)
        await session.commit()
