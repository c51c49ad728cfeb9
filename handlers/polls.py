"""The meeting poll: one message with a row of ✅ ❔ ❌ per moment, kept up to date, then closed.

Votes are rows, so the message can always be rebuilt from the database: a press records the
vote and asks for a refresh in about a second; presses in the meantime ride along with that
one edit, which keeps a busy poll far below Telegram's edit limits. A refresh lost to a
restart is harmless, because the next press rebuilds the whole message.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from handlers import sending
from handlers.arguments import is_number
from handlers.dates import DateParseError, parse_when
from handlers.days_off import option_warnings
from handlers.i18n import Html, t
from handlers.meetings import host_reason, invitation_entry
from handlers.render import callback_text, long_datetime, plain_name, short_date, short_time
from handlers.runtime import App, runtime_of
from handlers.turn import Turn, button, command
from models import meetings
from models.clusters import Cluster, Member, Role
from models.errors import DomainError, NotFound
from models.meetings import ClosedPoll, MeetingPoll, PollDetails, PollStatus
from models.poll_rules import Answer
from scheduler.calendar import (
    POLL_DEADLINE_TIME,
    CalendarRules,
    default_poll_deadline,
    is_allowed_moment,
    next_allowed_moment,
)
from scheduler.replan import calendar_rules, replan_meeting, replan_poll

log = logging.getLogger(__name__)

PREFIX = "poll"
EDIT_DELAY_SECONDS = 1.0
MARKS = {Answer.YES: "✅", Answer.MAYBE: "❔", Answer.NO: "❌"}
_CODES = {Answer.YES: "y", Answer.MAYBE: "m", Answer.NO: "n"}
_ANSWERS = {code: answer for answer, code in _CODES.items()}
# Rendered text per poll id as last sent, so a refresh that changes nothing is not sent
# (Telegram refuses an edit to identical content).
_RENDERED_KEY = "polls.rendered"
_DEADLINE_WORDS = re.compile(
    r"^(?:tegen|vóór|voor|uiterlijk|ten laatste|deadline|by|before|until|avant|d'ici|"
    r"jusqu'au)(?:\s+|:\s*)",
    re.IGNORECASE,
)
# Names are left out of a poll message that would pass Telegram's limit with them.
_MAX_TEXT = 3900


# --- reading the command ----------------------------------------------------------------------


@dataclass(frozen=True)
class PollRequest:
    options: list[dt.datetime]  # UTC, in the order typed
    deadline: dt.datetime  # UTC


def parse_poll_request(
    text: str, *, now: dt.datetime, tz: ZoneInfo, rules: CalendarRules, lang: str
) -> PollRequest:
    """`di 9/3 14u; do 11/3 10u | tegen vr 5/3 12u` → the options and the deadline.

    Each option needs a time: a meeting poll about days only cannot make a meeting. A
    deadline without a time closes at noon; none at all gets the calendar's default.
    """
    options_text, _, deadline_text = text.partition("|")
    parts = [part.strip() for part in re.split(r"[;\n]", options_text)]
    parts = [part for part in parts if part]
    if not parts:
        raise DomainError("poll.usage")
    if len(parts) > meetings.MAX_POLL_OPTIONS:
        raise DomainError("poll.too_many", limit=meetings.MAX_POLL_OPTIONS, count=len(parts))
    local_now = now.astimezone(tz)
    options: list[dt.datetime] = []
    for position, part in enumerate(parts, start=1):
        try:
            when = parse_when(part, now=local_now)
        except DateParseError as error:
            problem = t(lang, error.key, **error.localized_params(lang))
            raise DomainError(
                "poll.option_unreadable", position=position, problem=problem
            ) from None
        if when.time is None:
            raise DomainError("poll.option_needs_time", position=position, text=part)
        options.append(when.at(tz, when.time).astimezone(dt.UTC))
    meetings.check_poll_options(options, deadline=None, now=now)
    deadline_text = _DEADLINE_WORDS.sub("", deadline_text.strip())
    if deadline_text:
        try:
            when = parse_when(deadline_text, now=local_now)
        except DateParseError as error:
            problem = t(lang, error.key, **error.localized_params(lang))
            raise DomainError("poll.deadline_unreadable", problem=problem) from None
        deadline = when.at(tz, POLL_DEADLINE_TIME).astimezone(dt.UTC)
    else:
        deadline = default_poll_deadline(min(options), now, rules)
    meetings.check_poll_options(options, deadline=deadline, now=now)
    return PollRequest(options=options, deadline=deadline)


# --- the message ------------------------------------------------------------------------------


def render_poll(
    details: PollDetails, *, lang: str, tz: ZoneInfo, meeting_number: int | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The poll's text and keyboard; a closed poll has no keyboard."""
    text = _poll_text(details, lang=lang, tz=tz, meeting_number=meeting_number, names=True)
    if len(text) > _MAX_TEXT:
        text = _poll_text(details, lang=lang, tz=tz, meeting_number=meeting_number, names=False)
    if details.poll.status != PollStatus.OPEN:
        return text, None
    return text, _keyboard(details, lang)


