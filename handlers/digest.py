"""The weekly digest, sent by the sweep at the cluster's day and time and shown by `/overzicht`.

News, not noise: it leads with what changed since the last digest (new, done, newly overdue,
postponed, new decisions, actions, polls and meetings), then what falls due in the next two
weeks, then one line counting what was late before. Agreements are grouped by municipality and,
within it, by theme. A week with nothing new gets two lines; after four such weeks in a row the
coordinators get one prompt instead, and the digest waits until something happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.i18n import Html, t, tn
from handlers.lessons import theme_label
from handlers.render import long_date, long_datetime, plain_name, short_date, short_due, short_time
from handlers.runtime import App
from handlers.turn import Turn, command
from models.actions import Theme
from models.clusters import Cluster
from models.meetings import PollStatus
from models.news import AgreementRow, Change, News, news_since

__all__ = ["digest_since", "register", "render_digest", "render_news"]

DEFAULT_SPAN = dt.timedelta(days=7)
_THEME_ORDER = [theme.value for theme in Theme]


def digest_since(cluster: Cluster, now: dt.datetime) -> dt.datetime:
    """The last digest sent, or a week ago for a cluster that never had one."""
    return cluster.last_digest_at or max(cluster.created_at, now - DEFAULT_SPAN)


async def render_digest(
    session: AsyncSession, *, cluster: Cluster, now: dt.datetime, lang: str
) -> str:
    """The digest as of `now`: the news since the last digest."""
    news = await news_since(session, cluster=cluster, since=digest_since(cluster, now), now=now)
    return render_news(cluster=cluster, news=news, lang=lang)


def render_news(*, cluster: Cluster, news: News, lang: str) -> str:
    """The digest's text from its news alone (no queries: a batch renders many at once)."""
    tz = ZoneInfo(cluster.timezone)
    today = news.today

    def say(key: str, /, **params: Any) -> Html:
        return t(lang, key, **params)

    def day(value: dt.date, time: dt.time | None = None) -> str:
        return dated(value, lang, today, time)

    title = say("digest.title", cluster=cluster.title, date=long_date(today, lang))
    since = dated(news.since.astimezone(tz).date(), lang, today)
    meeting = news.next_meeting
    if news.quiet:
        late = news.older_overdue
        return "\n".join(
            [
                title,
                say(
                    "digest.quiet",
                    since=since,
                    open=news.open_count,
                    soon=len(news.due_soon),
                    late=late,
                ),
            ]
        )

    lines: list[str] = [title, say("digest.since", date=since)]
    if news.changed:
        changes = {a.number: change for a, change in news.changed}
        lines += ["", say("digest.changed_title")]
        lines += _grouped(
            news,
            [a for a, _ in news.changed],
            lang,
            lambda a: _change_line(news, a, changes[a.number], lang, day),
        )
    if news.actions_new or news.actions_changed:
        lines += ["", say("digest.actions_title")]
        lines += [
            say("digest.action_new", number=a.number, title=a.title,
                theme=theme_label(lang, a.theme))
            for a in news.actions_new
        ]  # fmt: skip
        lines += [
            say(
                "digest.action_changed",
                number=a.number,
                title=a.title,
                status=say(f"digest.status.{a.status}"),
            )
            for a in news.actions_changed
        ]
    if news.meetings_new or news.polls_new:
        lines += ["", say("digest.meetings_title")]
        lines += [
            say("digest.meeting_new", number=m.number, when=long_datetime(m.starts_at, lang, tz))
            for m in news.meetings_new
        ]
        lines += [
            say(
                "digest.poll_new",
                number=p.number,
                deadline=long_datetime(p.deadline_at, lang, tz),
            )
            for p in news.polls_new
            if p.status == PollStatus.OPEN
        ]

    lines += ["", say("digest.soon_title")]
    if news.due_soon:
        lines += _grouped(news, news.due_soon, lang, lambda a: _due_line(news, a, lang, day))
    else:
        lines.append(say("digest.soon_none"))
    if meeting is not None:
        host = news.municipalities.get(meeting.host_municipality_id or 0)
        where = ", ".join(part for part in (host.name if host else "", meeting.location) if part)
        lines.append(
            say(
                "digest.next_meeting",
                when=long_datetime(meeting.starts_at, lang, tz),
                where=f" — {where}" if where else "",
            )
        )
    if news.older_overdue:
        lines += ["", tn(lang, "digest.older_overdue", news.older_overdue)]
    if news.left_owned:
        lines += ["", tn(lang, "digest.left_owners", news.left_owned)]
    return "\n".join(lines)


