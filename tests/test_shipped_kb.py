"""The shipped knowledge base parses, validates, meets its minimums and offers typed access."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

import musclekb
from musclekb.cli import app
from musclekb.model import Exercise, Muscle, Rule, Sign

MINIMUMS = {
    "muscle": 40, "pair": 12, "test": 12, "sign": 40, "measure": 6,
    "imbalance": 15, "cause": 12, "exercise": 100, "rule": 120,
}  # fmt: skip


def test_validates_cleanly() -> None:
    report = musclekb.validate()
    assert report.conforms, report.render()
    assert report.exit_code == 0


def test_cli_validate_exit_zero() -> None:
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid:")


@pytest.mark.parametrize(("kind", "minimum"), MINIMUMS.items(), ids=list(MINIMUMS))
def test_minimum_counts(kb: musclekb.KnowledgeBase, kind: str, minimum: int) -> None:
    assert len(kb.all(kind)) >= minimum


def test_typed_access_by_id_and_label(kb: musclekb.KnowledgeBase) -> None:
    muscle = kb.muscles["gluteus-medius"]
    assert isinstance(muscle, Muscle)
    assert kb.get("muscle", "Gluteus Medius") is muscle
    assert kb.get("muscle", "glute med") is muscle
    assert "glutes" in muscle.groups
    assert muscle.uberon == "UBERON:0001371"
    assert all(isinstance(s, Sign) for s in kb.signs.values())
    assert all(isinstance(e, Exercise) for e in kb.exercises.values())
    assert all(isinstance(r, Rule) for r in kb.rules.values())


def test_resolve_names_an_id_without_raising(kb: musclekb.KnowledgeBase) -> None:
    for key in ("gluteus-medius", "Gluteus Medius", "glute med"):
        assert kb.resolve("muscle", key) == "gluteus-medius"
    assert kb.resolve("muscle", "gluteus-medus") is None
    assert kb.resolve("exercise", "glute med") is None  # a name of another kind


def test_unknown_lookup_suggests(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(musclekb.LookupFailedError) as info:
        kb.get("muscle", "gluteus-medus")
    assert "gluteus-medius" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_entities_are_read_only(kb: musclekb.KnowledgeBase) -> None:
    with pytest.raises(TypeError):
        kb.muscles["new"] = kb.muscles["gluteus-medius"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        kb.muscles["gluteus-medius"].label = "x"  # type: ignore[misc]
    with pytest.raises(Exception):  # noqa: B017 - rdflib raises a bare ModificationException
        kb.graph.add((URIRef("urn:x"), URIRef("urn:y"), Literal("z")))


def test_network_projection(kb: musclekb.KnowledgeBase) -> None:
    graph = kb.nx
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.nodes["gluteus-medius"]["kind"] == "muscle"
    assert graph.has_edge("gluteus-medius", "glutes")
    rule = next(r for r in kb.rules.values() if r.rule_type == "sign")
    assert graph.has_edge(rule.id, rule.if_sign)
    assert graph.has_edge(rule.id, rule.then_state)


def test_every_rule_names_a_source_and_certainty(kb: musclekb.KnowledgeBase) -> None:
    for rule in kb.rules.values():
        assert rule.sources, rule.id
        assert -1.0 <= rule.certainty <= 1.0, rule.id
        assert rule.conclusion, rule.id


def test_stats_json() -> None:
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert '"sign"' in result.output


def test_describe(kb: musclekb.KnowledgeBase) -> None:
    info = kb.describe()
    assert len(info["content_hash"]) == 64
    assert info["counts"]["exercise"] == len(kb.exercises)
    assert info["validated"] is True
