"""/docs: Swagger UI from this server's own files, under a policy that allows no other origin
(the browser test, ``tests/e2e/test_docs.py``, checks that it renders and runs a call)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from musclekb_api.app import create_app
from musclekb_api.routers.docs import ASSETS, ASSETS_DIR

URL = re.compile(r'(?:src|href)="([^"]+)"')


def test_the_page_loads_only_from_this_server(api_client: TestClient) -> None:
    got = api_client.get("/docs")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    urls = URL.findall(got.text)
    assert sorted(urls) == sorted([*(f"/docs/{a}" for a in ASSETS), "/static/icon.svg"])
    assert "'/openapi.json'" in got.text, "Swagger UI is started on this server's document"
    for url in urls:
        assert api_client.get(url).status_code == 200, url


def test_the_policy_allows_the_inline_script_by_its_hash_only(api_client: TestClient) -> None:
    got = api_client.get("/docs")
    policy = dict(
        part.strip().split(" ", 1) for part in got.headers["content-security-policy"].split(";")
    )
    (script,) = re.findall(r"<script>(.*?)</script>", got.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "http" not in got.headers["content-security-policy"]
    assert got.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", ASSETS)
def test_each_asset_is_the_package_file_with_a_tag(api_client: TestClient, name: str) -> None:
    got = api_client.get(f"/docs/{name}")
    assert got.status_code == 200 and got.content == (ASSETS_DIR / name).read_bytes()
    assert got.headers["content-type"].startswith(
        "text/javascript" if name.endswith(".js") else "text/css"
    )
    again = api_client.get(f"/docs/{name}", headers={"If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("path", ["/docs/index.html", "/docs/..%2Fapp.py", "/redoc"])
def test_other_paths_are_404_problems(api_client: TestClient, path: str) -> None:
    got = api_client.get(path)
    assert got.status_code == 404
    assert got.headers["content-type"] == "application/problem+json"


def test_an_unknown_asset_is_named_with_the_files_there_are(api_client: TestClient) -> None:
    detail = api_client.get("/docs/swagger-ui.js").json()["detail"]
    assert "'swagger-ui.js'" in detail and all(a in detail for a in ASSETS)


def test_under_a_root_path_the_page_uses_it() -> None:
    with TestClient(create_app(), root_path="/api") as client:
        text = client.get("/docs").text
    assert sorted(URL.findall(text)) == sorted(
        [*(f"/api/docs/{a}" for a in ASSETS), "/api/static/icon.svg"]
    )
    assert "'/api/openapi.json'" in text
