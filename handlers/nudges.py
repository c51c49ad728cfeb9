"""What the scheduled nudges say, and the `✅ Klaar` / `⏰ +1 week` buttons under them.

`make_deliver(app)` gives the sweep its `deliver` callable: it looks at the item again (a nudge
for an agreement done meanwhile, a meeting moved or a poll closed is skipped, not sent), puts
the nudge into words in the cluster's language for the item's topic, and hands the sweep the
sending (`handlers.sending`), which it runs after committing. A row that already holds its
messages (a retry, or an outbox reply) sends those instead of putting anything into words again.
The weekly digests of many clusters are put into words together (`digests`), with a fixed
number of queries for the batch.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from handlers import evaluation, meetings, polls, sending, trajectory
from handlers.arguments import is_number
from handlers.digest import digest_since, render_news
from handlers.i18n import Html, t, tn
from handlers.render import (
    callback_text,
    long_date,
    long_datetime,
    long_due,
    mention,
    short_time,
)
from handlers.runtime import App, Runtime, runtime_of
from handlers.turn import Turn, button
from models import agreements
from models.agreements import Agreement, AgreementStatus
from models.clusters import (
    Cluster,
    Member,
    Municipality,
    Role,
    coordinators_of,
    coordinators_of_clusters,
    find_member_by_user_id,
)
from models.db import wrote
from models.errors import DomainError
from models.meetings import (
    Meeting,
    MeetingPoll,
    PollStatus,
    agenda_of,
    poll_missing_municipalities,
)
from models.news import QUIET_WEEKS_BEFORE_PROMPT, news_of, record_digest
from models.nudges import MESSAGE, Nudge
from models.topics import Topic, topics_in
from models.trajectory import trajectory_of
from scheduler.calendar import to_utc
from scheduler.replan import replan_agreement, replan_trajectories
from scheduler.sweep import DIGEST, ChatGone, DeliverDigests, Outbound, Skipped

__all__ = ["make_deliver", "nudge_keyboard", "register"]

log = logging.getLogger(__name__)

BUTTON_PREFIX = "nudge"
POSTPONE_BY = dt.timedelta(weeks=1)


@dataclass
class Delivery:
    """One nudge on its way out, with what every kind needs to put it into words."""

    bot: Bot
    runtime: Runtime
    session: AsyncSession
    cluster: Cluster
    nudge: Nudge
    now: dt.datetime
    entries: list[sending.Entry] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.cluster.language

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.cluster.timezone)

    def t(self, key: str, /, **params: Any) -> Html:
        return t(self.lang, key, **params)

    def tn(self, key: str, count: int, /, **params: Any) -> Html:
        return tn(self.lang, key, count, **params)

    async def post(
        self, text: str, *, thread_id: int | None, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        self.entries += await sending.message(
            self.session,
            chat_id=self.cluster.chat_id,
            text=text,
            cluster=self.cluster,
            thread_id=thread_id,
            markup=markup,
        )


Kind = Callable[[Delivery], Awaitable[Skipped | None]]


def make_deliver(app: App) -> DeliverDigests:
    """The callable the sweep calls for each due nudge (bot/ hands it over); it also puts a
    batch of weekly digests into words at once."""
    return _Deliver(app)


class _Deliver:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(
        self, session: AsyncSession, nudge: Nudge, now: dt.datetime
    ) -> Skipped | Outbound:
        stored = nudge.payload or {}
        if "messages" in stored:
            # Prepared before (a retry, or a turn's reply): send what is left, change nothing.
            return self._outbound(dict(stored))
        if nudge.kind == DIGEST:
            return (await self.digests(session, [nudge], now))[0]
        cluster = await session.get(Cluster, nudge.cluster_id) if nudge.cluster_id else None
        if cluster is None:
            return Skipped("cluster gone")
        kind = _KINDS.get(nudge.kind)
        if kind is None or nudge.kind == MESSAGE:
            return Skipped(f"unknown kind {nudge.kind}")
        delivery = self._delivery(session, cluster, nudge, now)
        skipped = await kind(delivery)
        if skipped is not None:
            return skipped
        payload = {"messages": delivery.entries, "sent": 0}
        if wrote(session):
            # The moment changed something (a poll closed): its words are kept with it.
            nudge.payload = payload
            session.add(nudge)
        return self._outbound(payload)

    async def digests(
        self, session: AsyncSession, nudges: Sequence[Nudge], now: dt.datetime
    ) -> list[Skipped | Outbound]:
        """The digests of many clusters, put into words with a fixed number of queries.

        Each one records itself on its cluster (`last_digest_at`), so its words are kept on its
        row: a retry sends them as they were, and the news is never told twice or lost.
        """
        outcomes: list[Skipped | Outbound | Delivery] = []
        for nudge in nudges:
            stored = nudge.payload or {}
            if "messages" in stored:
                outcomes.append(self._outbound(dict(stored)))
                continue
            # Already in the session when the sweep loaded the batch: no query each.
            cluster = await session.get(Cluster, nudge.cluster_id) if nudge.cluster_id else None
            if cluster is None:
                outcomes.append(Skipped("cluster gone"))
            else:
                outcomes.append(self._delivery(session, cluster, nudge, now))
        deliveries = [d for d in outcomes if isinstance(d, Delivery)]
        said = iter(await _digests(deliveries))
        done: list[Skipped | Outbound] = []
        for outcome in outcomes:
            if not isinstance(outcome, Delivery):
                done.append(outcome)
                continue
            skipped = next(said)
            if skipped is not None:
                done.append(skipped)
                continue
            payload = {"messages": outcome.entries, "sent": 0}
            outcome.nudge.payload = payload
            session.add(outcome.nudge)
            done.append(self._outbound(payload))
        return done

    def _delivery(
        self, session: AsyncSession, cluster: Cluster, nudge: Nudge, now: dt.datetime
    ) -> Delivery:
        return Delivery(self.app.bot, runtime_of(self.app.bot_data), session, cluster, nudge, now)

    def _outbound(self, payload: dict[str, Any]) -> Outbound:
        bot, sessions = self.app.bot, runtime_of(self.app.bot_data).sessions

        async def send() -> None:
            try:
                await sending.deliver(bot, sessions, payload["messages"], payload)
            except sending.Undeliverable as exc:
                raise ChatGone(str(exc)) from exc

        return Outbound(send=send, payload=payload)


# --- agreements ------------------------------------------------------------------------------


def _key_part(nudge: Nudge, index: int) -> str:
    parts = nudge.dedupe_key.split(":", 3)
    return parts[index] if len(parts) > index else ""


async def _open_agreement(delivery: Delivery) -> Agreement | Skipped:
    """The agreement if this nudge still applies to it: open, same due date, reminders on."""
    agreement = await delivery.session.get(Agreement, delivery.nudge.subject_id)
    if agreement is None or agreement.cluster_id != delivery.cluster.id:
        return Skipped("agreement gone")
    if agreement.status != AgreementStatus.OPEN:
        return Skipped(f"agreement {agreement.status}")
    due = agreement.due_date.isoformat() if agreement.due_date else None
    if due is None or _key_part(delivery.nudge, 3) != due:
        return Skipped("due date changed")
    if not delivery.cluster.reminders_enabled:
        return Skipped("reminders off")
    return agreement


async def _addressee(delivery: Delivery, agreement: Agreement) -> tuple[Member | None, str]:
    """The owner (mentioned so they are notified) and the municipality's name."""
    session = delivery.session
    owner = (
        await session.get(Member, agreement.owner_member_id) if agreement.owner_member_id else None
    )
    place = (
        await session.get(Municipality, agreement.municipality_id)
        if agreement.municipality_id
        else None
    )
    return owner, place.name if place is not None else ""


