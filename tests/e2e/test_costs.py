"""`/kosten`: the guidance price split over the municipalities, to the cent."""

from __future__ import annotations

import re

from tests.e2e.cockpit import cluster_with
from tests.e2e.harness import World

PAJOTTENLAND = ["Pajottegem", "Bever", "Pepingen", "Lennik"]


def amounts(line: str) -> list[int]:
    """`€ 3.333,34` → 333334 (Babel writes a no-break space after the sign)."""
    return [
        int(match.replace(".", "").replace(",", ""))
        for match in re.findall(r"€\s?([\d.]+,\d\d)", line.replace("\xa0", " "))
    ]


def round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def _euro(cents: int) -> str:
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def share_lines(text: str) -> dict[str, list[int]]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"• (\S+)", line)
        if match:
            found[match.group(1)] = amounts(line)
    return found


async def test_costs_are_split_equally_by_default_to_the_cent(world: World) -> None:
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg", "Bertem"])
    reply = await leuven.facilitator.says("/kosten")
    text = reply.text.replace("\xa0", " ")
    assert "€ 10.000,00 excl. btw + € 2.100,00 btw (21 %) = € 12.100,00 incl. btw" in text
    assert "Gelijk verdeeld over 3 gemeenten" in text
    shares = share_lines(text)
    # Spare cents go to the first municipalities (alphabetical): Bertem, then Herent.
    assert shares == {
        "Bertem:": [333334, 403334],
        "Herent:": [333333, 403333],
        "Kortenberg:": [333333, 403333],
    }
    assert "Samen: € 10.000,00 excl. btw · € 12.100,00 incl. btw" in text


