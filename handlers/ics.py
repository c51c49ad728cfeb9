"""iCalendar invitations for meetings.

Pure on purpose: the caller passes the DTSTAMP, so the same meeting always yields the same
bytes and the module can be tested without a clock or Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

__all__ = ["PRODID", "IcsEvent", "build_calendar", "meeting_uid"]

PRODID = "-//Klimaatbot//NL"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime
    duration: timedelta
    summary: str
    location: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if not self.uid:
            raise ValueError("an event needs a UID")
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("start must be timezone-aware")
        if self.duration <= timedelta(0):
            # RFC 5545 requires DTEND to be later than DTSTART.
            raise ValueError("duration must be positive")

    @property
    def end(self) -> datetime:
        """Elapsed-time end: across a DST switch a 2 h meeting still lasts 2 h."""
        return (self.start.astimezone(UTC) + self.duration).astimezone(self.start.tzinfo)


def meeting_uid(cluster_chat_id_or_key: str | int, meeting_id: int) -> str:
    """Stable UID, so a re-sent invitation updates the calendar entry instead of adding one.

    The cluster key is percent-encoded, which keeps the UID free of spaces and ``@`` while
    different keys still give different UIDs.
    """
    cluster = quote(str(cluster_chat_id_or_key), safe="-_.")
    if not cluster:
        raise ValueError("cluster key must not be empty")
    return f"meeting-{int(meeting_id)}-{cluster}@klimaatbot"


def build_calendar(
    events: Sequence[IcsEvent],
    *,
    tz: ZoneInfo,
    stamp: datetime,
    name: str | None = None,
) -> bytes:
    """A PUBLISH calendar with one VEVENT per event, times shown in ``tz``.

    The VTIMEZONE only spans the years of the events: icalendar's default covers 1970–2038
    and lists every transition, several times the size of the invitation itself.
    """
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be timezone-aware")
    dtstamp = stamp.astimezone(UTC)
    # Imported here: only invitations and exports need it, and it weighs on every start-up.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.calendar_name = name  # writes NAME and X-WR-CALNAME

    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", dtstamp)
        event.add("dtstart", item.start.astimezone(tz))
        event.add("dtend", item.end.astimezone(tz))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        calendar.add_component(event)

    if events:
        first = min(item.start.astimezone(tz) for item in events)
        last = max(item.end.astimezone(tz) for item in events)
        calendar.add_missing_timezones(
            first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
        )
    return bytes(calendar.to_ical())
