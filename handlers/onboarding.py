"""A group becomes a cluster: registration, municipalities, members, roles and language."""

from __future__ import annotations

import logging
import re

from telegram import ChatMember, ChatMemberUpdated, MessageEntity, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ChatMemberHandler, ContextTypes, MessageHandler, filters

from handlers.i18n import Html, t
from handlers.menu import visible
from handlers.render import plain_name
from handlers.runtime import App, runtime_of
from handlers.turn import Turn, command
from models import clusters
from models.clusters import Member, Role
from models.errors import DomainError
from models.nudges import PlannedRow, sync_planned
from scheduler.replan import replan_trajectory
from scheduler.sweep import replan_digest

log = logging.getLogger(__name__)


async def start(turn: Turn) -> None:
    """The facilitator registers the group; in private, a welcome."""
    if turn.is_private:
        await turn.reply(turn.t("start.private") + "\n\n" + _help_text(turn))
        return
    if turn.cluster is not None:
        await turn.say("start.already", title=turn.cluster.title)
        return
    if not turn.is_facilitator:
        await turn.say("cluster.not_registered")
        return
    chat = turn.update.effective_chat
    assert chat is not None and turn.user is not None
    cluster, _ = await clusters.register_cluster(
        turn.session,
        chat_id=chat.id,
        title=chat.title or str(chat.id),
        language=turn.runtime.default_language,
        timezone=turn.runtime.timezone,
        facilitator_user_id=turn.user.id,
        is_forum=bool(chat.is_forum),
        now=turn.now,
    )
    turn.cluster = cluster
    turn.lang = cluster.language
    await replan_trajectory(turn.session, cluster=cluster, now=turn.now)
    turn.member = await clusters.touch_member(
        turn.session,
        cluster=cluster,
        user_id=turn.user.id,
        name=turn.user.full_name,
        username=turn.user.username,
        now=turn.now,
    )
    # The weekly digest is planned here and whenever it is sent, not looked for by every sweep.
    await replan_digest(turn.session, cluster=cluster, now=turn.now)
    await turn.say("start.registered", title=cluster.title)


async def help_(turn: Turn) -> None:
    """The commands this user may use here."""
    if not turn.is_private and turn.cluster is None:
        await turn.reply(turn.t("cluster.not_registered") + "\n\n" + _help_text(turn))
        return
    if turn.role == Role.MEMBER:
        await turn.has_role(Role.COORDINATOR)
    await turn.reply(_help_text(turn))


def _help_text(turn: Turn) -> str:
    lines: list[str] = [turn.t("help.title")]
    for spec in visible(private=turn.is_private, role=turn.role):
        lines.append(f"/{spec.shown_name(turn.lang)} — {turn.t('cmd.' + spec.name)}")
    return "\n".join(lines)


async def show_or_rename_cluster(turn: Turn) -> None:
    """Without arguments the cluster at a glance; with a name, a rename (coordinator+)."""
    cluster = turn.require_cluster()
    if turn.text_args:
        await turn.require(Role.COORDINATOR)
        await clusters.rename_cluster(
            turn.session, cluster=cluster, title=turn.text_args, by=turn.member, now=turn.now
        )
        await turn.say("cluster.renamed", title=cluster.title)
        return
    municipalities = await clusters.municipalities_of(turn.session, cluster=cluster)
    everyone = await clusters.members_of(turn.session, cluster=cluster)
    # Only who is in the group now; who left and who was named but never wrote, apart.
    members = [m for m in everyone if not m.has_left and not m.is_pending]
    facilitator_ids = turn.runtime.facilitator_ids
    lines = [turn.t("cluster.title", title=cluster.title)]
    if not municipalities:
        lines.append(turn.t("cluster.no_municipalities"))
    for municipality in municipalities:
        names = [plain_name(m) for m in members if m.municipality_id == municipality.id]
        lines.append(
            turn.t(
                "cluster.municipality_line",
                name=municipality.name,
                members=", ".join(names) or turn.t("cluster.nobody"),
            )
        )
    unassigned = [
        plain_name(m)
        for m in members
        if m.municipality_id is None and m.user_id not in facilitator_ids
    ]
    if unassigned:
        lines.append(turn.t("cluster.unassigned", members=", ".join(unassigned)))
    facilitators = [plain_name(m) for m in members if m.user_id in facilitator_ids]
    coordinators = [plain_name(m) for m in members if m.role == Role.COORDINATOR]
    # After the hand-over the facilitator is the former one: still reading, no longer in charge.
    facilitators_key = (
        "cluster.former_facilitators" if cluster.handed_over_at else "cluster.facilitators"
    )
    lines.append(turn.t(facilitators_key, names=", ".join(facilitators) or "—"))
    lines.append(turn.t("cluster.coordinators", names=", ".join(coordinators) or "—"))
    pending = [plain_name(m) for m in everyone if m.is_pending]
    if pending:
        lines.append(turn.t("cluster.pending", names=", ".join(pending)))
    left = [plain_name(m) for m in everyone if m.has_left]
    if left:
        lines.append(turn.t("cluster.left", names=", ".join(left)))
    await turn.reply("\n".join(lines))


