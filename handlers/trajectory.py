"""`/traject`: the year as a trajectory, and what the bot says as the year goes by.

A cluster sees where it stands (the phase, the weeks left until the hand-over, what the plan
says for this phase, what is late); each new phase is announced in the group, and from two
months before the end a countdown with a readiness check, built from the cluster's own data
and from Telegram's list of group admins, reaches the facilitator and the coordinators.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from handlers.dates import DateParseError, parse_when
from handlers.i18n import Html, t, tn
from handlers.render import locale_of, long_date, long_datetime, plain_name
from handlers.runtime import App
from handlers.turn import Turn, command
from models import clusters as cluster_model
from models import reports
from models.agreements import Scope, is_overdue, list_agreements
from models.clusters import Cluster, Member, coordinators_of, municipalities_of
from models.db import end_read_transaction
from models.errors import DomainError, NotAllowed
from models.lessons import lessons_of
from models.meetings import Meeting, upcoming_meetings
from models.trajectory import (
    Phase,
    PhaseSpan,
    Trajectory,
    escalated_open,
    set_trajectory,
    trajectory_of,
)
from scheduler.replan import replan_trajectory

log = logging.getLogger(__name__)

_START = ("start", "begin", "début", "debut")
_END = ("einde", "eind", "end", "fin")
MAX_LATE_LISTED = 10


def period(trajectory: Trajectory, lang: str) -> str:
    """`maart 2027 – februari 2028`: how a report names the trajectory."""
    locale = locale_of(lang)
    return (
        f"{format_date(trajectory.start, 'LLLL y', locale=locale)} – "
        f"{format_date(trajectory.end, 'LLLL y', locale=locale)}"
    )


def phase_name(lang: str, phase: Phase) -> str:
    return str(t(lang, f"trajectory.phase.{phase.value}"))


def repeat_label(lang: str, repeat: str | None) -> str:
    """`elke 6 weken`, `maandelijks`; empty for a one-off meeting."""
    if not repeat:
        return ""
    if repeat.startswith("m"):
        return str(t(lang, "meeting.repeat_monthly"))
    return str(tn(lang, "meeting.repeat_weeks", int(repeat[1:])))


# --- /traject ---------------------------------------------------------------------------------


async def show_or_set(turn: Turn) -> None:
    """In a group: where the cluster stands, or (facilitator) new dates. In private: one's own."""
    if turn.is_private:
        await _private(turn)
        return
    cluster = turn.require_cluster()
    if turn.text_args:
        if not turn.is_facilitator:
            raise NotAllowed("trajectory.facilitator_only")
        start, end = _read_dates(turn)
        await _set_dates(turn, cluster, start, end)
    await turn.reply(await status_text(turn.session, cluster=cluster, now=turn.now, lang=turn.lang))


async def _set_dates(
    turn: Turn, cluster: Cluster, start: dt.date | None, end: dt.date | None
) -> None:
    trajectory = await set_trajectory(
        turn.session, cluster=cluster, start=start, end=end, by=turn.member, now=turn.now
    )
    await replan_trajectory(turn.session, cluster=cluster, now=turn.now)
    await turn.say(
        "trajectory.set",
        start=long_date(trajectory.start, turn.lang),
        end=long_date(trajectory.end, turn.lang),
    )


def _read_dates(turn: Turn) -> tuple[dt.date | None, dt.date | None]:
    """`start 1/3 einde 28/2/2028`, either part alone, in Dutch, English or French."""
    words = "|".join(re.escape(w) for w in (*_START, *_END))
    parts = re.split(rf"(?i)(?:^|\s)({words})(?=\s)", " " + turn.text_args + " ")
    if len(parts) < 3 or parts[0].strip():
        raise DomainError("trajectory.usage")
    found: dict[str, dt.date] = {}
    for marker, value in zip(parts[1::2], parts[2::2], strict=True):
        which = "start" if marker.lower() in _START else "end"
        if which in found or not value.strip():
            raise DomainError("trajectory.usage")
        try:
            when = parse_when(value.strip(), now=turn.local_now)
        except DateParseError as error:
            problem = turn.t(error.key, **error.localized_params(turn.lang))
            raise DomainError("trajectory.date_problem", problem=problem) from None
        found[which] = when.date
    return found.get("start"), found.get("end")


