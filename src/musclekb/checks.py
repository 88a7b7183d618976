"""Knowledge checks written as SPARQL: each ``*-violation.rq`` file returns rows only when something is wrong.

A check file starts with comment lines that describe it::

    # title: measure rule thresholds
    # message: measure rule needs exactly one threshold, it has {count}

Each row must bind ``?entity``; it may bind ``?property`` and any variable the message names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.query import ResultRow

from musclekb.errors import KnowledgeError
from musclekb.report import Violation

__all__ = ["Check", "load_checks", "run_checks", "run_checks_rdflib"]

_HEADER = re.compile(r"^#\s*(\w+):\s*(.*)$")
PREFIXES = """
PREFIX mk: <https://w3id.org/musclekb/ontology#>
PREFIX kb: <https://w3id.org/musclekb/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    message: str
    query: str


def load_checks(directory: Path) -> list[Check]:
    """Read every ``*-violation.rq`` file of ``directory``."""
    checks = []
    for path in sorted(directory.glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {}
        for line in text.splitlines():
            match = _HEADER.match(line)
            if match:
                meta[match.group(1)] = match.group(2).strip()
        if "message" not in meta:
            raise KnowledgeError(f"check {path.name} has no '# message: ...' line")
        name = path.name.removesuffix("-violation.rq")
        checks.append(Check(name, meta.get("title", name), meta["message"], PREFIXES + text))
    return checks


def _short(term: object, namespaces: dict[str, str]) -> str:
    text = str(term)
    for prefix, ns in namespaces.items():
        if text.startswith(ns):
            return text[len(ns) :] if prefix == "kb" else f"{prefix}:{text[len(ns) :]}"
    return text


_NAMESPACES = {
    "kb": "https://w3id.org/musclekb/id/",
    "mk": "https://w3id.org/musclekb/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}


def _violation(check: Check, row: dict[str, str], defined_in: dict[URIRef, str]) -> Violation:
    entity = row.get("entity", "")
    values = {k: _short(v, _NAMESPACES) for k, v in row.items()}
    return Violation(
        defined_in.get(URIRef(entity), "?"),
        values.get("entity", "?"),
        values.get("property", ""),
        check.message.format_map(_Default(values)),
        check.name,
    )


def run_checks(
    store: ox.Store, checks: list[Check], defined_in: dict[URIRef, str]
) -> list[Violation]:
    """Run every check over the Oxigraph ``store`` and turn its rows into violations."""
    out: list[Violation] = []
    for check in checks:
        solutions = store.query(check.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            out.append(_violation(check, row, defined_in))
    return out


def run_checks_rdflib(
    graph: Graph, checks: list[Check], defined_in: dict[URIRef, str]
) -> list[Violation]:
    """The same checks evaluated by rdflib's SPARQL engine (slower; used to cross-check)."""
    out: list[Violation] = []
    for check in checks:
        for result in graph.query(check.query):
            assert isinstance(result, ResultRow)
            row = {k: str(v) for k, v in result.asdict().items()}
            out.append(_violation(check, row, defined_in))
    return out


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
