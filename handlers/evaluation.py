"""Taking stock: three short evaluation questions per municipality, in the last phase.

The sweep asks each municipality once, in the group, with three buttons (what worked, what to
keep, what to stop). A button posts the question as a message to answer by reply; the reply is
stored as a lesson of the cluster with its municipality and question, so the answers show up in
`/leerpunten`, the readiness check and the year report.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from handlers import sending
from handlers.i18n import t
from handlers.render import callback_text
from handlers.runtime import App
from handlers.turn import Turn, button, run_turn
from models.clusters import Cluster, Municipality, Role
from models.errors import DomainError
from models.lessons import (
    QUESTIONS,
    answer_evaluation,
    ask_evaluations,
    get_evaluation,
    prompt_replied_to,
    remember_prompt,
)

log = logging.getLogger(__name__)

BUTTON_PREFIX = "eval"


def question_label(lang: str, question: str) -> str:
    return str(t(lang, f"evaluation.question.{question}"))


async def ask(bot: Bot, session: AsyncSession, *, cluster: Cluster, now: dt.datetime) -> int:
    """Put the questions to every municipality not asked yet; returns how many were asked."""
    lang = cluster.language
    asked = await ask_evaluations(session, cluster=cluster, now=now)
    for evaluation, place in asked:
        assert evaluation.id is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, f"evaluation.button.{question}"),
                        callback_data=f"{BUTTON_PREFIX}:{evaluation.id}:{question}",
                    )
                ]
                for question in QUESTIONS
            ]
        )
        message = await sending.send(
            bot,
            session,
            chat_id=cluster.chat_id,
            text=t(lang, "evaluation.asked", municipality=place.name),
            cluster=cluster,
            thread_id=cluster.digest_thread_id,
            reply_markup=keyboard,
        )
        evaluation.message_id = message.message_id
        session.add(evaluation)
    return len(asked)


async def press(turn: Turn) -> None:
    """A question button: the question comes as a message to answer by reply."""
    query = turn.query
    assert query is not None
    cluster = turn.require_cluster()
    parts = (query.data or "").split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in QUESTIONS:
        raise DomainError("evaluation.unknown")
    evaluation = await get_evaluation(turn.session, cluster=cluster, evaluation_id=int(parts[1]))
    place = await turn.session.get(Municipality, evaluation.municipality_id)
    question = parts[2]
    # ForceReply opens the reply field, so the answer is tied to this very question.
    prompt = await turn.context.bot.send_message(
        turn.chat_id,
        turn.t(
            "evaluation.prompt",
            municipality=place.name if place else "?",
            question=question_label(turn.lang, question),
        ),
        message_thread_id=turn.thread_id,
        reply_markup=ForceReply(
            input_field_placeholder=callback_text(turn.t("evaluation.placeholder"))
        ),
    )
    remember_prompt(evaluation, message_id=prompt.message_id, question=question)
    turn.session.add(evaluation)
    try:
        await query.answer()
    except TelegramError:
        log.info("could not answer an evaluation button", exc_info=True)


async def answered(turn: Turn) -> None:
    """A reply to one of the bot's messages: stored if it answers an evaluation question."""
    message = turn.message
    cluster = turn.cluster
    if cluster is None or message is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != turn.context.bot.id:
        return
    found = await prompt_replied_to(turn.session, cluster=cluster, message_id=replied.message_id)
    if found is None:
        return  # a reply to another bot message: nothing to do, and nothing to say
    evaluation, question = found
    place = await turn.session.get(Municipality, evaluation.municipality_id)
    await answer_evaluation(
        turn.session,
        cluster=cluster,
        evaluation=evaluation,
        question=question,
        text=message.text or "",
        by=turn.member,
        now=turn.now,
    )
    await turn.say(
        "evaluation.thanks",
        municipality=place.name if place else "?",
        question=question_label(turn.lang, question),
    )


async def _on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_turn(update, context, None, answered, button_role=Role.ANYONE)


def register(app: App) -> None:
    app.add_handler(button(BUTTON_PREFIX, press, role=Role.MEMBER))
    # Its own group: a plain reply must not stop other message handlers, nor they this one.
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.REPLY & filters.TEXT & ~filters.COMMAND, _on_reply
        ),
        group=1,
    )
