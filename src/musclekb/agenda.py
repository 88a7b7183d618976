"""The engine's conflict-resolution strategy: experta's depth order, without its shared cache.

experta's ``DepthStrategy`` orders activations by rule salience, then by the most recent facts,
and memoises the key in a process-wide ``lru_cache``. The cached activation is mutated afterwards
(its ``key`` is set), so no later lookup ever hits: every new activation is compared field by field
with each cached one of the same hash, which made a run of the engine several times slower than
its rules. This strategy computes the same key directly.
"""

from __future__ import annotations

from typing import Any

from musclekb.experta_compat import import_experta

__all__ = ["DepthOrder"]

_strategies: Any = import_experta().strategies


class DepthOrder(_strategies.DepthStrategy):  # type: ignore[misc]
    """Salience first, then the newest facts first (the order experta's default strategy uses)."""

    def get_key(self, activation: Any) -> tuple[int, list[int]]:
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts)
