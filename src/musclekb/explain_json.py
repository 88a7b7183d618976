"""Explanations written straight to JSON, for a service that sends them on at once.

The tree and the sentence of a belief depend only on the belief and its evidence, so their JSON
bytes are made once and kept in the phrasebook, in pieces: the tree's head (its fields, its
arithmetic and the opening of its rules), each rule's fields, and each premise's fields left open,
so that a premise resting on a muscle state can be closed with that state's derivation, written
out or given by reference. A rule firing's pieces are kept on their own as well: the same firing
(rule, premises, certainties) recurs in many beliefs. A belief whose premises rest on no state
keeps its whole tree as one piece. Assembling an explanation from kept pieces is a join of bytes.

What :class:`JsonExplainer` writes parses to exactly what :class:`~musclekb.explain.Explainer`
builds as dicts (``tests/test_explain_json.py`` checks them byte for byte).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, cast

import orjson

from musclekb.cf import rounded
from musclekb.explain import derived_from

if TYPE_CHECKING:
    from musclekb.explain import Explainer
    from musclekb.trace import Belief, BeliefKey, Contribution, Premise, Side

__all__ = ["JsonExplainer", "JsonParts", "JsonRule"]

# a rule's fields up to its premises' opening bracket, then for each premise its fields with the
# closing brace left off and the state and side it derives from (None, None when it is not a
# state): one flat tuple of atoms, which the garbage collector stops watching at its first pass
JsonRule = tuple[bytes | str | None, ...]
# a belief's sentence and its whole tree when no premise rests on a state; otherwise its sentence,
# None, the tree's head up to its rules' opening bracket, then each rule as its length followed by
# its items (flat too, for the same reason)
JsonParts = tuple[bytes | str | int | None, ...]


class JsonExplainer:
    """Writes the explanations of one assessment as JSON bytes, from pieces kept in the
    phrasebook of its :class:`~musclekb.explain.Explainer`."""

    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        self._trees: dict[BeliefKey, bytes] = {}  # whole trees, once per assessment
        # each belief's pieces, found once per assessment: a state's are asked for by every
        # imbalance resting on it, and finding them in the phrasebook hashes the whole evidence
        self._parts: dict[BeliefKey, JsonParts] = {}

    def parts(self, b: Belief) -> JsonParts:
        found = self._parts.get(b.key)
        if found is None:
            found = self._parts[b.key] = self.explainer.phrases.json_parts(b, self._new_parts)
        return found

    def _new_parts(self, b: Belief) -> JsonParts:
        explainer = self.explainer
        head = orjson.dumps(
            {**dict(explainer.head_items(b)), "arithmetic": b.arithmetic, "rules": ()}
        )[:-2]
        phrases = explainer.phrases
        contributions = b.contributions
        keys = [c.flat for c in contributions]  # each firing's key, for its pieces and its words
        rules = [
            phrases.json_rule(key, self._new_rule, c)
            for c, key in zip(contributions, keys, strict=True)
        ]
        sentence = orjson.dumps(phrases.write_sentence(b, keys))  # kept here, not twice
        if all(rule[2::3] == (None,) * (len(rule) // 3) for rule in rules):
            return (sentence, self._join(head, rules, None))
        return (sentence, None, head, *[x for rule in rules for x in (len(rule), *rule)])

    def _new_rule(self, c: Contribution) -> JsonRule:
        # the rule's fixed fields and each premise's fields are kept on their own: a new firing
        # is mostly a known rule on known premises with a new weakest certainty
        phrases = self.explainer.phrases
        head = phrases.json_rule_head((c.rule, c.rule_cf), self._rule_head, c)
        out: list[bytes | str | None] = [
            b'%s%s,"certainty":%s,"premises":['
            % (head, orjson.dumps(rounded(c.premise_cf)), orjson.dumps(rounded(c.cf)))
        ]
        for p in c.premises:
            out += (phrases.json_premise(p, self._premise), *(derived_from(p) or (None, None)))
        return tuple(out)

    def _rule_head(self, c: Contribution) -> bytes:
        """A rule node's fields that do not depend on the firing, up to ``"premise_certainty":``
        (the rule's certainty is part of the key: a rule fires with its own certainty)."""
        return orjson.dumps(dict(self.explainer.rule_items(c)))[:-1] + b',"premise_certainty":'

    def _premise(self, p: Premise) -> bytes:
        """A premise's fields with the closing brace left off (its derivation may follow)."""
        return orjson.dumps(dict(self.explainer.premise_items(p)))[:-1]

    def sentence(self, b: Belief) -> bytes:
        """The belief's sentence as a JSON string."""
        return cast(bytes, self.parts(b)[0])

    def sentences(self, b: Belief, shown_side: str | None = None) -> bytes:
        """As :meth:`Explainer.sentences`, a JSON array."""
        beliefs = self.explainer.sentence_beliefs(b)
        out = b"[%s]" % b",".join([self.sentence(x) for x in beliefs])
        if shown_side == "bilateral":
            head, alike = self.explainer.phrases.alike_heads(b)
            # the heads as they are inside a JSON string (the quotes off)
            out = out.replace(orjson.dumps(head)[1:-1], orjson.dumps(alike)[1:-1], 1)
        return out

    def tree(self, b: Belief, refs: Mapping[tuple[str, str], bytes] | None = None) -> bytes:
        """As :meth:`Explainer.tree` (``refs`` None) or :meth:`Explainer.linked_tree`, with each
        reference given as a JSON string."""
        parts = self.parts(b)
        if parts[1] is not None:
            return cast(bytes, parts[1])
        if refs is None:
            found = self._trees.get(b.key)
            if found is None:
                found = self._trees[b.key] = self._join(parts[2], _rules(parts), None)
            return found
        return self._join(parts[2], _rules(parts), refs)

    def _join(
        self,
        head: object,
        rules: Iterable[JsonRule],
        refs: Mapping[tuple[str, str], bytes] | None,
    ) -> bytes:
        out = [cast(bytes, head)]
        states = self.explainer.d.states
        for i, rule in enumerate(rules):
            fields = cast(bytes, rule[0])
            out.append(b",%s" % fields if i else fields)
            for j in range(1, len(rule), 3):
                premise = cast(bytes, rule[j])
                out.append(premise if j == 1 else b",%s" % premise)
                if rule[j + 2] is None:
                    out.append(b"}")
                    continue
                key = cast("tuple[str, Side]", rule[j + 1 : j + 3])
                ref = None if refs is None else refs.get(key)
                if ref is not None:
                    out.append(b',"derivation":{"$ref":%s}}' % ref)
                    continue
                state = states.get(key)
                if state is not None:
                    out.append(b',"derivation":%s}' % self.tree(state))
                else:
                    out.append(b"}")
            out.append(b"]}")
        out.append(b"]}")
        return b"".join(out)


def _rules(parts: JsonParts) -> Iterator[JsonRule]:
    """The rules of parts that keep them (see :data:`JsonParts`)."""
    i = 3
    while i < len(parts):
        n = cast(int, parts[i])
        yield cast(JsonRule, parts[i + 1 : i + 1 + n])
        i += 1 + n
