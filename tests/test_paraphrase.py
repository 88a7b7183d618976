"""The knowledge base paraphrases its sources: no text of it repeats a run of eight words of a
seed article or of the clinical reference. The titles of the sources are cited as written, so
they are left out (the source entities' labels and dcterms:title)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import DCTERMS, SKOS, Literal, URIRef

import musclekb

RUN = 8  # words in a row that make a copied phrase


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.fixture(scope="module")
def source_runs(shared: Path) -> dict[str, set[tuple[str, ...]]]:
    texts = sorted((shared / "seeds").glob("*.txt")) + sorted((shared / "reference").glob("*.md"))
    assert len(texts) >= 6
    return {p.name: _runs(p.read_text(encoding="utf-8", errors="replace")) for p in texts}


def test_no_text_repeats_a_source_word_for_word(
    kb: musclekb.KnowledgeBase, source_runs: dict[str, set[tuple[str, ...]]]
) -> None:
    sources = {URIRef(s.iri) for s in kb.sources.values()}
    copied = []
    for subject, predicate, value in kb.graph:
        if not isinstance(value, Literal) or not isinstance(value.value, str):
            continue
        if subject in sources and predicate in (DCTERMS.title, SKOS.prefLabel):
            continue  # a title, cited as written
        for name, runs in source_runs.items():
            shared_run = next((run for run in _runs(str(value)) if run in runs), None)
            if shared_run is not None:
                local = str(subject).rsplit("/", 1)[-1]
                copied.append(f"{local} {predicate}: '{' '.join(shared_run)}' ({name})")
    assert not copied, "text copied from a source; say it in other words:\n" + "\n".join(copied)


def test_the_check_finds_a_copied_sentence(source_runs: dict[str, set[tuple[str, ...]]]) -> None:
    seed = next(iter(sorted(source_runs)))
    some_run = sorted(source_runs[seed])[0]
    assert _runs("Before. " + " ".join(some_run).upper() + " after.") & source_runs[seed]
