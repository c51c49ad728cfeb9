"""Clusters, their municipalities and their members, and the rules on who may do what."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint, and_, bindparam, func, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import record
from models.errors import DomainError
from models.types import UTCDateTime

LANGUAGES = ("nl", "en", "fr")
MAX_NAME_LENGTH = 80


class Role(StrEnum):
    """Roles in order of power; a role may do everything of the roles before it."""

    ANYONE = "anyone"
    MEMBER = "member"
    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class ClusterStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class Cluster(SQLModel, table=True):
    """One group chat: a cluster of municipalities with its settings and counters."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    title: str = Field(max_length=255)
    language: str = Field(default="nl", max_length=2)
    timezone: str = Field(default="Europe/Brussels", max_length=64)
    status: str = Field(default=ClusterStatus.ACTIVE, max_length=16)
    is_forum: bool = False
    facilitator_user_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_activity_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    handed_over_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The guidance trajectory (see models/trajectory.py); unset means a year from /start.
    trajectory_start: dt.date | None = None
    trajectory_end: dt.date | None = None
    # The digest's memory: news is what changed since the last one sent.
    last_digest_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    quiet_digests: int = 0
    # Schedule settings (see /instellingen).
    digest_weekday: int | None = 0
    digest_time: str = Field(default="09:00", max_length=5)
    digest_thread_id: int | None = Field(default=None, sa_type=BigInteger)
    reminder_lead_days: int = 2
    reminders_enabled: bool = True
    quiet_start: str = Field(default="18:00", max_length=5)
    quiet_end: str = Field(default="08:00", max_length=5)
    extra_days_off: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    # Per-cluster numbering: incremented atomically, never reused (models/sequence.py).
    agreement_seq: int = 0
    action_seq: int = 0
    poll_seq: int = 0
    meeting_seq: int = 0

    @property
    def is_active(self) -> bool:
        return self.status == ClusterStatus.ACTIVE


