"""A state's sentence agrees with its muscle's label: "right hamstrings are possibly weak", "right
gluteus medius is probably weak". Whether a label is a plural noun is knowledge
(``mk:pluralLabel`` in knowledge/anatomy.ttl), so a content author who adds a muscle says so
there and the sentences follow."""

from __future__ import annotations

from pathlib import Path

import orjson

import musclekb
from musclekb.model import MuscleState


def _sentences_of_every_state(kb: musclekb.KnowledgeBase) -> dict[str, str]:
    """The first sentence each muscle state gets, over assessments of every sign on the left
    (a state may be concluded on the other side)."""
    reasoner = musclekb.Reasoner(kb)
    out: dict[str, str] = {}
    for sign in sorted(kb.signs.values(), key=lambda s: s.id):
        finding = {"sign": sign.id, "side": "left" if sign.lateral else None}
        for row in reasoner.assess({"findings": [finding]}).to_dict()["states"]:
            out.setdefault(row["id"], row["explanation"]["sentences"][0])
    return out


def test_a_plural_label_takes_are_and_a_singular_one_is(kb: musclekb.KnowledgeBase) -> None:
    sentences = _sentences_of_every_state(kb)
    plural = 0
    for state_id, sentence in sentences.items():
        state: MuscleState = kb.states[state_id]
        muscle = kb.muscles[state.muscle]
        verb = "are" if muscle.plural_label else "is"
        side = sentence.split(" ", 1)[0]
        assert side in ("Left", "Right")
        assert sentence.startswith(f"{side} {muscle.label} {verb} "), sentence
        plural += muscle.plural_label
    assert plural >= 5  # the hamstrings, hip flexors, glutes, quadriceps, calves, ...
    assert len(sentences) - plural >= 5


def test_the_shipped_plural_labels(kb: musclekb.KnowledgeBase) -> None:
    plural = {m.label for m in kb.muscles.values() if m.plural_label}
    assert {"hamstrings", "hip flexors", "glutes", "calves", "adductors"} <= plural
    assert not plural & {"gluteus maximus", "rectus abdominis", "chest", "rotator cuff"}
    assert all(label.endswith(("s", "ae", "es")) for label in plural), plural


def test_the_verb_follows_the_knowledge_base(kb_copy: Path) -> None:
    path = kb_copy / "anatomy.ttl"
    text = path.read_text(encoding="utf-8")
    marked = '    skos:prefLabel "hamstrings"@en ;\n    mk:pluralLabel true ;\n'
    assert marked in text
    path.write_text(text.replace(marked, '    skos:prefLabel "hamstrings"@en ;\n'), "utf-8")
    edited = musclekb.load(kb_copy)
    assert not edited.muscles["hamstrings"].plural_label
    sentence = _sentences_of_every_state(edited)["hamstrings-tight"]
    assert sentence.startswith(("Left hamstrings is ", "Right hamstrings is ")), sentence


def test_an_imbalance_sentence_names_a_side_only_when_the_imbalance_is_reported_with_one(
    kb: musclekb.KnowledgeBase,
) -> None:
    """A non-lateral imbalance is reported without a side, so its sentence names none either
    (its belief is kept on the side of its evidence, which the tree still shows); one found alike
    on both sides says so (its sentence gives the derivation on the left)."""
    reasoner = musclekb.Reasoner(kb)
    seen = {"none": 0, "side": 0, "bilateral": 0}
    for i, sign in enumerate(sorted(kb.signs.values(), key=lambda s: s.id)):
        side = "left" if i % 2 else "bilateral"
        finding = {"sign": sign.id, "side": side if sign.lateral else None}
        result = reasoner.assess({"findings": [finding]})
        as_json = orjson.loads(result.to_json())
        assert as_json == result.to_dict()
        for row in as_json["imbalances"]:
            head = row["explanation"]["sentences"][0].split(" is ", 1)[0]
            label = kb.imbalances[row["id"]].label
            if row["side"] is None:
                assert head == label, head
                seen["none"] += 1
            elif row["side"] in ("left", "right"):
                assert head == f"{label} ({row['side']})", head
                seen["side"] += 1
            else:  # bilateral: the derivation of one side, and the other is the same
                assert head == f"{label} (left, and the same on the right)", head
                seen["bilateral"] += 1
    assert seen["none"] >= 3 and seen["side"] >= 10 and seen["bilateral"] >= 3, seen
