"""The checks a SPARQL query passes before it is evaluated (musclekb_api.sparql_text and the
graphstore's check_read_only / check_depth), against the evaluator itself: every query that
the evaluator would send out as a federated call (SERVICE) must be refused, which a local
listener tells, and the tricks that once hid SERVICE from the check are kept here."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musclekb_api.graphstore import (
    OPERATORS_PER_LEVEL,
    SparqlForbidden,
    SparqlTooDeep,
    check_depth,
    check_read_only,
)
from musclekb_api.sparql_text import code, keywords

PREFIX = "PREFIX kb: <urn:kb/> "
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@dataclass
class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it and closes each."""

    port: int = 0
    calls: list[int] = field(default_factory=list)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    seen = Listener(server.getsockname()[1])

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed at the end of the module
                return
            seen.calls.append(1)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield seen
    server.close()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()  # a pattern before SERVICE must match for it to be called
    for value in (ox.NamedNode("urn:o"), ox.Literal("1", datatype=ox.NamedNode(INTEGER))):
        store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), value))
    return store


def _calls_out(store: ox.Store, listener: Listener, query: str) -> bool:
    """Whether the evaluator, given ``query``, connects to the listener."""
    before = len(listener.calls)
    try:
        result = store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, ValueError):
        pass
    for _ in range(50):  # the listener's thread counts the call a moment later
        if len(listener.calls) > before:
            return True
        threading.Event().wait(0.002)
    return len(listener.calls) > before


def _service(listener: Listener) -> str:
    return f"SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }}"


# Each hid SERVICE from an earlier check; the evaluator calls out for each.
HIDDEN = {
    "after a full stop": "SELECT * WHERE {{ ?a ?b ?c .{service} }}",
    "after an escaped # in a name": "SELECT * WHERE {{ BIND(kb:x\\# AS ?z) {service} }}",
    "after an escaped quote in a name": "SELECT * WHERE {{ BIND(kb:x\\' AS ?z) {service} }}",
    "touching a number": "ASK {{ ?s ?p 1{service} }}",
    "lower case, silent": "SELECT * {{ ?s ?p ?o . service silent{service_iri} {{ ?s ?p ?o }} }}",
    "after a string": "SELECT * {{ ?s ?p ?o FILTER(?o != 'a'){service} }}",
    # found later, each a way the evaluator reads SERVICE where a reading of the grammar does not
    "a \\u0027 in a string (a reader that decodes it sees a long string open)": "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '\\u0027') SERVICE <http://{address}/sparql> {{ ?s ?p ?o }} }}",
    "a \\u0022 in a string (read as closing it early)": 'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "a\\u0022") SERVICE <http://{address}/sparql> {{ ?s ?p ?o }} }}',
    "a \\u005C in a string (read as escaping the closing quote)": "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '\\u005C') SERVICE <http://{address}/sparql> {{ ?s ?p ?o }} }}",
    "a \\U00000027 in a string": "SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '\\U00000027') SERVICE <http://{address}/sparql> {{ ?s ?p ?o }} }}",
    "a less-than and '#>' that read as one IRI": "SELECT * WHERE {{ ?s ?p ?o FILTER(1<2)SERVICE#>\n<http://{address}/sparql>{{ ?s ?p ?o }} }}",
    "the same with <=": "SELECT * WHERE {{ ?s ?p ?o FILTER(1<=2)SERVICE#>\n<http://{address}/sparql>{{ ?s ?p ?o }} }}",
    "glued to SILENT": "SELECT * WHERE {{ ?s ?p ?o SERVICESILENT<http://{address}/sparql>{{ ?s ?p ?o }} }}",
    "glued to a name with the empty prefix": "PREFIX : <http://{address}/> SELECT * WHERE {{ ?s ?p ?o SERVICE:sparql {{ ?s ?p ?o }} }}",
    "glued to a prefixed name": "PREFIX e: <http://{address}/> SELECT * WHERE {{ ?s ?p ?o SERVICEe:sparql {{ ?s ?p ?o }} }}",
    "glued to a prefixed name with a non-ASCII prefix": "PREFIX é: <http://{address}/> SELECT * WHERE {{ ?s ?p ?o SERVICEé:sparql {{ ?s ?p ?o }} }}",
    "lower and mixed case, glued to Silent and a name": "PREFIX e: <http://{address}/> SELECT * WHERE {{ ?s ?p ?o serviceSilente:sparql {{ ?s ?p ?o }} }}",
    "glued after true": "SELECT (COUNT(*) AS ?c) WHERE {{ ?x ?y trueSERVICE<http://{address}/sparql>{{}} }}",
    "glued after false": "SELECT (COUNT(*) AS ?c) WHERE {{ ?x ?y falseSERVICE<http://{address}/sparql>{{}} }}",
    "after a name with two dotted parts (the evaluator ends it after one)": "SELECT (COUNT(*) AS ?c) WHERE {{ ?x ?y kb:a.b.SERVICE<http://{address}/sparql>{{}} }}",
    "the same, after an escaped dot": "SELECT (COUNT(*) AS ?c) WHERE {{ ?x ?y kb:a\\.b.c.SERVICE<http://{address}/sparql>{{}} }}",
}


