"""Everything stored about one Telegram user, and erasing it.

Personal data is kept minimal (Telegram id, name, username, municipality), but names also end
up in what people type (`Bart belt de aannemer`), in rendered minutes and in audit payloads.
Erasing therefore anonymises the member rows and then scrubs the user's id, names and username
from every text and JSON column of every table, so the work stays and the person does not.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Text, TypeDecorator, cast, or_, update
from sqlalchemy import select as core_select
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import models.tables  # noqa: F401  (every table must be known to scrub them all)
from models.actions import Action
from models.agreements import Agreement
from models.audit import AuditEvent, record
from models.clusters import Cluster, Member, Municipality, Role
from models.lessons import Lesson
from models.meetings import AgendaItem, Meeting, MeetingPoll, PollOption, PollVote
from models.nudges import Nudge, NudgeStatus

ERASED = "[…]"


# --- what is stored --------------------------------------------------------------------------


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def personal_data(session: AsyncSession, *, user_id: int) -> dict[str, Any]:
    """Everything stored about the user in every cluster, as plain JSON-ready data.

    Empty lists mean nothing of that kind is stored; `memberships` empty and `facilitator_of`
    empty together mean nothing is stored at all.
    """
    members = list(
        (
            await session.exec(
                select(Member).where(Member.user_id == user_id).order_by(col(Member.id))
            )
        ).all()
    )
    member_ids = [m.id for m in members if m.id is not None]
    clusters = {
        c.id: c
        for c in (
            await session.exec(
                select(Cluster).where(
                    or_(
                        col(Cluster.id).in_([m.cluster_id for m in members]),
                        col(Cluster.facilitator_user_id) == user_id,
                    )
                )
            )
        ).all()
    }
    municipalities = {
        m.id: m.name
        for m in (
            await session.exec(
                select(Municipality).where(col(Municipality.cluster_id).in_(list(clusters)))
            )
        ).all()
    }

    def title(cluster_id: int) -> str:
        return clusters[cluster_id].title if cluster_id in clusters else ""

    agreements = (
        await session.exec(
            select(Agreement)
            .where(
                or_(
                    col(Agreement.owner_member_id).in_(member_ids),
                    col(Agreement.created_by_member_id).in_(member_ids),
                )
            )
            .order_by(col(Agreement.cluster_id), col(Agreement.number))
        )
    ).all()
    actions = (
        await session.exec(
            select(Action)
            .where(col(Action.created_by_member_id).in_(member_ids))
            .order_by(col(Action.cluster_id), col(Action.number))
        )
    ).all()
    meetings = (
        await session.exec(
            select(Meeting)
            .where(col(Meeting.created_by_member_id).in_(member_ids))
            .order_by(col(Meeting.starts_at))
        )
    ).all()
    agenda = (
        await session.exec(
            select(AgendaItem, Meeting)
            .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
            .where(col(AgendaItem.added_by_member_id).in_(member_ids))
            .order_by(col(AgendaItem.created_at))
        )
    ).all()
    votes = (
        await session.exec(
            select(PollVote, PollOption, MeetingPoll)
            .join(PollOption, col(PollOption.id) == col(PollVote.option_id))
            .join(MeetingPoll, col(MeetingPoll.id) == col(PollOption.poll_id))
            .where(col(PollVote.member_id).in_(member_ids))
            .order_by(col(MeetingPoll.id), col(PollOption.position))
        )
    ).all()
    lessons = (
        await session.exec(
            select(Lesson)
            .where(col(Lesson.member_id).in_(member_ids))
            .order_by(col(Lesson.created_at))
        )
    ).all()
    events = (
        await session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.actor_member_id).in_(member_ids))
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        )
    ).all()

    owned = set(member_ids)
    return {
        "telegram_id": user_id,
        "memberships": [
            {
                "cluster": title(m.cluster_id),
                "name": m.name,
                "username": m.username,
                "municipality": municipalities.get(m.municipality_id or -1),
                "role": m.role,
                "first_seen": _when(m.created_at),
                "last_seen": _when(m.last_seen_at),
                "left": _when(m.left_at),
            }
            for m in members
            if not m.erased
        ],
        "facilitator_of": sorted(
            c.title for c in clusters.values() if c.facilitator_user_id == user_id
        ),
        "agreements": [
            {
                "cluster": title(a.cluster_id),
                "number": a.number,
                "text": a.text,
                "kind": a.kind,
                "status": a.status,
                "municipality": municipalities.get(a.municipality_id or -1),
                "due_date": _when(a.due_date),
                "due_time": a.due_time.strftime("%H:%M") if a.due_time else None,
                "owner": a.owner_member_id in owned,
                "recorded_by_you": a.created_by_member_id in owned,
                "created_at": _when(a.created_at),
            }
            for a in agreements
        ],
        "actions_recorded": [
            {"cluster": title(a.cluster_id), "number": a.number, "title": a.title} for a in actions
        ],
        "meetings_planned": [
            {"cluster": title(m.cluster_id), "number": m.number, "starts_at": _when(m.starts_at)}
            for m in meetings
        ],
        "agenda_items": [
            {"cluster": title(meeting.cluster_id), "meeting": meeting.number, "text": item.text}
            for item, meeting in agenda
        ],
        "poll_answers": [
            {
                "cluster": title(poll.cluster_id),
                "poll": poll.number,
                "option": _when(option.starts_at),
                "answer": vote.answer,
                "at": _when(vote.updated_at),
            }
            for vote, option, poll in votes
        ],
        "lessons": [
            {
                "cluster": title(lesson.cluster_id),
                "kind": lesson.kind,
                "theme": lesson.theme,
                "text": lesson.text,
                "at": _when(lesson.created_at),
            }
            for lesson in lessons
        ],
        "history": [
            {
                "cluster": title(e.cluster_id),
                "at": _when(e.at),
                "entity": e.entity,
                "entity_id": e.entity_id,
                "action": e.action,
                "before": e.before,
                "after": e.after,
            }
            for e in events
        ],
    }


def stores_anything(data: dict[str, Any]) -> bool:
    return bool(data["memberships"] or data["facilitator_of"])


# --- erasing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    clusters: list[str]  # titles of the clusters the user was known in
    agreements_recredited: int  # agreements now credited to the municipality only


@dataclass(frozen=True)
class _Needles:
    """What identifies the user in free text: their names, username and id."""

    names: list[str]
    usernames: list[str]
    user_id: int

    @property
    def texts(self) -> list[str]:
        return [*self.names, *self.usernames, str(self.user_id)]

    def pattern(self) -> re.Pattern[str]:
        parts = [rf"(?<!\w){re.escape(name)}(?!\w)" for name in self.names]
        parts += [rf"(?i:(?<!\w)@?{re.escape(u)}(?!\w))" for u in self.usernames]
        parts.append(rf"(?<!\d){self.user_id}(?!\d)")
        # Longest first, so "Bart Peeters" goes as a whole before "Bart" could.
        parts.sort(key=len, reverse=True)
        return re.compile("|".join(parts))


async def erase_user(session: AsyncSession, *, user_id: int, now: dt.datetime) -> Erasure:
    """Remove the user's name, username and Telegram id from every table.

    Member rows stay (anonymised) so votes, lessons and history keep their shape; agreements
    stay and are credited to the municipality the owner worked for; audit entries keep the
    action but lose the actor.
    """
    members = list((await session.exec(select(Member).where(Member.user_id == user_id))).all())
    member_ids = [m.id for m in members if m.id is not None]
    needles = _Needles(
        names=sorted({m.name for m in members if m.name.strip()}),
        usernames=sorted({m.username for m in members if m.username}),
        user_id=user_id,
    )
    facilitated = list(
        (
            await session.exec(select(Cluster).where(col(Cluster.facilitator_user_id) == user_id))
        ).all()
    )
    cluster_ids = sorted({m.cluster_id for m in members} | {c.id for c in facilitated if c.id})
    titles = (
        await session.exec(select(Cluster.title).where(col(Cluster.id).in_(cluster_ids)))
    ).all()

    recredited = 0
    municipality_of = {m.id: m.municipality_id for m in members}
    for agreement in (
        await session.exec(select(Agreement).where(col(Agreement.owner_member_id).in_(member_ids)))
    ).all():
        if agreement.municipality_id is None:
            agreement.municipality_id = municipality_of.get(agreement.owner_member_id)
        agreement.owner_member_id = None
        session.add(agreement)
        recredited += 1
    for cluster in facilitated:
        cluster.facilitator_user_id = None
        session.add(cluster)
    for member in members:
        member.erased = True
        member.user_id = None
        member.name = ""
        member.username = None
        member.role = Role.MEMBER
        member.last_seen_at = None
        member.left_at = None
        session.add(member)
    await session.flush()
    if member_ids:
        await session.exec(
            update(AuditEvent)
            .where(col(AuditEvent.actor_member_id).in_(member_ids))
            .values(actor_member_id=None)
        )
    await _scrub_everywhere(session, needles)
    for member in members:
        assert member.id is not None
        await record(
            session,
            cluster_id=member.cluster_id,
            actor_member_id=None,
            entity="member",
            entity_id=member.id,
            action="erased",
            now=now,
        )
    await session.flush()
    return Erasure(clusters=sorted(titles), agreements_recredited=recredited)


async def _scrub_everywhere(session: AsyncSession, needles: _Needles) -> None:
    """One filtered SELECT per text or JSON column; rows are only rewritten where found.

    A pending nudge whose payload named the user (a private message to them, say) has nobody
    left to go to and is cancelled.
    """
    pattern = needles.pattern()
    # JSON is stored with non-ASCII escaped (`C\\u00e9line`), so search that spelling too.
    json_texts = sorted({json.dumps(t)[1:-1] for t in needles.texts} | set(needles.texts))
    for table in SQLModel.metadata.sorted_tables:
        if table.name == Member.__tablename__:
            continue  # the member rows were anonymised above; others' names are theirs
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if column.primary_key:
                continue
            kind = _stored_as(column.type)
            if kind is JSON:
                condition = or_(
                    *(cast(column, Text).ilike(_contains(t), escape="!") for t in json_texts)
                )
            elif kind is String:
                condition = or_(*(column.ilike(_contains(t), escape="!") for t in needles.texts))
            else:
                continue
            rows = (await session.exec(core_select(*keys, column).where(condition))).all()  # type: ignore[call-overload]
            for row in rows:
                *key_values, value = row
                if kind is JSON:
                    cleaned = _scrub_json(value, pattern, needles.user_id)
                else:
                    cleaned = pattern.sub(ERASED, value)
                if cleaned == value:
                    continue
                where = [k == v for k, v in zip(keys, key_values, strict=True)]
                values: dict[str, Any] = {column.name: cleaned}
                if table.name == Nudge.__tablename__ and column.name == "payload":
                    await session.exec(
                        update(table)
                        .where(*where, table.c.status == NudgeStatus.PENDING)
                        .values(status=NudgeStatus.CANCELLED)
                    )
                await session.exec(update(table).where(*where).values(values))


def _stored_as(column_type: Any) -> type | None:
    """JSON, String (any text: VARCHAR, TEXT, SQLModel's AutoString, …) or None for the rest.

    Decorated types (AutoString, the project's own) are judged by what they store.
    """
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, JSON):
        return JSON
    if isinstance(column_type, String):
        return String
    return None


def _contains(text: str) -> str:
    """A LIKE pattern for `text` taken literally: PostgreSQL would read `\\u00e9` as `u00e9`."""
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def _scrub_json(value: Any, pattern: re.Pattern[str], user_id: int) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return None if value == user_id else value
    if isinstance(value, list):
        return [_scrub_json(item, pattern, user_id) for item in value]
    if isinstance(value, dict):
        return {pattern.sub(ERASED, k): _scrub_json(v, pattern, user_id) for k, v in value.items()}
    return value
