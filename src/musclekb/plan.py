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
    from collections.abc import Mapping

    from musclekb.exercise_index import ExerciseIndex
    from musclekb.tables import Tables
    from musclekb.trace import Belief

__all__ = ["Candidate", "PlanResult", "build_plan"]

STATE_WEIGHT = 0.5
UNILATERAL_BONUS = 1.2
LEVEL_ABOVE_FACTOR = 0.5


@dataclass
class Candidate:
    """An exercise that addresses something believed. What it addresses (``states``,
    ``imbalances``, ``sides``) is filled in by :meth:`PlanResult.detail` when it is asked for."""

    exercise: str
    phase: str
    score: float = 0.0
    imbalances: dict[tuple[str, str], float] = field(default_factory=dict)
    states: dict[tuple[str, str], float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    factor: float = 1.0
    sides: set[str] = field(default_factory=set)
    detailed: bool = False


@dataclass
class PlanResult:
    chosen: list[Candidate]
    candidates: dict[str, Candidate]
    weaker_side: str | None
    index: ExerciseIndex
    states: list[Belief]
    matches: list[tuple[Belief, Mapping[str, float]]]

    def detail(self, c: Candidate) -> Candidate:
        """Fill in which believed states and reported imbalances ``c`` addresses, and how much."""
        if not c.detailed:
            for s in self.states:
                fit = self.index.fit.get(s.id, {}).get(c.exercise)
                if fit is not None:
                    c.states[(s.id, s.side)] = round(s.cf * fit, 4)
                    c.sides.add(s.side)
            for imb, match in self.matches:
                value = match.get(c.exercise)
                if value is not None:
                    c.imbalances[(imb.id, imb.side)] = round(imb.cf * value, 4)
                    c.sides.add(imb.side)
            c.detailed = True
        return c


def _context_factor(
    index: ExerciseIndex, cand: Candidate, ctx: Context, weaker: str | None
) -> None:
    ex = index.profiles[cand.exercise]
    if ctx.equipment is not None:
        missing = sorted(ex.equipment.difference(ctx.equipment))
        if missing:
            cand.excluded.append(f"needs equipment not available: {', '.join(missing)}")
    for label, from_pain, for_levels in ex.contraindications:
        if from_pain is not None and ctx.pain >= from_pain:
            cand.excluded.append(f"{label} (pain {ctx.pain}/10)")
        if ctx.level is not None and ctx.level in for_levels:
            cand.excluded.append(f"{label} (level {index.level_label[ctx.level]})")
    if ctx.pain > 0 and ex.pain_hold_back:
        cand.excluded.append(ex.pain_hold_back)
    if ctx.level is not None and ex.level_rank is not None:
        gap = ex.level_rank - index.level_rank[ctx.level]
        level = index.level_label[ctx.level]
        if gap >= 2:
            cand.excluded.append(f"two levels above {level}")
        elif gap == 1:
            cand.factor *= LEVEL_ABOVE_FACTOR
            cand.reasons.append(f"one level above {level}: x{LEVEL_ABOVE_FACTOR}")
    if ex.unilateral and weaker is not None:
        cand.factor *= UNILATERAL_BONUS
        cand.reasons.append(f"unilateral work for the weaker ({weaker}) side: x{UNILATERAL_BONUS}")


_MATCH_CACHE_SIZE = 4096


def _match(
    index: ExerciseIndex, tables: Tables, imbalance: str, held: tuple[str, ...]
) -> Mapping[str, float]:
    """How well each exercise matches ``imbalance`` when the components in ``held`` are believed:
    the best fit through a believed component, or half the best fit through any, or the certainty
    of a remedy rule. It depends only on which components are held, so it is kept and reused."""
    key = (imbalance, held)
    found = index.match_cache.get(key)
    if found is not None:
        return found
    match: dict[str, float] = {}
    for ex_id, options in index.by_imbalance.get(imbalance, ()):
        value = 0.5 * options[0][0]
        for fit, component in options:
            if fit <= value:
                break
            if component in held:
                value = fit
                break
        match[ex_id] = value
    for rule in tables.remedy_rules_by_imbalance.get(imbalance, ()):
        if rule.then_exercise and rule.certainty > match.get(rule.then_exercise, 0.0):
            match[rule.then_exercise] = rule.certainty
    if len(index.match_cache) >= _MATCH_CACHE_SIZE:
        index.match_cache.clear()
    index.match_cache[key] = match
    return match


def build_plan(
    index: ExerciseIndex,
    tables: Tables,
    reported: list[Belief],
    states: list[Belief],
    ctx: Context,
    weaker: str | None,
) -> PlanResult:
    """Score every exercise that addresses a believed state or a reported imbalance."""
    by_state = index.by_state
    scores: dict[str, float] = defaultdict(float)
    for s in states:
        weight = STATE_WEIGHT * s.cf
        for ex_id, fit in by_state.get(s.id, ()):
            scores[ex_id] += weight * fit
    believed = {(b.id, b.side) for b in states}
    matches: list[tuple[Belief, Mapping[str, float]]] = []
    for imb in reported:
        components = tables.components.get(imb.id, ())
        held = tuple(c for c in components if (c, imb.side) in believed)
        match = _match(index, tables, imb.id, held)
        for ex_id, value in match.items():
            scores[ex_id] += imb.cf * value
        matches.append((imb, match))
    profiles = index.profiles
    cands: dict[str, Candidate] = {}
    for ex_id, raw in scores.items():
        c = cands[ex_id] = Candidate(ex_id, profiles[ex_id].phase)
        _context_factor(index, c, ctx, weaker)
        c.score = round(raw * c.factor, 4)
    chosen = sorted(
        (c for c in cands.values() if not c.excluded and c.score > 0),
        key=lambda c: (profiles[c.exercise].phase_order, -c.score, c.exercise),
    )
    return PlanResult(chosen, cands, weaker, index, states, matches)
