"""Fast Turtle parsing with Oxigraph, turned into rdflib terms.

rdflib holds the graph; Oxigraph's Rust parser reads the files (an order of magnitude faster than
rdflib's own Turtle parser, with line and column in its errors) and keeps a SPARQL store of the same
triples for the knowledge checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["OxTerm", "add_to_graph", "parse_turtle", "to_rdflib"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def parse_turtle(text: str, base_iri: str) -> list[ox.Quad]:
    """Parse Turtle ``text``; raises ``SyntaxError`` (with ``lineno``) when it does not parse."""
    return list(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base_iri))


def to_rdflib(term: OxTerm, cache: dict[str, Node]) -> Node:
    """The rdflib term for an Oxigraph term (IRIs and blank nodes are interned in ``cache``)."""
    if isinstance(term, ox.NamedNode):
        value = term.value
        node = cache.get(value)
        if node is None:
            node = cache[value] = URIRef(value)
        return node
    if isinstance(term, ox.BlankNode):
        key = "_:" + term.value
        node = cache.get(key)
        if node is None:
            node = cache[key] = BNode(term.value)
        return node
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            return Literal(term.value)
        key = f"{datatype} {term.value}"
        node = cache.get(key)
        if node is None:
            node = cache[key] = Literal(term.value, datatype=URIRef(datatype))
        return node
    raise TypeError(f"unsupported RDF term {term!r}")


def _triples(quads: Iterable[ox.Quad], cache: dict[str, Node]) -> Iterator[tuple[Node, Node, Node]]:
    for q in quads:
        yield to_rdflib(q.subject, cache), to_rdflib(q.predicate, cache), to_rdflib(q.object, cache)


def add_to_graph(graph: Graph, quads: Iterable[ox.Quad], cache: dict[str, Node]) -> None:
    """Add ``quads`` (default graph) to the rdflib ``graph``."""
    graph.addN((s, p, o, graph) for s, p, o in _triples(quads, cache))
