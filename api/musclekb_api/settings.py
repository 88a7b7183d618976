"""Service settings, read from the environment once and cached (tests override ``get_settings``)."""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from musclekb.phrases import TABLE_ENTRIES
from musclekb.request import MAX_SUGGESTED

__all__ = ["SETTING_NAMES", "Settings", "get_settings", "settings_from", "unknown_settings"]

T = TypeVar("T", int, float)


@dataclass(frozen=True)
class Settings:
    """Every setting, with the environment variable that sets it.

    ``MUSCLEKB_KNOWLEDGE``: knowledge directory (default: the shipped one).
    ``MUSCLEKB_MAX_BODY_BYTES``: largest request body accepted, in bytes (larger: 413).
    ``MUSCLEKB_MAX_HEAD_BYTES``: largest request line and headers together, in bytes (larger:
    414 when the request line is what is long, else 431; ``musclekb_api.protocol``).
    ``MUSCLEKB_HEAD_TIMEOUT``: seconds a request line and headers may take to arrive, from the
    connection's opening or the request's first byte (longer: 408, or closed when nothing came).
    ``MUSCLEKB_SEND_TIMEOUT``: seconds a client may take nothing of an answer that waits for it
    before the connection is dropped.
    ``MUSCLEKB_BODY_TIMEOUT``: seconds a request body may take to arrive (longer: 408).
    ``MUSCLEKB_MAX_FINDINGS`` / ``MUSCLEKB_MAX_MEASUREMENTS``: most findings and measurements in
    one assessment (more: 413).
    ``MUSCLEKB_MAX_CONTEXT_ITEMS``: most causes, and most pieces of equipment, in one
    assessment's context (more: 413).
    ``MUSCLEKB_MAX_PROBLEMS``: most problems one 422 lists (each with where it is and, for an
    unknown id, the closest ids); the rest are counted in its ``unlisted``.
    ``MUSCLEKB_SPARQL_TIMEOUT``: seconds a SPARQL query may run before it is stopped.
    ``MUSCLEKB_SPARQL_MAX_ROWS``: most rows (or triples) a SPARQL query returns; the rest is cut.
    ``MUSCLEKB_SPARQL_MAX_BYTES``: about how many bytes the terms of a SPARQL answer's rows may
    take; the rows past that are cut (so a query that builds huge strings answers a bounded body).
    ``MUSCLEKB_SPARQL_MAX_DEPTH``: most levels a SPARQL query may nest groups, blank nodes,
    collections and parentheses (more: 400 before it is evaluated; 0: no limit).
    ``MUSCLEKB_SPARQL_PROCESSES``: SPARQL queries evaluated at once per server process (each in a
    child process that is killed when its query runs over the time limit).
    ``MUSCLEKB_SPARQL_MEMORY_MB``: address-space limit of each SPARQL child process (0: none).
    ``MUSCLEKB_GC_THRESHOLD``: objects allocated (net) before the cyclic garbage collector's
    youngest generation is collected (0: Python's default, 700). An assessment leaves no
    reference cycles behind but builds thousands of objects while it runs, so with the default
    the collector walks them several times per request for nothing.
    ``MUSCLEKB_TABLE_ENTRIES``: the most entries in each table where a worker keeps the words and
    JSON pieces of explanations between assessments (memory against the time to write them
    again; answers are the same at any size).
    ``MUSCLEKB_GZIP_LEVEL``: how hard an answer is compressed when the client accepts gzip, 1
    (fastest) to 9 (smallest); 0 sends every answer uncompressed.
    ``MUSCLEKB_GZIP_MIN_BYTES``: answers shorter than this are sent uncompressed.
    ``MUSCLEKB_CORS_ORIGINS``: the web origins (``https://app.example.org``, comma-separated, or
    ``*`` for any) whose pages may call the API from a browser; none by default.
    """

    knowledge_dir: Path | None = None
    max_body_bytes: int = 64 * 1024
    max_head_bytes: int = 64 * 1024
    head_timeout: float = 10.0
    send_timeout: float = 60.0
    body_timeout: float = 10.0
    max_findings: int = 200
    max_measurements: int = 200
    max_context_items: int = 200
    max_problems: int = MAX_SUGGESTED
    sparql_timeout: float = 5.0
    sparql_max_rows: int = 10_000
    sparql_max_bytes: int = 16 * 1024 * 1024
    sparql_max_depth: int = 32
    sparql_processes: int = 2
    sparql_memory_mb: int = 2048
    # first threshold of the cyclic garbage collector: above Python's 700, which spends about 6%
    # of the time in collections; far higher and each collection pauses for tens of milliseconds
    gc_threshold: int = 2_000
    table_entries: int = TABLE_ENTRIES
    # gzip level 3 writes a 10-finding assessment (160 KiB on average) as about 15 KiB in about
    # 1 ms; level 6 as 11 KiB in 2.7 ms (bench/bench_api.py prints what it costs on this machine)
    gzip_level: int = 3
    gzip_min_bytes: int = 1024
    cors_origins: tuple[str, ...] = ()


