"""The assessment's answer by the request's ``Accept``: JSON by default, a plain-text report when
text is preferred, a 406 problem naming both when neither is acceptable."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

import musclekb
from musclekb_api.examples import EXAMPLES
from musclekb_api.negotiation import preferred_media, weighted

OFFERED = ("application/json", "text/plain")
JSON, TEXT = OFFERED

CASES = {
    "no header": (None, JSON),
    "empty header": ("  ", JSON),
    "json": ("application/json", JSON),
    "text": ("text/plain", TEXT),
    "any": ("*/*", JSON),
    "any text": ("text/*", TEXT),
    "any application": ("application/*", JSON),
    "text with a charset": ("text/plain; charset=utf-8", TEXT),
    "upper case": ("TEXT/PLAIN", TEXT),
    "text weighted below json": ("text/plain;q=0.5, application/json", JSON),
    "json weighted below text": ("application/json;q=0.4, text/plain;q=0.8", TEXT),
    "equal weights: the default": ("text/plain, application/json", JSON),
    "browser style": ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),
    "text listed after html": ("text/html, text/plain;q=0.9", TEXT),
    "specific refusal beats any": ("application/json;q=0, */*", TEXT),
    "specific beats its type's range": (
        "text/*;q=0.1, text/plain;q=0.9, application/json;q=0.5",
        TEXT,
    ),
    "a weight that is not a number": ("application/json;q=high, text/plain;q=0.1", TEXT),
    "an infinite weight": ("application/json;q=inf, text/plain;q=0.1", TEXT),
    "a weight above 1": ("application/json;q=2, text/plain;q=0.1", TEXT),
    "a weight of 1.000": ("text/plain;q=1.000, application/json;q=0.999", TEXT),
    "neither": ("application/xml", None),
    "both refused": ("application/json;q=0, text/plain;q=0", None),
}


@pytest.mark.parametrize(("accept", "expected"), CASES.values(), ids=CASES.keys())
def test_preferred_media(accept: str | None, expected: str | None) -> None:
    assert preferred_media(accept, OFFERED) == expected


def test_weighted_items_keep_their_order_and_weights() -> None:
    assert weighted("gzip;q=0.5, , BR, identity;q=x") == [
        ("gzip", 0.5),
        ("br", 1.0),
        ("identity", 0.0),
    ]


def _assess(client: TestClient, accept: str | None) -> Any:
    headers = {} if accept is None else {"Accept": accept}
    return client.post("/v1/assessments", json=EXAMPLES["assessment"], headers=headers)


def test_text_is_the_report_of_the_same_assessment(api_client: TestClient) -> None:
    got = _assess(api_client, "text/plain")
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert "Accept" in got.headers["vary"]
    reasoner: musclekb.Reasoner = api_client.app.state.reasoner  # type: ignore[attr-defined]
    assert got.text == reasoner.assess(EXAMPLES["assessment"]).render() + "\n"
    first = _assess(api_client, None).json()["imbalances"][0]
    assert f"1. {first['label']}" in got.text, "the same ranking as the JSON answer"


def test_json_stays_the_default(api_client: TestClient) -> None:
    for accept in (None, "*/*", "application/json"):
        got = _assess(api_client, accept)
        assert got.headers["content-type"] == "application/json", accept
        assert "Accept" in got.headers["vary"]
        assert got.json()["imbalances"]


def test_neither_acceptable_is_a_406_naming_both(api_client: TestClient) -> None:
    got = _assess(api_client, "application/xml")
    assert got.status_code == 406
    assert got.headers["content-type"] == "application/problem+json"
    assert "Accept" in got.headers["vary"].split(", ")  # a cache must not reuse it for others
    problem = got.json()
    assert problem["available"] == list(OFFERED)
    assert "'application/xml'" in problem["detail"] and "text/plain" in problem["detail"]


def test_the_openapi_document_shows_the_report(api_client: TestClient) -> None:
    paths = api_client.get("/openapi.json").json()["paths"]
    responses = paths["/v1/assessments"]["post"]["responses"]
    assert responses["200"]["content"]["text/plain"]["example"] == _assess(api_client, TEXT).text
    assert "406" in responses
