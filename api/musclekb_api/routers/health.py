"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter

from musclekb_api.state import KB

router = APIRouter(tags=["service"])


@router.get("/healthz", summary="Liveness and knowledge base identity")
async def healthz(kb: KB) -> dict[str, str]:
    return {"status": "ok", "knowledge": kb.info.content_hash[:12]}
