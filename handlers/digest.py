"""The weekly digest, sent by the sweep at the cluster's day and time and shown by `/overzicht`.

One message: what is overdue, the open agreements per municipality, the next meeting, the
open polls and the actions by status. A quiet week gets one short line rather than silence,
so the group sees the bot is still keeping track.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.i18n import Html, t
from handlers.render import long_date, long_datetime, plain_name, short_due
from handlers.runtime import App
from handlers.turn import Turn, command
from models.actions import ActionStatus, list_actions
from models.agreements import Agreement, Register, Scope, is_overdue, list_agreements
from models.clusters import Cluster
from models.meetings import next_meeting, open_polls

__all__ = ["register", "render_digest"]

# Actions still under way are listed by title; finished ones are only counted.
_LISTED = (ActionStatus.RUNNING, ActionStatus.PLANNED, ActionStatus.IDEA)
_COUNTED = (ActionStatus.DONE, ActionStatus.STOPPED)


async def render_digest(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime, lang: str
) -> str:
    """The digest as of `now`, in a fixed handful of queries whatever the cluster's size."""
    tz = ZoneInfo(cluster.timezone)
    register = await list_agreements(session, cluster=cluster, now=now, scope=Scope.OPEN)
    meeting = await next_meeting(session, cluster=cluster, now=now)
    polls = await open_polls(session, cluster=cluster)
    actions = await list_actions(session, cluster=cluster)
    today = register.today

    def say(key: str, /, **params: Any) -> Html:
        return t(lang, key, **params)

    title = say("digest.title", cluster=cluster.title, date=long_date(today, lang))
    if not (register.agreements or meeting or polls or actions):
        return say("digest.nothing", cluster=cluster.title)

    lines: list[str] = [title]
    overdue = [a for a in register.agreements if is_overdue(a, today)]
    upcoming = [a for a in register.agreements if not is_overdue(a, today)]
    if overdue:
        lines += ["", say("digest.overdue_title", count=len(overdue))]
        lines += [_agreement_line(register, a, lang, overdue=True) for a in overdue]
    if upcoming:
        lines += ["", say("digest.open_title", count=len(upcoming))]
        for place, items in _by_municipality(register, upcoming, lang):
            lines.append(say("digest.municipality", name=place))
            lines += [_agreement_line(register, a, lang, overdue=False) for a in items]
    elif not overdue:
        lines += ["", say("digest.no_open")]

    lines.append("")
    if meeting is not None:
        host = register.municipalities.get(meeting.host_municipality_id or 0)
        where = ", ".join(part for part in (host.name if host else "", meeting.location) if part)
        lines.append(
            say(
                "digest.next_meeting",
                when=long_datetime(meeting.starts_at, lang, tz),
                where=f" — {where}" if where else "",
            )
        )
    else:
        lines.append(say("digest.no_meeting"))

    if polls:
        lines += ["", say("digest.polls_title")]
        lines += [
            say(
                "digest.poll_line",
                number=poll.number,
                deadline=long_datetime(poll.deadline_at, lang, tz),
            )
            for poll in polls
        ]

    if actions:
        lines += ["", say("digest.actions_title")]
        for status in _LISTED:
            titles = [
                f"{view.action.number}. {view.action.title}"
                for view in actions
                if view.action.status == status
            ]
            if titles:
                lines.append(
                    say(
                        "digest.actions_line",
                        status=say(f"digest.status.{status.value}"),
                        titles="; ".join(titles),
                    )
                )
        finished = [
            say(f"digest.status.{status.value}")
            + f": {sum(1 for v in actions if v.action.status == status)}"
            for status in _COUNTED
            if any(v.action.status == status for v in actions)
        ]
        if finished:
            lines.append(say("digest.actions_finished", counts=", ".join(finished)))
    return "\n".join(lines)


def _by_municipality(
    register: Register, items: list[Agreement], lang: str
) -> list[tuple[str, list[Agreement]]]:
    """Municipalities in alphabetical order; agreements without one come last."""
    groups: dict[int | None, list[Agreement]] = {}
    for agreement in items:
        groups.setdefault(agreement.municipality_id, []).append(agreement)
    named = sorted(
        (
            (register.municipalities[i].name, group)
            for i, group in groups.items()
            if i is not None and i in register.municipalities
        ),
        key=lambda pair: pair[0].casefold(),
    )
    rest = [a for i, group in groups.items() if i is None or i not in register.municipalities
            for a in group]  # fmt: skip
    if rest:
        named.append((t(lang, "digest.no_municipality"), rest))
    return named


def _agreement_line(register: Register, agreement: Agreement, lang: str, *, overdue: bool) -> str:
    owner = register.owner(agreement)
    place = register.municipality(agreement)
    who = plain_name(owner) if owner is not None and not owner.erased else ""
    if overdue and place is not None:
        who = f"{who}, {place.name}" if who else place.name
    due = (
        t(lang, "digest.due", date=short_due(agreement.due_date, agreement.due_time, lang))
        if agreement.due_date
        else ""
    )
    return t(
        lang,
        "digest.agreement_overdue" if overdue else "digest.agreement",
        number=agreement.number,
        text=_shorten(agreement.text),
        who=f" — {who}" if who else "",
        due=Html(due),
    )


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def show_digest(turn: Turn) -> None:
    """`/overzicht`: the digest now, in the topic it was asked in."""
    cluster = turn.require_cluster()
    await turn.reply(
        await render_digest(turn.session, cluster=cluster, now=turn.now, lang=turn.lang)
    )


def register(app: App) -> None:
    app.add_handler(command("overzicht", show_digest))
