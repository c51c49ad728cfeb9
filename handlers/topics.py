"""Forum topics: remember their names and state, and tie a topic to a theme with /thema."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from handlers.arguments import theme_of
from handlers.runtime import App, runtime_of
from handlers.turn import Turn, command
from models import topics
from models.clusters import Role, get_cluster
from models.errors import DomainError


async def theme(turn: Turn) -> None:
    """`/thema energie` inside a topic ties it to the theme; `/thema` alone shows the ties."""
    cluster = turn.require_cluster()
    assert cluster.id is not None
    word = turn.text_args.lstrip("#").strip()
    if not word:
        ties = [t for t in await topics.topics_of(turn.session, cluster_id=cluster.id) if t.theme]
        if not ties:
            await turn.say("topic.no_ties")
            return
        lines = [turn.t("topic.ties_title")]
        for topic in ties:
            lines.append(
                turn.t(
                    "topic.tie_line",
                    topic=topic.name or f"#{topic.thread_id}",
                    theme=turn.t(f"action.theme_name.{topic.theme}"),
                )
            )
        await turn.reply("\n".join(lines))
        return
    await turn.require(Role.COORDINATOR)
    if turn.thread_id is None:
        raise DomainError("topic.only_in_topic")
    if word.lower() in ("-", "uit", "off", "geen", "none"):
        await topics.tie_theme(
            turn.session, cluster_id=cluster.id, thread_id=turn.thread_id, theme=None
        )
        await turn.say("topic.untied")
        return
    found = theme_of(word)
    if found is None:
        raise DomainError("topic.unknown_theme", given=word)
    topic = await topics.tie_theme(
        turn.session, cluster_id=cluster.id, thread_id=turn.thread_id, theme=found.value
    )
    await turn.say(
        "topic.tied",
        topic=topic.name or f"#{topic.thread_id}",
        theme=turn.t(f"action.theme_name.{found.value}"),
    )


async def topic_theme(turn: Turn) -> str | None:
    """The theme of the topic the command was typed in (agreements and actions made there
    get it unless a `#thema` says otherwise)."""
    cluster = turn.cluster
    if cluster is None or cluster.id is None:
        return None
    return await topics.theme_of(turn.session, cluster_id=cluster.id, thread_id=turn.thread_id)


async def topic_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Service messages tell the bot a topic's name and whether it is open."""
    message = update.effective_message
    if message is None or message.message_thread_id is None:
        return
    name: str | None = None
    closed: bool | None = None
    if message.forum_topic_created:
        name, closed = message.forum_topic_created.name, False
    elif message.forum_topic_edited and message.forum_topic_edited.name:
        name = message.forum_topic_edited.name
    elif message.forum_topic_closed:
        closed = True
    elif message.forum_topic_reopened:
        closed = False
    runtime = runtime_of(context.bot_data)
    async with runtime.sessions() as session:
        cluster = await get_cluster(session, message.chat_id)
        if cluster is None or cluster.id is None:
            return
        await topics.remember_topic(
            session,
            cluster_id=cluster.id,
            thread_id=message.message_thread_id,
            name=name,
            closed=closed,
        )
        await session.commit()


def register(app: App) -> None:
    app.add_handlers(
        [
            command("thema", theme),
            MessageHandler(
                filters.StatusUpdate.FORUM_TOPIC_CREATED
                | filters.StatusUpdate.FORUM_TOPIC_EDITED
                | filters.StatusUpdate.FORUM_TOPIC_CLOSED
                | filters.StatusUpdate.FORUM_TOPIC_REOPENED,
                topic_changed,
            ),
        ]
    )
