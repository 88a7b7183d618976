"""Explanations: how a conclusion was reached (a tree and plain sentences), and why something was not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from musclekb.cf import fmt
from musclekb.trace import Belief, Contribution, Premise

if TYPE_CHECKING:
    from musclekb.engine import Derivation
    from musclekb.kb import KnowledgeBase

__all__ = ["Explainer", "hedge"]


def hedge(cf: float) -> str:
    """Words for a certainty factor."""
    if cf >= 0.8:
        return "almost certainly"
    if cf >= 0.6:
        return "probably"
    if cf >= 0.4:
        return "possibly"
    if cf > 0:
        return "perhaps"
    return "probably not"


class Explainer:
    def __init__(self, kb: KnowledgeBase, d: Derivation) -> None:
        self.kb = kb
        self.d = d
        # one assessment explains the same states and rules many times over: write each once
        self._sources: dict[str, list[str]] = {}
        self._sentences: dict[tuple[str, str, str], str] = {}
        self._trees: dict[tuple[str, str, str], dict[str, Any]] = {}

    # ------------------------------------------------------------------ names

    def source_names(self, rule_id: str) -> list[str]:
        found = self._sources.get(rule_id)
        if found is None:
            found = self._sources[rule_id] = []
            for sid in self.kb.rules[rule_id].sources:
                src = self.kb.sources[sid]
                found.append(src.file_name if src.file_name.endswith(".txt") else sid)
        return found

    def state_phrase(self, state_id: str, side: str | None) -> str:
        state = self.kb.states[state_id]
        muscle = self.kb.muscles[state.muscle].label
        kind = self.kb.all("state-kind")[state.state_kind].label
        return f"{side + ' ' if side else ''}{muscle} {kind}"

    def premise_phrase(self, p: Premise) -> str:
        if p.kind == "finding":
            label = self.kb.signs[p.id].label
            seen = "seen" if p.cf > 0 else "not seen"
            where = f" on the {p.side}" if p.side else ""
            return f"{label} {seen}{where}"
        if p.kind == "measure":
            return f"{self.kb.measures[p.id].label} on the {p.side}: {p.detail}"
        if p.kind == "state":
            return f"{self.state_phrase(p.id, p.side)} ({fmt(p.cf)})"
        return f"history of {self.kb.causes[p.id].label}"

    def rule_ref(self, c: Contribution) -> str:
        sources = ", ".join(self.source_names(c.rule))
        if len(c.premises) > 1 or (c.premises and c.premises[0].kind == "state"):
            arithmetic = f"{fmt(c.rule_cf)} x {fmt(c.premise_cf)} = {fmt(c.cf)}"
        else:
            arithmetic = fmt(c.cf)
        return f"rule {c.rule}, source {sources}, {arithmetic}"

    # ------------------------------------------------------------------ how

    def sentence(self, b: Belief) -> str:
        found = self._sentences.get(b.key)
        if found is None:
            found = self._sentences[b.key] = self._sentence(b)
        return found

    def _sentence(self, b: Belief) -> str:
        if b.kind == "state":
            state = self.kb.states[b.id]
            head = (
                f"{b.side.capitalize()} {self.kb.muscles[state.muscle].label} is {hedge(b.cf)} "
                f"{self.kb.all('state-kind')[state.state_kind].label} ({fmt(b.cf)})"
            )
        else:
            head = (
                f"{self.kb.imbalances[b.id].label} ({b.side}) is {hedge(b.cf)} present "
                f"({fmt(b.cf)})"
            )
        parts = [
            f"{' and '.join(self.premise_phrase(p) for p in c.premises)} ({self.rule_ref(c)})"
            for c in b.contributions
        ]
        tail = f"; {'; '.join(b.arithmetic)}" if b.arithmetic else ""
        return f"{head}: {' and '.join(parts)}{tail}."

    def sentences(self, b: Belief) -> list[str]:
        """The conclusion first, then every state it rests on."""
        out = [self.sentence(b)]
        if b.kind == "imbalance":
            seen: set[tuple[str, str]] = set()
            for c in b.contributions:
                for p in c.premises:
                    key = (p.id, p.side or "")
                    if p.kind == "state" and key not in seen:
                        seen.add(key)
                        state = self.d.states.get((p.id, p.side))  # type: ignore[arg-type]
                        if state is not None:
                            out.append(self.sentence(state))
        return out

    def tree(self, b: Belief) -> dict[str, Any]:
        """The derivation as nested data: conclusion -> rules -> premises -> ... -> findings.
        A state's subtree is built once per assessment and shared wherever the state appears."""
        found = self._trees.get(b.key)
        if found is None:
            found = self._trees[b.key] = self._tree(b)
        return found

    def _tree(self, b: Belief) -> dict[str, Any]:
        label = (
            self.kb.imbalances[b.id].label
            if b.kind == "imbalance"
            else self.state_phrase(b.id, None)
        )
        return {
            "kind": b.kind, "id": b.id, "label": label, "side": b.side, "certainty": round(b.cf, 4),
            "arithmetic": list(b.arithmetic),
            "rules": [self._contribution(c) for c in b.contributions],
        }  # fmt: skip

    def _contribution(self, c: Contribution) -> dict[str, Any]:
        rule = self.kb.rules[c.rule]
        return {
            "rule": c.rule, "label": rule.label, "sources": rule.sources,
            "source_files": self.source_names(c.rule), "rule_certainty": c.rule_cf,
            "premise_certainty": round(c.premise_cf, 4), "certainty": round(c.cf, 4),
            "premises": [self._premise(p) for p in c.premises],
        }  # fmt: skip

    def _premise(self, p: Premise) -> dict[str, Any]:
        node: dict[str, Any] = {
            "kind": p.kind,
            "id": p.id,
            "side": p.side,
            "certainty": round(p.cf, 4),
            "text": self.premise_phrase(p),
        }
        if p.kind == "state" and p.side is not None:
            state = self.d.states.get((p.id, p.side))  # type: ignore[arg-type]
            if state is not None:
                node["derivation"] = self.tree(state)
        return node

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
        other = "right" if side == "left" else "left"
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
                        "certainty": None if cf is None else round(cf, 4),
                        "text": f"{self.state_phrase(state, s)}: {status}"
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
