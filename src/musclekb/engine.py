"""The forward-chaining engine: a few generic experta rules driven by lookup tables.

Stages, ordered by salience: findings and measurements -> evidence for muscle states (per side);
combine the evidence of each state; believed states -> evidence for imbalance patterns through the
pattern rules; combine that evidence, with the causes from the person's history. Evidence is kept
with its rule id, so two rules that conclude the same thing both count. The engine is built once
per process and reused with ``reset()``; instances are not shared between threads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from musclekb.cf import combine_all
from musclekb.experta_compat import import_experta
from musclekb.request import AssessmentRequest
from musclekb.tables import Tables
from musclekb.trace import Belief, Contribution, Premise, Side

__all__ = ["OPPOSITE", "Derivation", "ForwardEngine"]

experta: Any = import_experta()
Fact: Any = experta.Fact
Rule: Any = experta.Rule
MATCH: Any = experta.MATCH
AS: Any = experta.AS

OPPOSITE: dict[str, Side] = {"left": "right", "right": "left"}


class Observed(Fact):  # type: ignore[misc]
    """A finding on one side: cf 1 when present, -1 when absent."""


class MeasuredSide(Fact):  # type: ignore[misc]
    """One side of a measurement, with the limb symmetry index of the pair."""


class StateBelief(Fact):  # type: ignore[misc]
    """A muscle state believed above the threshold on one side."""


class Stage(Fact):  # type: ignore[misc]
    pass


@dataclass
class Derivation:
    """Everything one run derived: beliefs in states and imbalances, per side."""

    threshold: float
    causes: tuple[str, ...]
    state_evidence: dict[tuple[str, Side], list[Contribution]] = field(
        default_factory=lambda: defaultdict(list)
    )
    imbalance_evidence: dict[tuple[str, Side], list[Contribution]] = field(
        default_factory=lambda: defaultdict(list)
    )
    fired: set[tuple[str, Side]] = field(default_factory=set)
    states: dict[tuple[str, Side], Belief] = field(default_factory=dict)
    imbalances: dict[tuple[str, Side], Belief] = field(default_factory=dict)


def _order(c: Contribution) -> tuple[Any, ...]:
    premises = tuple((p.kind, p.id, p.side or "", p.cf, p.detail) for p in c.premises)
    return (-abs(c.cf), c.rule, premises)


def _believe(kind: Any, key: tuple[str, Side], evidence: list[Contribution]) -> Belief:
    ordered = tuple(sorted(evidence, key=_order))
    combined = combine_all(c.cf for c in ordered)
    return Belief(kind, key[0], key[1], combined.value, ordered, combined.steps)


class ForwardEngine(experta.KnowledgeEngine):  # type: ignore[misc]
    """Generic rules; what they conclude comes from :class:`~musclekb.tables.Tables`."""

    def __init__(self, tables: Tables) -> None:
        super().__init__()
        self.tables = tables
        self.run_state: Derivation | None = None

    # -- stage 1: findings and measurements -> evidence for muscle states

    @Rule(Observed(sign=MATCH.sign, side=MATCH.side, cf=MATCH.cf, detail=MATCH.detail), salience=30)
    def sign_evidence(self, sign: str, side: Side, cf: float, detail: str) -> None:
        d = self._d()
        premise = Premise("finding", sign, side, cf, detail)
        for rule in self.tables.sign_rules.get(sign, ()):
            target = OPPOSITE[side] if rule.side == "opposite" else side
            d.state_evidence[(rule.then_state or "", target)].append(
                Contribution(rule.id, rule.certainty, (premise,), rule.certainty * cf)
            )

    @Rule(
        MeasuredSide(measure=MATCH.measure, side=MATCH.side, value=MATCH.value, lsi=MATCH.lsi,
                     weaker=MATCH.weaker),
        salience=30,
    )  # fmt: skip
    def measure_evidence(
        self, measure: str, side: Side, value: float, lsi: float, weaker: bool
    ) -> None:
        d = self._d()
        for rule in self.tables.measure_rules.get(measure, ()):
            if rule.lsi_below is not None:
                holds, detail = (
                    weaker and lsi < rule.lsi_below,
                    f"limb symmetry index {lsi:.0f}% (below {rule.lsi_below:g}%), weaker side",
                )
            elif rule.value_below is not None:
                holds, detail = (
                    value < rule.value_below,
                    f"value {value:g} (below {rule.value_below:g})",
                )
            else:
                above = rule.value_above if rule.value_above is not None else float("inf")
                holds, detail = value > above, f"value {value:g} (above {above:g})"
            if holds:
                premise = Premise("measure", measure, side, 1.0, detail)
                d.state_evidence[(rule.then_state or "", side)].append(
                    Contribution(rule.id, rule.certainty, (premise,), rule.certainty)
                )

    @Rule(AS.stage << Stage(name="states"), salience=20)
    def combine_states(self, stage: Any) -> None:
        d = self._d()
        self.retract(stage)
        for key in sorted(d.state_evidence):
            belief = _believe("state", key, d.state_evidence[key])
            d.states[key] = belief
            if belief.cf > d.threshold:
                self.declare(StateBelief(state=key[0], side=key[1], cf=belief.cf))
        self.declare(Stage(name="patterns"))

    # -- stage 2: believed muscle states -> evidence for imbalance patterns

    @Rule(Stage(name="patterns"), StateBelief(state=MATCH.state, side=MATCH.side), salience=10)
    def pattern_evidence(self, state: str, side: Side) -> None:
        d = self._d()
        for rule in self.tables.pattern_rules_by_premise.get(state, ()):
            if (rule.id, side) in d.fired:
                continue  # already fired from another of its premises
            premises = self._premises(rule.if_states, side, d) + self._premises(
                rule.if_opposite_states, OPPOSITE[side], d
            )
            if any(p is None for p in premises):
                continue
            held = tuple(p for p in premises if p is not None)
            key = (rule.then_imbalance or "", side)
            d.fired.add((rule.id, side))
            weakest = min(p.cf for p in held)
            d.imbalance_evidence[key].append(
                Contribution(rule.id, rule.certainty, held, rule.certainty * weakest)
            )

    @staticmethod
    def _premises(states: tuple[str, ...], side: Side, d: Derivation) -> tuple[Premise | None, ...]:
        out: list[Premise | None] = []
        for state in states:
            belief = d.states.get((state, side))
            ok = belief is not None and belief.cf > d.threshold
            out.append(Premise("state", state, side, belief.cf) if ok and belief else None)
        return tuple(out)

    @Rule(AS.stage << Stage(name="patterns"), salience=0)
    def combine_imbalances(self, stage: Any) -> None:
        d = self._d()
        self.retract(stage)
        for key in sorted(d.imbalance_evidence):
            evidence = list(d.imbalance_evidence[key])
            for rule in self.tables.cause_rules_by_imbalance.get(key[0], ()):
                if rule.if_cause in d.causes:
                    premise = Premise("cause", rule.if_cause or "", None, 1.0)
                    evidence.append(
                        Contribution(rule.id, rule.certainty, (premise,), rule.certainty)
                    )
            d.imbalances[key] = _believe("imbalance", key, evidence)
        self.declare(Stage(name="done"))

    def _d(self) -> Derivation:
        assert self.run_state is not None
        return self.run_state

    # -- running

    def derive(self, request: AssessmentRequest, measured: list[dict[str, Any]]) -> Derivation:
        """Run the rules for ``request`` (``measured``: one dict per measurement side)."""
        d = Derivation(request.threshold, request.context.causes)
        self.run_state = d
        try:
            self.reset()
            observed: dict[tuple[str, Side], float] = {}
            for f in request.findings:
                sides: tuple[Side, ...] = (
                    ("left", "right") if f.side in (None, "bilateral") else (f.side,)  # type: ignore[assignment]
                )
                for side in sides:  # a sign counts once per side, however often it is given
                    observed.setdefault((f.sign, side), 1.0 if f.present else -1.0)
            for (sign, side), cf in sorted(observed.items()):
                detail = "seen" if cf > 0 else "not seen"
                self.declare(Observed(sign=sign, side=side, cf=cf, detail=detail))
            for row in measured:
                self.declare(MeasuredSide(**row))
            self.declare(Stage(name="states"))
            self.run()
        finally:
            self.run_state = None
        return d
