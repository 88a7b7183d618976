"""The vocabulary module is generated from the schema, is up to date, and refuses unknown terms."""

import pytest

from musclekb.sources import default_knowledge_dir
from musclekb.vocab import MK
from musclekb.vocabgen import render_vocab, vocab_module_path


def test_regenerating_gives_no_diff() -> None:
    fresh = render_vocab(default_knowledge_dir() / "schema.ttl")
    assert vocab_module_path().read_text(encoding="utf-8") == fresh, "run `musclekb vocab`"


def test_known_terms_resolve() -> None:
    assert str(MK.ifSign) == "https://w3id.org/musclekb/ontology#ifSign"


def test_unknown_terms_fail() -> None:
    with pytest.raises(AttributeError):
        _ = MK.ifSignn
