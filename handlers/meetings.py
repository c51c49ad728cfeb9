"""Meetings: planning one, the list, the agenda, the minutes, and the .ics invitation."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from typing import Any
from zoneinfo import ZoneInfo

from babel.lists import format_list
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden

from handlers.dates import DateParseError, split_leading_when
from handlers.days_off import day_off_warning
from handlers.i18n import Html, t
from handlers.ics import IcsEvent, build_calendar, meeting_uid
from handlers.render import locale_of, long_date, long_datetime, long_due, mention, plain_name
from handlers.runtime import App
from handlers.sending import Undeliverable, send
from handlers.trajectory import repeat_label
from handlers.turn import Turn, command
from models import meetings
from models.agreements import AgreementKind, AgreementStatus
from models.clusters import (
    Cluster,
    Member,
    Municipality,
    coordinators_of,
    find_municipality,
    match_municipality,
    municipalities_of,
    split_names,
)
from models.errors import DomainError
from models.meetings import Meeting
from models.poll_rules import HostProposal
from scheduler.calendar import next_working_day
from scheduler.planning import next_in_series
from scheduler.replan import calendar_rules, replan_meeting

log = logging.getLogger(__name__)

_HOST_TAG = re.compile(r"(?<!\S)#(\S+)")
_LOCATION_EDGES = " ,;:-–—"
# As in handlers/sending.py: the errors that mean a topic was closed or deleted.
_TOPIC_GONE = ("topic_closed", "topic_deleted", "message thread not found", "topic_id_invalid")


# --- shared with the poll ---------------------------------------------------------------------


def meeting_location(meeting: Meeting, host: Municipality | None) -> str | None:
    """Where the calendar says the meeting is: the place typed, then the host municipality."""
    parts = [part for part in (meeting.location, host.name if host else None) if part]
    return ", ".join(parts) or None


def invitation(
    cluster: Cluster, meeting: Meeting, host: Municipality | None, now: dt.datetime
) -> bytes:
    """The .ics for one meeting: same UID every time, so calendars update instead of adding."""
    assert cluster.id is not None and meeting.id is not None
    summary = html.unescape(t(cluster.language, "meeting.ics_summary", title=cluster.title))
    event = IcsEvent(
        uid=meeting_uid(cluster.id, meeting.id),
        start=meeting.starts_at,
        duration=dt.timedelta(minutes=meeting.duration_minutes),
        summary=summary,
        location=meeting_location(meeting, host),
    )
    return build_calendar([event], tz=ZoneInfo(cluster.timezone), stamp=now, name=cluster.title)


async def send_invitation(
    bot: Bot,
    *,
    cluster: Cluster,
    meeting: Meeting,
    host: Municipality | None,
    now: dt.datetime,
) -> Message:
    """Post the meeting's .ics in its topic (or General when that topic is gone)."""
    lang = cluster.language
    data = invitation(cluster, meeting, host, now)
    filename = html.unescape(t(lang, "meeting.ics_filename", number=meeting.number))
    caption = t(lang, "meeting.ics_caption", number=meeting.number)
    thread_id = meeting.thread_id
    while True:
        try:
            return await bot.send_document(
                cluster.chat_id,
                document=data,
                filename=filename,
                caption=caption,
                message_thread_id=thread_id,
            )
        except Forbidden as exc:
            raise Undeliverable(str(exc)) from exc
        except BadRequest as exc:
            reason = exc.message.lower()
            if thread_id is None or not any(part in reason for part in _TOPIC_GONE):
                raise
            log.info("topic %s is gone; the invitation goes to General", thread_id)
            thread_id = None


def meeting_details(
    lang: str,
    meeting: Meeting,
    host: Municipality | None,
    *,
    proposal: HostProposal | None = None,
    tz: ZoneInfo | None = None,
) -> list[str]:
    lines: list[str] = []
    if host is not None and proposal is not None:
        lines.append(
            t(
                lang,
                "meeting.host_proposed",
                host=host.name,
                reason=host_reason(lang, proposal, tz or ZoneInfo("UTC")),
            )
        )
    elif host is not None:
        lines.append(t(lang, "meeting.host", host=host.name))
    if meeting.location:
        lines.append(t(lang, "meeting.location", location=meeting.location))
    return lines


def host_reason(lang: str, proposal: HostProposal, tz: ZoneInfo) -> Html:
    """Why it is this municipality's turn to host, in a few words."""
    if proposal.last_hosted is not None:
        return t(
            lang,
            "host.reason.longest",
            date=long_date(proposal.last_hosted.astimezone(tz).date(), lang),
        )
    if proposal.nobody_yet and proposal.also_never:
        return t(lang, "host.reason.first")
    if proposal.also_never:
        others = format_list(list(proposal.also_never), locale=locale_of(lang))
        return t(lang, "host.reason.never_too", others=others)
    return t(lang, "host.reason.only_never")