def dated(value: dt.date, lang: str, today: dt.date, time: dt.time | None = None) -> str:
    """`16/03`, `16/03 15:45`, or `16/03/2028` when the date is not in the current year."""
    if value.year == today.year:
        return short_due(value, time, lang)
    separator = " " if lang == "en" else "/"
    shown = f"{short_date(value, lang)}{separator}{value.year}"
    return f"{shown} {short_time(time, lang)}" if time is not None else shown


def _grouped(
    news: News, items: Iterable[AgreementRow], lang: str, line: Callable[[AgreementRow], str]
) -> list[str]:
    """Per municipality (alphabetical, none last), then per theme (in theme order, none last)."""
    by_place: dict[int | None, list[AgreementRow]] = {}
    for agreement in items:
        place = agreement.municipality_id
        by_place.setdefault(place if place in news.municipalities else None, []).append(agreement)
    order = sorted(
        by_place,
        key=lambda i: (i is None, news.municipalities[i].name.casefold() if i is not None else ""),
    )
    lines: list[str] = []
    for place in order:
        name = news.municipalities[place].name if place is not None else ""
        lines.append(t(lang, "digest.municipality", name=name or t(lang, "digest.no_municipality")))
        by_theme: dict[str | None, list[AgreementRow]] = {}
        for agreement in by_place[place]:
            by_theme.setdefault(news.theme_of(agreement), []).append(agreement)
        themes = sorted(
            by_theme,
            key=lambda th: _THEME_ORDER.index(th) if th in _THEME_ORDER else len(_THEME_ORDER),
        )
        for theme in themes:
            if theme is not None:
                lines.append(t(lang, "digest.theme", theme=theme_label(lang, theme)))
            lines += [line(a) for a in by_theme[theme]]
    return lines


def _who(news: News, agreement: AgreementRow) -> str:
    owner = news.members.get(agreement.owner_member_id or 0)
    return plain_name(owner) if owner is not None and not owner.erased else ""


Day = Callable[[dt.date, dt.time | None], str]


def _change_line(news: News, agreement: AgreementRow, change: str, lang: str, day: Day) -> str:
    due = agreement.due_date
    what = t(
        lang,
        f"digest.change.{change}",
        date=day(due, agreement.due_time) if due else "",
    )
    if change in (Change.NEW, Change.POSTPONED) and due is None:
        what = t(lang, f"digest.change.{change}_undated")
    who = _who(news, agreement)
    return t(
        lang,
        "digest.item",
        number=agreement.number,
        text=_shorten(agreement.text),
        details=Html(f" — {what}" + (f" — {t(lang, 'digest.owner', name=who)}" if who else "")),
    )


def _due_line(news: News, agreement: AgreementRow, lang: str, day: Day) -> str:
    assert agreement.due_date is not None
    who = _who(news, agreement)
    parts = [t(lang, "digest.due_on", date=day(agreement.due_date, agreement.due_time))]
    if who:
        parts.append(t(lang, "digest.owner", name=who))
    return t(
        lang,
        "digest.item",
        number=agreement.number,
        text=_shorten(agreement.text),
        details=Html("".join(f" — {p}" for p in parts)),
    )


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def show_digest(turn: Turn) -> None:
    """`/overzicht`: the news since the last digest, now, in the topic it was asked in."""
    cluster = turn.require_cluster()
    await turn.reply(
        await render_digest(turn.session, cluster=cluster, now=turn.now, lang=turn.lang)
    )


def register(app: App) -> None:
    app.add_handler(command("overzicht", show_digest))
