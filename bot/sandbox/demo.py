"""Who is in the sandbox, and the demo cluster they set up by talking to the bot.

The demo is made the way a real cluster is: a facilitator registers the groups and people type
commands and press buttons. Nothing is written to the database behind the bot's back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduler.calendar import CalendarRules, add_working_days

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox


@dataclass(frozen=True)
class Persona:
    key: str
    id: int
    first_name: str
    last_name: str
    username: str
    role: str  # what the picker says about them
    language: str = "nl"
    facilitator: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.id,
            "name": self.name,
            "username": self.username,
            "role": self.role,
            "language": self.language,
            "facilitator": self.facilitator,
        }


@dataclass(frozen=True)
class ChatSpec:
    key: str
    id: int
    type: str
    title: str
    forum: bool = False
    admins: frozenset[int] = frozenset()


FIEN = Persona("fien", 5_100_001, "Fien", "Facilitator", "fien", "facilitator", facilitator=True)
AN = Persona("an", 5_100_002, "An", "Peeters", "an", "Pajottegem")
BRAM = Persona("bram", 5_100_003, "Bram", "De Smet", "bram", "Bever")
CELINE = Persona("celine", 5_100_004, "Céline", "Dubois", "celine", "Pepingen", language="fr")
DIRK = Persona("dirk", 5_100_005, "Dirk", "Janssens", "dirk", "Herent")
PERSONAS = (FIEN, AN, BRAM, CELINE, DIRK)

DEMO = ChatSpec("demo", -4_100_000_001, "group", "Klimaatcluster Demo")
LEUVEN = ChatSpec("leuven", -4_100_000_002, "group", "Klimaatcluster Leuven")
DIJLELAND = ChatSpec(
    "dijleland", -1_004_100_000_003, "supergroup", "Klimaatcluster Dijleland", forum=True
)
CHATS = (DEMO, LEUVEN, DIJLELAND)


def _day(sandbox: Sandbox, working_days: int) -> str:
    """A working day ahead, written as Flemings type it (`12/3/2027`)."""
    today = sandbox.local_now().date()
    day: dt.date = add_working_days(today, working_days, CalendarRules(tz=sandbox.tz))
    return f"{day.day}/{day.month}/{day.year}"


async def build(sandbox: Sandbox) -> None:
    """Klimaatcluster Demo with three municipalities, agreements and an open poll; a second
    cluster; and a group with topics."""
    d = lambda n: _day(sandbox, n)  # noqa: E731
    demo = DEMO.id
    await sandbox.say(FIEN, demo, "/start")
    await sandbox.say(FIEN, demo, "/gemeenten + Pajottegem, Bever, Pepingen")
    await sandbox.say(AN, demo, "/gemeente Pajottegem")
    await sandbox.say(BRAM, demo, "/gemeente Bever")
    await sandbox.say(CELINE, demo, "/gemeente Pepingen")
    await sandbox.say(
        FIEN, demo, "/actie Groepsaankoop dakisolatie en zonnepanelen #energie #Pepingen #Bever"
    )
    await sandbox.say(
        BRAM,
        demo,
        f"/afspraak Gedeelde campagnetekst voor elke gemeentelijke nieuwsbrief @bram #Bever "
        f"tegen {d(8)}",
    )
    await sandbox.say(
        AN, demo, f"/afspraak Klimaattafel in één wijk voorbereiden @an #Pajottegem tegen {d(15)}"
    )
    await sandbox.say(
        CELINE,
        demo,
        f"/afspraak Infoavond dakisolatie in Lennik voorbereiden @celine #Pepingen "
        f"tegen {d(3)} actie 1",
    )
    await sandbox.say(
        FIEN, demo, "/besluit We vergaderen om de zes weken, telkens in een andere gemeente"
    )
    await sandbox.say(FIEN, demo, f"/datumprikker {d(6)} 14u; {d(7)} 10u; {d(8)} 14u")
    poll = next(m for m in reversed(sandbox.fake.sent) if m.chat_id == demo and m.buttons)
    first_yes = next(b["callback_data"] for b in poll.buttons[0] if "✅" in b["text"])
    await sandbox.press(FIEN, demo, poll.message_id, first_yes)

    leuven = LEUVEN.id
    await sandbox.say(FIEN, leuven, "/start")
    await sandbox.say(FIEN, leuven, "/gemeenten + Herent, Kortenberg, Bertem")
    await sandbox.say(DIRK, leuven, "/gemeente Herent")
    await sandbox.say(
        DIRK, leuven, f"/afspraak Fietsstraten rond de scholen in kaart brengen @dirk tegen {d(10)}"
    )

    forum = DIJLELAND.id
    await sandbox.say(FIEN, forum, "/start")
    await sandbox.say(FIEN, forum, "/gemeenten + Oud-Heverlee, Huldenberg")
    energy = await sandbox.create_topic(FIEN, forum, "Energie")
    await sandbox.say(FIEN, forum, "/thema energie", thread=energy)
    mobility = await sandbox.create_topic(FIEN, forum, "Mobiliteit")
    await sandbox.say(FIEN, forum, "/thema mobiliteit", thread=mobility)
    await sandbox.say(
        FIEN, forum, "/actie Energiescan van de gemeentelijke gebouwen #OudHeverlee", thread=energy
    )
