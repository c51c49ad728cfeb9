"""Meetings with their agenda and minutes, and the polls that find their date.

The operations below the tables take `now` as an argument and know nothing of Telegram: the
handlers parse what people type, these functions keep the rules (valid options, one answer per
member per option, the winner, the host rotation, what goes into the minutes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    or_,
    update,
)
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import record
from models.clusters import Cluster, Member, Municipality
from models.db import execute_core
from models.errors import DomainError, NotFound
from models.poll_rules import (
    Answer,
    HostCandidate,
    HostProposal,
    OptionTally,
    fold_name,
    host_proposal,
    pick_winner,
    propose_host,
    tally,
)
from models.sequence import next_number
from models.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql.dml import Insert as PgInsert
    from sqlalchemy.dialects.sqlite.dml import Insert as SqliteInsert

    from models.agreements import Agreement


class Meeting(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    number: int
    starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int = 60
    host_municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    location: str | None = Field(default=None, max_length=500)
    poll_id: int | None = Field(default=None, foreign_key="meetingpoll.id")
    minutes: str | None = Field(default=None, sa_column=Column(Text))
    minutes_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    cancelled_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    # A series: `w6` every six weeks, `m1` monthly (same weekday of the month); None: one-off.
    repeat: str | None = Field(default=None, max_length=8)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    attendance: list[int] | None = Field(default=None, sa_column=Column(JSON))


class AgendaItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    text: str = Field(max_length=1000)
    added_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MeetingPoll(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cluster_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    number: int
    status: str = Field(default=PollStatus.OPEN, max_length=16)
    deadline_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    meeting_id: int | None = Field(default=None)


class PollOption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="meetingpoll.id", index=True)
    position: int
    starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PollVote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("option_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="polloption.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    answer: str = Field(max_length=8)
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- polls ----------------------------------------------------------------------------------

MAX_POLL_OPTIONS = 10
MAX_AGENDA_TEXT = 1000
MAX_LOCATION = 500
DEFAULT_DURATION_MINUTES = 60


def check_poll_options(
    options: Sequence[dt.datetime], *, deadline: dt.datetime | None, now: dt.datetime
) -> None:
    """Refuse a poll nobody can answer sensibly; positions in errors are 1-based as typed.

    Every option must lie ahead and be distinct; a deadline (when known) must not be past and
    must come before the earliest option, or people would vote on a moment already gone.
    """
    if not options:
        raise DomainError("poll.usage")
    if len(options) > MAX_POLL_OPTIONS:
        raise DomainError("poll.too_many", limit=MAX_POLL_OPTIONS, count=len(options))
    seen: dict[dt.datetime, int] = {}
    for position, moment in enumerate(options, start=1):
        if moment.tzinfo is None:
            raise ValueError("poll options must be aware datetimes")
        if moment <= now:
            raise DomainError("poll.option_past", position=position)
        first = seen.setdefault(moment, position)
        if first != position:
            raise DomainError("poll.option_duplicate", position=position, first=first)
    if deadline is not None:
        if deadline < now:
            raise DomainError("poll.deadline_past")
        if deadline >= min(options):
            raise DomainError("poll.deadline_after_option")


async def open_poll(
    session: AsyncSession,
    *,
    cluster: Cluster,
    options: Sequence[dt.datetime],
    deadline: dt.datetime,
    by: Member | None,
    now: dt.datetime,
    thread_id: int | None = None,
) -> MeetingPoll:
    """A new numbered poll with its options in the order given."""
    check_poll_options(options, deadline=deadline, now=now)
    assert cluster.id is not None
    poll = MeetingPoll(
        cluster_id=cluster.id,
        number=await next_number(session, cluster.id, "poll_seq"),
        deadline_at=deadline,
        created_by_member_id=by.id if by else None,
        created_at=now,
        thread_id=thread_id,
    )
    session.add(poll)
    await session.flush()
    assert poll.id is not None
    for position, moment in enumerate(options, start=1):
        session.add(PollOption(poll_id=poll.id, position=position, starts_at=moment))
    await session.flush()
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity="poll",
        entity_id=poll.id,
        action="opened",
        now=now,
        after={
            "number": poll.number,
            "options": [moment.isoformat() for moment in options],
            "deadline": deadline.isoformat(),
        },
    )
    return poll


async def get_poll(session: AsyncSession, *, cluster: Cluster, poll_id: int) -> MeetingPoll:
    """A poll of this cluster; another cluster's poll is as unknown as a missing one."""
    poll = await session.get(MeetingPoll, poll_id)
    if poll is None or poll.cluster_id != cluster.id:
        raise NotFound("poll.unknown")
    return poll


