"""From believed imbalances and muscle states to a ranked corrective plan.

The score of an exercise is documented in docs/reasoning.md, with ``w(code)`` the plan weights of
the knowledge base (``knowledge/planning.ttl``, read by :mod:`musclekb.plan_weights`):

    score = sum over reported imbalances I, on each side reported, of  cf(I) x match(exercise, I)
          + w(state) x sum over believed states s of  cf(s) x fit(exercise, s)

then multiplied by the context factor. ``fit`` is ``w(fit-self)`` when the exercise names the
muscle itself, ``w(fit-group)`` when it names a group the muscle belongs to and ``w(fit-member)``
when it names a muscle inside a group, and it counts only when the exercise's role fits the state
(the role rules: lengthen what is tight, strengthen what is weak). ``match`` is the best fit over
the imbalance's components (times ``w(component-not-believed)`` for a component not itself
believed on the imbalance's side, or on either side for an imbalance that is not a matter of
sides) or the certainty of a remedy rule recommending the exercise for it. The context factor:
``w(unilateral-weaker-side)`` for unilateral work when one side is weaker; ``w(one-level-above)``
for an exercise one level above the person's and ``w(two-levels-above)`` for one two or more
above (a factor of 0 excludes it); excluded as well when its equipment is not available, when a
contraindication applies (pain level, experience level), or, with pain, when its kind or load is
not safe to start with in pain (loaded, jumping and plyometric work is held back).

The context factor of an exercise depends only on the exercise and the context (equipment, pain,
level, weaker side), so each verdict is worked out once per context and kept, bounded, on the
exercise index; candidates share these verdicts and never change them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from musclekb.bounded import put
from musclekb.cf import rounded
from musclekb.lazy import lazy
from musclekb.request import Context

if TYPE_CHECKING:
    from collections.abc import Mapping

    from musclekb.exercise_index import ContextKey, ExerciseIndex, ExerciseProfile, Verdict
    from musclekb.tables import Tables
    from musclekb.trace import Belief

__all__ = ["Candidate", "PlanResult", "Reported", "build_plan"]

# what an exercise that nothing in the context touches gets: shared by all of them
_NEUTRAL: Verdict = (1.0, (), ())
# rows of (id, side, ...) in id order, then left before right
_BY_ID = itemgetter(0, 1)
# the sides an imbalance reported with a side stands for (a non-lateral one, for none)
_SIDES: dict[str | None, tuple[str, ...]] = {None: (), "bilateral": ("left", "right")}
# a reported imbalance with the beliefs it stands for (one, or one per side when it is reported
# "bilateral") and the side it is reported on
Reported = tuple[tuple["Belief", ...], str | None]


# what a plan item addresses, one row per conclusion and side: {"id", "side", "weight"}
Row = dict[str, Any]


class Candidate:
    """An exercise that addresses something believed, with its score and context verdict
    (``factor``, ``excluded``, ``reasons``: shared, never changed). What it addresses
    (``imbalances`` and ``states`` as rows in id order, ``sides``) is filled in by
    :meth:`PlanResult.detail` when it is asked for; until then they are empty. The rows are the
    result's own: treat them as read-only."""

    __slots__ = ("_addresses", "excluded", "exercise", "factor", "phase", "reasons", "score")

    def __init__(
        self,
        exercise: str,
        phase: str,
        score: float = 0.0,
        factor: float = 1.0,
        excluded: tuple[str, ...] = (),
        reasons: tuple[str, ...] = (),
    ) -> None:
        self.exercise = exercise
        self.phase = phase
        self.score = score
        self.factor = factor
        self.excluded = excluded
        self.reasons = reasons
        self._addresses: tuple[list[Row], list[Row], set[str]] | None = None

    def __repr__(self) -> str:
        return (
            f"Candidate(exercise={self.exercise!r}, phase={self.phase!r}, score={self.score!r}, "
            f"factor={self.factor!r}, excluded={self.excluded!r}, reasons={self.reasons!r})"
        )

    @property
    def detailed(self) -> bool:
        return self._addresses is not None

    @property
    def imbalances(self) -> list[Row]:
        """Each reported imbalance (and side) this exercise addresses, with its weight for it,
        in id order."""
        return [] if self._addresses is None else self._addresses[0]

    @property
    def states(self) -> list[Row]:
        """Each believed muscle state (and side) this exercise addresses, with its weight for
        it, in id order."""
        return [] if self._addresses is None else self._addresses[1]

    @property
    def sides(self) -> set[str]:
        return set() if self._addresses is None else self._addresses[2]


