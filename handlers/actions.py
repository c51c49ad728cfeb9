"""Joint climate actions and campaigns: `/actie` records, shows and moves one; `/acties` lists
them by theme with their status and open agreements."""

from __future__ import annotations

import difflib

from handlers.agreements import render_register
from handlers.arguments import (
    STATUSES,
    action_status_of,
    command_text,
    explained,
    parse_arguments,
    parse_number,
    resolve_arguments,
    theme_of,
)
from handlers.runtime import App
from handlers.topics import topic_theme
from handlers.turn import Turn, command
from models import actions, agreements
from models.actions import Action, ActionStatus, Theme
from models.agreements import Agreement, AgreementKind, AgreementStatus, Register, Scope
from models.clusters import Municipality, fold
from models.errors import DomainError


async def action(turn: Turn) -> None:
    """`/actie titel [#thema] [#gemeente ...]`, `/actie N`, `/actie N status`,
    `/actie N #gemeente ...` (more municipalities join)."""
    message = turn.message
    assert message is not None
    text, _ = command_text(message)
    if not text:
        raise DomainError("action.usage")
    first, _, rest = text.partition(" ")
    rest = rest.strip()
    number = parse_number(first)
    if number is not None:
        if not rest:
            await show_action(turn, number)
            return
        word, _, result = rest.partition(" ")
        if fold(word) in RESULT_WORDS:
            await _set_result(turn, number, result)
            return
        status = action_status_of(rest)
        if status is not None:
            await _set_status(turn, number, status)
            return
        if all(word.startswith("#") for word in rest.split()):
            await _join(turn, number, rest)
            return
        if len(rest.split()) == 1 and difflib.get_close_matches(fold(rest), STATUSES, n=1):
            raise _unknown_status(turn, rest)
    await _create(turn, text)


RESULT_WORDS = {"resultaat", "result", "resultat"}


async def _set_result(turn: Turn, number: int, result: str) -> None:
    """`/actie 3 resultaat 42 daken geïsoleerd`: what the action achieved, for the reports."""
    cluster = turn.require_cluster()
    found = await actions.set_result(
        turn.session,
        cluster=cluster,
        number=number,
        result=result,
        by=turn.require_member(),
        now=turn.now,
    )
    await turn.say("action.result_set", number=found.number, title=found.title, result=result)


async def _create(turn: Turn, text: str) -> None:
    cluster = turn.require_cluster()
    try:
        args = parse_arguments(text, now=turn.local_now, owner=False, due=False, action=False)
        resolved = await resolve_arguments(turn, args, many_places=True)
        created = await actions.create_action(
            turn.session,
            cluster=cluster,
            title=args.text,
            theme=resolved.theme or await topic_theme(turn),
            municipalities=resolved.municipalities,
            by=turn.require_member(),
            now=turn.now,
            thread_id=turn.thread_id,
        )
    except DomainError as error:
        raise explained(turn, error, "action.example") from None
    ids = [m.id for m in resolved.municipalities if m.id is not None]
    places = {m.id: m for m in resolved.municipalities if m.id is not None}
    await turn.reply(_card(turn, created, ids, places, heading="action.recorded"))


async def show_action(turn: Turn, number: int) -> None:
    """The action with its municipalities and its agreements, open and done."""
    cluster = turn.require_cluster()
    found = await actions.get_action(turn.session, cluster=cluster, number=number)
    ids = await actions.municipality_ids_of(turn.session, action=found)
    register = await agreements.list_agreements(
        turn.session, cluster=cluster, now=turn.now, scope=Scope.ALL, action=found
    )
    lines = [_card(turn, found, ids, register.municipalities, heading="action.shown")]
    sections = (
        (
            "action.open",
            lambda a: a.kind == AgreementKind.TASK and a.status == AgreementStatus.OPEN,
        ),
        (
            "action.done",
            lambda a: a.kind == AgreementKind.TASK and a.status == AgreementStatus.DONE,
        ),
        (
            "action.decisions",
            lambda a: a.kind == AgreementKind.DECISION and a.status != AgreementStatus.CANCELLED,
        ),
    )
    shown = False
    for key, wanted in sections:
        part = [a for a in register.agreements if wanted(a)]
        if part:
            shown = True
            lines.append("")
            lines.append(turn.t(key, count=len(part)))
            lines.extend(render_register(turn, _subset(register, part), spaced=False))
    if not shown:
        lines.append("")
        lines.append(turn.t("action.no_agreements", number=number))
    await turn.reply("\n".join(lines))


