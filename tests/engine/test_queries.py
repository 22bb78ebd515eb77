"""The queries users read, on both stores. Above all one definition of an open mapping gap: the latest
record of a source key in a flow (across its runs that were not dry runs) is quarantined for it."""

from __future__ import annotations

import uuid

import pytest

from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.keys import GapKey
from ml_connector.engine.queries import audit_page, mapping_gaps, reason_counts, replayable_records, run_history
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState, RunState
from ml_connector.store import Store

FLOW = "actuals"
GAP = GapKey("cost_center", "1999").encode()
LOADED = (RecordState.LOADED, "GL|4000|1999|Jan 26")
QUARANTINED = (RecordState.QUARANTINED, GAP)

Record = tuple[str, tuple[RecordState, str]]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def run(
    store: Store, records: list[Record], *, flow: str = FLOW, dry_run: bool = False, trigger: str = "manual"
) -> str:
    """A finished run of `flow` that read `records` (source key, (state, target key)) in that order."""
    runs = RunLog(store)
    run_id = runs.start(flow, dry_run=dry_run, trigger=trigger)
    entries = [
        AuditEntry("erp", key, "gl", {"key": key, "run": run_id}, state, target_key=target, reason=f"{state.value}")
        for key, (state, target) in records
    ]
    AuditTrail(store, run_id).add(entries)
    runs.finish(run_id, RunState.PARTIAL)
    return run_id


def open_gaps(store: Store, flow: str | None = None) -> dict[tuple[str, str, str], int]:
    return {(g.flow, g.dimension, g.code): g.records for g in mapping_gaps(store, flow)}


def test_a_gap_opens_when_a_record_is_quarantined_for_it(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED), ("k2", QUARANTINED), ("k3", LOADED), ("k4", (RecordState.QUARANTINED, ""))])
    gaps = mapping_gaps(any_store)
    assert [(g.flow, g.dimension, g.code, g.records) for g in gaps] == [(FLOW, "cost_center", "1999", 2)]
    assert gaps[0].last_seen.tzinfo is not None


def test_a_later_run_that_loads_the_record_closes_it(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED), ("k2", QUARANTINED)])
    run(any_store, [("k1", LOADED)])
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}
    run(any_store, [("k2", (RecordState.UNCHANGED, LOADED[1]))])
    assert open_gaps(any_store) == {}


def test_a_replay_that_loads_the_record_closes_it(any_store: Store) -> None:
    first = run(any_store, [("k1", QUARANTINED), ("k2", QUARANTINED)])
    replay = RunLog(any_store).start(FLOW, trigger="replay", parent_run_id=first)
    AuditTrail(any_store, replay).add([AuditEntry("erp", "k1", "gl", {}, RecordState.LOADED, target_key=LOADED[1])])
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}


def test_a_gap_stays_open_while_later_runs_quarantine_the_record_again(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k1", LOADED)])
    run(any_store, [("k1", QUARANTINED), ("k1", QUARANTINED)])  # read twice in one run: one record waits
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}


def test_an_old_quarantine_whose_record_was_since_loaded_is_no_gap(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k1", LOADED)])
    run(any_store, [("k9", LOADED)])  # the latest run does not read k1 at all
    assert open_gaps(any_store) == {}


def test_a_gap_stays_open_when_the_latest_run_does_not_read_the_record(any_store: Store) -> None:
    """An incremental run that reads other records leaves the waiting ones waiting."""
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k9", LOADED)])
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}


def test_a_record_quarantined_for_another_code_moves_to_that_gap(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k1", (RecordState.QUARANTINED, GapKey("account", "7777").encode()))])
    assert open_gaps(any_store) == {(FLOW, "account", "7777"): 1}


def test_dry_runs_neither_open_nor_close_a_gap(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k1", (RecordState.WOULD_LOAD, LOADED[1])), ("k2", QUARANTINED)], dry_run=True)
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}


def test_flows_keep_their_own_gaps(any_store: Store) -> None:
    run(any_store, [("k1", QUARANTINED)])
    run(any_store, [("k1", QUARANTINED)], flow="other")
    run(any_store, [("k1", LOADED)], flow="other")
    assert open_gaps(any_store) == {(FLOW, "cost_center", "1999"): 1}
    assert open_gaps(any_store, "other") == {}


def test_codes_with_separators_and_stored_unescaped_keys(any_store: Store) -> None:
    tricky = GapKey("cost_center", "19:99|\\x")
    legacy = "unmapped:cost_center:A:B"  # written before codes were escaped
    run(
        any_store,
        [
            ("k1", (RecordState.QUARANTINED, tricky.encode())),
            ("k2", (RecordState.QUARANTINED, legacy)),
            ("k3", (RecordState.QUARANTINED, GapKey("cost_center", "A:B").encode())),
        ],
    )
    assert open_gaps(any_store) == {(FLOW, "cost_center", "19:99|\\x"): 1, (FLOW, "cost_center", "A:B"): 2}


def test_audit_page_filters_orders_and_pages(any_store: Store) -> None:
    run_id = run(any_store, [(f"k{i}", QUARANTINED if i % 2 else LOADED) for i in range(7)])
    assert [r.source_key for r in audit_page(any_store, run_id)] == [f"k{i}" for i in range(7)]
    quarantined = audit_page(any_store, run_id, state=RecordState.QUARANTINED.value)
    assert [r.source_key for r in quarantined] == ["k1", "k3", "k5"]
    assert quarantined[0].payload == {"key": "k1", "run": run_id} and quarantined[0].target_key == GAP
    assert [r.source_key for r in audit_page(any_store, run_id, limit=2, offset=3)] == ["k3", "k4"]
    assert audit_page(any_store, str(uuid.uuid4())) == []


def test_reason_counts_and_run_history(any_store: Store) -> None:
    first = run(any_store, [("k1", QUARANTINED), ("k2", QUARANTINED), ("k3", LOADED)])
    second = run(any_store, [("k4", (RecordState.FAILED, LOADED[1]))], flow="other")
    assert reason_counts(any_store, [first, second]) == [("quarantined", 2), ("failed", 1)]
    assert reason_counts(any_store, [first], {RecordState.LOADED}) == [("loaded", 1)]
    assert [r.id for r in run_history(any_store)] == [second, first]
    assert [r.id for r in run_history(any_store, "other")] == [second]


def test_replayable_records_are_the_quarantined_and_failed_ones_in_order(any_store: Store) -> None:
    run_id = run(any_store, [("k1", QUARANTINED), ("k2", LOADED), ("k3", (RecordState.FAILED, LOADED[1]))])
    records = replayable_records(any_store, run_id, FLOW)
    assert [(r.source_key, r.reason) for r in records] == [("k1", "quarantined"), ("k3", "failed")]
    assert records[0].payload == {"key": "k1", "run": run_id}
