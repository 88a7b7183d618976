"""The words an explanation gives a certainty come from the knowledge base (knowledge/
explaining.ttl, after MYCIN's certainty scale and its practice of saying how certain each
conclusion is): change a word or a bound there and the sentences follow."""

from __future__ import annotations

import random
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

import musclekb
from musclekb.phrases import hedge
from tests.case_requests import assessed_requests

FINDINGS: list[dict[str, Any]] = [
    {"sign": "sls-knee-valgus", "side": "left"},
    {"sign": "slb-hip-dip", "side": "left"},
    {"sign": "ohs-heels-rise-sign", "side": "bilateral"},
]


def _said(kb: musclekb.KnowledgeBase, sentence: str) -> str:
    """The certainty words of a sentence's head (the longest that fits: "probably not" before
    "probably")."""
    words = sorted((text for _, _, text in kb.certainty_words), key=len, reverse=True)
    found = re.search(f" (?:is|are) ({'|'.join(map(re.escape, words))}) ", sentence)
    assert found, sentence
    return found.group(1)


def _edit(kb_copy: Path, old: str, new: str) -> None:
    path = kb_copy / "explaining.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_each_wording_holds_from_its_bound(kb: musclekb.KnowledgeBase) -> None:
    words = kb.certainty_words
    assert words[-1][:2] == (-1.0, True), "the last wording starts at -1"
    assert len({w.label for w in kb.certainty_wordings.values()}) == len(words)
    for w in kb.certainty_wordings.values():
        assert "buchanan-shortliffe-1984" in w.sources and w.principles
        if w.at_least is not None:
            assert hedge(w.at_least, words) == w.label
        else:
            assert w.above is not None
            assert hedge(w.above, words) != w.label
            assert hedge(w.above + 1e-9, words) == w.label
    for cf in (-1.0, -0.3, 0.0, 0.1, 0.45, 0.7, 0.95, 1.0):
        below = [
            text for bound, included, text in words if cf > bound or (included and cf == bound)
        ]
        assert hedge(cf, words) == below[0]


def test_sentences_use_the_words_of_the_certainty_they_show(kb: musclekb.KnowledgeBase) -> None:
    """The words go with the number the sentence shows (two decimals): 0.796 is shown as 0.8
    and worded as 0.8 is."""
    rng = random.Random(7)
    signs = sorted(kb.signs.values(), key=lambda s: s.id)
    reasoner = musclekb.Reasoner(kb)
    said = set()
    for _ in range(20):
        findings = [
            {"sign": s.id, "side": rng.choice(["left", "right"]) if s.lateral else None}
            for s in rng.sample(signs, 6)
        ]
        answer = reasoner.assess({"findings": findings}).to_dict()
        for row in [*answer["imbalances"], *answer["states"]]:
            sentence = row["explanation"]["sentences"][0]
            words = _said(kb, sentence)
            shown = re.search(rf" (?:is|are) {re.escape(words)} [^(]*\((-?[\d.]+)\)", sentence)
            assert shown, sentence
            assert float(shown.group(1)) == pytest.approx(row["certainty"], abs=0.0051)
            assert words == hedge(float(shown.group(1)), kb.certainty_words), sentence
            said.add(words)
    assert len(said) >= 3


def _cents(certainty: float) -> str:
    """A certainty as a person rounds it to two decimals, halves up (0.475 -> 0.48)."""
    text = str(Decimal(repr(certainty)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") or "0"


def test_a_sentence_shows_its_certainty_once_rounded_the_same_way(
    kb: musclekb.KnowledgeBase,
) -> None:
    """The head of a sentence and the last step of its arithmetic show the certainty the result
    gives, rounded to two decimals as people round: never "possibly weak (0.47): ... = 0.48"
    for a result of 0.475, computed once as a hair under and once as a hair over it."""
    reasoner = musclekb.Reasoner(kb)
    halves = 0
    for _, assessment in assessed_requests(reasoner, 200, seed=17):
        answer = assessment.to_dict(explain="sentences")
        for row in [*answer["imbalances"], *answer["states"]]:
            sentence = row["explanation"]["sentences"][0]
            expected = _cents(row["certainty"])
            head = re.search(r" \((-?[\d.]+)\):", sentence)
            assert head and head.group(1) == expected, (row["certainty"], sentence)
            if "; " in sentence:  # evidence combined: the arithmetic ends in the same number
                assert sentence.endswith(f"= {expected}."), (row["certainty"], sentence)
            halves += round(row["certainty"] * 1000) % 10 == 5
    assert halves > 20  # the requests reach certainties that end in a half cent


def test_changed_words_change_the_sentences(kb_copy: Path) -> None:
    _edit(
        kb_copy,
        'skos:prefLabel "probably"@en ;\n    mk:certaintyAtLeast 0.6 ;',
        'skos:prefLabel "likely"@en ;\n    mk:certaintyAtLeast 0.5 ;',
    )
    changed = musclekb.load(kb_copy)
    assert (0.5, True, "likely") in changed.certainty_words
    answer = musclekb.Reasoner(changed).assess({"findings": FINDINGS}).to_dict()
    said = {
        _said(changed, row["explanation"]["sentences"][0])
        for row in [*answer["imbalances"], *answer["states"]]
    }
    assert "likely" in said and "probably" not in said


def test_a_wording_from_a_bound_and_one_above_it_share_the_bound(kb_copy: Path) -> None:
    """Beside "perhaps" (above 0), a wording from 0 holds for 0 alone."""
    path = kb_copy / "explaining.ttl"
    path.write_text(
        path.read_text(encoding="utf-8")
        + """
kb:certainty-undecided a mk:CertaintyWording ;
    skos:prefLabel "undecided"@en ;
    mk:certaintyAtLeast 0.0 ;
    mk:putsIntoPractice kb:principle-state-certainty ;
    dcterms:source kb:buchanan-shortliffe-1984 .
""",
        encoding="utf-8",
    )
    words = musclekb.load(kb_copy).certainty_words
    assert [hedge(cf, words) for cf in (0.1, 0.0, -0.1)] == ["perhaps", "undecided", "probably not"]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "mk:certaintyAtLeast -1.0 ;",
            "mk:certaintyAbove 0.0 ;",
            "no certainty wording starts at -1",
        ),
        ("mk:certaintyAtLeast 0.4 ;", "", "needs one bound"),
        (
            "mk:certaintyAtLeast 0.4 ;",
            "mk:certaintyAtLeast 0.4 ; mk:certaintyAbove 0.4 ;",
            "one bound",
        ),
    ],
    ids=["no lowest", "no bound", "two bounds"],
)
def test_a_base_with_unusable_words_is_refused(
    kb_copy: Path, old: str, new: str, says: str
) -> None:
    _edit(kb_copy, old, new)
    with pytest.raises(musclekb.KnowledgeInvalidError, match="certainty wording"):
        musclekb.load(kb_copy)
    unchecked = musclekb.load(kb_copy, validate=False)
    with pytest.raises(musclekb.KnowledgeInvalidError, match=says) as info:
        musclekb.Reasoner(unchecked)
    assert "explaining.ttl" in str(info.value)