@dataclass
class PlanResult:
    """Every exercise that scored (``scored``: exercise -> its score and context verdict), and
    the ranking of those that may be shown (``ranked``: by phase, then score, then id). The
    :class:`Candidate` of an exercise is made when it is asked for: an assessment shows a dozen
    of the hundred or so that score."""

    scored: dict[str, tuple[float, Verdict]]
    ranked: list[str]
    weaker_side: str | None
    index: ExerciseIndex
    states: list[Belief]
    # each reported imbalance, with the side it is reported on (None when it is not lateral,
    # "bilateral" when alike on both) and, for each side it stands for, its certainty there and
    # how well each exercise matches it there (the same exercises on either side)
    matches: list[tuple[str, str | None, tuple[tuple[float, Mapping[str, float]], ...]]]
    _made: dict[str, Candidate] = field(default_factory=dict, repr=False)

    def candidate(self, exercise: str) -> Candidate:
        """The candidate of a scored exercise (always the same object)."""
        found = self._made.get(exercise)
        if found is None:
            score, (factor, excluded, reasons) = self.scored[exercise]
            phase = self.index.profiles[exercise].phase
            found = Candidate(exercise, phase, score, factor, excluded, reasons)
            self._made[exercise] = found
        return found

    @lazy
    def candidates(self) -> dict[str, Candidate]:
        """Every exercise that scored, with its candidate."""
        return {ex: self.candidate(ex) for ex in self.scored}

    @lazy
    def chosen(self) -> list[Candidate]:
        """The exercises that may be shown, best first within each phase."""
        return [self.candidate(ex) for ex in self.ranked]

    def top(self, per_phase: int) -> list[Candidate]:
        """The best ``per_phase`` of each phase, in the order of :attr:`chosen`, detailed."""
        counts: dict[str, int] = {}
        out = []
        phase_of = self.index.profiles
        for ex in self.ranked:
            phase = phase_of[ex].phase
            seen = counts.get(phase, 0)
            if seen < per_phase:
                counts[phase] = seen + 1
                out.append(self.candidate(ex))
        self.detail(*out)
        return out

    @lazy
    def _fitting(self) -> list[tuple[str, str, float, Mapping[str, float]]]:
        """(state, side, certainty, exercise -> fit) for each believed state some exercise fits,
        in id order (then left before right)."""
        fits = self.index.fit
        return sorted(
            ((s.id, s.side, s.cf, fits[s.id]) for s in self.states if s.id in fits),
            key=_BY_ID,
        )

    @lazy
    def _matching(
        self,
    ) -> list[tuple[str, str | None, tuple[tuple[float, Mapping[str, float]], ...]]]:
        """:attr:`matches` of the imbalances some exercise matches, in id order (then
        bilateral, left, right; an imbalance has one kind of side)."""
        # an imbalance's sides are matched by the same exercises: its first side tells
        matched = [(i, shown, sides) for i, shown, sides in self.matches if sides[0][1]]
        return sorted(matched, key=_BY_ID)

    def detail(self, *cands: Candidate) -> None:
        """Fill in which believed states and reported imbalances each of ``cands`` addresses,
        and how much, in id order (a candidate already detailed is left as it is). One pass over
        the states and imbalances serves every candidate: each meets only the exercises it fits
        among them, found by a set intersection."""
        todo = {c.exercise: c for c in cands if c._addresses is None}
        if not todo:
            return
        wanted = todo.keys()
        states: dict[str, list[Row]] = {ex: [] for ex in todo}
        imbalances: dict[str, list[Row]] = {ex: [] for ex in todo}
        for state, side, cf, fits in self._fitting:
            for ex in wanted & fits.keys():
                states[ex].append({"id": state, "side": side, "weight": rounded(cf * fits[ex])})
        for imbalance, shown, ((cf, match), *other_side) in self._matching:
            for ex in wanted & match.keys():
                weight = cf * match[ex]
                for other_cf, other_match in other_side:  # bilateral: the right side's too
                    weight += other_cf * other_match[ex]
                imbalances[ex].append({"id": imbalance, "side": shown, "weight": rounded(weight)})
        for ex, c in todo.items():
            sides = {row["side"] for row in states[ex]}
            for row in imbalances[ex]:
                sides.update(_SIDES.get(row["side"], (row["side"],)))
            c._addresses = (imbalances[ex], states[ex], sides)