async def municipalities(turn: Turn) -> None:
    """List; `+ A, B` adds; `- A` removes (coordinator+)."""
    cluster = turn.require_cluster()
    text = turn.text_args
    if not text:
        found = await clusters.municipalities_of(turn.session, cluster=cluster)
        if not found:
            await turn.say("municipalities.none")
            return
        lines = [turn.t("municipalities.title", count=len(found))]
        for m in found:
            extra = turn.tn("municipalities.inhabitants", m.inhabitants) if m.inhabitants else ""
            lines.append(turn.t("municipalities.line", name=m.name, extra=Html(extra)))
        await turn.reply("\n".join(lines))
        return
    sign, rest = text[0], text[1:].strip()
    if sign not in "+-":
        raise DomainError("municipalities.usage")
    await turn.require(Role.COORDINATOR)
    names = clusters.split_names(rest)
    if sign == "+":
        added, already = await clusters.add_municipalities(
            turn.session, cluster=cluster, names=names, by=turn.member, now=turn.now
        )
        lines = []
        if added:
            lines.append(turn.t("municipalities.added", names=", ".join(m.name for m in added)))
        if already:
            lines.append(turn.t("municipalities.already", names=", ".join(already)))
        await turn.reply("\n".join(lines))
        return
    if len(names) != 1:
        raise DomainError("municipalities.remove_one")
    removed = await clusters.remove_municipality(
        turn.session, cluster=cluster, name=names[0], by=turn.member, now=turn.now
    )
    await turn.say("municipalities.removed", name=removed.name)


async def my_municipality(turn: Turn) -> None:
    """The sender says which municipality they work for."""
    cluster = turn.require_cluster()
    if not turn.text_args:
        raise DomainError("municipality.usage")
    municipality = await clusters.set_member_municipality(
        turn.session,
        cluster=cluster,
        member=turn.require_member(),
        text=turn.text_args.lstrip("#"),
        now=turn.now,
    )
    await turn.say("municipality.set", name=plain_name(turn.member), municipality=municipality.name)


_INHABITANTS = re.compile(r"^(?P<name>.+?)\s+(?P<count>\d{1,3}(?:[. ]\d{3})+|\d+)$")


async def inhabitants(turn: Turn) -> None:
    """Inhabitants per municipality, the weights of `/kosten inwoners`."""
    match = _INHABITANTS.match(turn.text_args)
    if match is None:
        raise DomainError("inhabitants.usage")
    count = int(re.sub(r"[. ]", "", match["count"]))
    municipality = await clusters.set_inhabitants(
        turn.session,
        cluster=turn.require_cluster(),
        text=match["name"].lstrip("#"),
        inhabitants=count,
        by=turn.member,
        now=turn.now,
    )
    await turn.reply(
        turn.tn(
            "inhabitants.set", count, name=municipality.name, count=f"{count:,}".replace(",", ".")
        )
    )


async def make_coordinator(turn: Turn) -> None:
    """Make a member coordinator: `/coordinator @user`, or as a reply to their message."""
    cluster = turn.require_cluster()
    target = await mentioned_member(turn)
    if target is None:
        raise DomainError("coordinator.usage")
    changed = await clusters.make_coordinator(
        turn.session, cluster=cluster, member=target, by=turn.member, now=turn.now
    )
    await turn.say(
        "coordinator.done" if changed else "coordinator.already", name=plain_name(target)
    )


async def mentioned_member(turn: Turn) -> Member | None:
    """The member named by a mention entity, `@username`, or the replied-to message's author."""
    cluster = turn.require_cluster()
    message = turn.message
    assert message is not None
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and entity.user:
            user = entity.user
            return await clusters.touch_member(
                turn.session,
                cluster=cluster,
                user_id=user.id,
                name=user.full_name,
                username=user.username,
                now=turn.now,
            )
        if entity.type == MessageEntity.MENTION:
            username = message.parse_entity(entity)
            found = await clusters.find_member_by_username(
                turn.session, cluster=cluster, username=username
            )
            if found is None:
                raise DomainError("member.unknown_username", username=username)
            return found
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and not reply.from_user.is_bot:
        user = reply.from_user
        return await clusters.touch_member(
            turn.session,
            cluster=cluster,
            user_id=user.id,
            name=user.full_name,
            username=user.username,
            now=turn.now,
        )
    return None


