"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

from musclekb import KnowledgeBase
from musclekb_api.state import KB

__all__ = ["answer", "router"]

router = APIRouter(tags=["service"])


def answer(kb: KnowledgeBase) -> dict[str, str]:
    """The liveness answer: ``ok``, and the start of the knowledge base's content hash."""
    return {"status": "ok", "knowledge": kb.info.content_hash[:12]}


@router.get("/healthz", summary="Liveness and knowledge base identity")
async def healthz(kb: KB) -> dict[str, str]:
    return answer(kb)
