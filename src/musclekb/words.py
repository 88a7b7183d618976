"""The English word handling under the search (:mod:`musclekb.search`): splitting text into
folded words, a light plural stemmer, inflections, function words and compounds.

Everything here is about English, not about muscles: which words name what is in the knowledge
base, as labels and synonyms.

- :func:`words`: accents and case folded, a possessive ``'s`` dropped (``Thomas's`` ->
  ``thomas``), other apostrophes dropped (``can't`` -> ``cant``), and everything that is not a
  letter or digit splits words.
- :func:`stem`: plurals only (``knees`` -> ``knee``, ``calves`` -> ``calf``, ``feet`` -> ``foot``),
  so that a typo in a stem stays one edit away.
- :func:`base_forms`: what a word may be an inflection of (``lifting`` -> ``lift``, ``legged`` ->
  ``leg``, ``weakness`` -> ``weak``, ``inward`` -> ``in``). Two words with a base form in common
  are related.
- :data:`FUNCTION_WORDS`: articles, pronouns, auxiliaries, question words and the prepositions
  that carry no direction (``in``, ``out``, ``up`` and the like carry one, so they are not here):
  words a person adds around what they look for ("how to do a glute bridge").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FUNCTION_WORDS", "base_forms", "normalise", "stem", "words"]

_SPLIT = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = "['\u2019\u2018`]"
_POSSESSIVE = re.compile(rf"(?<=[0-9a-z]){_APOSTROPHES}s(?![0-9a-z])")
_APOSTROPHE = re.compile(_APOSTROPHES)
_MIN_BASE = 3  # letters a base form keeps at least
_UNDOUBLED = frozenset("lsz")  # "rolling" -> "roll", but "running" -> "run"

FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its",
    "our", "their", "me", "i", "you", "we", "they", "it", "he", "she", "is", "are", "was",
    "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing", "have", "has",
    "had", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "how",
    "what", "when", "where", "which", "who", "whom", "why", "whose", "to", "of", "on", "at",
    "by", "for", "with", "from", "as", "than", "then", "so", "if", "or", "and", "but", "very",
    "just", "also", "too", "really", "please", "some", "any", "each", "every", "there", "here",
    "go", "goes", "went", "get", "gets", "got",
})  # fmt: skip
"""Words a person wraps around what they look for: the search gives them almost no weight."""


_IRREGULAR_PLURALS = {
    "feet": "foot", "teeth": "tooth", "men": "man", "women": "woman", "children": "child",
    "people": "person",
}  # fmt: skip


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (see the module documentation)."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = _APOSTROPHE.sub("", _POSSESSIVE.sub("", folded))
    return [w for w in _SPLIT.split(folded) if w]


def stem(word: str) -> str:
    """A light plural stemmer for one lower-case word: ``knees`` -> ``knee``, ``injuries`` ->
    ``injury``, ``stretches`` -> ``stretch``, ``boxes`` -> ``box``, ``calves`` -> ``calf``, and
    the irregular ``feet`` -> ``foot`` and the like; other words of three letters or fewer and
    words ending in ``ss``, ``us`` or ``is`` are left alone."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("lves"):
        return word[:-3] + "f"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def normalise(text: str) -> tuple[str, ...]:
    """The stemmed words of ``text``, in order."""
    return tuple(stem(w) for w in words(text))


def base_forms(word: str) -> frozenset[str]:
    """The words that ``word`` (a stem) may be an inflection of, itself included: ``-ing``,
    ``-ed`` and ``-ness`` taken off, with a final ``e`` put back or a doubled consonant undone
    (``rising`` -> ``rise``, ``hopping`` -> ``hop``), ``-ied`` made ``-y``, ``-ward`` taken off
    (``inward`` -> ``in``; not when that leaves a function word: ``toward``). A base keeps at
    least three letters, so ``bring`` and ``need`` are left whole."""
    forms = {word}
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= _MIN_BASE:
            forms.update((base, base + "e"))
            if base[-1] == base[-2] and base[-1] not in _UNDOUBLED and len(base) > _MIN_BASE:
                forms.add(base[:-1])
    if word.endswith("ied") and len(word) > _MIN_BASE + 2:
        forms.add(word[:-3] + "y")
    if word.endswith("ness") and len(word) - 4 >= _MIN_BASE:
        forms.add(word[:-4])
    if word.endswith("ward") and word[:-4] not in FUNCTION_WORDS and len(word) > 5:
        forms.add(word[:-4])  # "inward" -> "in", "outward" -> "out"; "toward" stays whole
    return frozenset(forms)
