"""The planner scores with the plan weights of the knowledge base (knowledge/planning.ttl).

Changing a number there changes the scores and the reasons the plan gives, with no code changed;
a knowledge base without one of the weights is refused with the missing code named.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import musclekb
from musclekb.plan_weights import WEIGHTS, plan_weights

# weaker on the left, a beginner: unilateral work is favoured and harder work is held back
REQUEST: dict[str, Any] = {
    "findings": [
        {"sign": "sls-knee-valgus", "side": "left"},
        {"sign": "slb-hip-dip", "side": "left"},
    ],
    "context": {"level": "level-beginner"},
}


def _set_weights(kb_copy: Path, **weights: float) -> None:
    path = kb_copy / "planning.ttl"
    text = path.read_text(encoding="utf-8")
    for name, value in weights.items():
        code = name.replace("_", "-")
        text, n = re.subn(rf'(mk:code "{code}" ;\s+mk:weight )[0-9.]+', rf"\g<1>{value!r}", text)
        assert n == 1, code
    path.write_text(text, encoding="utf-8")


def _verdicts(kb: musclekb.KnowledgeBase) -> dict[str, tuple[float, float, tuple[str, ...]]]:
    """Each scored exercise's score, context factor, and reasons and exclusions (each without
    the plan weight it cites, checked on its own)."""
    plan = musclekb.Reasoner(kb).assess(REQUEST)._plan
    cited = plan.index.weights.cited.values()
    out = {}
    for ex, c in plan.candidates.items():
        notes = []
        for note in (*c.excluded, *c.reasons):
            note, _, citation = note.partition(" (plan-weight-")
            assert not citation or f"(plan-weight-{citation}" in cited, note
            notes.append(note)
        out[ex] = (c.score, c.factor, tuple(notes))
    return out


def test_every_weight_comes_from_one_plan_weight(kb: musclekb.KnowledgeBase) -> None:
    weights = plan_weights(kb)
    by_code = {w.code: w for w in kb.plan_weights.values()}
    assert sorted(by_code) == sorted(name.replace("_", "-") for name in WEIGHTS)
    for name in WEIGHTS:
        entity = by_code[name.replace("_", "-")]
        assert getattr(weights, name) == entity.weight
        assert entity.sources and entity.principles
        assert all(p in kb.principles for p in entity.principles)
    assert musclekb.Reasoner(kb).exercises.weights == weights


def test_reasons_cite_the_plan_weight_and_its_sources(kb: musclekb.KnowledgeBase) -> None:
    plan = musclekb.Reasoner(kb).assess(REQUEST)._plan
    unilateral = kb.plan_weights["plan-weight-unilateral-weaker-side"]
    files = [kb.sources[s].file_name for s in unilateral.sources]
    reason = next(r for c in plan.candidates.values() for r in c.reasons if "unilateral" in r)
    assert reason == (
        "unilateral work for the weaker (left) side: x1.2 "
        f"(plan-weight-unilateral-weaker-side, source {', '.join(files)})"
    )


def test_changed_weights_change_the_plan(kb: musclekb.KnowledgeBase, kb_copy: Path) -> None:
    before = _verdicts(kb)
    _set_weights(
        kb_copy, unilateral_weaker_side=2.0, one_level_above=0.0, two_levels_above=0.25, state=1.0
    )
    changed = musclekb.load(kb_copy)
    assert plan_weights(changed).unilateral_weaker_side == 2.0
    after = _verdicts(changed)
    assert after.keys() == before.keys()
    levels = {ex: changed.levels[changed.exercises[ex].level].rank for ex in after}
    seen = set()
    for ex, (score, factor, notes) in after.items():
        unilateral = changed.exercises[ex].unilateral
        if unilateral:
            assert "unilateral work for the weaker (left) side: x2" in notes, ex
            seen.add("unilateral")
        if levels[ex] == 2:  # one level above a beginner: now left out
            assert "one level above beginner" in notes and factor == (2.0 if unilateral else 1.0)
            seen.add("one above")
        if levels[ex] == 3:  # two levels above: no longer left out for that, weighed instead
            assert "two levels above beginner" not in notes
            assert "two levels above beginner: x0.25" in notes
            assert factor == pytest.approx(0.25 * (2.0 if unilateral else 1.0))
            seen.add("two above")
        if levels[ex] == 1 and not unilateral and before[ex][1] == 1.0:
            # neither factor applies: the score moves only by the larger weight of the states
            assert score >= before[ex][0]
    assert seen == {"unilateral", "one above", "two above"}
    assert any(after[ex][0] > before[ex][0] for ex in after if levels[ex] == 1)


def test_a_weight_left_out_is_named(kb_copy: Path) -> None:
    path = kb_copy / "planning.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('mk:code "fit-member"', 'mk:code "fit-members"'), "utf-8")
    with pytest.raises(musclekb.KnowledgeInvalidError, match='code "fit-member"'):
        musclekb.load(kb_copy)
    unchecked = musclekb.load(kb_copy, validate=False)
    with pytest.raises(musclekb.KnowledgeInvalidError, match='code "fit-member", and the'):
        musclekb.Reasoner(unchecked)
