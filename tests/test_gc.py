"""The service raises the garbage collector's first threshold because an assessment leaves no
reference cycles behind: pin both, so the setting stays a pure saving."""

from __future__ import annotations

import gc
from collections.abc import Iterator

from fastapi.testclient import TestClient

import musclekb
from musclekb_api.app import create_app
from musclekb_api.settings import Settings, settings_from

REQUEST = {
    "findings": [
        {"sign": "sls-knee-valgus", "side": "left"},
        {"sign": "slb-hip-dip", "side": "right"},
        {"sign": "ohs-knee-valgus", "side": "bilateral", "present": False},
    ],
    "measurements": [{"measure": "slb-hold-time", "left": 30, "right": 14}],
    "context": {"pain": 3, "causes": [], "level": None},
}


def test_an_assessment_leaves_no_reference_cycles(kb: musclekb.KnowledgeBase) -> None:
    reasoner = musclekb.Reasoner(kb)
    for form in ("linked", "nested"):
        reasoner.assess(REQUEST).to_dict(explain=form)  # fill the caches first
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for form in ("linked", "nested", "sentences", "none"):
            result = reasoner.assess(REQUEST)
            result.to_dict(explain=form)
            result.why_not("knee-valgus")
            del result
        found = gc.collect()
        garbage = [type(o).__name__ for o in gc.garbage[:10]]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert found == 0, garbage


def test_the_service_sets_the_threshold_and_restores_it() -> None:
    before = gc.get_threshold()
    settings = Settings(gc_threshold=12_345)
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
    with TestClient(create_app(Settings(gc_threshold=0))):
        assert gc.get_threshold() == before


def test_the_threshold_setting_is_read_from_the_environment() -> None:
    assert settings_from({}).gc_threshold == 2_000
    assert settings_from({"MUSCLEKB_GC_THRESHOLD": "0"}).gc_threshold == 0
    assert settings_from({"MUSCLEKB_GC_THRESHOLD": "9000"}).gc_threshold == 9000


def test_caches_kept_across_assessments_hold_no_trace_objects(
    kb: musclekb.KnowledgeBase,
) -> None:
    """What the reasoner keeps between assessments is keyed by plain tuples: no premise or
    contribution (named tuples, which the collector tracks for as long as they live) is kept."""
    from musclekb.trace import Belief, Contribution, Premise

    reasoner = musclekb.Reasoner(kb)
    for form in ("linked", "nested", "sentences"):
        reasoner.assess(REQUEST).to_dict(explain=form)
        reasoner.assess(REQUEST).why_not("knee-valgus")

    def walk(value: object) -> Iterator[object]:
        yield value
        if isinstance(value, tuple | list | set | frozenset):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(k)
                yield from walk(v)

    kept = [
        *vars(reasoner.phrases).values(),
        reasoner.exercises.match_cache,
        reasoner.exercises.verdict_cache,
    ]
    assert sum(len(t) for t in kept if isinstance(t, dict)) > 50  # the caches were used
    found = [o for o in walk(kept) if isinstance(o, Belief | Contribution | Premise)]
    assert found == []


def test_the_written_explanations_kept_drop_out_of_the_collectors_sight(
    kb: musclekb.KnowledgeBase,
) -> None:
    """The JSON pieces and sentences kept between assessments, and their keys, are flat tuples of
    strings and numbers (or tuples of such): one collection stops the collector from watching
    them, so however full the tables are, they add nothing to later collections."""
    reasoner = musclekb.Reasoner(kb)
    for request in (REQUEST, {"findings": [{"sign": "sls-knee-valgus", "side": "right"}]}):
        for form in ("linked", "nested"):
            result = reasoner.assess(request)
            result.to_json(explain=form)  # the JSON pieces
            result.to_dict(explain=form)  # the sentences, kept for to_dict()
    gc.collect()
    phrases = reasoner.phrases
    tables = {
        "json_parts": phrases._json_parts,
        "json_rules": phrases._json_rules,
        "json_rule_heads": phrases._json_rule_heads,
        "json_premises": phrases._json_premises,
        "firings": phrases._firings,
        "sentences": phrases._sentences,
    }
    for name, table in tables.items():
        assert table, f"{name} was not used"
        watched = [item for pair in table.items() for item in pair if gc.is_tracked(item)]
        assert watched == [], f"{name}: {len(watched)} kept objects still watched"
