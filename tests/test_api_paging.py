"""The ``Link`` header of the lists (RFC 8288): first, prev, next and last pages, every other
parameter kept, so that a client following ``next`` sees every item once."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import URL

from musclekb_api.paging import page_links

LINK = re.compile(r'<([^>]*)>; rel="(\w+)"')


def _offsets(value: str | None) -> dict[str, int]:
    if value is None:
        return {}
    return {
        rel: int(parse_qs(urlsplit(url).query)["offset"][0]) for url, rel in LINK.findall(value)
    }


CASES = {
    "empty list": (0, 10, 0, {}),
    "no items per page": (0, 0, 10, {}),
    "one page": (0, 10, 5, {"first": 0, "last": 0}),
    "first of several": (0, 10, 25, {"first": 0, "next": 10, "last": 20}),
    "middle": (10, 10, 25, {"first": 0, "prev": 0, "next": 20, "last": 20}),
    "last": (20, 10, 25, {"first": 0, "prev": 10, "last": 20}),
    "exactly full pages": (10, 10, 20, {"first": 0, "prev": 0, "last": 10}),
    "offset not on a page boundary": (15, 10, 40, {"first": 0, "prev": 5, "next": 25, "last": 30}),
    "near the start": (3, 10, 40, {"first": 0, "prev": 0, "next": 13, "last": 30}),
    "past the end": (700, 100, 166, {"first": 0, "prev": 100, "last": 100}),
}


@pytest.mark.parametrize(("offset", "limit", "total", "expected"), CASES.values(), ids=CASES.keys())
def test_page_links(offset: int, limit: int, total: int, expected: dict[str, int]) -> None:
    value = page_links(URL("http://h/v1/rules?limit=9"), offset, limit, total)
    assert _offsets(value) == expected


def test_other_parameters_are_kept_as_sent() -> None:
    url = URL("http://h/v1/exercises?q=hip%20bridge&kind=strength,mobility&limit=2&offset=2")
    value = page_links(url, 2, 2, 9)
    assert value is not None
    for link, _ in LINK.findall(value):
        query = parse_qs(urlsplit(link).query)
        assert query["q"] == ["hip bridge"] and query["kind"] == ["strength,mobility"]
        assert query["limit"] == ["2"]


def test_following_next_visits_every_item_once(api_client: TestClient) -> None:
    whole = [
        item["id"]
        for offset in (0, 500)
        for item in api_client.get("/v1/rules", params={"limit": 500, "offset": offset}).json()[
            "items"
        ]
    ]
    seen: list[str] = []
    url: str | None = "/v1/rules?limit=100"
    pages = 0
    while url is not None:
        got = api_client.get(url)
        seen += [item["id"] for item in got.json()["items"]]
        pages += 1
        links = dict((rel, link) for link, rel in LINK.findall(got.headers["link"]))
        url = links.get("next")
    assert seen == whole and len(whole) == got.json()["total"]
    assert pages == -(-len(whole) // 100)
    assert _offsets(got.headers["link"])["last"] == (pages - 1) * 100


def test_an_empty_list_has_no_link(api_client: TestClient) -> None:
    got = api_client.get("/v1/muscles", params={"q": "qqqqzzzz"})
    assert got.json()["total"] == 0 and "link" not in got.headers


def test_the_header_is_documented(api_client: TestClient) -> None:
    paths = api_client.get("/openapi.json").json()["paths"]
    assert "Link" in paths["/v1/muscles"]["get"]["responses"]["200"]["headers"]