def _when(turn: Turn, meeting: Meeting) -> str:
    return long_datetime(meeting.starts_at, turn.lang, turn.tz)


_WEEKS = re.compile(
    r"(?i)(?<!\S)(?:elke|iedere|om\s+de|every|toutes\s+les|tous\s+les)\s+(\d+)\s+"
    r"(?:weken|week|weeks|semaines|semaine)(?!\S)"
)
_MONTHLY = re.compile(
    r"(?i)(?<!\S)(?:maandelijks|elke\s+maand|iedere\s+maand|monthly|every\s+month|"
    r"mensuel(?:lement)?|chaque\s+mois|tous\s+les\s+mois)(?!\S)"
)


def split_repeat(text: str) -> tuple[str | None, str]:
    """`… elke 6 weken` → (`w6`, the rest); `maandelijks` → `m1`; otherwise (None, text)."""
    weeks = _WEEKS.search(text)
    if weeks is not None:
        rest = text[: weeks.start()] + " " + text[weeks.end() :]
        repeat = f"w{int(weeks.group(1))}"
        meetings.check_repeat(repeat)
        return repeat, rest
    monthly = _MONTHLY.search(text)
    if monthly is not None:
        return "m1", text[: monthly.start()] + " " + text[monthly.end() :]
    return None, text


# --- /vergadering -----------------------------------------------------------------------------


async def plan(turn: Turn) -> None:
    """Plan a meeting directly: `/vergadering do 25/3 14u #Herent Gemeentehuis, zaal 2`."""
    cluster = turn.require_cluster()
    text = turn.text_args
    if not text:
        raise DomainError("meeting.usage")
    try:
        when, rest = split_leading_when(text, now=turn.local_now)
    except DateParseError as error:
        problem = turn.t(error.key, **error.localized_params(turn.lang))
        raise DomainError("meeting.date_problem", problem=problem) from None
    if when.time is None:
        raise DomainError("meeting.needs_time")
    starts_at = when.at(turn.tz, when.time).astimezone(dt.UTC)
    if starts_at <= turn.now:
        raise DomainError("meeting.in_past")
    repeat, rest = split_repeat(rest)
    host: Municipality | None = None
    tag = _HOST_TAG.search(rest)
    if tag is not None:
        host = await find_municipality(turn.session, cluster=cluster, text=tag.group(1))
        rest = rest[: tag.start()] + " " + rest[tag.end() :]
    proposal: HostProposal | None = None
    if host is None:
        proposed = await meetings.host_proposal_for(turn.session, cluster=cluster)
        if proposed is not None:
            host, proposal = proposed
    location = " ".join(rest.split()).strip(_LOCATION_EDGES) or None
    meeting = await meetings.plan_meeting(
        turn.session,
        cluster=cluster,
        starts_at=starts_at,
        host=host,
        location=location,
        by=turn.member,
        now=turn.now,
        thread_id=turn.thread_id,
        repeat=repeat,
    )
    await replan_meeting(turn.session, cluster=cluster, meeting=meeting, now=turn.now, new=True)
    lines: list[str] = [turn.t("meeting.planned", number=meeting.number, when=_when(turn, meeting))]
    lines += meeting_details(turn.lang, meeting, host, proposal=proposal, tz=turn.tz)
    if repeat:
        lines.append(turn.t("meeting.series", rhythm=repeat_label(turn.lang, repeat)))
    warning = day_off_warning(turn, meeting.starts_at.astimezone(turn.tz).date())
    if warning is not None:
        lines.append(warning)
    lines.append(turn.t("meeting.agenda_hint"))
    await turn.reply("\n".join(lines))
    await send_invitation(
        turn.context.bot, cluster=cluster, meeting=meeting, host=host, now=turn.now
    )


# --- /vergaderingen ---------------------------------------------------------------------------


async def upcoming(turn: Turn) -> None:
    """The meetings to come, with host and agenda size."""
    cluster = turn.require_cluster()
    now_on = await meetings.meetings_under_way(turn.session, cluster=cluster, now=turn.now)
    found = now_on + await meetings.upcoming_meetings(turn.session, cluster=cluster, now=turn.now)
    if not found:
        await turn.say("meeting.none_upcoming")
        return
    hosts = await meetings.municipalities_by_id(
        turn.session, ids=(m.host_municipality_id for m in found)
    )
    sizes = await meetings.agenda_sizes(turn.session, meetings=found)
    lines: list[str] = [turn.t("meeting.list_title")]
    for meeting in found:
        assert meeting.id is not None
        details = ""
        host = hosts.get(meeting.host_municipality_id or 0)
        if host is not None:
            details += turn.t("meeting.list_host", host=host.name)
        if meeting.location:
            details += turn.t("meeting.list_location", location=meeting.location)
        details += _agenda_size(turn, sizes.get(meeting.id, 0))
        if meeting.repeat:
            details += turn.t("meeting.list_series", rhythm=repeat_label(turn.lang, meeting.repeat))
        if meeting in now_on:
            details += turn.t("meeting.list_under_way")
        lines.append(
            turn.t(
                "meeting.list_line",
                number=meeting.number,
                when=_when(turn, meeting),
                details=Html(details),
            )
        )
    await turn.reply("\n".join(lines))


