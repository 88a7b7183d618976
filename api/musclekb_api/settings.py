"""Service settings, read from the environment once and cached (tests override ``get_settings``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Settings", "get_settings"]


@dataclass(frozen=True)
class Settings:
    """``MUSCLEKB_KNOWLEDGE``: knowledge directory (default: the shipped one)."""

    knowledge_dir: Path | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    knowledge = os.environ.get("MUSCLEKB_KNOWLEDGE")
    return Settings(knowledge_dir=Path(knowledge) if knowledge else None)