def _read(
    env: Mapping[str, str],
    name: str,
    convert: Callable[[str], T],
    default: T,
    minimum: T,
    maximum: T | None = None,
) -> T:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = convert(raw.strip())
    except ValueError:
        value = None
    too_large = maximum is not None and value is not None and value > maximum
    if value is None or not math.isfinite(value) or value < minimum or too_large:
        kind = "a whole number" if convert is int else "a number"
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ValueError(f"{name} must be {kind} {bounds}, got {raw!r}")
    return value


# an origin as a browser sends it: scheme, host name or bracketed IPv6 address, optional port
_ORIGIN = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?")


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    """``MUSCLEKB_CORS_ORIGINS``: ``*``, or origins as a browser sends them (scheme, host and
    port, no path), comma-separated."""
    raw = env.get("MUSCLEKB_CORS_ORIGINS", "")
    origins = tuple(part.strip() for part in raw.split(",") if part.strip())
    if origins == ("*",):
        return origins
    wrong = [o for o in origins if not _ORIGIN.fullmatch(o)]
    if wrong:
        raise ValueError(
            f"MUSCLEKB_CORS_ORIGINS must be '*' or origins such as 'https://app.example.org' "
            f"(scheme and host, an optional port, no path or trailing slash), comma-separated; "
            f"not an origin: {', '.join(repr(o) for o in wrong)}"
        )
    return origins


# Upper bounds where a larger value would overflow what it is handed to (a time-out in seconds
# for select(), a memory limit in bytes for setrlimit(), the collector's C int threshold) or
# start more processes than any machine this runs on has cores for.
_HOUR = 3600.0
_TIB_IN_MB = 1 << 20
_INT32 = (1 << 31) - 1


SETTING_NAMES = (
    "MUSCLEKB_KNOWLEDGE", "MUSCLEKB_MAX_BODY_BYTES", "MUSCLEKB_MAX_HEAD_BYTES",
    "MUSCLEKB_HEAD_TIMEOUT", "MUSCLEKB_SEND_TIMEOUT", "MUSCLEKB_BODY_TIMEOUT",
    "MUSCLEKB_MAX_FINDINGS", "MUSCLEKB_MAX_MEASUREMENTS", "MUSCLEKB_MAX_CONTEXT_ITEMS",
    "MUSCLEKB_MAX_PROBLEMS", "MUSCLEKB_SPARQL_TIMEOUT", "MUSCLEKB_SPARQL_MAX_ROWS",
    "MUSCLEKB_SPARQL_MAX_BYTES", "MUSCLEKB_SPARQL_MAX_DEPTH", "MUSCLEKB_SPARQL_PROCESSES",
    "MUSCLEKB_SPARQL_MEMORY_MB", "MUSCLEKB_GC_THRESHOLD", "MUSCLEKB_TABLE_ENTRIES",
    "MUSCLEKB_GZIP_LEVEL", "MUSCLEKB_GZIP_MIN_BYTES", "MUSCLEKB_CORS_ORIGINS",
)  # fmt: skip
"""Every environment variable :func:`settings_from` reads (a test holds them to it)."""


