"""The knowledge graph as an Oxigraph store: exports, and read-only SPARQL under time and row limits.

Built once per process in the lifespan from ``kb.graph``. Exports (Turtle, N-Triples, JSON-LD) are
serialized on first use and kept. Queries are checked here (updates and ``SERVICE`` are refused
before anything runs) and evaluated in child processes (``sparql_pool``), so that a query that
runs over the time limit can be stopped for real.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import anyio
import anyio.to_thread
import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral

from musclekb import KB, MK, KnowledgeBase
from musclekb_api.settings import Settings
from musclekb_api.sparql_pool import PoolBusy, QueryOverran, SparqlPool, WorkerDied
from musclekb_api.sparql_text import code, keywords, mentions_service

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "GraphStore",
    "QueryResult",
    "SparqlError",
    "check_depth",
    "check_read_only",
    "query_form",
]

ExportFormat = Literal["turtle", "ntriples", "jsonld"]
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8", "ttl"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld"),
}
GRAPH_MEDIA = {"turtle": "text/turtle; charset=utf-8", "ntriples": "application/n-triples"}
RESULTS_JSON = "application/sparql-results+json"

_UPDATES = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_BRACKET = re.compile(r"[{}()\[\]]")
_OPERATOR = re.compile(r"&&|\|\||!=|<=|>=|[!+\-*/|^=<>]|[{}()\[\]]")
OPERATORS_PER_LEVEL = 8
"""How many operators one group may chain per level of the depth limit (256 at 32 levels)."""


class SparqlError(Exception):
    """A SPARQL request that cannot be answered; ``status`` and ``title`` make the problem.

    SparqlError
    ├── SparqlSyntaxError      400  the query does not parse
    ├── SparqlTooDeep          400  nested past the depth limit
    ├── SparqlEvaluationError  400  the evaluator refused it
    ├── SparqlForbidden        403  an update or SERVICE
    ├── SparqlTooLarge         413  the query text is over the size limit
    ├── SparqlLimitExceeded    503  over the time or memory limit
    └── SparqlBusy             503  every evaluator stayed busy
    """

    status = 400
    title = "SPARQL query failed"

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.headers = headers or {}


class SparqlSyntaxError(SparqlError):
    title = "SPARQL syntax error"


class SparqlEvaluationError(SparqlError):
    title = "SPARQL evaluation error"


class SparqlTooDeep(SparqlError):
    title = "Query nested too deeply"


class SparqlForbidden(SparqlError):
    status = 403
    title = "Read-only SPARQL endpoint"


class SparqlTooLarge(SparqlError):
    status = 413
    title = "Query too large"


class SparqlLimitExceeded(SparqlError):
    status = 503
    title = "Query limit exceeded"


class SparqlBusy(SparqlError):
    status = 503
    title = "SPARQL endpoint busy"


def check_depth(query: str, limit: int) -> None:
    """Refuse a query that nests groups, blank nodes, collections or parentheses more than
    ``limit`` levels deep, or chains more than ``limit * OPERATORS_PER_LEVEL`` operators in one
    group (0: no limit), before it is sent to be evaluated. The evaluator's
    parser takes time that grows steeply with the nesting of blank nodes and collections (100
    levels, seconds; 200, more than 20 s) and runs out of stack at a few thousand levels of
    groups, which ends its process."""
    if limit <= 0:
        return
    text = code(query).with_iris
    depth = deepest = 0
    first = -1
    for m in _BRACKET.finditer(text):
        depth = depth + 1 if m.group() in "{([" else max(depth - 1, 0)
        if depth > deepest:
            deepest = depth
            if depth == limit + 1:
                first = m.start()
    if first >= 0:
        line, column = code(query).position(first)
        raise SparqlTooDeep(
            f"the query nests groups, brackets and parentheses {deepest} levels deep; the limit "
            f"is {limit} (level {limit + 1} opens at line {line}, column {column}): write the "
            "nested parts one after another, or split the query"
        )
    _check_chains(query, limit * OPERATORS_PER_LEVEL)


def _check_chains(query: str, most: int) -> None:
    """Refuse a group (the whole query, or what one pair of brackets holds) that chains more
    than ``most`` operators: the evaluator's parser nests each one a level deeper (``!!!...``,
    ``1+1+...``, a path ``p/p/...``) and runs out of stack at a few thousand, which ends its
    process; long paths also take seconds to plan."""
    counts = [0]
    for m in _OPERATOR.finditer(code(query).bare):
        token = m.group()
        if token in "{([":
            counts.append(0)
        elif token in "})]":
            if len(counts) > 1:
                counts.pop()
        else:
            counts[-1] += 1
            if counts[-1] > most:
                line, column = code(query).position(m.start())
                raise SparqlTooDeep(
                    f"the query chains more than {most} operators in one group (operator "
                    f"{most + 1} is {token!r} at line {line}, column {column}): split the "
                    "expression or the path, or the query"
                )


def query_form(query: str) -> str:
    """The first keyword after the prologue: SELECT, ASK, CONSTRUCT, DESCRIBE, or an update
    keyword such as INSERT (``""`` when there is none)."""
    for word in keywords(query):
        if word not in ("BASE", "PREFIX"):
            return word
    return ""


def check_read_only(query: str) -> str:
    """Refuse updates and federated queries before anything is evaluated; return the query's
    form (:func:`query_form`) when it is neither. The evaluator's
    parser reads SERVICE in places no tokenizer of the grammar would (glued to the next word,
    ``SERVICEe:x``; after ``true``; after a name that it ends sooner than the grammar does), so
    the word is refused wherever it appears (:func:`~musclekb_api.sparql_text.mentions_service`),
    not only where a reading of the text finds the keyword."""
    form = query_form(query)
    if form in _UPDATES:
        raise SparqlForbidden(
            f"this endpoint is read-only: SPARQL updates ({form} ...) are refused; "
            "send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        )
    if mentions_service(query):  # the keyword, and wherever else the letters are
        raise SparqlForbidden(
            "federated queries (SERVICE) are refused: only the musclekb graph can be queried. "
            "The letters 'service' may appear nowhere in a query, in any case, not even in a "
            "string, a name or a comment (the evaluator reads the keyword where a reading of "
            'the text would not; in a string, write CONCAT("serv", "ice"))'
        )
    return form


def _ox_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def _quads(kb: KnowledgeBase) -> list[ox.Quad]:
    quads = []
    for s, p, o in kb.graph:
        subject = _ox_term(s)
        predicate = _ox_term(p)
        assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
        quads.append(ox.Quad(subject, predicate, _ox_term(o)))
    return quads


def _prefixes(kb: KnowledgeBase, quads: list[ox.Quad]) -> dict[str, str]:
    """``kb:``, ``mk:`` and every bound prefix whose namespace some IRI of the graph uses."""
    used: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode):
                used.add(term.value)
            elif isinstance(term, ox.Literal):
                used.add(term.datatype.value)
    out = {"kb": str(KB), "mk": str(MK)}
    for prefix, namespace in kb.graph.namespaces():
        ns = str(namespace)
        if prefix and prefix not in out and any(iri.startswith(ns) for iri in used):
            out[prefix] = ns
    return out


def _busy() -> SparqlBusy:
    return SparqlBusy("every SPARQL evaluator stayed busy; try again shortly", {"Retry-After": "1"})


@dataclass(frozen=True)
class QueryResult:
    media_type: str
    body: bytes
    form: str
    truncated: bool
    rows: int


class GraphStore:
    """An Oxigraph copy of the knowledge graph, its exports, and SPARQL evaluation."""

    def __init__(self, kb: KnowledgeBase, settings: Settings) -> None:
        # Exports serialize the quads themselves: the store keeps values, not lexical forms
        # (it would write "1.0"^^xsd:decimal back as 1).
        self._quads = _quads(kb)
        self.store = ox.Store()
        self.store.extend(self._quads)
        self.content_hash = kb.info.content_hash
        self.prefixes = _prefixes(kb, self._quads)
        self.timeout = settings.sparql_timeout
        self.max_rows = settings.sparql_max_rows
        self.max_bytes = settings.sparql_max_bytes
        self.max_query_bytes = settings.max_body_bytes
        self.max_depth = settings.sparql_max_depth
        self._exports: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._pool: SparqlPool | None = None
        self._pool_size = settings.sparql_processes
        self._memory_mb = settings.sparql_memory_mb
        self._waiting: anyio.CapacityLimiter | None = None  # made on first use, in the event loop

    def __len__(self) -> int:
        return len(self.store)

    # ------------------------------------------------------------------ export

    def export(self, fmt: str) -> bytes:
        """The whole graph in ``fmt`` (a key of ``EXPORT_FORMATS``), serialized once."""
        with self._lock:
            data = self._exports.get(fmt)
            if data is None:
                rdf_format = EXPORT_FORMATS[fmt][0]
                prefixes = None if rdf_format is ox.RdfFormat.N_TRIPLES else self.prefixes
                data = ox.serialize(self._quads, format=rdf_format, prefixes=prefixes) or b""
                self._exports[fmt] = data
            return data

    def excerpt(self, fmt: str, subject: str) -> bytes:
        """The triples about ``subject`` (an IRI) in ``fmt``, written as the export writes the
        whole graph (same prefixes): what one entity looks like in a download."""
        rdf_format = EXPORT_FORMATS[fmt][0]
        prefixes = None if rdf_format is ox.RdfFormat.N_TRIPLES else self.prefixes
        node = ox.NamedNode(subject)
        quads = [q for q in self._quads if q.subject == node]
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes) or b""

    # ------------------------------------------------------------------ SPARQL

    def _get_pool(self) -> SparqlPool:
        graph = self.export("ntriples")
        with self._lock:
            if self._pool is None:
                self._pool = SparqlPool(graph, self._pool_size, self._memory_mb)
            return self._pool

    async def run(
        self, text: str, choose_format: Callable[[str], str] = lambda form: "turtle"
    ) -> QueryResult:
        """Check and evaluate a query from the event loop, in worker threads. ``choose_format``
        gets the query's form (``SELECT``, ``CONSTRUCT``, ...) once it has passed the checks
        and names the format of a graph answer (or raises, for a 406). At most as many queries
        as there are evaluators wait in worker threads; the rest wait here, holding no thread,
        so that a crowd of slow queries leaves the thread pool to the other routes. Waiting
        longer than the time limit is :class:`SparqlBusy` (503)."""
        form = await anyio.to_thread.run_sync(self.check, text)  # a long query takes ms to read
        graph_format = choose_format(form)
        if self._waiting is None:
            self._waiting = anyio.CapacityLimiter(self._pool_size)
        entered = False
        with anyio.move_on_after(self.timeout):
            await self._waiting.acquire()
            entered = True
        if not entered:
            raise _busy()
        try:
            return await anyio.to_thread.run_sync(self._evaluate, text, graph_format)
        finally:
            self._waiting.release()

    def check(self, text: str) -> str:
        """Refuse a query before it is evaluated: over the size limit (413), empty (400), an
        update or SERVICE (403), nested or chained past the depth limit (400). Returns its form
        (:func:`query_form`)."""
        size = len(text.encode("utf-8"))
        if size > self.max_query_bytes:
            raise SparqlTooLarge(
                f"the query is {size} bytes; the limit is {self.max_query_bytes} bytes"
            )
        if not text.strip():
            raise SparqlSyntaxError("the query is empty: give a SELECT, ASK, CONSTRUCT or DESCRIBE")
        form = check_read_only(text)
        check_depth(text, self.max_depth)
        return form

    def query(self, text: str, graph_format: str = "turtle") -> QueryResult:
        """Check and evaluate a read-only query; blocking (from a worker thread; the service
        uses :meth:`run`).

        Raises a :class:`SparqlError` subclass: what :meth:`check` refuses, time limit or
        memory limit exceeded (503), every evaluator busy for longer than the time limit (503).
        """
        self.check(text)
        return self._evaluate(text, graph_format)

    def _evaluate(self, text: str, graph_format: str) -> QueryResult:
        """Evaluate a query that has passed :meth:`check`, in an evaluator process."""
        request = {
            "query": text,
            "max_rows": self.max_rows,
            "max_bytes": self.max_bytes,
            "seconds": self.timeout,
            "rdf_format": graph_format,
            "prefixes": self.prefixes,
        }
        limit = (
            f"the query ran longer than the time limit of {self.timeout:g} s and was stopped; "
            "narrow its patterns or add a LIMIT"
        )
        try:
            header, body = self._get_pool().run(request, self.timeout + 0.5, self.timeout)
        except QueryOverran:
            raise SparqlLimitExceeded(limit) from None
        except WorkerDied as exc:
            nesting = (
                "" if self.max_depth else ", or nests groups or brackets thousands of levels deep"
            )
            raise SparqlLimitExceeded(
                f"the query could not be completed ({exc}); it most likely needed more than "
                f"the memory limit of {self._memory_mb} MB (narrow its patterns or add a "
                f"LIMIT){nesting}"
            ) from None
        except PoolBusy:
            raise _busy() from None
        status = header.get("status")
        if status == "syntax":
            raise SparqlSyntaxError(f"the query does not parse: {header.get('message', '')}")
        if status == "timeout":
            raise SparqlLimitExceeded(limit)
        if status != "ok":
            raise SparqlEvaluationError(str(header.get("message", "")))
        form = str(header["form"])
        media = RESULTS_JSON if form in ("select", "ask") else GRAPH_MEDIA[graph_format]
        return QueryResult(media, body, form, bool(header["truncated"]), int(header["rows"]))

    @property
    def pool(self) -> SparqlPool | None:
        return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
