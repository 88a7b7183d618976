"""Generate ``musclekb/vocab.py`` from the ontology in ``knowledge/schema.ttl``.

Run ``musclekb vocab`` after editing the schema; a test checks that regenerating gives no diff.
This module imports nothing of the package, so it also runs as a script from a checkout,
``python src/musclekb/vocabgen.py [--check]``: the way to regenerate when code already names a
term that only the new schema has (the package then fails on import, and ``musclekb`` with it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

__all__ = ["KB_NS", "MK_NS", "render_vocab", "sync_vocab", "vocab_module_path"]

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


def sync_vocab(schema: Path, target: Path, *, check: bool = False) -> tuple[bool, str]:
    """Write the vocabulary module for ``schema`` to ``target`` (with ``check``, only compare):
    whether ``target`` was up to date, and a line to show."""
    text = render_vocab(schema)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check:
        if current == text:
            return True, f"{target.name} is up to date"
        return False, f"{target.name} is out of date: run `musclekb vocab`"
    target.write_text(text, encoding="utf-8")
    return current == text, f"wrote {target}"


def _main(argv: list[str]) -> int:
    """As a script: the checkout's schema to the ``vocab.py`` beside this file. Exit codes as
    ``musclekb vocab``: 0 done or up to date, 1 out of date (``--check``), 2 usage."""
    if argv not in ([], ["--check"]):
        print("usage: python src/musclekb/vocabgen.py [--check]", file=sys.stderr)
        return 2
    schema = Path(__file__).resolve().parents[2] / "knowledge" / "schema.ttl"
    try:
        fresh, message = sync_vocab(schema, vocab_module_path(), check=bool(argv))
    except (OSError, SyntaxError) as exc:  # no schema, or Turtle that does not parse
        print(f"cannot read {schema}: {exc}", file=sys.stderr)
        return 2
    print(message)
    return 0 if fresh or not argv else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
