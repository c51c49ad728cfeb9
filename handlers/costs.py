"""`/kosten`: each municipality's share of the guidance price, the way it will be invoiced.

The arithmetic (whole cents, VAT on each municipality's own share) lives in models/costs.py;
here the arguments are read and the shares written the Belgian way, in the reply and, with
`csv`, as a file that Excel in Belgium opens as it is (`;`, a BOM, decimal commas).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from handlers.i18n import Html
from handlers.render import euro
from handlers.runtime import App
from handlers.turn import Turn, command
from models.clusters import fold, municipalities_of
from models.costs import Share, incl_difference, parse_amount, split_equal, split_weighted
from models.errors import DomainError

BY_INHABITANTS = {"inwoners", "inhabitants", "habitants"}
AS_CSV = {"csv", "excel"}
MAX_CENTS = 100_000_000 * 100  # a hundred million euro: anything above is a typo
CSV_FILENAME = "kosten.csv"


def _read_args(text: str, default: str) -> tuple[int, bool, bool]:
    """`[bedrag] [inwoners] [csv]` in any order; the amount may be written `€ 12.500,50`."""
    words = text.split()
    weighted = any(fold(word) in BY_INHABITANTS for word in words)
    as_csv = any(fold(word) in AS_CSV for word in words)
    amount_text = " ".join(word for word in words if fold(word) not in BY_INHABITANTS | AS_CSV)
    if amount_text:
        try:
            cents = parse_amount(amount_text)
        except ValueError:
            raise DomainError("costs.amount_invalid", given=amount_text) from None
    else:
        try:
            cents = parse_amount(default)
        except ValueError:
            raise DomainError("costs.price_invalid", given=default) from None
    if cents <= 0:
        raise DomainError("costs.amount_zero")
    if cents > MAX_CENTS:
        raise DomainError("costs.amount_too_large", given=amount_text or default)
    return cents, weighted, as_csv


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(part: int, whole: int, lang: str) -> str:
    value = f"{100 * part / whole:.1f}"
    return value if lang == "en" else value.replace(".", ",")


async def costs(turn: Turn) -> None:
    """Shares of the price, equal by default or by inhabitants; with `csv` also as a file."""
    cluster = turn.require_cluster()
    total, weighted, as_csv = _read_args(turn.text_args, turn.runtime.project_price_eur)
    municipalities = await municipalities_of(turn.session, cluster=cluster)
    if not municipalities:
        raise DomainError("costs.no_municipalities")
    inhabitants: dict[str, int] = {}
    if weighted:
        missing = [m.name for m in municipalities if not m.inhabitants]
        if missing:
            raise DomainError(
                "costs.missing_inhabitants",
                names=", ".join(missing),
                example=f"/inwoners {missing[0]} 12500",
            )
        inhabitants = {m.name: int(m.inhabitants or 0) for m in municipalities}
        shares = split_weighted(total, inhabitants)
    else:
        shares = split_equal(total, [m.name for m in municipalities])
    await turn.reply(_reply(turn, total, shares, inhabitants))
    if as_csv:
        await turn.send_file(costs_csv(turn, shares, inhabitants), CSV_FILENAME)


def _reply(turn: Turn, total: int, shares: Sequence[Share], inhabitants: dict[str, int]) -> str:
    lang = turn.lang
    vat = sum(s.vat_cents for s in shares)
    incl = sum(s.incl_cents for s in shares)
    lines: list[str] = [
        turn.t("costs.title", excl=euro(total, lang), incl=euro(incl, lang), vat=euro(vat, lang))
    ]
    if inhabitants:
        lines.append(
            turn.tn(
                "costs.by_inhabitants",
                len(shares),
                inhabitants=_inhabitants(turn, sum(inhabitants.values())),
            )
        )
    else:
        lines.append(turn.tn("costs.equal", len(shares)))
    lines.append("")
    for share in shares:
        lines.append(_share_line(turn, share, inhabitants))
    lines.append("")
    lines.append(
        turn.t(
            "costs.total",
            excl=euro(sum(s.excl_cents for s in shares), lang),
            incl=euro(incl, lang),
        )
    )
    difference = incl_difference(total, shares)
    if difference:
        lines.append(
            turn.tn(
                "costs.incl_more" if difference > 0 else "costs.incl_less",
                abs(difference),
                price=euro(total, lang),
                quoted=euro(incl - difference, lang),
            )
        )
    if not inhabitants:
        lines.append(turn.t("costs.hint_inhabitants"))
    return "\n".join(lines)


def _share_line(turn: Turn, share: Share, inhabitants: dict[str, int]) -> str:
    lang = turn.lang
    if inhabitants:
        count = inhabitants[share.municipality]
        return turn.t(
            "costs.line_weighted",
            name=share.municipality,
            inhabitants=_inhabitants(turn, count),
            percent=_percent(count, sum(inhabitants.values()), lang),
            excl=euro(share.excl_cents, lang),
            incl=euro(share.incl_cents, lang),
        )
    return turn.t(
        "costs.line",
        name=share.municipality,
        excl=euro(share.excl_cents, lang),
        incl=euro(share.incl_cents, lang),
    )


def _inhabitants(turn: Turn, count: int) -> Html:
    return turn.tn("count.inhabitants", count, count=_number(count))


def _amount(cents: int) -> str:
    """`1198,39`: a decimal comma and no grouping, which Excel in Belgium reads as a number."""
    return f"{cents // 100},{cents % 100:02d}"


def _amounts(*cents: int) -> list[str]:
    return [_amount(value) for value in cents]


def costs_csv(turn: Turn, shares: Sequence[Share], inhabitants: dict[str, int]) -> bytes:
    """The shares as an Excel-BE CSV: UTF-8 with a BOM, `;` between fields, a total row."""
    columns = ["municipality", *(["inhabitants", "percent"] if inhabitants else [])]
    columns += ["excl", "vat", "incl"]
    rows: list[list[str]] = []
    whole = sum(inhabitants.values())
    for share in shares:
        row = [share.municipality]
        if inhabitants:
            count = inhabitants[share.municipality]
            row += [str(count), _percent(count, whole, "nl")]
        rows.append(row + _amounts(share.excl_cents, share.vat_cents, share.incl_cents))
    total = [turn.t("costs.csv.total"), *([str(whole), "100,0"] if inhabitants else [])]
    total += _amounts(
        sum(s.excl_cents for s in shares),
        sum(s.vat_cents for s in shares),
        sum(s.incl_cents for s in shares),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([turn.t(f"costs.csv.{column}") for column in columns])
    writer.writerows([*rows, total])
    return buffer.getvalue().encode("utf-8-sig")


def register(app: App) -> None:
    app.add_handlers([command("kosten", costs)])
