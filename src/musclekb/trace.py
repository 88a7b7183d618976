"""The justification of every derived fact: which rule, on which facts, with which arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

from musclekb.cf import combine_all
from musclekb.lazy import lazy

__all__ = ["OPPOSITE", "Belief", "BeliefKey", "Contribution", "Premise", "Side", "mirrored"]

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


def mirrored(left: Belief, right: Belief, states: Mapping[tuple[str, Side], Belief]) -> bool:
    """Whether ``right`` is derived as ``left`` is, with the sides swapped: the same rules at the
    same certainties, on the same premises at the same certainties, each on the other side (a
    premise with no side, or both, stays as it is), and each muscle state among them derived
    alike in turn (its belief on each side found in ``states``). Equal certainties alone do not
    make two derivations alike: a 0.5 from a finding on the left and a 0.5 from another finding
    on the right are different reasons."""
    if len(left.evidence) != len(right.evidence):
        return False
    for a, b in zip(left.contributions, right.contributions, strict=True):
        if a.rule != b.rule or a.cf != b.cf or len(a.premises) != len(b.premises):
            return False
        for p, q in zip(a.premises, b.premises, strict=True):
            across = OPPOSITE.get(p.side, p.side) if p.side is not None else None
            if (p.kind, p.id, across, p.cf, p.detail) != (q.kind, q.id, q.side, q.cf, q.detail):
                return False
            if p.kind == "state" and p.side in OPPOSITE:
                side = cast(Side, p.side)
                mine, theirs = states.get((p.id, side)), states.get((p.id, OPPOSITE[side]))
                if mine is None or theirs is None or not mirrored(mine, theirs, states):
                    return False
    return True
