"""Lookup tables compiled from the knowledge base's rules once, at engine build time.

The engine's few generic rules consult these tables, so the cost of an assessment depends on the
findings it is given, not on how many rules or exercises the knowledge base holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from musclekb.model import Rule
from musclekb.trace import OPPOSITE, Contribution, Premise, Side

if TYPE_CHECKING:
    from collections.abc import Mapping

    from musclekb.kb import KnowledgeBase

__all__ = ["FindingEvidence", "PatternLead", "Tables", "compile_tables"]

# A pattern rule as the pattern stage meets it at one of its premise states: the rule, its states
# on the same side and on the opposite side, and whether the state is the first (by id) of the
# same-side premises and of the opposite-side ones.
PatternLead = tuple[Rule, frozenset[str], frozenset[str], bool, bool]
# What one finding on one side gives, by the sign rules: each (state, side) it is evidence for,
# with the rule firing. A finding has one of four forms per sign (left or right, seen or not), so
# every firing is made once, at build time, and shared by the assessments (they never change).
FindingEvidence = tuple[tuple[tuple[str, Side], Contribution], ...]


@dataclass(frozen=True)
class Tables:
    measure_rules: Mapping[str, tuple[Rule, ...]]
    pattern_rules_by_imbalance: Mapping[str, tuple[Rule, ...]]
    cause_rules_by_imbalance: Mapping[str, tuple[Rule, ...]]
    remedy_rules_by_imbalance: Mapping[str, tuple[Rule, ...]]
    components: Mapping[str, tuple[str, ...]]
    # premise state -> the pattern rules it is the first same-side or opposite-side premise of,
    # by rule id: the pattern stage checks a rule only at its first premise it visits
    pattern_leads: Mapping[str, tuple[PatternLead, ...]]
    # (sign, side, +1.0 seen or -1.0 not seen) -> the evidence that finding gives
    finding_evidence: Mapping[tuple[str, Side, float], FindingEvidence]


def _freeze(index: dict[str, list[Rule]]) -> Mapping[str, tuple[Rule, ...]]:
    return MappingProxyType({k: tuple(sorted(v, key=lambda r: r.id)) for k, v in index.items()})


def _leads(by_premise: dict[str, list[Rule]]) -> Mapping[str, tuple[PatternLead, ...]]:
    out: dict[str, tuple[PatternLead, ...]] = {}
    for state, rules in by_premise.items():
        leads = []
        for rule in sorted(rules, key=lambda r: r.id):
            same, other = frozenset(rule.if_states), frozenset(rule.if_opposite_states)
            first_same = bool(same) and state == min(same)
            first_other = bool(other) and state == min(other)
            if first_same or first_other:
                leads.append((rule, same, other, first_same, first_other))
        if leads:
            out[state] = tuple(leads)
    return MappingProxyType(out)


def _finding_evidence(
    sign_rules: Mapping[str, tuple[Rule, ...]],
) -> Mapping[tuple[str, Side, float], FindingEvidence]:
    out: dict[tuple[str, Side, float], FindingEvidence] = {}
    side: Side
    for sign, rules in sign_rules.items():
        # a sign not seen is evidence against what seeing it supports, and none for what seeing
        # it argues against (a rule of negative certainty): not being sore on one leg does not
        # point to weak muscles there because being sore points away from them
        against = tuple(rule for rule in rules if rule.certainty > 0)
        for side in ("left", "right"):
            for cf, firing in ((1.0, rules), (-1.0, against)):
                premise = Premise("finding", sign, side, cf, "seen" if cf > 0 else "not seen")
                out[(sign, side, cf)] = tuple(
                    (
                        (
                            rule.then_state or "",
                            OPPOSITE[side] if rule.side == "opposite" else side,
                        ),
                        Contribution(rule.id, rule.certainty, (premise,), rule.certainty * cf),
                    )
                    for rule in firing
                )
    return MappingProxyType(out)


def compile_tables(kb: KnowledgeBase) -> Tables:
    sign: dict[str, list[Rule]] = defaultdict(list)
    measure: dict[str, list[Rule]] = defaultdict(list)
    by_premise: dict[str, list[Rule]] = defaultdict(list)
    by_imbalance: dict[str, list[Rule]] = defaultdict(list)
    cause: dict[str, list[Rule]] = defaultdict(list)
    remedy: dict[str, list[Rule]] = defaultdict(list)
    for rule in kb.rules.values():
        if rule.rule_type == "sign" and rule.if_sign and rule.then_state:
            sign[rule.if_sign].append(rule)
        elif rule.rule_type == "measure" and rule.if_measure and rule.then_state:
            measure[rule.if_measure].append(rule)
        elif rule.rule_type == "pattern" and rule.then_imbalance:
            for premise in set(rule.if_states) | set(rule.if_opposite_states):
                by_premise[premise].append(rule)
            by_imbalance[rule.then_imbalance].append(rule)
        elif rule.rule_type == "cause" and rule.then_imbalance:
            cause[rule.then_imbalance].append(rule)
        elif rule.rule_type == "remedy" and rule.if_imbalance:
            remedy[rule.if_imbalance].append(rule)
    return Tables(
        _freeze(measure), _freeze(by_imbalance), _freeze(cause), _freeze(remedy),
        MappingProxyType({i.id: i.components for i in kb.imbalances.values()}),
        _leads(by_premise), _finding_evidence(_freeze(sign)),
    )  # fmt: skip
