from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.poll_rules import (
    Answer,
    HostCandidate,
    OptionTally,
    fold_name,
    pick_winner,
    propose_host,
    tally,
)

BXL = ZoneInfo("Europe/Brussels")
TUE = datetime(2026, 4, 21, 19, 30, tzinfo=BXL)  # di 21/4 19u30
WED = datetime(2026, 4, 22, 14, 0, tzinfo=BXL)
THU = datetime(2026, 4, 23, 9, 0, tzinfo=BXL)
OPTIONS = [(1, TUE), (2, WED), (3, THU)]
Y, M, N = Answer.YES, Answer.MAYBE, Answer.NO


def t(option_id: int, starts_at: datetime, yes: int, maybe: int = 0, no: int = 0) -> OptionTally:
    return OptionTally(option_id, starts_at, yes, maybe, no)


# ---------------------------------------------------------------- tally


def test_tally_counts_per_option_in_given_order() -> None:
    votes = [(1, 10, Y), (1, 11, M), (2, 10, N), (3, 12, Y), (3, 10, Y)]
    assert tally(OPTIONS, votes) == [t(1, TUE, 1, 1, 0), t(2, WED, 0, 0, 1), t(3, THU, 2, 0, 0)]


def test_last_answer_per_member_and_option_counts() -> None:
    votes = [(1, 10, Y), (1, 10, N), (1, 10, M), (2, 10, N), (2, 10, Y)]
    result = tally(OPTIONS, votes)
    assert result[0] == t(1, TUE, 0, 1, 0)
    assert result[1] == t(2, WED, 1, 0, 0)


def test_tally_accepts_plain_strings() -> None:
    assert tally([(1, TUE)], [(1, 10, "yes")])[0].yes == 1  # type: ignore[list-item]


def test_votes_for_unknown_options_are_ignored() -> None:
    assert tally([(1, TUE)], [(99, 10, Y)]) == [t(1, TUE, 0)]


def test_tally_without_votes() -> None:
    assert tally(OPTIONS, []) == [t(1, TUE, 0), t(2, WED, 0), t(3, THU, 0)]


def test_duplicate_option_ids_are_refused() -> None:
    with pytest.raises(ValueError):
        tally([(1, TUE), (1, WED)], [])


# ---------------------------------------------------------------- winner


def test_most_yes_wins() -> None:
    assert pick_winner([t(1, TUE, 1, 5), t(2, WED, 2, 0), t(3, THU, 0, 9)]) == t(2, WED, 2, 0)


def test_yes_tie_broken_by_yes_plus_maybe() -> None:
    winner = pick_winner([t(1, TUE, 2, 0), t(2, WED, 2, 1), t(3, THU, 1, 5)])
    assert winner is not None and winner.option_id == 2


def test_full_tie_broken_by_earliest_start() -> None:
    winner = pick_winner([t(3, THU, 2, 1), t(2, WED, 2, 1), t(1, TUE, 2, 1)])
    assert winner is not None and winner.option_id == 1


def test_earliest_start_compares_instants_not_order() -> None:
    earlier_in_utc = datetime(2026, 4, 22, 12, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 in Brussels
    winner = pick_winner([t(2, WED + timedelta(minutes=1), 1), t(5, earlier_in_utc, 1)])
    assert winner is not None and winner.option_id == 5


def test_same_moment_falls_back_to_option_id() -> None:
    winner = pick_winner([t(7, TUE, 1), t(4, TUE, 1)])
    assert winner is not None and winner.option_id == 4


def test_maybe_only_still_makes_a_meeting() -> None:
    winner = pick_winner([t(1, TUE, 0, 0, 3), t(2, WED, 0, 1, 2)])
    assert winner is not None and winner.option_id == 2


def test_single_voter() -> None:
    winner = pick_winner(tally(OPTIONS, [(3, 42, Y)]))
    assert winner is not None and winner.option_id == 3


def test_nobody_voted() -> None:
    assert pick_winner(tally(OPTIONS, [])) is None


def test_all_no() -> None:
    votes = [(o, m, N) for o, _ in OPTIONS for m in (10, 11, 12)]
    assert pick_winner(tally(OPTIONS, votes)) is None


def test_no_options() -> None:
    assert pick_winner([]) is None


# ---------------------------------------------------------------- host rotation


def test_host_who_hosted_longest_ago() -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2026, 3, 1, tzinfo=BXL)),
        HostCandidate("Bever", datetime(2026, 1, 15, tzinfo=BXL)),
        HostCandidate("Lennik", datetime(2026, 2, 10, tzinfo=BXL)),
    ]
    assert propose_host(candidates) == "Bever"