def _who(delivery: Delivery, owner: Member | None, place: str) -> Html:
    if owner is not None and not owner.erased:
        if place:
            return delivery.t("nudges.who_owner_place", owner=mention(owner), place=place)
        return delivery.t("nudges.who_owner", owner=mention(owner))
    return delivery.t("nudges.who_place", place=place or "?")


def nudge_keyboard(lang: str, agreement: Agreement) -> InlineKeyboardMarkup:
    """`✅ Klaar` and `⏰ +1 week`; the due date in the data makes a second press harmless."""
    assert agreement.due_date is not None
    due = agreement.due_date.strftime("%Y%m%d")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "nudges.button_done"),
                    callback_data=f"{BUTTON_PREFIX}:done:{agreement.number}",
                ),
                InlineKeyboardButton(
                    t(lang, "nudges.button_later"),
                    callback_data=f"{BUTTON_PREFIX}:later:{agreement.number}:{due}",
                ),
            ]
        ]
    )


async def _agreement_nudge(delivery: Delivery) -> Skipped | None:
    found = await _open_agreement(delivery)
    if isinstance(found, Skipped):
        return found
    agreement = found
    assert agreement.due_date is not None
    owner, place = await _addressee(delivery, agreement)
    kind = delivery.nudge.kind
    headline = delivery.t(
        f"nudges.{kind}",
        number=agreement.number,
        date=long_due(agreement.due_date, agreement.due_time, delivery.lang),
    )
    lines = [
        headline,
        delivery.t("nudges.agreement_text", text=agreement.text),
        _who(delivery, owner, place),
        delivery.t("nudges.agreement_hint", number=agreement.number),
    ]
    await delivery.post(
        "\n".join(lines),
        thread_id=agreement.thread_id,
        markup=nudge_keyboard(delivery.lang, agreement),
    )
    return None


