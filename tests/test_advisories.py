"""Advisories: referrals (marked in the knowledge base) come first and say so in the output;
all are shown in the order the knowledge base gives them (``mk:displayOrder``)."""

from __future__ import annotations

import re
from pathlib import Path

import musclekb

EVERYTHING = {  # a request that sets off every shipped advisory
    "findings": [{"sign": "sls-knee-valgus", "side": "left", "present": True}],
    "context": {"pain": 8, "pain_persistent": True},
}


def test_referrals_come_first_and_are_marked(kb: musclekb.KnowledgeBase) -> None:
    referrals = {a.code for a in kb.advisories.values() if a.referral}
    assert referrals, "the knowledge base marks at least one advisory as a referral"
    result = musclekb.assess(
        {
            "findings": [{"sign": "sls-knee-valgus", "side": "left", "present": True}],
            "context": {"pain": 8, "pain_persistent": True},
        },
        kb,
    ).to_dict()
    flags = [a["referral"] for a in result["advisories"]]
    assert flags == sorted(flags, reverse=True), "referrals first"
    assert {a["code"] for a in result["advisories"] if a["referral"]} == referrals
    assert not all(flags), "other advisories are reported too, and not as referrals"


def test_no_referral_without_pain(kb: musclekb.KnowledgeBase) -> None:
    result = musclekb.assess(
        {"findings": [{"sign": "sls-knee-valgus", "side": "left", "present": True}]}, kb
    ).to_dict()
    assert result["advisories"], "reassessment advice follows any imbalance"
    assert not any(a["referral"] for a in result["advisories"])


def test_states_name_their_muscle(kb: musclekb.KnowledgeBase) -> None:
    result = musclekb.assess(
        {"findings": [{"sign": "sls-knee-valgus", "side": "left", "present": True}]}, kb
    ).to_dict()
    states = result["states"] + [s for i in result["imbalances"] for s in i["states"]]
    assert states
    for s in states:
        assert kb.states[s["id"]].muscle == s["muscle"] in kb.muscles
        assert s["state_kind"] == kb.states[s["id"]].state_kind


def _codes(kb: musclekb.KnowledgeBase) -> list[str]:
    return [a["code"] for a in musclekb.assess(EVERYTHING, kb).to_dict()["advisories"]]


def test_advisories_are_shown_in_their_display_order(kb: musclekb.KnowledgeBase) -> None:
    shown = _codes(kb)
    assert len(shown) == len(kb.advisories), "the request sets off every advisory"
    order = {a.code: a.display_order for a in kb.advisories.values()}
    assert all(isinstance(n, int) for n in order.values()), "every shipped advisory has one"
    assert shown == sorted(order, key=lambda code: order[code])


def test_changed_orders_change_what_comes_first(kb_copy: Path, kb: musclekb.KnowledgeBase) -> None:
    """Reverse the display orders in the Turtle, referrals and others each among themselves:
    the output follows, with the referrals still first."""
    path = kb_copy / "principles.ttl"
    text = path.read_text(encoding="utf-8")
    advisories = sorted(kb.advisories.values(), key=lambda a: (not a.referral, a.display_order))
    swapped = {}
    for group in (True, False):
        members = [a for a in advisories if a.referral == group]
        for a, b in zip(members, reversed(members), strict=True):
            swapped[a.code] = b.display_order
    text = re.sub(
        r'(mk:code "([^"]+)" ;\n    mk:displayOrder )(\d+)',
        lambda m: f"{m.group(1)}{swapped[m.group(2)]}",
        text,
    )
    path.write_text(text, encoding="utf-8")
    changed = musclekb.load(kb_copy)
    before, after = _codes(kb), _codes(changed)
    referrals = sum(a.referral for a in kb.advisories.values())
    assert after[:referrals] == before[:referrals][::-1]
    assert after[referrals:] == before[referrals:][::-1]


def test_an_unchecked_knowledge_base_still_shows_referrals_first(kb_copy: Path) -> None:
    path = kb_copy / "principles.ttl"
    text = re.sub(r"    mk:displayOrder \d+ ;\n", "", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    unchecked = musclekb.load(kb_copy, validate=False)
    flags = [a["referral"] for a in musclekb.assess(EVERYTHING, unchecked).to_dict()["advisories"]]
    assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)