def _poll_text(
    details: PollDetails, *, lang: str, tz: ZoneInfo, meeting_number: int | None, names: bool
) -> str:
    poll = details.poll
    is_open = poll.status == PollStatus.OPEN
    lines: list[str] = []
    if is_open:
        lines.append(t(lang, "poll.title", number=poll.number))
        lines.append(
            t(lang, "poll.instructions", deadline=long_datetime(poll.deadline_at, lang, tz))
        )
    else:
        lines.append(t(lang, "poll.closed_title", number=poll.number))
        winner = details.winner
        if winner is not None and meeting_number is not None:
            when = long_datetime(winner.starts_at, lang, tz)
            lines.append(t(lang, "poll.closed_winner", when=when, meeting=meeting_number))
        else:
            lines.append(t(lang, "poll.closed_none"))
    places = {m.id: m.name for m in details.municipalities}
    for option in details.options:
        lines.append("")
        when = long_datetime(option.starts_at, lang, tz)
        lines.append(t(lang, "poll.option", position=option.position, when=when))
        for answer, voters in details.answers(option).items():
            line = f"{MARKS[answer]} {len(voters)}"
            if names and voters:
                line += ": " + ", ".join(_voter(member, places) for member in voters)
            lines.append(line)
    if is_open and details.municipalities:
        lines.append("")
        missing = details.missing
        if missing:
            lines.append(t(lang, "poll.missing", names=", ".join(m.name for m in missing)))
        else:
            lines.append(t(lang, "poll.all_answered"))
    return "\n".join(lines)


def _voter(member: Member, places: dict[int | None, str]) -> str:
    name = html.escape(plain_name(member))
    place = places.get(member.municipality_id)
    return f"{name} ({html.escape(place)})" if place else name


def _keyboard(details: PollDetails, lang: str) -> InlineKeyboardMarkup:
    """One row per option in the order given (✅ ❔ ❌), then a row without those marks."""
    poll_id = details.poll.id
    rows = [
        [
            InlineKeyboardButton(
                f"{MARKS[answer]} {option.position}",
                callback_data=f"{PREFIX}:{poll_id}:{option.position}:{_CODES[answer]}",
            )
            for answer in Answer
        ]
        for option in details.options
    ]
    close = html.unescape(t(lang, "poll.button_close"))
    rows.append([InlineKeyboardButton(close, callback_data=f"{PREFIX}:{poll_id}:close")])
    return InlineKeyboardMarkup(rows)


def _fingerprint(text: str, markup: InlineKeyboardMarkup | None) -> str:
    return json.dumps([text, markup.to_dict() if markup else None], sort_keys=True)


