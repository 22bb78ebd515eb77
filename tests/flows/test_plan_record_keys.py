"""Each plan cell read from the export is its own record, whatever its codes hold: `4|1`/`0` and `4`/`1|0`
are two records (an unescaped key made them one, so the audit and the gaps showed only one)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.queries import audit_page
from ml_connector.engine.runs import RunLog
from ml_connector.flows.context import SilentProgress
from ml_connector.flows.plan_return import PlanReturnFlow
from ml_connector.store import Store
from tests.support.planning import FakePlanningModel
from tests.support.records import identity_mapping

EXPORT = 'GL Account,Cost Center,Period,Amount\n"4|1",0,Jan 26,10\n4,"1|0",Jan 26,20\n'


def test_codes_holding_the_separator_are_two_records(store: Store, tmp_path: Path) -> None:
    flow = FlowSection(kind="plan-return", source="anaplan", target="erp", export="Export")
    ctx = SimpleNamespace(
        config=SimpleNamespace(flow=lambda name: flow),
        clients=SimpleNamespace(anaplan=lambda name: FakePlanningModel(EXPORT)),
        mapping=lambda flow, name: identity_mapping(),
        workdir=tmp_path,
        progress=SilentProgress(),
    )
    run_id = RunLog(store).start("plan")
    PlanReturnFlow(cast(Any, ctx), "plan")._read(AuditTrail(store, run_id), run_id, None)
    keys = [row.source_key for row in audit_page(store, run_id)]
    assert len(keys) == 2 and len(set(keys)) == 2, keys
