"""`/overdracht @user`: the facilitator hands the cluster to a coordinator.

After a year the cluster must go on alone, so the hand-over is more than a role change: the bot
posts a checklist drawn from the cluster's own state (what is still open, when it next meets,
how the digest and reminders are set, and who can manage it from now on).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.onboarding import mentioned_member
from handlers.render import long_date, long_datetime, mention, plain_name, weekday_name
from handlers.runtime import App
from handlers.turn import Turn, command
from models import clusters, reports
from models.audit import record
from models.errors import DomainError


async def handover(turn: Turn) -> None:
    """The named member becomes coordinator; the checklist follows in the group."""
    cluster = turn.require_cluster()
    target = await mentioned_member(turn)
    if target is None:
        raise DomainError("handover.usage")
    if target.user_id in turn.runtime.facilitator_ids:
        raise DomainError("handover.to_facilitator", name=plain_name(target))
    await clusters.make_coordinator(
        turn.session, cluster=cluster, member=target, by=turn.member, now=turn.now
    )
    cluster.handed_over_at = turn.now
    turn.session.add(cluster)
    assert cluster.id is not None and target.id is not None
    await record(
        turn.session,
        cluster_id=cluster.id,
        actor_member_id=turn.member.id if turn.member else None,
        entity="cluster",
        entity_id=cluster.id,
        action="handed_over",
        now=turn.now,
        after={"coordinator_member_id": target.id},
    )
    await turn.session.flush()
    detail = await reports.cluster_detail(turn.session, cluster=cluster, now=turn.now)
    tz = ZoneInfo(cluster.timezone)
    lines: list[str] = [
        turn.t("handover.title", title=cluster.title),
        turn.t("handover.new_coordinator", name=mention(target)),
        "",
        turn.t("handover.checklist"),
    ]
    open_count = detail.summary.open_agreements
    if open_count:
        numbers = ", ".join(str(a.number) for a in detail.overdue[:10])
        lines.append(
            turn.t(
                "handover.open_overdue",
                open=open_count,
                overdue=len(detail.overdue),
                numbers=numbers,
            )
            if detail.overdue
            else turn.t("handover.open", open=open_count)
        )
    else:
        lines.append(turn.t("handover.open_none"))
    meeting = detail.next_meeting
    if meeting is not None:
        lines.append(
            turn.t(
                "handover.next_meeting",
                when=long_datetime(meeting.starts_at, turn.lang, tz),
                host=detail.next_meeting_host or "—",
            )
        )
    else:
        lines.append(turn.t("handover.no_meeting"))
    if detail.open_polls:
        lines.append(turn.t("handover.open_polls", count=len(detail.open_polls)))
    if cluster.digest_weekday is None:
        lines.append(turn.t("handover.digest_off"))
    else:
        lines.append(
            turn.t(
                "handover.digest",
                day=weekday_name(cluster.digest_weekday, turn.lang),
                time=cluster.digest_time,
            )
        )
    if cluster.reminders_enabled:
        lines.append(
            turn.t(
                "handover.reminders",
                lead=turn.tn("count.working_days", cluster.reminder_lead_days),
                quiet_start=cluster.quiet_start,
                quiet_end=cluster.quiet_end,
            )
        )
    else:
        lines.append(turn.t("handover.reminders_off"))
    without_members = [c.municipality.name for c in detail.municipalities if not c.members]
    if without_members:
        lines.append(turn.t("handover.municipalities_without", names=", ".join(without_members)))
    lines.append(
        turn.t(
            "handover.managers",
            names=", ".join(plain_name(m) for m in detail.coordinators) or plain_name(target),
        )
    )
    lines.append("")
    lines.append(
        turn.t("handover.footer", date=long_date(turn.now.astimezone(tz).date(), turn.lang))
    )
    await turn.reply("\n".join(lines))


def register(app: App) -> None:
    app.add_handlers([command("overdracht", handover)])
