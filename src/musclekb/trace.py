"""The justification of every derived fact: which rule, on which facts, with which arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

from musclekb.cf import combine_all
from musclekb.lazy import lazy

__all__ = ["OPPOSITE", "Belief", "BeliefKey", "Contribution", "Premise", "Side", "unsided"]

Side = Literal["left", "right"]
OPPOSITE: dict[str, Side] = {"left": "right", "right": "left"}
BeliefKey = tuple[str, str, str]  # (kind, id, side): kind is "state" or "imbalance"


class Premise(NamedTuple):
    """A fact a rule matched: a finding, a measurement, a muscle state or a cause. (Premises and
    contributions are named tuples: an assessment makes hundreds, and they never change.)"""

    kind: Literal["finding", "measure", "state", "cause"]
    id: str
    side: str | None
    cf: float
    detail: str = ""


class Contribution(NamedTuple):
    """One rule firing: its certainty, the premises it matched, and what it concluded."""

    rule: str
    rule_cf: float
    premises: tuple[Premise, ...]
    cf: float

    @property
    def premise_cf(self) -> float:
        return min((p.cf for p in self.premises), default=1.0)

    @property
    def flat(self) -> tuple[object, ...]:
        """The firing as one flat tuple of strings and numbers: its rule, certainty and number of
        premises, then each premise's five fields (a cache key; see :attr:`Belief.signature`)."""
        out: list[object] = [self.rule, self.cf, len(self.premises)]
        for p in self.premises:
            out += p
        return tuple(out)


@dataclass(frozen=True)
class Belief:
    """A combined conclusion on one side, with every contribution and the combination arithmetic."""

    kind: Literal["state", "imbalance"]
    id: str
    side: Side
    cf: float
    evidence: tuple[Contribution, ...]  # in the order the rules fired

    @classmethod
    def of(
        cls,
        kind: Literal["state", "imbalance"],
        id: str,
        side: Side,
        cf: float,
        evidence: tuple[Contribution, ...],
    ) -> Belief:
        """The same as ``Belief(kind, id, side, cf, evidence)``, at half the cost: the engine makes
        dozens per assessment, and a frozen dataclass sets each field through
        ``object.__setattr__``. Fields are stored in the instance dict in declaration order, as
        the generated ``__init__`` does (keep both in step if a field is added)."""
        belief = object.__new__(cls)
        fields = belief.__dict__
        fields["kind"] = kind
        fields["id"] = id
        fields["side"] = side
        fields["cf"] = cf
        fields["evidence"] = evidence
        return belief

    @lazy
    def signature(self) -> tuple[object, ...]:
        """The belief and its evidence as one flat tuple of strings and numbers: a key for caches
        that outlive an assessment. Each contribution adds its :attr:`Contribution.flat` (which
        counts its premises), so two different beliefs never share a key.
        (The cyclic garbage collector keeps watching a tuple until every item in it is an atom or
        a tuple it has stopped watching, which takes one pass per level of nesting; named tuples
        it watches for as long as they live. A flat tuple of atoms drops out of its sight at its
        first pass, so large caches do not make collections longer.)"""
        out: list[object] = [self.kind, self.id, self.side]
        for c in self.evidence:
            out += c.flat
        return tuple(out)

    @lazy
    def contributions(self) -> tuple[Contribution, ...]:
        """The evidence, strongest first (then by rule id): the same whatever the firing order.
        A rule contributes at most once to one conclusion on one side, so the order is total."""
        return tuple(sorted(self.evidence, key=lambda c: (-abs(c.cf), c.rule)))

    @lazy
    def arithmetic(self) -> tuple[str, ...]:
        """The combination, step by step; written out only when an explanation asks for it."""
        return combine_all(c.cf for c in self.contributions).steps

    @property
    def key(self) -> BeliefKey:
        return (self.kind, self.id, self.side)


def unsided(b: Belief, states: Mapping[tuple[str, Side], Belief]) -> list[object]:
    """A belief's evidence with its sides left out: each rule and certainty with its premises,
    and under a premise that is a muscle state, that state's evidence in turn (found in
    ``states``). A rule puts its premises on the belief's side or on the other, so two beliefs
    in one conclusion on the two sides have the same unsided evidence exactly when the right is
    derived as the left with the sides swapped, down to the findings. Equal certainties alone do
    not make them alike: a 0.5 from a finding on the left and a 0.5 from another on the right
    are different reasons."""
    out: list[object] = []
    for c in b.contributions:
        out += (c.rule, c.cf)
        for p in c.premises:
            out.append((p.kind, p.id, p.cf, p.detail))
            if p.kind == "state":  # the same shape on both sides, so two of these compare
                below = states.get(cast("tuple[str, Side]", (p.id, p.side)))
                out.append([] if below is None else unsided(below, states))
    return out
