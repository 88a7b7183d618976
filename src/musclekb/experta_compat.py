"""Import experta without letting it take over the application's logging.

experta 1.9.4 calls ``logging.basicConfig()`` when its ``engine`` and ``watchers`` modules are
imported, which installs a handler on the root logger of whatever application imports it. musclekb
imports experta only through :func:`import_experta`, which makes that call a no-op for the duration
of the import. Import errors are not swallowed.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["import_experta"]

_lock = threading.Lock()


def _no_basic_config(*_args: Any, **_kwargs: Any) -> None:
    return None


def import_experta() -> ModuleType:
    """Return the ``experta`` module, importing it (once) with ``logging.basicConfig`` disabled."""
    with _lock:
        loaded = sys.modules.get("experta")
        if loaded is not None and hasattr(loaded, "KnowledgeEngine"):
            return loaded
        original = logging.basicConfig
        logging.basicConfig = _no_basic_config
        try:
            return importlib.import_module("experta")
        finally:
            logging.basicConfig = original
