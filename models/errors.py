"""Errors that domain operations raise for handlers to put into words.

Each carries a catalogue key and its parameters instead of a sentence, because models/ does not
know the cluster's language; handlers/ renders them.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that breaks a rule; nothing was changed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(DomainError):
    """The sender's role does not permit this."""


class NotFound(DomainError):
    """The numbered item does not exist in this cluster."""
