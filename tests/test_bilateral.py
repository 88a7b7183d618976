"""An imbalance found on both sides: reported ``bilateral`` only when its two sides are derived
alike, and weighed in the plan on both sides however it is reported (docs/reasoning.md, steps 4
and 5; docs/api.md, "side").

The explanation of a ``bilateral`` imbalance gives the left side's derivation and says the right
is the same. That holds when the right side's sentences are the left side's with the sides
swapped, which is checked here through the sentences themselves, not through the engine's own
comparison. Equal certainties alone are not enough: 0.5 on the left from one finding and 0.5 on
the right from another are two different reasons, so they are reported side by side.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import musclekb
from musclekb.plan import build_plan
from tests.case_requests import assessed_requests, swap_sides


@pytest.fixture(scope="module")
def reasoner(kb: musclekb.KnowledgeBase) -> musclekb.Reasoner:
    return musclekb.Reasoner(kb)


@pytest.fixture(scope="module")
def assessed(reasoner: musclekb.Reasoner) -> list[Any]:
    return [a for _, a in assessed_requests(reasoner, 300, seed=23)]


def _equal_on_both_sides(kb: musclekb.KnowledgeBase, a: Any) -> list[tuple[Any, Any]]:
    """(left, right) beliefs of each lateral imbalance above the threshold at the same certainty
    on both sides, that is not a side-to-side comparison."""
    d = a.derivation
    out = []
    for (imbalance, side), left in d.imbalances.items():
        right = d.imbalances.get((imbalance, "right"))
        meta = kb.imbalances[imbalance]
        if side != "left" or right is None or not meta.lateral or meta.compares_sides:
            continue
        if left.cf > d.threshold and abs(left.cf - right.cf) < 1e-9:
            out.append((left, right))
    return out


def test_bilateral_means_the_right_side_reads_as_the_left_with_sidesswap_sides(
    kb: musclekb.KnowledgeBase, assessed: list[Any]
) -> None:
    counts = {"bilateral": 0, "apart": 0}
    for a in assessed:
        shown = {(b.id, side) for b, side in a._reported}
        for left, right in _equal_on_both_sides(kb, a):
            ex = a.explainer
            mirrored = [swap_sides(s) for s in ex.sentences(left)] == ex.sentences(right)
            if mirrored:
                counts["bilateral"] += 1
                assert (left.id, "bilateral") in shown, left.id
            else:
                counts["apart"] += 1
                assert {(left.id, "left"), (left.id, "right")} <= shown, left.id
                assert (left.id, "bilateral") not in shown, left.id
    # the requests reach both: alike derivations, and equal certainties for different reasons
    assert counts["bilateral"] > 50 and counts["apart"] > 10, counts


def test_sides_reported_apart_at_one_certainty_each_have_their_own_explanation(
    kb: musclekb.KnowledgeBase, assessed: list[Any]
) -> None:
    seen = 0
    for a in assessed:
        doc = a.to_dict()
        for left, right in _equal_on_both_sides(kb, a):
            rows = {r["side"]: r for r in doc["imbalances"] if r["id"] == left.id}
            if "bilateral" in rows:
                continue
            seen += 1
            assert rows["left"]["certainty"] == rows["right"]["certainty"]
            left_sentences = rows["left"]["explanation"]["sentences"]
            right_sentences = rows["right"]["explanation"]["sentences"]
            assert right_sentences == a.explainer.sentences(right)
            assert [swap_sides(s) for s in left_sentences] != right_sentences
            assert "the same on the" not in " ".join(left_sentences + right_sentences)
    assert seen > 10


def test_the_plan_weighs_both_sides_of_an_imbalance_however_it_is_reported(
    reasoner: musclekb.Reasoner, assessed: list[Any]
) -> None:
    """Reporting the two sides of an imbalance together (``bilateral``) or apart changes how
    the answer reads, not the plan: every exercise scores the same either way. (Counted once
    for both sides, an imbalance at 0.8 on each side weighed half as much as one at 0.8 on the
    left and 0.79 on the right.)"""
    compared = bilateral_rows = 0
    for a in assessed:
        d = a.derivation
        together = [
            ((d.imbalances[(b.id, "left")], d.imbalances[(b.id, "right")]), side)
            if side == "bilateral"
            else ((b,), side)
            for b, side in a._reported
        ]
        apart = [
            ((belief,), belief.side if side == "bilateral" else side)
            for beliefs, side in together
            for belief in beliefs
        ]
        if together == apart:
            continue
        compared += 1
        args = (reasoner.exercises, reasoner.tables)
        rest = (a._plan.states, a.request.context, a._plan.weaker_side)
        one = build_plan(*args, together, *rest)
        other = build_plan(*args, apart, *rest)
        assert {k: v[0] for k, v in one.scored.items()} == pytest.approx(
            {k: v[0] for k, v in other.scored.items()}, abs=1e-4
        )
        assert one.scored == a._plan.scored
        # and a plan item's row for a bilateral imbalance weighs what its two rows weigh when
        # its sides are reported apart
        for item in a.plan:
            split = other.candidate(item.id)
            other.detail(split)
            weights = {(r["id"], r["side"]): r["weight"] for r in split.imbalances}
            for row in item.addresses["imbalances"]:
                if row["side"] == "bilateral":
                    both = weights[(row["id"], "left")] + weights[(row["id"], "right")]
                    assert row["weight"] == pytest.approx(both, abs=1.5e-4)  # each rounded
                    bilateral_rows += 1
    assert compared > 50 and bilateral_rows > 50, (compared, bilateral_rows)


def test_the_line_docs_api_quotes_is_the_one_given(reasoner: musclekb.Reasoner) -> None:
    """docs/api.md quotes the `why` line of a bilateral imbalance for a knee caving in on both
    sides in the single-leg squat; that request gives it."""
    text = " ".join((Path(__file__).parents[1] / "docs" / "api.md").read_text().split())
    quoted = re.search(r'\("(addresses knee valgus \(both sides\) at [^"]+)", for a knee', text)
    assert quoted, "docs/api.md no longer quotes the line"
    a = reasoner.assess({"findings": [{"sign": "sls-knee-valgus", "side": "bilateral"}]})
    assert any(quoted.group(1) in item.why for item in a.top_plan(per_phase=3))


def test_a_sign_seen_on_both_sides_is_the_same_as_seen_on_each(
    reasoner: musclekb.Reasoner,
) -> None:
    """A client may send one finding ``bilateral`` or one for each side: the answer is the same,
    word for word."""
    compared = 0
    for request, a in assessed_requests(reasoner, 300, seed=9):
        findings = request["findings"]
        if not any(f["side"] == "bilateral" for f in findings):
            continue
        split = [
            {**f, "side": side}
            for f in findings
            for side in (("left", "right") if f["side"] == "bilateral" else (f["side"],))
        ]
        assert reasoner.assess({"findings": split}).to_dict() == a.to_dict(), request
        compared += 1
    assert compared > 100
