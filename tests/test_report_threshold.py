"""The report threshold comes from the knowledge base (the principle that sets it, after MYCIN's
0.2 in the shipped one); a request may give its own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import musclekb

FINDINGS: list[dict[str, Any]] = [
    {"sign": "sls-knee-valgus", "side": "left"},
    {"sign": "slb-hip-dip", "side": "left"},
]


def _with_threshold(kb_copy: Path, value: str) -> Path:
    path = kb_copy / "principles.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count("mk:reportThreshold 0.2 ;") == 1
    path.write_text(text.replace("mk:reportThreshold 0.2 ;", value), encoding="utf-8")
    return kb_copy


def test_the_shipped_threshold_is_the_principles(kb: musclekb.KnowledgeBase) -> None:
    (principle,) = [p for p in kb.principles.values() if p.report_threshold is not None]
    assert "buchanan-shortliffe-1984" in principle.sources
    a = musclekb.Reasoner(kb).assess({"findings": FINDINGS})
    assert a.to_dict()["threshold"] == principle.report_threshold == kb.report_threshold


def test_a_changed_threshold_changes_what_is_reported(
    kb: musclekb.KnowledgeBase, kb_copy: Path
) -> None:
    shipped = musclekb.Reasoner(kb).assess({"findings": FINDINGS}).to_dict()
    strict = musclekb.load(_with_threshold(kb_copy, "mk:reportThreshold 0.6 ;"))
    reasoner = musclekb.Reasoner(strict)
    answer = reasoner.assess({"findings": FINDINGS}).to_dict()
    assert answer["threshold"] == 0.6
    assert answer["imbalances"] and all(i["certainty"] > 0.6 for i in answer["imbalances"])
    assert len(answer["imbalances"]) < len(shipped["imbalances"])
    # a request's own threshold still wins, and gives what the shipped base gives
    own = reasoner.assess({"findings": FINDINGS, "threshold": 0.2}).to_dict()
    assert own["imbalances"] == shipped["imbalances"]


def test_a_bad_threshold_in_a_request_names_the_default(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(
        musclekb.AssessmentInputError, match=re.escape("knowledge base's 0.2; got 1")
    ):
        musclekb.Reasoner(kb).assess({"threshold": 1})


@pytest.mark.parametrize(
    ("value", "says"),
    [("", "gives 0 (none)"), ("mk:reportThreshold 1.0 ;", "gives 1 (1)")],
    ids=["missing", "one"],
)
def test_a_base_without_a_usable_threshold_is_refused(kb_copy: Path, value: str, says: str) -> None:
    _with_threshold(kb_copy, value)
    with pytest.raises(musclekb.KnowledgeInvalidError, match="report threshold"):
        musclekb.load(kb_copy)
    unchecked = musclekb.load(kb_copy, validate=False)
    with pytest.raises(musclekb.KnowledgeInvalidError, match=re.escape(f"knowledge base {says}")):
        musclekb.Reasoner(unchecked)
