"""A networkx projection of the knowledge graph: entities as nodes, their links as labelled edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS

from musclekb.build import local_id

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase

__all__ = ["distances", "edges_among", "neighbourhood", "project"]

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


def distances(
    graph: nx.MultiDiGraph[str], node: str, depth: int = 1, skip: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Every node within ``depth`` links of ``node``, in either direction, with its distance;
    ``skip`` names relations not to follow (for example ``{"source"}``, which links almost
    everything)."""
    seen = {node: 0}
    frontier = [node]
    for distance in range(1, depth + 1):
        nxt: list[str] = []
        for n in frontier:
            for _, v, rel in graph.out_edges(n, keys=True):
                if rel not in skip and v not in seen:
                    seen[v] = distance
                    nxt.append(v)
            for u, _, rel in graph.in_edges(n, keys=True):
                if rel not in skip and u not in seen:
                    seen[u] = distance
                    nxt.append(u)
        frontier = nxt
    return seen


def edges_among(
    graph: nx.MultiDiGraph[str], nodes: set[str], skip: frozenset[str] = frozenset()
) -> list[tuple[str, str, str]]:
    """The links between ``nodes`` as (source, target, relation), sorted."""
    return sorted(
        (u, v, rel)
        for u in nodes
        for _, v, rel in graph.out_edges(u, keys=True)
        if v in nodes and rel not in skip
    )


def neighbourhood(
    graph: nx.MultiDiGraph[str], node: str, depth: int = 1, skip: frozenset[str] = frozenset()
) -> nx.MultiDiGraph[str]:
    """The subgraph within ``depth`` links of ``node`` in either direction, without the
    relations in ``skip``."""
    nodes = set(distances(graph, node, depth, skip))
    sub: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    sub.add_nodes_from((n, graph.nodes[n]) for n in nodes)
    for u, v, rel in edges_among(graph, nodes, skip):
        sub.add_edge(u, v, key=rel, relation=rel)
    return sub