async def _edit(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Edit the poll message; a deleted message or a chat gone is not worth an error."""
    try:
        await bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True
        log.info("could not update poll message %s in %s: %s", message_id, chat_id, exc.message)
        return False
    except Forbidden as exc:
        log.info("could not update poll message %s in %s: %s", message_id, chat_id, exc.message)
        return False
    return True


# --- coalesced refresh ------------------------------------------------------------------------


def schedule_refresh(application: App, poll_id: int, chat_id: int) -> None:
    """Rebuild the poll message in about a second, once for however many presses come in."""
    job_queue = application.job_queue
    if job_queue is None:
        application.create_task(_refresh(application.bot, application.bot_data, poll_id, chat_id))
        return
    name = f"poll-refresh:{poll_id}"
    if job_queue.get_jobs_by_name(name):
        return
    job_queue.run_once(_refresh_job, when=EDIT_DELAY_SECONDS, data=(poll_id, chat_id), name=name)


def refresh_pending(application: App, poll_id: int) -> bool:
    job_queue = application.job_queue
    return bool(job_queue and job_queue.get_jobs_by_name(f"poll-refresh:{poll_id}"))


async def _refresh_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.job is not None
    data = context.job.data
    assert isinstance(data, tuple)
    await _refresh(context.bot, context.bot_data, int(data[0]), int(data[1]))


async def _refresh(bot: Bot, bot_data: dict[Any, Any], poll_id: int, chat_id: int) -> None:
    """Between the chat's updates: a `/sluit` either comes after the edit or is seen closed."""
    runtime = runtime_of(bot_data)
    async with runtime.in_chat_order(chat_id):
        await _refresh_now(bot, bot_data, poll_id)


async def _refresh_now(bot: Bot, bot_data: dict[Any, Any], poll_id: int) -> None:
    rendered: dict[int, str] = bot_data.setdefault(_RENDERED_KEY, {})
    async with runtime_of(bot_data).sessions() as session:
        found = await meetings.poll_with_cluster(session, poll_id=poll_id)
        poll, cluster = found if found is not None else (None, None)
        # A closed poll's message is set once by the closing itself.
        if poll is None or poll.status != PollStatus.OPEN or poll.message_id is None:
            rendered.pop(poll_id, None)
            return
        if cluster is None or not cluster.is_active:
            return
        details = await meetings.poll_details(session, poll=poll)
    text, markup = render_poll(details, lang=cluster.language, tz=ZoneInfo(cluster.timezone))
    fingerprint = _fingerprint(text, markup)
    if rendered.get(poll_id) == fingerprint:
        return
    if await _edit(bot, cluster.chat_id, poll.message_id, text, markup):
        rendered[poll_id] = fingerprint


# --- closing ----------------------------------------------------------------------------------


async def _close(
    session: AsyncSession,
    *,
    cluster: Cluster,
    poll: MeetingPoll,
    by: Member | None,
    now: dt.datetime,
) -> ClosedPoll:
    closed = await meetings.close_poll(session, cluster=cluster, poll=poll, by=by, now=now)
    await replan_poll(session, cluster=cluster, poll=poll, now=now)
    if closed.meeting is not None:
        await replan_meeting(session, cluster=cluster, meeting=closed.meeting, now=now)
    return closed


async def _announce(
    session: AsyncSession, *, cluster: Cluster, closed: ClosedPoll, now: dt.datetime
) -> list[sending.Entry]:
    """Freeze the poll message, tell the group the outcome and attach the invitation."""
    poll, meeting = closed.poll, closed.meeting
    lang, tz = cluster.language, ZoneInfo(cluster.timezone)
    entries: list[sending.Entry] = []
    if poll.message_id is not None:
        details = await meetings.poll_details(session, poll=poll)
        text, markup = render_poll(
            details, lang=lang, tz=tz, meeting_number=meeting.number if meeting else None
        )
        entries.append(
            sending.edit(
                chat_id=cluster.chat_id, message_id=poll.message_id, text=text, markup=markup
            )
        )
    if meeting is None or closed.winner is None:
        text = t(lang, "poll.announce_none", number=poll.number)
    else:
        lines = [
            t(
                lang,
                "poll.announce_winner",
                number=poll.number,
                when=long_datetime(meeting.starts_at, lang, tz),
                yes=closed.winner.yes,
                maybe=closed.winner.maybe,
            )
        ]
        if closed.host is not None:
            reason = host_reason(lang, closed.proposal, tz) if closed.proposal else ""
            lines.append(t(lang, "poll.announce_host", host=closed.host.name, reason=reason))
        lines.append(t(lang, "poll.announce_next", meeting=meeting.number))
        text = "\n".join(lines)
    entries += await sending.message(
        session, chat_id=cluster.chat_id, text=text, cluster=cluster, thread_id=poll.thread_id
    )
    if meeting is not None:
        entries.append(
            invitation_entry(cluster=cluster, meeting=meeting, host=closed.host, now=now)
        )
    return entries


async def close_poll_at_deadline(
    session: AsyncSession, *, cluster: Cluster, poll_id: int, now: dt.datetime
) -> list[sending.Entry]:
    """Close a poll whose deadline has come, as the `poll_deadline` nudge asks; returns what
    to tell the group once that is committed.

    Safe to call more than once or late: a poll already closed (by `/sluit`, or by another
    process) or not yet due is left alone. The caller commits the session.
    """
    poll = await session.get(MeetingPoll, poll_id)
    if (
        poll is None
        or poll.cluster_id != cluster.id
        or poll.status != PollStatus.OPEN
        or now < poll.deadline_at
    ):
        return []
    try:
        closed = await _close(session, cluster=cluster, poll=poll, by=None, now=now)
    except DomainError:  # closed meanwhile by someone else
        return []
    return await _announce(session, cluster=cluster, closed=closed, now=now)


# --- handlers ---------------------------------------------------------------------------------


async def open_poll(turn: Turn) -> None:
    """`/datumprikker di 9/3 14u; do 11/3 10u | tegen vr 5/3 12u` posts the poll."""
    cluster = turn.require_cluster()
    request = parse_poll_request(
        turn.text_args, now=turn.now, tz=turn.tz, rules=calendar_rules(cluster), lang=turn.lang
    )
    poll = await meetings.open_poll(
        turn.session,
        cluster=cluster,
        options=request.options,
        deadline=request.deadline,
        by=turn.member,
        now=turn.now,
        thread_id=turn.thread_id,
    )
    details = await meetings.poll_details(turn.session, poll=poll)
    text, markup = render_poll(details, lang=turn.lang, tz=turn.tz)
    assert poll.id is not None
    await turn.reply(text, reply_markup=markup, remember_poll=poll.id)
    await replan_poll(turn.session, cluster=cluster, poll=poll, now=turn.now, new=True)
    assert poll.id is not None
    turn.context.bot_data.setdefault(_RENDERED_KEY, {})[poll.id] = _fingerprint(text, markup)
    # Not in the poll message itself, which is rendered anew on every vote.
    warnings = option_warnings(turn, [o.astimezone(turn.tz).date() for o in request.options])
    rules = calendar_rules(cluster)
    if not is_allowed_moment(request.deadline, rules):
        warnings.append(
            turn.t(
                "poll.deadline_deferred",
                deadline=long_datetime(request.deadline, turn.lang, turn.tz),
                announce=long_datetime(
                    next_allowed_moment(request.deadline, rules), turn.lang, turn.tz
                ),
            )
        )
    if warnings:
        await turn.reply("\n".join(warnings))


async def close(turn: Turn) -> None:
    """`/sluit` closes the only open poll, `/sluit N` poll N; with several open, ask which."""
    cluster = turn.require_cluster()
    argument = turn.text_args.strip().lstrip("#")
    if argument:
        if not is_number(argument):
            raise DomainError("poll.close_usage")
        poll = await meetings.poll_by_number(turn.session, cluster=cluster, number=int(argument))
        if poll.status != PollStatus.OPEN:
            raise DomainError("poll.already_closed", number=poll.number)
    else:
        polls = await meetings.open_polls(turn.session, cluster=cluster)
        if not polls:
            raise DomainError("poll.none_open")
        if len(polls) > 1:
            await _ask_which(turn, polls)
            return
        poll = polls[0]
    closed = await _close(turn.session, cluster=cluster, poll=poll, by=turn.member, now=turn.now)
    turn.post(await _announce(turn.session, cluster=cluster, closed=closed, now=turn.now))


async def _ask_which(turn: Turn, polls: Sequence[MeetingPoll]) -> None:
    options = await meetings.options_of_polls(turn.session, polls=polls)
    lines = []
    for poll in polls:
        moments = ", ".join(
            f"{short_date(local.date(), turn.lang)} {short_time(local.time(), turn.lang)}"
            for local in (o.starts_at.astimezone(turn.tz) for o in options.get(poll.id or 0, []))
        )
        lines.append(turn.t("poll.which_line", number=poll.number, options=moments))
    await turn.reply(
        turn.tn("poll.which", len(polls), polls=Html("\n".join(lines)), example=polls[-1].number)
    )


async def press(turn: Turn) -> None:
    """A ✅ ❔ ❌ press records or changes an answer; the close button closes (coordinator+)."""
    cluster = turn.require_cluster()
    query = turn.query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) < 3 or not is_number(parts[1]):
        raise NotFound("poll.unknown")
    poll = await meetings.get_poll(turn.session, cluster=cluster, poll_id=int(parts[1]))
    message = query.message
    if (
        message is not None
        and poll.message_id is not None
        and message.message_id != poll.message_id
    ):
        raise NotFound("poll.unknown")
    if parts[2] == "close":
        await turn.require(Role.COORDINATOR)
        closed = await _close(
            turn.session, cluster=cluster, poll=poll, by=turn.member, now=turn.now
        )
        turn.answer(callback_text(turn.t("poll.closing")))
        turn.post(await _announce(turn.session, cluster=cluster, closed=closed, now=turn.now))
        return
    if len(parts) != 4 or not is_number(parts[2]) or parts[3] not in _ANSWERS:
        raise NotFound("poll.unknown")
    answer = _ANSWERS[parts[3]]
    if poll.status == PollStatus.OPEN and turn.now >= poll.deadline_at:
        # Closed to answers; the result waits for a moment the bot may speak.
        announce = next_allowed_moment(turn.now, calendar_rules(cluster))
        raise DomainError(
            "poll.deadline_passed_until",
            number=poll.number,
            when=long_datetime(announce, turn.lang, turn.tz),
        )
    option, changed = await meetings.vote(
        turn.session,
        poll=poll,
        position=int(parts[2]),
        member=turn.require_member(),
        answer=answer,
        now=turn.now,
    )
    # Answered once committed; the refresh reads the votes in its own session, later.
    key = "poll.vote_recorded" if changed else "poll.vote_unchanged"
    when = long_datetime(option.starts_at, turn.lang, turn.tz)
    turn.answer(callback_text(turn.t(key, mark=MARKS[answer], when=when)))
    if changed:
        assert poll.id is not None
        poll_id, chat_id = poll.id, turn.chat_id
        application = turn.context.application

        async def refresh() -> None:
            schedule_refresh(application, poll_id, chat_id)

        turn.later(refresh)


def register(app: App) -> None:
    app.add_handler(command("datumprikker", open_poll))
    app.add_handler(command("sluit", close))
    app.add_handler(button(PREFIX, press))
