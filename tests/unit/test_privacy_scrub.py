"""What /vergeetmij takes out of free text and JSON, and what it leaves alone."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from models.audit import AuditEvent, record
from models.clusters import Cluster, Member
from models.db import create_engine, session_maker
from models.privacy import ERASED, _Needles, _scrub_json, erase_user

BART = _Needles(names=["Bart Peeters"], usernames=["bart_peeters"], user_id=5_550_001_234)


def test_names_usernames_and_ids_are_replaced_as_whole_words() -> None:
    pattern = BART.pattern()
    text = (
        'Bart Peeters belt @Bart_Peeters; <a href="tg://user?id=5550001234">Bart Peeters</a> '
        "en bart_peeters"
    )
    cleaned = pattern.sub(ERASED, text)
    assert "Peeters" not in cleaned and "peeters" not in cleaned.lower()
    assert "5550001234" not in cleaned
    assert cleaned.startswith(f"{ERASED} belt {ERASED};")


def test_similar_words_and_other_numbers_stay() -> None:
    pattern = BART.pattern()
    text = "Bart Peetersen en Barto bellen 55500012345 of 555000123; bart_peeters2 ook"
    assert pattern.sub(ERASED, text) == text


def test_json_is_scrubbed_in_keys_values_and_numbers() -> None:
    pattern = BART.pattern()
    value = {
        "chat_id": 5_550_001_234,
        "names": ["Bart Peeters", "Sofie"],
        "Bart Peeters": True,
        "count": 3,
    }
    assert _scrub_json(value, pattern, BART.user_id) == {
        "chat_id": None,
        "names": [ERASED, "Sofie"],
        ERASED: True,
        "count": 3,
    }


async def test_erasure_finds_accented_names_inside_json(database_url: str) -> None:
    """JSON keeps `é` as `\\u00e9`; the only trace of Céline here is in an audit payload."""
    engine = create_engine(database_url)
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    try:
        async with session_maker(engine)() as session:
            cluster = Cluster(chat_id=-4_000_000_777, title="Klimaatcluster Leuven", created_at=now)
            session.add(cluster)
            await session.flush()
            assert cluster.id is not None
            celine = Member(
                cluster_id=cluster.id, user_id=777_000_111, name="Céline Dupré", created_at=now
            )
            session.add(celine)
            await session.flush()
            await record(
                session,
                cluster_id=cluster.id,
                actor_member_id=None,
                entity="agreement",
                entity_id=1,
                action="created",
                now=now,
                after={"text": "Céline Dupré belt de aannemer", "due_date": "2026-12-14"},
            )
            await session.commit()
            await erase_user(session, user_id=777_000_111, now=now)
            await session.commit()
        async with session_maker(engine)() as session:
            events = (
                await session.exec(select(AuditEvent).where(AuditEvent.action == "created"))
            ).all()
        assert [e.after for e in events] == [
            {"text": f"{ERASED} belt de aannemer", "due_date": "2026-12-14"}
        ]
    finally:
        await engine.dispose()
