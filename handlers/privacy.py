"""What the bot keeps about people, a copy of it on request, and forgetting it.

`/mijngegevens` and `/vergeetmij` work only in a private chat: the data of one person is not
for the group to see, and only the person themselves can confirm its erasure.
"""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from handlers.runtime import App
from handlers.turn import Turn, button, command
from models.clusters import Role
from models.privacy import erase_user, personal_data, stores_anything

FORGET = "forget"


def _user_id(turn: Turn) -> int:
    assert turn.user is not None
    return turn.user.id


async def privacy(turn: Turn) -> None:
    """What is stored, why, for how long, and who sees it."""
    await turn.say("privacy.explained")


async def my_data(turn: Turn) -> None:
    """Everything stored about the sender, as a JSON file."""
    data = await personal_data(turn.session, user_id=_user_id(turn))
    if not stores_anything(data):
        await turn.say("privacy.nothing_stored")
        return
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await turn.reply(turn.tn("privacy.my_data", len(data["memberships"])))
    await turn.context.bot.send_document(
        turn.chat_id,
        document=InputFile(content, filename="mijngegevens.json"),
        message_thread_id=turn.thread_id,
    )


async def forget_me(turn: Turn) -> None:
    """Ask for confirmation first: erasing cannot be undone."""
    data = await personal_data(turn.session, user_id=_user_id(turn))
    if not stores_anything(data):
        await turn.say("privacy.nothing_stored")
        return
    clusters = sorted({m["cluster"] for m in data["memberships"]} | set(data["facilitator_of"]))
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(turn.t("privacy.forget_yes"), callback_data=f"{FORGET}:yes")],
            [InlineKeyboardButton(turn.t("privacy.forget_no"), callback_data=f"{FORGET}:no")],
        ]
    )
    await turn.reply(
        turn.tn(
            "privacy.forget_confirm",
            sum(1 for a in data["agreements"] if a["owner"]),
            clusters=", ".join(clusters),
        ),
        reply_markup=keyboard,
    )


async def forget_pressed(turn: Turn) -> None:
    """The confirm button: erase now, or leave everything as it is."""
    query = turn.query
    assert query is not None and query.data is not None
    if not turn.is_private:
        await query.answer(turn.t("chat.private_only"), show_alert=True)
        return
    if query.data != f"{FORGET}:yes":
        await query.answer()
        await query.edit_message_text(turn.t("privacy.forget_cancelled"))
        return
    erasure = await erase_user(turn.session, user_id=_user_id(turn), now=turn.now)
    await turn.session.commit()
    await query.answer()
    await query.edit_message_text(
        turn.t(
            "privacy.forgotten",
            clusters=turn.tn("count.clusters", len(erasure.clusters)),
            agreements=turn.tn("privacy.forgotten_agreements", erasure.agreements_recredited),
        )
    )


def register(app: App) -> None:
    app.add_handlers(
        [
            command("privacy", privacy),
            command("mijngegevens", my_data),
            command("vergeetmij", forget_me),
            button(FORGET, forget_pressed, role=Role.ANYONE),
        ]
    )
