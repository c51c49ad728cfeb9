"""The rules of polls and meetings: valid options, one answer per member, the winner, the host
rotation, the agenda and what goes into the minutes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.polls import parse_poll_request
from models import agreements, meetings
from models.agreements import AgreementKind
from models.clusters import (
    Cluster,
    Member,
    Municipality,
    Role,
    add_municipalities,
    remove_municipality,
)
from models.db import create_engine, session_maker
from models.errors import DomainError, NotFound
from models.meetings import (
    MAX_POLL_OPTIONS,
    Meeting,
    MeetingPoll,
    PollStatus,
    PollVote,
    check_poll_options,
    missing_municipalities,
)
from models.poll_rules import Answer
from scheduler.calendar import CalendarRules
from tests.unit.builders import make_cluster, make_member

BRUSSELS = ZoneInfo("Europe/Brussels")
RULES = CalendarRules(tz=BRUSSELS)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)


def at(day: int, month: int, hour: int, minute: int = 0, year: int = 2027) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS).astimezone(dt.UTC)


TUE = at(9, 3, 14)  # di 9/3 14u
THU = at(11, 3, 10)  # do 11/3 10u
MON = at(15, 3, 13, 30)  # ma 15/3 13u30
DEADLINE = at(5, 3, 12)  # vr 5/3 12u


def refused(key: str) -> pytest.RaisesExc[DomainError]:
    return pytest.raises(DomainError, match=rf"^{key}$")


# --- options and deadline, pure ---------------------------------------------------------------


def test_valid_options_and_deadline_pass() -> None:
    check_poll_options([TUE, THU, MON], deadline=DEADLINE, now=NOW)
    check_poll_options([MON, TUE], deadline=None, now=NOW)  # any order


@pytest.mark.parametrize(
    ("options", "deadline", "key", "params"),
    [
        ([], None, "poll.usage", {}),
        (
            [TUE + dt.timedelta(days=n) for n in range(MAX_POLL_OPTIONS + 1)],
            None,
            "poll.too_many",
            {"limit": 10, "count": 11},
        ),
        ([TUE, at(20, 11, 14, year=2026)], None, "poll.option_past", {"position": 2}),
        ([NOW], None, "poll.option_past", {"position": 1}),
        ([TUE, THU, TUE], None, "poll.option_duplicate", {"position": 3, "first": 1}),
        ([TUE], NOW - dt.timedelta(minutes=1), "poll.deadline_past", {}),
        ([THU, TUE], at(10, 3, 12), "poll.deadline_after_option", {}),
        ([TUE], TUE, "poll.deadline_after_option", {}),
    ],
)
def test_bad_options_are_refused_with_their_position(
    options: list[dt.datetime], deadline: dt.datetime | None, key: str, params: dict[str, int]
) -> None:
    with refused(key) as caught:
        check_poll_options(options, deadline=deadline, now=NOW)
    assert caught.value.params == params


def test_ten_options_are_fine() -> None:
    options = [TUE + dt.timedelta(hours=n) for n in range(MAX_POLL_OPTIONS)]
    check_poll_options(options, deadline=None, now=NOW)


def test_naive_options_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check_poll_options([dt.datetime(2027, 3, 9, 14)], deadline=None, now=NOW)


# --- reading the command ----------------------------------------------------------------------


def parse(text: str) -> tuple[list[dt.datetime], dt.datetime]:
    request = parse_poll_request(text, now=NOW, tz=BRUSSELS, rules=RULES, lang="nl")
    return request.options, request.deadline


def test_the_contract_example_reads_in_the_order_given() -> None:
    options, deadline = parse("di 9/3 14u; do 11/3 10u; ma 15/3 13u30 | tegen vr 5/3 12u")
    assert options == [TUE, THU, MON]
    assert deadline == DEADLINE


def test_options_may_be_on_separate_lines_and_the_deadline_in_english() -> None:
    options, deadline = parse("ma 15/3 13u30\ndi 9/3 14u;\n | by Friday 5 March")
    assert options == [MON, TUE]
    assert deadline == DEADLINE  # a deadline without a time closes at noon


def test_the_default_deadline_is_three_working_days_before_the_earliest() -> None:
    _, deadline = parse("ma 15/3 13u30; di 9/3 14u")
    assert deadline == at(4, 3, 12)  # do 4/3, three working days before di 9/3


def test_the_default_deadline_leaves_at_least_a_day() -> None:
    _, deadline = parse("ma 30/11 14u")  # four days away: the nominal deadline has passed
    assert deadline == NOW + dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "poll.usage"),
        (" ; ; ", "poll.usage"),
        ("di 9/3 14u; binnenkort", "poll.option_unreadable"),
        ("di 9/3 14u; do 11/3", "poll.option_needs_time"),
        ("1/3/2026 14u", "poll.option_past"),
        ("di 9/3 14u; 9/3 om 14u", "poll.option_duplicate"),
        ("di 9/3 14u | tegen wo 10/3", "poll.deadline_after_option"),
        ("di 9/3 14u | tegen ooit", "poll.deadline_unreadable"),
        ("; ".join(f"{d}/4 10u" for d in range(1, 12)), "poll.too_many"),
    ],
)
def test_bad_requests_name_what_is_wrong(text: str, key: str) -> None:
    with refused(key):
        parse(text)


def test_an_unreadable_option_says_which_and_why() -> None:
    with refused("poll.option_unreadable") as caught:
        parse("di 9/3 14u; di 10/3 14u")
    assert caught.value.params["position"] == 2
    assert "woensdag" in caught.value.params["problem"]


# --- municipalities that have not answered, pure ----------------------------------------------


def _place(id_: int, name: str, active: bool = True) -> Municipality:
    return Municipality(
        id=id_, cluster_id=1, name=name, key=name.lower(), active=active, created_at=NOW
    )


def _person(id_: int, municipality_id: int | None) -> Member:
    return Member(id=id_, cluster_id=1, municipality_id=municipality_id, created_at=NOW)


def test_missing_are_municipalities_without_any_answering_member() -> None:
    herent, kortenberg, bertem = _place(1, "Herent"), _place(2, "Kortenberg"), _place(3, "Bertem")
    late = _place(4, "Oud-Heverlee")  # joined after the poll opened
    gone = _place(5, "Tervuren", active=False)
    voters = [_person(10, 1), _person(11, 1), _person(12, None)]
    missing = missing_municipalities([herent, kortenberg, bertem, late, gone], voters)
    assert [m.name for m in missing] == ["Kortenberg", "Bertem", "Oud-Heverlee"]
    assert missing_municipalities([herent], []) == [herent]


# --- with a database --------------------------------------------------------------------------


@dataclass
class Leuven:
    session: AsyncSession
    cluster: Cluster
    places: dict[str, Municipality]
    an: Member  # Herent
    bram: Member  # Kortenberg
    celine: Member  # Bertem

    async def poll(self, *options: dt.datetime, deadline: dt.datetime = DEADLINE) -> MeetingPoll:
        return await meetings.open_poll(
            self.session,
            cluster=self.cluster,
            options=list(options),
            deadline=deadline,
            by=self.an,
            now=NOW,
        )

    async def vote(self, poll: MeetingPoll, position: int, member: Member, answer: Answer) -> bool:
        _, changed = await meetings.vote(
            self.session, poll=poll, position=position, member=member, answer=answer, now=NOW
        )
        return changed

    async def close(self, poll: MeetingPoll, now: dt.datetime = NOW) -> meetings.ClosedPoll:
        return await meetings.close_poll(
            self.session, cluster=self.cluster, poll=poll, by=self.an, now=now
        )

    async def meeting(
        self, starts_at: dt.datetime, host: str | None = None, now: dt.datetime = NOW
    ) -> Meeting:
        return await meetings.plan_meeting(
            self.session,
            cluster=self.cluster,
            starts_at=starts_at,
            host=self.places[host] if host else None,
            location=None,
            by=self.an,
            now=now,
        )


@pytest.fixture
async def leuven(database_url: str) -> AsyncIterator[Leuven]:
    engine = create_engine(database_url)
    async with session_maker(engine)() as session:
        cluster = await make_cluster(session, -100, ["Herent", "Kortenberg", "Bertem"], now=NOW)
        places = {
            m.name: m
            for m in (await session.exec(select(Municipality))).all()
            if m.cluster_id == cluster.id
        }
        an = await make_member(session, cluster, 11, "An", places["Herent"], now=NOW)
        bram = await make_member(session, cluster, 12, "Bram", places["Kortenberg"], now=NOW)
        celine = await make_member(session, cluster, 13, "Celine", places["Bertem"], now=NOW)
        await session.commit()
        yield Leuven(session, cluster, places, an, bram, celine)
    await engine.dispose()


Y, M, N = Answer.YES, Answer.MAYBE, Answer.NO


async def test_polls_are_numbered_per_cluster_with_options_in_the_order_given(
    leuven: Leuven,
) -> None:
    first = await leuven.poll(MON, TUE, THU)
    second = await leuven.poll(THU)
    other = await make_cluster(leuven.session, -200, ["Bever"], now=NOW)
    elsewhere = await meetings.open_poll(
        leuven.session, cluster=other, options=[TUE], deadline=DEADLINE, by=None, now=NOW
    )
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    options = await meetings.poll_options(leuven.session, poll=first)
    assert [(o.position, o.starts_at) for o in options] == [(1, MON), (2, TUE), (3, THU)]
    assert [
        p.number for p in await meetings.open_polls(leuven.session, cluster=leuven.cluster)
    ] == [
        1,
        2,
    ]
    with pytest.raises(NotFound):
        await meetings.get_poll(leuven.session, cluster=leuven.cluster, poll_id=elsewhere.id or 0)
    with pytest.raises(NotFound):
        await meetings.poll_by_number(leuven.session, cluster=leuven.cluster, number=9)


async def test_one_answer_per_member_per_option_and_pressing_again_changes_it(
    leuven: Leuven,
) -> None:
    poll = await leuven.poll(TUE, THU)
    assert await leuven.vote(poll, 1, leuven.an, Y)
    assert await leuven.vote(poll, 1, leuven.an, N)
    assert not await leuven.vote(poll, 1, leuven.an, N)
    assert await leuven.vote(poll, 2, leuven.an, M)
    count = (await leuven.session.exec(select(func.count()).select_from(PollVote))).one()
    assert count == 2
    details = await meetings.poll_details(leuven.session, poll=poll)
    assert [(t.yes, t.maybe, t.no) for t in details.tallies] == [(0, 0, 1), (0, 1, 0)]
    assert [m.name for m in details.answers(details.options[0])[Answer.NO]] == ["An"]
    with pytest.raises(NotFound):
        await leuven.vote(poll, 3, leuven.an, Y)


async def test_a_poll_past_its_deadline_or_closed_takes_no_answers(leuven: Leuven) -> None:
    poll = await leuven.poll(TUE, THU)
    with refused("poll.deadline_passed"):
        await meetings.vote(
            leuven.session, poll=poll, position=1, member=leuven.an, answer=Y, now=DEADLINE
        )
    await leuven.close(poll)
    with refused("poll.closed"):
        await leuven.vote(poll, 1, leuven.an, Y)
    with refused("poll.already_closed"):
        await leuven.close(poll)


async def test_most_yes_wins(leuven: Leuven) -> None:
    poll = await leuven.poll(TUE, THU, MON)
    await leuven.vote(poll, 1, leuven.an, Y)
    await leuven.vote(poll, 1, leuven.bram, M)
    await leuven.vote(poll, 1, leuven.celine, M)
    await leuven.vote(poll, 3, leuven.an, Y)
    await leuven.vote(poll, 3, leuven.bram, Y)
    closed = await leuven.close(poll)
    assert closed.winner is not None and closed.winner.starts_at == MON
    assert closed.meeting is not None and closed.meeting.starts_at == MON
    assert poll.status == PollStatus.CLOSED and poll.meeting_id == closed.meeting.id
    assert closed.meeting.poll_id == poll.id
    assert closed.meeting.duration_minutes == 60


async def test_a_tie_on_yes_goes_to_more_yes_plus_maybe_then_to_the_earliest(
    leuven: Leuven,
) -> None:
    poll = await leuven.poll(MON, THU, TUE)
    await leuven.vote(poll, 1, leuven.an, Y)
    await leuven.vote(poll, 2, leuven.bram, Y)
    await leuven.vote(poll, 2, leuven.celine, M)
    await leuven.vote(poll, 3, leuven.celine, Y)
    closed = await leuven.close(poll)
    assert closed.winner is not None and closed.winner.starts_at == THU

    level = await leuven.poll(MON, THU, TUE)
    for position, member in ((1, leuven.an), (2, leuven.bram), (3, leuven.celine)):
        await leuven.vote(level, position, member, Y)
    closed = await leuven.close(level)
    assert closed.winner is not None and closed.winner.starts_at == TUE  # the earliest


async def test_a_single_voter_decides(leuven: Leuven) -> None:
    poll = await leuven.poll(TUE, THU)
    await leuven.vote(poll, 2, leuven.celine, M)
    closed = await leuven.close(poll)
    assert closed.meeting is not None and closed.meeting.starts_at == THU


async def test_nobody_voting_yes_or_maybe_makes_no_meeting(leuven: Leuven) -> None:
    silent = await leuven.poll(TUE, THU)
    closed = await leuven.close(silent)
    assert (closed.winner, closed.meeting, closed.host) == (None, None, None)
    assert silent.status == PollStatus.CLOSED and silent.meeting_id is None

    refusing = await leuven.poll(TUE, THU)
    await leuven.vote(refusing, 1, leuven.an, N)
    await leuven.vote(refusing, 2, leuven.bram, N)
    assert (await leuven.close(refusing)).meeting is None
    count = (await leuven.session.exec(select(func.count()).select_from(Meeting))).one()
    assert count == 0


async def test_the_host_is_who_hosted_least_recently_never_first_ties_alphabetical(
    leuven: Leuven,
) -> None:
    propose = meetings.propose_host_for
    session, cluster = leuven.session, leuven.cluster
    assert (await propose(session, cluster=cluster)) == leuven.places["Bertem"]
    await leuven.meeting(TUE, "Bertem")
    assert (await propose(session, cluster=cluster)) == leuven.places["Herent"]
    await leuven.meeting(THU, "Kortenberg")
    await leuven.meeting(MON, "Herent")
    assert (await propose(session, cluster=cluster)) == leuven.places["Bertem"]
    cancelled = await leuven.meeting(at(1, 4, 10), "Bertem")
    cancelled.cancelled_at = NOW
    leuven.session.add(cancelled)
    await leuven.session.flush()
    assert (await propose(session, cluster=cluster)) == leuven.places["Bertem"]


async def test_a_municipality_that_joined_after_the_poll_opened(leuven: Leuven) -> None:
    await leuven.meeting(at(1, 2, 10), "Bertem")
    await leuven.meeting(at(2, 2, 10), "Herent")
    await leuven.meeting(at(3, 2, 10), "Kortenberg")
    poll = await leuven.poll(TUE, THU)
    await leuven.vote(poll, 1, leuven.an, Y)
    (late,), _ = await add_municipalities(
        leuven.session, cluster=leuven.cluster, names=["Oud-Heverlee"], by=None, now=NOW
    )
    missing = await meetings.poll_missing_municipalities(
        leuven.session, cluster=leuven.cluster, poll=poll
    )
    assert [m.name for m in missing] == ["Bertem", "Kortenberg", "Oud-Heverlee"]
    closed = await leuven.close(poll)
    assert closed.host == late  # never hosted, so its turn comes first
    assert closed.meeting is not None and closed.meeting.host_municipality_id == late.id


async def test_a_removed_municipality_is_neither_missing_nor_proposed(leuven: Leuven) -> None:
    poll = await leuven.poll(TUE)
    await remove_municipality(
        leuven.session, cluster=leuven.cluster, name="Bertem", by=None, now=NOW
    )
    missing = await meetings.poll_missing_municipalities(
        leuven.session, cluster=leuven.cluster, poll=poll
    )
    assert [m.name for m in missing] == ["Herent", "Kortenberg"]
    assert (await meetings.propose_host_for(leuven.session, cluster=leuven.cluster)) == (
        leuven.places["Herent"]
    )


async def test_meetings_to_come_soonest_first(leuven: Leuven) -> None:
    later = await leuven.meeting(MON, "Herent")
    sooner = await leuven.meeting(TUE)
    cancelled = await leuven.meeting(THU)
    cancelled.cancelled_at = NOW
    with refused("meeting.in_past"):
        await leuven.meeting(NOW)
    session, cluster = leuven.session, leuven.cluster
    assert (sooner.number, later.number) == (2, 1)
    assert await meetings.upcoming_meetings(session, cluster=cluster, now=NOW) == [sooner, later]
    assert await meetings.upcoming_meetings(session, cluster=cluster, now=NOW, limit=1) == [sooner]
    assert await meetings.upcoming_meetings(session, cluster=cluster, now=TUE) == [later]
    assert await meetings.last_started_meeting(session, cluster=cluster, now=NOW) is None
    assert await meetings.last_started_meeting(session, cluster=cluster, now=TUE) == sooner
    assert await meetings.last_started_meeting(session, cluster=cluster, now=MON) == later


async def test_agenda_points_go_to_the_next_meeting(leuven: Leuven) -> None:
    session, cluster = leuven.session, leuven.cluster
    with refused("agenda.no_meeting"):
        await meetings.add_agenda_item(session, cluster=cluster, text="Stand", by=None, now=NOW)
    later = await leuven.meeting(MON)
    sooner = await leuven.meeting(TUE)
    for text in ("Stand groepsaankoop", "  Klimaattafels \n per gemeente "):
        target, _ = await meetings.add_agenda_item(
            session, cluster=cluster, text=text, by=leuven.bram, now=NOW
        )
        assert target == sooner
    items = await meetings.agenda_of(session, meeting=sooner)
    assert [(i.position, i.text) for i in items] == [
        (1, "Stand groepsaankoop"),
        (2, "Klimaattafels per gemeente"),
    ]
    assert await meetings.agenda_sizes(session, meetings=[sooner, later]) == {
        sooner.id: 2,
        later.id: 0,
    }
    with refused("agenda.usage"):
        await meetings.add_agenda_item(session, cluster=cluster, text="  ", by=None, now=NOW)
    with refused("agenda.too_long"):
        await meetings.add_agenda_item(session, cluster=cluster, text="x" * 1001, by=None, now=NOW)


async def test_minutes_hold_what_was_recorded_from_the_start_until_now(leuven: Leuven) -> None:
    session, cluster = leuven.session, leuven.cluster
    meeting = await leuven.meeting(TUE, "Herent")

    async def agree(text: str, when: dt.datetime, **kwargs: object) -> int:
        created = await agreements.create_agreement(
            session,
            cluster=cluster,
            text=text,
            kind=AgreementKind.TASK,
            owner=leuven.an,
            municipality=None,
            due_date=dt.date(2027, 4, 1),
            action=None,
            theme=None,
            by=leuven.an,
            now=when,
            **kwargs,  # type: ignore[arg-type]
        )
        return created.number

    await agree("Voor de vergadering", TUE - dt.timedelta(minutes=1))
    tied = await agree("Vooraf, maar op deze vergadering", NOW, meeting_id=meeting.id)
    during = await agree("Tijdens de vergadering", TUE + dt.timedelta(minutes=30))
    dropped = await agree("Geschrapt", TUE + dt.timedelta(minutes=40))
    await agreements.cancel(
        session, cluster=cluster, number=dropped, by=leuven.an, role=Role.MEMBER, now=TUE
    )
    await agree("Na nu", TUE + dt.timedelta(hours=3))
    now = TUE + dt.timedelta(hours=2)
    found = await meetings.agreements_for_minutes(
        session, cluster=cluster, meeting=meeting, now=now
    )
    assert [a.number for a in found] == [tied, during]

    await meetings.store_minutes(session, meeting=meeting, text="Verslag", now=now)
    assert (meeting.minutes, meeting.minutes_at) == ("Verslag", now)


async def test_the_same_press_handled_by_two_processes_at_once_is_one_vote(
    leuven: Leuven, database_url: str
) -> None:
    poll = await leuven.poll(TUE, THU)
    await leuven.session.commit()
    engines = [create_engine(database_url), create_engine(database_url)]
    try:

        async def press(engine: Any) -> bool:
            async with session_maker(engine)() as session:
                mine = await session.get(MeetingPoll, poll.id)
                member = await session.get(Member, leuven.an.id)
                assert mine is not None and member is not None
                _, changed = await meetings.vote(
                    session, poll=mine, position=1, member=member, answer=Y, now=NOW
                )
                await session.commit()
                return changed

        results = await asyncio.gather(*(press(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    # Both presses were answered as a vote (the later one as "unchanged"), neither as an error.
    assert any(results)
    votes = (await leuven.session.exec(select(PollVote))).all()
    assert [(v.member_id, v.answer) for v in votes] == [(leuven.an.id, Y)]
