"""The rules of the register: numbering, decisions, permissions, history, constant-size lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import actions, agreements, clusters
from models.actions import ActionMunicipality, ActionStatus, Theme
from models.agreements import Agreement, AgreementKind, AgreementStatus, Scope
from models.audit import AuditEvent
from models.clusters import (
    Cluster,
    Member,
    Municipality,
    Role,
    touch_member,
)
from models.db import create_engine, session_maker
from models.errors import DomainError, NotAllowed, NotFound
from tests.unit.builders import make_cluster, make_member

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)
TODAY = dt.date(2026, 11, 26)


@dataclass
class Leuven:
    """A cluster near Leuven: Herent, Kortenberg, Bertem, with one person of each."""

    session: AsyncSession
    cluster: Cluster
    places: dict[str, Municipality]
    an: Member  # Herent
    bram: Member  # Kortenberg
    celine: Member  # Bertem
    statements: list[str]


@pytest.fixture
async def leuven(database_url: str) -> AsyncIterator[Leuven]:
    engine = create_engine(database_url)
    statements: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*args: Any) -> None:
        statements.append(str(args[2]))

    async with session_maker(engine)() as session:
        cluster = await make_cluster(session, -100, ["Herent", "Kortenberg", "Bertem"], now=NOW)
        places = {
            m.name: m
            for m in (await session.exec(select(Municipality))).all()
            if m.cluster_id == cluster.id
        }
        an = await make_member(session, cluster, 11, "An", places["Herent"], now=NOW, username="an")
        bram = await make_member(
            session, cluster, 12, "Bram", places["Kortenberg"], now=NOW, username="bram"
        )
        celine = await make_member(
            session, cluster, 13, "Celine", places["Bertem"], now=NOW, username="celine"
        )
        await session.commit()
        yield Leuven(session, cluster, places, an, bram, celine, statements)
    await engine.dispose()


async def _task(world: Leuven, text: str = "Offertes opvragen", **kwargs: Any) -> Agreement:
    params: dict[str, Any] = {
        "kind": AgreementKind.TASK,
        "owner": world.an,
        "municipality": None,
        "due_date": dt.date(2027, 3, 19),
        "action": None,
        "theme": None,
        "by": world.bram,
        "now": NOW,
    }
    params.update(kwargs)
    return await agreements.create_agreement(
        world.session, cluster=world.cluster, text=text, **params
    )


async def test_numbers_count_per_cluster_and_committed_ones_are_never_reused(
    leuven: Leuven,
) -> None:
    first = await _task(leuven)
    second = await _task(leuven)
    await leuven.session.commit()
    assert (first.number, second.number) == (1, 2)
    await _task(leuven)  # number 3 is never committed, so nobody ever saw it
    await leuven.session.rollback()
    for loaded in (leuven.cluster, leuven.an, leuven.bram):
        await leuven.session.refresh(loaded)
    assert (await _task(leuven)).number == 3
    await agreements.cancel(
        leuven.session, cluster=leuven.cluster, number=3, by=leuven.bram, role=Role.MEMBER, now=NOW
    )
    assert (await _task(leuven)).number == 4

    other = await make_cluster(leuven.session, -200, ["Bever"], now=NOW)
    stranger = await touch_member(
        leuven.session, cluster=other, user_id=99, name="Bert", username=None, now=NOW
    )
    elsewhere = await agreements.create_agreement(
        leuven.session,
        cluster=other,
        text="Elders",
        kind=AgreementKind.TASK,
        owner=stranger,
        municipality=None,
        due_date=None,
        action=None,
        theme=None,
        by=stranger,
        now=NOW,
    )
    assert elsewhere.number == 1


async def test_the_owners_municipality_is_the_default(leuven: Leuven) -> None:
    agreement = await _task(leuven)
    assert agreement.municipality_id == leuven.places["Herent"].id
    explicit = await _task(leuven, municipality=leuven.places["Bertem"])
    assert explicit.municipality_id == leuven.places["Bertem"].id


async def test_neither_owner_nor_due_date_makes_a_decision(leuven: Leuven) -> None:
    decision = await _task(leuven, "Campagne start in mei", owner=None, due_date=None)
    assert decision.kind == AgreementKind.DECISION
    dated = await _task(leuven, "Flyer", owner=None)
    assert dated.kind == AgreementKind.TASK
    with pytest.raises(DomainError) as refused:
        await _task(leuven, kind=AgreementKind.DECISION)
    assert refused.value.key == "agreement.decision_has_no_owner"


@pytest.mark.parametrize(
    "text, due, key",
    [
        ("   ", dt.date(2027, 1, 1), "agreement.text_empty"),
        ("x" * 1001, dt.date(2027, 1, 1), "agreement.text_too_long"),
        ("Flyer", dt.date(2026, 11, 25), "agreement.due_in_past"),
    ],
)
async def test_bad_input_records_nothing(leuven: Leuven, text: str, due: dt.date, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        await _task(leuven, text, due_date=due)
    assert refused.value.key == key
    rows = (await leuven.session.exec(select(Agreement))).all()
    assert rows == []


async def test_today_counts_in_the_clusters_timezone(leuven: Leuven) -> None:
    # 23:30 in Brussels on 26/11 is 22:30 UTC: "today" is still the 26th.
    late = dt.datetime(2026, 11, 26, 23, 30, tzinfo=BRUSSELS).astimezone(dt.UTC)
    agreement = await _task(leuven, due_date=dt.date(2026, 11, 26), now=late)
    assert agreement.due_date == dt.date(2026, 11, 26)


async def test_the_theme_is_the_one_given_else_the_actions(leuven: Leuven) -> None:
    action = await actions.create_action(
        leuven.session,
        cluster=leuven.cluster,
        title="Groepsaankoop dakisolatie",
        theme=Theme.ENERGY,
        municipalities=[leuven.places["Kortenberg"], leuven.places["Herent"]],
        by=leuven.an,
        now=NOW,
    )
    linked = await _task(leuven, action=action)
    assert (linked.action_id, linked.theme) == (action.id, Theme.ENERGY)
    themed = await _task(leuven, action=action, theme=Theme.COMMUNICATION)
    assert themed.theme == Theme.COMMUNICATION
    assert (await _task(leuven)).theme is None


async def test_get_agreement_does_not_see_another_clusters_numbers(leuven: Leuven) -> None:
    other = await make_cluster(leuven.session, -300, ["Pepingen"], now=NOW)
    await _task(leuven)
    with pytest.raises(NotFound) as refused:
        await agreements.get_agreement(leuven.session, cluster=other, number=1)
    assert refused.value.key == "agreement.not_found"
    assert refused.value.params == {"number": 1}


async def test_who_may_complete(leuven: Leuven) -> None:
    # Owner An (Herent); Bram (Kortenberg) created it.
    for by, role, allowed in [
        (leuven.an, Role.MEMBER, True),  # owner
        (leuven.bram, Role.MEMBER, False),  # creator, other municipality
        (leuven.celine, Role.MEMBER, False),
        (leuven.celine, Role.COORDINATOR, True),
        (leuven.celine, Role.FACILITATOR, True),
    ]:
        agreement = await _task(leuven)
        if allowed:
            done = await agreements.complete(
                leuven.session,
                cluster=leuven.cluster,
                number=agreement.number,
                by=by,
                role=role,
                now=NOW,
            )
            assert done.status == AgreementStatus.DONE and done.closed_at == NOW
        else:
            with pytest.raises(NotAllowed):
                await agreements.complete(
                    leuven.session,
                    cluster=leuven.cluster,
                    number=agreement.number,
                    by=by,
                    role=role,
                    now=NOW,
                )
            assert agreement.status == AgreementStatus.OPEN


async def test_a_colleague_of_the_municipality_may_complete_an_unowned_task(
    leuven: Leuven,
) -> None:
    agreement = await _task(leuven, owner=None, municipality=leuven.places["Bertem"])
    done = await agreements.complete(
        leuven.session,
        cluster=leuven.cluster,
        number=agreement.number,
        by=leuven.celine,
        role=Role.MEMBER,
        now=NOW,
    )
    assert done.status == AgreementStatus.DONE


async def test_done_twice_or_a_decision_is_refused(leuven: Leuven) -> None:
    agreement = await _task(leuven)
    common: dict[str, Any] = {
        "cluster": leuven.cluster,
        "by": leuven.an,
        "role": Role.MEMBER,
        "now": NOW,
    }
    await agreements.complete(leuven.session, number=agreement.number, **common)
    with pytest.raises(DomainError) as refused:
        await agreements.complete(leuven.session, number=agreement.number, **common)
    assert refused.value.key == "agreement.already_done"
    decision = await _task(leuven, owner=None, due_date=None, municipality=leuven.places["Herent"])
    with pytest.raises(DomainError) as refused:
        await agreements.complete(leuven.session, number=decision.number, **common)
    assert refused.value.key == "agreement.is_decision"


async def test_postponing_keeps_the_old_date_in_the_history(leuven: Leuven) -> None:
    agreement = await _task(leuven)
    later = NOW + dt.timedelta(days=1)
    await agreements.postpone(
        leuven.session,
        cluster=leuven.cluster,
        number=agreement.number,
        due_date=dt.date(2027, 3, 26),
        by=leuven.an,
        role=Role.MEMBER,
        now=later,
    )
    found, events = await agreements.history(
        leuven.session, cluster=leuven.cluster, number=agreement.number
    )
    assert found.due_date == dt.date(2027, 3, 26)
    assert [e.action for e in events] == ["created", "postponed"]
    postponed = events[1]
    assert postponed.actor_member_id == leuven.an.id
    assert postponed.at == later
    assert postponed.before is not None and postponed.before["due_date"] == "2027-03-19"
    assert postponed.after is not None and postponed.after["due_date"] == "2027-03-26"


async def test_postponing_is_refused_to_the_past_to_the_same_day_and_to_others(
    leuven: Leuven,
) -> None:
    agreement = await _task(leuven)
    common: dict[str, Any] = {"cluster": leuven.cluster, "number": agreement.number, "now": NOW}
    for due, by, role, key in [
        (dt.date(2026, 11, 1), leuven.an, Role.MEMBER, "agreement.due_in_past"),
        (dt.date(2027, 3, 19), leuven.an, Role.MEMBER, "agreement.same_date"),
        (dt.date(2027, 4, 1), leuven.celine, Role.MEMBER, "agreement.may_not_postpone"),
    ]:
        with pytest.raises(DomainError) as refused:
            await agreements.postpone(leuven.session, due_date=due, by=by, role=role, **common)
        assert refused.value.key == key
    assert agreement.due_date == dt.date(2027, 3, 19)


async def test_who_may_cancel(leuven: Leuven) -> None:
    for by, role, allowed in [
        (leuven.bram, Role.MEMBER, True),  # creator
        (leuven.an, Role.MEMBER, True),  # owner
        (leuven.celine, Role.MEMBER, False),
        (leuven.celine, Role.COORDINATOR, True),
    ]:
        agreement = await _task(leuven)
        common: dict[str, Any] = {"cluster": leuven.cluster, "number": agreement.number, "now": NOW}
        if allowed:
            dropped = await agreements.cancel(leuven.session, by=by, role=role, **common)
            assert dropped.status == AgreementStatus.CANCELLED
            with pytest.raises(DomainError) as refused:
                await agreements.cancel(leuven.session, by=by, role=role, **common)
            assert refused.value.key == "agreement.already_cancelled"
        else:
            with pytest.raises(NotAllowed) as refused:
                await agreements.cancel(leuven.session, by=by, role=role, **common)
            assert refused.value.key == "agreement.may_not_cancel"


async def test_scopes_of_the_register(leuven: Leuven) -> None:
    mine = await _task(leuven, "Van An", owner=leuven.an)
    herent = await _task(leuven, "Voor Herent", owner=None, municipality=leuven.places["Herent"])
    late = await _task(leuven, "Te laat", owner=leuven.bram, due_date=TODAY)
    done = await _task(leuven, "Klaar", owner=leuven.bram)
    await agreements.complete(
        leuven.session,
        cluster=leuven.cluster,
        number=done.number,
        by=leuven.bram,
        role=Role.MEMBER,
        now=NOW,
    )
    decision = await _task(leuven, "Besluit", owner=None, due_date=None)
    tomorrow = NOW + dt.timedelta(days=1)

    async def numbers(scope: Scope, **kwargs: Any) -> list[int]:
        register = await agreements.list_agreements(
            leuven.session, cluster=leuven.cluster, now=tomorrow, scope=scope, **kwargs
        )
        return [a.number for a in register.agreements]

    assert await numbers(Scope.OPEN) == [late.number, mine.number, herent.number]
    assert await numbers(Scope.OVERDUE) == [late.number]
    assert await numbers(Scope.MINE, member=leuven.an) == [mine.number, herent.number]
    assert await numbers(Scope.DECISIONS) == [decision.number]
    assert set(await numbers(Scope.ALL)) == {
        mine.number,
        herent.number,
        late.number,
        done.number,
        decision.number,
    }
    assert await numbers(Scope.OPEN, municipality=leuven.places["Kortenberg"]) == [late.number]


async def test_listing_costs_the_same_statements_for_10_or_500_agreements(
    leuven: Leuven,
) -> None:
    async def count(size: int) -> int:
        cluster = await make_cluster(leuven.session, -1000 - size, ["Herent", "Bertem"], now=NOW)
        members = [
            await touch_member(
                leuven.session, cluster=cluster, user_id=5000 + i, name=f"P{i}", username=None,
                now=NOW,
            )
            for i in range(5)
        ]  # fmt: skip
        assert cluster.id is not None
        leuven.session.add_all(
            Agreement(
                cluster_id=cluster.id,
                number=i + 1,
                text=f"Afspraak {i}",
                owner_member_id=members[i % 5].id,
                due_date=TODAY + dt.timedelta(days=i % 30 - 10),
                created_at=NOW,
            )
            for i in range(size)
        )
        await leuven.session.commit()
        leuven.statements.clear()
        register = await agreements.list_agreements(
            leuven.session, cluster=cluster, now=NOW, scope=Scope.ALL
        )
        assert len(register.agreements) == size
        for agreement in register.agreements:
            register.owner(agreement)
            register.municipality(agreement)
        return len(leuven.statements)

    assert await count(10) == await count(500) <= 3


async def test_actions_number_status_and_municipalities(leuven: Leuven) -> None:
    kortenberg, herent, bertem = (leuven.places[n] for n in ("Kortenberg", "Herent", "Bertem"))
    action = await actions.create_action(
        leuven.session,
        cluster=leuven.cluster,
        title="  Groepsaankoop   dakisolatie ",
        theme=Theme.ENERGY,
        municipalities=[kortenberg, herent, kortenberg],
        by=leuven.an,
        now=NOW,
    )
    assert (action.number, action.title) == (1, "Groepsaankoop dakisolatie")
    assert action.lead_municipality_id == kortenberg.id
    assert await actions.municipality_ids_of(leuven.session, action=action) == [
        kortenberg.id,
        herent.id,
    ]
    links = (await leuven.session.exec(select(ActionMunicipality))).all()
    assert len(links) == 2

    await actions.set_status(
        leuven.session,
        cluster=leuven.cluster,
        number=1,
        status=ActionStatus.RUNNING,
        by=leuven.bram,
        now=NOW,
    )
    with pytest.raises(DomainError):
        await actions.set_status(
            leuven.session,
            cluster=leuven.cluster,
            number=1,
            status=ActionStatus.RUNNING,
            by=leuven.bram,
            now=NOW,
        )
    _, added = await actions.add_municipalities(
        leuven.session,
        cluster=leuven.cluster,
        number=1,
        municipalities=[herent, bertem],
        by=leuven.celine,
        now=NOW,
    )
    assert added == [bertem]
    events = (
        await leuven.session.exec(select(AuditEvent).where(AuditEvent.entity == "action"))
    ).all()
    assert [e.action for e in events] == ["created", "status", "municipalities"]
    assert events[1].actor_member_id == leuven.bram.id

    second = await actions.create_action(
        leuven.session,
        cluster=leuven.cluster,
        title="Repaircafé",
        theme=None,
        municipalities=[],
        by=leuven.an,
        now=NOW,
    )
    assert second.theme == Theme.OTHER and second.lead_municipality_id is None
    views = await actions.list_actions(leuven.session, cluster=leuven.cluster)
    assert [v.action.number for v in views] == [1, 2]
    assert views[0].municipality_ids[0] == kortenberg.id
    energy = await actions.list_actions(leuven.session, cluster=leuven.cluster, theme=Theme.ENERGY)
    assert [v.action.number for v in energy] == [1]

    await _task(leuven, action=action)
    await _task(leuven, action=action, owner=None, due_date=None)  # a decision: not counted
    assert await agreements.open_counts_by_action(leuven.session, cluster=leuven.cluster) == {
        action.id: 1
    }
    with pytest.raises(NotFound):
        await actions.get_action(leuven.session, cluster=leuven.cluster, number=9)
    with pytest.raises(DomainError) as refused:
        await actions.create_action(
            leuven.session,
            cluster=leuven.cluster,
            title=" ",
            theme=None,
            municipalities=[],
            by=leuven.an,
            now=NOW,
        )
    assert refused.value.key == "action.title_empty"


async def test_a_due_time_is_stored_and_kept_when_only_the_day_moves(leuven: Leuven) -> None:
    agreement = await _task(leuven, due_time=dt.time(15, 45))
    await leuven.session.commit()
    await leuven.session.refresh(agreement)
    assert (agreement.due_date, agreement.due_time) == (dt.date(2027, 3, 19), dt.time(15, 45))

    def move(**kwargs: Any) -> Any:
        return agreements.postpone(
            leuven.session, cluster=leuven.cluster, number=agreement.number, by=leuven.an,
            role=Role.MEMBER, now=NOW, **kwargs,
        )  # fmt: skip

    moved = await move(due_date=dt.date(2027, 3, 26))
    assert (moved.due_date, moved.due_time) == (dt.date(2027, 3, 26), dt.time(15, 45))
    moved = await move(due_date=dt.date(2027, 3, 26), due_time=dt.time(10, 0))  # same day
    assert moved.due_time == dt.time(10, 0)
    with pytest.raises(DomainError) as same:
        await move(due_date=dt.date(2027, 3, 26), due_time=dt.time(10, 0))
    assert same.value.key == "agreement.same_date"
    events = (await leuven.session.exec(select(AuditEvent))).all()
    postponed = [e for e in events if e.action == "postponed"]
    assert [(e.before or {}).get("due_time") for e in postponed] == ["15:45", "15:45"]
    assert [(e.after or {}).get("due_time") for e in postponed] == ["15:45", "10:00"]


async def test_a_due_time_needs_a_due_date(leuven: Leuven) -> None:
    with pytest.raises(ValueError, match="due date"):
        await _task(leuven, due_date=None, due_time=dt.time(9, 0))


# --- people coming and going -----------------------------------------------------------------


async def test_a_pending_owner_becomes_the_person_when_that_username_first_speaks(
    leuven: Leuven,
) -> None:
    session, cluster = leuven.session, leuven.cluster
    ruben = await clusters.pending_member(
        session, cluster=cluster, username="@Ruben_Bertem", now=NOW
    )
    assert ruben.is_pending and ruben.user_id is None
    again = await clusters.pending_member(
        session, cluster=cluster, username="ruben_bertem", now=NOW
    )
    assert again.id == ruben.id, "one pending member per username"
    task = await _task(leuven, owner=ruben)
    spoke = await touch_member(
        session, cluster=cluster, user_id=21, name="Ruben", username="ruben_bertem", now=NOW
    )
    assert spoke.id == ruben.id and spoke.user_id == 21 and not spoke.is_pending
    assert task.owner_member_id == spoke.id


async def test_a_known_member_taking_a_pending_username_gets_its_agreements(
    leuven: Leuven,
) -> None:
    session, cluster = leuven.session, leuven.cluster
    pending = await clusters.pending_member(session, cluster=cluster, username="bram_k", now=NOW)
    task = await _task(leuven, owner=pending)
    await session.commit()
    # Bram (known as @bram) renames himself to @bram_k and speaks.
    bram = await touch_member(
        session, cluster=cluster, user_id=12, name="Bram", username="bram_k", now=NOW
    )
    await session.refresh(task)
    await session.refresh(pending)
    assert bram.id == leuven.bram.id
    assert task.owner_member_id == bram.id
    assert pending.erased and not pending.is_pending


async def test_leaving_is_recorded_once_and_speaking_again_undoes_it(leuven: Leuven) -> None:
    session, cluster = leuven.session, leuven.cluster
    later = NOW + dt.timedelta(hours=1)
    left = await clusters.member_left(session, cluster=cluster, user_id=12, now=later)
    assert left is not None and left.left_at == later and left.has_left
    assert await clusters.member_left(session, cluster=cluster, user_id=12, now=later) is None
    assert await clusters.member_left(session, cluster=cluster, user_id=999, now=later) is None
    back = await touch_member(
        session, cluster=cluster, user_id=12, name="Bram", username="bram", now=later
    )
    assert not back.has_left


async def test_passing_on_keeps_the_history_and_follows_the_cancel_rules(leuven: Leuven) -> None:
    session, cluster = leuven.session, leuven.cluster
    task = await _task(leuven, owner=leuven.an, by=leuven.an)
    with pytest.raises(NotAllowed):
        await agreements.reassign(
            session,
            cluster=cluster,
            number=task.number,
            owner=leuven.celine,
            by=leuven.celine,
            role=Role.MEMBER,
            now=NOW,
        )
    with pytest.raises(DomainError, match=r"agreement\.same_owner"):
        await agreements.reassign(
            session,
            cluster=cluster,
            number=task.number,
            owner=leuven.an,
            by=leuven.an,
            role=Role.MEMBER,
            now=NOW,
        )
    moved = await agreements.reassign(
        session,
        cluster=cluster,
        number=task.number,
        owner=leuven.celine,
        by=leuven.bram,
        role=Role.COORDINATOR,
        now=NOW,
    )
    assert moved.owner_member_id == leuven.celine.id
    _, events = await agreements.history(session, cluster=cluster, number=task.number)
    (event_,) = [e for e in events if e.action == "reassigned"]
    assert (event_.before or {})["owner_member_id"] == leuven.an.id
    assert (event_.after or {})["owner_member_id"] == leuven.celine.id
    assert await agreements.open_agreements_of(session, cluster=cluster, member=leuven.an) == []