async def test_costs_by_inhabitants_say_which_numbers_are_missing(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", PAJOTTENLAND)
    fien = pajot.facilitator
    await fien.says("/inwoners Pajottegem 20.112")
    await fien.says("/inwoners Bever 2.305")

    missing = (await fien.says("/kosten 12.500 inwoners")).text
    assert "Lennik, Pepingen" in missing
    assert "/inwoners Lennik 12500" in missing
    assert "€" not in missing

    await fien.says("/inwoners Pepingen 4.580")
    await fien.says("/inwoners Lennik 9.166")
    reply = await fien.says("/kosten inwoners € 12.500,50")
    text = reply.text.replace("\xa0", " ")
    assert "€ 12.500,50 excl. btw" in text
    assert "Verdeeld naar inwoners over 4 gemeenten (36.163 inwoners samen)" in text
    shares = share_lines(text)
    assert set(shares) == {"Bever", "Lennik", "Pajottegem", "Pepingen"}
    excl = [pair[0] for pair in shares.values()]
    incl = [pair[1] for pair in shares.values()]
    assert sum(excl) == 1_250_050
    # VAT on each municipality's own share: the incl. total is the sum of the invoices.
    assert incl == [e + round_half_up(e * 21, 100) for e in excl]
    assert f"€ {_euro(sum(incl))} incl. btw" in text.split("\n")[0]
    assert "Pajottegem (20.112 inwoners, 55,6 %)" in text
    # Pajottegem: 20112 / 36163 of the total, within a cent.
    assert abs(shares["Pajottegem"][0] - 1_250_050 * 20_112 / 36_163) < 1


async def test_bad_amounts_and_wrong_people_are_refused(world: World) -> None:
    pajot = await cluster_with(world, "Klimaatcluster Pajottenland", PAJOTTENLAND)
    fien = pajot.facilitator
    assert "lees ik niet als bedrag" in (await fien.says("/kosten tienduizend")).text
    assert "lees ik niet als bedrag" in (await fien.says("/kosten 10,000")).text
    assert "groter zijn dan nul" in (await fien.says("/kosten 0")).text
    assert "heel veel" in (await fien.says("/kosten 999999999999")).text

    member = pajot.person("Sofie", username="sofie_bever")
    refused = (await member.says("/kosten")).text
    assert "coördinator" in refused and "€" not in refused

    private = (await fien.in_private().says("/kosten")).text
    assert "alleen in de groep" in private

    empty = await cluster_with(world, "Klimaatcluster Nieuw", [])
    assert "nog geen gemeenten" in (await empty.facilitator.says("/costs")).text


async def test_english_cluster_reads_costs_in_english(world: World) -> None:
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg"])
    await leuven.facilitator.says("/taal en")
    text = (await leuven.facilitator.says("/costs 5000")).text.replace("\xa0", " ")
    assert "Split equally over 2 municipalities" in text
    assert "€2,500.00 excl. VAT" in text.replace("€ ", "€")


LEUVEN = {  # inhabitants
    "Herent": 21_687,
    "Kortenberg": 20_373,
    "Bertem": 10_184,
    "Tervuren": 22_174,
    "Huldenberg": 10_563,
}


async def test_five_municipalities_by_inhabitants_each_invoiced_to_the_cent(world: World) -> None:
    """€ 10.000 over 84.981 inhabitants, worked out by hand: excl. share = 10.000 × inhabitants
    / 84.981 with the 3 spare cents to the largest remainders (Kortenberg ,94, Tervuren ,91,
    Bertem ,55); VAT = 21 % of that share, rounded to the cent."""
    leuven = await cluster_with(world, "Klimaatcluster Leuven", list(LEUVEN))
    fien = leuven.facilitator
    for name, count in LEUVEN.items():
        await fien.says(f"/inwoners {name} {count}")
    reply = await fien.says("/kosten inwoners csv")
    text = reply.text.replace("\xa0", " ")
    lines = text.splitlines()
    assert lines[0] == (
        "Kosten van de begeleiding: € 10.000,00 excl. btw + € 2.100,01 btw (21 %)"
        " = € 12.100,01 incl. btw"
    )
    assert "Verdeeld naar inwoners over 5 gemeenten (84.981 inwoners samen):" in lines
    assert (
        "• Bertem (10.184 inwoners, 12,0 %): € 1.198,39 excl. btw · € 1.450,05 incl. btw" in lines
    )
    assert (
        "• Herent (21.687 inwoners, 25,5 %): € 2.551,98 excl. btw · € 3.087,90 incl. btw" in lines
    )
    assert (
        "• Huldenberg (10.563 inwoners, 12,4 %): € 1.242,98 excl. btw · € 1.504,01 incl. btw"
        in lines
    )
    assert (
        "• Kortenberg (20.373 inwoners, 24,0 %): € 2.397,36 excl. btw · € 2.900,81 incl. btw"
        in lines
    )
    assert (
        "• Tervuren (22.174 inwoners, 26,1 %): € 2.609,29 excl. btw · € 3.157,24 incl. btw" in lines
    )
    assert "Samen: € 10.000,00 excl. btw · € 12.100,01 incl. btw" in lines
    assert (
        "Samen incl. btw is de som van de facturen: 1 cent meer dan € 10.000,00 × 1,21"
        " = € 12.100,00, omdat elke gemeente btw betaalt op haar eigen deel."
    ) in lines

    (document,) = reply.documents
    assert document.filename == "kosten.csv"
    assert document.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = document.content.decode("utf-8-sig").split("\r\n")
    assert rows == [
        "gemeente;inwoners;aandeel (%);excl. btw (EUR);btw 21 % (EUR);incl. btw (EUR)",
        "Bertem;10184;12,0;1198,39;251,66;1450,05",
        "Herent;21687;25,5;2551,98;535,92;3087,90",
        "Huldenberg;10563;12,4;1242,98;261,03;1504,01",
        "Kortenberg;20373;24,0;2397,36;503,45;2900,81",
        "Tervuren;22174;26,1;2609,29;547,95;3157,24",
        "Totaal;84981;100,0;10000,00;2100,01;12100,01",
        "",
    ]


async def test_an_equal_split_without_rounding_difference_says_nothing_about_it(
    world: World,
) -> None:
    leuven = await cluster_with(world, "Klimaatcluster Leuven", ["Herent", "Kortenberg"])
    reply = await leuven.facilitator.says("/kosten 5000 csv")
    assert "som van de facturen" not in reply.text
    rows = reply.documents[0].content.decode("utf-8-sig").split("\r\n")
    assert rows[:4] == [
        "gemeente;excl. btw (EUR);btw 21 % (EUR);incl. btw (EUR)",
        "Herent;2500,00;525,00;3025,00",
        "Kortenberg;2500,00;525,00;3025,00",
        "Totaal;5000,00;1050,00;6050,00",
    ]
    # A bad amount next to csv is refused like any other, and no file is sent.
    refused = await leuven.facilitator.says("/kosten csv tienduizend")
    assert "lees ik niet als bedrag" in refused.text and not refused.documents
