from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from models.costs import (
    VAT_RATE,
    Share,
    incl_difference,
    parse_amount,
    split_costs,
    split_equal,
    split_weighted,
    vat_cents,
)

PAJOTTENLAND = ["Pajottegem", "Bever", "Pepingen", "Lennik"]

names_st = st.lists(
    st.sampled_from(
        [
            "Pajottegem",
            "Bever",
            "Pepingen",
            "Lennik",
            "Herent",
            "Kortenberg",
            "Bertem",
            "Oud-Heverlee",
            "Écaussinnes",
        ]
    ),
    min_size=1,
    max_size=8,
    unique=True,
)
total_st = st.integers(min_value=0, max_value=10**9)


@st.composite
def weights_st(draw: st.DrawFn) -> dict[str, int]:
    names = draw(names_st)
    return {name: draw(st.integers(min_value=1, max_value=10**7)) for name in names}


# ---------------------------------------------------------------- examples


def test_ten_thousand_euro_over_three() -> None:
    shares = split_equal(1_000_000, ["Bever", "Pepingen", "Lennik"])
    assert [s.excl_cents for s in shares] == [333_334, 333_333, 333_333]
    assert [s.municipality for s in shares] == ["Bever", "Pepingen", "Lennik"]
    assert sum(s.incl_cents for s in shares) == 1_210_000
    assert sum(s.vat_cents for s in shares) == 210_000


def test_spare_cents_go_to_the_first_in_order_given() -> None:
    shares = split_equal(1_000_000, ["Lennik", "Bever", "Pepingen"])
    assert shares[0] == Share("Lennik", 333_334, 70_000, 403_334)


def test_equal_split_over_four() -> None:
    shares = split_equal(1_000_000, PAJOTTENLAND)
    assert {s.excl_cents for s in shares} == {250_000}
    assert {s.vat_cents for s in shares} == {52_500}
    assert {s.incl_cents for s in shares} == {302_500}


def test_weighted_by_inhabitants() -> None:
    inhabitants = {"Pajottegem": 30_000, "Bever": 2_000, "Pepingen": 4_500, "Lennik": 9_500}
    shares = split_weighted(1_000_000, inhabitants)
    assert [s.municipality for s in shares] == list(inhabitants)
    assert sum(s.excl_cents for s in shares) == 1_000_000
    assert sum(s.incl_cents for s in shares) == 1_210_000
    bever = shares[1]
    assert bever.excl_cents == 43_478  # 10000 * 2000 / 46000 = 434.78...
    assert all(s.incl_cents == s.excl_cents + s.vat_cents for s in shares)


def test_zero_weight_municipality_pays_nothing() -> None:
    shares = split_weighted(1_000_000, {"Bever": 0, "Lennik": 1})
    assert shares[0] == Share("Bever", 0, 0, 0)
    assert shares[1] == Share("Lennik", 1_000_000, 210_000, 1_210_000)


def test_zero_total() -> None:
    assert split_equal(0, ["Bever", "Lennik"]) == [
        Share("Bever", 0, 0, 0),
        Share("Lennik", 0, 0, 0),
    ]


def test_vat_is_rounded_half_up_once_on_the_total() -> None:
    assert Decimal("0.21") == VAT_RATE
    assert vat_cents(50) == 11  # 10.5 -> 11
    assert vat_cents(2) == 0  # 0.42 -> 0
    assert vat_cents(1_000_000) == 210_000


def test_no_negative_vat_on_tiny_shares() -> None:
    shares = split_weighted(6, {"Pajottegem": 18, "Bever": 14, "Pepingen": 3})
    assert [s.excl_cents for s in shares] == [3, 2, 1]
    assert [s.vat_cents for s in shares] == [1, 0, 0]  # 0.63, 0.42, 0.21 cent
    assert sum(s.incl_cents for s in shares) == 7


LEUVEN_INHABITANTS = {
    "Herent": 21_687,
    "Kortenberg": 20_373,
    "Bertem": 10_184,
    "Tervuren": 22_174,
    "Huldenberg": 10_563,
}


def test_each_municipality_pays_vat_on_its_own_share() -> None:
    """Worked out by hand: 84,981 inhabitants; the 3 spare cents go to the largest remainders
    (Kortenberg .94, Tervuren .91, Bertem .55); VAT is each share × 0.21, rounded half up."""
    shares = {s.municipality: s for s in split_weighted(1_000_000, LEUVEN_INHABITANTS)}
    assert shares["Herent"] == Share("Herent", 255_198, 53_592, 308_790)  # VAT 535.9158
    assert shares["Kortenberg"] == Share("Kortenberg", 239_736, 50_345, 290_081)  # 503.4456
    assert shares["Bertem"] == Share("Bertem", 119_839, 25_166, 145_005)  # 251.6619
    assert shares["Tervuren"] == Share("Tervuren", 260_929, 54_795, 315_724)  # 547.9509
    assert shares["Huldenberg"] == Share("Huldenberg", 124_298, 26_103, 150_401)  # 261.0258
    assert sum(s.excl_cents for s in shares.values()) == 1_000_000
    assert sum(s.incl_cents for s in shares.values()) == 1_210_001
    assert incl_difference(1_000_000, list(shares.values())) == 1


