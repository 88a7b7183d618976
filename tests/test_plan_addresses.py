"""What a plan item says it addresses, checked against the scoring rule of docs/reasoning.md.

For every exercise in the plan: each muscle state it lists is believed, and its weight is the
state's certainty times the exercise's fit (from the exercise index); every believed state the
exercise fits is listed; each imbalance it lists is reported, under the side it is reported on,
with a weight no larger than the imbalance's certainty on each side it stands for (both sides,
added, for one reported ``bilateral``); and the exercise's score is the sum of the imbalance
weights plus the sum of the state weights times the plan weight ``state``
(knowledge/planning.ttl), times its context factor (up to the rounding of each weight). A weight
given to the wrong exercise, or left out, breaks the last equation. The rows are listed in id order
(then left before right), and the ``why`` lines name the imbalances heaviest first, ties in id
order.
"""

from __future__ import annotations

from typing import Any

import pytest

import musclekb
from musclekb.cf import fmt
from tests.case_requests import CASES, random_requests


@pytest.fixture(scope="module")
def reasoner(kb: musclekb.KnowledgeBase) -> musclekb.Reasoner:
    return musclekb.Reasoner(kb)


def _check(reasoner: musclekb.Reasoner, request: dict[str, Any]) -> int:
    """Check every plan item of the assessment of ``request``; the number of items checked."""
    a = reasoner.assess(request)
    d = a.derivation
    believed = {k: b.cf for k, b in d.states.items() if b.cf > d.threshold}
    # as reported: the side shown (None for a non-lateral imbalance, or "bilateral", which
    # counts on both sides)
    reported = {(b.id, side): b.cf * (2 if side == "bilateral" else 1) for b, side in a._reported}
    fit = reasoner.exercises.fit
    factors = {c.exercise: c.factor for c in a._plan.chosen}
    for item in a.plan:
        states = {(r["id"], r["side"]): r["weight"] for r in item.addresses["states"]}
        imbalances = {(r["id"], r["side"]): r["weight"] for r in item.addresses["imbalances"]}
        expected_states = {
            key: round(cf * fit[key[0]][item.id], 4)
            for key, cf in believed.items()
            if item.id in fit.get(key[0], {})
        }
        assert states == expected_states, item.id
        for rows in item.addresses.values():
            keys = [(r["id"], r["side"]) for r in rows]
            assert keys == sorted(keys), item.id
        by_weight = sorted(imbalances.items(), key=lambda kv: (-kv[1], kv[0]))
        assert item.why[: len(by_weight)] == [
            reasoner.phrases.addresses((i, s, w)) for (i, s), w in by_weight
        ], item.id
        for key, weight in imbalances.items():
            assert key in reported, (item.id, key)
            assert 0 < weight <= reported[key] + 5e-5, (item.id, key)  # rounded to 4 places
        raw = sum(imbalances.values()) + reasoner.exercises.weights.state * sum(states.values())
        slack = 1e-4 * (len(imbalances) + len(states) + 1)
        assert item.score == pytest.approx(raw * factors[item.id], abs=slack), item.id
    return len(a.plan)


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_plan_items_add_up(reasoner: musclekb.Reasoner, case: str) -> None:
    _check(reasoner, CASES[case])


def test_random_plan_items_add_up(kb: musclekb.KnowledgeBase, reasoner: musclekb.Reasoner) -> None:
    checked = sum(_check(reasoner, request) for request in random_requests(kb, 150, seed=11))
    assert checked > 1000  # the requests do reach well-filled plans


def test_what_a_plan_item_addresses_is_found_in_the_imbalances_as_reported(
    kb: musclekb.KnowledgeBase, reasoner: musclekb.Reasoner
) -> None:
    """A client joins ``addresses.imbalances`` to ``imbalances`` by (id, side): a non-lateral
    imbalance has no side in either, one found alike on both sides is ``bilateral`` in both, and
    its ``why`` line says the same."""
    shown: dict[str | None, int] = {None: 0, "bilateral": 0}
    for request in random_requests(kb, 60, seed=5):
        doc = reasoner.assess(request).to_dict()
        reported = {(row["id"], row["side"]) for row in doc["imbalances"]}
        for item in doc["plan"]:
            for row in item["addresses"]["imbalances"]:
                assert (row["id"], row["side"]) in reported, (item["id"], row)
                label = kb.imbalances[row["id"]].label
                if row["side"] in shown:
                    shown[row["side"]] += 1
                    line = (
                        f"addresses {label} at {fmt(row['weight'])}"
                        if row["side"] is None
                        else f"addresses {label} (both sides) at {fmt(row['weight'])}, "
                        "the two sides added"
                    )
                    assert line in item["why"], (item["why"], line)
    assert shown[None] > 0 and shown["bilateral"] > 0, shown
