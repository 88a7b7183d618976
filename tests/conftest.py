"""Shared fixtures: the shipped knowledge base (loaded once), its directory, and ../shared."""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import pytest

import musclekb

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"


def run_alone(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """``anyio.run`` in a thread of its own: the browser tests keep an event loop running in
    the main thread."""
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(anyio.run, func, *args).result()


def shared_dir() -> Path:
    """The shared folder beside the checkout (seed articles and clinical references)."""
    return Path(os.environ.get("MUSCLEKB_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def kb() -> musclekb.KnowledgeBase:
    return musclekb.load()


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return musclekb.default_knowledge_dir()


@pytest.fixture
def kb_copy(tmp_path: Path, knowledge_dir: Path) -> Path:
    """A writable copy of the shipped knowledge directory (data files only)."""
    target = tmp_path / "knowledge"
    target.mkdir()
    for path in knowledge_dir.glob("*.ttl"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "seeds").is_dir():
        pytest.fail(f"the shared folder with seeds/ and reference/ is expected at {path}")
    return path


@pytest.fixture(scope="session")
def api_client() -> Iterator[TestClient]:
    """One started app (knowledge base loaded, engine built) shared by the API tests."""
    from fastapi.testclient import TestClient

    from musclekb_api.app import create_app

    with TestClient(create_app()) as client:
        yield client