@pytest.mark.parametrize("template", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_service_call_the_evaluator_would_make_is_refused(
    template: str, store: ox.Store, listener: Listener
) -> None:
    query = PREFIX * ("PREFIX" not in template) + template.format(
        service=_service(listener),
        service_iri=f"<http://127.0.0.1:{listener.port}/sparql>",
        address=f"127.0.0.1:{listener.port}",
    )
    assert _calls_out(store, listener, query), "the evaluator does not call out: not a live case"
    with pytest.raises(SparqlForbidden, match="SERVICE"):
        check_read_only(query)


FRAGMENTS = [
    " ", "\n", ".", ";", ",", "?o", "?o-", "1", "1.5", "'x'", '"x"', "'''x\n'''", "# c\n",
    "kb:x", "kb:x.", "kb:x\\#", "kb:x\\'", 'kb:x\\"', "kb:x\\(", "kb:x%41", "_:b", "_:b.",
    "<urn:y>", "@en", "a", "{", "}", "(", ")", "FILTER(true)", "BIND(1 AS ?z)", "\u2100",
    "kb:x\u2100\\'",
]  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(st.sampled_from(FRAGMENTS), max_size=6))
def test_no_query_that_passes_the_check_calls_out(
    before: list[str], store: ox.Store, listener: Listener
) -> None:
    """Whatever comes before SERVICE: either the check refuses the query, or the evaluator
    makes no call."""
    query = PREFIX + "SELECT * WHERE { ?s ?p ?o " + "".join(before) + _service(listener) + " }"
    try:
        check_read_only(query)
    except SparqlForbidden:
        return
    assert not _calls_out(store, listener, query), query


@pytest.mark.parametrize(
    "query",
    [
        "ASK { kb:x.SERVICE ?p ?o }",
        "ASK { ?s <urn:x#SERVICE> 'SERVICE' } # SERVICE",
        "ASK { ?SERVICE ?p _:SERVICE }",
        'ASK { ?s ?p "x"@service }',
    ],
)
def test_service_inside_names_strings_and_comments_is_no_keyword_but_still_refused(
    query: str,
) -> None:
    """The reading of the text finds no keyword here, yet the word is refused wherever it is:
    the evaluator has read SERVICE where no reading of the grammar would."""
    assert "SERVICE" not in list(keywords(PREFIX + query))
    with pytest.raises(SparqlForbidden, match='CONCAT\\("serv", "ice"\\)'):
        check_read_only(PREFIX + query)


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ?s ?p '\uff33\uff25\uff32\uff36\uff29\uff23\uff25' }",  # full width
        "ASK { ?s ?p '\\u0073ervice' }",  # a codepoint escape, as written in the query
        "ASK { ?s ?p '\u017fervice' }",  # a long s, which folds to s
    ],
)
def test_the_word_is_refused_in_any_width_case_or_escape(query: str) -> None:
    with pytest.raises(SparqlForbidden):
        check_read_only(query)


def test_a_query_without_the_word_passes() -> None:
    check_read_only(PREFIX + 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "serv ice") }')


def test_code_keeps_lines_and_columns() -> None:
    query = "ASK { # a {\n  ?s ?p 'x(' . FILTER(?s != <urn:(>) }"
    text = code(query)
    assert len(text.bare) == len(text.with_iris) == len(query)
    assert text.bare.count("\n") == 1
    assert "'x('" not in text.bare and "<urn:(>" in text.with_iris and "<urn:(>" not in text.bare
    assert text.position(query.index("FILTER")) == (2, 16)


def test_a_long_run_of_name_characters_is_read_once() -> None:
    """No quadratic scan: a 200,000-letter word, a name just as long, and a 64 KiB run of letters
    and dots are each read in one pass."""
    assert list(keywords("ASK " + "x" * 200_000)) == ["ASK", "X" * 200_000]
    assert list(keywords("ASK { kb:" + "x" * 200_000 + " }")) == ["ASK"]
    assert list(keywords("a." * 32_768))[:2] == ["A", "A"]  # dotted runs too (was seconds)


def test_brackets_escaped_in_a_name_do_not_count() -> None:
    check_depth(PREFIX + "ASK { ?s ?p kb:x\\(\\(\\( }", 1)
    with pytest.raises(SparqlTooDeep):
        check_depth(PREFIX + "ASK { ?s ?p (kb:x) }", 1)


CHAINS = {
    "negations": "ASK {{ FILTER({}true) }}".format("!" * 257),
    "a sum": "ASK {{ FILTER({} > 0) }}".format("+".join(["1"] * 258)),
    "a path": "ASK {{ ?a {} ?b }}".format("/".join(["<urn:p>"] * 258)),
    "a conjunction": "ASK {{ FILTER({}) }}".format("&&".join(["true"] * 258)),
}


@pytest.mark.parametrize("query", CHAINS.values(), ids=CHAINS.keys())
def test_long_operator_chains_are_refused(query: str) -> None:
    most = 32 * OPERATORS_PER_LEVEL
    with pytest.raises(SparqlTooDeep, match=f"more than {most} operators in one group"):
        check_depth(query, 32)
    check_depth(query, 0)  # no limit


def test_chains_count_per_group_and_within_the_limit_pass() -> None:
    per_group = "(" + "&&".join(["true"] * 200) + ")"
    check_depth("ASK { FILTER(" + "||".join([per_group] * 5) + ") }", 32)
    check_depth("ASK { FILTER(" + "!" * 256 + "true) }", 32)
    with pytest.raises(SparqlTooDeep, match=r"operator 257 is '!' at line 1, column 270"):
        check_depth("ASK { FILTER(" + "!" * 257 + "true) }", 32)
