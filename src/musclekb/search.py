"""Forgiving search over the names of every entity: labels, synonyms and ids.

Build the index once per knowledge base (:meth:`SearchIndex.build`); each query is then cheap.
A query forgives case, punctuation, word order, plurals and other inflections, compounds written
as one word or two, small typos and unfinished words, and the words people put around what they
look for; it finds an entity by any of its synonyms.

How a query is matched
----------------------
Text is *normalised* (:mod:`musclekb.words`): accents and case are folded, a possessive ``'s``
and other apostrophes dropped, everything that is not a letter or digit splits words, and each word
goes through a light plural stemmer (:func:`stem`: ``knees`` -> ``knee``, ``stretches`` ->
``stretch``, ``injuries`` -> ``injury``, ``calves`` -> ``calf``, ``feet`` -> ``foot``; words
ending in ``ss``, ``us`` or ``is`` are kept, so ``gluteus`` stays whole).

Each query word is compared with every word in the index's vocabulary: the same stem scores 1; an
inflection of it (a base form in common, :func:`musclekb.words.base_forms`: ``lifting`` and
``lift``, ``legged`` and ``leg``, ``inward`` and ``in``) 0.95; a query word of three or more
letters that begins a longer word scores between 0.6 and 0.9 (more the more of the word it
covers); a word of four or more letters within one edit (two for eight letters or more; an edit is
an insertion, deletion, substitution or swap of two neighbours) scores
``0.9 * (1 - edits / longer length)``.

Compounds: a query word that the vocabulary lacks, but that splits into two words it has, is also
tried as those two (``hipflexors``, ``birddog``), and two neighbouring words that the vocabulary
has as one are also tried joined (``over striding``); an entity keeps its best score over these
readings of the query.

Words are weighted by rarity, ``log(1 + N / df)`` over the N entities (a word in most names, such
as ``in`` or ``of``, counts little), and a query word the index lacks as the rarest. A function
word of a query (``how``, ``do``, ``my``: :data:`musclekb.words.FUNCTION_WORDS`) weighs 0.05
whether the index has it or not, so "how to do a glute bridge" finds the bridge, not a source
titled "How do I ...". A query of function words only ("a", "how to") looks for nothing and
finds nothing. For one name of an entity, *recall* R is the weighted share of
the query's words found in the name (each at its best similarity) and *precision* P the weighted
share of the name's words found in the query.

The score, between 0 and 1:

* ``1.0``  the query is the name (case, accents, punctuation and spacing ignored);
* ``0.98`` the same words after stemming, in the same order (``knees cave in`` for ``knee caves in``);
* otherwise ``0.85 * R**0.6 * P**0.4``, plus ``0.06`` when the query's words occur in the name in
  the same order and next to each other, plus ``0.04`` when the name starts with the query's first
  word: at most 0.95, so any exact name outranks every partial one.

An entity scores as its best name (``matched`` says which); results below ``min_score`` are dropped.
Ties are broken by kind (in the order of :data:`KIND_ORDER`, then any other kind alphabetically),
then by label and id, so the order never depends on how the knowledge base was loaded.
"""

from __future__ import annotations

import difflib
import math
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from musclekb.errors import LookupFailedError
from musclekb.words import FUNCTION_WORDS, base_forms, normalise, stem
from musclekb.words import words as _words

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase
    from musclekb.model import Entity

__all__ = ["DEFAULT_MIN_SCORE", "KIND_ORDER", "Hit", "SearchIndex", "normalise", "stem"]

#: Results scoring below this are not returned unless the caller asks otherwise.
DEFAULT_MIN_SCORE = 0.3

#: What :meth:`SearchIndex.suggest` offers: names up to this long, matches scoring this much.
SUGGEST_MAX_CHARS = 200  # longer than any name, and than the search endpoint takes
SUGGEST_MIN_SCORE = 0.4  # below it, a match rests on a common word ("no", "left") only

#: The order in which kinds are ranked when two results score the same.
KIND_ORDER = (
    "muscle", "pair", "test", "sign", "measure", "imbalance", "cause", "exercise", "rule", "source",
)  # fmt: skip

