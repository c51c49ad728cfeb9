"""`/export`: the cluster's memory as files people can open without the bot.

`afspraken.csv` and `acties.csv` are UTF-8 with a BOM and `;` separators, which is what Excel
in a Belgian locale opens cleanly; `vergaderingen.ics` goes into any calendar; `jaarverslag.md`
is the report of the year per cluster. In a group the export covers that cluster; in a private
chat, every cluster of the facilitator.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InputFile

from handlers.documents import markdown_to_docx, slug
from handlers.facilitator import action_status_label
from handlers.i18n import has
from handlers.ics import IcsEvent, build_calendar, meeting_uid
from handlers.lessons import theme_label
from handlers.render import euro, long_date, long_datetime, short_time
from handlers.runtime import App
from handlers.trajectory import period, phase_name
from handlers.turn import Turn, command
from models import reports
from models.actions import ActionStatus, Theme
from models.agreements import AgreementKind, AgreementStatus, is_overdue, local_today
from models.audit import AuditEvent
from models.clusters import Cluster, Municipality, clusters_coordinated_by
from models.costs import parse_amount, split_equal, split_weighted
from models.errors import DomainError
from models.lessons import LessonKind
from models.reports import ClusterRecords, Tally
from models.trajectory import trajectory_of

AGREEMENT_COLUMNS = (
    "cluster", "number", "kind", "text", "municipality", "owner", "theme", "action",
    "created", "due", "due_time", "status", "closed", "overdue", "history",
)  # fmt: skip
ACTION_COLUMNS = (
    "cluster", "number", "title", "theme", "status", "lead", "municipalities",
    "created", "updated", "agreements_open", "agreements_done", "history",
)  # fmt: skip


class Text:
    """Catalogue texts without HTML: CSV, Markdown and iCalendar are not Telegram messages."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.lang = turn.lang

    def __call__(self, key: str, /, **params: Any) -> str:
        return plain(self.turn.t(key, **params))

    def n(self, key: str, count: int, /, **params: Any) -> str:
        return plain(self.turn.tn(key, count, **params))


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# --- CSV ------------------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _day(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).date().isoformat() if moment is not None else ""


# The fields whose changes the history summary spells out; ids and texts would only be noise.
HISTORY_FIELDS = {
    "due_date": "export.col.due",
    "due_time": "export.col.due_time",
    "status": "export.col.status",
}


def _history(events: Sequence[AuditEvent], text: Text, tz: ZoneInfo) -> str:
    """`2026-11-26 aangemaakt | 2026-12-01 uitgesteld (deadline: 2026-12-15 → 2026-12-22)`."""
    parts = []
    for event in events:
        key = f"export.history.{event.action}"
        label = text(key) if has(key) else event.action
        changes = []
        before, after = event.before or {}, event.after or {}
        for field, header in HISTORY_FIELDS.items():
            old, new = before.get(field), after.get(field)
            if old is not None and old != new:
                if field == "status":
                    old, new = _status(text, str(old)), _status(text, str(new))
                changes.append(f"{text(header)}: {old} → {new if new is not None else '—'}")
        suffix = f" ({'; '.join(changes)})" if changes else ""
        parts.append(f"{_day(event.at, tz)} {label}{suffix}")
    return " | ".join(parts)


def _status(text: Text, status: str) -> str:
    key = f"export.status.{status}"
    return text(key) if has(key) else status


def agreements_csv(records: Sequence[ClusterRecords], text: Text, now: dt.datetime) -> bytes:
    rows = []
    for record in records:
        cluster = record.cluster
        tz = ZoneInfo(cluster.timezone)
        today = local_today(cluster, now)
        names = record.municipality_names
        actions = record.actions_by_id
        for agreement in record.agreements:
            action = actions.get(agreement.action_id) if agreement.action_id else None
            theme = record.theme_of(agreement)
            rows.append(
                [
                    cluster.title,
                    agreement.number,
                    text(f"export.kind.{agreement.kind}")
                    if has(f"export.kind.{agreement.kind}")
                    else agreement.kind,
                    agreement.text,
                    names.get(agreement.municipality_id or -1, ""),
                    reports.owner_name(record, agreement.owner_member_id),
                    theme_label(text.lang, theme) if theme else "",
                    f"{action.number} {action.title}" if action else "",
                    _day(agreement.created_at, tz),
                    agreement.due_date.isoformat() if agreement.due_date else "",
                    agreement.due_time.strftime("%H:%M") if agreement.due_time else "",
                    _status(text, agreement.status),
                    _day(agreement.closed_at, tz),
                    text("export.yes") if is_overdue(agreement, today) else "",
                    _history(record.history.get(("agreement", agreement.id or 0), []), text, tz),
                ]
            )
    return _csv([text(f"export.col.{c}") for c in AGREEMENT_COLUMNS], rows)


