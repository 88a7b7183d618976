"""``assess()``: one call from findings to an assessment, with the engine built once per process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from musclekb.assessment import Assessment
from musclekb.kb import KnowledgeBase
from musclekb.loader import load
from musclekb.reasoner import Reasoner
from musclekb.request import AssessmentRequest

__all__ = ["assess", "reasoner_for"]

_lock = threading.Lock()
_reasoners: dict[int, Reasoner] = {}


def reasoner_for(kb: KnowledgeBase | None = None) -> Reasoner:
    """The process-wide reasoner for ``kb`` (the shipped knowledge base by default)."""
    with _lock:
        if kb is None:
            default = _reasoners.get(0)
            if default is None:
                default = _reasoners[0] = Reasoner(load())
            return default
        found = _reasoners.get(id(kb))
        if found is None or found.kb is not kb:
            found = _reasoners[id(kb)] = Reasoner(kb)
        return found


def assess(
    request: Mapping[str, Any] | AssessmentRequest, kb: KnowledgeBase | None = None
) -> Assessment:
    """Assess findings, measurements and context (a mapping as from JSON, or a built request)."""
    return reasoner_for(kb).assess(request)
