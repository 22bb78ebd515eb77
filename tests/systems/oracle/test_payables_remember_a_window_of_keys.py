"""Payables reads skip a row met twice within two pages, remembering a bounded window of keys only."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.systems.oracle.payables import Recent


@given(limit=st.integers(min_value=1, max_value=5), keys=st.lists(st.sampled_from("abcdefgh"), max_size=60))
def test_a_key_is_a_repeat_only_within_the_window(limit: int, keys: list[str]) -> None:
    recent = Recent(limit)
    window: list[str] = []  # a model: the last `limit` keys remembered
    for key in keys:
        assert recent.repeat(key) is (key in window)
        if key not in window:
            window = [*window, key][-limit:]
    assert len(window) <= limit


def test_memory_stays_flat_however_many_keys() -> None:
    recent = Recent(998)
    assert not any(recent.repeat(f"oracle:invoice:{i}") for i in range(100_000))
    assert recent.repeat("oracle:invoice:99999")
    assert not recent.repeat("oracle:invoice:1")  # long gone from the window
    assert len(recent._keys) <= 998  # noqa: SLF001 - the bound is the behaviour under test
