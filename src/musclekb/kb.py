"""The read-only knowledge base: typed entities by id and by label, plus the graph itself."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate

from musclekb import model as m
from musclekb.errors import KnowledgeInvalidError, LookupFailedError
from musclekb.report import Violation

if TYPE_CHECKING:
    import networkx as nx

    from musclekb.search import SearchIndex

__all__ = ["KnowledgeBase", "KnowledgeInfo"]

E = TypeVar("E", bound=m.Entity)

PUBLIC_KINDS = (
    "muscle", "pair", "test", "sign", "measure", "imbalance", "cause", "exercise", "rule", "source",
)  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True)
class KnowledgeInfo:
    """Where the knowledge base came from and what it holds."""

    version: str
    content_hash: str
    directory: str
    files: tuple[str, ...]
    triples: int
    load_seconds: float
    validated: bool


class KnowledgeBase:
    """A loaded, validated knowledge base. Read-only: nothing in it can be changed."""

    def __init__(
        self, graph: Graph, entities: dict[str, dict[str, m.Entity]], info: KnowledgeInfo
    ) -> None:
        self._graph = ReadOnlyGraphAggregate([graph])
        self._plain = graph
        self._by_kind: Mapping[str, Mapping[str, m.Entity]] = MappingProxyType(
            {k: MappingProxyType(dict(v)) for k, v in entities.items()}
        )
        self._by_id: dict[str, m.Entity] = {}
        self._labels: dict[str, dict[str, list[str]]] = {}
        for kind, items in entities.items():
            index: dict[str, list[str]] = {}
            for eid, entity in items.items():
                self._by_id.setdefault(eid, entity)
                for name in entity.names:
                    index.setdefault(_norm(name), []).append(eid)
            self._labels[kind] = index
        self.info = info

    # ------------------------------------------------------------------ the graph

    @property
    def graph(self) -> Graph:
        """The whole RDF graph, read-only (adding or removing triples raises)."""
        return self._graph

    @cached_property
    def nx(self) -> nx.MultiDiGraph[str]:
        """A networkx projection: entities as nodes (by id), links between them as edges."""
        from musclekb.projection import project

        return project(self)

    @cached_property
    def search_index(self) -> SearchIndex:
        """Every entity's names indexed for forgiving search (case, word order, plurals, typos,
        synonyms), built at first use; it also finds the closest ids to an unknown one."""
        from musclekb.search import SearchIndex

        return SearchIndex.build(self)

    # ------------------------------------------------------------------ typed access

    def kinds(self) -> tuple[str, ...]:
        return tuple(self._by_kind)

    def all(self, kind: str) -> Mapping[str, m.Entity]:
        """Every entity of ``kind`` by id (a read-only mapping)."""
        if kind not in self._by_kind:
            raise LookupFailedError("kind", kind, difflib.get_close_matches(kind, self._by_kind))
        return self._by_kind[kind]

    def _typed(self, kind: str, _cls: type[E]) -> Mapping[str, E]:
        return cast(Mapping[str, E], self.all(kind))

    @cached_property
    def muscles(self) -> Mapping[str, m.Muscle]:
        return self._typed("muscle", m.Muscle)

    @cached_property
    def states(self) -> Mapping[str, m.MuscleState]:
        return self._typed("state", m.MuscleState)

    @cached_property
    def pairs(self) -> Mapping[str, m.Pair]:
        return self._typed("pair", m.Pair)

    @cached_property
    def tests(self) -> Mapping[str, m.Test]:
        return self._typed("test", m.Test)

    @cached_property
    def signs(self) -> Mapping[str, m.Sign]:
        return self._typed("sign", m.Sign)

    @cached_property
    def measures(self) -> Mapping[str, m.Measure]:
        return self._typed("measure", m.Measure)

    @cached_property
    def imbalances(self) -> Mapping[str, m.Imbalance]:
        return self._typed("imbalance", m.Imbalance)

    @cached_property
    def causes(self) -> Mapping[str, m.Cause]:
        return self._typed("cause", m.Cause)

    @cached_property
    def exercises(self) -> Mapping[str, m.Exercise]:
        return self._typed("exercise", m.Exercise)

    @cached_property
    def rules(self) -> Mapping[str, m.Rule]:
        return self._typed("rule", m.Rule)

    @cached_property
    def sources(self) -> Mapping[str, m.Source]:
        return self._typed("source", m.Source)

    @cached_property
    def phases(self) -> Mapping[str, m.Phase]:
        return self._typed("phase", m.Phase)

    @cached_property
    def exercise_kinds(self) -> Mapping[str, m.ExerciseKind]:
        return self._typed("exercise-kind", m.ExerciseKind)

    @cached_property
    def load_modes(self) -> Mapping[str, m.LoadMode]:
        return self._typed("load-mode", m.LoadMode)

    @cached_property
    def levels(self) -> Mapping[str, m.Level]:
        return self._typed("level", m.Level)

    @cached_property
    def contraindications(self) -> Mapping[str, m.Contraindication]:
        return self._typed("contraindication", m.Contraindication)

    @cached_property
    def roles(self) -> Mapping[str, m.Role]:
        return self._typed("role", m.Role)

    @cached_property
    def advisories(self) -> Mapping[str, m.Advisory]:
        return self._typed("advisory", m.Advisory)

    @cached_property
    def advisories_in_order(self) -> tuple[m.Advisory, ...]:
        """The advisories in the order they are shown: referrals first, then by
        ``mk:displayOrder`` (``checks/advisory-order-violation.rq`` keeps the two in agreement;
        on a knowledge base loaded unchecked, one without an order comes after those with one,
        and ties go by code)."""
        return tuple(
            sorted(
                self.advisories.values(),
                key=lambda a: (not a.referral, a.display_order is None, a.display_order, a.code),
            )
        )

    @cached_property
    def principles(self) -> Mapping[str, m.Principle]:
        return self._typed("principle", m.Principle)

    @cached_property
    def report_threshold(self) -> float:
        """The certainty at or below which a conclusion counts as unknown, given by one principle
        (``mk:reportThreshold``); an assessment request may set its own."""
        given = [p for p in self.principles.values() if p.report_threshold is not None]
        if len(given) != 1 or not 0 <= cast(float, given[0].report_threshold) < 1:
            raise KnowledgeInvalidError(
                [
                    Violation(
                        "principles.ttl",
                        ", ".join(p.id for p in given) or "mk:reportThreshold",
                        "mk:reportThreshold",
                        "the reasoner reads one report threshold, from 0 up to but not including "
                        f"1, and the knowledge base gives {len(given)} "
                        f"({', '.join(f'{p.report_threshold:g}' for p in given) or 'none'})",
                        "report-threshold",
                    )
                ]
            )
        return cast(float, given[0].report_threshold)

    @cached_property
    def plan_weights(self) -> Mapping[str, m.PlanWeight]:
        return self._typed("plan-weight", m.PlanWeight)

    @cached_property
    def certainty_wordings(self) -> Mapping[str, m.CertaintyWording]:
        return self._typed("certainty-wording", m.CertaintyWording)

    @cached_property
    def certainty_words(self) -> tuple[tuple[float, bool, str], ...]:
        """The words explanations use for certainty factors (``mk:CertaintyWording``): (bound,
        whether the bound itself is included, words), highest bound first; at the same bound, the
        wording above it comes before the one from it, which then holds for the bound alone. The
        last starts at -1, so every certainty has words."""
        wordings = self.certainty_wordings.values()
        problems = [
            (
                w.id,
                "this certainty wording needs one bound: mk:certaintyAtLeast or mk:certaintyAbove",
            )
            for w in wordings
            if (w.at_least is None) == (w.above is None)
        ]
        if not any(w.at_least is not None and w.at_least <= -1 for w in wordings):
            problems.append(
                (
                    "mk:CertaintyWording",
                    "no certainty wording starts at -1 (mk:certaintyAtLeast -1.0)",
                )
            )
        if problems:
            raise KnowledgeInvalidError(
                [
                    Violation(
                        "explaining.ttl",
                        entity,
                        "mk:CertaintyWording",
                        message,
                        "certainty-wording",
                    )
                    for entity, message in problems
                ]
            )
        words = [
            (w.at_least, True, w.label)
            if w.at_least is not None
            else (cast(float, w.above), False, w.label)
            for w in wordings
        ]
        return tuple(sorted(words, key=lambda x: (-x[0], x[1])))

    @cached_property
    def regions(self) -> Mapping[str, m.Region]:
        return self._typed("region", m.Region)

    @cached_property
    def actions(self) -> Mapping[str, m.JointAction]:
        return self._typed("action", m.JointAction)

    def entity(self, entity_id: str) -> m.Entity:
        """The entity with this id, whatever its kind."""
        try:
            return self._by_id[entity_id]
        except KeyError:
            close = difflib.get_close_matches(entity_id, self._by_id, n=3)
            raise LookupFailedError("entity", entity_id, close) from None

    def get(self, kind: str, key: str) -> m.Entity:
        """The entity of ``kind`` whose id, label or synonym is ``key`` (case and hyphens ignored)."""
        items = self.all(kind)
        found = self.resolve(kind, key)
        if found is not None:
            return items[found]
        candidates = list(items) + [e.label for e in items.values()]
        raise LookupFailedError(kind, key, difflib.get_close_matches(key, candidates, n=3))

    def resolve(self, kind: str, key: str) -> str | None:
        """The id of the entity of ``kind`` whose id, label or synonym is ``key`` (case and
        hyphens ignored), or None: what :meth:`get` looks up, without raising."""
        if key in self.all(kind):
            return key
        found = self._labels[kind].get(_norm(key))
        return found[0] if found else None

    def named(self, kind: str, text: str) -> list[str]:
        """The ids of the entities of ``kind`` one of whose names is ``text`` (case and hyphens
        ignored); :meth:`find_label` looks through every kind."""
        return list(self._labels[kind].get(_norm(text), ()))

    def find_label(self, text: str) -> list[m.Entity]:
        """Every entity, of any kind, one of whose names is ``text`` (case and hyphens ignored)."""
        key = _norm(text)
        return [
            self._by_kind[k][eid] for k, index in self._labels.items() for eid in index.get(key, [])
        ]

    # ------------------------------------------------------------------ derived relations

    @cached_property
    def members(self) -> Mapping[str, tuple[str, ...]]:
        """Muscle (group) id -> every muscle inside it through mk:inGroup / mk:partOf, transitively."""
        direct: dict[str, set[str]] = {}
        for muscle in self.muscles.values():
            for parent in (*muscle.groups, *muscle.part_of):
                direct.setdefault(parent, set()).add(muscle.id)
        closed: dict[str, tuple[str, ...]] = {}
        for mid in self.muscles:
            seen: set[str] = set()
            stack = list(direct.get(mid, ()))
            while stack:
                child = stack.pop()
                if child not in seen:
                    seen.add(child)
                    stack.extend(direct.get(child, ()))
            closed[mid] = tuple(sorted(seen))
        return MappingProxyType(closed)

    @cached_property
    def addressing(self) -> Mapping[str, tuple[tuple[str, str, str], ...]]:
        """State id -> (exercise, muscle it names, role) for every exercise that addresses it."""
        from musclekb.addressing import build_addressing

        return MappingProxyType(build_addressing(self))

    def antagonists_of(self, muscle_id: str) -> tuple[str, ...]:
        """Muscles that an antagonistic pair opposes to ``muscle_id`` (symmetric by construction)."""
        out = set()
        for pair in self.pairs.values():
            if pair.pair_kind != "antagonistic":
                continue
            if pair.first == muscle_id:
                out.add(pair.second)
            elif pair.second == muscle_id:
                out.add(pair.first)
        return tuple(sorted(out))

    def stats(self) -> dict[str, int]:
        """How many entities of each kind (and of each rule type)."""
        counts = {kind: len(items) for kind, items in self._by_kind.items()}
        for rule in self.rules.values():
            key = f"rule:{rule.rule_type}"
            counts[key] = counts.get(key, 0) + 1
        counts["triples"] = self.info.triples
        return counts

    def describe(self) -> dict[str, Any]:
        """Version, content hash, counts and load time, as for ``/v1/kb``."""
        return {
            "version": self.info.version,
            "content_hash": self.info.content_hash,
            "files": list(self.info.files),
            "load_seconds": round(self.info.load_seconds, 4),
            "validated": self.info.validated,
            "counts": self.stats(),
        }

    def __repr__(self) -> str:
        return f"<KnowledgeBase {self.info.content_hash[:12]} {self.info.triples} triples>"
