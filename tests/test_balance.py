"""``musclekb_api.balance``: a worker takes a connection only while no other live worker holds
fewer; slots not written lately are not waited for."""

from __future__ import annotations

import pytest

from musclekb_api.balance import STALE_AFTER, ConnectionTable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def table(workers: int) -> tuple[ConnectionTable, Clock]:
    clock = Clock()
    return ConnectionTable([0.0] * (2 * workers), clock), clock


def test_the_worker_with_fewest_connections_takes_the_next() -> None:
    t, _ = table(3)
    for slot, held in enumerate((4, 2, 3)):
        t.write(slot, held)
    assert [t.may_accept(slot) for slot in range(3)] == [False, True, False]


def test_workers_level_take_turns() -> None:
    t, _ = table(2)
    t.write(0, 5)
    t.write(1, 5)
    assert t.may_accept(0) and t.may_accept(1)
    t.write(0, 6)
    assert not t.may_accept(0)
    assert t.may_accept(1)


def test_taking_turns_spreads_a_burst_evenly() -> None:
    t, _ = table(2)
    t.write(0, 0)
    t.write(1, 0)
    held = [0, 0]
    for _ in range(16):  # each connection goes to the first worker whose turn it is
        slot = next(s for s in (0, 1) if t.may_accept(s))
        held[slot] += 1
        t.write(slot, held[slot])
    assert held == [8, 8]


def test_a_worker_not_heard_from_lately_is_not_waited_for() -> None:
    t, clock = table(2)
    t.write(0, 3)
    t.write(1, 0)
    assert not t.may_accept(0)
    clock.now += STALE_AFTER + 0.1  # worker 1 stopped writing: stopped, or stuck
    t.write(0, 3)
    assert t.may_accept(0)


def test_a_slot_never_written_is_not_waited_for() -> None:
    t, _ = table(2)  # worker 1 still starting: its slot holds zeros
    t.write(0, 7)
    assert t.may_accept(0)


def test_a_table_holds_two_numbers_per_worker() -> None:
    with pytest.raises(ValueError, match="two numbers per worker"):
        ConnectionTable([0.0] * 3)