async def _private(turn: Turn) -> None:
    """The facilitator sees every cluster of theirs; a coordinator, the clusters they manage."""
    assert turn.user is not None
    if turn.is_facilitator:
        chosen = await reports.facilitator_clusters(
            turn.session, user_id=turn.user.id, active_only=True
        )
    else:
        chosen = await cluster_model.clusters_coordinated_by(turn.session, user_id=turn.user.id)
    if not chosen:
        raise NotAllowed("trajectory.private_none")
    texts = [
        await status_text(turn.session, cluster=c, now=turn.now, lang=turn.lang) for c in chosen
    ]
    await turn.reply("\n\n".join(texts))


async def status_text(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime, lang: str
) -> str:
    trajectory = trajectory_of(cluster)
    today = now.astimezone(ZoneInfo(cluster.timezone)).date()
    current = trajectory.phase_on(today)
    lines: list[str] = [
        t(
            lang,
            "trajectory.title",
            cluster=cluster.title,
            start=long_date(trajectory.start, lang),
            end=long_date(trajectory.end, lang),
        )
    ]
    for span in trajectory.phases:
        mark = "▶️" if span == current else ("✅" if span.end < today else "▫️")
        lines.append(
            t(
                lang,
                "trajectory.phase_line",
                mark=mark,
                number=span.number,
                name=phase_name(lang, span.phase),
                start=long_date(span.start, lang),
                end=long_date(span.end, lang),
            )
        )
    lines.append("")
    if today < trajectory.start:
        lines.append(t(lang, "trajectory.before", start=long_date(trajectory.start, lang)))
    elif current is None:
        lines.append(t(lang, "trajectory.after", end=long_date(trajectory.end, lang)))
    else:
        lines.append(
            t(lang, "trajectory.now", number=current.number, name=phase_name(lang, current.phase))
        )
        lines.append(
            tn(
                lang,
                "trajectory.weeks_left",
                trajectory.weeks_left(today),
                end=long_date(trajectory.end, lang),
            )
        )
        lines.append(
            t(
                lang,
                "trajectory.plan_says",
                milestone=t(lang, f"trajectory.milestone.{current.phase}"),
            )
        )
    register = await list_agreements(session, cluster=cluster, now=now, scope=Scope.OPEN)
    late = [a for a in register.agreements if is_overdue(a, register.today)]
    if late:
        numbers = ", ".join(str(a.number) for a in late[:MAX_LATE_LISTED])
        lines.append(tn(lang, "trajectory.late", len(late), numbers=numbers))
    else:
        lines.append(t(lang, "trajectory.nothing_late"))
    if cluster.handed_over_at is not None:
        lines.append(
            t(
                lang,
                "trajectory.handed_over",
                date=long_date(
                    cluster.handed_over_at.astimezone(ZoneInfo(cluster.timezone)).date(), lang
                ),
            )
        )
    return "\n".join(lines)


# --- what the sweep sends ----------------------------------------------------------------------


def phase_announcement(cluster: Cluster, span: PhaseSpan, trajectory: Trajectory) -> str:
    lang = cluster.language
    return "\n".join(
        [
            t(
                lang,
                "trajectory.phase_started",
                number=span.number,
                name=phase_name(lang, span.phase),
                end=long_date(span.end, lang),
            ),
            t(
                lang,
                "trajectory.plan_says",
                milestone=t(lang, f"trajectory.milestone.{span.phase}"),
            ),
            tn(
                lang,
                "trajectory.weeks_left",
                trajectory.weeks_left(span.start),
                end=long_date(trajectory.end, lang),
            ),
        ]
    )