async def poll_by_number(session: AsyncSession, *, cluster: Cluster, number: int) -> MeetingPoll:
    result = await session.exec(
        select(MeetingPoll).where(
            MeetingPoll.cluster_id == cluster.id, MeetingPoll.number == number
        )
    )
    poll = result.first()
    if poll is None:
        raise NotFound("poll.unknown_number", number=number)
    return poll


async def open_polls(session: AsyncSession, *, cluster: Cluster) -> list[MeetingPoll]:
    """Open polls, oldest first (for the digest and for `/sluit` without a number)."""
    result = await session.exec(
        select(MeetingPoll)
        .where(MeetingPoll.cluster_id == cluster.id, MeetingPoll.status == PollStatus.OPEN)
        .order_by(col(MeetingPoll.number))
    )
    return list(result.all())


async def poll_with_cluster(
    session: AsyncSession, *, poll_id: int
) -> tuple[MeetingPoll, Cluster] | None:
    """A poll and its cluster, in one query."""
    row = (
        await session.exec(
            select(MeetingPoll, Cluster)
            .join(Cluster, col(Cluster.id) == MeetingPoll.cluster_id)
            .where(MeetingPoll.id == poll_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def poll_options(session: AsyncSession, *, poll: MeetingPoll) -> list[PollOption]:
    result = await session.exec(
        select(PollOption).where(PollOption.poll_id == poll.id).order_by(col(PollOption.position))
    )
    return list(result.all())


async def options_of_polls(
    session: AsyncSession, *, polls: Iterable[MeetingPoll]
) -> dict[int, list[PollOption]]:
    """Options of several polls in one query, keyed by poll id."""
    ids = [p.id for p in polls if p.id is not None]
    found: dict[int, list[PollOption]] = {i: [] for i in ids}
    if ids:
        rows = await session.exec(
            select(PollOption)
            .where(col(PollOption.poll_id).in_(ids))
            .order_by(col(PollOption.poll_id), col(PollOption.position))
        )
        for option in rows.all():
            found[option.poll_id].append(option)
    return found


_UPSERTS: dict[str, PgInsert | SqliteInsert] = {}


def _upsert_vote(dialect: str) -> PgInsert | SqliteInsert:
    """The dialect's own INSERT … ON CONFLICT of a vote, built once; only the one in use is
    loaded. The values are bound at each run."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement = pg_insert(PollVote)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(PollVote)
        statement = statement.on_conflict_do_update(
            index_elements=["option_id", "member_id"],
            set_={"answer": statement.excluded.answer, "updated_at": statement.excluded.updated_at},
        )
        _UPSERTS[dialect] = statement
    return statement


# A press on a poll reads these two; built once, as building costs more than running them.
_OPTION = select(PollOption).where(
    col(PollOption.poll_id) == bindparam("poll_id"),
    col(PollOption.position) == bindparam("position"),
)
_VOTE = select(PollVote).where(
    col(PollVote.option_id) == bindparam("option_id"),
    col(PollVote.member_id) == bindparam("member_id"),
)


async def vote(
    session: AsyncSession,
    *,
    poll: MeetingPoll,
    position: int,
    member: Member,
    answer: Answer,
    now: dt.datetime,
) -> tuple[PollOption, bool]:
    """Record or change one member's answer on one option; returns whether anything changed.

    A poll past its deadline takes no more answers even before the sweep has closed it, so
    the outcome is the same whenever the closing actually runs.
    """
    if poll.status != PollStatus.OPEN:
        raise DomainError("poll.closed", number=poll.number)
    if now >= poll.deadline_at:
        raise DomainError("poll.deadline_passed", number=poll.number)
    params = {"poll_id": poll.id, "position": position}
    option = (await session.exec(_OPTION, params=params)).first()
    if option is None:
        raise NotFound("poll.unknown")
    assert option.id is not None and member.id is not None
    params = {"option_id": option.id, "member_id": member.id}
    existing = (await session.exec(_VOTE, params=params)).first()
    if existing is not None and existing.answer == answer:
        return option, False
    if existing is None:
        # An upsert: the same press handled at once by two processes is one vote, not an
        # error for the second (the unique key would refuse a plain INSERT).
        values = {
            "option_id": option.id,
            "member_id": member.id,
            "answer": Answer(answer).value,
            "updated_at": now,
        }
        await execute_core(session, _upsert_vote(session.get_bind().dialect.name), values)
        return option, True
    existing.answer = Answer(answer)
    existing.updated_at = now
    session.add(existing)
    await session.flush()
    return option, True


@dataclass(frozen=True)
class PollDetails:
    """A poll with everything its message shows, loaded in a fixed handful of queries."""

    poll: MeetingPoll
    options: list[PollOption]
    votes: list[PollVote]
    voters: dict[int, Member]
    municipalities: list[Municipality]

    @property
    def tallies(self) -> list[OptionTally]:
        return tally(
            [(o.id, o.starts_at) for o in self.options if o.id is not None],
            [(v.option_id, v.member_id, Answer(v.answer)) for v in self.votes],
        )

    def answers(self, option: PollOption) -> dict[Answer, list[Member]]:
        """Who answered what on one option, names in alphabetical order."""
        found: dict[Answer, list[Member]] = {answer: [] for answer in Answer}
        for item in self.votes:
            voter = self.voters.get(item.member_id)
            if item.option_id == option.id and voter is not None:
                found[Answer(item.answer)].append(voter)
        for members in found.values():
            members.sort(key=lambda m: fold_name(m.name or m.username or ""))
        return found

    @property
    def missing(self) -> list[Municipality]:
        return missing_municipalities(self.municipalities, self.voters.values())

    @property
    def winner(self) -> PollOption | None:
        chosen = pick_winner(self.tallies)
        if chosen is None:
            return None
        return next(o for o in self.options if o.id == chosen.option_id)


def missing_municipalities(
    municipalities: Iterable[Municipality], voters: Iterable[Member]
) -> list[Municipality]:
    """Municipalities none of whose members answered any option yet.

    Every municipality active now counts, also one that joined after the poll opened: it is
    the one that most needs reminding.
    """
    answered = {m.municipality_id for m in voters if m.municipality_id is not None}
    return [m for m in municipalities if m.active and m.id not in answered]


async def poll_details(session: AsyncSession, *, poll: MeetingPoll) -> PollDetails:
    options = await poll_options(session, poll=poll)
    option_ids = [o.id for o in options]
    votes: list[PollVote] = []
    voters: dict[int, Member] = {}
    rows = await session.exec(  # each vote with its voter, in one query
        select(PollVote, Member)
        .join(Member, col(Member.id) == PollVote.member_id)
        .where(col(PollVote.option_id).in_(option_ids))
        .order_by(col(PollVote.updated_at), col(PollVote.id))
    )
    for vote, voter in rows.all():
        votes.append(vote)
        if voter.id is not None:
            voters[voter.id] = voter
    municipalities = list(
        (
            await session.exec(
                select(Municipality)
                .where(Municipality.cluster_id == poll.cluster_id, col(Municipality.active))
                .order_by(col(Municipality.key))
            )
        ).all()
    )
    return PollDetails(poll, options, votes, voters, municipalities)


async def poll_missing_municipalities(
    session: AsyncSession, *, cluster: Cluster, poll: MeetingPoll
) -> list[Municipality]:
    """For the poll reminder: who has not answered yet, alphabetical."""
    assert poll.cluster_id == cluster.id
    return (await poll_details(session, poll=poll)).missing


# --- hosting --------------------------------------------------------------------------------


async def host_candidates(
    session: AsyncSession, *, cluster: Cluster
) -> list[tuple[Municipality, HostCandidate]]:
    """Each active municipality with the start of the last meeting it hosted (or will host).

    A planned future meeting counts as hosting: its host should not be proposed again.
    """
    last_hosted = dict(
        (
            await session.exec(
                select(Meeting.host_municipality_id, func.max(Meeting.starts_at))
                .where(
                    Meeting.cluster_id == cluster.id,
                    col(Meeting.cancelled_at).is_(None),
                    col(Meeting.host_municipality_id).is_not(None),
                )
                .group_by(col(Meeting.host_municipality_id))
            )
        ).all()
    )
    municipalities = (
        await session.exec(
            select(Municipality).where(
                Municipality.cluster_id == cluster.id, col(Municipality.active)
            )
        )
    ).all()
    return [
        (m, HostCandidate(name=m.name, last_hosted=last_hosted.get(m.id))) for m in municipalities
    ]


async def propose_host_for(session: AsyncSession, *, cluster: Cluster) -> Municipality | None:
    """The municipality that hosted least recently (never first; ties alphabetical)."""
    candidates = await host_candidates(session, cluster=cluster)
    name = propose_host([candidate for _, candidate in candidates])
    return next((m for m, c in candidates if c.name == name), None)


async def host_proposal_for(
    session: AsyncSession, *, cluster: Cluster
) -> tuple[Municipality, HostProposal] | None:
    """`propose_host_for` with the reason it is that municipality's turn."""
    candidates = await host_candidates(session, cluster=cluster)
    proposal = host_proposal([candidate for _, candidate in candidates])
    if proposal is None:
        return None
    return next(m for m, c in candidates if c.name == proposal.name), proposal


# --- closing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedPoll:
    poll: MeetingPoll
    winner: OptionTally | None
    meeting: Meeting | None
    host: Municipality | None
    proposal: HostProposal | None = None


async def close_poll(
    session: AsyncSession,
    *,
    cluster: Cluster,
    poll: MeetingPoll,
    by: Member | None,
    now: dt.datetime,
) -> ClosedPoll:
    """Close the poll and, if anyone can come, create the meeting at the winning option.

    Winner: most yes, then most yes + maybe, then the earliest; nobody saying yes or maybe
    means no meeting. The host proposed is the municipality that hosted least recently.
    """
    # One conditional UPDATE decides who closes, so `/sluit` and the deadline (or two
    # processes) can never both create a meeting.
    claimed = await session.exec(
        update(MeetingPoll)
        .where(col(MeetingPoll.id) == poll.id, col(MeetingPoll.status) == PollStatus.OPEN)
        .values(status=PollStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError("poll.already_closed", number=poll.number)
    poll.status = PollStatus.CLOSED
    poll.closed_at = now
    details = await poll_details(session, poll=poll)
    winner = pick_winner(details.tallies)
    meeting: Meeting | None = None
    host: Municipality | None = None
    proposal: HostProposal | None = None
    if winner is not None:
        proposed = await host_proposal_for(session, cluster=cluster)
        if proposed is not None:
            host, proposal = proposed
        meeting = await plan_meeting(
            session,
            cluster=cluster,
            starts_at=winner.starts_at,
            host=host,
            location=None,
            by=by,
            now=now,
            thread_id=poll.thread_id,
            poll=poll,
        )
        poll.meeting_id = meeting.id
    await session.flush()
    assert cluster.id is not None and poll.id is not None
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity="poll",
        entity_id=poll.id,
        action="closed",
        now=now,
        after={
            "winner": winner.starts_at.isoformat() if winner else None,
            "meeting": meeting.number if meeting else None,
        },
    )
    return ClosedPoll(poll=poll, winner=winner, meeting=meeting, host=host, proposal=proposal)


# --- meetings -------------------------------------------------------------------------------


async def plan_meeting(
    session: AsyncSession,
    *,
    cluster: Cluster,
    starts_at: dt.datetime,
    host: Municipality | None,
    location: str | None,
    by: Member | None,
    now: dt.datetime,
    thread_id: int | None = None,
    poll: MeetingPoll | None = None,
    repeat: str | None = None,
) -> Meeting:
    """A numbered meeting; a poll's meeting may start in the past only if the poll ran late."""
    if poll is None and starts_at <= now:
        raise DomainError("meeting.in_past")
    check_repeat(repeat)
    location = " ".join((location or "").split()) or None
    if location is not None and len(location) > MAX_LOCATION:
        raise DomainError("meeting.location_too_long", limit=MAX_LOCATION)
    if host is not None and host.cluster_id != cluster.id:
        raise ValueError("host from another cluster")
    assert cluster.id is not None
    meeting = Meeting(
        cluster_id=cluster.id,
        number=await next_number(session, cluster.id, "meeting_seq"),
        starts_at=starts_at,
        duration_minutes=DEFAULT_DURATION_MINUTES,
        host_municipality_id=host.id if host else None,
        location=location,
        poll_id=poll.id if poll else None,
        created_by_member_id=by.id if by else None,
        created_at=now,
        thread_id=thread_id,
        repeat=repeat,
    )
    session.add(meeting)
    await session.flush()
    assert meeting.id is not None
    await record(
        session,
        cluster_id=cluster.id,
        actor_member_id=by.id if by else None,
        entity="meeting",
        entity_id=meeting.id,
        action="planned",
        now=now,
        after={
            "number": meeting.number,
            "starts_at": starts_at.isoformat(),
            "host": host.name if host else None,
            "location": location,
            "repeat": repeat,
        },
    )
    return meeting


MAX_REPEAT_WEEKS = 26


def check_repeat(repeat: str | None) -> None:
    """`w1` … `w26` (every n weeks) or `m1` (monthly)."""
    if repeat is None or repeat == "m1":
        return
    if not (repeat.startswith("w") and repeat[1:].isdigit()):
        raise ValueError(f"unknown repeat {repeat!r}")
    if not 1 <= int(repeat[1:]) <= MAX_REPEAT_WEEKS:
        raise DomainError("meeting.repeat_range", limit=MAX_REPEAT_WEEKS)


async def meetings_under_way(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime
) -> list[Meeting]:
    """Meetings that have started and not yet ended (start plus duration)."""
    result = await session.exec(
        select(Meeting)
        .where(
            Meeting.cluster_id == cluster.id,
            col(Meeting.cancelled_at).is_(None),
            col(Meeting.starts_at) <= now,
            col(Meeting.starts_at) > now - dt.timedelta(days=1),
        )
        .order_by(col(Meeting.starts_at))
    )
    return [m for m in result.all() if m.starts_at + dt.timedelta(minutes=m.duration_minutes) > now]


MAX_NOTES = 20_000


async def add_note(session: AsyncSession, *, meeting: Meeting, text: str) -> Meeting:
    """Free text for the minutes, one paragraph per `/verslag + tekst`."""
    text = " ".join(text.split())
    if not text:
        raise DomainError("minutes.note_empty")
    notes = f"{meeting.notes}\n{text}" if meeting.notes else text
    if len(notes) > MAX_NOTES:
        raise DomainError("minutes.notes_too_long", limit=MAX_NOTES)
    meeting.notes = notes
    session.add(meeting)
    await session.flush()
    return meeting


async def set_attendance(
    session: AsyncSession, *, meeting: Meeting, municipalities: Sequence[Municipality]
) -> Meeting:
    """The municipalities present; said again, it replaces the list (a correction)."""
    if not municipalities:
        raise DomainError("minutes.attendance_usage")
    meeting.attendance = sorted({m.id for m in municipalities if m.id is not None})
    session.add(meeting)
    await session.flush()
    return meeting


async def upcoming_meetings(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime, limit: int = 10
) -> list[Meeting]:
    """Meetings still to start, soonest first (cancelled ones left out)."""
    result = await session.exec(
        select(Meeting)
        .where(
            Meeting.cluster_id == cluster.id,
            col(Meeting.cancelled_at).is_(None),
            col(Meeting.starts_at) > now,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.number))
        .limit(limit)
    )
    return list(result.all())


async def next_meeting(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime
) -> Meeting | None:
    found = await upcoming_meetings(session, cluster=cluster, now=now, limit=1)
    return found[0] if found else None


async def last_started_meeting(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime
) -> Meeting | None:
    """The meeting going on now or, failing that, the last one held."""
    result = await session.exec(
        select(Meeting)
        .where(
            Meeting.cluster_id == cluster.id,
            col(Meeting.cancelled_at).is_(None),
            col(Meeting.starts_at) <= now,
        )
        .order_by(col(Meeting.starts_at).desc(), col(Meeting.number).desc())
        .limit(1)
    )
    return result.first()


async def municipalities_by_id(
    session: AsyncSession, *, ids: Iterable[int | None]
) -> dict[int, Municipality]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.exec(select(Municipality).where(col(Municipality.id).in_(wanted)))
    return {m.id: m for m in rows.all() if m.id is not None}


# --- agenda ---------------------------------------------------------------------------------


async def agenda_of(session: AsyncSession, *, meeting: Meeting) -> list[AgendaItem]:
    result = await session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    )
    return list(result.all())


async def agenda_sizes(session: AsyncSession, *, meetings: Iterable[Meeting]) -> dict[int, int]:
    """Agenda length per meeting in one query, for lists of meetings."""
    ids = [m.id for m in meetings if m.id is not None]
    if not ids:
        return {}
    rows = await session.exec(
        select(AgendaItem.meeting_id, func.count())
        .where(col(AgendaItem.meeting_id).in_(ids))
        .group_by(col(AgendaItem.meeting_id))
    )
    sizes = dict.fromkeys(ids, 0)
    sizes.update({meeting_id: int(count) for meeting_id, count in rows.all()})
    return sizes


async def add_agenda_item(
    session: AsyncSession, *, cluster: Cluster, text: str, by: Member | None, now: dt.datetime
) -> tuple[Meeting, AgendaItem]:
    """A point on the next meeting's agenda, numbered after the ones already there."""
    text = " ".join(text.split())
    if not text:
        raise DomainError("agenda.usage")
    if len(text) > MAX_AGENDA_TEXT:
        raise DomainError("agenda.too_long", limit=MAX_AGENDA_TEXT)
    meeting = await next_meeting(session, cluster=cluster, now=now)
    if meeting is None:
        raise DomainError("agenda.no_meeting")
    assert meeting.id is not None
    last = (
        await session.exec(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
    ).one()
    item = AgendaItem(
        meeting_id=meeting.id,
        position=(last or 0) + 1,
        text=text,
        added_by_member_id=by.id if by else None,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    return meeting, item


# --- minutes --------------------------------------------------------------------------------


async def agreements_for_minutes(
    session: AsyncSession, *, cluster: Cluster, meeting: Meeting, now: dt.datetime
) -> list[Agreement]:
    """Agreements and decisions recorded from the meeting's start until now, or tied to it.

    Cancelled ones are left out: the minutes say what was agreed, not what was withdrawn.
    """
    # Imported here: the agreements module may come to refer to meetings itself.
    from models.agreements import Agreement, AgreementStatus

    result = await session.exec(
        select(Agreement)
        .where(
            Agreement.cluster_id == cluster.id,
            Agreement.status != AgreementStatus.CANCELLED,
            or_(
                col(Agreement.meeting_id) == meeting.id,
                and_(
                    col(Agreement.created_at) >= meeting.starts_at, col(Agreement.created_at) <= now
                ),
            ),
        )
        .order_by(col(Agreement.number))
    )
    return list(result.all())


async def store_minutes(
    session: AsyncSession, *, meeting: Meeting, text: str, now: dt.datetime
) -> Meeting:
    meeting.minutes = text
    meeting.minutes_at = now
    session.add(meeting)
    await session.flush()
    return meeting
