"""Differential test: the engine against a plain reference evaluator written here.

The reference reads ``kb.rules`` directly (no engine, no compiled tables) and follows the
documented semantics step by step:

- a finding gives premise cf 1 when present, -1 when absent, on its side (both sides when
  ``bilateral`` or for a non-lateral sign); one sign seen on one side is one fact, however often
  it is repeated;
- a sign rule concludes ``certainty x premise cf`` for its state on the same side, or on the other
  side when ``rule.side == "opposite"``; on an absent sign only a rule of positive certainty
  fires (the absence of a sign that argues against a state is no evidence for it);
- a measure rule with ``lsi_below`` holds on the weaker side when the limb symmetry index
  ``100 x min / max`` (100 when max is 0) is below it; ``value_below`` / ``value_above`` hold per
  side on that side's value; premise cf 1, so it concludes ``certainty``;
- each state's evidence combines with ``cf.combine_all``;
- a pattern rule holds on a side when every ``if_states`` belief on that side and every
  ``if_opposite_states`` belief on the other side is above the threshold; it concludes
  ``certainty x min(premise beliefs)``;
- a cause rule adds ``certainty`` to an imbalance on a side only when that imbalance already has
  pattern evidence there; each imbalance's evidence combines with ``cf.combine_all``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from hypothesis import example, given, settings

import musclekb
from musclekb.cf import combine_all

from .test_engine_properties import OVERLAP_CRASH, assess, finding_sides, requests, shipped_kb

SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.5)


def reference_beliefs(
    kb: musclekb.KnowledgeBase, request: dict[str, Any]
) -> dict[tuple[str, str, str], float]:
    """Every state and imbalance belief per side, computed the slow, obvious way."""
    threshold = request.get("threshold", kb.report_threshold)
    causes = set((request.get("context") or {}).get("causes") or [])

    facts = set()  # (sign, side, premise cf)
    for f in request.get("findings") or []:
        for side in finding_sides(f.get("side")):
            facts.add((f["sign"], side, 1.0 if f.get("present", True) else -1.0))

    state_evidence: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rule in kb.rules.values():
        if rule.rule_type == "sign":
            for sign, side, premise in facts:
                if sign == rule.if_sign and (premise > 0 or rule.certainty > 0):
                    target = OTHER[side] if rule.side == "opposite" else side
                    state_evidence[(rule.then_state, target)].append(rule.certainty * premise)
        elif rule.rule_type == "measure":
            for m in request.get("measurements") or []:
                if m["measure"] != rule.if_measure:
                    continue
                values = {"left": float(m["left"]), "right": float(m["right"])}
                high, low = max(values.values()), min(values.values())
                lsi = 100.0 if high == 0 else 100.0 * low / high
                if values["left"] == values["right"]:
                    weaker = None
                elif kb.measures[rule.if_measure].higher_is_better:
                    weaker = "left" if values["left"] < values["right"] else "right"
                else:
                    weaker = "left" if values["left"] > values["right"] else "right"
                for side in SIDES:
                    if rule.lsi_below is not None:
                        holds = side == weaker and lsi < rule.lsi_below
                    elif rule.value_below is not None:
                        holds = values[side] < rule.value_below
                    elif rule.value_above is not None:
                        holds = values[side] > rule.value_above
                    else:
                        holds = False
                    if holds:
                        state_evidence[(rule.then_state, side)].append(rule.certainty)

    states = {key: combine_all(cfs).value for key, cfs in state_evidence.items()}

    imbalance_evidence: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rule in kb.rules.values():
        if rule.rule_type != "pattern":
            continue
        for side in SIDES:
            premises = [states.get((s, side), 0.0) for s in rule.if_states]
            premises += [states.get((s, OTHER[side]), 0.0) for s in rule.if_opposite_states]
            if premises and all(p > threshold for p in premises):
                imbalance_evidence[(rule.then_imbalance, side)].append(
                    rule.certainty * min(premises)
                )
    with_patterns = set(imbalance_evidence)
    for rule in kb.rules.values():
        if rule.rule_type == "cause" and rule.if_cause in causes:
            for side in SIDES:
                if (rule.then_imbalance, side) in with_patterns:
                    imbalance_evidence[(rule.then_imbalance, side)].append(rule.certainty)

    out = {("state", i, s): v for (i, s), v in states.items()}
    out.update(
        {("imbalance", i, s): combine_all(cfs).value for (i, s), cfs in imbalance_evidence.items()}
    )
    return out


def assert_agrees(request: dict[str, Any]) -> None:
    engine = {k: v for k, v in assess(request).beliefs.items() if v != 0}
    reference = {k: v for k, v in reference_beliefs(shipped_kb(), request).items() if v != 0}
    assert set(engine) == set(reference), (
        sorted(set(engine) - set(reference)),
        sorted(set(reference) - set(engine)),
    )
    for key, value in reference.items():
        assert engine[key] == pytest.approx(value, abs=1e-6), key


LSI_ROUNDING = {
    "findings": [],
    "measurements": [{"measure": "hop-distance", "left": 100.0, "right": 79.996}],
    "context": {"causes": []},
    "threshold": 0.2,
}


@settings(max_examples=80, deadline=None)
@given(requests(thresholds=THRESHOLDS))
@example(LSI_ROUNDING)
@example(OVERLAP_CRASH)
def test_engine_matches_reference_on_any_valid_request(request: dict[str, Any]) -> None:
    """On every valid request the engine's beliefs equal the reference evaluator's (within 1e-6)."""
    assert_agrees(request)


def test_lsi_just_below_the_cut_off_counts_as_below() -> None:
    """Hand-checked: LSI 79.996% is below 80%, so both hop-distance 80 and 90 rules fire."""
    kb = shipped_kb()
    rules = [
        r
        for r in kb.rules.values()
        if r.if_measure == "hop-distance" and r.then_state == "quadriceps-weak"
    ]
    assert sorted(r.lsi_below for r in rules) == [80.0, 90.0]
    expected = combine_all(r.certainty for r in rules).value
    assert reference_beliefs(kb, LSI_ROUNDING)[("state", "quadriceps-weak", "right")] == expected


def test_two_sign_rules_for_one_state_combine_to_0_72() -> None:
    """Hand-checked: two present signs with rules 0.6 and 0.3 for one state give 0.6 + 0.3 x 0.4."""
    kb = shipped_kb()
    by_state: dict[str, dict[float, str]] = defaultdict(dict)
    for r in kb.rules.values():
        if r.rule_type == "sign" and r.side == "same" and kb.signs[r.if_sign].lateral:
            by_state[r.then_state].setdefault(r.certainty, r.if_sign)
    state, signs = next((s, c) for s, c in sorted(by_state.items()) if {0.6, 0.3} <= set(c))
    if signs[0.6] == signs[0.3]:
        pytest.skip("no two distinct signs with 0.6 and 0.3 for one state")
    request = {
        "findings": [{"sign": signs[0.6], "side": "left"}, {"sign": signs[0.3], "side": "left"}]
    }
    # every other rule of these two signs must not touch the same state on the left
    others = [
        r.certainty
        for r in kb.rules.values()
        if r.rule_type == "sign"
        and r.if_sign in (signs[0.6], signs[0.3])
        and r.then_state == state
        and r.side == "same"
    ]
    assert sorted(others) == [0.3, 0.6]
    assert assess(request).beliefs[("state", state, "left")] == pytest.approx(0.72)
    assert reference_beliefs(kb, request)[("state", state, "left")] == pytest.approx(0.72)


def test_mycin_example_0_5_and_0_6_gives_0_8() -> None:
    """Hand-checked: the textbook MYCIN combination 0.5 + 0.6 x (1 - 0.5) = 0.8, in either order."""
    assert combine_all([0.5, 0.6]).value == pytest.approx(0.8)
    assert combine_all([0.6, 0.5]).value == pytest.approx(0.8)
    assert combine_all([0.6, 0.3]).value == pytest.approx(0.72)
    assert combine_all([0.6, -0.4]).value == pytest.approx(0.2 / 0.6, abs=1e-6)  # 6 decimals
