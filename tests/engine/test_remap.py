"""A line already loaded whose account is remapped moves to its new cell when it is read again."""

from __future__ import annotations

from decimal import Decimal

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagingArea
from ml_connector.engine.states import RecordState
from ml_connector.flows.staging import Stager
from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.store import Store
from tests.support.records import gl_line

FLOW = FlowSection(kind="actuals", source="erp", target="anaplan")
LINE = gl_line()


def mapping(account_target: str) -> MappingTable:
    return MappingTable(
        "m",
        [
            Rule(Dimension.ACCOUNT, RuleKind.EXACT, "4000", account_target),
            Rule(Dimension.COST_CENTER, RuleKind.DEFAULT, "", "="),
        ],
    )


def run(store: Store, table: MappingTable) -> tuple[dict[str, Decimal], dict[str, int]]:
    run_id = RunLog(store).start("f")
    ledger, audit = StagingArea(store, "f", run_id), AuditTrail(store, run_id)
    Stager(FLOW, table, ledger, audit).take([LINE])
    totals = {t.target_key: t.amount for t in ledger.totals("GL|")}
    with store.session() as session:
        ledger.merge(session)
    audit.move(RecordState.STAGED, RecordState.LOADED)
    return totals, audit.counts()


def test_a_remapped_line_read_again_moves_to_its_new_cell(store: Store) -> None:
    first, _ = run(store, mapping("4000"))
    assert first == {"GL||4000|1100|Jan 26|": Decimal("25")}
    again, counts = run(store, mapping("4000"))
    assert again == {} and counts == {RecordState.UNCHANGED.value: 1}
    moved, counts = run(store, mapping("4100"))
    assert moved == {"GL||4000|1100|Jan 26|": Decimal(0), "GL||4100|1100|Jan 26|": Decimal("25")}
    assert counts == {RecordState.LOADED.value: 1}
