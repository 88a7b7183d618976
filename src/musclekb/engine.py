"""The forward-chaining engine: a few generic experta rules driven by lookup tables.

Stages, ordered by salience: findings and measurements -> evidence for muscle states (per side),
one firing per finding or measured side; combine the evidence of each state; believed states ->
evidence for imbalance patterns through the pattern rules (one firing that reads only the rules
mentioning a believed state); combine that evidence, with the causes from the person's history.
The three later stages match one ``Stage`` fact declared with the findings, so salience alone
orders them and no fact is retracted or re-declared on the way. Evidence is kept with its rule id,
so two rules that conclude the same thing both count. The engine is built once
per process and reused with ``reset()``; instances are not shared between threads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from musclekb.agenda import DepthOrder
from musclekb.cf import combine_value
from musclekb.experta_compat import import_experta
from musclekb.model import Rule as KbRule
from musclekb.request import AssessmentRequest
from musclekb.tables import Tables
from musclekb.trace import Belief, Contribution, Premise, Side

__all__ = ["OPPOSITE", "Derivation", "ForwardEngine"]

experta: Any = import_experta()
Fact: Any = experta.Fact
Rule: Any = experta.Rule
AS: Any = experta.AS

OPPOSITE: dict[str, Side] = {"left": "right", "right": "left"}


class Observed(Fact):  # type: ignore[misc]
    """A finding on one side: cf 1 when present, -1 when absent."""


class MeasuredSide(Fact):  # type: ignore[misc]
    """One side of a measurement, with the limb symmetry index of the pair."""


class Stage(Fact):  # type: ignore[misc]
    """Present once all findings are declared: it lets the combining stages fire, by salience."""


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
    states: dict[tuple[str, Side], Belief] = field(default_factory=dict)
    imbalances: dict[tuple[str, Side], Belief] = field(default_factory=dict)


def _believe(kind: Any, key: tuple[str, Side], evidence: list[Contribution]) -> Belief:
    # combine_value sorts the certainties itself, so the result does not depend on firing order
    return Belief(kind, key[0], key[1], combine_value(c.cf for c in evidence), tuple(evidence))


class ForwardEngine(experta.KnowledgeEngine):  # type: ignore[misc]
    """Generic rules; what they conclude comes from :class:`~musclekb.tables.Tables`."""

    __strategy__ = DepthOrder

    def __init__(self, tables: Tables) -> None:
        super().__init__()
        self.tables = tables
        self.run_state: Derivation | None = None

    # -- stage 1: findings and measurements -> evidence for muscle states

    # The stage-1 rules bind the whole fact rather than each field: every field binding is a node
    # of experta's network that each fact passes through, and these rules test no field anyway.

    @Rule(AS.fact << Observed(), salience=30)
    def sign_evidence(self, fact: Any) -> None:
        d = self._d()
        sign, side, cf, detail = fact["sign"], fact["side"], fact["cf"], fact["detail"]
        premise = Premise("finding", sign, side, cf, detail)
        for rule in self.tables.sign_rules.get(sign, ()):
            target = OPPOSITE[side] if rule.side == "opposite" else side
            d.state_evidence[(rule.then_state or "", target)].append(
                Contribution(rule.id, rule.certainty, (premise,), rule.certainty * cf)
            )

    @Rule(AS.fact << MeasuredSide(), salience=30)
    def measure_evidence(self, fact: Any) -> None:
        d = self._d()
        measure, side, value = fact["measure"], fact["side"], fact["value"]
        lsi, weaker = fact["lsi"], fact["weaker"]
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

    @Rule(Stage(), salience=20)
    def combine_states(self) -> None:
        d = self._d()
        for key in sorted(d.state_evidence):
            d.states[key] = _believe("state", key, d.state_evidence[key])

    # -- stage 2: believed muscle states -> evidence for imbalance patterns

    @Rule(Stage(), salience=10)
    def pattern_evidence(self) -> None:
        """Each pattern rule fires once per side, when every premise is believed above the
        threshold; it is found through the states it mentions, so only candidate rules are read."""
        d = self._d()
        states = d.states
        believed: dict[Side, set[str]] = {"left": set(), "right": set()}
        for (state, side), belief in states.items():
            if belief.cf > d.threshold:
                believed[side].add(state)
        premises = self.tables.pattern_premises
        tried: set[tuple[str, Side]] = set()
        seen_on: Side
        for seen_on in ("left", "right"):
            for state in sorted(believed[seen_on]):
                for rule in self.tables.pattern_rules_by_premise.get(state, ()):
                    same, other = premises[rule.id]
                    # a same-side premise points at a conclusion on its own side, an
                    # opposite-side premise at one on the other side
                    sides: list[Side] = [seen_on] if state in same else []
                    if state in other:
                        sides.append(OPPOSITE[seen_on])
                    for side in sides:
                        if (rule.id, side) in tried:
                            continue
                        tried.add((rule.id, side))
                        if same <= believed[side] and other <= believed[OPPOSITE[side]]:
                            self._fire_pattern(d, rule, side)

    @staticmethod
    def _fire_pattern(d: Derivation, rule: KbRule, side: Side) -> None:
        opposite = OPPOSITE[side]
        states = d.states
        held = tuple(
            Premise("state", s, side, states[(s, side)].cf) for s in rule.if_states
        ) + tuple(
            Premise("state", s, opposite, states[(s, opposite)].cf) for s in rule.if_opposite_states
        )
        weakest = min(p.cf for p in held)
        d.imbalance_evidence[(rule.then_imbalance or "", side)].append(
            Contribution(rule.id, rule.certainty, held, rule.certainty * weakest)
        )

    @Rule(Stage(), salience=0)
    def combine_imbalances(self) -> None:
        d = self._d()
        for key in sorted(d.imbalance_evidence):
            evidence = list(d.imbalance_evidence[key])
            for rule in self.tables.cause_rules_by_imbalance.get(key[0], ()):
                if rule.if_cause in d.causes:
                    premise = Premise("cause", rule.if_cause or "", None, 1.0)
                    evidence.append(
                        Contribution(rule.id, rule.certainty, (premise,), rule.certainty)
                    )
            d.imbalances[key] = _believe("imbalance", key, evidence)

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
            facts = [
                Observed(sign=sign, side=side, cf=cf, detail="seen" if cf > 0 else "not seen")
                for (sign, side), cf in sorted(observed.items())
            ]
            facts += [MeasuredSide(**row) for row in measured]
            self.declare(*facts, Stage())  # one pass through the network
            self.run()
        finally:
            self.run_state = None
        return d
