"""From believed imbalances and muscle states to a ranked corrective plan.

The score of an exercise is documented in docs/reasoning.md:

    score = sum over reported imbalances I of  cf(I) x match(exercise, I)
          + 0.5 x sum over believed states s of  cf(s) x fit(exercise, s)

then multiplied by the context factor. ``fit`` is 1 when the exercise names the muscle itself, 0.8
when it names a group the muscle belongs to and 0.6 when it names a muscle inside a group, and it
counts only when the exercise's role fits the state (the role rules: lengthen what is tight,
strengthen what is weak). ``match`` is the best fit over the imbalance's components (halved for a
component not itself believed) or the certainty of a remedy rule recommending the exercise for it.
The context factor: 1.2 for unilateral work when one side is weaker; 0.5 for an exercise one level
above the person's; excluded when two levels above, when its equipment is not available, when a
contraindication applies (pain level, experience level), or, with pain, when its kind or load is
not safe to start with in pain (loaded, jumping and plyometric work is held back).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from musclekb.request import Context

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase
    from musclekb.tables import Tables
    from musclekb.trace import Belief

__all__ = ["Candidate", "PlanResult", "build_plan"]

FIT = {"self": 1.0, "group": 0.8, "member": 0.6}
STATE_WEIGHT = 0.5
UNILATERAL_BONUS = 1.2
LEVEL_ABOVE_FACTOR = 0.5


@dataclass
class Candidate:
    exercise: str
    phase: str
    score: float = 0.0
    imbalances: dict[tuple[str, str], float] = field(default_factory=dict)
    states: dict[tuple[str, str], float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    factor: float = 1.0
    sides: set[str] = field(default_factory=set)


@dataclass
class PlanResult:
    chosen: list[Candidate]
    candidates: dict[str, Candidate]
    weaker_side: str | None


def _fit_kind(kb: KnowledgeBase, state_muscle: str, named: str) -> str:
    if named == state_muscle:
        return "self"
    if state_muscle in kb.members.get(named, ()):
        return "group"
    return "member"


def _context_factor(kb: KnowledgeBase, cand: Candidate, ctx: Context, weaker: str | None) -> None:
    ex = kb.exercises[cand.exercise]
    if ctx.equipment is not None:
        missing = sorted(set(ex.equipment) - set(ctx.equipment))
        if missing:
            cand.excluded.append(f"needs equipment not available: {', '.join(missing)}")
    for cid in ex.contraindications:
        contra = kb.contraindications[cid]
        if contra.excluded_from_pain is not None and ctx.pain >= contra.excluded_from_pain:
            cand.excluded.append(f"{contra.label} (pain {ctx.pain}/10)")
        if ctx.level is not None and ctx.level in contra.excluded_for_levels:
            cand.excluded.append(f"{contra.label} (level {kb.levels[ctx.level].label})")
    if ctx.pain > 0:
        kind = kb.exercise_kinds[ex.exercise_kind]
        unsafe = [kb.load_modes[m].label for m in ex.load_modes if not kb.load_modes[m].pain_safe]
        if not kind.pain_safe:
            cand.excluded.append(f"held back while in pain: {kind.label} work")
        elif unsafe and len(unsafe) == len(ex.load_modes):
            cand.excluded.append(f"held back while in pain: {', '.join(unsafe)} load")
    if ctx.level is not None and ex.level:
        gap = kb.levels[ex.level].rank - kb.levels[ctx.level].rank
        if gap >= 2:
            cand.excluded.append(f"two levels above {kb.levels[ctx.level].label}")
        elif gap == 1:
            cand.factor *= LEVEL_ABOVE_FACTOR
            cand.reasons.append(
                f"one level above {kb.levels[ctx.level].label}: x{LEVEL_ABOVE_FACTOR}"
            )
    if ex.unilateral and weaker is not None:
        cand.factor *= UNILATERAL_BONUS
        cand.reasons.append(f"unilateral work for the weaker ({weaker}) side: x{UNILATERAL_BONUS}")


def build_plan(
    kb: KnowledgeBase,
    tables: Tables,
    reported: list[Belief],
    states: list[Belief],
    ctx: Context,
    weaker: str | None,
) -> PlanResult:
    """Score every exercise that addresses a believed state or a reported imbalance."""
    cands: dict[str, Candidate] = {}

    def cand(ex_id: str) -> Candidate:
        if ex_id not in cands:
            kind = kb.exercise_kinds[kb.exercises[ex_id].exercise_kind]
            cands[ex_id] = Candidate(ex_id, kind.phase)
        return cands[ex_id]

    believed = {(b.id, b.side): b.cf for b in states}
    for s in states:
        muscle = kb.states[s.id].muscle
        best: dict[str, float] = defaultdict(float)
        for ex_id, named, _role in kb.addressing.get(s.id, ()):
            best[ex_id] = max(best[ex_id], FIT[_fit_kind(kb, muscle, named)])
        for ex_id, fit in best.items():
            c = cand(ex_id)
            c.states[(s.id, s.side)] = round(s.cf * fit, 4)
            c.score += STATE_WEIGHT * s.cf * fit
            c.sides.add(s.side)
    for imb in reported:
        match: dict[str, float] = defaultdict(float)
        for component in kb.imbalances[imb.id].components:
            weight = 1.0 if (component, imb.side) in believed else 0.5
            muscle = kb.states[component].muscle
            for ex_id, named, _role in kb.addressing.get(component, ()):
                match[ex_id] = max(match[ex_id], weight * FIT[_fit_kind(kb, muscle, named)])
        for rule in tables.remedy_rules_by_imbalance.get(imb.id, ()):
            if rule.then_exercise and rule.certainty > 0:
                match[rule.then_exercise] = max(match[rule.then_exercise], rule.certainty)
        for ex_id, value in match.items():
            c = cand(ex_id)
            c.imbalances[(imb.id, imb.side)] = round(imb.cf * value, 4)
            c.score += imb.cf * value
            c.sides.add(imb.side)
    for c in cands.values():
        _context_factor(kb, c, ctx, weaker)
        c.score = round(c.score * c.factor, 4)
    by_phase: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands.values():
        if not c.excluded and c.score > 0:
            by_phase[c.phase].append(c)
    chosen: list[Candidate] = []
    for phase in sorted(by_phase, key=lambda p: kb.phases[p].order):
        ranked = sorted(by_phase[phase], key=lambda c: (-c.score, c.exercise))
        chosen.extend(ranked)
    return PlanResult(chosen, cands, weaker)