async def _escalation(delivery: Delivery) -> Skipped | None:
    """After the last overdue nudge: the coordinators and facilitator hear of it privately.

    Someone who never started a private chat with the bot cannot be written to; that is
    recorded on the row (`payload`) and the others are still told.
    """
    found = await _open_agreement(delivery)
    if isinstance(found, Skipped):
        return found
    agreement = found
    assert agreement.due_date is not None
    owner, place = await _addressee(delivery, agreement)
    text = "\n".join(
        [
            delivery.t(
                "nudges.escalation",
                cluster=delivery.cluster.title,
                number=agreement.number,
                date=long_due(agreement.due_date, agreement.due_time, delivery.lang),
            ),
            delivery.t("nudges.agreement_text", text=agreement.text),
            _who(delivery, owner, place),
            delivery.t("nudges.escalation_hint", number=agreement.number),
        ]
    )
    await _tell_privately(delivery, await _escalation_recipients(delivery), text)
    return None


async def _tell_privately(
    delivery: Delivery,
    user_ids: list[int],
    text: str,
    *,
    otherwise: str | None = None,
    topics: Mapping[tuple[int, int], Topic] | None = None,
) -> None:
    """`text` to each user's private chat; who cannot be reached is noted, not fatal.

    `otherwise` goes to the group only if nobody could be reached in private.
    """
    for user_id in user_ids:
        delivery.entries += await sending.message(
            None, chat_id=user_id, text=text, cluster=delivery.cluster, optional=True
        )
    if otherwise is not None:
        fallback = await sending.message(
            delivery.session,
            chat_id=delivery.cluster.chat_id,
            text=otherwise,
            cluster=delivery.cluster,
            thread_id=delivery.cluster.digest_thread_id,
            topics=topics,
        )
        for entry in fallback:
            entry["unless_reached"] = True
        delivery.entries += fallback


