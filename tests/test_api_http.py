"""HTTP on the way out: gzip for clients that accept it, ETag and 304 for GET answers, CORS for
the origins the settings allow."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import AsyncIterator

import anyio
import httpx2
import pytest
from fastapi.testclient import TestClient

import musclekb
from musclekb_api.app import create_app
from musclekb_api.compression import accepts_gzip
from musclekb_api.conditional import body_tag, tag_matches
from musclekb_api.graphstore import GraphStore
from musclekb_api.settings import SETTING_NAMES, Settings, settings_from, unknown_settings

from .conftest import run_alone

URL = "/v1/assessments"
BODY = {
    "findings": [
        {"sign": "sls-knee-valgus", "side": "left", "present": True},
        {"sign": "slb-hip-dip", "side": "left", "present": True},
    ]
}
IDENTITY = {"Accept-Encoding": "identity"}


# ---------------------------------------------------------------- gzip


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP", True),
        ("deflate, gzip;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),  # named: its own weight counts, not the wildcard's
        ("*;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        ("", False),
        ("gzip;q=lots", False),
        (" , ;q=1", False),
    ],
    ids=lambda value: repr(value) if isinstance(value, str) else str(value),
)
def test_accept_encoding_is_read_with_its_weights(header: str, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted


def test_an_assessment_is_compressed_for_a_client_that_accepts_gzip(
    api_client: TestClient,
) -> None:
    plain = api_client.post(URL, json=BODY, headers=IDENTITY)
    packed = api_client.post(URL, json=BODY, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    # the client decodes it to the same bytes, several times fewer of which were sent
    assert packed.content == plain.content
    sent = int(packed.headers["content-length"])
    assert sent * 5 < len(plain.content) == int(plain.headers["content-length"])


def test_what_is_sent_compressed_is_gzip_of_the_answer(api_client: TestClient) -> None:
    with api_client.stream("POST", URL, json=BODY, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    plain = api_client.post(URL, json=BODY, headers=IDENTITY)
    assert json.loads(gzip.decompress(raw)) == plain.json()


@pytest.mark.parametrize("header", ["gzip;q=0", "identity", "br"])
def test_a_client_that_refuses_gzip_gets_the_answer_as_it_is(
    api_client: TestClient, header: str
) -> None:
    response = api_client.post(URL, json=BODY, headers={"Accept-Encoding": header})
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content) > 10_000


def test_small_answers_are_not_compressed(api_client: TestClient) -> None:
    response = api_client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert len(response.content) < Settings().gzip_min_bytes
    assert "content-encoding" not in response.headers


def test_problems_are_compressed_too(api_client: TestClient) -> None:
    body = {"findings": [{"sign": f"no-such-sign-{i}", "side": "left"} for i in range(40)]}
    response = api_client.post(URL, json=body, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 422
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "application/problem+json"
    assert len(response.json()["errors"]) == 40


def test_level_0_sends_every_answer_uncompressed() -> None:
    # the OpenAPI document is served before start-up: no knowledge base needed
    client = TestClient(create_app(Settings(gzip_level=0)))
    response = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and len(response.content) > 10_000
    assert "content-encoding" not in response.headers
    on = TestClient(create_app(Settings())).get("/openapi.json")
    assert on.headers["content-encoding"] == "gzip"


# ---------------------------------------------------------------- ETag and 304


def test_tags_are_weak_and_follow_the_bytes() -> None:
    assert body_tag(b"[1]") == body_tag(b"[1]") != body_tag(b"[2]")
    assert body_tag(b"").startswith('W/"')
    tag = body_tag(b"x")
    assert tag_matches(tag, tag)
    assert tag_matches(tag.removeprefix("W/"), tag)  # weak comparison
    assert tag_matches(f'"other", {tag}', tag)
    assert tag_matches("*", tag)
    assert not tag_matches('"other"', tag)
    assert not tag_matches("", tag)


def test_a_get_answer_carries_a_tag_and_is_not_sent_again_while_current(
    api_client: TestClient,
) -> None:
    first = api_client.get("/v1/muscles?limit=5")
    tag = first.headers["etag"]
    assert tag == body_tag(first.content) and tag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    again = api_client.get("/v1/muscles?limit=5", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "no-cache"
    assert "content-type" not in again.headers
    # another answer has another tag, and an old tag gets the whole answer
    other = api_client.get("/v1/muscles?limit=6", headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag
    assert other.json()["items"][:5] == first.json()["items"]


def test_the_304_holds_for_a_compressed_answer_too(api_client: TestClient) -> None:
    gz = {"Accept-Encoding": "gzip"}
    first = api_client.get("/v1/exercises?limit=50", headers=gz)
    assert first.headers["content-encoding"] == "gzip"
    tag = first.headers["etag"]
    assert tag == api_client.get("/v1/exercises?limit=50", headers=IDENTITY).headers["etag"]
    again = api_client.get("/v1/exercises?limit=50", headers={**gz, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path",
    ["/v1/search?q=knee%20caves%20in", "/v1/kb", "/openapi.json", "/v1/signs/sls-knee-valgus"],
)
def test_every_kind_of_get_answer_is_tagged(api_client: TestClient, path: str) -> None:
    response = api_client.get(path)
    assert response.status_code == 200
    tag = response.headers["etag"]
    assert api_client.get(path, headers={"If-None-Match": tag}).status_code == 304


def test_posts_and_problems_carry_no_tag(api_client: TestClient) -> None:
    assert "etag" not in api_client.post(URL, json=BODY).headers
    missing = api_client.get("/v1/muscles/no-such-muscle")
    assert missing.status_code == 404 and "etag" not in missing.headers
    star = api_client.get("/v1/muscles/no-such-muscle", headers={"If-None-Match": "*"})
    assert star.status_code == 404


def test_a_route_with_its_own_tag_keeps_it(api_client: TestClient) -> None:
    """The export's strong tag stays strong uncompressed; compressed, the body differs, so the
    tag is made weak (RFC 9110), and either form still earns a 304."""
    url = "/v1/kb/export?format=turtle"
    plain = api_client.get(url, headers={"Accept-Encoding": "identity"})
    tag = plain.headers["etag"]
    assert not tag.startswith("W/") and tag != body_tag(plain.content)
    compressed = api_client.get(url, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.headers["etag"] == f"W/{tag}"
    for sent in (tag, f"W/{tag}"):
        for coding in ("identity", "gzip"):
            headers = {"If-None-Match": sent, "Accept-Encoding": coding}
            assert api_client.get(url, headers=headers).status_code == 304


# ---------------------------------------------------------------- CORS

ORIGIN = "https://app.example.org"


def test_no_cross_origin_headers_unless_configured() -> None:
    client = TestClient(create_app(Settings()))
    response = client.get("/openapi.json", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_configured_origins_may_call_from_a_browser() -> None:
    client = TestClient(create_app(Settings(cors_origins=(ORIGIN,))))
    allowed = client.get("/openapi.json", headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    exposed = allowed.headers["access-control-expose-headers"].lower()
    assert "etag" in exposed and "link" in exposed
    other = client.get("/openapi.json", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        URL,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    refused = client.options(
        URL, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    detail = refused.json()["detail"]
    assert "method 'DELETE'" in detail and "allowed: methods GET, HEAD, POST" in detail
    stranger = client.options(
        URL,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-secret",
        },
    )
    detail = stranger.json()["detail"]
    assert "origin 'https://elsewhere.example' and headers 'x-secret'" in detail
    assert f"origins {ORIGIN}" in detail


def test_any_origin() -> None:
    client = TestClient(create_app(Settings(cors_origins=("*",))))
    response = client.get("/openapi.json", headers={"Origin": "https://anyone.example"})
    assert response.headers["access-control-allow-origin"] == "*"


# ---------------------------------------------------------------- settings


def test_http_settings_are_read_from_the_environment() -> None:
    settings = settings_from(
        {
            "MUSCLEKB_GZIP_LEVEL": "6",
            "MUSCLEKB_GZIP_MIN_BYTES": "0",
            "MUSCLEKB_CORS_ORIGINS": f" {ORIGIN}, http://localhost:3000 ,http://[::1]:8080",
        }
    )
    assert settings.gzip_level == 6 and settings.gzip_min_bytes == 0
    assert settings.cors_origins == (ORIGIN, "http://localhost:3000", "http://[::1]:8080")
    assert settings_from({"MUSCLEKB_CORS_ORIGINS": "*"}).cors_origins == ("*",)
    assert settings_from({}).cors_origins == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MUSCLEKB_GZIP_LEVEL": "10"}, "MUSCLEKB_GZIP_LEVEL must be a whole number from 0 to 9"),
        ({"MUSCLEKB_GZIP_LEVEL": "-1"}, "MUSCLEKB_GZIP_LEVEL must be a whole number from 0 to 9"),
        ({"MUSCLEKB_GZIP_MIN_BYTES": "1k"}, "MUSCLEKB_GZIP_MIN_BYTES must be a whole number"),
        (
            {"MUSCLEKB_CORS_ORIGINS": f"{ORIGIN}/, app.example.org"},
            "not an origin: 'https://app.example.org/', 'app.example.org'",
        ),
        ({"MUSCLEKB_CORS_ORIGINS": f"*, {ORIGIN}"}, "not an origin: '\\*'"),
    ],
    ids=["level-10", "level-negative", "min-bytes-word", "origin-with-path", "star-and-origin"],
)
def test_wrong_http_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        settings_from(env)


def test_serve_stops_on_a_wrong_http_setting() -> None:
    from typer.testing import CliRunner

    from musclekb.cli import app

    result = CliRunner().invoke(
        app, ["serve"], env={"MUSCLEKB_CORS_ORIGINS": "app.example.org", "MUSCLEKB_GZIP_LEVEL": "3"}
    )
    assert result.exit_code == 2
    assert "MUSCLEKB_CORS_ORIGINS" in result.output and "'app.example.org'" in result.output


def test_the_setting_names_are_those_read() -> None:
    asked: set[str] = set()

    class Reading(dict[str, str]):
        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            asked.add(key)
            return super().get(key, default)

    settings_from(Reading())
    assert sorted(asked) == sorted(SETTING_NAMES)


def test_a_variable_that_is_no_setting_is_named_with_the_closest() -> None:
    env = {
        "MUSCLEKB_KNOWLEDGE_DIR": "/x",
        "MUSCLEKB_GZIP_LEVL": "3",
        "MUSCLEKB_GZIP_LEVEL": "3",
        "MUSCLEKB_NOT_NEAR_ANYTHING": "1",
        "OTHER_GZIP_LEVL": "3",
    }
    assert unknown_settings(env) == [
        "MUSCLEKB_GZIP_LEVL is not a setting of the service and is ignored; did you mean "
        "MUSCLEKB_GZIP_LEVEL?",
        "MUSCLEKB_KNOWLEDGE_DIR is not a setting of the service and is ignored; did you mean "
        "MUSCLEKB_KNOWLEDGE?",
        "MUSCLEKB_NOT_NEAR_ANYTHING is not a setting of the service and is ignored",
    ]


def test_serve_warns_of_a_variable_that_is_no_setting() -> None:
    from typer.testing import CliRunner

    from musclekb.cli import app

    # a wrong setting beside it stops serve before it starts
    env = {"MUSCLEKB_KNOWLEDGE_DIR": "/x", "MUSCLEKB_GZIP_LEVEL": "10"}
    result = CliRunner().invoke(app, ["serve"], env=env)
    assert result.exit_code == 2
    assert "warning: MUSCLEKB_KNOWLEDGE_DIR is not a setting" in result.output
    assert "did you mean MUSCLEKB_KNOWLEDGE?" in result.output


def test_large_answers_are_compressed_on_the_workers_own_thread(
    api_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handing a body to a thread costs more than compressing it (see ``compression.py``)."""
    import anyio.to_thread

    def no_thread(*args: object, **kwargs: object) -> None:
        raise AssertionError("compressed in a thread")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    signs = ["sls-knee-valgus", "slb-hip-dip", "sls-trunk-rotates-outward", "sls-knee-out"]
    body = {"findings": [{"sign": s, "side": side} for s in signs for side in ("left", "right")]}
    response = api_client.post(f"{URL}?explain=nested", json=body)
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.content) > 128 * 1024  # where Starlette would hand it to a thread


