"""Rules that decide a meeting poll and propose who hosts.

Kept free of storage and Telegram so that the outcome of a poll depends only on the votes:
the same votes must elect the same option whatever order the database returns them in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Answer",
    "HostCandidate",
    "OptionTally",
    "fold_name",
    "pick_winner",
    "propose_host",
    "tally",
]


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True)
class OptionTally:
    option_id: int
    starts_at: datetime
    yes: int
    maybe: int
    no: int


def tally(
    options: Sequence[tuple[int, datetime]],
    votes: Iterable[tuple[int, int, Answer]],
) -> list[OptionTally]:
    """Count answers per option, in the order the options were given.

    Votes arrive in the order they were cast; a member who changes their mind only counts
    with their last answer. Votes for an option that is not listed are ignored, so a stale
    button press cannot stop a poll from closing.
    """
    ids = [option_id for option_id, _ in options]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate option id")
    latest: dict[tuple[int, int], Answer] = {}
    for option_id, member_id, answer in votes:
        latest[(option_id, member_id)] = Answer(answer)
    counts = {option_id: dict.fromkeys(Answer, 0) for option_id in ids}
    for (option_id, _member), answer in latest.items():
        if option_id in counts:
            counts[option_id][answer] += 1
    return [
        OptionTally(
            option_id=option_id,
            starts_at=starts_at,
            yes=counts[option_id][Answer.YES],
            maybe=counts[option_id][Answer.MAYBE],
            no=counts[option_id][Answer.NO],
        )
        for option_id, starts_at in options
    ]


def pick_winner(tallies: Sequence[OptionTally]) -> OptionTally | None:
    """Most yes, then most yes + maybe, then the earliest start.

    ``None`` when no option got a single yes or maybe: a meeting nobody can attend is not
    worth creating. Two options at the same moment fall back to the lower option id, so
    the result never depends on input order.
    """
    candidates = [t for t in tallies if t.yes or t.maybe]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda t: (-t.yes, -(t.yes + t.maybe), t.starts_at, t.option_id),
    )


@dataclass(frozen=True)
class HostCandidate:
    name: str
    last_hosted: datetime | None  # None: has never hosted


def fold_name(name: str) -> str:
    """Sort key that ignores case and accents, so ``Écaussinnes`` sorts among the E's."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


@dataclass(frozen=True)
class HostProposal:
    """The proposed host and why it is its turn, so the proposal can say so."""

    name: str
    last_hosted: datetime | None  # None: has never hosted
    also_never: tuple[str, ...]  # the others that have never hosted either
    nobody_yet: bool  # no municipality has hosted yet


def host_proposal(candidates: Sequence[HostCandidate]) -> HostProposal | None:
    """`propose_host` with its reason."""
    name = propose_host(candidates)
    if name is None:
        return None
    chosen = next(c for c in candidates if c.name == name)
    never = sorted(
        (c.name for c in candidates if c.last_hosted is None and c.name != name),
        key=lambda n: (fold_name(n), n),
    )
    return HostProposal(
        name=name,
        last_hosted=chosen.last_hosted,
        also_never=tuple(never),
        nobody_yet=all(c.last_hosted is None for c in candidates),
    )


def propose_host(candidates: Sequence[HostCandidate]) -> str | None:
    """The municipality whose turn it is: never hosted first, then the longest ago.

    Municipalities that joined late have never hosted and so come first, which is fair:
    the others have all had a turn. Equal standing is broken alphabetically.
    """
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda c: (
            c.last_hosted is not None,
            c.last_hosted or datetime.min,
            fold_name(c.name),
            c.name,
        ),
    )
    return best.name
