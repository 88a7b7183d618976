"""Explanations: how a conclusion was reached (a tree and plain sentences), and why something was not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from musclekb.cf import fmt, rounded
from musclekb.phrases import Phrasebook
from musclekb.trace import OPPOSITE, Belief, Contribution, Premise

if TYPE_CHECKING:
    from musclekb.engine import Derivation
    from musclekb.kb import KnowledgeBase

__all__ = ["Explainer", "TreeParts", "derived_from"]

_Items = tuple[tuple[str, Any], ...]  # a node's fields, in order
_PremiseParts = tuple[_Items, tuple[str, str] | None]  # with the (state, side) it derives from
# a tree's fields: the head, the arithmetic, and each rule's fields with its premises' fields
TreeParts = tuple[_Items, tuple[str, ...], tuple[tuple[_Items, tuple[_PremiseParts, ...]], ...]]
_Refs = Mapping[tuple[str, str], str]


def derived_from(p: Premise) -> tuple[str, str] | None:
    """The (muscle state, side) whose derivation a premise rests on, if it rests on one."""
    return (p.id, p.side) if p.kind == "state" and p.side is not None else None


class Explainer:
    """Explains the conclusions of one assessment; its phrases come from a :class:`Phrasebook`
    shared by the assessments of one reasoner."""

    def __init__(self, kb: KnowledgeBase, d: Derivation, phrases: Phrasebook | None = None) -> None:
        self.kb = kb
        self.d = d
        self.phrases = phrases if phrases is not None else Phrasebook(kb)
        # one assessment explains the same states many times over: build each tree once
        self._trees: dict[tuple[str, str, str], dict[str, Any]] = {}

    # ------------------------------------------------------------------ how

    def sentence(self, b: Belief) -> str:
        return self.phrases.sentence(b)

    def sentences(self, b: Belief, shown_side: str | None = None) -> list[str]:
        """The conclusion first, then every state it rests on. ``shown_side``: the side the
        conclusion is reported on (``bilateral``: its head says the other side is the same)."""
        out = [self.sentence(x) for x in self.sentence_beliefs(b)]
        if shown_side == "bilateral":
            head, alike = self.phrases.alike_heads(b)
            out[0] = out[0].replace(head, alike, 1)
        return out

    def sentence_beliefs(self, b: Belief) -> list[Belief]:
        """Whose sentences explain ``b``: ``b`` itself, then for an imbalance each muscle state
        its rules rest on (once each, in the order the rules cite them)."""
        out = [b]
        if b.kind == "imbalance":
            seen: set[tuple[str, str]] = set()
            for c in b.contributions:
                for p in c.premises:
                    key = (p.id, p.side or "")
                    if p.kind == "state" and key not in seen:
                        seen.add(key)
                        state = self.d.states.get((p.id, p.side))  # type: ignore[arg-type]
                        if state is not None:
                            out.append(state)
        return out

    def tree(self, b: Belief) -> dict[str, Any]:
        """The derivation as nested data: conclusion -> rules -> premises -> ... -> findings.
        A state's subtree is built once per assessment and shared wherever the state appears."""
        found = self._trees.get(b.key)
        if found is None:
            found = self._trees[b.key] = self._tree(b)
        return found

    def linked_tree(self, b: Belief, refs: Mapping[tuple[str, str], str]) -> dict[str, Any]:
        """The derivation with each muscle state it rests on given by reference: a premise whose
        (state, side) is in ``refs`` gets ``{"$ref": refs[...]}`` as its derivation instead of
        the state's own tree, so a state explained once is not written out again per imbalance."""
        return self._tree(b, refs)

    def _tree(self, b: Belief, refs: Mapping[tuple[str, str], str] | None = None) -> dict[str, Any]:
        head, arithmetic, rules = self.parts(b)
        node = dict(head)
        node["arithmetic"] = list(arithmetic)
        node["rules"] = [self._rule_node(items, premises, refs) for items, premises in rules]
        return node

    def _rule_node(
        self, items: _Items, premises: tuple[_PremiseParts, ...], refs: _Refs | None
    ) -> dict[str, Any]:
        node = dict(items)
        out = []
        for premise_items, state_key in premises:
            premise = dict(premise_items)
            if state_key is not None:
                ref = None if refs is None else refs.get(state_key)
                if ref is not None:
                    premise["derivation"] = {"$ref": ref}
                else:
                    state = self.d.states.get(state_key)  # type: ignore[arg-type]
                    if state is not None:
                        premise["derivation"] = self.tree(state)
            out.append(premise)
        node["premises"] = out
        return node

    def parts(self, b: Belief) -> TreeParts:
        """The fields of a belief's tree, which depend only on the belief and its evidence: kept
        in the phrasebook as tuples (immutable), and turned into fresh dicts per assessment."""
        return self.phrases.tree_parts(b, self.make_parts)

    def make_parts(self, b: Belief) -> TreeParts:
        """The fields of ``b``'s tree, worked out afresh (:meth:`parts` keeps them)."""
        rules = tuple(self.rule_parts(c) for c in b.contributions)
        return self.head_items(b), tuple(b.arithmetic), rules

    def head_items(self, b: Belief) -> _Items:
        """The fields at the head of ``b``'s tree."""
        label = (
            self.kb.imbalances[b.id].label
            if b.kind == "imbalance"
            else self.phrases.state(b.id, None)
        )
        return (
            ("kind", b.kind), ("id", b.id), ("label", label), ("side", b.side),
            ("certainty", rounded(b.cf)),
        )  # fmt: skip

    def rule_parts(self, c: Contribution) -> tuple[_Items, tuple[_PremiseParts, ...]]:
        """The fields of one rule's node in a tree, and of each of its premises."""
        items = (
            *self.rule_items(c), ("premise_certainty", rounded(c.premise_cf)),
            ("certainty", rounded(c.cf)),
        )  # fmt: skip
        premises = tuple((self.premise_items(p), derived_from(p)) for p in c.premises)
        return items, premises

    def rule_items(self, c: Contribution) -> _Items:
        """The first fields of a rule's node: those every firing of the rule with the same
        certainty shares (the certainties of its premises and its conclusion follow)."""
        rule = self.kb.rules[c.rule]
        return (
            ("rule", c.rule), ("label", rule.label), ("sources", list(rule.sources)),
            ("source_files", list(self.phrases.source_names(c.rule))),
            ("rule_certainty", c.rule_cf),
        )  # fmt: skip

    def premise_items(self, p: Premise) -> _Items:
        """The fields of one premise's node in a tree (its derivation aside)."""
        return (
            ("kind", p.kind), ("id", p.id), ("side", p.side), ("certainty", rounded(p.cf)),
            ("text", self.phrases.premise(p)),
        )  # fmt: skip

    # ------------------------------------------------------------------ why not

    def premise_status(self, state: str, side: str) -> tuple[str, float | None]:
        belief = self.d.states.get((state, side))  # type: ignore[arg-type]
        if belief is None:
            return "missing", None
        if belief.cf < 0:
            return "contradicted", belief.cf
        if belief.cf <= self.d.threshold:
            return "too weak", belief.cf
        return "held", belief.cf

    def why_not_rules(
        self, imbalance: str, side: str, rules: tuple[Any, ...]
    ) -> list[dict[str, Any]]:
        other = OPPOSITE[side]
        out = []
        for rule in rules:
            premises = []
            for state, s in [(x, side) for x in rule.if_states] + [
                (x, other) for x in rule.if_opposite_states
            ]:
                status, cf = self.premise_status(state, s)
                premises.append(
                    {
                        "state": state,
                        "side": s,
                        "status": status,
                        "certainty": None if cf is None else rounded(cf),
                        "text": f"{self.phrases.state(state, s)}: {status}"
                        + ("" if cf is None else f" ({fmt(cf)})"),
                    }
                )
            fired = all(p["status"] == "held" for p in premises)
            out.append(
                {
                    "rule": rule.id,
                    "label": rule.label,
                    "certainty": rule.certainty,
                    "sources": list(rule.sources),
                    "fired": fired,
                    "premises": premises,
                }
            )
        return out