def actions_csv(records: Sequence[ClusterRecords], text: Text) -> bytes:
    rows = []
    for record in records:
        cluster = record.cluster
        tz = ZoneInfo(cluster.timezone)
        names = record.municipality_names
        for action in record.actions:
            linked = [a for a in record.agreements if a.action_id == action.id]
            rows.append(
                [
                    cluster.title,
                    action.number,
                    action.title,
                    theme_label(text.lang, action.theme),
                    plain(action_status_label(text.lang, action.status)),
                    names.get(action.lead_municipality_id or -1, ""),
                    ", ".join(
                        reports.names_of(
                            record, record.action_municipalities.get(action.id or 0, [])
                        )
                    ),
                    _day(action.created_at, tz),
                    _day(action.updated_at, tz),
                    sum(1 for a in linked if a.status == AgreementStatus.OPEN),
                    sum(1 for a in linked if a.status == AgreementStatus.DONE),
                    _history(record.history.get(("action", action.id or 0), []), text, tz),
                ]
            )
    return _csv([text(f"export.col.{c}") for c in ACTION_COLUMNS], rows)


# --- iCalendar ------------------------------------------------------------------------------


def meetings_ics(records: Sequence[ClusterRecords], text: Text, now: dt.datetime) -> bytes:
    events = []
    for record in records:
        cluster = record.cluster
        names = record.municipality_names
        for meeting in record.meetings:
            if meeting.cancelled_at is not None or meeting.id is None:
                continue
            host = names.get(meeting.host_municipality_id or -1)
            location = ", ".join(part for part in (meeting.location, host) if part) or None
            agenda = [item.text for item in record.agenda.get(meeting.id, [])]
            description = "\n".join(f"- {line}" for line in agenda) or None
            events.append(
                IcsEvent(
                    uid=meeting_uid(cluster.id or 0, meeting.id),
                    start=meeting.starts_at,
                    duration=dt.timedelta(minutes=max(meeting.duration_minutes, 1)),
                    summary=text("export.ics_summary", title=cluster.title, number=meeting.number),
                    location=location,
                    description=description,
                )
            )
    tz = ZoneInfo(records[0].cluster.timezone) if records else ZoneInfo("Europe/Brussels")
    return build_calendar(events, tz=tz, stamp=now, name=text("export.ics_name"))


# --- the year report ------------------------------------------------------------------------


def md_cell(value: object) -> str:
    """Safe inside a Markdown table cell or list item."""
    return " ".join(str(value).split()).replace("|", "\\|")


_md = md_cell


