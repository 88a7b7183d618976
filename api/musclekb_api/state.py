"""Heavy state built once per process in the lifespan, and the dependencies that hand it out.

The dependencies are coroutines: FastAPI runs a plain function dependency in a worker thread, and
the hop there and back cost more than anything these do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from musclekb import KnowledgeBase, Reasoner
from musclekb.search import SearchIndex
from musclekb_api.graphstore import GraphStore
from musclekb_api.settings import Settings, get_settings

__all__ = [
    "KB",
    "Engine",
    "Index",
    "SettingsDep",
    "Store",
    "current_settings",
    "get_current_settings",
    "get_kb",
    "get_reasoner",
    "get_search_index",
    "get_store",
]


async def get_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


async def get_reasoner(request: Request) -> Reasoner:
    reasoner: Reasoner = request.app.state.reasoner
    return reasoner


async def get_search_index(request: Request) -> SearchIndex:
    index: SearchIndex = request.app.state.search_index
    return index


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def current_settings(request: Request) -> Settings:
    """The settings in force: ``get_settings()``, or what the app overrides it with (tests, and
    ``create_app(settings)``)."""
    provider: Callable[[], Settings] = request.app.dependency_overrides.get(
        get_settings, get_settings
    )
    return provider()


async def get_current_settings(request: Request) -> Settings:
    return current_settings(request)


KB = Annotated[KnowledgeBase, Depends(get_kb)]
Engine = Annotated[Reasoner, Depends(get_reasoner)]
Index = Annotated[SearchIndex, Depends(get_search_index)]
SettingsDep = Annotated[Settings, Depends(get_current_settings)]
Store = Annotated[GraphStore, Depends(get_store)]
