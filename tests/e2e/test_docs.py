"""The interactive API documentation at /docs works with no network beyond this server: Swagger
UI loads from the server's own files, lists every operation of the OpenAPI document, and runs a
call against the server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.request import urlopen

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import PageLog

pytestmark = pytest.mark.e2e


def _operations(live_url: str) -> int:
    with urlopen(f"{live_url}/openapi.json") as answer:
        paths = json.load(answer)["paths"]
    return sum(len(methods) for methods in paths.values())


def test_docs_list_every_operation_offline(page: Page, page_log: PageLog, live_url: str) -> None:
    page.goto("/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == _operations(live_url)
    assert page.locator(".information-container .title").inner_text().startswith("musclekb")
    assert page_log.external == [], "nothing is loaded from other hosts"
    assert page_log.errors == [], "no script error and no blocked resource"


def test_docs_try_it_out_calls_the_server(page: Page, page_log: PageLog) -> None:
    page.goto("/docs")
    block = page.locator(".opblock", has=page.locator("[data-path='/healthz']"))
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert '"status": "ok"' in block.locator(".live-responses-table .microlight").first.inner_text()
    assert page_log.external == [] and page_log.errors == []
