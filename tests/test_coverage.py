"""Coverage of the sources, as tests.

- every test, sign and exercise named in each article exists and cites that article
  (the names are listed per article in tests/cases/coverage/articles.yaml);
- every sign has at least one rule; every imbalance can be reached from a finding;
- every imbalance has exercises for each of its tight and weak components;
- antagonist pairs are symmetric; every muscle in the UBERON reference table carries its id.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
import yaml

import musclekb

from .conftest import CASES

ARTICLES = yaml.safe_load((CASES / "coverage" / "articles.yaml").read_text(encoding="utf-8"))
NAMED = [
    (article["file"], kind, entity_id)
    for article in ARTICLES["articles"]
    for kind in ("test", "sign", "exercise")
    for entity_id in article.get(kind + "s", [])
]


@pytest.mark.parametrize(
    ("article", "kind", "entity_id"), NAMED, ids=[f"{a[:3]}-{k}-{e}" for a, k, e in NAMED]
)
def test_named_in_article_exists_and_cites_it(
    kb: musclekb.KnowledgeBase, article: str, kind: str, entity_id: str
) -> None:
    entity = kb.all(kind).get(entity_id)
    assert entity is not None, f"{kind} {entity_id!r} named in {article} is missing"
    files = {kb.sources[s].file_name for s in entity.sources}
    assert article in files, f"{entity_id} does not cite {article} (cites {sorted(files)})"


def test_articles_file_names_every_seed(shared: Path) -> None:
    listed = {a["file"] for a in ARTICLES["articles"]}
    seeds = {p.name for p in (shared / "seeds").glob("*.txt")}
    assert listed == seeds


def test_every_sign_has_a_rule(kb: musclekb.KnowledgeBase) -> None:
    used = {r.if_sign for r in kb.rules.values() if r.if_sign}
    missing = sorted(set(kb.signs) - used)
    assert not missing, f"signs without a rule: {missing}"


def test_every_cause_has_a_rule(kb: musclekb.KnowledgeBase) -> None:
    used = {r.if_cause for r in kb.rules.values() if r.if_cause}
    assert not sorted(set(kb.causes) - used)


def test_every_imbalance_is_reachable_from_a_finding(kb: musclekb.KnowledgeBase) -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for rule in kb.rules.values():
        if rule.rule_type in ("sign", "measure", "pattern") and rule.certainty > 0:
            for premise in rule.premises:
                graph.add_edge(premise, rule.conclusion)
    findings = set(kb.signs) | set(kb.measures)
    reachable: set[str] = set()
    for finding in findings & set(graph):
        reachable |= nx.descendants(graph, finding)
    assert not sorted(set(kb.imbalances) - reachable)


def test_every_imbalance_component_has_exercises(kb: musclekb.KnowledgeBase) -> None:
    missing = [
        f"{imbalance.id}: {state}"
        for imbalance in kb.imbalances.values()
        for state in imbalance.components
        if not kb.addressing[state]
    ]
    assert not missing, "components without an exercise: " + ", ".join(missing)


def test_antagonist_pairs_are_symmetric(kb: musclekb.KnowledgeBase) -> None:
    for pair in kb.pairs.values():
        if pair.pair_kind == "antagonistic":
            assert pair.second in kb.antagonists_of(pair.first)
            assert pair.first in kb.antagonists_of(pair.second)
            first, second = kb.actions[pair.first_action], kb.actions[pair.second_action]
            assert second.id in first.opposites and first.id in second.opposites, pair.id
        else:
            assert pair.first == pair.second, pair.id


def test_muscles_carry_their_uberon_ids(kb: musclekb.KnowledgeBase, shared: Path) -> None:
    with (shared / "reference" / "uberon-muscles.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows
    carried = {m.uberon: m for m in kb.muscles.values() if m.uberon}
    for row in rows:
        muscle = carried.get(row["uberon"])
        assert muscle is not None, f"no muscle carries {row['uberon']} ({row['muscle']})"
        words = {w.strip("()").rstrip("s") for w in row["muscle"].lower().split()} - {
            "muscle",
            "group",
            "of",
            "head",
        }
        names = " ".join(muscle.names).lower()
        assert any(w and w in names for w in words), (row["muscle"], muscle.id)
        if row["fma"]:
            assert muscle.fma == row["fma"], muscle.id