async def language(turn: Turn) -> None:
    """Switch the cluster's language."""
    cluster = turn.require_cluster()
    if not turn.text_args:
        raise DomainError("cluster.language_usage", current=cluster.language)
    await clusters.set_language(
        turn.session, cluster=cluster, language=turn.text_args, by=turn.member, now=turn.now
    )
    turn.lang = cluster.language
    await turn.say("cluster.language_set")


async def bot_membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added: greet and explain registration. Removed: the cluster goes inactive, data kept."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    runtime = runtime_of(context.bot_data)
    was_in = change.old_chat_member.status in _PRESENT
    is_in = change.new_chat_member.status in _PRESENT
    async with runtime.sessions() as session:
        cluster = await clusters.get_cluster(session, change.chat.id)
        if was_in and not is_in:
            await clusters.deactivate_cluster(session, chat_id=change.chat.id)
            await session.commit()
            log.info("removed from chat %s; cluster kept inactive", change.chat.id)
            return
        if is_in and not was_in:
            lang = runtime.default_language
            if cluster is not None:
                cluster.status = clusters.ClusterStatus.ACTIVE
                session.add(cluster)
                await replan_digest(session, cluster=cluster, now=runtime.clock.now())
                await session.commit()
                text = t(cluster.language, "bot.welcome_back", title=cluster.title)
            else:
                text = t(lang, "bot.added")
            await context.bot.send_message(change.chat.id, text)


_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def someone_left(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The `left_chat_member` service message: shown as left from now on."""
    message = update.effective_message
    if message is None or message.left_chat_member is None:
        return
    await _departure(context, message.chat_id, message.left_chat_member, left=True)


async def someone_joined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The `new_chat_members` service message: someone who left is back."""
    message = update.effective_message
    if message is None:
        return
    for user in message.new_chat_members or ():
        await _departure(context, message.chat_id, user, left=False)


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A `chat_member` update (the bot is an admin): someone left, was removed, or came back."""
    change = update.chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    was_in = _is_in(change.old_chat_member)
    is_in = _is_in(change.new_chat_member)
    if was_in != is_in:
        await _departure(context, change.chat.id, change.new_chat_member.user, left=was_in)


def _is_in(member: ChatMember) -> bool:
    if member.status in _PRESENT:
        return True
    return member.status == ChatMemberStatus.RESTRICTED and bool(
        getattr(member, "is_member", False)
    )


async def _departure(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user: User, *, left: bool
) -> None:
    """Record a departure (and plan the message listing what to pass on) or a return."""
    if user.is_bot:
        return  # the bot's own membership is `bot_membership_changed`'s
    runtime = runtime_of(context.bot_data)
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        cluster = await clusters.get_cluster(session, chat_id)
        if cluster is None or not cluster.is_active:
            return
        if not left:
            await clusters.member_returned(session, cluster=cluster, user_id=user.id)
            await session.commit()
            return
        member = await clusters.member_left(session, cluster=cluster, user_id=user.id, now=now)
        if member is None:
            return
        assert cluster.id is not None and member.id is not None
        # A row, not a message now: it goes out at the next allowed moment, and lists what is
        # still open then.
        await sync_planned(
            session,
            cluster_id=cluster.id,
            subject_type="member",
            subject_id=member.id,
            planned=[
                PlannedRow("member_left", f"member:{member.id}:left:{now:%Y%m%dT%H%M%S}", now)
            ],
            now=now,
            kinds=["member_left"],
        )
        await session.commit()
        log.info("member %s left cluster %s", member.id, cluster.id)


async def chat_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group became a supergroup: the cluster moves to the new chat id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    runtime = runtime_of(context.bot_data)
    async with runtime.sessions() as session:
        if await clusters.migrate_chat(session, old_chat_id=old, new_chat_id=new):
            await session.commit()
            log.info("cluster moved from chat %s to %s", old, new)


def register(app: App) -> None:
    app.add_handlers(
        [
            command("start", start),
            command("hulp", help_),
            command("cluster", show_or_rename_cluster),
            command("gemeenten", municipalities),
            command("gemeente", my_municipality),
            command("inwoners", inhabitants),
            command("coordinator", make_coordinator),
            command("taal", language),
            ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            ChatMemberHandler(membership_changed, ChatMemberHandler.CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, someone_left),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, someone_joined),
            MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
        ]
    )
