"""`/plan`: the cluster's plan of approach, built from what it has recorded.

Joint actions per theme with their lead and participating municipalities, the timing (the
trajectory's phases and the meetings), the roles per municipality (who hosts, who leads, who
follows up) and the agreements so far. Sent as Markdown and as the editable .docx made from it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from telegram import InputFile

from handlers.documents import markdown_to_docx, slug
from handlers.export import Text, md_cell
from handlers.facilitator import action_status_label
from handlers.lessons import theme_label
from handlers.render import long_date, long_datetime
from handlers.runtime import App
from handlers.trajectory import period, phase_name, repeat_label
from handlers.turn import Turn, command
from models import reports
from models.actions import Theme
from models.agreements import AgreementKind, AgreementStatus, is_overdue, local_today
from models.clusters import Role
from models.reports import ClusterRecords
from models.trajectory import trajectory_of

MAX_AGREEMENTS = 60


def plan_markdown(record: ClusterRecords, text: Text, now: dt.datetime) -> str:
    cluster = record.cluster
    lang = text.lang
    tz = ZoneInfo(cluster.timezone)
    trajectory = trajectory_of(cluster)
    names = record.municipality_names
    today = local_today(cluster, now)
    lines: list[str] = [
        f"# {text('plan.title', cluster=md_cell(cluster.title))}",
        "",
        text("plan.made", period=period(trajectory, lang), date=long_date(today, lang)),
        "",
        f"## {text('plan.timing')}",
        "",
        f"| {text('plan.col_phase')} | {text('plan.col_from')} | {text('plan.col_to')} | "
        f"{text('plan.col_milestone')} |",
        "| --- | --- | --- | --- |",
    ]
    for span in trajectory.phases:
        lines.append(
            f"| {span.number}. {md_cell(phase_name(lang, span.phase))} | "
            f"{long_date(span.start, lang)} | {long_date(span.end, lang)} | "
            f"{md_cell(text(f'trajectory.milestone.{span.phase}'))} |"
        )

    upcoming = [
        m for m in record.meetings if m.cancelled_at is None and m.starts_at > now
    ]  # fmt: skip
    upcoming.sort(key=lambda m: m.starts_at)
    lines += ["", f"## {text('plan.meetings')}", ""]
    rhythm = next((m.repeat for m in upcoming if m.repeat), None)
    lines.append(
        f"- {text('plan.rhythm', rhythm=repeat_label(lang, rhythm))}"
        if rhythm
        else f"- {text('plan.no_rhythm')}"
    )
    for meeting in upcoming[:6]:
        host = names.get(meeting.host_municipality_id or -1)
        lines.append(
            f"- {long_datetime(meeting.starts_at, lang, tz)}"
            + (f" — {md_cell(text('plan.hosted_by', host=host))}" if host else "")
        )
    if not upcoming:
        lines.append(f"- {text('plan.no_meetings')}")

    lines += ["", f"## {text('plan.actions')}", ""]
    if not record.actions:
        lines.append(text("plan.no_actions"))
    order = [th.value for th in Theme]
    themes = sorted(
        {a.theme for a in record.actions}, key=lambda th: order.index(th) if th in order else 99
    )
    open_by_action = Counter(
        a.action_id
        for a in record.agreements
        if a.status == AgreementStatus.OPEN and a.action_id is not None
    )
    for theme in themes:
        lines += [
            f"### {theme_label(lang, theme)}",
            "",
            f"| {text('plan.col_action')} | {text('plan.col_lead')} | "
            f"{text('plan.col_participants')} | {text('plan.col_status')} | "
            f"{text('plan.col_open')} |",
            "| --- | --- | --- | --- | ---: |",
        ]
        for action in [a for a in record.actions if a.theme == theme]:
            ids = record.action_municipalities.get(action.id or 0, [])
            others = [n for n in reports.names_of(record, ids)
                      if n != names.get(action.lead_municipality_id or -1)]  # fmt: skip
            lines.append(
                f"| {action.number}. {md_cell(action.title)} | "
                f"{md_cell(names.get(action.lead_municipality_id or -1, '—'))} | "
                f"{md_cell(', '.join(others) or '—')} | "
                f"{md_cell(action_status_label(lang, action.status))} | "
                f"{open_by_action.get(action.id or 0, 0)} |"
            )
        lines.append("")

    lines += [f"## {text('plan.roles')}", ""]
    lines += [
        f"| {text('plan.col_municipality')} | {text('plan.col_coordinator')} | "
        f"{text('plan.col_leads')} | {text('plan.col_hosts')} | {text('plan.col_follows')} |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    coordinators = [
        m for m in record.members.values() if m.role == Role.COORDINATOR and not m.erased
    ]
    hosted = Counter(m.host_municipality_id for m in record.meetings if m.cancelled_at is None)
    follows = Counter(
        a.municipality_id
        for a in record.agreements
        if a.status == AgreementStatus.OPEN and a.kind == AgreementKind.TASK
    )
    for place in [m for m in record.municipalities if m.active]:
        leads = [f"{a.number}" for a in record.actions if a.lead_municipality_id == place.id]
        who = [m.name for m in coordinators if m.municipality_id == place.id]
        lines.append(
            f"| {md_cell(place.name)} | {md_cell(', '.join(who) or '—')} | "
            f"{md_cell(', '.join(leads) or '—')} | {hosted.get(place.id, 0)} | "
            f"{follows.get(place.id, 0)} |"
        )

    lines += ["", f"## {text('plan.agreements')}", ""]
    kept = [a for a in record.agreements if a.status != AgreementStatus.CANCELLED]
    decisions = [a for a in kept if a.kind == AgreementKind.DECISION]
    tasks = [a for a in kept if a.kind == AgreementKind.TASK]
    if decisions:
        lines += [f"### {text('plan.decisions')}", ""]
        lines += [f"- {a.number}. {md_cell(a.text)}" for a in decisions[:MAX_AGREEMENTS]]
        lines.append("")
    if tasks:
        lines += [f"### {text('plan.tasks')}", ""]
        for agreement in tasks[:MAX_AGREEMENTS]:
            details = [
                names.get(agreement.municipality_id or -1, ""),
                text("plan.due", date=long_date(agreement.due_date, lang))
                if agreement.due_date
                else "",
                text("plan.done")
                if agreement.status == AgreementStatus.DONE
                else (text("plan.late") if is_overdue(agreement, today) else ""),
            ]
            suffix = ", ".join(d for d in details if d)
            lines.append(
                f"- {agreement.number}. {md_cell(agreement.text)}"
                + (f" ({md_cell(suffix)})" if suffix else "")
            )
    if not kept:
        lines.append(text("plan.no_agreements"))
    return "\n".join(lines).rstrip() + "\n"


async def plan(turn: Turn) -> None:
    """The plan of approach as Markdown and as .docx, in the topic it was asked in."""
    cluster = turn.require_cluster()
    (record,) = await reports.cluster_records(turn.session, clusters=[cluster])
    text = Text(turn)
    markdown = plan_markdown(record, text, turn.now)
    name = f"plan-van-aanpak-{slug(cluster.title)}"
    document = markdown_to_docx(markdown, title=text("plan.title", cluster=cluster.title))
    await turn.say("plan.sent", cluster=cluster.title)
    for filename, content in ((f"{name}.docx", document), (f"{name}.md", markdown.encode())):
        await turn.context.bot.send_document(
            turn.chat_id,
            document=InputFile(content, filename=filename),
            message_thread_id=turn.thread_id,
        )


def register(app: App) -> None:
    app.add_handler(command("plan", plan))
