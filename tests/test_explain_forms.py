"""The forms ``Assessment.to_dict`` writes explanations in: linked (the default), nested,
sentences and none. Each must describe the same derivation; only how much is written differs."""

from __future__ import annotations

import json
from typing import Any

import pytest

import musclekb
from musclekb.assessment import EXPLAIN_FORMS

# Knee caving in on the left in the single-leg squat and a hip dip in the single-leg bridge
# (000_31f428bb8db1541e.txt), knees caving in on both sides in the overhead squat (the NASM
# references): several imbalances rest on the same muscle states.
REQUEST = {
    "findings": [
        {"sign": "sls-knee-valgus", "side": "left"},
        {"sign": "slb-hip-dip", "side": "left"},
        {"sign": "ohs-knee-valgus", "side": "bilateral"},
    ]
}


@pytest.fixture(scope="module")
def result(kb: musclekb.KnowledgeBase) -> musclekb.Assessment:
    return musclekb.Reasoner(kb).assess(REQUEST)


def _pointed(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _state_premises(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for r in tree["rules"] for p in r["premises"] if p["kind"] == "state"]


def test_the_default_is_linked(result: musclekb.Assessment) -> None:
    assert result.to_dict() == result.to_dict(explain="linked")
    assert result.to_dict()["explain"] == "linked"


def test_linked_trees_point_at_the_states_and_match_the_nested_ones(
    result: musclekb.Assessment,
) -> None:
    linked, nested = result.to_dict(), result.to_dict(explain="nested")
    pointed = 0
    for li, ni in zip(linked["imbalances"], nested["imbalances"], strict=True):
        for lp, np_ in zip(
            _state_premises(li["explanation"]["tree"]),
            _state_premises(ni["explanation"]["tree"]),
            strict=True,
        ):
            target = _pointed(linked, lp["derivation"]["$ref"])
            assert (target["id"], target["side"]) == (lp["id"], lp["side"])
            assert target == np_["derivation"]
            pointed += 1
    assert pointed > len(linked["imbalances"])  # states are shared between imbalances
    assert len(json.dumps(linked)) < len(json.dumps(nested))


def test_the_imbalances_property_keeps_self_contained_trees(result: musclekb.Assessment) -> None:
    nested = result.to_dict(explain="nested")["imbalances"]
    for reported, written in zip(result.imbalances, nested, strict=True):
        assert reported.explanation == written["explanation"]


@pytest.mark.parametrize("form", EXPLAIN_FORMS)
def test_every_form_reports_the_same_conclusions(result: musclekb.Assessment, form: str) -> None:
    def bare(d: dict[str, Any]) -> dict[str, Any]:
        d = json.loads(json.dumps(d))
        for part in ("imbalances", "states"):
            for item in d[part]:
                item.pop("explanation", None)
        d.pop("explain")
        return d

    assert bare(result.to_dict(explain=form)) == bare(result.to_dict(explain="none"))


def test_an_unknown_form_is_an_input_error_with_a_suggestion(
    result: musclekb.Assessment,
) -> None:
    with pytest.raises(musclekb.AssessmentInputError) as caught:
        result.to_dict(explain="sentence")
    (problem,) = caught.value.problems
    assert problem.location == "explain"
    assert "sentences" in problem.suggestions
    assert "linked, nested, sentences, none" in problem.message


def test_sentences_are_shared_across_assessments_but_trees_are_not(
    kb: musclekb.KnowledgeBase,
) -> None:
    """Sentences are immutable and kept by the reasoner; trees are plain dicts a caller may
    change, so one assessment's trees are never handed to another."""
    reasoner = musclekb.Reasoner(kb)
    first, second = reasoner.assess(REQUEST).to_dict(), reasoner.assess(REQUEST).to_dict()
    assert first == second
    first["states"][0]["explanation"]["tree"]["certainty"] = -1.0
    assert second["states"][0]["explanation"]["tree"]["certainty"] != -1.0
    assert reasoner.assess(REQUEST).to_dict()["states"][0]["explanation"]["tree"]["certainty"] > 0


@pytest.mark.parametrize("form", EXPLAIN_FORMS)
def test_to_dict_is_plain_json_data(result: musclekb.Assessment, form: str) -> None:
    """What ``to_dict`` gives equals what its JSON parses back to: lists, not tuples, all the way
    down (a tuple would compare unequal to the list a client parses)."""
    assert result.to_dict(explain=form) == json.loads(result.to_json(explain=form))