def test_split_costs_dispatches_on_type() -> None:
    assert split_costs(100, ["Bever", "Lennik"]) == split_equal(100, ["Bever", "Lennik"])
    assert split_costs(100, {"Bever": 1, "Lennik": 3}) == split_weighted(
        100, {"Bever": 1, "Lennik": 3}
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: split_equal(100, []),
        lambda: split_weighted(100, {}),
        lambda: split_equal(-1, ["Bever"]),
        lambda: split_weighted(-1, {"Bever": 1}),
        lambda: split_weighted(100, {"Bever": 0, "Lennik": 0}),
        lambda: split_weighted(100, {"Bever": -1, "Lennik": 5}),
        lambda: split_weighted(100, {"Bever": -3}),
        lambda: split_equal(100, ["Bever", "Bever"]),
    ],
)
def test_invalid_input_raises_value_error(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


def test_single_string_is_not_a_list_of_names() -> None:
    with pytest.raises(TypeError):
        split_equal(100, "Bever")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("10000", 1_000_000),
        ("10.000", 1_000_000),
        ("10 000", 1_000_000),
        ("10\u00a0000", 1_000_000),
        ("€ 3.333,34", 333_334),
        ("€3.333,34", 333_334),
        ("3.333,34 €", 333_334),
        ("EUR 3333,34", 333_334),
        ("3333,34", 333_334),
        ("3333.34", 333_334),
        ("3333,5", 333_350),
        ("3333.5", 333_350),
        ("1.234.567,89", 123_456_789),
        ("1 234 567", 123_456_700),
        ("0,05", 5),
        ("0", 0),
        ("10,-", 1_000),
        ("  2500  ", 250_000),
    ],
)
def test_parse_amount(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "€",
        "tienduizend",
        "-5",
        "10,000",  # a comma is decimal in Belgium: three decimals is not an amount
        "1,234.56",
        "1.234.5",
        "1.000.00",
        "0.123",
        "12.34.567",
        "10.",
        ",50",
        "10  000",
        "3,333,34",
        "€ 10 €",
        "1e5",
        "١٢",
        "10 euro",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


# ---------------------------------------------------------------- properties


def _assert_invoices(shares: list[Share], total: int) -> None:
    """Excl. shares add up to the price; each invoice carries VAT on its own share."""
    assert sum(s.excl_cents for s in shares) == total
    for s in shares:
        own_vat = (Decimal(s.excl_cents) * Decimal("0.21")).quantize(Decimal(1), "ROUND_HALF_UP")
        assert s.vat_cents == int(own_vat)
        assert s.incl_cents == s.excl_cents + s.vat_cents
        assert 0 <= s.excl_cents <= s.incl_cents
    # Each invoice's rounding is at most half a cent, and so is the quote's.
    difference = incl_difference(total, shares)
    assert difference == sum(s.incl_cents for s in shares) - total - vat_cents(total)
    assert 2 * abs(difference) <= len(shares) + 1


@given(total=total_st, weights=weights_st())
def test_weighted_shares_add_up_and_stay_within_a_cent(total: int, weights: dict[str, int]) -> None:
    shares = split_weighted(total, weights)
    assert [s.municipality for s in shares] == list(weights)
    _assert_invoices(shares, total)
    weight_sum = sum(weights.values())
    for s in shares:
        w = weights[s.municipality]
        assert abs(s.excl_cents - Fraction(total * w, weight_sum)) < 1


@given(total=total_st, names=names_st)
def test_equal_shares_add_up_and_differ_by_at_most_a_cent(total: int, names: list[str]) -> None:
    shares = split_equal(total, names)
    assert [s.municipality for s in shares] == names
    _assert_invoices(shares, total)
    excl = [s.excl_cents for s in shares]
    incl = [s.incl_cents for s in shares]
    assert max(excl) - min(excl) <= 1
    # A cent more excl. VAT can round to two more incl. VAT (1.21 cent).
    assert max(incl) - min(incl) <= 2
    # the bigger shares come first, in the order given
    assert excl == sorted(excl, reverse=True)
    assert incl == sorted(incl, reverse=True)


@given(total=st.integers(min_value=0, max_value=200), weights=weights_st())
def test_tiny_totals_never_give_negative_vat(total: int, weights: dict[str, int]) -> None:
    _assert_invoices(split_weighted(total, weights), total)


@pytest.mark.parametrize("locale", ["nl_BE", "fr_BE", "en_BE"])
@given(cents=st.integers(min_value=0, max_value=10**11))
def test_parse_amount_reads_what_babel_writes(locale: str, cents: int) -> None:
    text = format_currency(Decimal(cents).scaleb(-2), "EUR", locale=locale)
    assert parse_amount(text) == cents
