"""The words of explanations: phrases and sentences, written once and kept across assessments.

A sentence depends only on what it explains (a belief's key and its evidence, premise certainties
included), and strings cannot change, so one ``Phrasebook`` per reasoner serves every assessment.
Its tables are bounded (``musclekb.bounded``): when one is full, its older half is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

from musclekb.bounded import cached
from musclekb.cf import fmt
from musclekb.trace import OPPOSITE

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase
    from musclekb.trace import Belief, Contribution, Premise

__all__ = ["TABLE_ENTRIES", "Phrasebook", "hedge", "source_names"]

# entries in each of the largest tables: the JSON pieces of explanations (a few kilobytes each) and
# the firings they are made of. At this size a worker's tables hold the muscle states of a few
# thousand assessments, which recur far more often than the imbalances built on them; the other
# tables (phrases, a few hundred bytes each) hold half as many.
TABLE_ENTRIES = 32768
T = TypeVar("T")
A = TypeVar("A")


def source_names(kb: KnowledgeBase, source_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Sources as explanations cite them: the file name of an article, else the reference's id."""
    return tuple(
        src.file_name if src.file_name.endswith(".txt") else src.id
        for src in (kb.sources[sid] for sid in source_ids)
    )


def hedge(cf: float, words: Sequence[tuple[float, bool, str]]) -> str:
    """The words for a certainty factor: those of the first of ``words`` (see
    :attr:`KnowledgeBase.certainty_words`) whose bound ``cf`` reaches."""
    for bound, included, text in words:
        if cf > bound or (included and cf == bound):
            return text
    return words[-1][2]