def _context_factor(
    index: ExerciseIndex, ex: ExerciseProfile, ctx: Context, weaker: str | None
) -> Verdict:
    """The context factor of one exercise, why it is excluded (empty when it is not), and the
    reasons for the factor."""
    excluded: list[str] = []
    reasons: list[str] = []
    factor = 1.0
    if ctx.equipment is not None:
        missing = sorted(ex.equipment.difference(ctx.equipment))
        if missing:
            excluded.append(f"needs equipment not available: {', '.join(missing)}")
    for label, from_pain, for_levels in ex.contraindications:
        if from_pain is not None and ctx.pain >= from_pain:
            excluded.append(f"{label} (pain {ctx.pain}/10)")
        if ctx.level is not None and ctx.level in for_levels:
            excluded.append(f"{label} (level {index.level_label[ctx.level]})")
    if ctx.pain > 0 and ex.pain_hold_back:
        excluded.append(ex.pain_hold_back)
    weights = index.weights
    if ctx.level is not None and ex.level_rank is not None:
        gap = ex.level_rank - index.level_rank[ctx.level]
        if gap >= 1:
            level = index.level_label[ctx.level]
            above = "one level" if gap == 1 else "two levels" if gap == 2 else f"{gap} levels"
            name = "one_level_above" if gap == 1 else "two_levels_above"
            above_factor: float = getattr(weights, name)
            if above_factor == 0:
                excluded.append(f"{above} above {level} {weights.cited[name]}")
            else:
                factor *= above_factor
                reasons.append(f"{above} above {level}: x{above_factor:g} {weights.cited[name]}")
    if ex.unilateral and weaker is not None:
        factor *= weights.unilateral_weaker_side
        reasons.append(
            f"unilateral work for the weaker ({weaker}) side: x{weights.unilateral_weaker_side:g} "
            + weights.cited["unilateral_weaker_side"]
        )
    if factor == 1.0 and not excluded and not reasons:
        return _NEUTRAL
    return (factor, tuple(excluded), tuple(reasons))


_MATCH_CACHE_SIZE = 4096
_VERDICT_CACHE_SIZE = 1 << 16  # verdicts kept, over all contexts


def _verdicts(index: ExerciseIndex, key: ContextKey) -> dict[str, Verdict]:
    """The verdicts kept for one context, exercise by exercise (filled as exercises score)."""
    found = index.verdict_cache.get(key)
    if found is None:
        # every context may come to hold a verdict for every exercise
        contexts = -(-_VERDICT_CACHE_SIZE // max(len(index.profiles), 1))
        found = put(index.verdict_cache, key, {}, contexts)
    return found


def _match(
    index: ExerciseIndex, tables: Tables, imbalance: str, held: tuple[str, ...]
) -> Mapping[str, float]:
    """How well each exercise matches ``imbalance`` when the components in ``held`` are believed:
    the best fit through a believed component, or the best fit through any times the plan weight
    ``component-not-believed``, or the certainty of a remedy rule. It depends only on which
    components are held, so it is kept and reused."""
    key = (imbalance, held)
    found = index.match_cache.get(key)
    if found is not None:
        return found
    match: dict[str, float] = {}
    for ex_id, options in index.by_imbalance.get(imbalance, ()):
        value = index.weights.component_not_believed * options[0][0]
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
    return put(index.match_cache, key, match, _MATCH_CACHE_SIZE)


def build_plan(
    index: ExerciseIndex,
    tables: Tables,
    reported: list[Reported],
    states: list[Belief],
    ctx: Context,
    weaker: str | None,
) -> PlanResult:
    """Score every exercise that addresses a believed state or a reported imbalance (with the
    beliefs it stands for: one reported ``bilateral`` counts on each side, as a muscle state
    does, so its weight does not depend on whether its sides are reported together)."""
    by_state = index.by_state
    scores: dict[str, float] = defaultdict(float)
    state_weight = index.weights.state
    for s in states:
        weight = state_weight * s.cf
        for ex_id, fit in by_state.get(s.id, ()):
            scores[ex_id] += weight * fit
    believed = {(b.id, b.side) for b in states}
    matches: list[tuple[str, str | None, tuple[tuple[float, Mapping[str, float]], ...]]] = []
    components = tables.components
    for beliefs, shown in reported:
        per_side = []
        for imb in beliefs:
            # a component counts when it is believed on the imbalance's side, or on either side
            # for an imbalance that is not a matter of sides (whichever side it was derived on)
            parts = components.get(imb.id, ())
            if shown is None:
                held = tuple(
                    c for c in parts if (c, "left") in believed or (c, "right") in believed
                )
            else:
                side = imb.side
                held = tuple(c for c in parts if (c, side) in believed)
            match = _match(index, tables, imb.id, held)
            cf = imb.cf
            for ex_id, value in match.items():
                scores[ex_id] += cf * value
            per_side.append((cf, match))
        matches.append((beliefs[0].id, shown, tuple(per_side)))
    profiles = index.profiles
    verdicts = _verdicts(index, (ctx.equipment, ctx.pain, ctx.level, weaker))
    scored: dict[str, tuple[float, Verdict]] = {}
    ranked: list[tuple[int, float, str]] = []
    for ex_id, raw in scores.items():
        verdict = verdicts.get(ex_id)
        if verdict is None:
            verdict = verdicts[ex_id] = _context_factor(index, profiles[ex_id], ctx, weaker)
        score = rounded(raw * verdict[0])
        scored[ex_id] = (score, verdict)
        if score > 0 and not verdict[1]:
            ranked.append((profiles[ex_id].phase_order, -score, ex_id))
    ranked.sort()  # by phase, then score, then id
    return PlanResult(scored, [r[2] for r in ranked], weaker, index, states, matches)
