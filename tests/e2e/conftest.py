"""Fixtures for the browser tests: the live server, the browser, and a fresh page per test.

Without Chromium at /usr/bin/chromium the tests are skipped, unless MUSCLEKB_REQUIRE_BROWSER=1, in
which case they fail. Every page records its script errors and any request that would leave
127.0.0.1 (such a request is aborted): the page must work offline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import browser_missing_reason, launch, live_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Route

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_available() -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("MUSCLEKB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MUSCLEKB_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_url(browser_available: None) -> Iterator[str]:
    with live_server() as url:
        yield url


@pytest.fixture(scope="session")
def playwright_session(browser_available: None) -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    b = launch(playwright_session)
    yield b
    b.close()


@dataclass
class PageLog:
    """What happened in a page that a test may want to check."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def _new_page(browser: Browser, live_url: str, log: PageLog, **context: object) -> Page:
    ctx = browser.new_context(viewport=VIEWPORT, base_url=live_url, **context)  # type: ignore[arg-type]
    here = urlsplit(live_url).netloc

    def guard(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != here:
            log.external.append(url)
            route.abort()
        else:
            route.continue_()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: log.errors.append(msg.text) if msg.type == "error" else None,
    )
    return page


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, live_url: str, page_log: PageLog) -> Iterator[Page]:
    p = _new_page(browser, live_url, page_log)
    yield p
    p.context.close()


@pytest.fixture
def new_page(browser: Browser, live_url: str) -> Iterator[object]:
    """A factory for more pages (each with its own log), closed after the test."""
    opened: list[Page] = []

    def make(**context: object) -> tuple[Page, PageLog]:
        log = PageLog()
        p = _new_page(browser, live_url, log, **context)
        opened.append(p)
        return p, log

    yield make
    for p in opened:
        p.context.close()
