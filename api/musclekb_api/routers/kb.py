"""The knowledge base itself: version, content hash, counts, load time."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from musclekb_api.query_params import only_parameters
from musclekb_api.state import KB

router = APIRouter(prefix="/v1", tags=["service"])


@router.get(
    "/kb",
    name="describe_kb",
    summary="Version, content hash, counts and load time of the knowledge base",
    dependencies=[Depends(only_parameters(()))],
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "version": "0.1.0",
                        "content_hash": "3f2a...",
                        "load_seconds": 0.41,
                        "validated": True,
                        "counts": {"muscle": 78, "sign": 70, "rule": 400},
                    }
                }
            }
        }
    },
)
def describe(kb: KB) -> dict[str, Any]:
    return kb.describe()
