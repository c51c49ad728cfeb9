"""The facilitator's queries: right numbers, and a statement count that does not grow with the
number of clusters or items (no N+1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from models import reports
from models.actions import Action, ActionMunicipality, ActionStatus
from models.agreements import Agreement, AgreementKind, AgreementStatus
from models.audit import record
from models.clusters import Cluster, ClusterStatus, Member, Municipality, Role
from models.db import create_engine, session_maker
from models.lessons import Lesson
from models.meetings import AgendaItem, Meeting, MeetingPoll

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 15)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


class Counter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


async def seed(
    session: AsyncSession, *, clusters: int, items: int, facilitator: int = 900
) -> list[Cluster]:
    """`clusters` clusters with `items` of everything each."""
    made = []
    for c in range(clusters):
        cluster = Cluster(
            chat_id=-(4_000_000_000 + facilitator * 100 + c),
            title=f"Klimaatcluster {c}",
            facilitator_user_id=facilitator,
            created_at=NOW - dt.timedelta(days=300),
            last_activity_at=NOW - dt.timedelta(days=c * 11),
        )
        session.add(cluster)
        await session.flush()
        assert cluster.id is not None
        municipalities = [
            Municipality(cluster_id=cluster.id, name=name, key=name.lower(), created_at=NOW)
            for name in ("Herent", "Kortenberg", "Bertem")
        ]
        session.add_all(municipalities)
        member = Member(
            cluster_id=cluster.id,
            user_id=facilitator * 100 + c,
            name="An",
            role=Role.COORDINATOR,
            created_at=NOW,
        )
        session.add(member)
        await session.flush()
        for i in range(items):
            municipality = municipalities[i % 3]
            action = Action(
                cluster_id=cluster.id,
                number=i + 1,
                title=f"Actie {i}",
                theme="energie",
                status=ActionStatus.RUNNING if i % 2 else ActionStatus.IDEA,
                lead_municipality_id=municipality.id,
                created_at=NOW,
            )
            session.add(action)
            await session.flush()
            assert action.id is not None and municipality.id is not None
            session.add(ActionMunicipality(action_id=action.id, municipality_id=municipality.id))
            agreement = Agreement(
                cluster_id=cluster.id,
                number=i + 1,
                text=f"Afspraak {i}",
                municipality_id=municipality.id,
                owner_member_id=member.id,
                action_id=action.id if i % 4 == 0 else None,
                due_date=TODAY + dt.timedelta(days=(i % 5) - 2),
                status=AgreementStatus.DONE if i % 3 == 0 else AgreementStatus.OPEN,
                created_at=NOW,
            )
            session.add(agreement)
            meeting = Meeting(
                cluster_id=cluster.id,
                number=i + 1,
                starts_at=NOW + dt.timedelta(days=i - items // 2),
                host_municipality_id=municipality.id,
                minutes="Verslag",
                created_at=NOW,
            )
            session.add(meeting)
            await session.flush()
            assert meeting.id is not None and agreement.id is not None
            session.add(AgendaItem(meeting_id=meeting.id, position=1, text="Punt", created_at=NOW))
            session.add(
                MeetingPoll(cluster_id=cluster.id, number=i + 1, deadline_at=NOW, created_at=NOW)
            )
            session.add(
                Lesson(cluster_id=cluster.id, text=f"Les {i}", theme="energie", created_at=NOW)
            )
            await record(
                session,
                cluster_id=cluster.id,
                actor_member_id=member.id,
                entity="agreement",
                entity_id=agreement.id,
                action="created",
                now=NOW,
            )
        made.append(cluster)
    await session.commit()
    return made


async def statements(
    engine: AsyncEngine, *, clusters: int, items: int, facilitator: int
) -> dict[str, int]:
    async with session_maker(engine)() as session:
        seeded = await seed(session, clusters=clusters, items=items, facilitator=facilitator)
    counts = {}
    async with session_maker(engine)() as session:
        counter = Counter(engine)
        for name, call in (
            (
                "facilitator_clusters",
                lambda: reports.facilitator_clusters(session, user_id=facilitator),
            ),
            (
                "cluster_summaries",
                lambda: reports.cluster_summaries(session, clusters=seeded, now=NOW),
            ),
            ("cluster_detail", lambda: reports.cluster_detail(session, cluster=seeded[0], now=NOW)),
            ("cluster_records", lambda: reports.cluster_records(session, clusters=seeded)),
        ):
            before = counter.count
            await call()
            counts[name] = counter.count - before
        event.remove(engine.sync_engine, "before_cursor_execute", counter._seen)
    return counts


async def test_statement_count_does_not_grow_with_clusters_or_items(engine: AsyncEngine) -> None:
    small = await statements(engine, clusters=1, items=1, facilitator=900)
    large = await statements(engine, clusters=6, items=25, facilitator=901)
    assert all(small.values()), small  # the counter sees the statements at all
    assert large == small
    assert small["cluster_summaries"] <= 2
    assert small["cluster_records"] <= 9


async def test_cockpit_counts_and_quiet_clusters_first(engine: AsyncEngine) -> None:
    async with session_maker(engine)() as session:
        clusters = await seed(session, clusters=3, items=10)
        clusters[1].status = ClusterStatus.INACTIVE
        session.add(clusters[1])
        await session.commit()
        summaries = await reports.cluster_summaries(session, clusters=clusters, now=NOW)
    # Cluster 2 has been quiet for 22 days: first. Inactive cluster 1 comes last.
    assert [s.cluster.title for s in summaries] == [
        "Klimaatcluster 2",
        "Klimaatcluster 0",
        "Klimaatcluster 1",
    ]
    quiet, busy, _ = summaries
    assert quiet.quiet and quiet.days_quiet == 22
    assert not busy.quiet and busy.days_quiet == 0
    # Items 0..9: done when i % 3 == 0 (0, 3, 6, 9); open 6; due TODAY + (i % 5) - 2.
    assert busy.open_agreements == 6
    overdue = [i for i in range(10) if i % 3 and (i % 5) - 2 < 0]
    assert busy.overdue_agreements == len(overdue)
    assert busy.open_polls == 10
    assert busy.municipalities == ["Bertem", "Herent", "Kortenberg"]
    assert busy.next_meeting_at == NOW


async def test_year_numbers_per_municipality_and_theme(engine: AsyncEngine) -> None:
    async with session_maker(engine)() as session:
        [cluster] = await seed(session, clusters=1, items=6)
        session.add(
            Agreement(
                cluster_id=cluster.id,  # type: ignore[arg-type]
                number=99,
                text="Besluit",
                kind=AgreementKind.DECISION,
                created_at=NOW,
            )
        )
        await session.commit()
        [records] = await reports.cluster_records(session, clusters=[cluster])
    numbers = reports.year_numbers(records, now=NOW)
    # i = 0..5; municipality i % 3; done when i % 3 == 0; due TODAY + (i % 5) - 2.
    assert numbers.decisions == 1
    assert (numbers.total.made, numbers.total.done, numbers.total.open) == (6, 2, 4)
    herent = numbers.by_municipality["Herent"]  # i = 0, 3: both done
    assert (herent.made, herent.done, herent.open, herent.overdue) == (2, 2, 0, 0)
    kortenberg = numbers.by_municipality["Kortenberg"]  # i = 1 (overdue), 4 (future)
    assert (kortenberg.made, kortenberg.open, kortenberg.overdue) == (2, 2, 1)
    # Agreements 0 and 4 serve an action (theme energie); the others have no theme.
    assert numbers.by_theme["energie"].made == 2
    assert numbers.by_theme[""].made == 4
    assert numbers.actions_by_status == {"idee": 3, "lopend": 3}
    assert len(numbers.meetings_held) + len(numbers.meetings_planned) == 6
    assert all(m.starts_at <= NOW for m in numbers.meetings_held)
