"""`/export`: agreements and actions as CSV, meetings as .ics, and the year report."""

from __future__ import annotations

import csv
import datetime as dt
import io

from icalendar import Calendar

from bot.sandbox.emulator import SentMessage
from handlers.ics import meeting_uid
from tests.e2e.cockpit import (
    add_lesson,
    add_meeting,
    cluster_row,
    cluster_with,
    local,
    set_inhabitants,
)
from tests.e2e.harness import Chat, World

AGREEMENT_HEADER = [
    "cluster", "nummer", "soort", "tekst", "gemeente", "eigenaar", "thema", "actie",
    "aangemaakt", "deadline", "uur", "status", "afgesloten", "te laat", "geschiedenis",
]  # fmt: skip
ACTION_HEADER = [
    "cluster", "nummer", "titel", "thema", "status", "trekker", "gemeenten", "aangemaakt",
    "bijgewerkt", "open afspraken", "afspraken klaar", "geschiedenis",
]  # fmt: skip


def rows_of(document: SentMessage) -> tuple[list[str], list[dict[str, str]]]:
    content = document.content
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    rows = list(reader)
    assert reader.fieldnames is not None
    return list(reader.fieldnames), rows


def by_name(documents: list[SentMessage]) -> dict[str, SentMessage]:
    return {d.filename or "": d for d in documents}


async def pajottenland(world: World) -> Chat:
    """A cluster's first weeks, typed as its members would, then a fortnight later."""
    pajot = await cluster_with(
        world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever", "Pepingen", "Lennik"]
    )
    fien = pajot.facilitator
    await set_inhabitants(world, pajot, {"Pajottegem": 20112})
    sofie = pajot.person("Sofie", username="sofie_bever")
    await fien.says("/actie Groepsaankoop dakisolatie en zonnepanelen #energie #Pepingen #Lennik")
    await fien.says("/actie Rotating repair café #circulair #Pajottegem #Bever #Pepingen #Lennik")
    await fien.says("/actie 2 lopend")
    await sofie.says(
        "/afspraak Campagnetekst voor elk gemeentelijk infoblad @sofie_bever #Bever "
        "tegen 14/12 15u45"
    )
    await fien.says("/afspraak Klimaattafel in één wijk #Pajottegem tegen 1/12")
    await fien.says("/afspraak Offertes dakisolatie opvragen #Pepingen tegen 18/12 actie 1")
    await fien.says("/afspraak Infoavond in de bib voorbereiden #Lennik tegen 10/12")
    await fien.says("/besluit Gezamenlijke campagne start in mei")
    await sofie.says('/afspraak Zwerfvuilactie; met "vrijwilligers" #Bever tegen 3/12')
    await fien.says("/klaar 2")
    await fien.says("/uitstel 3 8/1")
    await fien.says("/schrap 4")
    await add_lesson(
        world, pajot, kind="lesson", text="Een infoavond in de bib trekt meer volk", theme="energie"
    )
    await add_lesson(
        world,
        pajot,
        kind="practice",
        text="Repair café met de intercommunale",
        theme="circulair",
    )
    await add_meeting(
        world,
        pajot,
        starts_at=local(2026, 11, 24, 14, 0),
        host="Lennik",
        location="Gemeentehuis, zaal 2",
        agenda=["Stand groepsaankoop", "Repair café"],
        minutes=(
            "<b>Verslag</b>\nGroepsaankoop: offertes tegen december.\n"
            "Repair café: start in januari."
        ),
    )
    await add_meeting(world, pajot, starts_at=local(2027, 1, 12, 14, 0), host="Bever")
    await add_meeting(world, pajot, starts_at=local(2026, 12, 1, 14, 0), cancelled=True)
    world.clock.set(dt.datetime(2026, 12, 15, 10, 0))  # agreements 1 and 6 are now overdue
    return pajot