async def _escalation_recipients(delivery: Delivery) -> list[int]:
    """The cluster's coordinators and its facilitator (none after the hand-over)."""
    coordinators = await coordinators_of(delivery.session, cluster=delivery.cluster)
    return trajectory.private_recipients(
        delivery.cluster, coordinators, delivery.runtime.facilitator_ids
    )


# Trajectory messages missed by more than this (the bot was down) are left out.
STALE_AFTER = dt.timedelta(days=7)


def _local_day(delivery: Delivery) -> dt.date:
    return delivery.now.astimezone(delivery.tz).date()


# --- the trajectory --------------------------------------------------------------------------


async def _trajectory_phase(delivery: Delivery) -> Skipped | None:
    """A new phase begins: the group hears what it is about and how long is left."""
    current = trajectory_of(delivery.cluster)
    phase = _key_part(delivery.nudge, 3).split(":")[0]
    span = next((p for p in current.phases if p.phase.value == phase), None)
    if span is None or not delivery.nudge.dedupe_key.endswith(span.start.isoformat()):
        return Skipped("trajectory moved")
    if _local_day(delivery) > span.start + STALE_AFTER:
        return Skipped("the phase began long ago")  # the bot was down: old news is noise
    await delivery.post(trajectory.phase_announcement(delivery.cluster, span, current),
                        thread_id=delivery.cluster.digest_thread_id)  # fmt: skip
    return None


async def _handover_countdown(delivery: Delivery) -> Skipped | None:
    """Weeks before the end: the readiness check, privately to whoever will carry on."""
    cluster = delivery.cluster
    if not delivery.nudge.dedupe_key.endswith(trajectory_of(cluster).end.isoformat()):
        return Skipped("trajectory moved")
    weeks = int(_key_part(delivery.nudge, 2).removeprefix("countdown") or 0)
    if _local_day(delivery) > trajectory_of(cluster).end - dt.timedelta(weeks=weeks) + STALE_AFTER:
        return Skipped("a later countdown is closer")
    checks = await trajectory.readiness(
        delivery.bot,
        delivery.session,
        cluster=cluster,
        facilitator_ids=delivery.runtime.facilitator_ids,
        now=delivery.now,
    )
    text = trajectory.countdown_text(cluster, weeks, checks)
    coordinators = await coordinators_of(delivery.session, cluster=cluster)
    recipients = trajectory.private_recipients(
        cluster, coordinators, delivery.runtime.facilitator_ids
    )
    # Should nobody have a private chat with the bot yet, the group is the one place left.
    await _tell_privately(delivery, recipients, text, otherwise=text)
    return None


# --- polls and meetings ----------------------------------------------------------------------


async def _poll_reminder(delivery: Delivery) -> Skipped | None:
    poll = await delivery.session.get(MeetingPoll, delivery.nudge.subject_id)
    if poll is None or poll.cluster_id != delivery.cluster.id:
        return Skipped("poll gone")
    if poll.status != PollStatus.OPEN:
        return Skipped("poll closed")
    if delivery.now >= poll.deadline_at:
        return Skipped("deadline passed")
    missing = await poll_missing_municipalities(
        delivery.session, cluster=delivery.cluster, poll=poll
    )
    lines = [
        delivery.t(
            "nudges.poll_reminder",
            number=poll.number,
            deadline=long_datetime(poll.deadline_at, delivery.lang, delivery.tz),
        )
    ]
    if missing:
        lines.append(delivery.t("nudges.poll_missing", names=", ".join(m.name for m in missing)))
    else:
        lines.append(delivery.t("nudges.poll_all_answered"))
    await delivery.post("\n".join(lines), thread_id=poll.thread_id)
    return None


async def _poll_deadline(delivery: Delivery) -> Skipped | None:
    """Closing at the deadline is the polls capability's; the sweep only says when."""
    delivery.entries += await polls.close_poll_at_deadline(
        delivery.session,
        cluster=delivery.cluster,
        poll_id=delivery.nudge.subject_id,
        now=delivery.now,
    )
    return None


