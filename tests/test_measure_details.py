"""What a measurement premise says of its numbers is true of them: a limb symmetry index just
under a rule's bound never reads as the bound itself ("90% (below 90%)"), and a measured value is
shown as it was given. The rules and bounds are the shipped knowledge base's."""

from __future__ import annotations

import re

import pytest

import musclekb


def _details(kb: musclekb.KnowledgeBase, measurement: dict[str, object]) -> dict[str, str]:
    """rule id -> the detail of its measurement premise, for the rules that held."""
    d = musclekb.assess({"measurements": [measurement]}, kb).derivation
    return {
        c.rule: p.detail
        for b in d.states.values()
        for c in b.evidence
        for p in c.premises
        if p.kind == "measure"
    }


def _lsi_rules(kb: musclekb.KnowledgeBase) -> list[musclekb.model.Rule]:
    return sorted((r for r in kb.rules.values() if r.lsi_below is not None), key=lambda r: r.id)


@pytest.mark.parametrize("gap", [0.4, 0.04, 0.004, 1e-7])
def test_an_index_under_the_bound_reads_under_it(kb: musclekb.KnowledgeBase, gap: float) -> None:
    rules = _lsi_rules(kb)
    assert rules
    for rule in rules:
        assert rule.lsi_below is not None and rule.if_measure is not None
        bound = rule.lsi_below
        higher_is_better = kb.measures[rule.if_measure].higher_is_better
        weaker, stronger = (
            (bound - gap, 100.0) if higher_is_better else (100.0, 100.0 / (bound - gap) * 100)
        )
        detail = _details(kb, {"measure": rule.if_measure, "left": weaker, "right": stronger})
        assert rule.id in detail, (rule.id, detail)
        shown = re.search(r"limb symmetry index ([\d.]+)% \(below ([\d.]+)%\)", detail[rule.id])
        assert shown, detail[rule.id]
        assert float(shown.group(1)) < float(shown.group(2)) == bound, detail[rule.id]
        assert float(shown.group(1)) == pytest.approx(bound - gap, abs=0.1), detail[rule.id]


def test_a_value_is_shown_as_it_was_given(kb: musclekb.KnowledgeBase) -> None:
    rules = sorted(
        (r for r in kb.rules.values() if r.value_below is not None or r.value_above is not None),
        key=lambda r: r.id,
    )
    if not rules:
        pytest.skip("the knowledge base has no rule on a measured value")
    for rule in rules:
        assert rule.if_measure is not None
        bound = rule.value_below if rule.value_below is not None else rule.value_above
        assert bound is not None
        value = bound - 1e-6 if rule.value_below is not None else bound + 1e-6
        detail = _details(kb, {"measure": rule.if_measure, "left": value, "right": value})
        assert rule.id in detail, (rule.id, detail)
        assert f"value {value!r} " in detail[rule.id], detail[rule.id]
