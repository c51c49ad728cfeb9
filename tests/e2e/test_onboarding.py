"""A group chat becomes a cluster: a facilitator and three civil servants set it up."""

from __future__ import annotations

from tests.e2e.harness import FACILITATOR_ID, World


async def test_facilitator_registers_group_and_members_join(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    reply = await fien.says("/start")
    assert "Klimaatcluster Leuven" in reply.text
    assert "/gemeenten" in reply.text

    reply = await fien.says("/gemeenten + Herent, Kortenberg, Bertem")
    assert "Herent" in reply.text and "Bertem" in reply.text

    an = group.person("An", username="an_herent")
    bram = group.person("Bram")
    celine = group.person("Céline", username="celine")
    assert "Herent" in (await an.says("/gemeente herent")).text
    assert "Kortenberg" in (await bram.says("/gemeente KORTENBERG")).text
    assert "Bertem" in (await celine.says("/gemeente Bertem")).text

    overview = (await bram.says("/cluster")).text
    assert "Herent: An" in overview
    assert "Kortenberg: Bram" in overview
    assert "Bertem: Céline" in overview
    assert "Fien" in overview


async def test_member_cannot_change_municipalities_and_nothing_changes(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    await group.facilitator.says("/gemeenten + Herent, Kortenberg")
    bart = group.person("Bart", username="bart")

    refused = await bart.says("/gemeenten + Bertem")
    assert "coördinator" in refused.text and "facilitator" in refused.text
    refused = await bart.says("/gemeenten - Herent")
    assert "coördinator" in refused.text

    listing = (await bart.says("/gemeenten")).text
    assert "Herent" in listing and "Kortenberg" in listing and "Bertem" not in listing


async def test_telegram_admin_counts_as_coordinator(world: World) -> None:
    group = world.group("Pajottenland")
    await group.facilitator.says("/start")
    admin = group.person("Ann", username="ann_admin", admin=True)
    reply = await admin.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    assert "Pajottegem" in reply.text and "Lennik" in reply.text
    assert "Lennik" in (await admin.says("/gemeenten")).text


async def test_someone_else_typing_start_in_another_group_gets_explanation(world: World) -> None:
    group = world.group("Zomaar een groep")
    stranger = group.person("Stan")
    reply = await stranger.says("/start")
    assert "facilitator" in reply.text and "/start" in reply.text
    # Not a cluster: any other command gets the same single explanation.
    reply = await stranger.says("/gemeente Herent")
    assert len(reply) == 1 and "nog geen cluster" in reply.text
    # The facilitator registering afterwards shows no cluster existed.
    assert "is nu de cluster" in (await group.facilitator.says("/start")).text


async def test_start_twice_says_already_registered(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    assert "al geregistreerd" in (await group.facilitator.says("/start")).text


async def test_municipality_names_match_case_and_accent_insensitively_with_suggestions(
    world: World,
) -> None:
    group = world.group("Leuven-Oost")
    await group.facilitator.says("/start")
    await group.facilitator.says("/gemeenten + Herent, Kortenberg, Bertem, Oud-Heverlee")
    eva = group.person("Eva")
    assert "Oud-Heverlee" in (await eva.says("/gemeente oud heverlée")).text
    typo = await eva.says("/gemeente Kortenbreg")
    assert "Bedoel je Kortenberg" in typo.text
    unknown = await eva.says("/gemeente Zaventem")
    assert "Herent" in unknown.text and "Bertem" in unknown.text
    # The typo changed nothing: Eva still works for Oud-Heverlee.
    assert "Oud-Heverlee: Eva" in (await eva.says("/cluster")).text


async def test_help_lists_exactly_the_commands_of_the_role(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    bart = group.person("Bart")
    member_help = (await bart.says("/hulp")).text
    assert "/afspraak" in member_help and "/gemeente " in member_help
    assert "/inwoners" not in member_help and "/overdracht" not in member_help
    assert "/clusters" not in member_help and "/mijngegevens" not in member_help

    facilitator_help = (await group.facilitator.says("/help")).text
    assert "/inwoners" in facilitator_help and "/overdracht" in facilitator_help
    assert "/clusters" not in facilitator_help  # private only

    private_help = (await bart.in_private().says("/hulp")).text
    assert "/mijngegevens" in private_help and "/privacy" in private_help
    assert "/afspraak" not in private_help and "/clusters" not in private_help
    facilitator_private = (await group.facilitator.in_private().says("/hulp")).text
    assert "/clusters" in facilitator_private and "/rondzenden" in facilitator_private


async def test_language_switch_to_english_and_french(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    assert "English" in (await fien.says("/taal en")).text
    bart = group.person("Bart")
    refused = await bart.says("/municipalities + Herent")
    assert "Only a coordinator" in refused.text
    english_help = (await bart.says("/help")).text
    assert "What you can do here" in english_help and "/agreement" in english_help
    assert "français" in (await fien.says("/language fr")).text
    assert "nommez" in (await fien.says("/coordinator")).text.lower()
    assert "Seul un coordinateur" in (await bart.says("/gemeenten + Herent")).text
    bad = await fien.says("/taal de")
    assert "de" in bad.text and "nl, en, fr" in bad.text


async def test_coordinator_by_username_by_reply_and_refusals(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    bart = group.person("Bart", username="bart_b")
    dirk = group.person("Dirk")  # no username
    await bart.says("/cluster")
    unknown = await fien.says("/coordinator @nobody_here")
    assert "@nobody_here" in unknown.text
    assert "coördinator" in (await fien.says("/coordinator @bart_b")).text
    # Bart now manages the cluster.
    assert "Herent" in (await bart.says("/gemeenten + Herent")).text
    earlier = group.user_message(dirk, "Ik neem de campagne op mij")
    reply = await bart.says("/coordinator", reply_to=earlier)
    assert "Dirk is nu coördinator" in reply.text
    overview = (await dirk.says("/cluster")).text
    assert "Coördinatoren:" in overview and "Bart" in overview and "Dirk" in overview
    # A plain member cannot appoint coordinators.
    eva = group.person("Eva", username="eva_e")
    assert "Alleen een coördinator" in (await eva.says("/coordinator @bart_b")).text


async def test_command_with_bot_username_suffix_works(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    assert "is nu de cluster" in (await group.facilitator.says("/start@klimaatbot")).text
    assert "Klimaatcluster Leuven" in (await group.facilitator.says("/cluster@klimaatbot")).text


async def test_member_name_and_username_are_kept_current(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    await group.facilitator.says("/start")
    await group.facilitator.says("/gemeenten + Herent")
    an = group.person("An", username="an_old")
    await an.says("/gemeente Herent")
    an.user["first_name"] = "Anneleen"
    an.user["username"] = "anneleen"
    assert "Herent: Anneleen" in (await an.says("/cluster")).text


async def test_inhabitants_and_rename_are_for_coordinators(world: World) -> None:
    group = world.group("Pajottenland")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever")
    assert "10.400" in (await fien.says("/inwoners Pajottegem 10.400")).text
    assert "Gebruik" in (await fien.says("/inwoners Pajottegem veel")).text
    listing = (await fien.says("/gemeenten")).text
    assert "Pajottegem — 10400 inwoners" in listing or "Pajottegem — 10.400" in listing
    bart = group.person("Bart")
    assert "Alleen een coördinator" in (await bart.says("/inwoners Bever 2200")).text
    assert "Alleen een coördinator" in (await bart.says("/cluster Nieuwe naam")).text
    assert (
        "Klimaatcluster Pajottenland"
        in (await fien.says("/cluster Klimaatcluster Pajottenland")).text
    )


async def test_removed_municipality_leaves_the_list(world: World) -> None:
    group = world.group("Pajottenland")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen")
    assert "Bever" in (await fien.says("/gemeenten - bever")).text
    listing = (await fien.says("/gemeenten")).text
    assert "Bever" not in listing and "Pepingen" in listing
    assert "Bedoel je" in (await fien.says("/gemeenten - Pepngen")).text


async def test_markup_in_names_is_shown_literally(world: World) -> None:
    group = world.group("<b>Leuven</b> & co")
    fien = group.facilitator
    assert "<b>Leuven</b> & co" in (await fien.says("/start")).text
    reply = await fien.says("/gemeenten + <i>Herent</i>, A&B")
    assert "<i>Herent</i>" in reply.text and "A&B" in reply.text


async def test_bot_added_greets_and_removed_marks_cluster_inactive(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    greeting = await group.add_bot(by=fien)
    assert "/start" in greeting.text
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg")

    await group.remove_bot(by=fien)
    async with world.runtime.sessions() as session:
        from models.clusters import get_cluster, municipalities_of

        cluster = await get_cluster(session, group.id)
        assert cluster is not None and not cluster.is_active
        assert len(await municipalities_of(session, cluster=cluster)) == 2

    welcome = await group.add_bot(by=fien)
    assert "bewaard" in welcome.text
    assert "Kortenberg" in (await fien.says("/gemeenten")).text


async def test_supergroup_migration_keeps_the_cluster(world: World) -> None:
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Kortenberg")
    supergroup = await group.upgrade_to_supergroup(by=fien)
    assert "Kortenberg" in (await supergroup.facilitator.says("/gemeenten")).text
    async with world.runtime.sessions() as session:
        from models.clusters import get_cluster

        assert await get_cluster(session, group.id) is None
        assert await get_cluster(session, supergroup.id) is not None


async def test_chat_migrated_on_send_moves_the_cluster(world: World) -> None:
    """Telegram answers a send to an upgraded group with the new id; the bot follows it."""
    group = world.group("Klimaatcluster Leuven")
    fien = group.facilitator
    await fien.says("/start")
    new_id = -1_009_999_000_001
    world.fake.chat(new_id, "supergroup", "Klimaatcluster Leuven")
    group.state.migrated_to = new_id
    reply = await fien.says("/gemeenten + Herent")
    assert reply.last.chat_id == new_id and "Herent" in reply.text
    assert world.fake.take_rejections() == [
        ("sendMessage", "Bad Request: group chat was upgraded to a supergroup chat")
    ]
    async with world.runtime.sessions() as session:
        from models.clusters import get_cluster

        cluster = await get_cluster(session, new_id)
        assert cluster is not None and cluster.title == "Klimaatcluster Leuven"


async def test_command_menu_is_published_per_scope_and_language(world: World) -> None:
    menus = world.fake.commands
    scopes = {scope for scope, _ in menus}
    assert any("all_group_chats" in scope for scope in scopes)
    assert any("all_private_chats" in scope for scope in scopes)
    languages = {lang for _, lang in menus}
    assert {None, "nl", "en", "fr"} <= languages
    group_en = next(v for (s, lang), v in menus.items() if "group" in s and lang == "en")
    assert "agreement" in {c["command"] for c in group_en}
    group_nl = next(v for (s, lang), v in menus.items() if "group" in s and lang == "nl")
    assert "afspraak" in {c["command"] for c in group_nl}
    private_nl = next(v for (s, lang), v in menus.items() if "all_private" in s and lang == "nl")
    assert "clusters" not in {c["command"] for c in private_nl}
    facilitator_nl = next(
        v for (s, lang), v in menus.items() if f'"chat_id": {FACILITATOR_ID}' in s and lang == "nl"
    )
    assert {"clusters", "rondzenden", "mijngegevens"} <= {c["command"] for c in facilitator_nl}
