"""The clinician page is served at / with its assets under /static/: right types, caching, no escape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

import musclekb
from musclekb_api.routers.page import MEDIA_TYPES, STATIC_DIR, resolve_static

ASSETS = sorted(
    p.relative_to(STATIC_DIR).as_posix()
    for p in STATIC_DIR.rglob("*")
    if p.is_file() and not p.name.startswith(".")
)

EXPECTED_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
}


def test_the_page_is_served_at_the_root(api_client: TestClient) -> None:
    r = api_client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/main.js"></script>' in r.text
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["etag"]


def test_the_package_ships_the_page() -> None:
    assert {"index.html", "js/main.js", "css/page.css", "css/print.css"} <= set(ASSETS)
    assert all(Path(a).suffix in MEDIA_TYPES for a in ASSETS), ASSETS


@pytest.mark.parametrize("asset", ASSETS)
def test_every_asset_is_served_with_its_media_type(api_client: TestClient, asset: str) -> None:
    r = api_client.get(f"/static/{asset}")
    assert r.status_code == 200
    expected = EXPECTED_TYPES.get(Path(asset).suffix, MEDIA_TYPES[Path(asset).suffix])
    assert r.headers["content-type"].split(";")[0] == expected.split(";")[0]
    assert r.content == (STATIC_DIR / asset).read_bytes()
    assert "max-age" in r.headers["cache-control"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_known_etag_gets_not_modified(api_client: TestClient) -> None:
    first = api_client.get("/static/js/main.js")
    again = api_client.get("/static/js/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    other = api_client.get("/static/js/main.js", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize("asked", ["bytes=0-9", "bytes=9999999-", "bytes=x-y", "lines=1-2"])
@pytest.mark.parametrize("path", ["/static/js/main.js", "/"])
def test_a_file_is_sent_whole_whatever_range_asks(
    api_client: TestClient, path: str, asked: str
) -> None:
    """No ranges are offered; a Range header, valid or not, is ignored (RFC 9110 allows it),
    instead of a plain-text 400 or an empty 416."""
    whole = api_client.get(path, headers={"Accept-Encoding": "identity"})
    assert whole.headers["accept-ranges"] == "none"
    ranged = api_client.get(path, headers={"Range": asked, "Accept-Encoding": "identity"})
    assert ranged.status_code == 200 and ranged.content == whole.content


def _referenced(text: str) -> set[str]:
    return set(re.findall(r'(?:src|href)="(/static/[^"]+)"', text))


def test_everything_the_page_refers_to_exists(api_client: TestClient) -> None:
    index = api_client.get("/").text
    refs = _referenced(index)
    assert "/static/css/page.css" in refs
    for ref in refs:
        assert api_client.get(ref).status_code == 200, ref
    # module imports between the scripts resolve too; nothing is fetched from another origin
    for asset in ASSETS:
        text = (STATIC_DIR / asset).read_text(encoding="utf-8")
        assert not re.search(r"(?:src|href|from|import)\s*=?\s*[\"']https?://", text), asset
        if asset.endswith(".js"):
            for target in re.findall(r'from "(\./[^"]+)"', text):
                path = (Path("/static") / Path(asset).parent / target).as_posix()
                resolved = re.sub(r"/[^/]+/\.\./", "/", path.replace("/./", "/"))
                assert api_client.get(resolved).status_code == 200, (asset, target)


ESCAPES = [
    "/static/../pyproject.toml",
    "/static/%2e%2e/routers/page.py",
    "/static/%2E%2E/app.py",
    "/static/..%2fapp.py",
    "/static/js/..%2f..%2frouters%2fpage.py",
    "/static/js/%2e%2e/%2e%2e/app.py",
    "/static/%2fetc%2fpasswd",
    "/static/..%5capp.py",
    "/static/.hidden",
    "/static/js",
    "/static/",
    "/static/nothing-here.js",
    "/static/index.html%00.js",
]


@pytest.mark.parametrize("url", ESCAPES)
def test_paths_outside_the_static_folder_are_refused(api_client: TestClient, url: str) -> None:
    r = api_client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "def " not in r.text and "[project]" not in r.text and "root:" not in r.text
    if r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json"):
        assert r.json()["status"] == 404


@pytest.mark.parametrize(
    "path",
    ["../app.py", "js/../../app.py", "/etc/passwd", "..\\app.py", ".git", "js/", "", "a\x00b.js"],
)
def test_resolve_static_refuses_escapes(path: str) -> None:
    with pytest.raises(HTTPException) as caught:
        resolve_static(path)
    assert caught.value.status_code == 404


def test_page_routes_stay_out_of_the_schema(api_client: TestClient) -> None:
    paths = api_client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(p.startswith("/static") for p in paths)


@pytest.fixture
def decoy_static(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A static folder with servable-looking files just outside it (and a symlink leading out)."""
    from musclekb_api.routers import page

    static = tmp_path / "site" / "static"
    (static / "js").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>decoy</title>")
    (static / "js" / "ok.js").write_text("export const ok = 1;\n")
    (tmp_path / "site" / "secret.txt").write_text("secret outside the static folder")
    (tmp_path / "secret.css").write_text("secret two levels up")
    (static / "link.txt").symlink_to(tmp_path / "site" / "secret.txt")
    monkeypatch.setattr(page, "STATIC_DIR", static.resolve())
    return static


@pytest.mark.parametrize(
    "url",
    [
        "/static/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/js/%2e%2e/%2e%2e/secret.txt",
        "/static/js/..%2f..%2f..%2fsecret.css",
        "/static/link.txt",
    ],
)
def test_servable_files_outside_the_folder_stay_hidden(
    api_client: TestClient, decoy_static: Path, url: str
) -> None:
    assert api_client.get("/static/js/ok.js").status_code == 200
    r = api_client.get(url)
    assert r.status_code == 404, url
    assert "outside the static folder" not in r.text
    assert "two levels up" not in r.text


def _figure_regions(html: str, view: str) -> dict[str, set[str]]:
    """Region id -> the sides drawn for it in one body-map figure of the page."""
    match = re.search(rf'<svg class="figure" id="bodymap-{view}".*?</svg>', html, re.DOTALL)
    assert match, f"the page has no {view} figure"
    out: dict[str, set[str]] = {}
    for region, side in re.findall(r'data-region="([^"]+)" data-side="([^"]+)"', match.group(0)):
        out.setdefault(region, set()).add(side)
    return out


def test_the_body_map_draws_every_region_of_the_knowledge_base(kb: musclekb.KnowledgeBase) -> None:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    drawn = {view: _figure_regions(html, view) for view in ("front", "back")}
    for region in kb.regions.values():
        views = ("front", "back") if region.map_view == "both" else (region.map_view,)
        for view in views:
            assert drawn[view].get(region.id) == {"left", "right"}, (region.id, view)
    known = set(kb.regions)
    for view, regions in drawn.items():
        assert set(regions) <= known, (view, set(regions) - known)
    # every muscle lies in a region the map can show
    assert {m.region for m in kb.muscles.values()} <= known
