"""Reading weighted request headers (``Accept``, ``Accept-Encoding``) as RFC 9110 defines them.

Each item of such a header is a name with parameters, among them its weight ``q`` (1 when it is
not given; a weight that is not a number from 0 to 1 counts as 0, so a garbled item never wins).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["preferred_media", "weighted"]


_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


def weighted(header: str) -> list[tuple[str, float]]:
    """The items of ``header`` in order, each as its lower-cased name and its weight (a weight
    that is not a number from 0 to 1, as RFC 9110 writes them, counts as 0: ``q=inf``, ``q=2``,
    ``q=nan`` prefer nothing)."""
    out = []
    for item in header.split(","):
        name, _, params = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                text = value.strip()
                weight = float(text) if _QVALUE.fullmatch(text) else 0.0
        out.append((name, weight))
    return out


def _weight(media: str, ranges: list[tuple[str, float]]) -> float:
    """The weight ``ranges`` give ``media``: that of the most specific range matching it
    (``type/subtype``, then ``type/*``, then ``*/*``), 0 when none does."""
    kind = media.split("/", 1)[0]
    found = dict(ranges)
    for candidate in (media, f"{kind}/*", "*/*"):
        if candidate in found:
            return found[candidate]
    return 0.0


def preferred_media(accept: str | None, offered: Sequence[str]) -> str | None:
    """Which of ``offered`` (lower-case ``type/subtype``, the default first) an ``Accept`` value
    prefers: the one of highest weight, the earlier one on a tie. With no ``Accept`` (or an empty
    one) the default; ``None`` when it accepts none of them."""
    if accept is None or not accept.strip():
        return offered[0]
    ranges = weighted(accept)
    best, best_weight = None, 0.0
    for media in offered:
        weight = _weight(media, ranges)
        if weight > best_weight:
            best, best_weight = media, weight
    return best
