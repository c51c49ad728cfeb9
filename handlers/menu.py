"""Every command in one declaration: names, who may use it, and where.

`/hulp`, Telegram's command menu (`setMyCommands`) and the permission check all read this table,
so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.clusters import Role


class Where(StrEnum):
    GROUP = "group"
    PRIVATE = "private"
    ANY = "any"


@dataclass(frozen=True)
class CommandSpec:
    name: str  # canonical Dutch name
    alias: str | None  # English alias; both work in every language
    role: Role  # the least role that may use it
    where: Where

    @property
    def names(self) -> list[str]:
        return [self.name] + ([self.alias] if self.alias and self.alias != self.name else [])

    def shown_name(self, lang: str) -> str:
        return self.alias if lang == "en" and self.alias else self.name

    def allowed_in(self, *, private: bool) -> bool:
        return self.where == Where.ANY or (self.where == Where.PRIVATE) == private


_ = CommandSpec
A, M, C, F = Role.ANYONE, Role.MEMBER, Role.COORDINATOR, Role.FACILITATOR
G, P, X = Where.GROUP, Where.PRIVATE, Where.ANY

COMMANDS: tuple[CommandSpec, ...] = (
    _("start", None, A, X),
    _("hulp", "help", A, X),
    _("cluster", None, M, G),
    _("gemeenten", "municipalities", M, G),
    _("gemeente", "municipality", M, G),
    _("inwoners", "inhabitants", C, G),
    _("coordinator", None, C, G),
    _("taal", "language", C, G),
    _("instellingen", "settings", C, G),
    _("afspraak", "agreement", M, G),
    _("besluit", "decision", M, G),
    _("afspraken", "agreements", M, G),
    _("klaar", "done", M, G),
    _("uitstel", "postpone", M, G),
    _("schrap", "drop", M, G),
    _("actie", "action", M, G),
    _("acties", "actions", M, G),
    _("datumprikker", "meetingpoll", M, G),
    _("sluit", "close", C, G),
    _("vergadering", "meeting", M, G),
    _("vergaderingen", "meetings", M, G),
    _("agenda", None, M, G),
    _("verslag", "minutes", M, G),
    _("overzicht", "digest", M, G),
    _("thema", "theme", M, G),
    _("leerpunt", "lesson", M, G),
    _("praktijkvoorbeeld", "practice", M, G),
    _("leerpunten", "lessons", M, X),
    _("kosten", "costs", C, G),
    _("export", None, C, X),
    _("traject", "trajectory", M, X),
    _("plan", None, M, G),
    _("overdracht", "handover", F, G),
    _("clusters", None, F, P),
    _("rondzenden", "broadcast", F, P),
    _("privacy", None, A, X),
    _("mijngegevens", "mydata", A, P),
    _("vergeetmij", "forgetme", A, P),
)

BY_NAME: dict[str, CommandSpec] = {name: spec for spec in COMMANDS for name in spec.names}


def spec(name: str) -> CommandSpec:
    return BY_NAME[name]


def visible(*, private: bool, role: Role) -> list[CommandSpec]:
    """The commands this role may use in this kind of chat, in menu order."""
    return [c for c in COMMANDS if c.allowed_in(private=private) and role.rank >= c.role.rank]
