"""What the planner needs to know about each exercise, compiled once from the knowledge base.

For every muscle state: the exercises that address it, each with its best fit (the plan weight
``fit-self`` when the exercise names the muscle itself, ``fit-group`` when it names a group the
muscle belongs to, ``fit-member`` when it names a muscle inside it).
For every exercise: its phase and the facts the context factor reads (equipment, contraindications,
whether its kind and load are safe to start with in pain, its level, whether it is unilateral).
For every imbalance: the exercises that address one of its components, with the fit through each
component, best first. And the plan weights of the knowledge base (:mod:`musclekb.plan_weights`).
Planning then costs a walk over the believed states and reported imbalances, not over the exercise
list.

The index also holds two bounded caches the planner fills and shares between assessments: how well
each exercise matches an imbalance for a given set of believed components, and each exercise's
context verdict (factor, exclusions, reasons) for a given context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from musclekb.plan_weights import PlanWeights, plan_weights

if TYPE_CHECKING:
    from collections.abc import Mapping

    from musclekb.kb import KnowledgeBase

__all__ = ["ContextKey", "ExerciseIndex", "ExerciseProfile", "Verdict", "index_exercises"]

# what the context factor reads of a request: (equipment available or None, pain, level, weaker side)
ContextKey = tuple[tuple[str, ...] | None, int, str | None, str | None]
# an exercise's context factor, why it is excluded (empty when it is not), and the reasons for the
# factor; kept and shared, so immutable
Verdict = tuple[float, tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class ExerciseProfile:
    phase: str
    phase_order: int
    equipment: frozenset[str]
    # (label, excluded from this pain level or None, excluded for these levels)
    contraindications: tuple[tuple[str, int | None, frozenset[str]], ...]
    pain_hold_back: str | None  # why it is held back while in pain, or None when it is safe
    level_rank: int | None
    unilateral: bool


@dataclass(frozen=True)
class ExerciseIndex:
    by_state: Mapping[str, tuple[tuple[str, float], ...]]
    fit: Mapping[str, Mapping[str, float]]
    # imbalance -> for each exercise addressing a component: (fit, component), best fit first
    by_imbalance: Mapping[str, tuple[tuple[str, tuple[tuple[float, str], ...]], ...]]
    profiles: Mapping[str, ExerciseProfile]
    level_rank: Mapping[str, int]
    level_label: Mapping[str, str]
    weights: PlanWeights
    # (imbalance, components believed) -> how well each exercise matches it; filled by the
    # planner, bounded, shared by the assessments of one process
    match_cache: dict[tuple[str, tuple[str, ...]], Mapping[str, float]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # context -> exercise -> its verdict there; filled by the planner, bounded, shared likewise
    verdict_cache: dict[ContextKey, dict[str, Verdict]] = field(
        default_factory=dict, compare=False, repr=False
    )


def _fit(kb: KnowledgeBase, weights: PlanWeights, state_muscle: str, named: str) -> float:
    if named == state_muscle:
        return weights.fit_self
    if state_muscle in kb.members.get(named, ()):
        return weights.fit_group
    return weights.fit_member


def _pain_hold_back(kb: KnowledgeBase, exercise_id: str) -> str | None:
    ex = kb.exercises[exercise_id]
    kind = kb.exercise_kinds[ex.exercise_kind]
    if not kind.pain_safe:
        return f"held back while in pain: {kind.label} work"
    unsafe = [kb.load_modes[m].label for m in ex.load_modes if not kb.load_modes[m].pain_safe]
    if unsafe and len(unsafe) == len(ex.load_modes):
        return f"held back while in pain: {', '.join(unsafe)} load"
    return None


def index_exercises(kb: KnowledgeBase) -> ExerciseIndex:
    weights = plan_weights(kb)
    by_state: dict[str, tuple[tuple[str, float], ...]] = {}
    for state_id, matches in kb.addressing.items():
        muscle = kb.states[state_id].muscle
        best: dict[str, float] = {}
        for ex_id, named, _role in matches:
            best[ex_id] = max(best.get(ex_id, 0.0), _fit(kb, weights, muscle, named))
        by_state[state_id] = tuple(sorted(best.items()))
    by_imbalance = {}
    for imbalance in kb.imbalances.values():
        options: dict[str, list[tuple[float, str]]] = {}
        for component in imbalance.components:
            for ex_id, fit in by_state.get(component, ()):
                options.setdefault(ex_id, []).append((fit, component))
        by_imbalance[imbalance.id] = tuple(
            (ex_id, tuple(sorted(opts, key=lambda o: (-o[0], o[1]))))
            for ex_id, opts in sorted(options.items())
        )
    levels = kb.levels
    profiles = {}
    for ex in kb.exercises.values():
        phase = kb.exercise_kinds[ex.exercise_kind].phase
        contras = tuple(
            (c.label, c.excluded_from_pain, frozenset(c.excluded_for_levels))
            for c in (kb.contraindications[cid] for cid in ex.contraindications)
        )
        profiles[ex.id] = ExerciseProfile(
            phase=phase,
            phase_order=kb.phases[phase].order,
            equipment=frozenset(ex.equipment),
            contraindications=contras,
            pain_hold_back=_pain_hold_back(kb, ex.id),
            level_rank=levels[ex.level].rank if ex.level else None,
            unilateral=ex.unilateral,
        )
    return ExerciseIndex(
        MappingProxyType(by_state),
        MappingProxyType({k: MappingProxyType(dict(v)) for k, v in by_state.items()}),
        MappingProxyType(by_imbalance),
        MappingProxyType(profiles),
        MappingProxyType({k: v.rank for k, v in levels.items()}),
        MappingProxyType({k: v.label for k, v in levels.items()}),
        weights,
    )
