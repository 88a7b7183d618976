"""Assessment cases drawn from the seed articles and the clinical references.

Each YAML file in ``tests/cases/assessments`` is one case: a request and what the sources say should
come out of it. Keys under ``expect``:

- ``top_imbalances``: ``{id, side}`` items that must be among the first ``top_n`` (default 3) reported
  imbalances; leave ``side`` out to accept any side, ``side: null`` for a non-lateral imbalance.
- ``imbalances_absent``: ids (or ``{id, side}``) that must not be reported.
- ``max_imbalances``: at most this many imbalances reported.
- ``plan_includes``: exercise ids that must be in ``top_plan(per_phase=3)``.
- ``plan_anywhere``: exercise ids that must be somewhere in the full plan.
- ``plan_excludes``: exercise ids that must not be in the full plan.
- ``plan_equipment_only``: every planned exercise needs only equipment from this list.
- ``advisories`` / ``advisories_absent`` / ``first_advisory``: advisory codes.
- ``baseline``: ``{request, higher, lower}``; the listed ``{id, side}`` certainties must be higher
  (or lower) than in the baseline request.
- ``certainty_between``: ``{id, side, at_least, at_most}`` items (one bound or both); the reported
  certainty of that imbalance on that side (0 when it is not reported) must lie within the bounds,
  for a source that says how strongly a finding points to it (a test of weak validity: low).
- ``error``: a fragment of the AssessmentInputError message (then nothing else is expected).

A case may also carry ``disputed``: expectations the sources support but the engine does not meet
today (reported as disagreements). They are checked the other way round, so the test fails, asking
for the expectation to be moved back into ``expect``, as soon as the engine agrees with the sources.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import musclekb

CASE_DIR = Path(__file__).resolve().parent / "cases" / "assessments"
CASE_FILES = sorted(CASE_DIR.glob("*.yaml"))

CASE_KEYS = {"description", "source", "request", "expect", "disputed"}
EXPECT_KEYS = {
    "top_n",
    "top_imbalances",
    "imbalances_absent",
    "max_imbalances",
    "plan_includes",
    "plan_anywhere",
    "plan_excludes",
    "plan_equipment_only",
    "advisories",
    "advisories_absent",
    "first_advisory",
    "baseline",
    "certainty_between",
    "error",
}


@pytest.fixture(scope="module")
def kb() -> musclekb.KnowledgeBase:
    return musclekb.load()


def _load(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict), f"{path.name}: a case is a mapping"
    assert set(case) <= CASE_KEYS, f"{path.name}: unexpected keys {set(case) - CASE_KEYS}"
    for key in ("description", "source", "request", "expect"):
        assert key in case, f"{path.name}: missing {key!r}"
    for block in ("expect", "disputed"):
        extra = set(case.get(block) or {}) - EXPECT_KEYS
        assert not extra, f"{path.name}: unexpected keys in {block}: {extra}"
    return case


def _item(spec: str | dict[str, Any]) -> tuple[str, bool, str | None]:
    """An expected imbalance as (id, side given?, side)."""
    if isinstance(spec, str):
        return spec, False, None
    return spec["id"], "side" in spec, spec.get("side")


def _certainty(assessment: Any, spec: dict[str, Any]) -> float:
    ident, _, side = _item(spec)
    for imb in assessment.imbalances:
        if imb.id == ident and imb.side == side:
            return float(imb.certainty)
    return 0.0


def _describe(assessment: Any) -> str:
    return ", ".join(f"{i.id}/{i.side} {i.certainty:.2f}" for i in assessment.imbalances) or "none"


def _checks(
    expect: dict[str, Any], kb: musclekb.KnowledgeBase
) -> list[tuple[str, Callable[[Any], None]]]:
    """One named check per expectation key, each taking the assessment."""
    top_n = int(expect.get("top_n", 3))

    def top_imbalances(a: Any) -> None:
        top = a.imbalances[:top_n]
        for spec in expect["top_imbalances"]:
            ident, with_side, side = _item(spec)
            hit = any(i.id == ident and (not with_side or i.side == side) for i in top)
            assert hit, f"{spec} not in the first {top_n} imbalances: {_describe(a)}"

    def imbalances_absent(a: Any) -> None:
        for spec in expect["imbalances_absent"]:
            ident, with_side, side = _item(spec)
            hit = [i for i in a.imbalances if i.id == ident and (not with_side or i.side == side)]
            assert not hit, f"{spec} reported: {_describe(a)}"

    def max_imbalances(a: Any) -> None:
        assert len(a.imbalances) <= expect["max_imbalances"], _describe(a)

    def plan_includes(a: Any) -> None:
        top = [p.id for p in a.top_plan(per_phase=3)]
        for ident in expect["plan_includes"]:
            assert ident in top, f"{ident} not in top_plan(per_phase=3): {top}"

    def plan_anywhere(a: Any) -> None:
        plan = [p.id for p in a.plan]
        for ident in expect["plan_anywhere"]:
            assert ident in plan, f"{ident} not in the plan"

    def plan_excludes(a: Any) -> None:
        plan = [p.id for p in a.plan]
        for ident in expect["plan_excludes"]:
            assert ident not in plan, f"{ident} is in the plan"

    def plan_equipment_only(a: Any) -> None:
        allowed = set(expect["plan_equipment_only"])
        for p in a.plan:
            needs = set(kb.exercises[p.id].equipment)
            assert needs <= allowed, f"{p.id} needs {sorted(needs - allowed)}"

    def advisories(a: Any) -> None:
        codes = [x.code for x in a.advisories]
        for code in expect["advisories"]:
            assert code in codes, f"advisory {code} missing: {codes}"

    def advisories_absent(a: Any) -> None:
        codes = [x.code for x in a.advisories]
        for code in expect["advisories_absent"]:
            assert code not in codes, f"advisory {code} present: {codes}"

    def first_advisory(a: Any) -> None:
        codes = [x.code for x in a.advisories]
        assert codes[:1] == [expect["first_advisory"]], f"advisories in order: {codes}"

    def baseline(a: Any) -> None:
        spec = expect["baseline"]
        base = musclekb.assess(spec["request"], kb)
        for item in spec.get("higher", []):
            now, before = _certainty(a, item), _certainty(base, item)
            assert now > before, f"{item}: {now:.2f} not above baseline {before:.2f}"
        for item in spec.get("lower", []):
            now, before = _certainty(a, item), _certainty(base, item)
            assert now < before, f"{item}: {now:.2f} not below baseline {before:.2f}"

    def certainty_between(a: Any) -> None:
        for spec in expect["certainty_between"]:
            bounds = {k: spec[k] for k in ("at_least", "at_most") if k in spec}
            assert bounds, f"{spec}: give at_least, at_most or both"
            now = _certainty(a, spec)
            low, high = bounds.get("at_least", -1.0), bounds.get("at_most", 1.0)
            assert low <= now <= high, (
                f"{spec['id']}/{spec.get('side')}: {now:.2f} not within [{low:g}, {high:g}]: "
                f"{_describe(a)}"
            )

    available = {
        "top_imbalances": top_imbalances,
        "imbalances_absent": imbalances_absent,
        "max_imbalances": max_imbalances,
        "plan_includes": plan_includes,
        "plan_anywhere": plan_anywhere,
        "plan_excludes": plan_excludes,
        "plan_equipment_only": plan_equipment_only,
        "advisories": advisories,
        "advisories_absent": advisories_absent,
        "first_advisory": first_advisory,
        "baseline": baseline,
        "certainty_between": certainty_between,
    }
    return [(name, check) for name, check in available.items() if name in expect]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_assessment_case(path: Path, kb: musclekb.KnowledgeBase) -> None:
    case = _load(path)
    expect = case["expect"] or {}
    if expect.get("error") is not None:
        assert set(expect) == {"error"}, "an invalid-input case expects only the error"
        assert not case.get("disputed")
        with pytest.raises(musclekb.AssessmentInputError) as info:
            musclekb.assess(case["request"], kb)
        assert expect["error"] in str(info.value)
        return
    assessment = musclekb.assess(case["request"], kb)
    for _, check in _checks(expect, kb):
        check(assessment)
    for name, check in _checks(case.get("disputed") or {}, kb):
        try:
            check(assessment)
        except AssertionError:
            continue
        pytest.fail(f"disputed expectation {name!r} now holds: move it back into 'expect'")


def test_there_are_enough_cases() -> None:
    assert len(CASE_FILES) >= 32
