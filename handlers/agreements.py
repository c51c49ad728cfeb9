"""Agreements and decisions: what the cluster agreed, who does it, for which municipality, by
when. `/afspraak` `/besluit` `/afspraken` `/klaar` `/uitstel` `/schrap`.

Every change is followed by `replan_agreement` in the same transaction, so the nudges always
match the register. The permission rules live in `models.agreements`; `permitted` only adds
Telegram's group admins, who count as coordinators but are asked about only when needed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from telegram import Message

from handlers.arguments import (
    TextMention,
    command_text,
    explained,
    parse_arguments,
    parse_number,
    read_due_date,
    resolve_arguments,
)
from handlers.dates import DateParseError
from handlers.days_off import due_date_warning
from handlers.i18n import Html
from handlers.menu import spec
from handlers.render import long_datetime, long_due, mention, plain_name
from handlers.runtime import App
from handlers.topics import topic_theme
from handlers.turn import Turn, command
from models import agreements, clusters
from models.actions import Action
from models.agreements import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Register,
    Scope,
    is_overdue,
)
from models.audit import AuditEvent
from models.clusters import Member, Municipality, Role, fold, match_municipality
from models.clusters import municipalities_of as cluster_municipalities
from models.errors import DomainError, NotAllowed
from scheduler.replan import replan_agreement

T = TypeVar("T")

# --- recording ------------------------------------------------------------------------------


async def record_agreement(turn: Turn) -> None:
    """`/afspraak tekst [@persoon] [#gemeente] [tegen DATUM] [actie N]`, or as a reply to the
    message that is the agreement; `/afspraak N` alone shows agreement N with its history."""
    message = turn.message
    assert message is not None
    text, mentions = command_text(message)
    source = _captured(message)
    number = parse_number(text)
    if number is not None and source is None:
        await show_agreement(turn, number)
        return
    handover = _handover(text, mentions)
    if handover is not None and source is None:
        await reassign(turn, *handover)
        return
    await _record(turn, AgreementKind.TASK, text, mentions, source)


async def record_decision(turn: Turn) -> None:
    """`/besluit tekst [#gemeente] [#thema] [actie N]`: a decision has no owner and no date."""
    message = turn.message
    assert message is not None
    text, _ = command_text(message)
    await _record(turn, AgreementKind.DECISION, text, [], _captured(message))


async def _record(
    turn: Turn,
    kind: AgreementKind,
    text: str,
    mentions: Sequence[TextMention],
    source: Message | None,
) -> None:
    cluster = turn.require_cluster()
    task = kind == AgreementKind.TASK
    example = "agreement.example" if task else "agreement.decision_example"
    try:
        args = parse_arguments(
            text, now=turn.local_now, mentions=mentions, owner=task, due=task, action=True
        )
        resolved = await resolve_arguments(turn, args, many_places=True)
    except (DateParseError, DomainError) as error:
        raise explained(turn, error, example) from None
    body = args.text
    if source is not None:
        captured = (source.text or source.caption or "").strip()
        body = f"{captured} — {body}" if captured and body else captured or body
    due = resolved.due_date
    due_time = args.when.time if args.when is not None else None
    if due is not None and _is_past(turn, due, due_time):
        raise explained(
            turn,
            DomainError("agreement.due_in_past", date=long_due(due, due_time, turn.lang)),
            example,
        )
    # A joint agreement (`#Kortenberg #Herent`) is one agreement per municipality, numbered
    # one after the other: each is done, postponed and nudged on its own.
    places: list[Municipality | None] = list(resolved.municipalities) or [None]
    recorded: list[tuple[Agreement, Municipality | None]] = []
    for place in places:
        try:
            agreement = await agreements.create_agreement(
                turn.session,
                cluster=cluster,
                text=body,
                kind=kind,
                owner=resolved.owner,
                municipality=place,
                due_date=due,
                due_time=due_time if due is not None else None,
                action=resolved.action,
                theme=resolved.theme or await topic_theme(turn),
                by=turn.require_member(),
                now=turn.now,
                source_message_id=source.message_id if source is not None else None,
                thread_id=turn.thread_id,
            )
        except DomainError as error:
            raise explained(turn, error, example) from None
        await replan_agreement(
            turn.session, cluster=cluster, agreement=agreement, now=turn.now, new=True
        )
        if place is None and agreement.municipality_id is not None:
            place = await turn.session.get(Municipality, agreement.municipality_id)
        recorded.append((agreement, place))
    cards = [
        _card(turn, agreement, resolved.owner, place, resolved.action, heading="recorded",
              notify=index == 0)
        for index, (agreement, place) in enumerate(recorded)
    ]  # fmt: skip
    if len(recorded) > 1:
        numbers = ", ".join(str(agreement.number) for agreement, _ in recorded)
        names = ", ".join(place.name for _, place in recorded if place is not None)
        cards.insert(0, turn.t("agreement.joint", numbers=numbers, names=names))
    await turn.reply(_with_day_off_warning(turn, "\n\n".join(cards), due))


def _is_past(turn: Turn, day: dt.date, time: dt.time | None) -> bool:
    """Before today, or today at an hour that has gone by."""
    now = turn.local_now
    return day < now.date() or (day == now.date() and time is not None and time <= now.time())


def _with_day_off_warning(turn: Turn, text: str, due: dt.date | None) -> str:
    warning = due_date_warning(turn, due) if due is not None else None
    return text if warning is None else f"{text}\n{warning}"


# --- passing an agreement on ----------------------------------------------------------------

_HANDOVER = re.compile(r"(?:nr\.?\s*|#)?(\d{1,9})\s+(@[A-Za-z0-9_]{3,32})", re.IGNORECASE)
_NUMBER_FIRST = re.compile(r"(?:nr\.?\s*|#)?(\d{1,9})\s+", re.IGNORECASE)


def _handover(text: str, mentions: Sequence[TextMention]) -> tuple[int, str | TextMention] | None:
    """`3 @lotte_bertem` (or 3 and a mention of someone without a username): pass 3 on."""
    found = _HANDOVER.fullmatch(text.strip())
    if found is not None:
        return int(found[1]), found[2]
    first = _NUMBER_FIRST.match(text)
    if first is not None and len(mentions) == 1:
        mention_ = mentions[0]
        if mention_.start == first.end() and not text[mention_.end :].strip():
            return int(first[1]), mention_
    return None


async def reassign(turn: Turn, number: int, successor: str | TextMention) -> None:
    """`/afspraak N @opvolger`: the agreement gets a new owner, kept in its history."""
    cluster = turn.require_cluster()
    member = turn.require_member()
    if isinstance(successor, str):
        owner = await clusters.pending_member(
            turn.session, cluster=cluster, username=successor, now=turn.now
        )
    else:
        user = successor.user
        owner = await clusters.touch_member(
            turn.session,
            cluster=cluster,
            user_id=user.id,
            name=user.full_name,
            username=user.username,
            now=turn.now,
        )
    before = await agreements.get_agreement(turn.session, cluster=cluster, number=number)
    previous = (
        await turn.session.get(Member, before.owner_member_id) if before.owner_member_id else None
    )
    agreement = await permitted(
        turn,
        lambda role: agreements.reassign(
            turn.session,
            cluster=cluster,
            number=number,
            owner=owner,
            by=member,
            role=role,
            now=turn.now,
        ),
    )
    await replan_agreement(turn.session, cluster=cluster, agreement=agreement, now=turn.now)
    lines: list[str] = [
        turn.t(
            "agreement.reassigned",
            number=number,
            text=agreement.text,
            old=plain_name(previous, turn.t("agreement.nobody")),
            new=mention(owner),
        )
    ]
    if owner.is_pending:
        lines.append(turn.t("agreement.owner_pending_note", username=f"@{owner.username}"))
    await turn.reply("\n".join(lines))


def _owner_line(turn: Turn, owner: Member, *, notify: bool) -> Html:
    name = mention(owner) if notify else plain_name(owner)
    if owner.is_pending:
        return turn.t("agreement.owner_pending", owner=name)
    if owner.has_left:
        return turn.t("agreement.owner_left", owner=name)
    return turn.t("agreement.owner", owner=name)


def _captured(message: Message) -> Message | None:
    """The message replied to, unless it is only the opening of the forum topic (Telegram
    sets every topic message as a reply to it)."""
    source = message.reply_to_message
    if source is None or source.forum_topic_created is not None:
        return None
    if message.is_topic_message and source.message_id == message.message_thread_id:
        return None
    return source


def _card(
    turn: Turn,
    agreement: Agreement,
    owner: Member | None,
    municipality: Municipality | None,
    action: Action | None,
    *,
    heading: str,
    notify: bool = False,
) -> str:
    """The agreement written out: text, owner, municipality, due date in full. The owner is
    mentioned (notified) only when the agreement is recorded, not each time it is shown."""
    decision = agreement.kind == AgreementKind.DECISION
    key = f"agreement.{heading}_{'decision' if decision else 'task'}"
    lines = [turn.t(key, number=agreement.number), turn.t("agreement.text", text=agreement.text)]
    if not decision or owner is not None:
        lines.append(
            _owner_line(turn, owner, notify=notify)
            if owner is not None
            else turn.t("agreement.no_owner")
        )
    if municipality is not None:
        lines.append(turn.t("agreement.municipality", name=municipality.name))
    elif not decision:
        lines.append(turn.t("agreement.no_municipality"))
    if agreement.due_date is not None:
        due = long_due(agreement.due_date, agreement.due_time, turn.lang)
        lines.append(turn.t("agreement.due", date=due))
    elif not decision:
        lines.append(turn.t("agreement.no_due"))
    if action is not None:
        lines.append(turn.t("agreement.action", number=action.number, title=action.title))
    if agreement.theme:
        lines.append(
            turn.t("agreement.theme", theme=turn.t(f"action.theme_name.{agreement.theme}"))
        )
    return "\n".join(lines)


# --- one agreement and its history ----------------------------------------------------------


async def show_agreement(turn: Turn, number: int) -> None:
    """Agreement N with who did what to it, when (the audit trail)."""
    cluster = turn.require_cluster()
    agreement, events = await agreements.history(turn.session, cluster=cluster, number=number)
    members, places = await agreements.people_and_places(turn.session, cluster=cluster)
    owner = members.get(agreement.owner_member_id or 0)
    place = places.get(agreement.municipality_id or 0)
    action = None
    if agreement.action_id is not None:
        action = await turn.session.get(Action, agreement.action_id)
    lines = [_card(turn, agreement, owner, place, action, heading="shown")]
    lines.append(turn.t(f"agreement.status.{agreement.status}"))
    lines.append("")
    lines.append(turn.t("agreement.history"))
    for event in events:
        lines.append(_history_line(turn, event, members))
    await turn.reply("\n".join(lines))


def _history_line(turn: Turn, event: AuditEvent, members: dict[int, Member]) -> str:
    who = plain_name(members.get(event.actor_member_id or 0), turn.t("agreement.someone"))
    when = long_datetime(event.at, turn.lang, turn.tz)
    params: dict[str, Any] = {"when": when, "who": who}
    if event.action == "postponed":
        params["old"] = _date_or_none(turn, event.before or {})
        params["new"] = _date_or_none(turn, event.after or {})
    if event.action == "reassigned":
        nobody = turn.t("agreement.nobody")
        for side, values in (("old", event.before), ("new", event.after)):
            owner_id = (values or {}).get("owner_member_id")
            params[side] = plain_name(members.get(owner_id or 0), nobody)
    key = f"agreement.event.{event.action}"
    return turn.t(key if key in _EVENTS else "agreement.event.changed", **params)


_EVENTS = {
    f"agreement.event.{name}"
    for name in ("created", "done", "postponed", "cancelled", "reassigned")
}


def _date_or_none(turn: Turn, snapshot: dict[str, Any]) -> str:
    day, time = snapshot.get("due_date"), snapshot.get("due_time")
    if not day:
        return turn.t("agreement.no_date")
    clock = dt.time.fromisoformat(str(time)) if time else None
    return long_due(dt.date.fromisoformat(str(day)), clock, turn.lang)


# --- the register ---------------------------------------------------------------------------

# Folded words, two-word ones written together (`te laat`, `en retard`).
_SCOPE_WORDS = {
    "open": Scope.OPEN,
    "ouverts": Scope.OPEN,
    "ouvertes": Scope.OPEN,
    "alle": Scope.ALL,
    "all": Scope.ALL,
    "allemaal": Scope.ALL,
    "tous": Scope.ALL,
    "toutes": Scope.ALL,
    "tout": Scope.ALL,
    "mijn": Scope.MINE,
    "mijne": Scope.MINE,
    "mine": Scope.MINE,
    "my": Scope.MINE,
    "mes": Scope.MINE,
    "miens": Scope.MINE,
    "telaat": Scope.OVERDUE,
    "overdue": Scope.OVERDUE,
    "late": Scope.OVERDUE,
    "enretard": Scope.OVERDUE,
    "retard": Scope.OVERDUE,
    "besluiten": Scope.DECISIONS,
    "decisions": Scope.DECISIONS,
}


async def list_agreements(turn: Turn) -> None:
    """`/afspraken [open|alle|mijn|te laat|besluiten] [#gemeente]`: grouped by municipality,
    overdue first and marked; long registers go out as several messages."""
    cluster = turn.require_cluster()
    message = turn.message
    assert message is not None
    text, _ = command_text(message)
    scope, place_name = _read_scope(text)
    municipality = None
    if place_name is not None:
        known = await cluster_municipalities(turn.session, cluster=cluster)
        try:
            municipality = match_municipality(known, place_name)
        except DomainError as error:
            raise explained(turn, error, "agreements.usage") from None
    register = await agreements.list_agreements(
        turn.session,
        cluster=cluster,
        now=turn.now,
        scope=scope,
        member=turn.member,
        municipality=municipality,
    )
    title = turn.t(f"agreements.title.{scope}", count=len(register.agreements))
    if municipality is not None:
        title = turn.t("agreements.title_in", title=Html(title), name=municipality.name)
    if not register.agreements:
        await turn.reply(title + "\n" + turn.t(f"agreements.none.{scope}"))
        return
    theme = await topic_theme(turn)
    themed = [a for a in register.agreements if theme is not None and a.theme == theme]
    if not themed or len(themed) == len(register.agreements):
        await turn.reply("\n".join([title, *render_register(turn, register)]))
        return
    # Typed in a topic tied to a theme: that theme's agreements first, then the others.
    others = [a for a in register.agreements if a.theme != theme]
    theme_name = turn.t(f"action.theme_name.{theme}")
    lines = [title, "", turn.t("agreements.theme_first", theme=theme_name)]
    lines += render_register(turn, replace(register, agreements=themed))
    lines += ["", turn.t("agreements.other_themes")]
    lines += render_register(turn, replace(register, agreements=others))
    await turn.reply("\n".join(lines))


def _read_scope(text: str) -> tuple[Scope, str | None]:
    scope = Scope.OPEN
    place: str | None = None
    words = text.split()
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("#") and len(word) > 1 and place is None:
            place = word[1:]
        elif index + 1 < len(words) and fold(word + words[index + 1]) in _SCOPE_WORDS:
            scope = _SCOPE_WORDS[fold(word + words[index + 1])]
            index += 1
        elif fold(word) in _SCOPE_WORDS:
            scope = _SCOPE_WORDS[fold(word)]
        else:
            raise DomainError("agreements.usage")
        index += 1
    return scope, place


def render_register(turn: Turn, register: Register, *, spaced: bool = True) -> list[str]:
    """One line per agreement under a header per municipality (those without one last).

    Each line carries its own tags, so splitting the message between lines never breaks the
    HTML; names are plain, so a long list does not notify everyone in it.
    """
    groups: dict[int | None, list[Agreement]] = {}
    for agreement in register.agreements:
        groups.setdefault(agreement.municipality_id, []).append(agreement)

    def group_order(municipality_id: int | None) -> tuple[int, str]:
        place = register.municipalities.get(municipality_id) if municipality_id else None
        return (1, "") if place is None else (0, fold(place.name))

    lines: list[str] = []
    for municipality_id in sorted(groups, key=group_order):
        items = groups[municipality_id]
        place = register.municipalities.get(municipality_id) if municipality_id else None
        name = place.name if place is not None else turn.t("agreements.without_municipality")
        overdue = sum(1 for a in items if is_overdue(a, register.today))
        if spaced:
            lines.append("")
        lines.append(
            turn.t("agreements.group_overdue", name=name, count=len(items), overdue=overdue)
            if overdue
            else turn.t("agreements.group", name=name, count=len(items))
        )
        lines.extend(_register_line(turn, a, register) for a in items)
    return lines


def _register_line(turn: Turn, agreement: Agreement, register: Register) -> str:
    text = " ".join(agreement.text.split())
    owner = register.owner(agreement)
    details = []
    if owner is not None:
        details.append(plain_name(owner, turn.t("agreement.someone")))
    if agreement.due_date is not None:
        details.append(long_due(agreement.due_date, agreement.due_time, turn.lang))
    params: dict[str, Any] = {
        "number": agreement.number,
        "text": text,
        "details": " — ".join(details),
    }
    if agreement.kind == AgreementKind.DECISION:
        key = "agreements.line_decision"
    elif is_overdue(agreement, register.today):
        key = "agreements.line_overdue"
    else:
        key = f"agreements.line_{agreement.status}"
    if not details:
        key += "_bare"
    if agreement.kind == AgreementKind.DECISION and agreement.status == AgreementStatus.CANCELLED:
        key = "agreements.line_cancelled" + ("_bare" if not details else "")
    return turn.t(key, **params)


# --- changes --------------------------------------------------------------------------------


async def permitted(turn: Turn, operation: Callable[[Role], Awaitable[T]]) -> T:
    """Run a model operation with the sender's role; a refused member who turns out to be a
    Telegram admin of the group gets a second try as coordinator (one getChatMember, only
    then)."""
    try:
        return await operation(turn.role)
    except NotAllowed:
        if turn.role.rank >= Role.COORDINATOR.rank or not await turn.has_role(Role.COORDINATOR):
            raise
    return await operation(turn.role)


def _number(text: str, example: str) -> int:
    number = parse_number(text)
    if number is None:
        raise DomainError("agreement.number_usage", example=example)
    return number


async def mark_done(turn: Turn) -> None:
    """`/klaar N`: its owner, anyone of its municipality, or a coordinator."""
    cluster = turn.require_cluster()
    member = turn.require_member()
    number = _number(turn.text_args, _shown(turn, "klaar") + " 12")
    agreement = await permitted(
        turn,
        lambda role: agreements.complete(
            turn.session, cluster=cluster, number=number, by=member, role=role, now=turn.now
        ),
    )
    await replan_agreement(turn.session, cluster=cluster, agreement=agreement, now=turn.now)
    await turn.say("agreement.done", number=agreement.number, text=agreement.text)


async def postpone(turn: Turn) -> None:
    """`/uitstel N DATUM`: a new due date; the old one stays in the history."""
    cluster = turn.require_cluster()
    member = turn.require_member()
    parts = turn.text_args.split(maxsplit=1)
    number = _number(
        parts[0] if parts else "",
        _shown(turn, "uitstel") + " 12 " + turn.t("agreement.example_day"),
    )
    try:
        when = read_due_date(parts[1] if len(parts) > 1 else "", now=turn.local_now)
    except DateParseError as error:
        raise explained(turn, error, "agreement.postpone_example") from None
    if _is_past(turn, when.date, when.time):
        raise explained(
            turn,
            DomainError("agreement.due_in_past", date=long_due(when.date, when.time, turn.lang)),
            "agreement.postpone_example",
        )
    before = await agreements.get_agreement(turn.session, cluster=cluster, number=number)
    old, old_time = before.due_date, before.due_time
    agreement = await permitted(
        turn,
        lambda role: agreements.postpone(
            turn.session,
            cluster=cluster,
            number=number,
            due_date=when.date,
            due_time=when.time,
            by=member,
            role=role,
            now=turn.now,
        ),
    )
    await replan_agreement(turn.session, cluster=cluster, agreement=agreement, now=turn.now)
    new = long_due(when.date, agreement.due_time, turn.lang)
    if old is None:
        said = turn.t("agreement.dated", number=number, text=agreement.text, new=new)
    else:
        said = turn.t(
            "agreement.postponed",
            number=number,
            text=agreement.text,
            old=long_due(old, old_time, turn.lang),
            new=new,
        )
    await turn.reply(_with_day_off_warning(turn, said, when.date))


async def drop(turn: Turn) -> None:
    """`/schrap N`: its creator, its owner, or a coordinator."""
    cluster = turn.require_cluster()
    member = turn.require_member()
    number = _number(turn.text_args, _shown(turn, "schrap") + " 12")
    agreement = await permitted(
        turn,
        lambda role: agreements.cancel(
            turn.session, cluster=cluster, number=number, by=member, role=role, now=turn.now
        ),
    )
    await replan_agreement(turn.session, cluster=cluster, agreement=agreement, now=turn.now)
    await turn.say("agreement.cancelled", number=agreement.number, text=agreement.text)


def _shown(turn: Turn, name: str) -> str:
    return spec(name).shown_name(turn.lang)


def register(app: App) -> None:
    app.add_handlers(
        [
            command("afspraak", record_agreement),
            command("besluit", record_decision),
            command("afspraken", list_agreements),
            command("klaar", mark_done),
            command("uitstel", postpone),
            command("schrap", drop),
        ]
    )
