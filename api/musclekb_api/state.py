"""Heavy state built once per process in the lifespan, and the dependencies that hand it out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from musclekb import KnowledgeBase, Reasoner
from musclekb_api.settings import Settings, get_settings

__all__ = ["KB", "Engine", "SettingsDep", "get_kb", "get_reasoner"]


def get_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


def get_reasoner(request: Request) -> Reasoner:
    reasoner: Reasoner = request.app.state.reasoner
    return reasoner


KB = Annotated[KnowledgeBase, Depends(get_kb)]
Engine = Annotated[Reasoner, Depends(get_reasoner)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