class Phrasebook:
    """Phrases for states, premises and rule references, and the sentence of each belief."""

    def __init__(self, kb: KnowledgeBase, entries: int = TABLE_ENTRIES) -> None:
        """``entries``: the most each of the largest tables holds (see :data:`TABLE_ENTRIES`):
        memory against the time to write pieces again. Any size gives the same output."""
        if entries < 2:
            raise ValueError(
                f"a phrasebook's tables need room for at least 2 entries, got {entries}"
            )
        self.kb = kb
        self.words = kb.certainty_words  # read now: a knowledge base without them fails here
        self._size = entries // 2
        self._json_size = entries
        self._sources: dict[str, tuple[str, ...]] = {}
        self._states: dict[object, str] = {}
        self._premises: dict[object, str] = {}
        self._rule_refs: dict[object, str] = {}
        self._sentences: dict[object, str] = {}
        self._tree_parts: dict[object, object] = {}
        self._json_parts: dict[object, object] = {}
        self._json_rules: dict[object, object] = {}
        self._json_rule_heads: dict[object, bytes] = {}
        self._json_premises: dict[object, bytes] = {}
        self._firings: dict[object, str] = {}
        self._addresses: dict[object, str] = {}

    def tree_parts(self, b: Belief, make: Callable[[Belief], T]) -> T:
        """The fields of ``b``'s explanation tree, made by ``make`` (explain.py) the first time.
        (The table holds what ``make`` returns; it is only ever filled through here.)"""
        return cast(T, cached(self._tree_parts, b.signature, make, b, self._size))

    def json_parts(self, b: Belief, make: Callable[[Belief], T]) -> T:
        """The JSON pieces of ``b``'s explanation, made by ``make`` (explain_json.py) the first
        time (the table holds what ``make`` returns; it is only ever filled through here)."""
        return cast(T, cached(self._json_parts, b.signature, make, b, self._json_size))

    def json_rule(self, key: tuple[object, ...], make: Callable[[A], T], c: A) -> T:
        """The JSON pieces of one rule firing (``key``: its ``Contribution.flat``), made
        by ``make`` the first time: the same firing recurs in many beliefs."""
        return cast(T, cached(self._json_rules, key, make, c, self._json_size))

    def json_rule_head(self, key: tuple[str, float], make: Callable[[A], bytes], c: A) -> bytes:
        """The JSON of a rule's fields that every firing of it shares (``key``: the rule and
        its certainty), made by ``make`` from the firing ``c`` the first time."""
        return cached(self._json_rule_heads, key, make, c, self._size)

    def json_premise(self, p: Premise, make: Callable[[Premise], bytes]) -> bytes:
        """The JSON of a premise's fields, made by ``make`` the first time."""
        return cached(self._json_premises, tuple(p), make, p, self._size)

    def addresses(self, row: tuple[str, str | None, float]) -> str:
        """A plan item's line for an imbalance it addresses (``row``: imbalance, the side it is
        reported on, weight), for example: addresses knee valgus (left) at 0.8."""
        return cached(self._addresses, row, self._write_addresses, row, self._size)

    def _write_addresses(self, row: tuple[str, str | None, float]) -> str:
        imbalance, side, weight = row
        label = self.kb.imbalances[imbalance].label
        if side == "bilateral":  # its weight is the sum of its two sides'
            return f"addresses {label} (both sides) at {fmt(weight)}, the two sides added"
        where = "" if side is None else f" ({side})"
        return f"addresses {label}{where} at {fmt(weight)}"

    def source_names(self, rule_id: str) -> tuple[str, ...]:
        """The sources of a rule: the file name of an article, else the reference's id."""
        found = self._sources.get(rule_id)
        if found is None:
            found = self._sources[rule_id] = source_names(self.kb, self.kb.rules[rule_id].sources)
        return found

    def state(self, state_id: str, side: str | None) -> str:
        """A muscle state on a side in words, for example: left gluteus medius weak."""
        key = (state_id, side)
        return cached(self._states, key, self._write_state, key, self._size)

    def _write_state(self, key: tuple[str, str | None]) -> str:
        state_id, side = key
        state = self.kb.states[state_id]
        muscle = self.kb.muscles[state.muscle].label
        kind = self.kb.all("state-kind")[state.state_kind].label
        return f"{side + ' ' if side else ''}{muscle} {kind}"

    def premise(self, p: Premise) -> str:
        # keyed by a plain tuple, not the named one (see Belief.signature)
        return cached(self._premises, tuple(p), self._premise, p, self._size)

    def _premise(self, p: Premise) -> str:
        if p.kind == "finding":
            label = self.kb.signs[p.id].label
            seen = "seen" if p.cf > 0 else "not seen"
            where = f" on the {p.side}" if p.side else ""
            return f"{label} {seen}{where}"
        if p.kind == "measure":
            return f"{self.kb.measures[p.id].label} on the {p.side}: {p.detail}"
        if p.kind == "state":
            return f"{self.state(p.id, p.side)} ({fmt(p.cf)})"
        return f"history of {self.kb.causes[p.id].label}"

    def rule_ref(self, c: Contribution) -> str:
        """A rule as a sentence cites it: rule <id>, source <files>, <arithmetic>."""
        multi = len(c.premises) > 1 or (bool(c.premises) and c.premises[0].kind == "state")
        key = (c.rule, c.rule_cf, c.premise_cf, c.cf, multi)
        return cached(self._rule_refs, key, self._write_rule_ref, key, self._size)

    def _write_rule_ref(self, key: tuple[str, float, float, float, bool]) -> str:
        rule, rule_cf, premise_cf, cf, multi = key
        sources = ", ".join(self.source_names(rule))
        arithmetic = f"{fmt(rule_cf)} x {fmt(premise_cf)} = {fmt(cf)}" if multi else fmt(cf)
        return f"rule {rule}, source {sources}, {arithmetic}"

    def sentence(self, b: Belief) -> str:
        """The belief in one sentence: what, how certain, from which rules and premises, and the
        arithmetic that combined them."""
        return cached(self._sentences, b.signature, self.write_sentence, b, self._size)

    def firing(self, c: Contribution, key: tuple[object, ...]) -> str:
        """One rule firing as a sentence cites it (``key``: its ``Contribution.flat``), for
        example: left gluteus medius weak (0.6) (rule r, source s, 0.8 x 0.6 = 0.48). The same
        firing recurs in many beliefs, so it is written once."""
        return cached(self._firings, key, self._write_firing, c, self._json_size)

    def _write_firing(self, c: Contribution) -> str:
        return f"{' and '.join([self.premise(p) for p in c.premises])} ({self.rule_ref(c)})"

    def alike_heads(self, b: Belief) -> tuple[str, str]:
        """The head of the sentence of imbalance ``b`` and the same head for when ``b`` is
        reported alike on both sides (its sentence gives the derivation on one side; the head
        then says that the other is the same)."""
        label = self.kb.imbalances[b.id].label
        other = OPPOSITE.get(b.side, b.side)
        return f"{label} ({b.side}) is ", f"{label} ({b.side}, and the same on the {other}) is "

    def write_sentence(self, b: Belief, keys: list[tuple[object, ...]] | None = None) -> str:
        """The sentence of ``b``, written afresh (:meth:`sentence` keeps it); ``keys``: the
        ``Contribution.flat`` of each of its contributions, when the caller has them."""
        shown = fmt(b.cf)
        words = hedge(float(shown), self.words)  # the words of the number the sentence shows
        if b.kind == "state":
            state = self.kb.states[b.id]
            muscle = self.kb.muscles[state.muscle]
            verb = "are" if muscle.plural_label else "is"
            head = (
                f"{b.side.capitalize()} {muscle.label} {verb} {words} "
                f"{self.kb.all('state-kind')[state.state_kind].label} ({shown})"
            )
        else:
            # a side only for an imbalance found on one side: the belief in a non-lateral one
            # is kept on the side of its evidence, but the imbalance is reported without one
            imbalance = self.kb.imbalances[b.id]
            where = f" ({b.side})" if imbalance.lateral else ""
            head = f"{imbalance.label}{where} is {words} present ({shown})"
        contributions = b.contributions
        if keys is None:
            keys = [c.flat for c in contributions]
        parts = [self.firing(c, key) for c, key in zip(contributions, keys, strict=True)]
        tail = f"; {'; '.join(b.arithmetic)}" if b.arithmetic else ""
        return f"{head}: {' and '.join(parts)}{tail}."
