"""Request examples for the OpenAPI document, kept as data in ``openapi_examples.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["EXAMPLES"]

EXAMPLES: dict[str, Any] = json.loads(
    Path(__file__).with_name("openapi_examples.json").read_text(encoding="utf-8")
)
