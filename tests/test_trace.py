"""``Belief.of`` builds beliefs without the frozen dataclass's ``__init__``, for speed: it must
give exactly what the constructor gives, field for field, however the dataclass grows."""

from __future__ import annotations

import dataclasses

from musclekb.trace import Belief, Contribution, Premise

EVIDENCE = (
    Contribution("rule-a", 0.6, (Premise("finding", "sign-a", "left", 1.0),), 0.6),
    Contribution("rule-b", 0.3, (Premise("finding", "sign-b", "left", -1.0),), -0.3),
)


def test_of_gives_what_the_constructor_gives() -> None:
    made = Belief.of("state", "some-state", "left", 0.4286, EVIDENCE)
    built = Belief("state", "some-state", "left", 0.4286, EVIDENCE)
    assert made == built
    assert hash(made) == hash(built)
    assert made.contributions == built.contributions
    assert made.arithmetic == built.arithmetic


def test_of_sets_every_field() -> None:
    made = Belief.of("imbalance", "some-imbalance", "right", 0.5, EVIDENCE)
    names = [f.name for f in dataclasses.fields(Belief)]
    assert list(vars(made))[: len(names)] == names
    assert all(getattr(made, n) is not None for n in names)
