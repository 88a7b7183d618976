"""``musclekb.bounded``: the tables kept between assessments never grow past their limit, and when
full they drop their older half, keeping what was added last."""

from __future__ import annotations

from musclekb.bounded import cached, put


def test_a_full_table_drops_its_older_half() -> None:
    table: dict[int, str] = {}
    for i in range(8):
        put(table, i, str(i), 8)
    assert list(table) == list(range(8))
    put(table, 8, "8", 8)
    assert list(table) == [4, 5, 6, 7, 8]


def test_a_table_never_holds_more_than_its_limit() -> None:
    table: dict[int, int] = {}
    for i in range(1000):
        put(table, i, i, 10)
        assert len(table) <= 10
    assert 999 in table


def test_a_limit_of_one_keeps_the_last_entry() -> None:
    table: dict[str, int] = {}
    put(table, "a", 1, 1)
    put(table, "b", 2, 1)
    assert table == {"b": 2}


def test_cached_makes_a_value_once() -> None:
    table: dict[str, int] = {}
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(key)

    assert cached(table, "abc", make, "abc", 4) == 3
    assert cached(table, "abc", make, "abc", 4) == 3
    assert made == ["abc"]
