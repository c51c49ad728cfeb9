"""French-speaking members type French command names; a command the bot does not know gets
the closest names it does know, in the chat's language."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from handlers.menu import COMMANDS, Where
from models.actions import Action, ActionStatus
from models.agreements import Agreement
from models.clusters import Cluster, Member
from tests.e2e.harness import Chat, Person, World


async def french_cluster(world: World) -> tuple[Chat, Person, Person]:
    group = world.group("Cluster Comines-Warneton")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/taal fr")
    await fien.says("/communes + Comines-Warneton, Mouscron")
    pierre = group.person("Pierre", username="pierre", language_code="fr")
    assert "Mouscron" in (await pierre.says("/commune Mouscron")).text
    return group, fien, pierre


async def agreements_of(world: World, group: Chat) -> list[Agreement]:
    async with world.session() as session:
        cluster = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        rows = await session.exec(
            select(Agreement).where(Agreement.cluster_id == cluster.id).order_by(col(Agreement.id))
        )
        return list(rows.all())


async def test_accord_in_a_french_cluster_records_the_agreement_with_its_due_date(
    world: World,
) -> None:
    group, _, pierre = await french_cluster(world)
    marie = group.person("Marie", language_code="fr")
    reply = await marie.says(
        "/accord Texte commun pour les bulletins communaux @pierre avant le jeudi 6 mai"
    )
    assert "jeudi 6 mai 2027" in reply.text, reply.text
    assert "Pierre" in reply.text
    [agreement] = await agreements_of(world, group)
    assert agreement.text == "Texte commun pour les bulletins communaux"
    assert agreement.due_date == dt.date(2027, 5, 6)
    async with world.session() as session:
        owner = await session.get(Member, agreement.owner_member_id)
        assert owner is not None and owner.username == "pierre"
    # The other French names act on it too.
    listed = (await pierre.says("/accords mes")).text
    assert "Texte commun" in listed
    assert "vendredi 7 mai 2027" in (await pierre.says("/reporter 1 vendredi 7 mai")).text
    assert [a.due_date for a in await agreements_of(world, group)] == [dt.date(2027, 5, 7)]
    assert "Texte commun" not in (await pierre.says("/accords en retard")).text
    assert "1" in (await pierre.says("/fait 1")).text
    assert "Texte commun" in (await pierre.says("/accords tous")).text
    assert "Texte commun" not in (await pierre.says("/accords ouverts")).text


def _french(where: Where) -> list[tuple[str, str]]:
    return [(c.name, c.french) for c in COMMANDS if c.french and c.where == where]


@pytest.mark.parametrize(("dutch", "french"), _french(Where.GROUP) + _french(Where.ANY))
async def test_every_french_name_in_a_group_answers_as_its_dutch_name(
    world: World, dutch: str, french: str
) -> None:
    _, fien, _ = await french_cluster(world)
    as_dutch = await fien.says(f"/{dutch}")
    as_french = await fien.says(f"/{french}")
    assert as_dutch.text, f"/{dutch} said nothing"
    assert as_french.text == as_dutch.text
    assert [m.document[0] if m.document else None for m in as_french] == [
        m.document[0] if m.document else None for m in as_dutch
    ]


@pytest.mark.parametrize(("dutch", "french"), _french(Where.PRIVATE) + _french(Where.ANY))
async def test_every_french_name_in_private_answers_as_its_dutch_name(
    world: World, dutch: str, french: str
) -> None:
    fien = world.group("Cluster Comines-Warneton").facilitator.in_private()
    as_dutch = await fien.says(f"/{dutch}")
    as_french = await fien.says(f"/{french}")
    assert as_dutch.text, f"/{dutch} said nothing"
    assert as_french.text == as_dutch.text


async def test_the_french_menu_and_help_show_french_names(world: World) -> None:
    menus = world.fake.commands
    group_fr = next(v for (s, lang), v in menus.items() if "group" in s and lang == "fr")
    names = {c["command"] for c in group_fr}
    assert {"accord", "accords", "fait", "reporter", "supprimer", "sondage", "reunion"} <= names
    assert {"aide", "communes", "commune", "langue", "parametres", "lecon", "couts"} <= names
    assert not names & {"afspraak", "afspraken", "klaar", "hulp", "gemeenten"}
    private_fr = next(v for (s, lang), v in menus.items() if "all_private" in s and lang == "fr")
    assert {"aide", "confidentialite", "mesdonnees", "oubliermoi"} <= {
        c["command"] for c in private_fr
    }
    # Dutch and English are as before.
    group_nl = next(v for (s, lang), v in menus.items() if "group" in s and lang == "nl")
    group_en = next(v for (s, lang), v in menus.items() if "group" in s and lang == "en")
    assert "afspraak" in {c["command"] for c in group_nl}
    assert "accord" not in {c["command"] for c in group_nl}
    assert "agreement" in {c["command"] for c in group_en}
    assert "accord" not in {c["command"] for c in group_en}

    group, _, pierre = await french_cluster(world)
    help_text = (await pierre.says("/aide")).text
    assert "/accord — " in help_text and "/fait — " in help_text
    assert "/afspraak" not in help_text
    assert "/mesdonnees — " in (await pierre.in_private().says("/aide")).text
    dutch_help = (await group.person("Jan").in_private().says("/hulp")).text
    assert "/mijngegevens — " in dutch_help and "/mesdonnees" not in dutch_help


async def test_french_names_work_in_a_dutch_cluster(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    jan = group.person("Jan", username="jan")
    reply = await jan.says("/accord Offertes opvragen @jan tegen vr 19/3")
    assert "Afspraak 1" in reply.text and "19 maart" in reply.text
    assert "Offertes" in (await jan.says("/accords")).text


async def test_an_unknown_command_gets_the_closest_names_and_changes_nothing(
    world: World,
) -> None:
    group, _, pierre = await french_cluster(world)
    async with world.session() as session:
        before = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        members_before = len((await session.exec(select(Member))).all())
    replies = await pierre.says("/acord Texte commun @pierre avant le jeudi 6 mai")
    assert len(replies) == 1
    line = replies.last.text
    assert "\n" not in line
    assert line.startswith("Je ne connais pas /acord.")
    assert "/accord" in line and "/aide" in line
    assert await agreements_of(world, group) == []
    async with world.session() as session:
        after = (await session.exec(select(Cluster).where(Cluster.chat_id == group.id))).one()
        assert after.last_activity_at == before.last_activity_at
        assert len((await session.exec(select(Member))).all()) == members_before
    # Nothing near it: still one line, pointing at the help.
    far = (await pierre.says("/xylofoon")).last.text
    assert far == "Je ne connais pas /xylofoon. Toutes les commandes : /aide"
    # Addressed to this bot by name: the same answer.
    assert "/accord" in (await pierre.says("/acord@klimaatbot")).text


async def test_unknown_command_in_dutch_and_english(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    jan = group.person("Jan")
    dutch = (await jan.says("/afsrpaak Offertes")).text
    assert dutch.startswith("Ik ken /afsrpaak niet. Bedoelde je /afspraak")
    assert dutch.endswith("/hulp")
    english = (await jan.in_private().says("/agreemnt")).text  # Jan's Telegram is Dutch
    assert "/agreement" in english and "/hulp" in english
    eve = group.person("Eve", language_code="en").in_private()
    assert (await eve.says("/hlep")).text.startswith("I don't know /hlep. Did you mean /help")


async def test_a_command_for_another_bot_gets_no_reply(world: World) -> None:
    group, _, pierre = await french_cluster(world)
    assert len(await pierre.says("/acord@otherbot Texte")) == 0
    assert len(await pierre.says("/accord@otherbot Texte commun @pierre avant le 6 mai")) == 0
    assert len(await pierre.in_private().says("/start@otherbot")) == 0
    assert len(await pierre.in_private().says("/nimportequoi@otherbot")) == 0
    assert await agreements_of(world, group) == []


async def test_an_unknown_command_in_an_unregistered_group_stays_silent(world: World) -> None:
    group = world.group("Gewoon een groep")
    bart = group.person("Bart")
    assert len(await bart.says("/acord Texte")) == 0
    # A known command there still says how the group becomes a cluster, once.
    replies = await bart.says("/accord Texte")
    assert len(replies) == 1 and "/start" in replies.last.text
    async with world.session() as session:
        assert (await session.exec(select(Cluster))).all() == []


async def test_action_statuses_in_french_with_or_without_accents(world: World) -> None:
    _, _, pierre = await french_cluster(world)
    created = await pierre.says("/action Achat groupé d'isolation #energie #Mouscron")
    assert "Achat groupé" in created.text
    for typed, status in [
        ("prevu", ActionStatus.PLANNED),
        ("en cours", ActionStatus.RUNNING),
        ("terminé", ActionStatus.DONE),
        ("arrete", ActionStatus.STOPPED),
        ("idée", ActionStatus.IDEA),
    ]:
        await pierre.says(f"/action 1 {typed}")
        async with world.session() as session:
            action = (await session.exec(select(Action))).one()
            assert action.status == status, typed
    refused = await pierre.says("/action 1 termne")  # a typo of a status is refused
    assert "termne" in refused.text
    async with world.session() as session:
        assert (await session.exec(select(Action))).one().status == ActionStatus.IDEA
