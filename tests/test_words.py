"""The English word handling under the search (musclekb.words), and what it changes in scoring
on small hand-made indexes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musclekb.search import SearchIndex
from musclekb.words import FUNCTION_WORDS, base_forms, stem, words

from .test_search import _entity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thomas's test", ["thomas", "test"]),
        ("Thomas\u2019s test", ["thomas", "test"]),
        ("the knee's angle", ["the", "knee", "angle"]),
        ("can't touch", ["cant", "touch"]),
        ("it's", ["it"]),
        ("'s alone", ["s", "alone"]),
        ("Plie\u0301-squats!", ["plie", "squats"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("knees", "knee"),
        ("injuries", "injury"),
        ("stretches", "stretch"),
        ("boxes", "box"),
        ("presses", "press"),
        ("glutes", "glute"),
        ("gluteus", "gluteus"),
        ("press", "press"),
        ("pelvis", "pelvis"),
        ("abs", "abs"),
        ("ies", "ies"),
        ("knee", "knee"),
        # irregular plurals
        ("calves", "calf"),
        ("halves", "half"),
        ("feet", "foot"),
        ("teeth", "tooth"),
        ("calf", "calf"),
        ("foot", "foot"),
        ("valgus", "valgus"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("lifting", "lift"),
        ("jumping", "jump"),
        ("rising", "rise"),
        ("hopping", "hop"),
        ("running", "run"),
        ("rolling", "roll"),
        ("legged", "leg"),
        ("hunched", "hunch"),
        ("raised", "raise"),
        ("carried", "carry"),
        ("weakness", "weak"),
        ("tightness", "tight"),
        ("inward", "in"),
        ("outward", "out"),
        ("backward", "back"),
    ],
)
def test_base_forms(word: str, base: str) -> None:
    assert base in base_forms(word)
    assert word in base_forms(word)


@pytest.mark.parametrize("word", ["bring", "need", "sing", "red", "toward", "forward", "ward"])
def test_short_bases_and_function_words_are_not_bases(word: str) -> None:
    """A base keeps three letters (two for -ward), and never is a function word."""
    assert all(len(b) >= 2 and b not in FUNCTION_WORDS for b in base_forms(word) - {word})
    assert not {"br", "ne", "si", "r", "to", "for", "w"} & base_forms(word)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[a-z]{1,14}", fullmatch=True))
def test_stemming_twice_changes_nothing(word: str) -> None:
    assert stem(stem(word)) == stem(word)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[a-z]{1,14}", fullmatch=True))
def test_a_word_is_among_its_base_forms(word: str) -> None:
    assert word in base_forms(word)


# ---------------------------------------------------------------------- in the search


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    return SearchIndex(
        [
            _entity("m-hf", "muscle", "hip flexors"),
            _entity("m-calf", "muscle", "calves", "calf muscles"),
            _entity("x-bd", "exercise", "bird dog"),
            _entity("x-jl", "exercise", "jump lunge"),
            _entity("x-fl", "exercise", "forward lunge"),
            _entity("c-os", "cause", "overstriding"),
            _entity("s-in", "sign", "knee moves inward in squat"),
            _entity("s-out", "sign", "knee moves outward in squat"),
            _entity("s-weak", "sign", "hip abductors weak"),
            _entity("src", "source", "how do I fix my knee"),
            _entity("x-gb", "exercise", "glute bridge"),
        ]
    )


def _first(index: SearchIndex, query: str) -> str:
    hits = index.search(query)
    assert hits, f"nothing found for {query!r}"
    return hits[0].id


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("hipflexors", "m-hf"),
        ("birddog", "x-bd"),
        ("over striding", "c-os"),
        ("jumping lunges", "x-jl"),
        ("calf", "m-calf"),
        ("knee moves in", "s-in"),
        ("knee moves out", "s-out"),
        ("hip abductor weakness", "s-weak"),
        ("how do I do a glute bridge", "x-gb"),
    ],
)
def test_forgiven_forms(small: SearchIndex, query: str, first: str) -> None:
    assert _first(small, query) == first


def test_a_compound_rewritten_scores_as_the_name(small: SearchIndex) -> None:
    hit = small.search("hipflexors")[0]
    assert (hit.score, hit.matched) == (1.0, "hip flexors")


def test_an_inflection_scores_below_the_same_word(small: SearchIndex) -> None:
    jumping = small.search("jumping lunge")[0]
    jump = small.search("jump lunge")[0]
    assert jumping.id == jump.id == "x-jl"
    assert jump.score == 1.0
    assert 0.8 < jumping.score < jump.score


def test_function_words_in_a_query_count_little(small: SearchIndex) -> None:
    """Without the weighting, the source's rare words (how, do, I) would outweigh the bridge."""
    plain = small.search("glute bridge")[0].score
    wrapped = small.search("how do I do a glute bridge")[0].score
    assert plain - 0.2 < wrapped < plain


def test_an_unknown_word_still_weighs_as_the_rarest(small: SearchIndex) -> None:
    assert small.search("xyzzy")[0:] == []
    assert small.search("glute bridge xyzzy")[0].score < small.search("glute bridge")[0].score - 0.2
