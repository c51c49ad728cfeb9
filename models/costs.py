"""Splitting the price of the guidance trajectory over a cluster's municipalities.

Every municipality receives its own invoice, so each share must be a whole number of cents
and the excl. VAT shares must add up exactly to the quoted price. Plain rounding of each share
cannot promise that; largest-remainder (Hamilton) rounding can, and keeps every share within
one cent of its exact value. VAT is then computed on each invoice, as the tax rules want: the
incl. VAT total is the sum of the invoices, not the price × 1.21 split again.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "VAT_RATE",
    "Share",
    "incl_difference",
    "parse_amount",
    "split_costs",
    "split_equal",
    "split_weighted",
    "vat_cents",
]

VAT_RATE = Decimal("0.21")


@dataclass(frozen=True)
class Share:
    municipality: str
    excl_cents: int
    vat_cents: int
    incl_cents: int


def vat_cents(total_excl_cents: int) -> int:
    """21 % VAT on an amount, rounded half up to the cent (one invoice, or the whole quote)."""
    total = _non_negative(total_excl_cents)
    return int((Decimal(total) * VAT_RATE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_equal(total_excl_cents: int, names: Sequence[str]) -> list[Share]:
    """Equal shares; the spare cents go to the first municipalities in the given order."""
    if isinstance(names, str):
        raise TypeError("names must be a sequence of municipality names, not a single string")
    return split_weighted(total_excl_cents, _unique_weights(names))


def split_weighted(total_excl_cents: int, weights: Mapping[str, int]) -> list[Share]:
    """Shares proportional to ``weights`` (inhabitants), in the mapping's order.

    Each municipality is invoiced separately, so its VAT is computed on its own excl. share
    and rounded half up to the cent; its incl. amount is that share plus that VAT. The incl.
    total is therefore the sum of the invoices, which may differ by a few cents from the
    total × 1.21 (`incl_difference`).
    """
    total_excl = _non_negative(total_excl_cents)
    names = list(weights)
    if not names:
        raise ValueError("no municipalities to split the costs over")
    values = [operator.index(weights[name]) for name in names]
    if any(value < 0 for value in values):
        raise ValueError("weights must not be negative")
    if sum(values) == 0:
        raise ValueError("at least one weight must be positive")
    excl = _largest_remainder(total_excl, values)
    return [
        Share(municipality=name, excl_cents=e, vat_cents=vat_cents(e), incl_cents=e + vat_cents(e))
        for name, e in zip(names, excl, strict=True)
    ]


def incl_difference(total_excl_cents: int, shares: Sequence[Share]) -> int:
    """The sum of the incl. VAT invoices minus the total × 1.21 (rounded once), in cents."""
    quoted = total_excl_cents + vat_cents(total_excl_cents)
    return sum(share.incl_cents for share in shares) - quoted


def split_costs(total_excl_cents: int, weights: Mapping[str, int] | Sequence[str]) -> list[Share]:
    """Weighted split for a mapping of inhabitants, equal split for a list of names."""
    if isinstance(weights, Mapping):
        return split_weighted(total_excl_cents, weights)
    return split_equal(total_excl_cents, weights)


def _largest_remainder(
    total: int, weights: Sequence[int], first: frozenset[int] = frozenset()
) -> list[int]:
    """Hamilton apportionment in exact integer arithmetic (no float drift on large totals).

    Ties between equal remainders go to the earlier position, so the result depends only
    on the order the caller gives. Positions in ``first`` are served before the others.
    """
    weight_sum = sum(weights)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    spare = total - sum(floors)
    # sorted() is stable, so equal remainders keep the caller's order.
    ranked = sorted(range(len(weights)), key=lambda i: (i not in first, -remainders[i]))
    for i in ranked[:spare]:
        floors[i] += 1
    return floors


def _unique_weights(names: Sequence[str]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for name in names:
        if name in weights:
            raise ValueError(f"municipality listed twice: {name}")
        weights[name] = 1
    return weights


def _non_negative(cents: int) -> int:
    value = operator.index(cents)
    if value < 0:
        raise ValueError("amount must not be negative")
    return value


# Thousands may be grouped with a dot or a (non-breaking) space; a group always has three
# digits and the first group has no leading zero, so "0.123" is refused instead of guessed.
_AMOUNT_RE = re.compile(
    r"""
    (?P<int>
        [0-9]+
      | [1-9][0-9]{0,2} (?P<sep>[. \u00a0\u202f]) [0-9]{3} (?:(?P=sep)[0-9]{3})*
    )
    (?: (?P<dec>[.,]) (?P<frac>[0-9]{1,2} | -) )?
    """,
    re.VERBOSE,
)
_PREFIX_RE = re.compile(r"(?:€|EUR)\s*", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"\s*(?:€|EUR)$", re.IGNORECASE)


def parse_amount(text: str) -> int:
    """Read a euro amount as Belgians write it and return cents.

    A single dot followed by exactly three digits is a thousands separator (``10.000`` is ten
    thousand euro), any other dot is a decimal point. A comma is always decimal, so
    ``10,000`` is refused rather than read as ten euro.
    """
    body = text.strip()
    prefix = _PREFIX_RE.match(body)
    body = body[prefix.end() :] if prefix else _SUFFIX_RE.sub("", body, count=1)
    match = _AMOUNT_RE.fullmatch(body)
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    sep, dec, frac = match["sep"], match["dec"], match["frac"]
    if sep is not None and sep == dec:
        raise ValueError(f"ambiguous amount: {text!r}")
    euros = int(re.sub(r"[^0-9]", "", match["int"]))
    cents = 0 if frac is None or frac == "-" else int(frac.ljust(2, "0"))
    return euros * 100 + cents