class Municipality(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    name: str = Field(max_length=MAX_NAME_LENGTH)
    key: str = Field(max_length=MAX_NAME_LENGTH)
    inhabitants: int | None = None
    nis_code: str | None = Field(default=None, max_length=5)
    active: bool = True
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Member(SQLModel, table=True):
    """A person in one cluster; the personal fields are the ones /vergeetmij erases.

    A member named by `@username` before writing in the group is pending: no Telegram id yet,
    until that username first speaks. A member who left the group keeps their row (and their
    agreements) with `left_at` set, until they speak again.
    """

    __table_args__ = (UniqueConstraint("cluster_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    name: str = Field(default="", max_length=255)
    username: str | None = Field(default=None, max_length=64)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    role: str = Field(default=Role.MEMBER, max_length=16)
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    left_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    erased: bool = False

    @property
    def is_pending(self) -> bool:
        """Named by `@username`, not yet seen in the group."""
        return self.user_id is None and not self.erased and self.username is not None

    @property
    def has_left(self) -> bool:
        return self.left_at is not None


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free key, so `#OudHeverlee` finds `Oud-Heverlee`."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", stripped.casefold())


# --- clusters -------------------------------------------------------------------------------


async def get_cluster(session: AsyncSession, chat_id: int) -> Cluster | None:
    result = await session.exec(select(Cluster).where(Cluster.chat_id == chat_id))
    return result.first()


async def register_cluster(
    session: AsyncSession,
    *,
    chat_id: int,
    title: str,
    language: str,
    timezone: str,
    facilitator_user_id: int,
    is_forum: bool,
    now: dt.datetime,
) -> tuple[Cluster, bool]:
    """Register the chat, or re-activate it; returns the cluster and whether it is new."""
    cluster = await get_cluster(session, chat_id)
    if cluster is not None:
        created = False
        if not cluster.is_active:
            cluster.status = ClusterStatus.ACTIVE
            created = True
        cluster.is_forum = is_forum
    else:
        cluster = Cluster(
            chat_id=chat_id,
            title=(title or str(chat_id))[:255],
            language=language,
            timezone=timezone,
            facilitator_user_id=facilitator_user_id,
            is_forum=is_forum,
            created_at=now,
            last_activity_at=now,
        )
        created = True
    session.add(cluster)
    await session.flush()
    return cluster, created


async def rename_cluster(
    session: AsyncSession, *, cluster: Cluster, title: str, by: Member | None, now: dt.datetime
) -> Cluster:
    title = " ".join(title.split())
    if not title:
        raise DomainError("cluster.name_empty")
    if len(title) > 255:
        raise DomainError("cluster.name_too_long", limit=255)
    before = cluster.title
    cluster.title = title
    session.add(cluster)
    await _audit(
        session, cluster, by, "cluster", "renamed", now, {"title": before}, {"title": title}
    )
    return cluster


async def set_language(
    session: AsyncSession, *, cluster: Cluster, language: str, by: Member | None, now: dt.datetime
) -> Cluster:
    language = language.strip().lower()
    if language not in LANGUAGES:
        raise DomainError("cluster.language_unknown", given=language, choices=", ".join(LANGUAGES))
    before = cluster.language
    cluster.language = language
    session.add(cluster)
    await _audit(
        session,
        cluster,
        by,
        "cluster",
        "language",
        now,
        {"language": before},
        {"language": language},
    )
    return cluster


async def deactivate_cluster(session: AsyncSession, *, chat_id: int) -> Cluster | None:
    """The bot left the group: keep every row, stop all sending."""
    cluster = await get_cluster(session, chat_id)
    if cluster is not None and cluster.is_active:
        cluster.status = ClusterStatus.INACTIVE
        session.add(cluster)
    return cluster


async def migrate_chat(session: AsyncSession, *, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup: the cluster moves to the new id with all its data."""
    cluster = await get_cluster(session, old_chat_id)
    if cluster is None or await get_cluster(session, new_chat_id) is not None:
        return False
    cluster.chat_id = new_chat_id
    session.add(cluster)
    return True


async def touch_activity(session: AsyncSession, *, cluster: Cluster, now: dt.datetime) -> None:
    cluster.last_activity_at = now
    session.add(cluster)


# "Last seen" and "last activity" are kept to this precision, so a busy chat does not write
# them with every message; they are shown as days.
SEEN_PRECISION = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Arrival:
    """The chat's cluster and the sender's membership, as one update finds them."""

    cluster: Cluster | None
    member: Member | None


# Built once: every update runs it, and building it anew costs more than SQLite running it.
_ARRIVAL = (
    select(Cluster, Member)
    .outerjoin(
        Member,
        and_(col(Member.cluster_id) == Cluster.id, col(Member.user_id) == bindparam("user_id")),
    )
    .where(Cluster.chat_id == bindparam("chat_id"))
)


def _stale(moment: dt.datetime | None, now: dt.datetime) -> bool:
    return moment is None or now - moment >= SEEN_PRECISION


async def arrive(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int,
    name: str,
    username: str | None,
    now: dt.datetime,
    active: bool = True,
) -> Arrival:
    """One query for the active cluster of the chat and the sender's member row, which is
    created, or brought up to date, only when something changed or `SEEN_PRECISION` passed.
    `active` False (the facilitator's own acts) leaves the cluster's last activity as it was."""
    row = (await session.exec(_ARRIVAL, params={"chat_id": chat_id, "user_id": user_id})).first()
    if row is None or not row[0].is_active:
        return Arrival(None, None)
    cluster, member = row
    name = name[:255]
    if (
        member is None
        or member.erased
        or member.name != name
        or member.username != username
        or _stale(member.last_seen_at, now)
    ):
        member = await touch_member(
            session,
            cluster=cluster,
            user_id=user_id,
            name=name,
            username=username,
            now=now,
            known=member,
        )
    if active and _stale(cluster.last_activity_at, now):
        await touch_activity(session, cluster=cluster, now=now)
    return Arrival(cluster, member)


# --- members --------------------------------------------------------------------------------


async def touch_member(
    session: AsyncSession,
    *,
    cluster: Cluster,
    user_id: int,
    name: str,
    username: str | None,
    now: dt.datetime,
    known: Member | None = None,
) -> Member:
    """Register a member on first sight and keep their name and username current; `known` is
    their row when the caller already has it.

    Someone who speaks is in the group (again): a left member is back. The first time a
    username speaks, a pending member of that username becomes this person, with the
    agreements they were given meanwhile.
    """
    assert cluster.id is not None
    member = known
    if member is None:
        result = await session.exec(
            select(Member).where(Member.cluster_id == cluster.id, Member.user_id == user_id)
        )
        member = result.first()
    new_username = member is None or (member.username or "").lower() != (username or "").lower()
    pending = None
    if username and new_username:
        pending = await _pending_member(session, cluster=cluster, username=username)
    if member is None and pending is not None:
        member, pending = pending, None
        member.user_id = user_id
    if member is None:
        member = Member(cluster_id=cluster.id, user_id=user_id, created_at=now)
    member.name = name[:255]
    member.username = username
    member.last_seen_at = now
    member.left_at = None
    member.erased = False
    session.add(member)
    await session.flush()
    if pending is not None:
        await _merge_pending(session, pending=pending, into=member)
    return member


async def _pending_member(
    session: AsyncSession, *, cluster: Cluster, username: str
) -> Member | None:
    result = await session.exec(
        select(Member).where(
            Member.cluster_id == cluster.id,
            col(Member.user_id).is_(None),
            col(Member.erased).is_(False),
            func.lower(Member.username) == username.lstrip("@").lower(),
        )
    )
    return result.first()


async def _merge_pending(session: AsyncSession, *, pending: Member, into: Member) -> None:
    """A known member took on the pending username: they get its agreements."""
    from models.agreements import Agreement  # agreements build on clusters

    assert pending.id is not None and into.id is not None
    await session.exec(
        update(Agreement)
        .where(col(Agreement.owner_member_id) == pending.id)
        .values(owner_member_id=into.id)
        .execution_options(synchronize_session=False)
    )
    pending.username = None
    pending.erased = True
    session.add(pending)
    await session.flush()


async def pending_member(
    session: AsyncSession, *, cluster: Cluster, username: str, now: dt.datetime
) -> Member:
    """The member `@username` stands for, kept pending until that username first speaks."""
    username = username.lstrip("@")
    found = await find_member_by_username(session, cluster=cluster, username=username)
    if found is not None and not found.erased:
        return found
    assert cluster.id is not None
    member = Member(cluster_id=cluster.id, username=username, created_at=now)
    session.add(member)
    await session.flush()
    return member


async def member_left(
    session: AsyncSession, *, cluster: Cluster, user_id: int, now: dt.datetime
) -> Member | None:
    """Mark the member as gone from the group; None if unknown or already marked (Telegram
    tells a departure twice: a service message and a `chat_member` update)."""
    member = await find_member_by_user_id(session, cluster=cluster, user_id=user_id)
    if member is None or member.erased or member.has_left:
        return None
    assert member.id is not None
    # One conditional UPDATE decides, so the two reports arriving in two processes at once
    # still make one departure.
    claimed = await session.exec(
        update(Member)
        .where(col(Member.id) == member.id, col(Member.left_at).is_(None))
        .values(left_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    member.left_at = now
    await record(
        session,
        cluster_id=member.cluster_id,
        actor_member_id=member.id,
        entity="member",
        entity_id=member.id,
        action="left",
        now=now,
        before=None,
        after={"left_at": now.isoformat()},
    )
    return member


async def member_returned(
    session: AsyncSession, *, cluster: Cluster, user_id: int
) -> Member | None:
    """Back in the group (added again, or joined): no longer shown as left."""
    member = await find_member_by_user_id(session, cluster=cluster, user_id=user_id)
    if member is None or not member.has_left:
        return None
    member.left_at = None
    session.add(member)
    return member


async def members_of(session: AsyncSession, *, cluster: Cluster) -> list[Member]:
    result = await session.exec(
        select(Member)
        .where(Member.cluster_id == cluster.id, col(Member.erased).is_(False))
        .order_by(func.lower(Member.name))
    )
    return list(result.all())


# The lookups an ordinary command makes, built once: building the statement was 0.3 of the
# 0.8 ms a one-row lookup took, more than SQLite's part.
_BY_USERNAME = select(Member).where(
    col(Member.cluster_id) == bindparam("cluster_id"),
    func.lower(Member.username) == bindparam("username"),
)
_BY_USER_ID = select(Member).where(
    col(Member.cluster_id) == bindparam("cluster_id"), col(Member.user_id) == bindparam("user_id")
)


async def find_member_by_username(
    session: AsyncSession, *, cluster: Cluster, username: str
) -> Member | None:
    username = username.lstrip("@").lower()
    params = {"cluster_id": cluster.id, "username": username}
    return (await session.exec(_BY_USERNAME, params=params)).first()


async def find_member_by_user_id(
    session: AsyncSession, *, cluster: Cluster, user_id: int
) -> Member | None:
    params = {"cluster_id": cluster.id, "user_id": user_id}
    return (await session.exec(_BY_USER_ID, params=params)).first()


async def make_coordinator(
    session: AsyncSession, *, cluster: Cluster, member: Member, by: Member | None, now: dt.datetime
) -> bool:
    """Returns False when the member already was coordinator."""
    if member.role == Role.COORDINATOR:
        return False
    member.role = Role.COORDINATOR
    session.add(member)
    assert member.id is not None
    await record(
        session,
        cluster_id=member.cluster_id,
        actor_member_id=by.id if by else None,
        entity="member",
        entity_id=member.id,
        action="coordinator",
        now=now,
        before={"role": Role.MEMBER},
        after={"role": Role.COORDINATOR},
    )
    return True


async def coordinators_of(session: AsyncSession, *, cluster: Cluster) -> list[Member]:
    assert cluster.id is not None
    return (await coordinators_of_clusters(session, cluster_ids=[cluster.id]))[cluster.id]


async def coordinators_of_clusters(
    session: AsyncSession, *, cluster_ids: Sequence[int]
) -> dict[int, list[Member]]:
    """The coordinators of several clusters in one query, by cluster id, oldest record first."""
    found: dict[int, list[Member]] = {cluster_id: [] for cluster_id in cluster_ids}
    result = await session.exec(
        select(Member)
        .where(
            col(Member.cluster_id).in_(list(cluster_ids)),
            Member.role == Role.COORDINATOR,
            col(Member.erased).is_(False),
        )
        .order_by(col(Member.id))
    )
    for member in result.all():
        found[member.cluster_id].append(member)
    return found


async def coordinates_any(session: AsyncSession, *, user_id: int) -> bool:
    result = await session.exec(
        select(Member.id)
        .join(Cluster, col(Member.cluster_id) == col(Cluster.id))
        .where(
            Member.user_id == user_id,
            Member.role == Role.COORDINATOR,
            col(Member.erased).is_(False),
            Cluster.status == ClusterStatus.ACTIVE,
        )
        .limit(1)
    )
    return result.first() is not None


async def clusters_coordinated_by(session: AsyncSession, *, user_id: int) -> list[Cluster]:
    """The active clusters in which this user is coordinator (for their private chat)."""
    result = await session.exec(
        select(Cluster)
        .join(Member, col(Member.cluster_id) == col(Cluster.id))
        .where(
            Member.user_id == user_id,
            Member.role == Role.COORDINATOR,
            col(Member.erased).is_(False),
            Cluster.status == ClusterStatus.ACTIVE,
        )
        .order_by(func.lower(Cluster.title), col(Cluster.id))
    )
    return list(result.all())


# --- municipalities -------------------------------------------------------------------------


_MUNICIPALITIES = select(Municipality).where(
    col(Municipality.cluster_id) == bindparam("cluster_id")
)
_ALL_MUNICIPALITIES = _MUNICIPALITIES.order_by(col(Municipality.key))
_ACTIVE_MUNICIPALITIES = _MUNICIPALITIES.where(col(Municipality.active).is_(True)).order_by(
    col(Municipality.key)
)


async def municipalities_of(
    session: AsyncSession, *, cluster: Cluster, include_removed: bool = False
) -> list[Municipality]:
    query = _ALL_MUNICIPALITIES if include_removed else _ACTIVE_MUNICIPALITIES
    result = await session.exec(query, params={"cluster_id": cluster.id})
    return list(result.all())


def split_names(text: str) -> list[str]:
    """`Herent, Kortenberg en Bertem` → three names; duplicates dropped, order kept."""
    parts = re.split(r",|;|\s+(?:en|and|et)\s+", text)
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = " ".join(part.split()).strip("#")
        if name and fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return names


async def add_municipalities(
    session: AsyncSession,
    *,
    cluster: Cluster,
    names: Sequence[str],
    by: Member | None,
    now: dt.datetime,
) -> tuple[list[Municipality], list[str]]:
    """Adds new names (or brings back removed ones); returns (added, already present)."""
    if not names:
        raise DomainError("municipality.none_given")
    for name in names:
        if len(name) > MAX_NAME_LENGTH:
            raise DomainError("municipality.name_too_long", limit=MAX_NAME_LENGTH)
        if not fold(name):
            raise DomainError("municipality.name_invalid", name=name)
    existing = {
        m.key: m for m in await municipalities_of(session, cluster=cluster, include_removed=True)
    }
    added: list[Municipality] = []
    already: list[str] = []
    for name in names:
        found = existing.get(fold(name))
        if found is not None and found.active:
            already.append(found.name)
            continue
        if found is None:
            assert cluster.id is not None
            found = Municipality(cluster_id=cluster.id, name=name, key=fold(name), created_at=now)
            existing[found.key] = found
        found.active = True
        session.add(found)
        added.append(found)
    await session.flush()
    for municipality in added:
        await _audit(
            session,
            cluster,
            by,
            "municipality",
            "added",
            now,
            None,
            {"name": municipality.name},
            municipality.id,
        )
    return added, already


async def remove_municipality(
    session: AsyncSession, *, cluster: Cluster, name: str, by: Member | None, now: dt.datetime
) -> Municipality:
    """Soft removal: agreements keep pointing at it; its members become unassigned."""
    municipality = await find_municipality(session, cluster=cluster, text=name)
    municipality.active = False
    session.add(municipality)
    result = await session.exec(select(Member).where(Member.municipality_id == municipality.id))
    for member in result.all():
        member.municipality_id = None
        session.add(member)
    await _audit(
        session,
        cluster,
        by,
        "municipality",
        "removed",
        now,
        {"name": municipality.name},
        None,
        municipality.id,
    )
    return municipality


async def find_municipality(session: AsyncSession, *, cluster: Cluster, text: str) -> Municipality:
    """Case-, accent- and punctuation-insensitive match; a near miss suggests the closest names."""
    municipalities = await municipalities_of(session, cluster=cluster)
    return match_municipality(municipalities, text)


def match_municipality(municipalities: Sequence[Municipality], text: str) -> Municipality:
    key = fold(text)
    if not key:
        raise DomainError("municipality.name_invalid", name=text)
    if not municipalities:
        raise DomainError("municipality.none_in_cluster")
    by_key = {m.key: m for m in municipalities}
    if key in by_key:
        return by_key[key]
    starting = [m for m in municipalities if m.key.startswith(key)]
    if len(starting) == 1 and len(key) >= 3:
        return starting[0]
    if len(starting) > 1:
        raise DomainError(
            "municipality.ambiguous", name=text, candidates=", ".join(m.name for m in starting)
        )
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    if close:
        raise DomainError(
            "municipality.unknown_suggest",
            name=text,
            suggestions=", ".join(by_key[k].name for k in close),
        )
    raise DomainError(
        "municipality.unknown", name=text, known=", ".join(m.name for m in municipalities)
    )


async def set_member_municipality(
    session: AsyncSession, *, cluster: Cluster, member: Member, text: str, now: dt.datetime
) -> Municipality:
    municipality = await find_municipality(session, cluster=cluster, text=text)
    before = member.municipality_id
    member.municipality_id = municipality.id
    session.add(member)
    await _audit(
        session,
        cluster,
        member,
        "member",
        "municipality",
        now,
        {"municipality_id": before},
        {"municipality_id": municipality.id},
        member.id,
    )
    return municipality


async def set_inhabitants(
    session: AsyncSession,
    *,
    cluster: Cluster,
    text: str,
    inhabitants: int,
    by: Member | None,
    now: dt.datetime,
) -> Municipality:
    if inhabitants <= 0 or inhabitants > 10_000_000:
        raise DomainError("municipality.inhabitants_invalid", given=inhabitants)
    municipality = await find_municipality(session, cluster=cluster, text=text)
    before = municipality.inhabitants
    municipality.inhabitants = inhabitants
    session.add(municipality)
    await _audit(
        session,
        cluster,
        by,
        "municipality",
        "inhabitants",
        now,
        {"inhabitants": before},
        {"inhabitants": inhabitants},
        municipality.id,
    )
    return municipality


async def _audit(
    session: AsyncSession,
    cluster: Cluster,
    by: Member | None,
    entity: str,
    action: str,
    now: dt.datetime,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
    entity_id: int | None = None,
) -> None:
    assert cluster.id is not None
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity=entity,
        entity_id=entity_id if entity_id is not None else cluster.id,
        action=action,
        now=now,
        before=before,
        after=after,
    )
