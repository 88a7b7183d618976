"""A child process that evaluates SPARQL queries, so that a runaway query can be killed.

Oxigraph cannot interrupt a query once it has started: an aggregate or an ``ORDER BY`` over a
cross product computes everything before the first row comes back. The service therefore runs
queries here (``python sparql_worker.py MEMORY_MB``, started by ``sparql_pool``) and kills it when a
query runs past its time limit. This module imports nothing but the standard library and
pyoxigraph, so a replacement starts quickly.

Protocol on stdin and stdout; every message is a 4-byte big-endian length, then that many bytes:

1. the parent sends the knowledge graph as N-Triples; the child answers ``ready``;
2. then, for each query, the parent sends JSON ``{"query", "max_rows", "max_bytes", "seconds",
   "rdf_format", "prefixes"}`` and the child answers with two messages: a JSON header (``{"status": "ok",
   "form", "truncated", "rows"}``, or ``{"status": "syntax" | "timeout" | "error", "message"}``)
   and the serialized result (empty unless the status is ``ok``).

Besides the parent's kill, the child arms an alarm of ``seconds + 2`` before each query; the
default action of ``SIGALRM`` ends the process, so it cannot outlive a lost parent for long.
"""

from __future__ import annotations

import json
import signal
import struct
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

import pyoxigraph as ox

__all__ = ["Limits", "evaluate", "term_json"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
_HARD_MARGIN = 2.0


def term_json(term: Any) -> dict[str, Any]:
    """An RDF term as in the SPARQL 1.1 JSON results format (quoted triples as ``triple``)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANGSTRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"unexpected RDF term {term!r}")


class _Timeout(Exception):
    pass


_Row = TypeVar("_Row", bound=Iterable[Any])
_TERM_OVERHEAD = 32  # the JSON or Turtle written around a term's value, about


@dataclass(frozen=True)
class Limits:
    """How much of a result may come back, and until when."""

    max_rows: int
    max_bytes: int
    deadline: float


def _term_size(term: Any) -> int:
    """About how many bytes a term takes once written (a quoted triple: its three terms)."""
    if isinstance(term, ox.Triple):
        return sum(_term_size(t) for t in (term.subject, term.predicate, term.object))
    if isinstance(term, ox.Literal):
        extra = len(term.language or "") + len(term.datatype.value)
        return len(term.value.encode("utf-8")) + extra + _TERM_OVERHEAD
    return len(term.value.encode("utf-8")) + _TERM_OVERHEAD


def _take(rows: Iterable[_Row], limits: Limits) -> tuple[list[_Row], bool]:
    """Rows read lazily, up to ``max_rows`` and until their terms pass about ``max_bytes``;
    whether more were left; _Timeout past the deadline."""
    taken: list[_Row] = []
    size = 0
    for row in rows:
        if time.monotonic() > limits.deadline:
            raise _Timeout
        if len(taken) >= limits.max_rows:
            return taken, True
        size += sum(_term_size(t) for t in row if t is not None)
        if size > limits.max_bytes:
            return taken, True
        taken.append(row)
    return taken, False


def _select(result: ox.QuerySolutions, limits: Limits) -> tuple[bytes, dict[str, Any]]:
    names = [v.value for v in result.variables]
    solutions, truncated = _take(result, limits)
    bindings = [
        {name: term_json(t) for name, t in zip(names, solution, strict=True) if t is not None}
        for solution in solutions
    ]
    body = {"head": {"vars": names}, "results": {"bindings": bindings}}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data, {"form": "select", "truncated": truncated, "rows": len(bindings)}


def _graph(
    result: ox.QueryTriples, limits: Limits, rdf_format: str, prefixes: dict[str, str] | None
) -> tuple[bytes, dict[str, Any]]:
    triples, truncated = _take(result, limits)
    chosen = _RDF_FORMATS.get(rdf_format, ox.RdfFormat.TURTLE)
    if chosen is ox.RdfFormat.TURTLE:
        data = ox.serialize(triples, format=chosen, prefixes=prefixes or {})
    else:
        data = ox.serialize(triples, format=chosen)
    return data or b"", {"form": "graph", "truncated": truncated, "rows": len(triples)}


def evaluate(
    store: ox.Store,
    query: str,
    max_rows: int,
    seconds: float,
    rdf_format: str = "turtle",
    prefixes: dict[str, str] | None = None,
    max_bytes: int = 1 << 62,
) -> tuple[dict[str, Any], bytes]:
    """Run ``query`` with a cap on rows and on their size, and a deadline checked between rows:
    (header, body)."""
    limits = Limits(max_rows, max_bytes, time.monotonic() + seconds)
    try:
        result = store.query(query, prefixes=prefixes)
        if isinstance(result, ox.QueryBoolean):
            body = {"head": {}, "boolean": bool(result)}
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            return {"status": "ok", "form": "ask", "truncated": False, "rows": 1}, data
        if isinstance(result, ox.QuerySolutions):
            data, info = _select(result, limits)
        else:
            data, info = _graph(result, limits, rdf_format, prefixes)
    except SyntaxError as exc:
        return {"status": "syntax", "message": str(exc)}, b""
    except _Timeout:
        return {"status": "timeout", "message": f"stopped after {seconds:g} s"}, b""
    except Exception as exc:  # noqa: BLE001 - the parent needs an answer whatever went wrong
        return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}, b""
    return {"status": "ok", **info}, data


def _read(stream: BinaryIO) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    return data if len(data) == size else None


def _write(stream: BinaryIO, data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)))
    stream.write(data)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform, or not allowed
        pass


def main(argv: list[str]) -> int:
    _limit_memory(int(argv[0]) if argv else 0)
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    data = _read(source)
    if data is None:
        return 1
    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    del data
    _write(sink, b"ready")
    sink.flush()
    while True:
        message = _read(source)
        if message is None:
            return 0
        request = json.loads(message)
        seconds = float(request["seconds"])
        signal.setitimer(signal.ITIMER_REAL, seconds + _HARD_MARGIN)
        header, body = evaluate(
            store,
            request["query"],
            int(request["max_rows"]),
            seconds,
            request.get("rdf_format", "turtle"),
            request.get("prefixes"),
            int(request["max_bytes"]),
        )
        signal.setitimer(signal.ITIMER_REAL, 0)
        _write(sink, json.dumps(header).encode("utf-8"))
        _write(sink, body)
        sink.flush()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
