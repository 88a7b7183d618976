"""Synthetic knowledge bases, ``factor`` times the shipped one, for the scaling benchmarks.

Every muscle, state, pair, test, sign, measure, imbalance, cause, exercise and rule is copied
``factor - 1`` times under new ids (``<id>--x<k>``), with its references pointing into its own
copy; vocabularies (phases, levels, equipment, sources...) stay shared. Each copy is as dense as
the original, so the benchmark shows how the cost of an assessment grows with the number of
rules and exercises, not with the size of one assessment, provided the findings of one request
come from one copy, as the findings of one person come from one body (``copy_id``). The copies live only as typed entities
(no RDF graph): the reasoner reads nothing else.
"""

from __future__ import annotations

import dataclasses

from rdflib import Graph

import musclekb
from musclekb import model as m

CLONED = (
    "muscle", "state", "pair", "test", "sign", "measure", "imbalance", "cause", "exercise", "rule",
)  # fmt: skip
TEXT_FIELDS = {"id", "iri", "kind", "label", "synonyms", "definition"}


def _clone(entity: m.Entity, ids: set[str], k: int) -> m.Entity:
    def move(value: object) -> object:
        if isinstance(value, str) and value in ids:
            return copy_id(value, k)
        if isinstance(value, tuple):
            return tuple(move(v) for v in value)
        return value

    changes = {
        f.name: move(getattr(entity, f.name))
        for f in dataclasses.fields(entity)
        if f.name not in TEXT_FIELDS
    }
    new_id = copy_id(entity.id, k)
    return dataclasses.replace(
        entity,
        id=new_id,
        iri=f"{entity.iri}--x{k}",
        label=f"{entity.label} ({k})",
        **changes,
    )


def copy_id(entity_id: str, k: int) -> str:
    """The id of ``entity_id`` in copy ``k`` (copy 0 is the original)."""
    return entity_id if k == 0 else f"{entity_id}--x{k}"


def scaled(kb: musclekb.KnowledgeBase, factor: int) -> musclekb.KnowledgeBase:
    """A knowledge base ``factor`` times as large as ``kb`` (``factor`` 1 returns ``kb``)."""
    if factor == 1:
        return kb
    entities = {kind: dict(kb.all(kind)) for kind in kb.kinds()}
    ids = {eid for kind in CLONED for eid in kb.all(kind)}
    for k in range(1, factor):
        for kind in CLONED:
            for entity in kb.all(kind).values():
                copy = _clone(entity, ids, k)
                entities[kind][copy.id] = copy
    info = dataclasses.replace(kb.info, triples=kb.info.triples * factor)
    return musclekb.KnowledgeBase(Graph(), entities, info)
