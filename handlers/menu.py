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
    alias: str | None  # English alias; every name works in every language
    role: Role  # the least role that may use it
    where: Where
    french: str | None = None  # French alias, shown in French; may equal the English one

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(n for n in (self.name, self.alias, self.french) if n))

    def shown_name(self, lang: str) -> str:
        shown = {"en": self.alias, "fr": self.french}.get(lang)
        return shown or self.name

    def allowed_in(self, *, private: bool) -> bool:
        return self.where == Where.ANY or (self.where == Where.PRIVATE) == private


_ = CommandSpec
A, M, C, F = Role.ANYONE, Role.MEMBER, Role.COORDINATOR, Role.FACILITATOR
G, P, X = Where.GROUP, Where.PRIVATE, Where.ANY

COMMANDS: tuple[CommandSpec, ...] = (
    _("start", None, A, X),
    _("hulp", "help", A, X, "aide"),
    _("cluster", None, M, G),
    _("gemeenten", "municipalities", M, G, "communes"),
    _("gemeente", "municipality", M, G, "commune"),
    _("inwoners", "inhabitants", C, G, "habitants"),
    _("coordinator", None, C, G, "coordinateur"),
    _("taal", "language", C, G, "langue"),
    _("instellingen", "settings", C, G, "parametres"),
    _("afspraak", "agreement", M, G, "accord"),
    _("besluit", "decision", M, G, "decision"),
    _("afspraken", "agreements", M, G, "accords"),
    _("klaar", "done", M, G, "fait"),
    _("uitstel", "postpone", M, G, "reporter"),
    _("schrap", "drop", M, G, "supprimer"),
    _("actie", "action", M, G, "action"),
    _("acties", "actions", M, G, "actions"),
    _("datumprikker", "meetingpoll", M, G, "sondage"),
    _("sluit", "close", C, G, "fermer"),
    _("vergadering", "meeting", M, G, "reunion"),
    _("vergaderingen", "meetings", M, G, "reunions"),
    _("agenda", None, M, G),
    _("verslag", "minutes", M, G, "compterendu"),
    _("overzicht", "digest", M, G, "resume"),
    _("thema", "theme", M, G, "theme"),
    _("leerpunt", "lesson", M, G, "lecon"),
    _("praktijkvoorbeeld", "practice", M, G, "bonnepratique"),
    _("leerpunten", "lessons", M, X, "lecons"),
    _("kosten", "costs", C, G, "couts"),
    _("export", None, C, X),
    _("traject", "trajectory", M, X, "trajet"),
    _("plan", None, M, G, "plan"),
    _("overdracht", "handover", F, G, "passation"),
    _("clusters", None, F, P),
    _("rondzenden", "broadcast", F, P, "diffuser"),
    _("privacy", None, A, X, "confidentialite"),
    _("mijngegevens", "mydata", A, P, "mesdonnees"),
    _("vergeetmij", "forgetme", A, P, "oubliermoi"),
)

BY_NAME: dict[str, CommandSpec] = {name: spec for spec in COMMANDS for name in spec.names}


def spec(name: str) -> CommandSpec:
    return BY_NAME[name]


def visible(*, private: bool, role: Role) -> list[CommandSpec]:
    """The commands this role may use in this kind of chat, in menu order."""
    return [c for c in COMMANDS if c.allowed_in(private=private) and role.rank >= c.role.rank]
