"""Generate ``musclekb/vocab.py`` from the ontology in ``knowledge/schema.ttl``.

Run ``musclekb vocab`` after editing the schema; a test checks that regenerating gives no diff.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

__all__ = ["KB_NS", "MK_NS", "render_vocab", "vocab_module_path"]

MK_NS = "https://w3id.org/musclekb/ontology#"
KB_NS = "https://w3id.org/musclekb/id/"

_HEADER = '''"""The musclekb ontology as code. GENERATED from knowledge/schema.ttl by `musclekb vocab`.

Do not edit by hand: edit the schema and regenerate. ``MK`` fails on unknown terms, so a typo in
code is an error at import time, not a silent new IRI.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["KB", "MK"]

KB = Namespace("{kb}")
"""Namespace of the knowledge base's individuals: ``KB["gluteus-medius"]``."""


class MK(DefinedNamespace):
    """Classes, properties and fixed individuals of the musclekb ontology."""

    _NS = Namespace("{mk}")
    _fail = True

'''


_PLURAL = {"class": "classes", "property": "properties", "individual": "individuals"}


def _kind(graph: Graph, term: URIRef) -> str:
    types = set(graph.objects(term, RDF.type))
    if OWL.Class in types:
        return "class"
    if types & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}:
        return "property"
    return "individual"


def render_vocab(schema: Path) -> str:
    """Return the source of the vocabulary module for the schema file ``schema``."""
    graph = Graph()
    graph.parse(schema, format="turtle")
    terms: dict[str, tuple[str, str]] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and str(subject).startswith(MK_NS):
            name = str(subject)[len(MK_NS) :]
            if not name:
                continue
            label = graph.value(subject, RDFS.label) or graph.value(subject, SKOS.prefLabel) or ""
            terms[name] = (_kind(graph, subject), str(label))
    order = {"class": 0, "property": 1, "individual": 2}
    body: list[str] = []
    current = ""
    for name, (kind, label) in sorted(terms.items(), key=lambda kv: (order[kv[1][0]], kv[0])):
        if kind != current:
            body.append(f"    # {_PLURAL[kind]}")
            current = kind
        comment = f"  # {label}" if label else ""
        body.append(f"    {name}: URIRef{comment}")
    return _HEADER.format(kb=KB_NS, mk=MK_NS) + "\n".join(body) + "\n"


def vocab_module_path() -> Path:
    """Where the generated module lives in a checkout."""
    return Path(__file__).with_name("vocab.py")
