import datetime as dt
from tests.e2e.harness import BRUSSELS, World
from tests.e2e.test_agreements import leuven

async def test_peek(world: World) -> None:
    c = await leuven(world)
    out = []
    for who, cmd in [
        (c.bram, "/afspraak Offertes zonnepanelen opvragen @jan #Herent tegen vr 19/3"),
        (c.bram, "/actie Groepsaankoop dakisolatie #energie #Kortenberg #Herent"),
        (c.bram, "/afspraak Infoavond @jan tegen 30/11 actie 1"),
        (c.bram, "/besluit Gezamenlijke campagne start in mei"),
        (c.bram, "/afspraak Offertes #Hernt"),
        (c.bram, "/afspraak Offertes @jan tegen di 17/3"),
    ]:
        out.append((cmd, (await who.says(cmd)).last.html))
    world.clock.set(dt.datetime(2026, 12, 3, 10, 0, tzinfo=BRUSSELS))
    for cmd in ["/uitstel 2 volgende vrijdag", "/afspraken", "/afspraken alle", "/afspraak 2", "/actie 1", "/acties", "/klaar 1", "/schrap 2"]:
        out.append((cmd, (await c.jan.says(cmd)).text))
    out.append(("celine /klaar 3", (await c.celine.says("/klaar 3")).text))
    for cmd, text in out:
        print("\n>>>", cmd, "\n" + text)