def _start_key(moment: dt.datetime) -> str:
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M")


async def _upcoming_meeting(delivery: Delivery) -> Meeting | Skipped:
    meeting = await delivery.session.get(Meeting, delivery.nudge.subject_id)
    if meeting is None or meeting.cluster_id != delivery.cluster.id:
        return Skipped("meeting gone")
    if meeting.cancelled_at is not None:
        return Skipped("meeting cancelled")
    if _key_part(delivery.nudge, 3) != _start_key(meeting.starts_at):
        return Skipped("meeting moved")
    if delivery.now >= meeting.starts_at:
        return Skipped("meeting started")
    return meeting


async def _meeting_place(delivery: Delivery, meeting: Meeting) -> Html:
    host = (
        await delivery.session.get(Municipality, meeting.host_municipality_id)
        if meeting.host_municipality_id
        else None
    )
    if host is not None and meeting.location:
        return delivery.t("nudges.meeting_host_location", host=host.name, location=meeting.location)
    if host is not None:
        return delivery.t("nudges.meeting_host", host=host.name)
    if meeting.location:
        return delivery.t("nudges.meeting_location", location=meeting.location)
    return Html("")


async def _meeting_day_before(delivery: Delivery) -> Skipped | None:
    found = await _upcoming_meeting(delivery)
    if isinstance(found, Skipped):
        return found
    meeting = found
    lines = [
        delivery.t(
            "nudges.meeting_day_before",
            number=meeting.number,
            when=long_datetime(meeting.starts_at, delivery.lang, delivery.tz),
        )
    ]
    place = await _meeting_place(delivery, meeting)
    if place:
        lines.append(place)
    agenda = await agenda_of(delivery.session, meeting=meeting)
    if agenda:
        lines.append(delivery.t("nudges.meeting_agenda"))
        lines.extend(
            delivery.t("nudges.meeting_agenda_item", position=index, text=item.text)
            for index, item in enumerate(agenda, start=1)
        )
    else:
        lines.append(delivery.t("nudges.meeting_no_agenda"))
    await delivery.post("\n".join(lines), thread_id=meeting.thread_id)
    return None


async def _meeting_hour_before(delivery: Delivery) -> Skipped | None:
    found = await _upcoming_meeting(delivery)
    if isinstance(found, Skipped):
        return found
    meeting = found
    lines = [
        delivery.t(
            "nudges.meeting_hour_before",
            number=meeting.number,
            time=short_time(meeting.starts_at.astimezone(delivery.tz).time(), delivery.lang),
        )
    ]
    place = await _meeting_place(delivery, meeting)
    if place:
        lines.append(place)
    await delivery.post("\n".join(lines), thread_id=meeting.thread_id)
    return None


async def _meeting_after(delivery: Delivery) -> Skipped | None:
    """A meeting just ended: the next of its series is planned, or one is proposed."""
    meeting = await delivery.session.get(Meeting, delivery.nudge.subject_id)
    if meeting is None or meeting.cluster_id != delivery.cluster.id:
        return Skipped("meeting gone")
    if meeting.cancelled_at is not None:
        return Skipped("meeting cancelled")
    if _key_part(delivery.nudge, 3) != _start_key(meeting.starts_at):
        return Skipped("meeting moved")
    entries = await meetings.after_meeting(
        delivery.session, cluster=delivery.cluster, meeting=meeting, now=delivery.now
    )
    if entries is None:
        return Skipped("a next meeting is planned")
    delivery.entries += entries
    return None


async def _evaluation(delivery: Delivery) -> Skipped | None:
    """The last phase began: each municipality gets the evaluation questions, once."""
    if not delivery.nudge.dedupe_key.endswith(trajectory_of(delivery.cluster).end.isoformat()):
        return Skipped("trajectory moved")
    asked = await evaluation.ask(delivery.session, cluster=delivery.cluster, now=delivery.now)
    if not asked:
        return Skipped("every municipality was asked")
    delivery.entries += asked
    return None