def _tally_table(
    title: str, first: str, rows: dict[str, Tally], text: Text, empty_label: str
) -> list[str]:
    if not rows:
        return []
    lines: list[str] = [
        "",
        f"**{title}**",
        "",
        "| {} | {} | {} | {} | {} |".format(
            first,
            text("export.report.col_made"),
            text("export.report.col_done"),
            text("export.report.col_open"),
            text("export.report.col_overdue"),
        ),
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, tally in rows.items():
        lines.append(
            f"| {_md(name or empty_label)} | {tally.made} | {tally.done} | {tally.open} | "
            f"{tally.overdue} |"
        )
    return lines


def _minutes_text(minutes: str) -> list[str]:
    return [line for line in plain(minutes).splitlines() if line.strip()]


def _cluster_report(
    record: ClusterRecords, text: Text, now: dt.datetime, price_cents: int
) -> list[str]:
    cluster: Cluster = record.cluster
    lang = text.lang
    tz = ZoneInfo(cluster.timezone)
    numbers = reports.year_numbers(record, now=now)
    trajectory = trajectory_of(cluster)
    lines: list[str] = [
        f"# {_md(text('export.report.cluster_title', cluster=cluster.title))}",
        "",
        f"**{period(trajectory, lang)}**",
        "",
        text.n("export.report.made_on", 1, date=long_date(local_today(cluster, now), lang)),
        "",
    ]
    lines.append(
        text("export.report.since", date=long_date(cluster.created_at.astimezone(tz).date(), lang))
    )
    if cluster.handed_over_at is not None:
        lines.append("")
        lines.append(
            text(
                "export.report.handed_over",
                date=long_date(cluster.handed_over_at.astimezone(tz).date(), lang),
            )
        )

    today = local_today(cluster, now)
    lines += [
        "",
        f"## {text('export.report.phases')}",
        "",
        f"| {text('plan.col_phase')} | {text('plan.col_from')} | {text('plan.col_to')} | "
        f"{text('export.report.col_where')} |",
        "| --- | --- | --- | --- |",
    ]
    for span in trajectory.phases:
        where = (
            text("export.report.phase_done")
            if span.end < today
            else text("export.report.phase_now")
            if span.start <= today
            else text("export.report.phase_later")
        )
        lines.append(
            f"| {span.number}. {_md(phase_name(lang, span.phase))} | {long_date(span.start, lang)}"
            f" | {long_date(span.end, lang)} | {where} |"
        )

    lines += ["", f"## {text('export.report.municipalities')}", ""]
    active = [m for m in record.municipalities if m.active]
    if not active:
        lines.append(text("export.report.no_municipalities"))
    for municipality in active:
        extra = (
            text.n(
                "export.report.inhabitants",
                municipality.inhabitants,
                count=f"{municipality.inhabitants:,}".replace(",", "."),
            )
            if municipality.inhabitants
            else ""
        )
        lines.append(f"- {_md(municipality.name)}{extra}")

    lines += ["", f"## {text('export.report.meetings', count=len(numbers.meetings_held))}", ""]
    if not numbers.meetings_held:
        lines.append(text("export.report.no_meetings"))
    names = record.municipality_names
    for meeting in numbers.meetings_held:
        host = names.get(meeting.host_municipality_id or -1)
        where = ", ".join(part for part in (host, meeting.location) if part)
        heading = long_datetime(meeting.starts_at, lang, tz) + (f" — {_md(where)}" if where else "")
        lines.append(f"- **{heading}**")
        agenda = record.agenda.get(meeting.id or 0, [])
        if agenda:
            lines.append(
                f"  - {text('export.report.agenda')}: " + "; ".join(_md(a.text) for a in agenda)
            )
        if meeting.minutes:
            lines.append(f"  - {text('export.report.minutes')}:")
            lines.extend(f"    > {_md(line)}" for line in _minutes_text(meeting.minutes))
        else:
            lines.append(f"  - {text('export.report.no_minutes')}")
    if numbers.meetings_planned:
        lines.append("")
        lines.append(
            text(
                "export.report.planned",
                dates=", ".join(
                    f"{long_date(m.starts_at.astimezone(tz).date(), lang)} "
                    f"{short_time(m.starts_at.astimezone(tz).time(), lang)}"
                    for m in numbers.meetings_planned
                ),
            )
        )

    total = numbers.total
    lines += ["", f"## {text('export.report.agreements')}", ""]
    lines.append(
        text.n(
            "export.report.agreements_total",
            total.made,
            done=total.done,
            open=total.open,
            overdue=total.overdue,
            cancelled=total.cancelled,
            decisions=numbers.decisions,
        )
    )
    if total.made:
        by_municipality = {k: v for k, v in numbers.by_municipality.items() if v.made}
        lines += _tally_table(
            text("export.report.per_municipality"),
            text("export.col.municipality"),
            by_municipality,
            text,
            text("export.report.no_municipality"),
        )
        order = [th.value for th in Theme] + [""]
        themed = {
            theme_label(lang, key) if key else "": numbers.by_theme[key]
            for key in sorted(numbers.by_theme, key=lambda k: order.index(k) if k in order else 99)
        }
        lines += _tally_table(
            text("export.report.per_theme"),
            text("export.col.theme"),
            themed,
            text,
            text("export.report.no_theme"),
        )

    lines += ["", f"## {text('export.report.actions', count=len(record.actions))}", ""]
    if not record.actions:
        lines.append(text("export.report.no_actions"))
    else:
        statuses = [s.value for s in ActionStatus]
        counts = sorted(
            numbers.actions_by_status.items(),
            key=lambda item: statuses.index(item[0]) if item[0] in statuses else 99,
        )
        lines.append(", ".join(f"{plain(action_status_label(lang, s))}: {n}" for s, n in counts))
        lines.append("")
        for action in record.actions:
            lead = names.get(action.lead_municipality_id or -1)
            status = plain(action_status_label(lang, action.status))
            theme = theme_label(lang, action.theme)
            lines.append(
                f"- {action.number} · {_md(action.title)} ({theme}, {status})"
                + (f" — {_md(lead)}" if lead else "")
            )
            if action.result:
                lines.append(f"  - {text('export.report.result')}: {_md(action.result)}")

    decisions = [
        a
        for a in record.agreements
        if a.kind == AgreementKind.DECISION and a.status != AgreementStatus.CANCELLED
    ]
    lines += ["", f"## {text('export.report.decisions')}", ""]
    if not decisions:
        lines.append(text("export.report.no_decisions"))
    for decision in decisions:
        day = long_date(decision.created_at.astimezone(tz).date(), lang)
        lines.append(f"- {decision.number}. {_md(decision.text)} ({day})")

    lines += _costs_section(record, text, price_cents)

    lessons = [lesson for lesson in record.lessons if lesson.kind == LessonKind.LESSON]
    practices = [lesson for lesson in record.lessons if lesson.kind == LessonKind.PRACTICE]
    lines += [
        "",
        f"## {text('export.report.lessons', lessons=len(lessons), practices=len(practices))}",
        "",
    ]
    if not record.lessons:
        lines.append(text("export.report.no_lessons"))
    for lesson in record.lessons:
        mark = (
            text("export.report.practice_mark")
            if lesson.kind == LessonKind.PRACTICE
            else text("export.report.lesson_mark")
        )
        theme = f" [{theme_label(lang, lesson.theme)}]" if lesson.theme else ""
        lines.append(f"- {mark}{theme} {_md(lesson.text)}")
    lines.append("")
    return lines


def _costs_section(record: ClusterRecords, text: Text, price_cents: int) -> list[str]:
    """The price split equally, and by inhabitants when every municipality has them."""
    active = [m for m in record.municipalities if m.active]
    if not active or price_cents <= 0:
        return []
    lang = text.lang
    lines = [
        "",
        f"## {text('export.report.costs')}",
        "",
        text("export.report.costs_total", total=euro(price_cents, lang)),
    ]
    splits = [
        (text("export.report.costs_equal"), split_equal(price_cents, [m.name for m in active]))
    ]
    if all(m.inhabitants for m in active):
        weights = {m.name: m.inhabitants or 0 for m in active}
        splits.append((text("export.report.costs_weighted"), split_weighted(price_cents, weights)))
    for title, shares in splits:
        lines += [
            "",
            f"**{title}**",
            "",
            f"| {text('export.col.municipality')} | {text('export.report.col_excl')} | "
            f"{text('export.report.col_vat')} | {text('export.report.col_incl')} |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {_md(share.municipality)} | {euro(share.excl_cents, lang)} | "
            f"{euro(share.vat_cents, lang)} | {euro(share.incl_cents, lang)} |"
            for share in shares
        ]
    return lines


def cluster_year_report(
    record: ClusterRecords, text: Text, now: dt.datetime, price_cents: int
) -> str:
    """One cluster's year, titled with the trajectory's period: the Markdown of the .docx."""
    return "\n".join(_cluster_report(record, text, now, price_cents)).rstrip() + "\n"


MAX_LISTED = 8


def municipality_summary(
    record: ClusterRecords, municipality: Municipality, text: Text, now: dt.datetime
) -> str:
    """One page for a college of mayor and aldermen: committed, done, still open."""
    cluster = record.cluster
    lang = text.lang
    tz = ZoneInfo(cluster.timezone)
    today = local_today(cluster, now)
    name = municipality.name
    own = [
        a
        for a in record.agreements
        if a.municipality_id == municipality.id
        and a.kind == AgreementKind.TASK
        and a.status != AgreementStatus.CANCELLED
    ]
    done = [a for a in own if a.status == AgreementStatus.DONE]
    still_open = [a for a in own if a.status == AgreementStatus.OPEN]
    leads = [a for a in record.actions if a.lead_municipality_id == municipality.id]
    joins = [
        a
        for a in record.actions
        if municipality.id in record.action_municipalities.get(a.id or 0, [])
        and a.lead_municipality_id != municipality.id
    ]

    def more(items: list[Any]) -> list[str]:
        rest = len(items) - MAX_LISTED
        return [f"- {text.n('export.summary.more', rest)}"] if rest > 0 else []

    def action_line(action: Any) -> str:
        status = plain(action_status_label(lang, action.status))
        line = f"- {action.number}. {_md(action.title)} ({status})"
        return line + (f": {_md(action.result)}" if action.result else "")

    lines: list[str] = [
        f"# {_md(text('export.summary.title', municipality=name))}",
        "",
        f"**{_md(cluster.title)} · {period(trajectory_of(cluster), lang)}**",
        "",
        text(
            "export.summary.intro",
            made=len(own),
            done=len(done),
            open=len(still_open),
            date=long_date(today, lang),
        ),
        "",
        f"## {text('export.summary.committed', municipality=name)}",
        "",
    ]
    if leads:
        lines.append(f"**{text('export.summary.leads')}**")
        lines += [action_line(a) for a in leads[:MAX_LISTED]] + more(leads)
    if joins:
        lines.append(f"**{text('export.summary.joins')}**")
        lines += [action_line(a) for a in joins[:MAX_LISTED]] + more(joins)
    if not (leads or joins or own):
        lines.append(text("export.summary.nothing_committed"))
    lines += ["", f"## {text('export.summary.did', municipality=name)}", ""]
    for agreement in done[:MAX_LISTED]:
        closed = agreement.closed_at.astimezone(tz).date() if agreement.closed_at else today
        lines.append(
            f"- {agreement.number}. {_md(agreement.text)} "
            f"({text('export.summary.done_on', date=long_date(closed, lang))})"
        )
    lines += more(done)
    if not done:
        lines.append(text("export.summary.nothing_done"))
    lines += ["", f"## {text('export.summary.open', municipality=name)}", ""]
    for agreement in still_open[:MAX_LISTED]:
        due = (
            text("export.summary.due", date=long_date(agreement.due_date, lang))
            if agreement.due_date
            else ""
        )
        late = f", {text('export.summary.late')}" if is_overdue(agreement, today) else ""
        lines.append(
            f"- {agreement.number}. {_md(agreement.text)}" + (f" ({due}{late})" if due else "")
        )
    lines += more(still_open)
    if not still_open:
        lines.append(text("export.summary.nothing_open"))
    return "\n".join(lines).rstrip() + "\n"


# --- the command ----------------------------------------------------------------------------


async def export(turn: Turn) -> None:
    """Files for this cluster (group) or for all the facilitator's clusters (private)."""
    if turn.is_private:
        assert turn.user is not None
        if turn.is_facilitator:
            clusters = await reports.facilitator_clusters(turn.session, user_id=turn.user.id)
        else:  # a coordinator: their own clusters only
            clusters = await clusters_coordinated_by(turn.session, user_id=turn.user.id)
        if not clusters:
            raise DomainError("facilitator.no_clusters")
    else:
        clusters = [turn.require_cluster()]
    records = await reports.cluster_records(turn.session, clusters=clusters)
    text = Text(turn)
    agreements = sum(len(r.agreements) for r in records)
    actions = sum(len(r.actions) for r in records)
    meetings = sum(1 for r in records for m in r.meetings if m.cancelled_at is None)
    files: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    if agreements:
        files.append(("afspraken.csv", agreements_csv(records, text, turn.now)))
    else:
        skipped.append("afspraken.csv")
    if actions:
        files.append(("acties.csv", actions_csv(records, text)))
    else:
        skipped.append("acties.csv")
    if meetings:
        files.append(("vergaderingen.ics", meetings_ics(records, text, turn.now)))
    else:
        skipped.append("vergaderingen.ics")
    price = _price_cents(turn.runtime.project_price_eur)
    for record in records:
        name = slug(record.cluster.title)
        report = cluster_year_report(record, text, turn.now, price)
        title = text("export.report.cluster_title", cluster=record.cluster.title)
        files.append((f"jaarverslag-{name}.md", report.encode("utf-8")))
        files.append((f"jaarverslag-{name}.docx", markdown_to_docx(report, title=title)))
        for municipality in [m for m in record.municipalities if m.active]:
            summary = municipality_summary(record, municipality, text, turn.now)
            files.append(
                (
                    f"samenvatting-{name}-{slug(municipality.name)}.docx",
                    markdown_to_docx(summary, title=municipality.name),
                )
            )

    lines: list[str] = [
        turn.t(
            "export.summary",
            clusters=turn.tn("count.clusters", len(records)),
            agreements=turn.tn("count.agreements_decisions", agreements),
            actions=turn.tn("count.actions", actions),
            meetings=turn.tn("count.meetings", meetings),
        )
    ]
    if skipped:
        lines.append(turn.t("export.skipped", files=", ".join(skipped)))
    await turn.reply("\n".join(lines))
    for filename, content in files:
        await turn.context.bot.send_document(
            turn.chat_id,
            document=InputFile(content, filename=filename),
            message_thread_id=turn.thread_id,
        )


def _price_cents(text: str) -> int:
    try:
        return parse_amount(text)
    except ValueError:
        return 0


def register(app: App) -> None:
    app.add_handlers([command("export", export)])
