"""``load()``: parse, validate and index a knowledge directory."""

from __future__ import annotations

import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from musclekb.build import build_entities
from musclekb.errors import KnowledgeInvalidError, KnowledgeParseError
from musclekb.kb import KnowledgeBase, KnowledgeInfo
from musclekb.sources import default_knowledge_dir, parse_knowledge
from musclekb.validation import Engine, validate_parsed

__all__ = ["load", "package_version"]


def package_version() -> str:
    try:
        return version("musclekb")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def load(
    path: Path | str | None = None, *, validate: bool = True, engine: Engine = "fast"
) -> KnowledgeBase:
    """Load the knowledge base in ``path`` (the shipped one when ``None``).

    Parses every Turtle file, validates the result against the shapes and checks (unless
    ``validate=False``) and returns a read-only :class:`KnowledgeBase`.

    Raises :class:`KnowledgeParseError` when a file does not parse and
    :class:`KnowledgeInvalidError` (with every violation) when the knowledge is invalid.
    """
    start = time.perf_counter()
    directory = Path(path) if path is not None else default_knowledge_dir()
    parsed = parse_knowledge(directory)
    if parsed.problems:
        raise KnowledgeParseError(parsed.problems)
    if validate:
        violations = validate_parsed(parsed, engine)
        if violations:
            raise KnowledgeInvalidError(violations)
    elif parsed.violations:
        raise KnowledgeInvalidError(parsed.violations)
    entities = build_entities(parsed.graph)
    info = KnowledgeInfo(
        version=package_version(),
        content_hash=parsed.content_hash,
        directory=str(directory),
        files=tuple(p.name for p in parsed.files),
        triples=len(parsed.graph),
        load_seconds=time.perf_counter() - start,
        validated=validate,
    )
    return KnowledgeBase(parsed.graph, entities, info)
