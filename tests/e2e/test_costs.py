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
    assert sum(incl) == 1_250_050 + 262_511  # 21 % of € 12.500,50, rounded once
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
