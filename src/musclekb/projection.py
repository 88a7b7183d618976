"""A networkx projection of the knowledge graph: entities as nodes, their links as labelled edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS

from musclekb.build import local_id

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase

__all__ = ["neighbourhood", "project"]

_MK = "https://w3id.org/musclekb/ontology#"
_KB = "https://w3id.org/musclekb/id/"


def project(kb: KnowledgeBase) -> nx.MultiDiGraph[str]:
    """Every entity becomes a node (``kind``, ``label``); every link between two entities an edge
    whose ``relation`` is the property's local name (``ifSign``, ``inGroup``, ``source``...)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for kind in kb.kinds():
        for eid, entity in kb.all(kind).items():
            graph.add_node(eid, kind=kind, label=entity.label, iri=entity.iri)
    for s, p, o in kb.graph:
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or p == RDF.type:
            continue
        if not (str(s).startswith(_KB) and str(o).startswith(_KB)):
            continue
        relation = "source" if p == DCTERMS.source else str(p).removeprefix(_MK)
        graph.add_edge(local_id(s), local_id(o), key=relation, relation=relation)
    return graph


def neighbourhood(
    graph: nx.MultiDiGraph[str], node: str, depth: int = 1, skip: frozenset[str] = frozenset()
) -> nx.MultiDiGraph[str]:
    """The subgraph within ``depth`` links of ``node`` in either direction; ``skip`` names
    relations not to follow (for example ``{"source"}``, which links almost everything)."""
    seen = {node}
    frontier = {node}
    for _ in range(depth):
        nxt: set[str] = set()
        for n in frontier:
            for _, v, rel in graph.out_edges(n, keys=True):
                if rel not in skip:
                    nxt.add(v)
            for u, _, rel in graph.in_edges(n, keys=True):
                if rel not in skip:
                    nxt.add(u)
        frontier = nxt - seen
        seen |= nxt
    sub = graph.subgraph(seen).copy()
    if skip:
        sub.remove_edges_from([(u, v, k) for u, v, k in sub.edges(keys=True) if k in skip])
    return sub
