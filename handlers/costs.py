"""`/kosten`: each municipality's share of the guidance price, the way it will be invoiced.

The arithmetic (whole cents that add up exactly, excl. and incl. VAT) lives in models/costs.py;
here the arguments are read and the shares written the Belgian way.
"""

from __future__ import annotations

from handlers.i18n import Html
from handlers.render import euro
from handlers.runtime import App
from handlers.turn import Turn, command
from models.clusters import fold, municipalities_of
from models.costs import Share, parse_amount, split_equal, split_weighted, vat_cents
from models.errors import DomainError

BY_INHABITANTS = {"inwoners", "inhabitants", "habitants"}
MAX_CENTS = 100_000_000 * 100  # a hundred million euro: anything above is a typo


def _read_args(text: str, default: str) -> tuple[int, bool]:
    """`[bedrag] [inwoners]` in either order; the amount may be written `€ 12.500,50`."""
    words = text.split()
    weighted = any(fold(word) in BY_INHABITANTS for word in words)
    amount_text = " ".join(word for word in words if fold(word) not in BY_INHABITANTS)
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
    return cents, weighted


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(part: int, whole: int, lang: str) -> str:
    value = f"{100 * part / whole:.1f}"
    return value if lang == "en" else value.replace(".", ",")


async def costs(turn: Turn) -> None:
    """Shares of the price, equal by default or by inhabitants."""
    cluster = turn.require_cluster()
    total, weighted = _read_args(turn.text_args, turn.runtime.project_price_eur)
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
    lang = turn.lang
    vat = vat_cents(total)
    lines: list[str] = [
        turn.t(
            "costs.title",
            excl=euro(total, lang),
            incl=euro(total + vat, lang),
            vat=euro(vat, lang),
        )
    ]
    if weighted:
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
            incl=euro(sum(s.incl_cents for s in shares), lang),
        )
    )
    if not weighted:
        lines.append(turn.t("costs.hint_inhabitants"))
    await turn.reply("\n".join(lines))


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


def register(app: App) -> None:
    app.add_handlers([command("kosten", costs)])
