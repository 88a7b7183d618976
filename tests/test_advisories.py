"""Advisories: referrals (marked in the knowledge base) come first and say so in the output."""

from __future__ import annotations

import musclekb


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
