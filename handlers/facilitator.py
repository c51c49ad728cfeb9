"""The facilitator's cockpit: every cluster at a glance, one cluster in detail, and one message
posted in all of them at once.

"This facilitator's clusters" are the clusters they registered with /start, plus any cluster
where they have written as a member (see `models.reports.facilitator_clusters`).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from handlers.i18n import Html, has, t
from handlers.render import long_date, long_datetime, long_due, plain_name
from handlers.runtime import App
from handlers.sending import Undeliverable, send
from handlers.trajectory import phase_name
from handlers.turn import Turn, button, command
from models import reports
from models.clusters import Cluster, Role, fold
from models.errors import DomainError
from models.reports import ClusterDetail, ClusterSummary
from models.trajectory import trajectory_of

log = logging.getLogger(__name__)

MAX_BROADCAST = 3500  # leaves room for the heading within Telegram's 4,096 characters
BUTTON_TITLE = 40


def _sender_id(turn: Turn) -> int:
    assert turn.user is not None
    return turn.user.id


async def clusters_overview(turn: Turn) -> None:
    """Every cluster of this facilitator, quiet ones first; `/clusters N` opens number N."""
    clusters = await reports.facilitator_clusters(turn.session, user_id=_sender_id(turn))
    if not clusters:
        raise DomainError("facilitator.no_clusters")
    summaries = await reports.cluster_summaries(turn.session, clusters=clusters, now=turn.now)
    choice = turn.text_args.lstrip("#")
    if choice:
        await _show_detail(turn, _pick(summaries, choice).cluster)
        return
    lines: list[str] = [turn.t("facilitator.overview_title", count=len(summaries))]
    quiet = sum(1 for s in summaries if s.quiet and s.cluster.is_active)
    if quiet:
        lines.append(
            turn.tn(
                "facilitator.overview_quiet",
                quiet,
                days=turn.tn("count.days", reports.QUIET_DAYS),
            )
        )
    for index, summary in enumerate(summaries, start=1):
        lines.append("")
        lines.append(_summary_lines(turn, index, summary))
    lines.append("")
    lines.append(turn.t("facilitator.overview_hint"))
    keyboard = [
        [
            InlineKeyboardButton(
                f"{index}. {_short(summary.cluster.title)}",
                callback_data=f"clusters:{summary.cluster.id}",
            )
        ]
        for index, summary in enumerate(summaries, start=1)
    ]
    await turn.reply("\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard))


def _short(title: str) -> str:
    return title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1] + "…"


def _pick(summaries: list[ClusterSummary], choice: str) -> ClusterSummary:
    """By the number shown in the list, or by (part of) the name."""
    if choice.isdigit():
        number = int(choice)
        if 1 <= number <= len(summaries):
            return summaries[number - 1]
        raise DomainError("facilitator.unknown_number", number=number, count=len(summaries))
    key = fold(choice)
    found = [s for s in summaries if key and key in fold(s.cluster.title)]
    if len(found) == 1:
        return found[0]
    if found:
        raise DomainError(
            "facilitator.ambiguous", given=choice, names=", ".join(s.cluster.title for s in found)
        )
    raise DomainError("facilitator.unknown_name", given=choice)


def _quiet_label(turn: Turn, summary: ClusterSummary) -> str:
    if not summary.cluster.is_active:
        return turn.t("facilitator.inactive")
    if summary.days_quiet is None:
        return turn.t("facilitator.never_active")
    if summary.quiet:
        return turn.tn("facilitator.quiet_days", summary.days_quiet)
    if summary.days_quiet == 0:
        return turn.t("facilitator.active_today")
    return turn.tn("facilitator.active_days", summary.days_quiet)


def _summary_lines(turn: Turn, index: int, summary: ClusterSummary) -> str:
    cluster = summary.cluster
    tz = ZoneInfo(cluster.timezone)
    next_meeting = (
        turn.t(
            "facilitator.next_meeting", when=long_datetime(summary.next_meeting_at, turn.lang, tz)
        )
        if summary.next_meeting_at is not None
        else turn.t("facilitator.no_meeting")
    )
    return "\n".join(
        [
            turn.t(
                "facilitator.line_title",
                index=index,
                title=cluster.title,
                quiet=Html(_quiet_label(turn, summary)),
            ),
            turn.t(
                "facilitator.line_municipalities",
                names=", ".join(summary.municipalities) or turn.t("facilitator.none"),
            ),
            turn.t(
                "facilitator.line_counts",
                open=summary.open_agreements,
                overdue=summary.overdue_agreements,
                polls=summary.open_polls,
            ),
            next_meeting,
            _trajectory_line(turn, cluster),
        ]
    )


def _trajectory_line(turn: Turn, cluster: Cluster) -> str:
    """Phase and weeks left; after the hand-over, that this facilitator is the former one."""
    today = turn.now.astimezone(ZoneInfo(cluster.timezone)).date()
    if cluster.handed_over_at is not None:
        return turn.t(
            "facilitator.line_handed_over",
            date=long_date(cluster.handed_over_at.astimezone(ZoneInfo(cluster.timezone)).date(),
                           turn.lang),
        )  # fmt: skip
    trajectory = trajectory_of(cluster)
    span = trajectory.phase_on(today)
    if span is None:
        return turn.t("facilitator.line_outside_trajectory")
    return turn.tn(
        "facilitator.line_phase",
        trajectory.weeks_left(today),
        number=span.number,
        name=phase_name(turn.lang, span.phase),
    )


async def show_cluster(turn: Turn) -> None:
    """A button under /clusters: that cluster's detail."""
    query = turn.query
    assert query is not None and query.data is not None
    await query.answer()
    _, _, raw = query.data.partition(":")
    clusters = await reports.facilitator_clusters(turn.session, user_id=_sender_id(turn))
    for cluster in clusters:
        if str(cluster.id) == raw:
            await _show_detail(turn, cluster)
            return
    await turn.say("facilitator.cluster_gone")


