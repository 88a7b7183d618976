"""The planner's kept context verdicts: shared between assessments, never leaking between contexts.

Each request is assessed by one long-lived reasoner (whose exercise index keeps verdicts across
requests) and by a fresh one (nothing kept); both must give the same candidates, with the same
score, factor, exclusions and reasons, in whatever order the contexts come.
"""

from __future__ import annotations

from typing import Any

import pytest

import musclekb
from musclekb import plan
from musclekb.reasoner import Reasoner


def _findings(kb: musclekb.KnowledgeBase, n: int = 12) -> list[dict[str, Any]]:
    """The first ``n`` signs, lateral ones on the left: enough to score many exercises."""
    signs = sorted(kb.signs)[:n]
    return [
        {"sign": s, "side": "left" if kb.signs[s].lateral else None, "present": True} for s in signs
    ]


def _contexts(kb: musclekb.KnowledgeBase) -> list[dict[str, Any]]:
    levels = sorted(kb.levels, key=lambda k: kb.levels[k].rank)
    return [
        {},
        {"pain": 8},
        {"pain": 2},
        {"equipment": []},
        {"level": levels[0]},
        {"level": levels[-1]},
        {"pain": 8, "equipment": [], "level": levels[0]},
        {},
    ]


def _outcome(reasoner: Reasoner, request: dict[str, Any]) -> dict[str, Any]:
    a = reasoner.assess(request)
    a.to_dict()  # details the written-out candidates
    result = a._plan
    return {
        "candidates": [
            (c.exercise, c.phase, c.score, c.factor, list(c.excluded), list(c.reasons))
            for c in result.candidates.values()
        ],
        "chosen": [c.exercise for c in result.chosen],
        "plan": [(p.id, p.score, p.why) for p in a.plan],
        "why_not": [a.why_not(ex) for ex in result.candidates],
    }


def _requests(kb: musclekb.KnowledgeBase) -> list[dict[str, Any]]:
    findings = _findings(kb)
    right = [{**f, "side": "right"} if f["side"] else f for f in findings]
    return [{"findings": fs, "context": ctx} for ctx in _contexts(kb) for fs in (findings, right)]


@pytest.mark.parametrize("order", ["forward", "reversed", "interleaved"])
def test_kept_verdicts_match_fresh_ones(kb: musclekb.KnowledgeBase, order: str) -> None:
    requests = _requests(kb)
    if order == "reversed":
        requests.reverse()
    elif order == "interleaved":
        requests = requests[::2] + requests[1::2]
    shared = Reasoner(kb)
    for request in requests:
        assert _outcome(shared, request) == _outcome(Reasoner(kb), request), request["context"]


def test_contexts_change_the_verdicts(kb: musclekb.KnowledgeBase) -> None:
    """The requests above do exercise exclusions and factors, each with its own context."""
    r = Reasoner(kb)
    findings = _findings(kb)
    by_context = {}
    for ctx in _contexts(kb):
        key = repr(sorted(ctx.items()))
        by_context[key] = r.assess({"findings": findings, "context": ctx})._plan.candidates
    plain = by_context[repr([])]
    assert plain and not any(c.excluded for c in plain.values())
    texts = {k: [e for c in cands.values() for e in c.excluded] for k, cands in by_context.items()}
    pain8, pain2 = texts[repr([("pain", 8)])], texts[repr([("pain", 2)])]
    assert pain8 and not any("(pain 2/10)" in e for e in pain8)
    assert not any("(pain 8/10)" in e for e in pain2)
    assert any("needs equipment not available" in e for e in texts[repr([("equipment", [])])])
    # once the contexts have passed, a request without one is unchanged
    again = r.assess({"findings": findings})._plan.candidates
    assert {k: (c.excluded, c.reasons, c.factor, c.score) for k, c in again.items()} == {
        k: (c.excluded, c.reasons, c.factor, c.score) for k, c in plain.items()
    }


def test_kept_verdicts_are_bounded(kb: musclekb.KnowledgeBase, monkeypatch: Any) -> None:
    monkeypatch.setattr(plan, "_VERDICT_CACHE_SIZE", 2 * len(kb.exercises))
    shared = Reasoner(kb)
    equipment = sorted({e for ex in kb.exercises.values() for e in ex.equipment})
    findings = _findings(kb)
    for i in range(len(equipment)):
        request = {"findings": findings, "context": {"equipment": equipment[:i], "pain": i % 3}}
        assert _outcome(shared, request) == _outcome(Reasoner(kb), request)
        assert len(shared.exercises.verdict_cache) <= 2
        assert sum(len(v) for v in shared.exercises.verdict_cache.values()) <= 2 * len(kb.exercises)
