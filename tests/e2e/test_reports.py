"""Council-ready documents: the plan of approach, the year report and the one-page summaries.

Every .docx is opened with python-docx and read as a council member would: headings, tables,
text; no raw HTML entities and no emoji that office fonts cannot draw.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from bot.sandbox.emulator import SentMessage
from handlers.documents import office_safe
from tests.e2e.harness import BRUSSELS, Chat, FakeClock, Person, World

START = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BRUSSELS)
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\ufe0f]")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def docx(message: SentMessage) -> DocxDocument:
    return Document(io.BytesIO(message.content))


def headings(document: DocxDocument) -> list[str]:
    return [
        p.text
        for p in document.paragraphs
        if p.style is not None and (p.style.name or "").startswith(("Heading", "Title"))
    ]


def all_text(document: DocxDocument) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def table_rows(document: DocxDocument, *header: str) -> list[list[str]]:
    """The first table whose header row starts with `header`."""
    table = next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells][: len(header)] == list(header)
    )
    return [[cell.text for cell in row.cells] for row in table.rows]


def clean(text: str) -> None:
    assert not re.search(r"&(amp|lt|gt|quot|#\d+);", text), "a raw HTML entity"
    assert not EMOJI.search(text), "an emoji office fonts cannot draw"
    assert "<b>" not in text and "<i>" not in text


async def pajottenland(world: World) -> tuple[Chat, Person, Person]:
    group = world.group("Klimaatcluster Pajottenland")
    fien = group.facilitator
    await fien.says("/start")
    await fien.says("/gemeenten + Pajottegem, Bever, Pepingen, Lennik")
    an = group.person("An", username="an_pepingen")
    await an.says("/gemeente Pepingen")
    await fien.says("/coordinator @an_pepingen")
    await fien.says("/traject start 1/3 einde 28/2/2028")
    await an.says("/actie Groepsaankoop dakisolatie en zonnepanelen #energie #Pepingen #Lennik")
    await an.says("/actie Repair café & <b>fietsherstel</b> #circulair #Bever")
    await an.says("/vergadering di 16/3 14u #Lennik Gemeentehuis elke 6 weken")
    await an.says("/afspraak Offertes opvragen bij drie aannemers #Pepingen tegen 26/3 actie 1")
    await an.says("/afspraak Zaal reserveren voor de infoavond #Lennik tegen 12/3")
    await an.says("/besluit We werken samen met het energiehuis 🏠")
    return group, fien, an


async def test_plan_of_approach_is_a_docx_and_its_markdown(world: World) -> None:
    group, _, an = await pajottenland(world)
    reply = await an.says("/plan")
    assert "plan van aanpak" in reply.text.lower()
    names = [d.filename for d in reply.documents]
    assert names == [
        "plan-van-aanpak-klimaatcluster-pajottenland.docx",
        "plan-van-aanpak-klimaatcluster-pajottenland.md",
    ]
    markdown = reply.documents[1].content.decode("utf-8")
    assert markdown.startswith("# Plan van aanpak Klimaatcluster Pajottenland\n")
    document = docx(reply.documents[0])
    assert headings(document) == [
        "Plan van aanpak Klimaatcluster Pajottenland",
        "Timing en fasen",
        "Vergaderingen",
        "Gezamenlijke acties per thema",
        "Energie",
        "Circulaire economie",
        "Rollen per gemeente",
        "Afspraken tot nu toe",
        "Besluiten",
        "Afspraken",
    ]
    phases = table_rows(document, "Fase")
    assert phases[0] == ["Fase", "Van", "Tot", "Mijlpaal"]
    assert [row[0] for row in phases[1:]] == [
        "1. Werving en plan van aanpak",
        "2. Samenwerking voorbereiden",
        "3. Samenwerking begeleiden",
        "4. Leerpunten en overdracht",
    ]
    assert phases[1][1:3] == ["maandag 1 maart 2027", "vrijdag 30 april 2027"]
    actions = table_rows(document, "Actie")
    assert actions[1] == [
        "1. Groepsaankoop dakisolatie en zonnepanelen", "Pepingen", "Lennik", "idee", "1",
    ]  # fmt: skip
    roles = {row[0]: row for row in table_rows(document, "Gemeente")[1:]}
    assert roles["Pepingen"] == ["Pepingen", "An", "1", "0", "1"]
    assert roles["Lennik"][3] == "1"  # hosts the meeting
    text = all_text(document)
    assert "Ritme: elke 6 weken" in text
    # What people typed stays as typed: `&` and `<b>` are text here, not HTML.
    assert "2. Repair café & <b>fietsherstel</b>" in text
    assert "We werken samen met het energiehuis" in text
    clean(text.replace("<b>fietsherstel</b>", ""))
    assert all(d.chat_id == group.id for d in reply.documents)


async def test_action_results_reach_the_year_report(world: World) -> None:
    _, _, an = await pajottenland(world)
    assert "bestaat niet" in (await an.says("/actie 9 resultaat 42 daken")).text
    assert "na het woord" in (await an.says("/actie 1 resultaat")).text
    done = (await an.says("/actie 1 resultaat 42 daken geïsoleerd, 18 met zonnepanelen")).text
    assert "42 daken geïsoleerd" in done
    assert "Resultaat: 42 daken geïsoleerd" in (await an.says("/actie 1")).text
    await an.says("/klaar 1")
    reply = await an.says("/export")
    files = {d.filename: d for d in reply.documents}
    report = docx(files["jaarverslag-klimaatcluster-pajottenland.docx"])
    assert report.paragraphs[0].text == "Jaarverslag Klimaatcluster Pajottenland"
    assert report.paragraphs[1].text == "maart 2027 – februari 2028"
    names = headings(report)
    for heading in ("Het traject", "Klimaatacties (2)", "Besluiten", "Kostenverdeling"):
        assert heading in names
    text = all_text(report)
    assert "Resultaat: 42 daken geïsoleerd, 18 met zonnepanelen" in text
    assert "We werken samen met het energiehuis" in text
    clean(text.replace("<b>fietsherstel</b>", ""))
    costs = table_rows(report, "gemeente", "Excl. btw")
    assert costs[0] == ["gemeente", "Excl. btw", "Btw 21 %", "Incl. btw"]
    assert len(costs) == 5 and costs[1][1] == "€\u00a02.500,00"  # a no-break space

    summary = docx(files["samenvatting-klimaatcluster-pajottenland-pepingen.docx"])
    assert headings(summary) == [
        "Pepingen: samenvatting voor het college",
        "Waartoe Pepingen zich engageerde",
        "Wat Pepingen deed",
        "Wat nog open staat voor Pepingen",
    ]
    text = all_text(summary)
    assert "1. Groepsaankoop dakisolatie en zonnepanelen (idee): 42 daken" in text
    assert "Offertes opvragen bij drie aannemers (klaar op maandag 1 maart 2027)" in text
    assert "Niets open." in text
    assert len(summary.paragraphs) < 40  # one page
    clean(text)
    lennik = all_text(docx(files["samenvatting-klimaatcluster-pajottenland-lennik.docx"]))
    assert "Zaal reserveren voor de infoavond (tegen vrijdag 12 maart 2027)" in lennik


async def test_a_coordinator_exports_their_own_cluster_in_private(world: World) -> None:
    _, _, an = await pajottenland(world)
    other = world.group("Klimaatcluster Leuven")
    await other.facilitator.says("/start")
    reply = await an.in_private().says("/export")
    names = [d.filename for d in reply.documents]
    assert "jaarverslag-klimaatcluster-pajottenland.docx" in names
    assert not any("leuven" in (n or "") for n in names)


def test_emoji_are_left_out_for_office_fonts() -> None:
    assert office_safe("✅ Klaar 🏠 — 🇧🇪 België ⏰") == "Klaar — België"


async def test_a_report_converts_to_pdf_with_libreoffice(world: World, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: the .docx to PDF conversion is not checked")
    _, _, an = await pajottenland(world)
    reply = await an.says("/export")
    report = next(d for d in reply.documents if (d.filename or "").endswith(".docx"))
    source = tmp_path / "jaarverslag.docx"
    source.write_bytes(report.content)
    process = await asyncio.create_subprocess_exec(
        office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert await asyncio.wait_for(process.wait(), timeout=180) == 0
    pdf = tmp_path / "jaarverslag.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