async def readiness(
    bot: Bot,
    session: AsyncSession,
    *,
    cluster: Cluster,
    facilitator_ids: frozenset[int],
    now: dt.datetime,
) -> list[Html]:
    """Is the cluster ready to go on alone? One line per point, each ✅, ⚠️ or ❌."""
    lang = cluster.language
    await end_read_transaction(session)
    admin_line = await _admin_line(bot, cluster, facilitator_ids)  # before the queries that follow
    lines: list[Html] = []
    coordinators = await coordinators_of(session, cluster=cluster)
    places = await municipalities_of(session, cluster=cluster)
    covered = {m.municipality_id for m in coordinators}
    missing = [p.name for p in places if p.id not in covered]
    if coordinators and not missing:
        lines.append(t(lang, "readiness.coordinators_all"))
    elif coordinators:
        lines.append(
            t(
                lang,
                "readiness.coordinators_some",
                names=", ".join(plain_name(m) for m in coordinators),
                missing=", ".join(missing),
            )
        )
    else:
        lines.append(t(lang, "readiness.coordinators_none"))

    lines.append(admin_line)

    meetings = await upcoming_meetings(session, cluster=cluster, now=now, limit=1)
    lines.append(_rhythm_line(cluster, meetings))

    escalated = await escalated_open(session, cluster=cluster)
    if escalated:
        lines.append(
            t(lang, "readiness.escalated", numbers=", ".join(str(a.number) for a in escalated))
        )
    else:
        lines.append(t(lang, "readiness.escalated_none"))

    assert cluster.id is not None
    lessons = await lessons_of(session, cluster_ids=[cluster.id])
    if lessons:
        lines.append(tn(lang, "readiness.lessons_ok", len(lessons)))
    else:
        lines.append(t(lang, "readiness.lessons_none"))
    return lines


async def _admin_line(bot: Bot, cluster: Cluster, facilitator_ids: frozenset[int]) -> Html:
    lang = cluster.language
    try:
        admins = await bot.get_chat_administrators(cluster.chat_id)
    except TelegramError:
        log.info("could not read the admins of chat %s", cluster.chat_id, exc_info=True)
        return t(lang, "readiness.admin_unknown")
    others = [a.user for a in admins if not a.user.is_bot and a.user.id not in facilitator_ids]
    if others:
        return t(lang, "readiness.admin_ok", names=", ".join(u.full_name for u in others))
    return t(lang, "readiness.admin_missing")


def _rhythm_line(cluster: Cluster, meetings: Sequence[Meeting]) -> Html:
    lang = cluster.language
    if not meetings:
        return t(lang, "readiness.rhythm_none")
    meeting = meetings[0]
    when = long_datetime(meeting.starts_at, lang, ZoneInfo(cluster.timezone))
    if meeting.repeat:
        return t(lang, "readiness.rhythm_ok", rhythm=repeat_label(lang, meeting.repeat), when=when)
    return t(lang, "readiness.rhythm_single", when=when)


def countdown_text(cluster: Cluster, weeks: int, checks: list[Html]) -> str:
    lang = cluster.language
    end = trajectory_of(cluster).end
    return "\n".join(
        [
            tn(
                lang, "trajectory.countdown", weeks, cluster=cluster.title, end=long_date(end, lang)
            ),
            t(lang, "trajectory.countdown_check"),
            *checks,
        ]
    )


def private_recipients(
    cluster: Cluster, coordinators: Sequence[Member], facilitator_ids: frozenset[int]
) -> list[int]:
    """Coordinators, and the cluster's facilitator until the hand-over (then nobody else)."""
    ids = [m.user_id for m in coordinators if m.user_id is not None]
    if cluster.handed_over_at is None:
        own = cluster.facilitator_user_id
        ids += [own] if own is not None and own in facilitator_ids else sorted(facilitator_ids)
    return list(dict.fromkeys(ids))


def register(app: App) -> None:
    app.add_handler(command("traject", show_or_set))