_EXACT = 1.0
_EXACT_STEMMED = 0.98
_BASE = 0.85
_PHRASE_BONUS = 0.06
_START_BONUS = 0.04
_RECALL_EXPONENT = 0.6
_PRECISION_EXPONENT = 0.4
_MIN_PREFIX = 3
_MIN_FUZZY = 4
_TWO_EDITS = 8
_INFLECTION = 0.95
_FUNCTION_WEIGHT = 0.05
_TOKEN_CACHE_SIZE = 4096
_RANKING_CACHE_SIZE = 256


def _edit_distance(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance between ``a`` and ``b``, or ``bound + 1`` once it is
    certain to exceed ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > bound:
            return bound + 1
        previous2, previous = previous, current
    return previous[len(b)]


def _trigrams(word: str) -> set[str]:
    padded = f"${word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _max_edits(word: str) -> int:
    if len(word) < _MIN_FUZZY:
        return 0
    return 1 if len(word) < _TWO_EDITS else 2


@dataclass(frozen=True)
class Hit:
    """One search result: the entity, its score (0..1) and the name that matched."""

    id: str
    iri: str
    kind: str
    label: str
    score: float
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "kind": self.kind,
            "label": self.label,
            "score": self.score,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class _Name:
    entity: int
    text: str
    stems: tuple[str, ...]
    distinct: tuple[str, ...]
    weight: float  # the summed weights of the distinct stems


class SearchIndex:
    """Every entity's names, tokenised and indexed for forgiving search. Immutable once built."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: list[Entity] = list(entities)
        kinds_seen = {e.kind for e in self._entities}
        ordered = [k for k in KIND_ORDER if k in kinds_seen]
        ordered += sorted(kinds_seen - set(ordered))
        self._kind_rank = {kind: rank for rank, kind in enumerate(ordered)}
        self._kinds = tuple(ordered)
        # ties go by kind, then label, then id: each entity's place in that order
        tie_order = sorted(
            range(len(self._entities)),
            key=lambda n: (
                self._kind_rank[self._entities[n].kind],
                self._entities[n].label.casefold(),
                self._entities[n].id,
            ),
        )
        self._tie = [0] * len(self._entities)
        for place, number in enumerate(tie_order):
            self._tie[number] = place
        self._ids_by_kind: dict[str, list[str]] = {k: [] for k in ordered}

        raw: list[tuple[int, str, list[str]]] = []
        document_frequency: dict[str, int] = {}
        for number, entity in enumerate(self._entities):
            self._ids_by_kind[entity.kind].append(entity.id)
            stems_of_entity: set[str] = set()
            seen_texts: set[str] = set()
            for text in (*entity.names, entity.id):
                words = _words(text)
                key = " ".join(words)
                if not words or key in seen_texts:
                    continue
                seen_texts.add(key)
                raw.append((number, text, words))
                stems_of_entity.update(stem(w) for w in words)
            for s in stems_of_entity:
                document_frequency[s] = document_frequency.get(s, 0) + 1

        total = max(len(self._entities), 1)
        self._weights = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
        self._unknown_weight = math.log(1 + total)

        self._names: list[_Name] = []
        self._exact: dict[str, list[int]] = {}
        self._exact_stemmed: dict[tuple[str, ...], list[int]] = {}
        self._postings: dict[str, list[int]] = {}
        self._postings_by_kind: dict[str, dict[str, list[int]]] = {}
        for number, text, words in raw:
            stems = tuple(stem(w) for w in words)
            distinct = tuple(dict.fromkeys(stems))
            index = len(self._names)
            self._names.append(
                _Name(
                    entity=number,
                    text=text,
                    stems=stems,
                    distinct=distinct,
                    weight=sum(self._weights[s] for s in distinct),
                )
            )
            self._exact.setdefault(" ".join(words), []).append(index)
            self._exact_stemmed.setdefault(stems, []).append(index)
            kind = self._entities[number].kind
            for s in distinct:
                self._postings.setdefault(s, []).append(index)
                self._postings_by_kind.setdefault(s, {}).setdefault(kind, []).append(index)

        self._name_entity = [n.entity for n in self._names]
        self._name_kind = [self._entities[n.entity].kind for n in self._names]
        self._name_weight = [n.weight for n in self._names]
        self._name_first = [n.stems[0] for n in self._names]
        self._name_set = [frozenset(n.distinct) for n in self._names]
        self._vocabulary = sorted(self._postings)
        # the words of the vocabulary by each of their base forms, to relate inflections
        self._by_base: dict[str, list[str]] = {}
        for word in self._vocabulary:
            for base in base_forms(word):
                self._by_base.setdefault(base, []).append(word)
        self._trigram_index: dict[str, list[str]] = {}
        for word in self._vocabulary:
            for gram in _trigrams(word):
                self._trigram_index.setdefault(gram, []).append(word)
        # the index never changes, so similar words and whole rankings can be remembered
        self._matches = lru_cache(maxsize=_TOKEN_CACHE_SIZE)(self._similar_words)
        self._ranked = lru_cache(maxsize=_RANKING_CACHE_SIZE)(self._rank)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> SearchIndex:
        """Index every entity of every kind in ``kb``."""
        return cls(e for kind in kb.kinds() for e in kb.all(kind).values())

    # ------------------------------------------------------------------ public

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind in the index, in tie-breaking order."""
        return self._kinds

    def __len__(self) -> int:
        return len(self._entities)

    def search(
        self,
        query: str,
        kinds: Collection[str] | None = None,
        limit: int | None = 20,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> list[Hit]:
        """The entities (of ``kinds``, if given) whose names best match ``query``, best first.

        Raises :class:`~musclekb.errors.LookupFailedError` for a kind the index does not hold.
        """
        allowed = self._check_kinds(kinds)
        words = tuple(_words(query))
        if all(word in FUNCTION_WORDS for word in words):
            return []  # nothing looked for: only the words wrapped around it ("how to", "a")
        ranked = self._ranked(words, allowed, min_score)
        if limit is not None:
            ranked = ranked[:limit]
        entities, names = self._entities, self._names
        return [
            self._hit(entities[names[name].entity], score, names[name].text)
            for score, name in ranked
        ]

    def suggest(
        self, text: str, kinds: str | Collection[str] | None = None, n: int = 3
    ) -> list[str]:
        """Up to ``n`` ids (of ``kinds``, one kind or several, if given) closest to ``text``, for
        error messages: what a search for ``text`` finds first, else the ids spelt most alike.
        A text longer than :data:`SUGGEST_MAX_CHARS` is not a name mistyped: it gets none."""
        if len(text) > SUGGEST_MAX_CHARS:
            return []
        wanted = (kinds,) if isinstance(kinds, str) else kinds
        found = [hit.id for hit in self.search(text, wanted, limit=n, min_score=SUGGEST_MIN_SCORE)]
        if found:
            return found
        if wanted is None:
            pool = [e.id for e in self._entities]
        else:
            pool = [i for kind in wanted for i in self._ids_by_kind.get(kind, [])]
        return difflib.get_close_matches(text, pool, n=n, cutoff=0.5)

    # ------------------------------------------------------------------ matching

    def _check_kinds(self, kinds: Collection[str] | None) -> frozenset[str] | None:
        if kinds is None:
            return None
        for kind in kinds:
            if kind not in self._kind_rank:
                close = difflib.get_close_matches(kind, self._kinds, n=3)
                raise LookupFailedError("kind", kind, close)
        return frozenset(kinds)

    def _similar_words(self, word: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary stems similar to one query stem, with their similarity."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        for other in self._related(word):
            if other != word:
                found[other] = _INFLECTION
        if len(word) >= _MIN_PREFIX:
            for other in self._prefixed(word):
                if other != word:
                    found[other] = max(found.get(other, 0.0), 0.6 + 0.3 * len(word) / len(other))
        bound = _max_edits(word)
        if bound:
            for other in self._near(word, bound):
                edits = _edit_distance(word, other, bound)
                if 0 < edits <= bound:
                    similarity = 0.9 * (1 - edits / max(len(word), len(other)))
                    if similarity > found.get(other, 0.0):
                        found[other] = similarity
        return tuple(sorted(found.items()))

    def _related(self, word: str) -> set[str]:
        """Vocabulary stems that share a base form with ``word`` (``lifting`` and ``lift``)."""
        return {other for base in base_forms(word) for other in self._by_base.get(base, ())}

    def _known(self, word: str) -> bool:
        """Whether a folded word, or an inflection of it, is in the vocabulary."""
        return any(base in self._by_base for base in base_forms(stem(word)))

    def _variants(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """``words``, then the same with compounds written as the names write them: a word the
        vocabulary lacks split into two it has (``hipflexors``, ``birddog``), and two neighbours
        joined into one it has (``over striding`` for ``overstriding``)."""
        split: list[str] = []
        for word in words:
            split.extend(self._split(word))
        joined: list[str] = []
        for word in words:
            if joined and stem(joined[-1] + word) in self._postings:
                joined[-1] += word
            else:
                joined.append(word)
        return tuple(dict.fromkeys((words, tuple(split), tuple(joined))))

    def _split(self, word: str) -> tuple[str, ...]:
        if self._known(word):
            return (word,)
        for cut in range(_MIN_PREFIX, len(word) - _MIN_PREFIX + 1):
            head, tail = word[:cut], word[cut:]
            if self._known(head) and self._known(tail):
                return (head, tail)
        return (word,)

    def _prefixed(self, word: str) -> list[str]:
        start = bisect_left(self._vocabulary, word)
        out = []
        for other in self._vocabulary[start:]:
            if not other.startswith(word):
                break
            out.append(other)
        return out

    def _near(self, word: str, bound: int) -> list[str]:
        grams = _trigrams(word)
        # each edit changes at most three trigrams: fewer shared ones rule a word out
        needed = max(1, len(grams) - 3 * bound)
        shared: dict[str, int] = {}
        for gram in grams:
            for other in self._trigram_index.get(gram, ()):
                shared[other] = shared.get(other, 0) + 1
        return [
            other
            for other, count in shared.items()
            if count >= needed and abs(len(other) - len(word)) <= bound
        ]

    def _rank(
        self, words: tuple[str, ...], allowed: frozenset[str] | None, min_score: float
    ) -> tuple[tuple[float, int], ...]:
        """(score, name index) of each matching entity's best name, in result order, over the
        query as typed and its compounds rewritten (:meth:`_variants`)."""
        best: dict[int, tuple[float, int]] = {}
        for variant in self._variants(words):
            for entity, found in self._score_names(variant, allowed, min_score).items():
                _keep_best(best, entity, found)
        tie = self._tie
        return tuple(
            found for _, found in sorted(best.items(), key=lambda i: (-i[1][0], tie[i[0]]))
        )

    def _score_names(
        self, words: tuple[str, ...], allowed: frozenset[str] | None, min_score: float
    ) -> dict[int, tuple[float, int]]:
        """Entity number -> (best score, index of its best name)."""
        name_entity = self._name_entity
        best: dict[int, tuple[float, int]] = {}

        def offer(name: int, score: float) -> None:
            _keep_best(best, name_entity[name], (score, name))

        def admitted(names: list[int]) -> list[int]:
            if allowed is None:
                return names
            return [n for n in names if self._name_kind[n] in allowed]

        for name in admitted(self._exact.get(" ".join(words), [])):
            offer(name, _EXACT)
        query = tuple(stem(w) for w in words)
        for name in admitted(self._exact_stemmed.get(query, [])):
            offer(name, _EXACT_STEMMED)

        distinct = tuple(dict.fromkeys(query))
        matches = [self._matches(s) for s in distinct]
        weights = [self._weight(s) for s in distinct]
        query_weight = sum(weights)
        postings = self._postings_of(allowed)

        # recall: per name, the summed weight of the query stems it holds, each at its best similarity
        recall: dict[int, float] = {}
        for weight, similar in zip(weights, matches, strict=True):
            if len(similar) == 1:
                other, similarity = similar[0]
                gain = weight * similarity
                for name in postings(other):
                    recall[name] = recall.get(name, 0.0) + gain
                continue
            per_name: dict[int, float] = {}
            for other, similarity in similar:
                for name in postings(other):
                    if similarity > per_name.get(name, 0.0):
                        per_name[name] = similarity
            for name, similarity in per_name.items():
                recall[name] = recall.get(name, 0.0) + weight * similarity

        # precision: per name, the summed weight of its stems that some query stem matches
        stem_best: dict[str, float] = {}
        for similar in matches:
            for other, similarity in similar:
                if similarity > stem_best.get(other, 0.0):
                    stem_best[other] = similarity
        covered: dict[int, float] = {}
        for other, similarity in stem_best.items():
            gain = self._weights[other] * similarity
            for name in postings(other):
                covered[name] = covered.get(name, 0.0) + gain

        # the least recall with which a name could still reach min_score (full precision, bonuses)
        reachable = (min_score - _PHRASE_BONUS - _START_BONUS) / _BASE
        needed = query_weight * (reachable ** (1 / _RECALL_EXPONENT) if reachable > 0 else 0.0)
        complete = query_weight * (1 - 1e-9)
        first_words = {other for other, _ in matches[0]}
        query_set = frozenset(query)
        name_weight, name_first, name_set = self._name_weight, self._name_first, self._name_set
        for name, gained in recall.items():
            if gained < needed:
                continue
            score = (
                _BASE
                * (gained / query_weight) ** _RECALL_EXPONENT
                * (covered[name] / name_weight[name]) ** _PRECISION_EXPONENT
            )
            if (
                gained >= complete
                and query_set <= name_set[name]
                and _contains_run(self._names[name].stems, query)
            ):
                score += _PHRASE_BONUS
            if name_first[name] in first_words:
                score += _START_BONUS
            if score >= min_score:
                offer(name, round(score, 4))
        return best

    def _weight(self, word: str) -> float:
        """A query stem's weight: its rarity in the index, an unknown word as the rarest; a
        function word counts little in a query (what a name holds is weighed by rarity alone)."""
        if word in FUNCTION_WORDS:
            return _FUNCTION_WEIGHT
        return self._weights.get(word, self._unknown_weight)

    def _postings_of(self, allowed: frozenset[str] | None) -> Callable[[str], Iterable[int]]:
        """A function from a vocabulary stem to the names (of the allowed kinds) holding it."""
        if allowed is None:
            return self._postings.__getitem__
        by_kind = self._postings_by_kind
        kinds = sorted(allowed)

        def postings(word: str) -> Iterable[int]:
            lists = by_kind[word]
            return chain.from_iterable(lists.get(k, ()) for k in kinds)

        return postings

    # ------------------------------------------------------------------ results

    def _hit(self, entity: Entity, score: float, matched: str) -> Hit:
        return Hit(entity.id, entity.iri, entity.kind, entity.label, score, matched)


def _keep_best(best: dict[int, tuple[float, int]], entity: int, found: tuple[float, int]) -> None:
    """Keep ``found`` (score, name index) for ``entity`` if it beats what ``best`` holds: a
    higher score, or the same score from an earlier name."""
    held = best.get(entity)
    if held is None or found[0] > held[0] or (found[0] == held[0] and found[1] < held[1]):
        best[entity] = found


def _contains_run(stems: tuple[str, ...], query: tuple[str, ...]) -> bool:
    """Whether ``query`` occurs in ``stems`` as a contiguous run."""
    size = len(query)
    if size == 1:
        return query[0] in stems
    start = 0
    while True:
        try:
            start = stems.index(query[0], start)
        except ValueError:
            return False
        if stems[start : start + size] == query:
            return True
        start += 1
