"""ConditionalGet keeps the tags it gives: a request that sends back the tag kept for its URL
(and for the values of the headers the answer's Vary names) gets its 304 without the answer
being worked out again; anything else is answered as before."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from musclekb_api.conditional import ConditionalGet, body_tag

from .conftest import run_alone


class Counting:
    """An app answering each path with a body of its own (``/missing``: 404), counting calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        path = scope["path"]
        accept = dict(scope["headers"]).get(b"accept", b"")
        body = b"answer to %s?%s for %s" % (path.encode(), scope["query_string"], accept)
        headers = [(b"content-type", b"text/plain"), (b"vary", b"Accept")]
        status = 404 if path == "/missing" else 200
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _get(app: ConditionalGet, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    run_alone(app, scope, receive, send)
    start, body = sent
    named = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], named, body.get("body", b"")


@pytest.fixture
def counted() -> tuple[ConditionalGet, Counting]:
    inner = Counting()
    return ConditionalGet(inner, known_tags=4), inner


def test_a_tag_sent_back_is_answered_without_the_answer(counted: Any) -> None:
    app, inner = counted
    status, headers, body = _get(app, "/a?x=1")
    assert status == 200 and headers["etag"] == body_tag(body) and inner.calls == 1
    status, again, body = _get(app, "/a?x=1", if_none_match=headers["etag"])
    assert (status, body, inner.calls) == (304, b"", 1)
    # the headers the 304 that compares the answer would have sent
    assert again == {"vary": "Accept", "etag": headers["etag"], "cache-control": "no-cache"}
    assert _get(app, "/a?x=1", if_none_match="*")[0] == 304 and inner.calls == 1


def test_another_tag_another_url_or_other_varying_headers_are_worked_out(counted: Any) -> None:
    app, inner = counted
    tag = _get(app, "/a?x=1", accept="text/plain")[1]["etag"]
    assert _get(app, "/a?x=1", accept="text/plain", if_none_match='W/"old"')[0] == 200
    assert inner.calls == 2
    # the same tag for another URL: worked out, and it does not match
    assert _get(app, "/a?x=2", accept="text/plain", if_none_match=tag)[0] == 200
    assert inner.calls == 3
    # the answer varies with Accept: another Accept is worked out (and differs here)
    assert _get(app, "/a?x=1", accept="text/html", if_none_match=tag)[0] == 200
    assert inner.calls == 4


def test_only_tagged_answers_are_kept(counted: Any) -> None:
    app, inner = counted
    assert _get(app, "/missing")[0] == 404
    assert _get(app, "/missing", if_none_match="*")[0] == 404
    assert inner.calls == 2


def test_the_tags_kept_are_bounded(counted: Any) -> None:
    app, inner = counted
    tags = [_get(app, f"/p{i}")[1]["etag"] for i in range(6)]
    assert inner.calls == 6
    # the newest are kept; an older one is worked out again, and still earns its 304
    assert _get(app, "/p5", if_none_match=tags[5])[0] == 304 and inner.calls == 6
    assert _get(app, "/p0", if_none_match=tags[0])[0] == 304 and inner.calls == 7


def test_a_polled_sparql_query_runs_once(
    api_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = api_client.app.state.store  # type: ignore[attr-defined]
    runs = 0
    run = store.run

    async def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal runs
        runs += 1
        return await run(*args, **kwargs)

    monkeypatch.setattr(store, "run", counting)
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }"}
    first = api_client.get("/v1/sparql", params=query)
    assert first.status_code == 200 and runs == 1
    tag = first.headers["etag"]
    for _ in range(3):
        polled = api_client.get("/v1/sparql", params=query, headers={"If-None-Match": tag})
        assert polled.status_code == 304 and polled.headers["etag"] == tag
    assert runs == 1
    # asked for in another form (Vary: Accept), it runs again
    other = {"If-None-Match": tag, "Accept": "application/json"}
    assert api_client.get("/v1/sparql", params=query, headers=other).status_code == 304
    assert runs == 2
