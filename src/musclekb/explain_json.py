"""Explanations written straight to JSON, for a service that sends them on at once.

The tree and the sentence of a belief depend only on the belief and its evidence, so their JSON
bytes are made once and kept in the phrasebook, in pieces: the tree's head (its fields, its
arithmetic and the opening of its rules), each rule's fields, and each premise's fields left open,
so that a premise resting on a muscle state can be closed with that state's derivation, written
out or given by reference. A rule firing's pieces are kept on their own as well: the same firing
(rule, premises, certainties) recurs in many beliefs. A belief whose premises rest on no state keeps its whole tree as one
piece. Assembling an explanation from kept pieces is a join of bytes.

What :class:`JsonExplainer` writes parses to exactly what :class:`~musclekb.explain.Explainer`
builds as dicts (``tests/test_explain_json.py`` checks them byte for byte).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from musclekb.explain import Explainer
    from musclekb.trace import Belief, BeliefKey, Contribution

__all__ = ["JsonExplainer", "JsonParts", "JsonRule"]

# a premise's fields with the closing brace left off, and the (state, side) it derives from
_Premise = tuple[bytes, tuple[str, str] | None]
# a rule's fields up to its premises' opening bracket, with its premises
JsonRule = tuple[bytes, tuple[_Premise, ...]]
# a belief's sentence; its whole tree when no premise rests on a state (else None); the tree's head
# up to its rules' opening bracket; and its rules
JsonParts = tuple[bytes, bytes | None, bytes, tuple[JsonRule, ...]]


class JsonExplainer:
    """Writes the explanations of one assessment as JSON bytes, from pieces kept in the
    phrasebook of its :class:`~musclekb.explain.Explainer`."""

    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        self._trees: dict[BeliefKey, bytes] = {}  # whole trees, once per assessment

    def parts(self, b: Belief) -> JsonParts:
        return self.explainer.phrases.json_parts(b, self._new_parts)

    def _new_parts(self, b: Belief) -> JsonParts:
        explainer = self.explainer
        head = {**dict(explainer.head_items(b)), "arithmetic": b.arithmetic, "rules": ()}
        rules = tuple(
            explainer.phrases.json_rule(
                (c.rule, c.cf, tuple(map(tuple, c.premises))), self._new_rule, c
            )
            for c in b.contributions
        )
        sentence = orjson.dumps(explainer.sentence(b))
        parts: JsonParts = (sentence, None, orjson.dumps(head)[:-2], rules)
        if all(state is None for _, premises in rules for _, state in premises):
            parts = (sentence, self._join(parts, None), parts[2], rules)
        return parts

    def _new_rule(self, c: Contribution) -> JsonRule:
        items, premises = self.explainer.rule_parts(c)
        return (
            orjson.dumps({**dict(items), "premises": ()})[:-2],
            tuple((orjson.dumps(dict(fields))[:-1], state) for fields, state in premises),
        )

    def sentence(self, b: Belief) -> bytes:
        """The belief's sentence as a JSON string."""
        return self.parts(b)[0]

    def sentences(self, b: Belief) -> bytes:
        """As :meth:`Explainer.sentences`, a JSON array."""
        return b"[" + b",".join(self.parts(x)[0] for x in self.explainer.sentence_beliefs(b)) + b"]"

    def tree(self, b: Belief, refs: Mapping[tuple[str, str], bytes] | None = None) -> bytes:
        """As :meth:`Explainer.tree` (``refs`` None) or :meth:`Explainer.linked_tree`, with each
        reference given as a JSON string."""
        parts = self.parts(b)
        if parts[1] is not None:
            return parts[1]
        if refs is None:
            found = self._trees.get(b.key)
            if found is None:
                found = self._trees[b.key] = self._join(parts, None)
            return found
        return self._join(parts, refs)

    def _join(self, parts: JsonParts, refs: Mapping[tuple[str, str], bytes] | None) -> bytes:
        out = [parts[2]]
        states = self.explainer.d.states
        for i, (rule, premises) in enumerate(parts[3]):
            out.append(b",%s" % rule if i else rule)
            for j, (premise, key) in enumerate(premises):
                if j:
                    out.append(b",")
                out.append(premise)
                ref = None if key is None or refs is None else refs.get(key)
                if ref is not None:
                    out.append(b',"derivation":{"$ref":%s}}' % ref)
                    continue
                state = None if key is None else states.get(key)  # type: ignore[arg-type]
                if state is not None:
                    out.append(b',"derivation":%s}' % self.tree(state))
                else:
                    out.append(b"}")
            out.append(b"]}")
        out.append(b"]}")
        return b"".join(out)
