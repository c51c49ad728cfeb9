"""The update stream of the throughput benchmarks: busy clusters, as their members type.

Each cluster is registered first (untimed): the facilitator says /start and names four
municipalities, each member picks one, and a meeting poll is posted. The timed stream then mixes
`/afspraak` with Flemish dates, `/afspraken`, `/klaar N` and presses on the poll, interleaved
across clusters so every chat is busy at once.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the bot processes import this module: the fake (aiohttp and all) stays out
    from bench.fake import FakeTelegram, SentMessage

FACILITATOR_ID = 900_000_001
PLACES = ["Pajottegem", "Bever", "Pepingen", "Lennik"]
DATES = ["15/3", "15 maart", "over 2 weken", "eind januari", "volgende dinsdag", "vr 19/3"]
MARKS = ["✅", "❔", "❌"]
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+")
_MENTION = re.compile(r"@[A-Za-z0-9_]{4,}|#\w+")


@dataclass
class ClusterChat:
    chat_id: int
    title: str
    users: list[dict[str, Any]]
    poll: SentMessage | None = None
    agreements: int = 0
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10_000))

    def chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": "group", "title": self.title}


FACILITATOR = {
    "id": FACILITATOR_ID, "is_bot": False, "first_name": "Fien", "username": "fien_fac",
    "language_code": "nl",
}  # fmt: skip


def clusters(count: int, members: int = 5) -> list[ClusterChat]:
    made = []
    for c in range(count):
        users = [
            {
                "id": 10_000_000 + c * 100 + m,
                "is_bot": False,
                "first_name": f"Persoon{m}",
                "username": f"p{c}_{m}",
                "language_code": "nl",
            }
            for m in range(members)
        ]
        made.append(ClusterChat(-(4_100_000_000 + c), f"Klimaatcluster {c}", users))
    return made


def register_chats(fake: FakeTelegram, chats: list[ClusterChat]) -> None:
    for chat in chats:
        fake.chat(chat.chat_id, "group", chat.title)


def message(chat: ClusterChat, user: dict[str, Any], text: str) -> dict[str, Any]:
    entities = []
    command = _COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
    for match in _MENTION.finditer(text):
        kind = "mention" if match.group().startswith("@") else "hashtag"
        entities.append({"type": kind, "offset": match.start(), "length": len(match.group())})
    body = {
        "message_id": next(chat._message_ids),
        "date": 1_700_000_000,
        "chat": chat.chat(),
        "from": user,
        "text": text,
    }
    if entities:
        body["entities"] = entities
    return {"message": body}


def setup(chats: list[ClusterChat]) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = []
    for chat in chats:
        updates.append(message(chat, FACILITATOR, "/start"))
        updates.append(message(chat, FACILITATOR, f"/gemeenten + {', '.join(PLACES)}"))
        for m, user in enumerate(chat.users):
            updates.append(message(chat, user, f"/gemeente {PLACES[m % 4]}"))
        updates.append(
            message(chat, chat.users[0], "/datumprikker ma 7/12 14u; di 8/12 10u; wo 9/12 13u30")
        )
    return updates


def find_polls(fake: FakeTelegram, chats: list[ClusterChat]) -> None:
    """The poll message of each chat, as the fake holds it, for the presses."""
    by_chat = {chat.chat_id: chat for chat in chats}
    for sent in fake.sent:
        chat = by_chat.get(sent.chat_id)
        if chat is not None and sent.buttons:
            chat.poll = sent


_query_ids = itertools.count(1)


def press(fake: FakeTelegram, chat: ClusterChat, user: dict[str, Any], i: int) -> dict[str, Any]:
    poll = chat.poll
    if poll is None:  # the anchor posts no poll: press a button it never made
        data, body = "vote:0:0:yes", message(chat, FACILITATOR, "poll")["message"]
    else:
        row = poll.buttons[i % 3]
        button = next(b for b in row if MARKS[i % 3] in b["text"])
        data, body = button["callback_data"], fake._message_dict(poll)
    return {
        "callback_query": {
            "id": str(next(_query_ids)),
            "from": user,
            "chat_instance": str(chat.chat_id),
            "message": body,
            "data": data,
        }
    }


def timed(
    fake: FakeTelegram, chats: list[ClusterChat], per_cluster: int, *, presses: bool = True
) -> list[dict[str, Any]]:
    """`per_cluster` updates for each cluster, interleaved across clusters; without `presses`
    the poll presses are left out (for chats whose poll the stream did not post)."""
    updates: list[dict[str, Any]] = []
    for i in range(per_cluster):
        for c, chat in enumerate(chats):
            user = chat.users[(i + c) % len(chat.users)]
            step = i % 5
            if step in (0, 1):
                owner = chat.users[(i // 2) % len(chat.users)]["username"]
                place = PLACES[i % 4]
                date = DATES[(i + c) % len(DATES)]
                text = f"/afspraak Taak {i} @{owner} #{place} tegen {date}"
                updates.append(message(chat, user, text))
                chat.agreements += 1
            elif step == 2 and presses:
                updates.append(press(fake, chat, user, i))
            elif step in (2, 3):
                updates.append(message(chat, user, "/afspraken"))
            else:
                number = max(1, chat.agreements - 1)
                updates.append(message(chat, user, f"/klaar {number}"))
    return updates