def test_accept_encoding_over_several_header_lines(api_client: TestClient) -> None:
    headers = [("accept-encoding", "br"), ("accept-encoding", "gzip")]
    response = api_client.get("/v1/exercises?limit=50", headers=headers)
    assert response.headers["content-encoding"] == "gzip"


# ---------------------------------------------------------------- HEAD


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/v1/muscles?limit=3", "/v1/exercises?limit=100", "/v1/kb/export", "/"],
    ids=["healthz", "small-list", "compressed-list", "export-file", "page"],
)
def test_head_gives_the_headers_of_get_without_the_body(api_client: TestClient, path: str) -> None:
    get = api_client.get(path, headers={"Accept-Encoding": "gzip"})
    head = api_client.head(path, headers={"Accept-Encoding": "gzip"})
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    for name in ("etag", "content-type", "content-length", "content-encoding"):
        assert head.headers.get(name) == get.headers.get(name), name
    current = api_client.head(path, headers={"If-None-Match": get.headers["etag"]})
    assert current.status_code == 304


def test_head_on_a_missing_entity_and_on_a_post_route(api_client: TestClient) -> None:
    missing = api_client.head("/v1/muscles/no-such-muscle")
    assert missing.status_code == 404 and missing.content == b""
    assert api_client.head(URL).status_code == 405


