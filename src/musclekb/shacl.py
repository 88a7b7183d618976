"""A small, fast evaluator for the SHACL Core subset that the knowledge base's shapes use.

It reads the shapes graph (node shapes with ``sh:targetClass`` and property shapes with an IRI
``sh:path``) and reports one :class:`ShapeResult` per failed constraint, the same results pySHACL
reports for these shapes (a test checks that they agree). A shape that uses anything outside the
subset is refused with a clear error rather than silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from musclekb.errors import KnowledgeError

__all__ = ["PropertyShape", "ShapeResult", "Shapes", "compile_shapes"]

_SUPPORTED = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.pattern,
    SH.languageIn,
    SH.nodeKind,
    SH.message,
    SH.description,
    SH.name,
    RDF.type,
}


@dataclass(frozen=True, order=True)
class ShapeResult:
    """One failed constraint: focus node, path, SHACL constraint component, offending value."""

    focus: str
    path: str
    component: str
    value: str = ""


@dataclass(frozen=True)
class PropertyShape:
    path: URIRef
    min_count: int | None = None
    max_count: int | None = None
    cls: URIRef | None = None
    datatype: URIRef | None = None
    allowed: frozenset[Node] | None = None
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    pattern: re.Pattern[str] | None = None
    languages: frozenset[str] | None = None
    message: str | None = None


@dataclass(frozen=True)
class Shapes:
    """Compiled shapes: target class -> property shapes."""

    by_class: dict[URIRef, tuple[PropertyShape, ...]]

    def validate(self, data: Graph) -> list[ShapeResult]:
        return sorted(set(_validate(self, data)))


def _number(node: Node) -> Decimal | None:
    if isinstance(node, Literal) and not isinstance(node.value, bool):
        try:
            return Decimal(str(node))
        except InvalidOperation:
            return None
    return None


def _compile_property(shapes: Graph, node: Node) -> PropertyShape:
    unknown = {p for p in shapes.predicates(node) if p not in _SUPPORTED}
    if unknown:
        raise KnowledgeError(
            f"shape property {', '.join(sorted(str(u) for u in unknown))} is not supported by "
            "musclekb's SHACL evaluator; use the supported SHACL Core constraints"
        )
    path = shapes.value(node, SH.path)
    if not isinstance(path, URIRef):
        raise KnowledgeError(f"property shape {node} needs an IRI sh:path")

    def value(prop: URIRef) -> Node | None:
        return shapes.value(node, prop)

    in_list = value(SH["in"])
    lang_list = value(SH.languageIn)
    pattern = value(SH.pattern)
    min_count, max_count = value(SH.minCount), value(SH.maxCount)
    message = value(SH.message)
    # compared with None: a bound of 0 is a Literal that is false in a boolean test
    min_inclusive, max_inclusive = value(SH.minInclusive), value(SH.maxInclusive)
    return PropertyShape(
        path=path,
        min_count=int(min_count) if isinstance(min_count, Literal) else None,
        max_count=int(max_count) if isinstance(max_count, Literal) else None,
        cls=value(SH["class"]) if isinstance(value(SH["class"]), URIRef) else None,  # type: ignore[arg-type]
        datatype=value(SH.datatype) if isinstance(value(SH.datatype), URIRef) else None,  # type: ignore[arg-type]
        allowed=frozenset(Collection(shapes, in_list)) if in_list is not None else None,
        min_inclusive=_number(min_inclusive) if min_inclusive is not None else None,
        max_inclusive=_number(max_inclusive) if max_inclusive is not None else None,
        pattern=re.compile(str(pattern)) if pattern is not None else None,
        languages=(
            frozenset(str(x) for x in Collection(shapes, lang_list))
            if lang_list is not None
            else None
        ),
        message=str(message) if message is not None else None,
    )


def compile_shapes(shapes: Graph) -> Shapes:
    """Compile a shapes graph into :class:`Shapes`."""
    by_class: dict[URIRef, list[PropertyShape]] = {}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        props = tuple(_compile_property(shapes, p) for p in shapes.objects(shape, SH.property))
        for target in shapes.objects(shape, SH.targetClass):
            if isinstance(target, URIRef):
                by_class.setdefault(target, []).extend(props)
    return Shapes({cls: tuple(props) for cls, props in by_class.items()})


def _instances(data: Graph, cls: URIRef) -> set[Node]:
    classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
    out: set[Node] = set()
    for c in classes:
        out.update(data.subjects(RDF.type, c))
    return out


def _has_class(data: Graph, node: Node, cls: URIRef, cache: dict[Any, bool]) -> bool:
    key = (node, cls)
    if key not in cache:
        types = set(data.objects(node, RDF.type))
        supers: set[Node] = set()
        for t in types:
            supers.update(x for x in data.transitive_objects(t, RDFS.subClassOf) if x is not None)
        cache[key] = cls in supers
    return cache[key]


def _datatype_ok(node: Node, datatype: URIRef) -> bool:
    if not isinstance(node, Literal):
        return False
    if datatype == RDF.langString:
        return node.language is not None
    if datatype == XSD.string:
        return node.datatype in (None, XSD.string) and node.language is None
    return node.datatype == datatype and node.ill_typed is not True


def _check(
    data: Graph, focus: Node, ps: PropertyShape, cache: dict[Any, bool]
) -> Iterator[ShapeResult]:
    values = list(data.objects(focus, ps.path))
    f, p = str(focus), str(ps.path)
    if ps.min_count is not None and len(values) < ps.min_count:
        yield ShapeResult(f, p, str(SH.MinCountConstraintComponent))
    if ps.max_count is not None and len(values) > ps.max_count:
        yield ShapeResult(f, p, str(SH.MaxCountConstraintComponent))
    for v in values:
        if ps.cls is not None and not _has_class(data, v, ps.cls, cache):
            yield ShapeResult(f, p, str(SH.ClassConstraintComponent), str(v))
        if ps.datatype is not None and not _datatype_ok(v, ps.datatype):
            yield ShapeResult(f, p, str(SH.DatatypeConstraintComponent), str(v))
        if ps.allowed is not None and v not in ps.allowed:
            yield ShapeResult(f, p, str(SH.InConstraintComponent), str(v))
        if ps.min_inclusive is not None or ps.max_inclusive is not None:
            number = _number(v)
            if ps.min_inclusive is not None and (number is None or number < ps.min_inclusive):
                yield ShapeResult(f, p, str(SH.MinInclusiveConstraintComponent), str(v))
            if ps.max_inclusive is not None and (number is None or number > ps.max_inclusive):
                yield ShapeResult(f, p, str(SH.MaxInclusiveConstraintComponent), str(v))
        if ps.pattern is not None and (
            not isinstance(v, (Literal, URIRef)) or not ps.pattern.search(str(v))
        ):
            yield ShapeResult(f, p, str(SH.PatternConstraintComponent), str(v))
        if ps.languages is not None and (
            not isinstance(v, Literal) or (v.language or "") not in ps.languages
        ):
            yield ShapeResult(f, p, str(SH.LanguageInConstraintComponent), str(v))


def _validate(shapes: Shapes, data: Graph) -> Iterator[ShapeResult]:
    cache: dict[Any, bool] = {}
    for cls, props in shapes.by_class.items():
        for focus in _instances(data, cls):
            for ps in props:
                yield from _check(data, focus, ps, cache)
