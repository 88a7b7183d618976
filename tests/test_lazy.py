"""``musclekb.lazy.lazy``: worked out on first use, then read from the instance like a field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from musclekb.lazy import lazy
from musclekb.trace import Belief, Contribution, Premise


@dataclass(frozen=True)
class Box:
    value: int

    @lazy
    def doubled(self) -> list[int]:
        """Twice the value."""
        Box.calls += 1
        return [2 * self.value]

    calls = 0


def test_worked_out_once_and_kept_on_the_instance_even_when_frozen() -> None:
    Box.calls = 0
    box = Box(3)
    first = box.doubled
    assert first == [6]
    assert box.doubled is first  # the kept object, not a new one
    assert Box.calls == 1
    assert box.__dict__["doubled"] is first
    other = Box(4)
    assert other.doubled == [8]  # each instance its own
    assert Box.calls == 2


def test_read_on_the_class_gives_the_descriptor_with_its_doc() -> None:
    descriptor = Box.__dict__["doubled"]
    assert isinstance(descriptor, lazy)
    assert Box.doubled is descriptor
    assert descriptor.__doc__ == "Twice the value."
    assert descriptor.name == "doubled"


def test_a_failure_keeps_nothing_and_is_raised_again() -> None:
    class Flaky:
        tries = 0

        @lazy
        def value(self) -> int:
            Flaky.tries += 1
            raise ValueError("not yet")

    flaky = Flaky()
    for _ in range(2):
        with pytest.raises(ValueError, match="not yet"):
            _ = flaky.value
    assert "value" not in flaky.__dict__
    assert Flaky.tries == 2


def test_beliefs_keep_what_they_work_out() -> None:
    premise = Premise("finding", "sign", "left", 1.0, "seen")
    weak = Contribution("rule-b", 0.4, (premise,), 0.4)
    strong = Contribution("rule-a", 0.8, (premise,), 0.8)
    belief = Belief.of("state", "s", "left", 0.88, (weak, strong))
    assert belief.contributions == (strong, weak)
    assert belief.contributions is belief.contributions
    assert belief.arithmetic == ("0.8 + 0.4 x (1 - 0.8) = 0.88",)
    assert set(belief.__dict__) >= {"contributions", "arithmetic"}
