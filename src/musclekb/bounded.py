"""Bounded tables for what is kept from one assessment to the next.

A table holds at most ``limit`` entries: when it is full, the older half (in the order the entries
were added) is dropped, so what recent assessments used stays while the table fills again.
Everything kept is deterministic and never changed, so dropping an entry costs only the time to
work it out again.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from itertools import islice
from typing import TypeVar

__all__ = ["cached", "put"]

K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A")


def put(table: MutableMapping[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key``; if ``table`` already holds ``limit`` entries, drop the
    older half of them first."""
    if len(table) >= limit:
        for old in list(islice(table, max(1, len(table) // 2))):
            del table[old]
    table[key] = value
    return value


def cached(table: MutableMapping[K, V], key: K, make: Callable[[A], V], arg: A, limit: int) -> V:
    """The value kept under ``key``, or ``make(arg)``, kept there (see :func:`put`)."""
    found = table.get(key)
    if found is None:
        found = put(table, key, make(arg), limit)
    return found