async def _show_detail(turn: Turn, cluster: Cluster) -> None:
    detail = await reports.cluster_detail(turn.session, cluster=cluster, now=turn.now)
    await turn.reply(render_detail(turn, detail))


def render_detail(turn: Turn, detail: ClusterDetail) -> str:
    summary = detail.summary
    cluster = summary.cluster
    tz = ZoneInfo(cluster.timezone)
    lines: list[str] = [
        turn.t("facilitator.detail_title", title=cluster.title),
        _quiet_label(turn, summary),
    ]
    if cluster.handed_over_at is not None:
        lines.append(
            turn.t(
                "facilitator.handed_over",
                date=long_date(cluster.handed_over_at.astimezone(tz).date(), turn.lang),
            )
        )
    lines.append("")
    lines.append(turn.t("facilitator.detail_municipalities"))
    if not detail.municipalities:
        lines.append(turn.t("facilitator.detail_no_municipalities"))
    for counts in detail.municipalities:
        lines.append(
            turn.t(
                "facilitator.detail_municipality",
                name=counts.municipality.name,
                members=turn.tn("count.members", counts.members),
                open=counts.open,
                overdue=counts.overdue,
                done=counts.done,
            )
        )
    if detail.unassigned_open:
        lines.append(turn.tn("facilitator.detail_unassigned", detail.unassigned_open))
    if detail.overdue:
        lines.append("")
        lines.append(turn.t("facilitator.detail_overdue"))
        for agreement in detail.overdue[:10]:
            assert agreement.due_date is not None
            lines.append(
                turn.t(
                    "facilitator.detail_overdue_line",
                    number=agreement.number,
                    text=_clip(agreement.text),
                    municipality=detail.municipality_names.get(agreement.municipality_id or -1)
                    or "—",
                    due=long_due(agreement.due_date, agreement.due_time, turn.lang),
                )
            )
        if len(detail.overdue) > 10:
            lines.append(turn.t("facilitator.detail_more", count=len(detail.overdue) - 10))
    lines.append("")
    if detail.next_meeting is not None:
        lines.append(
            turn.t(
                "facilitator.detail_next_meeting",
                when=long_datetime(detail.next_meeting.starts_at, turn.lang, tz),
                host=detail.next_meeting_host or "—",
            )
        )
    else:
        lines.append(turn.t("facilitator.no_meeting"))
    for poll in detail.open_polls:
        lines.append(
            turn.t(
                "facilitator.detail_poll",
                number=poll.number,
                deadline=long_datetime(poll.deadline_at, turn.lang, tz),
            )
        )
    if detail.actions_by_status:
        parts = [
            f"{action_status_label(turn.lang, status)}: {count}"
            for status, count in sorted(detail.actions_by_status.items())
        ]
        lines.append(turn.t("facilitator.detail_actions", statuses=", ".join(parts)))
    lines.append(turn.t("facilitator.detail_lessons", count=detail.lessons))
    lines.append(
        turn.t(
            "facilitator.detail_coordinators",
            names=", ".join(plain_name(m) for m in detail.coordinators)
            or turn.t("facilitator.none"),
        )
    )
    return "\n".join(lines)


def action_status_label(lang: str, status: str) -> str:
    """The status word in the reader's language; an unknown status shows as stored."""
    key = f"facilitator.action_status.{status}"
    return t(lang, key) if has(key) else status


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def broadcast(turn: Turn) -> None:
    """Post the text in every active cluster; a cluster that cannot be reached is reported."""
    text = turn.text_args
    if not text:
        raise DomainError("facilitator.broadcast_usage")
    if len(text) > MAX_BROADCAST:
        raise DomainError("facilitator.broadcast_too_long", limit=MAX_BROADCAST, length=len(text))
    clusters = await reports.facilitator_clusters(
        turn.session, user_id=_sender_id(turn), active_only=True
    )
    if not clusters:
        raise DomainError("facilitator.no_active_clusters")
    reached: list[str] = []
    failed: list[str] = []
    for cluster in clusters:
        message = t(cluster.language, "facilitator.broadcast_message", text=text)
        try:
            await send(
                turn.context.bot,
                turn.session,
                chat_id=cluster.chat_id,
                text=message,
                cluster=cluster,
            )
        except Undeliverable:
            failed.append(turn.t("facilitator.broadcast_gone", title=cluster.title))
        except TelegramError as error:
            log.warning("broadcast to cluster %s failed: %s", cluster.id, error)
            failed.append(turn.t("facilitator.broadcast_error", title=cluster.title))
        else:
            reached.append(cluster.title)
    lines: list[str] = []
    if reached:
        lines.append(turn.tn("facilitator.broadcast_sent", len(reached), names=", ".join(reached)))
    if failed:
        lines.append(turn.t("facilitator.broadcast_failed", count=len(failed)))
        lines.extend(f"• {line}" for line in failed)
    await turn.reply("\n".join(lines))


def register(app: App) -> None:
    app.add_handlers(
        [
            command("clusters", clusters_overview),
            command("rondzenden", broadcast),
            button("clusters", show_cluster, role=Role.FACILITATOR),
        ]
    )