def unknown_settings(env: Mapping[str, str]) -> list[str]:
    """A warning for each ``MUSCLEKB_*`` variable of ``env`` that is no setting (a misspelt one
    would otherwise be ignored without a word), naming the closest setting."""
    out = []
    for name in sorted(env):
        if name.startswith("MUSCLEKB_") and name not in SETTING_NAMES:
            close = difflib.get_close_matches(name, SETTING_NAMES, n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]}?" if close else ""
            out.append(f"{name} is not a setting of the service and is ignored{hint}")
    return out


def settings_from(env: Mapping[str, str]) -> Settings:
    """Settings from environment variables (unset ones keep their defaults)."""
    d = Settings()
    knowledge = env.get("MUSCLEKB_KNOWLEDGE")
    return Settings(
        knowledge_dir=Path(knowledge) if knowledge else None,
        max_body_bytes=_read(env, "MUSCLEKB_MAX_BODY_BYTES", int, d.max_body_bytes, 64),
        max_head_bytes=_read(env, "MUSCLEKB_MAX_HEAD_BYTES", int, d.max_head_bytes, 1024, _INT32),
        head_timeout=_read(env, "MUSCLEKB_HEAD_TIMEOUT", float, d.head_timeout, 0.1, _HOUR),
        send_timeout=_read(env, "MUSCLEKB_SEND_TIMEOUT", float, d.send_timeout, 0.1, _HOUR),
        body_timeout=_read(env, "MUSCLEKB_BODY_TIMEOUT", float, d.body_timeout, 0.1, _HOUR),
        max_findings=_read(env, "MUSCLEKB_MAX_FINDINGS", int, d.max_findings, 0),
        max_measurements=_read(env, "MUSCLEKB_MAX_MEASUREMENTS", int, d.max_measurements, 0),
        max_context_items=_read(env, "MUSCLEKB_MAX_CONTEXT_ITEMS", int, d.max_context_items, 0),
        max_problems=_read(env, "MUSCLEKB_MAX_PROBLEMS", int, d.max_problems, 1),
        sparql_timeout=_read(env, "MUSCLEKB_SPARQL_TIMEOUT", float, d.sparql_timeout, 0.05, _HOUR),
        sparql_max_rows=_read(env, "MUSCLEKB_SPARQL_MAX_ROWS", int, d.sparql_max_rows, 1),
        sparql_max_bytes=_read(
            env, "MUSCLEKB_SPARQL_MAX_BYTES", int, d.sparql_max_bytes, 1024, _INT32
        ),
        sparql_max_depth=_read(env, "MUSCLEKB_SPARQL_MAX_DEPTH", int, d.sparql_max_depth, 0),
        sparql_processes=_read(env, "MUSCLEKB_SPARQL_PROCESSES", int, d.sparql_processes, 1, 64),
        sparql_memory_mb=_read(
            env, "MUSCLEKB_SPARQL_MEMORY_MB", int, d.sparql_memory_mb, 0, _TIB_IN_MB
        ),
        gc_threshold=_read(env, "MUSCLEKB_GC_THRESHOLD", int, d.gc_threshold, 0, _INT32),
        table_entries=_read(env, "MUSCLEKB_TABLE_ENTRIES", int, d.table_entries, 2),
        gzip_level=_read(env, "MUSCLEKB_GZIP_LEVEL", int, d.gzip_level, 0, 9),
        gzip_min_bytes=_read(env, "MUSCLEKB_GZIP_MIN_BYTES", int, d.gzip_min_bytes, 0),
        cors_origins=_origins(env),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from(os.environ)
