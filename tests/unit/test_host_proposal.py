"""The host proposal says why it is that municipality's turn, also before anyone hosted."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.meetings import host_reason
from models.poll_rules import HostCandidate, HostProposal, host_proposal

BXL = ZoneInfo("Europe/Brussels")


def reason(lang: str, candidates: list[HostCandidate]) -> str:
    proposal = host_proposal(candidates)
    assert proposal is not None
    return host_reason(lang, proposal, BXL)


def test_nobody_has_hosted_yet() -> None:
    candidates = [HostCandidate("Pepingen", None), HostCandidate("Bever", None)]
    proposal = host_proposal(candidates)
    assert proposal == HostProposal("Bever", None, ("Pepingen",), nobody_yet=True)
    assert reason("nl", candidates) == "nog geen gemeente ontving, dus de eerste in het alfabet"
    assert "langst geleden" not in reason("nl", candidates)


def test_two_never_hosted_while_others_did() -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2026, 3, 1, tzinfo=BXL)),
        HostCandidate("Lennik", None),
        HostCandidate("Bever", None),
    ]
    assert reason("nl", candidates) == "ontving nog niet, net als Lennik; eerst in het alfabet"
    assert reason("en", candidates).startswith("has not hosted yet, nor has Lennik")
    assert reason("fr", candidates).startswith("n'a pas encore accueilli, pas plus que Lennik")


def test_three_never_hosted_are_listed_in_words() -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2026, 3, 1, tzinfo=BXL)),
        HostCandidate("Lennik", None),
        HostCandidate("Bever", None),
        HostCandidate("Pepingen", None),
    ]
    assert "net als Lennik en Pepingen" in reason("nl", candidates)


def test_the_only_one_that_never_hosted() -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2026, 3, 1, tzinfo=BXL)),
        HostCandidate("Lennik", None),
    ]
    assert reason("nl", candidates) == "de enige gemeente die nog niet ontving"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "ontving het langst geleden, op donderdag 15 januari 2026"),
        ("en", "hosted longest ago, on Thursday 15 January 2026"),
        ("fr", "a accueilli il y a le plus longtemps, le jeudi 15 janvier 2026"),
    ],
)
def test_everyone_hosted_the_longest_ago_is_named_with_its_date(lang: str, expected: str) -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2026, 3, 1, tzinfo=BXL)),
        HostCandidate("Bever", datetime(2026, 1, 15, 19, tzinfo=BXL)),
    ]
    assert reason(lang, candidates) == expected