def _subset(register: Register, part: list[Agreement]) -> Register:
    return Register(
        agreements=part,
        members=register.members,
        municipalities=register.municipalities,
        today=register.today,
    )


async def _set_status(turn: Turn, number: int, status: ActionStatus) -> None:
    cluster = turn.require_cluster()
    found = await actions.get_action(turn.session, cluster=cluster, number=number)
    name = turn.t(f"action.status.{status.value}")
    if found.status == status:
        raise DomainError("action.already_status", number=number, status=name)
    await actions.set_status(
        turn.session,
        cluster=cluster,
        number=number,
        status=status,
        by=turn.require_member(),
        now=turn.now,
    )
    await turn.say("action.status_set", number=number, title=found.title, status=name)


async def _join(turn: Turn, number: int, text: str) -> None:
    cluster = turn.require_cluster()
    try:
        args = parse_arguments(text, now=turn.local_now, owner=False, due=False, action=False)
        if args.themes or args.text:
            raise DomainError("action.join_usage", number=number)
        resolved = await resolve_arguments(turn, args, many_places=True)
    except DomainError as error:
        raise explained(turn, error, "action.join_example", number=number) from None
    found, added = await actions.add_municipalities(
        turn.session,
        cluster=cluster,
        number=number,
        municipalities=resolved.municipalities,
        by=turn.require_member(),
        now=turn.now,
    )
    if not added:
        await turn.say("action.nothing_added", number=number)
        return
    await turn.say(
        "action.joined",
        number=number,
        title=found.title,
        names=", ".join(m.name for m in added),
    )


def _unknown_status(turn: Turn, given: str) -> DomainError:
    choices = ", ".join(turn.t(f"action.status.{status.value}") for status in ActionStatus)
    return DomainError("action.unknown_status", given=given, choices=choices)


def _card(
    turn: Turn,
    found: Action,
    municipality_ids: list[int],
    places: dict[int, Municipality],
    *,
    heading: str,
) -> str:
    lines = [
        turn.t(heading, number=found.number, title=found.title),
        turn.t("action.theme_line", theme=turn.t(f"action.theme_name.{found.theme}")),
        turn.t("action.status_line", status=turn.t(f"action.status.{found.status}")),
    ]
    lead = places.get(found.lead_municipality_id or 0)
    lines.append(
        turn.t("action.lead", name=lead.name) if lead is not None else turn.t("action.no_lead")
    )
    if found.result:
        lines.append(turn.t("action.result_line", result=found.result))
    others = sorted(
        (
            places[i].name
            for i in municipality_ids
            if i in places and i != found.lead_municipality_id
        ),
        key=fold,
    )
    if others:
        lines.append(turn.t("action.with", names=", ".join(others)))
    return "\n".join(lines)


async def list_actions(turn: Turn) -> None:
    """`/acties [#thema]`: by theme, each with its status, lead and open agreements."""
    cluster = turn.require_cluster()
    message = turn.message
    assert message is not None
    text, _ = command_text(message)
    theme: Theme | None = None
    if text:
        theme = theme_of(text.strip().lstrip("#"))
        if theme is None or len(text.split()) > 1:
            raise DomainError("actions.usage", given=text)
    views = await actions.list_actions(turn.session, cluster=cluster, theme=theme)
    counts = await agreements.open_counts_by_action(turn.session, cluster=cluster)
    _, places = await agreements.people_and_places(turn.session, cluster=cluster)
    title = (
        turn.t("actions.title_theme", theme=turn.t(f"action.theme_name.{theme}"), count=len(views))
        if theme is not None
        else turn.t("actions.title", count=len(views))
    )
    if not views:
        await turn.reply(title + "\n" + turn.t("actions.none"))
        return
    lines: list[str] = [title]
    for current in Theme:
        group = [view for view in views if view.action.theme == current]
        if not group:
            continue
        lines.append("")
        lines.append(turn.t("actions.theme_header", theme=turn.t(f"action.theme_name.{current}")))
        for view in group:
            lead = places.get(view.action.lead_municipality_id or 0)
            lines.append(
                turn.t(
                    "actions.line",
                    number=view.action.number,
                    title=view.action.title,
                    status=turn.t(f"action.status.{view.action.status}"),
                    lead=lead.name if lead is not None else "—",
                    open=counts.get(view.action.id or 0, 0),
                )
            )
    await turn.reply("\n".join(lines))


def register(app: App) -> None:
    app.add_handlers([command("actie", action), command("acties", list_actions)])
