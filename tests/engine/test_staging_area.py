"""Period totals: whatever order lines arrive in, re-read or changed, each cell holds the sum of the
latest version of each line, once."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea, from_micros, to_micros
from ml_connector.errors import InvalidRecordError
from ml_connector.store import Store

KEYS = st.sampled_from([f"k{i}" for i in range(8)])
CELLS = st.sampled_from(["GL|4000|1100|Jan 26", "GL|4000|1200|Jan 26", "GL|6100|1100|Feb 26", ""])
AMOUNTS = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
RUNS = st.lists(st.lists(st.tuples(KEYS, CELLS, AMOUNTS), max_size=10), min_size=1, max_size=5)


def run_once(store: Store, flow: str, lines: list[tuple[str, str, Decimal]]) -> dict[str, Decimal]:
    ledger = StagingArea(store, flow, RunLog(store).start(flow))
    for key, cell, amount in lines:  # one at a time: the order within a run matters
        if cell:
            ledger.stage([StagedLine(key, cell, to_micros(amount), "", f"{cell}{amount}")])
        else:
            ledger.tombstone([key], {})
    totals = {t.target_key: t.amount for t in ledger.totals("GL|")}
    with store.session() as session:
        ledger.merge(session)
    return totals


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=RUNS)
def test_totals_match_a_model_of_latest_lines(store: Store, runs: list[list[tuple[str, str, Decimal]]]) -> None:
    flow = uuid.uuid4().hex  # a fresh flow per example, one database for all
    latest: dict[str, tuple[str, Decimal]] = {}
    anaplan: dict[str, Decimal] = {}
    for lines in runs:
        totals = run_once(store, flow, lines)
        for key, cell, amount in lines:
            if cell:
                latest[key] = (cell, amount)
            else:
                latest.pop(key, None)
        anaplan.update(totals)  # a load overwrites exactly the cells it names
        expected: dict[str, Decimal] = {}
        for cell, amount in latest.values():
            expected[cell] = expected.get(cell, Decimal(0)) + amount
        for cell in set(expected) | set(anaplan):
            assert anaplan.get(cell, Decimal(0)) == expected.get(cell, Decimal(0)), cell


def test_same_run_read_twice_counts_once(store: Store) -> None:
    ledger = StagingArea(store, "f", RunLog(store).start("f"))
    line = StagedLine("k1", "GL|a", to_micros(Decimal("10.50")), "", "h")
    ledger.stage([line])
    ledger.stage([line])
    assert [t.amount for t in ledger.totals("GL|")] == [Decimal("10.5")]


def test_excluded_cells_are_not_merged(store: Store) -> None:
    ledger = StagingArea(store, "f", RunLog(store).start("f"))
    ledger.stage([StagedLine("k1", "GL|a", 1_000_000, "", "h"), StagedLine("k2", "GL|b", 2_000_000, "", "h")])
    with store.session() as session:
        assert ledger.merge(session, exclude_target_keys={"GL|b"}) == 1
    assert StagingArea(store, "f", RunLog(store).start("f")).already_loaded({"k1": "h", "k2": "h"}) == {"k1"}


@pytest.mark.parametrize("text", ["0.0000001", "1e30"])
def test_amounts_that_would_need_rounding_are_refused(text: str) -> None:
    with pytest.raises(InvalidRecordError):
        to_micros(Decimal(text))


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_micros_round_trip(amount: Decimal) -> None:
    assert from_micros(to_micros(amount)) == amount