def _agenda_size(turn: Turn, count: int) -> str:
    if not count:
        return turn.t("meeting.agenda_size_0")
    return turn.tn("meeting.agenda_size", count)


# --- /agenda ----------------------------------------------------------------------------------


async def agenda(turn: Turn) -> None:
    """With text: a point on the next meeting's agenda. Without: that agenda."""
    cluster = turn.require_cluster()
    if turn.text_args:
        target, item = await meetings.add_agenda_item(
            turn.session, cluster=cluster, text=turn.text_args, by=turn.member, now=turn.now
        )
        await turn.say(
            "agenda.added",
            position=item.position,
            number=target.number,
            when=_when(turn, target),
            text=item.text,
        )
        return
    meeting = await meetings.next_meeting(turn.session, cluster=cluster, now=turn.now)
    if meeting is None:
        raise DomainError("agenda.no_meeting")
    items = await meetings.agenda_of(turn.session, meeting=meeting)
    lines: list[str] = [turn.t("agenda.title", number=meeting.number, when=_when(turn, meeting))]
    lines += [turn.t("agenda.line", position=i.position, text=i.text) for i in items]
    if not items:
        lines.append(turn.t("agenda.empty"))
    await turn.reply("\n".join(lines))


# --- /verslag ---------------------------------------------------------------------------------


async def minutes(turn: Turn) -> None:
    """Minutes of the current or last meeting; stored with it each time they are asked for."""
    cluster = turn.require_cluster()
    meeting = await meetings.last_started_meeting(turn.session, cluster=cluster, now=turn.now)
    if meeting is None:
        raise DomainError("minutes.no_meeting")
    await _add_to_minutes(turn, cluster, meeting)
    text = await _minutes_text(turn, cluster, meeting)
    await meetings.store_minutes(turn.session, meeting=meeting, text=text, now=turn.now)
    stamp = turn.t("minutes.stored", when=long_datetime(turn.now, turn.lang, turn.tz))
    await turn.reply(f"{text}\n\n{stamp}")


_PRESENT = ("aanwezig", "aanwezigen", "present", "présents", "presents", "présent")


async def _add_to_minutes(turn: Turn, cluster: Cluster, meeting: Meeting) -> None:
    """`/verslag + tekst` adds a note; `/verslag aanwezig Herent, Bertem` the attendance."""
    text = turn.text_args
    if not text:
        return
    if text.startswith("+"):
        await meetings.add_note(turn.session, meeting=meeting, text=text[1:])
        return
    first, _, rest = text.partition(" ")
    if first.lower().rstrip(":") in _PRESENT:
        places = await municipalities_of(turn.session, cluster=cluster)
        chosen = [match_municipality(places, name) for name in split_names(rest)]
        await meetings.set_attendance(turn.session, meeting=meeting, municipalities=chosen)
        return
    raise DomainError("minutes.usage")


async def _minutes_text(turn: Turn, cluster: Cluster, meeting: Meeting) -> str:
    session = turn.session
    items = await meetings.agenda_of(session, meeting=meeting)
    agreements = await meetings.agreements_for_minutes(
        session, cluster=cluster, meeting=meeting, now=turn.now
    )
    owners = await _members_by_id(session, (a.owner_member_id for a in agreements))
    places = await meetings.municipalities_by_id(
        session,
        ids=[meeting.host_municipality_id, *(a.municipality_id for a in agreements)],
    )
    host = places.get(meeting.host_municipality_id or 0)
    lines: list[str] = [
        turn.t("minutes.title", number=meeting.number),
        turn.t("minutes.when", when=_when(turn, meeting)),
        *meeting_details(turn.lang, meeting, host),
    ]
    if meeting.repeat:
        lines.append(turn.t("meeting.series", rhythm=repeat_label(turn.lang, meeting.repeat)))
    if meeting.attendance is not None:
        everyone = await municipalities_of(session, cluster=cluster)
        present = [m.name for m in everyone if m.id in meeting.attendance]
        absent = [m.name for m in everyone if m.id not in meeting.attendance]
        lines.append(turn.t("minutes.present", names=", ".join(present) or "—"))
        if absent:
            lines.append(turn.t("minutes.absent", names=", ".join(absent)))
    lines += ["", turn.t("minutes.agenda")]
    lines += [turn.t("agenda.line", position=i.position, text=i.text) for i in items]
    if not items:
        lines.append(turn.t("minutes.none"))
    for kind, title in (
        (AgreementKind.TASK, "minutes.agreements"),
        (AgreementKind.DECISION, "minutes.decisions"),
    ):
        chosen = [a for a in agreements if a.kind == kind]
        lines += ["", turn.t(title)]
        for agreement in chosen:
            details: list[str] = []
            owner = owners.get(agreement.owner_member_id or 0)
            if owner is not None:
                details.append(html.escape(plain_name(owner)))
            place = places.get(agreement.municipality_id or 0)
            if place is not None:
                details.append(html.escape(place.name))
            if agreement.due_date is not None:
                details.append(
                    turn.t(
                        "minutes.due",
                        date=long_due(agreement.due_date, agreement.due_time, turn.lang),
                    )
                )
            if agreement.status == AgreementStatus.DONE:
                details.append(turn.t("minutes.done"))
            lines.append(
                turn.t(
                    "minutes.line",
                    number=agreement.number,
                    text=agreement.text,
                    details=Html("".join(f" — {d}" for d in details)),
                )
            )
        if not chosen:
            lines.append(turn.t("minutes.none"))
    if meeting.notes:
        lines += ["", turn.t("minutes.notes")]
        lines += [turn.t("minutes.note_line", text=note) for note in meeting.notes.splitlines()]
    return "\n".join(lines)


