"""``lazy``: an attribute worked out on first use and then kept on the instance.

It does what ``functools.cached_property`` does, without the lock that Python 3.11's version takes
on every first use (one lock per attribute, shared by all instances; Python 3.12 dropped it). An
assessment makes dozens of beliefs and reads several such attributes of each, so that lock was a
measurable part of writing a result. Two threads reading the attribute of one instance at once
may both work it out; every ``lazy`` attribute here is deterministic, so either value is the one
kept.

Like ``cached_property`` it is a non-data descriptor: the value is stored in the instance's
``__dict__`` under the attribute's name (frozen dataclasses included), after which reads find it
there and never call the descriptor again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["lazy"]

T = TypeVar("T")


class lazy(Generic[T]):
    """Decorate a method of one argument (``self``) to make it a kept attribute."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | lazy[T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value
