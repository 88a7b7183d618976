"""Run the knowledge base's shapes with pySHACL, reporting in the same form as :mod:`musclekb.shacl`."""

from __future__ import annotations

from typing import cast

from rdflib import RDF, Graph
from rdflib.namespace import SH

from musclekb.shacl import ShapeResult

__all__ = ["validate_with_pyshacl"]


def validate_with_pyshacl(data: Graph, shapes: Graph) -> list[ShapeResult]:
    """Validate ``data`` against ``shapes`` with pySHACL (no inference) and return its results."""
    import pyshacl

    copy = Graph()  # pySHACL needs a context-aware store; musclekb keeps a plain one
    copy += data
    _conforms, results, _text = pyshacl.validate(
        copy, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    graph = cast(Graph, results)
    out: set[ShapeResult] = set()
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        value = graph.value(result, SH.value)
        out.add(
            ShapeResult(
                str(graph.value(result, SH.focusNode)),
                str(graph.value(result, SH.resultPath)),
                str(graph.value(result, SH.sourceConstraintComponent)),
                str(value) if value is not None else "",
            )
        )
    return sorted(out)
