"""musclekb's own SHACL evaluator and its Oxigraph-run checks agree with pySHACL and rdflib."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from musclekb.checks import load_checks, run_checks, run_checks_rdflib
from musclekb.shacl import compile_shapes
from musclekb.shacl_pyshacl import validate_with_pyshacl
from musclekb.sources import parse_knowledge
from musclekb.validation import load_shapes, support_dir

from .conftest import CASES

BROKEN = sorted(
    p
    for p in (CASES / "broken").iterdir()
    if (p / "case.yaml").is_file() and p.name != "syntax-error"
)


def _both(directory: Path) -> tuple[list[object], list[object]]:
    parsed = parse_knowledge(directory)
    shapes = load_shapes(directory)
    return compile_shapes(shapes).validate(parsed.graph), validate_with_pyshacl(
        parsed.graph, shapes
    )


def test_engines_agree_on_the_shipped_kb(knowledge_dir: Path) -> None:
    fast, reference = _both(knowledge_dir)
    assert fast == reference == []


@pytest.mark.parametrize("case_dir", BROKEN, ids=[p.name for p in BROKEN])
def test_engines_agree_on_broken_fixtures(case_dir: Path, kb_copy: Path) -> None:
    for ttl in case_dir.glob("*.ttl"):
        shutil.copy(ttl, kb_copy / ttl.name)
    fast, reference = _both(kb_copy)
    assert fast == reference


@pytest.mark.parametrize("case_dir", BROKEN, ids=[p.name for p in BROKEN])
def test_check_engines_agree(case_dir: Path, kb_copy: Path) -> None:
    for ttl in case_dir.glob("*.ttl"):
        shutil.copy(ttl, kb_copy / ttl.name)
    parsed = parse_knowledge(kb_copy)
    checks = load_checks(support_dir(kb_copy, "checks"))
    fast = sorted(run_checks(parsed.store, checks, parsed.defined_in))
    slow = sorted(run_checks_rdflib(parsed.graph, checks, parsed.defined_in))
    assert fast == slow