def test_municipality_that_joined_later_hosts_first() -> None:
    candidates = [
        HostCandidate("Pajottegem", datetime(2025, 11, 1, tzinfo=BXL)),
        HostCandidate("Bever", datetime(2025, 12, 1, tzinfo=BXL)),
        HostCandidate("Pepingen", datetime(2026, 1, 1, tzinfo=BXL)),
        HostCandidate("Lennik", None),  # joined after the poll opened
    ]
    assert propose_host(candidates) == "Lennik"


def test_never_hosted_tie_is_alphabetical() -> None:
    candidates = [HostCandidate("Pepingen", None), HostCandidate("Bever", None)]
    assert propose_host(candidates) == "Bever"


def test_same_last_hosted_tie_is_alphabetical() -> None:
    when = datetime(2026, 2, 3, 14, tzinfo=BXL)
    candidates = [
        HostCandidate("Pepingen", when),
        HostCandidate("Lennik", when),
        HostCandidate("Pajottegem", when + timedelta(days=1)),
    ]
    assert propose_host(candidates) == "Lennik"


def test_accents_and_case_are_folded() -> None:
    # By code point "É" sorts after every ASCII letter; folded it is an E.
    candidates = [HostCandidate("Edegem", None), HostCandidate("Écaussinnes", None)]
    assert propose_host(candidates) == "Écaussinnes"
    assert propose_host([HostCandidate("bever", None), HostCandidate("Bertem", None)]) == "Bertem"
    assert fold_name("Écaussinnes") == "ecaussinnes"


def test_no_candidates() -> None:
    assert propose_host([]) is None


def test_host_order_does_not_depend_on_input_order() -> None:
    candidates = [HostCandidate("Oud-Heverlee", None), HostCandidate("oud-heverlee", None)]
    assert propose_host(candidates) == propose_host(list(reversed(candidates)))


# ---------------------------------------------------------------- properties


@st.composite
def tallies_st(draw: st.DrawFn) -> list[OptionTally]:
    ids = draw(st.lists(st.integers(1, 1000), min_size=1, max_size=8, unique=True))
    counts = st.integers(0, 6)
    # few distinct start times so that ties on the date happen too
    starts = st.sampled_from([TUE, WED, THU])
    return [t(i, draw(starts), draw(counts), draw(counts), draw(counts)) for i in ids]


@given(tallies=tallies_st())
def test_winner_has_the_most_yes(tallies: list[OptionTally]) -> None:
    winner = pick_winner(tallies)
    if winner is None:
        assert all(x.yes == 0 and x.maybe == 0 for x in tallies)
    else:
        assert winner in tallies
        assert winner.yes == max(x.yes for x in tallies)
        rivals = [x for x in tallies if x.yes == winner.yes]
        assert winner.yes + winner.maybe == max(x.yes + x.maybe for x in rivals)


@given(data=st.data(), tallies=tallies_st())
def test_shuffling_never_changes_the_winner(
    data: st.DataObject, tallies: list[OptionTally]
) -> None:
    shuffled = data.draw(st.permutations(tallies))
    assert pick_winner(shuffled) == pick_winner(tallies)


@given(
    votes=st.lists(
        st.tuples(st.sampled_from([1, 2, 3]), st.integers(1, 5), st.sampled_from(list(Answer))),
        max_size=30,
    ),
)
def test_each_member_counts_once_with_their_last_answer(
    votes: list[tuple[int, int, Answer]],
) -> None:
    last = {(o, m): a for o, m, a in votes}
    for option in tally(OPTIONS, votes):
        answers = [a for (o, _), a in last.items() if o == option.option_id]
        assert option.yes == answers.count(Answer.YES)
        assert option.maybe == answers.count(Answer.MAYBE)
        assert option.no == answers.count(Answer.NO)


@given(
    data=st.data(),
    candidates=st.lists(
        st.builds(
            HostCandidate,
            name=st.sampled_from(["Bever", "Lennik", "Édegem", "edegem", "Herent", "Bertem"]),
            last_hosted=st.none() | st.sampled_from([TUE, WED, THU]),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda c: c.name,
    ),
)
def test_propose_host_ignores_input_order(
    data: st.DataObject, candidates: list[HostCandidate]
) -> None:
    shuffled = data.draw(st.permutations(candidates))
    assert propose_host(shuffled) == propose_host(candidates)
    host = next(c for c in candidates if c.name == propose_host(candidates))
    if any(c.last_hosted is None for c in candidates):
        assert host.last_hosted is None
    else:
        assert host.last_hosted == min(c.last_hosted for c in candidates if c.last_hosted)
