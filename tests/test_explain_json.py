"""``Assessment.to_json``: the service writes results straight to JSON from explanation pieces the
reasoner keeps. What it writes must be, byte for byte, what encoding ``to_dict()`` gives, in every
explanation form, whatever the reasoner has assessed before and however full its tables are."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import musclekb
from musclekb.assessment import EXPLAIN_FORMS
from tests.case_requests import CASES, random_requests


def _same(result: musclekb.Assessment, form: str) -> None:
    assert result.to_json(explain=form) == orjson.dumps(result.to_dict(explain=form))


@pytest.fixture(scope="module")
def shared(kb: musclekb.KnowledgeBase) -> musclekb.Reasoner:
    """One reasoner for the whole module, so later tests meet pieces kept by earlier ones."""
    return musclekb.Reasoner(kb)


@pytest.mark.parametrize("form", EXPLAIN_FORMS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_case_writes_the_same_bytes(shared: musclekb.Reasoner, case: str, form: str) -> None:
    _same(shared.assess(CASES[case]), form)


def test_random_requests_write_the_same_bytes_fresh_and_kept(kb: musclekb.KnowledgeBase) -> None:
    """A reasoner that has written many explanations and one that has written none agree."""
    kept = musclekb.Reasoner(kb)
    requests = random_requests(kb, 60, seed=7)
    for request in requests:
        kept.assess(request).to_json()
    for request in requests[::3]:
        fresh = musclekb.Reasoner(kb).assess(request).to_json()
        again = kept.assess(request)
        assert again.to_json() == fresh == orjson.dumps(again.to_dict())


def test_small_tables_drop_pieces_without_changing_output(kb: musclekb.KnowledgeBase) -> None:
    reasoner = musclekb.Reasoner(kb, table_entries=16)
    for request in random_requests(kb, 30, seed=11):
        result = reasoner.assess(request)
        for form in ("linked", "nested"):
            _same(result, form)
        assert len(reasoner.phrases._json_parts) <= 16
    # every table but the sources of each rule, which the knowledge base bounds
    tables = {
        k: v for k, v in vars(reasoner.phrases).items() if isinstance(v, dict) and k != "_sources"
    }
    assert max(len(t) for t in tables.values()) <= 16
    assert len(tables["_json_parts"]) > 8 and 0 < len(tables["_sentences"]) <= 8


def test_tables_need_room_for_two_entries(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="at least 2 entries, got 1"):
        musclekb.Reasoner(kb, table_entries=1)


def test_the_output_is_json_with_the_form_named(shared: musclekb.Reasoner) -> None:
    request = next(iter(CASES.values()))
    doc = orjson.loads(shared.assess(request).to_json(explain="sentences"))
    assert doc["explain"] == "sentences"
    assert all("tree" not in s["explanation"] for s in doc["states"])


def test_an_unknown_form_is_refused(shared: musclekb.Reasoner) -> None:
    with pytest.raises(musclekb.AssessmentInputError, match="linked"):
        shared.assess({}).to_json(explain="linkd")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_findings_write_the_same_bytes(shared: musclekb.Reasoner, data: st.DataObject) -> None:
    kb = shared.kb
    signs = sorted(kb.signs)
    chosen = data.draw(st.lists(st.sampled_from(signs), min_size=0, max_size=10, unique=True))
    findings = []
    for sign in chosen:
        sides = ["left", "right", "bilateral"] if kb.signs[sign].lateral else [None]
        findings.append(
            {
                "sign": sign,
                "side": data.draw(st.sampled_from(sides)),
                "present": data.draw(st.booleans()),
            }
        )
    result = shared.assess({"findings": findings})
    _same(result, data.draw(st.sampled_from(EXPLAIN_FORMS)))