# --- the weekly digest -----------------------------------------------------------------------


async def _digests(deliveries: Sequence[Delivery]) -> list[Skipped | None]:
    """News since each cluster's last digest; two lines in a quiet week; after four, the
    coordinators. All clusters' news, topics and coordinators are read at once."""
    if not deliveries:
        return []
    session, now = deliveries[0].session, deliveries[0].now
    live = [d.cluster for d in deliveries if d.cluster.digest_weekday is not None]
    # A cluster from before the trajectory existed gets its phase messages planned here.
    await replan_trajectories(session, clusters=live, now=now)
    newses = await news_of(session, clusters=[(c, digest_since(c, now)) for c in live], now=now)
    prompted = [
        c.id
        for c in live
        if c.id is not None
        and newses[c.id].quiet
        and c.quiet_digests + 1 == QUIET_WEEKS_BEFORE_PROMPT
    ]
    coordinators = await coordinators_of_clusters(session, cluster_ids=prompted) if prompted else {}
    threads = [(c.id, c.digest_thread_id) for c in live if c.id and c.digest_thread_id]
    topics = await topics_in(session, threads=threads) if threads else {}
    said: list[Skipped | None] = []
    for delivery in deliveries:
        cluster = delivery.cluster
        if cluster.digest_weekday is None:
            said.append(Skipped("digest off"))
            continue
        assert cluster.id is not None
        news = newses[cluster.id]
        quiet_weeks = cluster.quiet_digests + 1 if news.quiet else 0
        if quiet_weeks > QUIET_WEEKS_BEFORE_PROMPT:
            # The prompt went out already; the digest waits for news (`since` stays put).
            cluster.quiet_digests = quiet_weeks
            session.add(cluster)
            said.append(Skipped("nothing new"))
            continue
        if quiet_weeks == QUIET_WEEKS_BEFORE_PROMPT:
            await _quiet_prompt(delivery, coordinators[cluster.id], topics)
        else:
            delivery.entries += await sending.message(
                session,
                chat_id=cluster.chat_id,
                text=render_news(cluster=cluster, news=news, lang=delivery.lang),
                cluster=cluster,
                thread_id=cluster.digest_thread_id,
                topics=topics,
            )
        await record_digest(session, cluster=cluster, quiet=news.quiet, now=now)
        said.append(None)
    return said


async def _quiet_prompt(
    delivery: Delivery, coordinators: list[Member], topics: Mapping[tuple[int, int], Topic]
) -> None:
    """Four weeks without news: one nudge to the coordinators, in private or else the group."""
    cluster = delivery.cluster
    text = delivery.t("digest.quiet_prompt", cluster=cluster.title, weeks=QUIET_WEEKS_BEFORE_PROMPT)
    ids = [m.user_id for m in coordinators if m.user_id is not None]
    names = ", ".join(mention(m) for m in coordinators)
    lead = delivery.t("digest.quiet_prompt_for", names=Html(names)) if names else ""
    await _tell_privately(
        delivery, ids, text, otherwise=f"{lead}\n{text}" if lead else text, topics=topics
    )


# --- members leaving ---------------------------------------------------------------------------


