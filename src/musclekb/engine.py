"""The forward-chaining engine: a few generic experta rules driven by lookup tables.

Stages, ordered by salience: findings and measurements -> evidence for muscle states (per side),
one firing for all the findings (an ``Observed`` fact: each sign with the sides it was seen on)
and one for all the measurements (a ``Measured`` fact: each measure with both sides); combine the
evidence of each state; believed states -> evidence for imbalance patterns through the pattern
rules (one firing that reads only the rules led by a believed state); combine that evidence, with
the causes from the person's history.
The three later stages match experta's initial fact, which ``reset()`` declares, so salience
alone orders them after the findings' firings and no fact is retracted or re-declared on the way.
Evidence is kept with its rule id, so two rules that conclude the same thing both count. The
engine is built once per process and reused with ``reset()``; instances are not shared between
threads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from musclekb.agenda import DepthOrder
from musclekb.cf import combine_value
from musclekb.experta_compat import import_experta
from musclekb.model import Rule as KbRule
from musclekb.request import AssessmentRequest
from musclekb.tables import Tables
from musclekb.trace import OPPOSITE, Belief, Contribution, Premise, Side

__all__ = ["OPPOSITE", "Derivation", "ForwardEngine"]

experta: Any = import_experta()
Fact: Any = experta.Fact
Rule: Any = experta.Rule
AS: Any = experta.AS
InitialFact: Any = experta.InitialFact
Agenda: Any = experta.agenda.Agenda
FactList: Any = experta.factlist.FactList

_cf = attrgetter("cf")


class Observed(Fact):  # type: ignore[misc]
    """The findings: ``findings``, one (sign, sides) per sign in id order, where ``sides`` holds
    one (side, cf) per side the sign was given for, cf 1 when present and -1 when absent."""


class Measured(Fact):  # type: ignore[misc]
    """The measurements: ``measurements``, one (measure, sides) per measure, where ``sides`` holds
    one (side, value, limb symmetry index, whether the side is the weaker one) per side."""


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
    return Belief.of(kind, key[0], key[1], combine_value([c.cf for c in evidence]), tuple(evidence))


def _below(x: float, bound: float) -> str:
    """``x``, which is below ``bound``, to one decimal (89.6), or to two, rounded down, when one
    would reach the bound (89.96 as 89.96, not 90): a premise never reads "90% (below 90%)"."""
    text = f"{x:.1f}"
    if float(text) >= bound:
        text = f"{math.floor(x * 100) / 100:.2f}"
    return text.rstrip("0").rstrip(".")


def _as_given(value: float) -> str:
    """A measured value as it was given: 30, 30.5 or 29.99999 (which ``:g`` would show as 30)."""
    text = f"{value:g}"
    return text if float(text) == value else repr(value)


class ForwardEngine(experta.KnowledgeEngine):  # type: ignore[misc]
    """Generic rules; what they conclude comes from :class:`~musclekb.tables.Tables`."""

    __strategy__ = DepthOrder

    def __init__(self, tables: Tables) -> None:
        super().__init__()
        self.tables = tables
        self.run_state: Derivation | None = None
        self._deffacts: list[Any] = super().get_deffacts()

    def get_deffacts(self) -> list[Any]:
        """The deffacts ``reset()`` declares (experta's initial fact only), found once: experta
        looks them up among all the engine's attributes on every reset."""
        return self._deffacts

    def reset(self, **kwargs: Any) -> None:
        """experta's reset: a new agenda and fact list, the network emptied, the deffacts
        declared. experta inspects the signature of each deffacts on every reset, to pass it the
        keyword arguments it names; the engine's only deffacts (experta's initial fact) takes
        none, so without arguments that step is left out."""
        if kwargs:
            super().reset(**kwargs)
            return
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        initial = [fact for deffacts in self._deffacts for fact in deffacts()]
        self._KnowledgeEngine__declare(*initial)  # what experta's reset declares them with
        self.running = False

    # -- stage 1: findings and measurements -> evidence for muscle states

    # The stage-1 rules bind the whole fact rather than each field: every field binding is a node
    # of experta's network that each fact passes through, and these rules test no field anyway.

    # All findings are one fact, and all measurements another: what a finding gives was worked
    # out when the tables were built, so the network has nothing to match field by field, and
    # every fact declared costs a pass through it. The rule reads the findings newest first (the
    # last sign first, each sign's right side before its left), the order in which one fact per
    # finding would have fired.

    @Rule(AS.fact << Observed(), salience=30)
    def sign_evidence(self, fact: Any) -> None:
        d = self._d()
        evidence = self.tables.finding_evidence
        state_evidence = d.state_evidence
        for sign, sides in reversed(fact["findings"]):
            for side, cf in sides:
                # the firings of the sign's rules for this finding, made with the tables
                for key, contribution in evidence.get((sign, side, cf), ()):
                    state_evidence[key].append(contribution)

    @Rule(AS.fact << Measured(), salience=30)
    def measure_evidence(self, fact: Any) -> None:
        d = self._d()
        for measure, sides in reversed(fact["measurements"]):
            self._measure(d, measure, sides)

    def _measure(
        self, d: Derivation, measure: str, sides: tuple[tuple[Side, float, float, bool], ...]
    ) -> None:
        rules = self.tables.measure_rules.get(measure, ())
        for side, value, lsi, weaker in sides:
            for rule in rules:
                if rule.lsi_below is not None:
                    if not (weaker and lsi < rule.lsi_below):
                        continue
                    detail = (
                        f"limb symmetry index {_below(lsi, rule.lsi_below)}% "
                        f"(below {rule.lsi_below:g}%), weaker side"
                    )
                elif rule.value_below is not None:
                    if not value < rule.value_below:
                        continue
                    detail = f"value {_as_given(value)} (below {rule.value_below:g})"
                else:
                    if rule.value_above is None or not value > rule.value_above:
                        continue
                    detail = f"value {_as_given(value)} (above {rule.value_above:g})"
                premise = Premise("measure", measure, side, 1.0, detail)
                d.state_evidence[(rule.then_state or "", side)].append(
                    Contribution(rule.id, rule.certainty, (premise,), rule.certainty)
                )

    @Rule(InitialFact(), salience=20)
    def combine_states(self) -> None:
        d = self._d()
        for key in sorted(d.state_evidence):
            d.states[key] = _believe("state", key, d.state_evidence[key])

    # -- stage 2: believed muscle states -> evidence for imbalance patterns

    @Rule(InitialFact(), salience=10)
    def pattern_evidence(self) -> None:
        """Each pattern rule fires once per side, when every premise is believed above the
        threshold. The believed states are visited left side first, each side's in order, and a
        rule is checked for a side only at the first of its premises that the visit meets for
        that side (``Tables.pattern_leads``), so only candidate rules are read, each once."""
        d = self._d()
        # each believed state's premise, made once and shared by the pattern rules that read it
        held: dict[Side, dict[str, Premise]] = {"left": {}, "right": {}}
        for (state, side), belief in d.states.items():
            if belief.cf > d.threshold:
                held[side][state] = Premise("state", state, side, belief.cf)
        believed = {side: set(premises) for side, premises in held.items()}
        leads = self.tables.pattern_leads
        seen_on: Side
        for seen_on in ("left", "right"):
            across = OPPOSITE[seen_on]
            # the right side's visit checks a rule for a side only when none of the rule's
            # premises for that side are on the left (else the left side's visit met it first)
            first = seen_on == "left"
            here, there = believed[seen_on], believed[across]
            held_here, held_there = held[seen_on], held[across]
            for state in sorted(here):
                for rule, same, other, first_same, first_other in leads.get(state, ()):
                    # a same-side premise points at a conclusion on its own side, an
                    # opposite-side premise at one on the other side
                    if first_same and (first or not other) and same <= here and other <= there:
                        self._fire_pattern(d, rule, seen_on, held_here, held_there)
                    if first_other and (first or not same) and same <= there and other <= here:
                        self._fire_pattern(d, rule, across, held_there, held_here)

    @staticmethod
    def _fire_pattern(
        d: Derivation,
        rule: KbRule,
        side: Side,
        own: dict[str, Premise],
        opposite: dict[str, Premise],
    ) -> None:
        held = tuple([own[s] for s in rule.if_states])
        if rule.if_opposite_states:
            held += tuple([opposite[s] for s in rule.if_opposite_states])
        weakest = min(map(_cf, held))
        certainty = rule.certainty
        d.imbalance_evidence[(rule.then_imbalance or "", side)].append(
            Contribution(rule.id, certainty, held, certainty * weakest)
        )

    @Rule(InitialFact(), salience=0)
    def combine_imbalances(self) -> None:
        d = self._d()
        causes = d.causes
        cause_rules: Mapping[str, tuple[KbRule, ...]] = (
            self.tables.cause_rules_by_imbalance if causes else {}
        )
        for key in sorted(d.imbalance_evidence):
            evidence = d.imbalance_evidence[key]
            for rule in cause_rules.get(key[0], ()):
                if rule.if_cause in causes:
                    premise = Premise("cause", rule.if_cause or "", None, 1.0)
                    evidence = [
                        *evidence,
                        Contribution(rule.id, rule.certainty, (premise,), rule.certainty),
                    ]
            d.imbalances[key] = _believe("imbalance", key, evidence)

    def _d(self) -> Derivation:
        assert self.run_state is not None
        return self.run_state

    # -- running

    def derive(self, request: AssessmentRequest, measured: list[dict[str, Any]]) -> Derivation:
        """Run the rules for ``request`` (``measured``: one dict per measurement side)."""
        if request.threshold is None:
            raise ValueError("derive() takes a parsed request: parse_request() sets its threshold")
        d = Derivation(request.threshold, request.context.causes)
        self.run_state = d
        try:
            self.reset()
            observed: dict[str, dict[Side, float]] = {}
            for f in request.findings:
                sides: tuple[Side, ...] = (
                    ("left", "right") if f.side in (None, "bilateral") else (f.side,)  # type: ignore[assignment]
                )
                seen = observed.setdefault(f.sign, {})
                for side in sides:  # a sign counts once per side, however often it is given
                    seen.setdefault(side, 1.0 if f.present else -1.0)
            # each sign lists its sides newest first (right, then left), as one fact per side
            # would have given a state's evidence
            findings = tuple(
                (sign, tuple(sorted(observed[sign].items(), reverse=True)))
                for sign in sorted(observed)
            )
            by_measure: dict[str, list[tuple[Side, float, float, bool]]] = {}
            for row in measured:
                by_measure.setdefault(row["measure"], []).append(
                    (row["side"], row["value"], row["lsi"], row["weaker"])
                )
            facts = [Observed(findings=findings)] if findings else []
            if by_measure:
                measurements = tuple(
                    (measure, tuple(reversed(sides))) for measure, sides in by_measure.items()
                )
                facts.append(Measured(measurements=measurements))
            self.declare(*facts)  # the measurements are newer, so they fire first
            self.run()
        finally:
            self.run_state = None
        return d