def test_a_405_lists_head_beside_get_and_says_what_the_path_answers(
    api_client: TestClient,
) -> None:
    wrong = api_client.post("/v1/muscles")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD"
    detail = "POST is not allowed on '/v1/muscles'; it answers GET, HEAD"
    assert wrong.json()["detail"] == detail
    get = api_client.get(URL)
    assert get.headers["allow"] == "POST"
    assert get.json()["detail"] == f"GET is not allowed on {URL!r}; it answers POST"


# ---------------------------------------------------------------- slow bodies


@pytest.mark.parametrize(
    ("url", "media"),
    [("/v1/assessments", "application/json"), ("/v1/sparql", "application/sparql-query")],
)
def test_a_body_that_does_not_arrive_in_time_is_408(
    url: str, media: str, kb: musclekb.KnowledgeBase
) -> None:
    """A client that sends the first bytes and then nothing holds the connection only until the
    body time-out (here 0.2 s), then gets a 408 problem and the connection closes."""
    settings = Settings(body_timeout=0.2)
    app = create_app(settings)
    app.state.store = GraphStore(kb, settings)  # what the lifespan makes, for the SPARQL route

    async def slow() -> AsyncIterator[bytes]:
        yield b'{"findings": ['
        await anyio.sleep(30)
        yield b"]}"

    async def send() -> httpx2.Response:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(url, content=slow(), headers={"content-type": media})

    started = time.monotonic()
    response = run_alone(send)
    assert time.monotonic() - started < 25  # not the 30 s the client would take
    assert response.status_code == 408
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["connection"] == "close"
    assert "did not arrive within 0.2 s (14 bytes came)" in response.json()["detail"]