async def _member_left(delivery: Delivery) -> Skipped | None:
    """Someone left the group: their open agreements, to the coordinators, to pass on."""
    session, cluster = delivery.session, delivery.cluster
    member = await session.get(Member, delivery.nudge.subject_id)
    if member is None or member.cluster_id != cluster.id or member.erased:
        return Skipped("member gone")
    if not member.has_left:
        return Skipped("back in the group")
    open_ = await agreements.open_agreements_of(session, cluster=cluster, member=member)
    if not open_:
        return Skipped("nothing to pass on")
    lines = [delivery.tn("members.left_title", len(open_), name=mention(member))]
    for agreement in open_:
        due = (
            delivery.t("digest.due", date=long_date(agreement.due_date, delivery.lang))
            if agreement.due_date
            else ""
        )
        lines.append(
            delivery.t("members.left_line", number=agreement.number, text=agreement.text, due=due)
        )
    managers = [m for m in await coordinators_of(session, cluster=cluster) if not m.has_left]
    if not managers and cluster.facilitator_user_id is not None:
        facilitator = await find_member_by_user_id(
            session, cluster=cluster, user_id=cluster.facilitator_user_id
        )
        if facilitator is not None and not facilitator.has_left:
            managers = [facilitator]
    names = ", ".join(mention(m) for m in managers) or delivery.t("members.left_managers")
    lines.append(delivery.t("members.left_hint", names=Html(names), example=open_[0].number))
    await delivery.post("\n".join(lines), thread_id=None)
    return None


_KINDS: dict[str, Kind] = {
    "agreement_before": _agreement_nudge,
    "agreement_due": _agreement_nudge,
    "agreement_overdue": _agreement_nudge,
    "agreement_escalation": _escalation,
    "poll_reminder": _poll_reminder,
    "poll_deadline": _poll_deadline,
    "meeting_day_before": _meeting_day_before,
    "meeting_hour_before": _meeting_hour_before,
    "meeting_after": _meeting_after,
    "trajectory_phase": _trajectory_phase,
    "handover_countdown": _handover_countdown,
    "evaluation": _evaluation,
    "member_left": _member_left,
}


# --- the buttons -----------------------------------------------------------------------------


async def press(turn: Turn) -> None:
    """`✅ Klaar` or `⏰ +1 week` under a nudge: the same people and rules as /klaar, /uitstel."""
    query = turn.query
    assert query is not None
    cluster = turn.require_cluster()
    member = turn.require_member()
    parts = (query.data or "").split(":")
    if len(parts) < 3 or not is_number(parts[2]) or parts[1] not in ("done", "later"):
        raise DomainError("nudges.button_unknown")
    number = int(parts[2])
    agreement = await agreements.get_agreement(turn.session, cluster=cluster, number=number)
    if not agreements.may_complete(agreement, by=member, role=turn.role):
        await turn.has_role(Role.COORDINATOR)  # a Telegram admin counts as coordinator
    if parts[1] == "done":
        agreement = await agreements.complete(
            turn.session, cluster=cluster, number=number, by=member, role=turn.role, now=turn.now
        )
        answer = turn.t("nudges.done_answer", number=number)
        posted = turn.t("nudges.done_posted", number=number, who=mention(member))
    else:
        pressed_due = parts[3] if len(parts) > 3 else ""
        current = agreement.due_date
        if current is None or current.strftime("%Y%m%d") != pressed_due:
            raise DomainError(
                "nudges.already_moved",
                number=number,
                date=long_date(current, turn.lang) if current else "—",
            )
        today = turn.local_now.date()
        new_due = max(current, today) + POSTPONE_BY
        agreement = await agreements.postpone(
            turn.session,
            cluster=cluster,
            number=number,
            due_date=new_due,
            by=member,
            role=turn.role,
            now=turn.now,
        )
        date = long_due(new_due, agreement.due_time, turn.lang)
        answer = turn.t("nudges.later_answer", number=number, date=date)
        posted = turn.t("nudges.later_posted", number=number, date=date, who=mention(member))
    await replan_agreement(turn.session, cluster=cluster, agreement=agreement, now=turn.now)
    # Said once committed; the change stands whatever Telegram says to the answer and edit.
    turn.answer(callback_text(answer))
    message = query.message
    if message is not None:

        async def drop_buttons() -> None:
            await query.edit_message_reply_markup(reply_markup=None)

        turn.later(drop_buttons)
    await turn.reply(posted)


def register(app: App) -> None:
    app.add_handler(button(BUTTON_PREFIX, press, role=Role.MEMBER))
