"""Heavy state built once per process in the lifespan, and the dependencies that hand it out."""

from __future__ import annotations

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
    "get_kb",
    "get_reasoner",
    "get_search_index",
    "get_store",
]


def get_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


def get_reasoner(request: Request) -> Reasoner:
    reasoner: Reasoner = request.app.state.reasoner
    return reasoner


def get_search_index(request: Request) -> SearchIndex:
    index: SearchIndex = request.app.state.search_index
    return index


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


KB = Annotated[KnowledgeBase, Depends(get_kb)]
Engine = Annotated[Reasoner, Depends(get_reasoner)]
Index = Annotated[SearchIndex, Depends(get_search_index)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
Store = Annotated[GraphStore, Depends(get_store)]