async def _members_by_id(session: AsyncSession, ids: Any) -> dict[int, Member]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.exec(select(Member).where(col(Member.id).in_(wanted)))
    return {m.id: m for m in rows.all() if m.id is not None}


# --- after a meeting: the rhythm goes on by itself ----------------------------------------------


async def after_meeting(
    bot: Bot, session: AsyncSession, *, cluster: Cluster, meeting: Meeting, now: dt.datetime
) -> bool:
    """The meeting is over: plan the next of its series, or propose one if none is planned.

    Returns False when there is nothing to do (a later meeting is already planned). Nobody has
    to type anything, so the rhythm outlives the facilitator's year.
    """
    if await meetings.upcoming_meetings(session, cluster=cluster, now=now, limit=1):
        return False
    lang = cluster.language
    tz = ZoneInfo(cluster.timezone)
    rules = calendar_rules(cluster)
    if meeting.repeat:
        starts_at = next_in_series(meeting.starts_at, meeting.repeat, rules)
        while starts_at <= now:  # the bot was down for longer than a whole interval
            starts_at = next_in_series(starts_at, meeting.repeat, rules)
        proposed = await meetings.host_proposal_for(session, cluster=cluster)
        host, proposal = proposed if proposed is not None else (None, None)
        following = await meetings.plan_meeting(
            session,
            cluster=cluster,
            starts_at=starts_at,
            host=host,
            location=meeting.location,
            by=None,
            now=now,
            thread_id=meeting.thread_id,
            repeat=meeting.repeat,
        )
        following.duration_minutes = meeting.duration_minutes
        await replan_meeting(session, cluster=cluster, meeting=following, now=now)
        lines = [
            t(
                lang,
                "meeting.series_next",
                number=following.number,
                when=long_datetime(following.starts_at, lang, tz),
                rhythm=repeat_label(lang, meeting.repeat),
            ),
            *meeting_details(lang, following, host, proposal=proposal, tz=tz),
            t(lang, "meeting.agenda_hint"),
        ]
        await send(bot, session, chat_id=cluster.chat_id, text="\n".join(lines), cluster=cluster,
                   thread_id=following.thread_id)  # fmt: skip
        await send_invitation(bot, cluster=cluster, meeting=following, host=host, now=now)
        return True
    local = meeting.starts_at.astimezone(tz)
    base = local.date() + dt.timedelta(weeks=6)
    days = sorted({next_working_day(base + dt.timedelta(days=d), rules) for d in (0, 2, 7)})
    options = "; ".join(f"{d.day}/{d.month}/{d.year} {local:%H:%M}" for d in days)
    coordinators = await coordinators_of(session, cluster=cluster)
    lines = [
        t(lang, "meeting.propose_next", number=meeting.number),
        t(
            lang,
            "meeting.propose_for",
            names=Html(", ".join(mention(m) for m in coordinators))
            if coordinators
            else t(lang, "meeting.propose_nobody"),
        ),
        f"<code>/datumprikker {html.escape(options)}</code>",
    ]
    await send(bot, session, chat_id=cluster.chat_id, text="\n".join(lines), cluster=cluster,
               thread_id=meeting.thread_id)  # fmt: skip
    return True


def register(app: App) -> None:
    app.add_handler(command("vergadering", plan))
    app.add_handler(command("vergaderingen", upcoming))
    app.add_handler(command("agenda", agenda))
    app.add_handler(command("verslag", minutes))
