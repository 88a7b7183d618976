"""Bounded tables for what is kept from one assessment to the next.

A table holds at most ``limit`` entries: when it is full it is emptied and fills again with what
is asked for. Everything kept is deterministic and never changed, so emptying a table costs only
the time to work its entries out again.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import TypeVar

__all__ = ["cached", "put"]

K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A")


def put(table: MutableMapping[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key``, emptying ``table`` first if it holds ``limit`` entries."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


def cached(table: MutableMapping[K, V], key: K, make: Callable[[A], V], arg: A, limit: int) -> V:
    """The value kept under ``key``, or ``make(arg)``, kept there (see :func:`put`)."""
    found = table.get(key)
    if found is None:
        found = put(table, key, make(arg), limit)
    return found
