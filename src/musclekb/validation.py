"""Validate a knowledge directory: parse every file, evaluate the shapes, run the checks.

All problems are collected and reported together, each in plain words with the file, the entity,
the property and what to do about it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from musclekb.checks import load_checks, run_checks
from musclekb.report import ValidationReport, Violation
from musclekb.shacl import ShapeResult, compile_shapes
from musclekb.sources import ParsedKnowledge, default_knowledge_dir, parse_knowledge

__all__ = [
    "Engine",
    "describe_results",
    "load_shapes",
    "support_dir",
    "validate",
    "validate_parsed",
]

Engine = TypingLiteral["fast", "pyshacl"]

_PREFIXES = {
    "https://w3id.org/musclekb/ontology#": "mk:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}
_KB = "https://w3id.org/musclekb/id/"


def support_dir(directory: Path, name: str) -> Path:
    """``directory/name`` if the knowledge directory has its own, else the shipped one."""
    own = directory / name
    return own if own.is_dir() else default_knowledge_dir() / name


def load_shapes(directory: Path) -> Graph:
    shapes = Graph()
    for path in sorted(support_dir(directory, "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def _curie(term: str) -> str:
    if term.startswith(_KB):
        return term[len(_KB) :]
    for ns, prefix in _PREFIXES.items():
        if term.startswith(ns):
            return prefix + term[len(ns) :]
    return term


def _kind_label(graph: Graph, cls: URIRef) -> str:
    label = graph.value(cls, RDFS.label)
    return str(label) if label is not None else _curie(str(cls))


def _kind_of(graph: Graph, node: URIRef) -> str:
    types = [t for t in graph.objects(node, RDF.type) if isinstance(t, URIRef)]
    return ", ".join(sorted(_kind_label(graph, t) for t in types)) if types else ""


def _message(graph: Graph, shapes: Graph, result: ShapeResult) -> str:
    prop, component = _curie(result.path), result.component.rsplit("#", 1)[-1]
    value = URIRef(result.value) if result.value.startswith("http") else None
    shown = _curie(result.value)
    definition = graph.value(URIRef(result.path), SKOS.definition)
    hint = f" ({definition})" if definition is not None else ""
    constraint = _constraint_value(shapes, result)
    if component == "MinCountConstraintComponent":
        if prop == "skos:prefLabel":
            return 'has no label: add exactly one skos:prefLabel "..."@en'
        if prop == "dcterms:source":
            return "cites no source: add dcterms:source with a source id (a seed article or a clinical reference)"
        return f"is missing {prop}{hint}"
    if component == "MaxCountConstraintComponent":
        count = len(list(graph.objects(URIRef(result.focus), URIRef(result.path))))
        extra = " (is the id defined twice?)" if prop == "skos:prefLabel" else ""
        return f"has {count} values for {prop} but at most {constraint} is allowed{extra}"
    if component == "ClassConstraintComponent":
        expected = _kind_label(graph, URIRef(constraint)) if constraint else "entity"
        actual = _kind_of(graph, value) if value is not None else ""
        if not actual:
            return (
                f"{prop} names {shown!r}, which is not defined in any knowledge file "
                f"(expected a {expected}); fix the id or define it"
            )
        return f"{prop} names {shown!r}, which is a {actual}, not a {expected}"
    if component == "DatatypeConstraintComponent":
        return f"{prop} value {shown!r} has the wrong type: expected {_curie(constraint)}"
    if component == "InConstraintComponent":
        return f"{prop} value {shown!r} is not allowed here{hint}"
    if component == "MinInclusiveConstraintComponent":
        return f"{prop} is {shown}, below the minimum {constraint}{hint}"
    if component == "MaxInclusiveConstraintComponent":
        return f"{prop} is {shown}, above the maximum {constraint}{hint}"
    if component == "PatternConstraintComponent":
        return f"{prop} value {shown!r} does not have the expected form {constraint}"
    if component == "LanguageInConstraintComponent":
        return f'{prop} value {shown!r} must be tagged as English: "..."@en'
    return f"{prop}: {component} failed for {shown!r}"


_COMPONENT_PARAM = {
    "MaxCountConstraintComponent": SH.maxCount,
    "ClassConstraintComponent": SH["class"],
    "DatatypeConstraintComponent": SH.datatype,
    "MinInclusiveConstraintComponent": SH.minInclusive,
    "MaxInclusiveConstraintComponent": SH.maxInclusive,
    "PatternConstraintComponent": SH.pattern,
}


def _constraint_value(shapes: Graph, result: ShapeResult) -> str:
    param = _COMPONENT_PARAM.get(result.component.rsplit("#", 1)[-1])
    if param is None:
        return ""
    focus_types = None
    for shape in shapes.subjects(SH.path, URIRef(result.path)):
        found = shapes.value(shape, param)
        if found is not None:
            focus_types = found
            break
    if isinstance(focus_types, Literal):
        return str(focus_types)
    return str(focus_types) if focus_types is not None else ""


def describe_results(
    parsed: ParsedKnowledge, shapes: Graph, results: list[ShapeResult]
) -> list[Violation]:
    """Turn shape results into plain-word violations."""
    out = []
    for result in results:
        focus = URIRef(result.focus)
        out.append(
            Violation(
                parsed.where(focus),
                _curie(result.focus),
                _curie(result.path),
                _message(parsed.graph, shapes, result),
                "shape",
            )
        )
    return out


def validate_parsed(parsed: ParsedKnowledge, engine: Engine = "fast") -> list[Violation]:
    """Shapes and checks over already-parsed knowledge (no parse problems)."""
    shapes = load_shapes(parsed.directory)
    if engine == "pyshacl":
        from musclekb.shacl_pyshacl import validate_with_pyshacl

        results = validate_with_pyshacl(parsed.graph, shapes)
    else:
        results = compile_shapes(shapes).validate(parsed.graph)
    violations = list(parsed.violations)
    violations += describe_results(parsed, shapes, results)
    violations += run_checks(
        parsed.store, load_checks(support_dir(parsed.directory, "checks")), parsed.defined_in
    )
    return sorted(set(violations))


def validate(directory: Path | str | None = None, engine: Engine = "fast") -> ValidationReport:
    """Validate the knowledge directory (the shipped one by default) and report every problem."""
    start = time.perf_counter()
    path = Path(directory) if directory is not None else default_knowledge_dir()
    parsed = parse_knowledge(path)
    names = tuple(p.name for p in parsed.files)
    if parsed.problems:
        return ValidationReport(
            names, tuple(sorted(parsed.problems)), (), 0, time.perf_counter() - start
        )
    violations = validate_parsed(parsed, engine)
    return ValidationReport(
        names, (), tuple(violations), len(parsed.graph), time.perf_counter() - start
    )
