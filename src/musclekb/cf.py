"""Certainty factors, combined the MYCIN way (Buchanan and Shortliffe 1984).

Two certainty factors for the same conclusion combine as: both positive ``a + b(1 - a)``; both
negative ``a + b(1 + a)``; mixed ``(a + b) / (1 - min(|a|, |b|))``. The mixed formula is not
associative, so :func:`combine_all` combines all positive evidence, then all negative evidence,
then the two results: the outcome is the same whatever the order in which rules fired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

__all__ = ["Combination", "combine", "combine_all", "combine_value", "fmt", "rounded"]


_CENT = Decimal("0.01")


@lru_cache(maxsize=1 << 16)
def fmt(x: float) -> str:
    """A certainty for people: two decimals, trailing zeros dropped (0.72, 0.6, -0.3), rounded
    from the four places results give (:func:`rounded`), halves away from zero. So a sentence
    shows the number the result gives: 0.475 shows as 0.48, whether the arithmetic that led to
    it came to 0.47499999999999998 or to 0.47500000000000003 (as binary fractions, those two
    would show as 0.47 and 0.48)."""
    cents = Decimal(repr(rounded(x))).quantize(_CENT, rounding=ROUND_HALF_UP)
    text = f"{cents:f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=1 << 16, typed=True)
def rounded(x: float) -> float:
    """``round(x, 4)``: how certainties and weights are given in results. Kept, because the same
    values recur from one assessment to the next and rounding to decimal places is slow."""
    return round(x, 4)


def combine(a: float, b: float) -> float:
    if a >= 0 and b >= 0:
        return a + b * (1 - a)
    if a <= 0 and b <= 0:
        return a + b * (1 + a)
    denominator = 1 - min(abs(a), abs(b))
    return (a + b) / denominator if denominator > 0 else 0.0


@dataclass(frozen=True)
class Combination:
    """A combined certainty and the arithmetic that produced it, step by step."""

    value: float
    steps: tuple[str, ...]

    @property
    def arithmetic(self) -> str:
        return "; ".join(self.steps)


def _step(a: float, b: float, result: float) -> str:
    if a >= 0 and b >= 0:
        return f"{fmt(a)} + {fmt(b)} x (1 - {fmt(a)}) = {fmt(result)}"
    if a <= 0 and b <= 0:
        return f"{fmt(a)} + ({fmt(b)}) x (1 + ({fmt(a)})) = {fmt(result)}"
    return f"({fmt(a)} + ({fmt(b)})) / (1 - {fmt(min(abs(a), abs(b)))}) = {fmt(result)}"


def _fold(values: list[float], steps: list[str]) -> float:
    total = values[0]
    for value in values[1:]:
        new = combine(total, value)
        steps.append(_step(total, value, new))
        total = new
    return total


def combine_all(values: Iterable[float]) -> Combination:
    """Combine every value; order-independent (values are sorted, strongest first)."""
    return _combine_all(tuple(values))


@lru_cache(maxsize=8192)
def _combine_all(values: tuple[float, ...]) -> Combination:
    # the same few certainties recur across beliefs, so their arithmetic is written once
    items = [v for v in values if v != 0]
    if not items:
        return Combination(0.0, ())
    positives = sorted((v for v in items if v > 0), reverse=True)
    negatives = sorted(v for v in items if v < 0)
    steps: list[str] = []
    pos = _fold(positives, steps) if positives else 0.0
    neg = _fold(negatives, steps) if negatives else 0.0
    if positives and negatives:
        total = combine(pos, neg)
        steps.append(_step(pos, neg, total))
    else:
        total = pos if positives else neg
    return Combination(round(total, 6), tuple(steps))


def combine_value(values: Iterable[float]) -> float:
    """The value :func:`combine_all` gives, without writing out the steps."""
    return _combine_value(tuple(values))


@lru_cache(maxsize=8192)
def _combine_value(values: tuple[float, ...]) -> float:
    # the same few rule certainties make up most beliefs, so the same tuples recur
    ordered = list(values)
    if len(ordered) == 1:  # one value: itself if not zero, as the loop below gives
        v = ordered[0]
        return round(v, 6) if v > 0 or v < 0 else 0.0
    ordered.sort(key=abs, reverse=True)
    pos = neg = 0.0
    seen_pos = seen_neg = False
    for v in ordered:
        if v > 0:
            pos = pos + v * (1 - pos)
            seen_pos = True
        elif v < 0:
            neg = neg + v * (1 + neg)
            seen_neg = True
    if seen_pos and seen_neg:
        return round(combine(pos, neg), 6)
    return round(pos if seen_pos else neg, 6)
