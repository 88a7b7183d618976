"""The muscle states listed under a reported imbalance: its component states believed on the side
it is reported on, or on either side when it is reported bilateral or without a side (a bilateral
imbalance listed only its left side's states, each marked "left")."""

from __future__ import annotations

import orjson

import musclekb

from .case_requests import random_requests

_SIDES = ("left", "right")


def _requests(kb: musclekb.KnowledgeBase) -> list[dict[str, object]]:
    signs = sorted(kb.signs.values(), key=lambda s: s.id)
    out: list[dict[str, object]] = []
    for i, sign in enumerate(signs):  # each sign alone, alternately left and on both sides
        side = "left" if i % 2 else "bilateral"
        out.append({"findings": [{"sign": sign.id, "side": side if sign.lateral else None}]})
    out += random_requests(kb, 60, seed=5)  # and larger mixes
    return out


def test_each_imbalance_lists_its_component_states_on_the_sides_it_is_reported_on(
    kb: musclekb.KnowledgeBase,
) -> None:
    reasoner = musclekb.Reasoner(kb)
    both_sides = 0
    for request in _requests(kb):
        result = reasoner.assess(request)
        answer = orjson.loads(result.to_json())
        believed = {  # the rows of the believed states, less their explanation
            (s["id"], s["side"]): {k: v for k, v in s.items() if k != "explanation"}
            for s in answer["states"]
        }
        for row in answer["imbalances"]:
            components = kb.imbalances[row["id"]].components
            sides = (row["side"],) if row["side"] in _SIDES else _SIDES
            expected = [
                believed[(c, side)] for c in components for side in sides if (c, side) in believed
            ]
            assert row["states"] == expected, (request, row["id"], row["side"])
            if {s["side"] for s in row["states"]} == set(_SIDES):
                both_sides += 1
    assert both_sides >= 10, "too few imbalances with states on both sides to show anything"