async def test_export_in_a_group_sends_the_clusters_files(world: World) -> None:
    pajot = await pajottenland(world)
    reply = await pajot.facilitator.says("/export")
    assert "Export van 1 cluster: 6 afspraken en besluiten, 2 acties, 2 vergaderingen" in reply.text
    files = by_name(reply.documents)
    assert list(files) == [
        "afspraken.csv",
        "acties.csv",
        "vergaderingen.ics",
        "jaarverslag-klimaatcluster-pajottenland.md",
        "jaarverslag-klimaatcluster-pajottenland.docx",
        "samenvatting-klimaatcluster-pajottenland-bever.docx",
        "samenvatting-klimaatcluster-pajottenland-lennik.docx",
        "samenvatting-klimaatcluster-pajottenland-pajottegem.docx",
        "samenvatting-klimaatcluster-pajottenland-pepingen.docx",
    ]
    assert all(d.chat_id == pajot.id for d in reply.documents)

    header, rows = rows_of(files["afspraken.csv"])
    assert header == AGREEMENT_HEADER
    assert [r["nummer"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    first, done, postponed, dropped, decision, quoted = rows
    assert first["tekst"] == "Campagnetekst voor elk gemeentelijk infoblad"
    assert (first["gemeente"], first["eigenaar"], first["deadline"]) == (
        "Bever",
        "Sofie",
        "2026-12-14",
    )
    assert first["uur"] == "15:45"  # the due time in a column of its own
    assert postponed["uur"] == ""
    assert (first["status"], first["te laat"]) == ("open", "ja")
    assert first["cluster"] == "Klimaatcluster Pajottenland"
    assert first["aangemaakt"] == "2026-11-26"
    assert "aangemaakt" in first["geschiedenis"]
    assert (done["status"], done["te laat"], done["afgesloten"]) == ("klaar", "", "2026-11-26")
    assert "status: open → klaar" in done["geschiedenis"]
    assert postponed["actie"] == "1 Groepsaankoop dakisolatie en zonnepanelen"
    assert postponed["thema"] == "Energie"
    assert postponed["deadline"] == "2027-01-08"
    assert "uitgesteld (deadline: 2026-12-18 → 2027-01-08)" in postponed["geschiedenis"]
    assert dropped["status"] == "geschrapt"
    assert (decision["soort"], decision["deadline"], decision["eigenaar"]) == ("besluit", "", "")
    assert quoted["tekst"] == 'Zwerfvuilactie; met "vrijwilligers"'  # `;` and quotes survive
    assert quoted["te laat"] == "ja"

    header, actions = rows_of(files["acties.csv"])
    assert header == ACTION_HEADER
    energy, repair = actions
    assert (energy["nummer"], energy["thema"], energy["status"]) == ("1", "Energie", "idee")
    assert (energy["trekker"], energy["gemeenten"]) == ("Pepingen", "Lennik, Pepingen")
    assert (energy["open afspraken"], energy["afspraken klaar"]) == ("1", "0")
    assert (repair["thema"], repair["status"]) == ("Circulaire economie", "lopend")
    assert repair["gemeenten"] == "Bever, Lennik, Pajottegem, Pepingen"
    assert "status gewijzigd" in repair["geschiedenis"]

    calendar = Calendar.from_ical(files["vergaderingen.ics"].content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # the cancelled meeting is left out
    held = events[0]
    assert held.decoded("dtstart") == local(2026, 11, 24, 14, 0)
    assert str(held["location"]) == "Gemeentehuis, zaal 2, Lennik"
    assert "Stand groepsaankoop" in str(held["description"])
    assert str(held["summary"]) == "Klimaatcluster Pajottenland: vergadering 1"
    # The same UID as the invitation sent when the meeting was planned: calendars update it.
    cluster = await cluster_row(world, pajot)
    assert cluster.id is not None
    assert [str(e["uid"]) for e in events] == [
        meeting_uid(cluster.id, 1),
        meeting_uid(cluster.id, 2),
    ]

    report = files["jaarverslag-klimaatcluster-pajottenland.md"].content.decode("utf-8")
    assert report.startswith("# Jaarverslag Klimaatcluster Pajottenland\n")
    assert "**november 2026 – november 2027**" in report
    assert "- Pajottegem (20.112 inwoners)" in report
    assert "## Vergaderingen gehouden (1)" in report
    assert "Groepsaankoop: offertes tegen december." in report
    assert "<b>" not in report
    assert "Gepland: dinsdag 12 januari 2027 14:00." in report
    assert (
        "5 afspraken gemaakt: 1 klaar, 3 open (waarvan 2 te laat), 1 geschrapt. Besluiten: 1."
    ) in report
    assert "| Bever | 2 | 0 | 2 | 2 |" in report
    assert "| Pajottegem | 1 | 1 | 0 | 0 |" in report
    assert "| Pepingen | 1 | 0 | 1 | 0 |" in report
    assert "| Lennik | 1 | 0 | 0 | 0 |" in report
    assert "| Energie | 1 | 0 | 1 | 0 |" in report
    assert "| (geen thema) | 4 | 1 | 2 | 2 |" in report
    assert "## Klimaatacties (2)" in report
    assert "idee: 1, lopend: 1" in report
    assert "- 1 · Groepsaankoop dakisolatie en zonnepanelen (Energie, idee) — Pepingen" in report
    assert "## Leerpunten (1) en praktijkvoorbeelden (1)" in report
    assert "Leerpunt: [Energie] Een infoavond in de bib trekt meer volk" in report
    assert "Praktijkvoorbeeld: [Circulaire economie] Repair café" in report


async def test_export_in_private_covers_all_the_facilitators_clusters(world: World) -> None:
    pajot = await pajottenland(world)
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg"])
    await leuven.person("An").says("/afspraak Offertes zonnepanelen opvragen #Herent tegen 22/12")

    reply = await pajot.facilitator.in_private().says("/export")
    assert "2 clusters: 7 afspraken" in reply.text
    files = by_name(reply.documents)
    _, rows = rows_of(files["afspraken.csv"])
    assert {r["cluster"] for r in rows} == {"Klimaatcluster Pajottenland", "Klimaatcluster Leuven"}
    reports = [name for name in files if name.startswith("jaarverslag-")]
    assert reports == [
        "jaarverslag-klimaatcluster-leuven.md",
        "jaarverslag-klimaatcluster-leuven.docx",
        "jaarverslag-klimaatcluster-pajottenland.md",
        "jaarverslag-klimaatcluster-pajottenland.docx",
    ]
    report = files["jaarverslag-klimaatcluster-leuven.md"].content.decode("utf-8")
    assert "| Herent | 1 | 0 | 1 | 0 |" in report
    assert "| Kortenberg | 0 | 0 | 0 | 0 |" not in report  # no agreements there: no row


async def test_export_of_an_empty_cluster_sends_only_the_report(world: World) -> None:
    empty = await cluster_with(world, "Klimaatcluster Zennevallei", [])
    reply = await empty.facilitator.says("/export")
    assert "0 afspraken en besluiten, 0 acties, 0 vergaderingen" in reply.text
    assert "afspraken.csv, acties.csv, vergaderingen.ics" in reply.text
    report, _ = reply.documents
    assert report.filename == "jaarverslag-klimaatcluster-zennevallei.md"
    text = report.content.decode("utf-8")
    assert "Geen gemeenten geregistreerd." in text
    assert "Nog geen vergaderingen gehouden." in text
    assert "0 afspraken gemaakt" in text


async def test_export_is_for_coordinators_and_the_facilitator(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", ["Pajottegem", "Bever"])
    member = pajot.person("Sofie", username="sofie_bever")
    refused = await member.says("/export")
    assert "coördinator" in refused.text and not refused.documents
    private = await member.in_private().says("/export")
    assert not private.documents

    coordinator = pajot.person("Jan", username="jan_pajottegem")
    await coordinator.says("/gemeente Pajottegem")
    await pajot.facilitator.says("/coordinator @jan_pajottegem")
    allowed = await coordinator.says("/export")
    assert [d.filename for d in allowed.documents] == [
        "jaarverslag-klimaatcluster-pajottenland.md",
        "jaarverslag-klimaatcluster-pajottenland.docx",
        "samenvatting-klimaatcluster-pajottenland-bever.docx",
        "samenvatting-klimaatcluster-pajottenland-pajottegem.docx",
    ]


async def test_export_goes_to_the_topic_it_was_asked_in(world: World) -> None:
    group = world.group("Klimaatcluster Leuven", type_="supergroup", forum=True)
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Herent, Bertem")
    reply = await fien.says("/export", thread=42)
    assert reply.documents and all(d.thread_id == 42 for d in reply.messages)
