"""A source key read twice in one batch counts as its last version, whether that one is good or bad."""

from __future__ import annotations

from decimal import Decimal

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagingArea
from ml_connector.flows.staging import Stager
from ml_connector.records import LedgerLine, RejectedRecord
from ml_connector.store import Store
from tests.support.records import gl_line, identity_mapping

FLOW = FlowSection(kind="actuals", source="erp", target="anaplan")
MAPPING = identity_mapping()
GOOD = gl_line(source_key="k1")
BAD = RejectedRecord("erp", "k1", "gl", "amount 'x' is not a number", "Fix it at the source.", {})


def totals(store: Store, batch: list[LedgerLine | RejectedRecord]) -> dict[str, Decimal]:
    run_id = RunLog(store).start("f")
    ledger = StagingArea(store, "f", run_id)
    Stager(FLOW, MAPPING, ledger, AuditTrail(store, run_id)).take(batch)
    return {t.target_key: t.amount for t in ledger.totals("GL|")}


def test_bad_then_good_in_one_batch_counts_the_good_version(store: Store) -> None:
    assert totals(store, [BAD, GOOD]) == {"GL||4000|1100|Jan 26|": Decimal(25)}


def test_good_then_bad_in_one_batch_counts_nothing(store: Store) -> None:
    assert totals(store, [GOOD, BAD]) == {}
