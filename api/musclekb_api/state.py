"""Heavy state built once per process in the lifespan, and the dependencies that hand it out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from musclekb import KnowledgeBase

__all__ = ["KB", "get_kb"]


def get_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


KB = Annotated[KnowledgeBase, Depends(get_kb)]
