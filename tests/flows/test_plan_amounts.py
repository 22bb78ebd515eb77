"""A plan figure that is not a finite number ("NaN", "Infinity") is quarantined, not posted."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import RunLog
from ml_connector.engine.states import RecordState
from ml_connector.flows.context import SilentProgress
from ml_connector.flows.plan_return import PlanReturnFlow
from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.store import Store
from tests.support.planning import FakePlanningModel

EXPORT = "GL Account,Cost Center,Period,Amount\n4000,1100,Jan 26,{amount}\n"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-inf", "sNaN"])
def test_a_non_finite_figure_is_quarantined(store: Store, tmp_path: Path, amount: str) -> None:
    flow = FlowSection(kind="plan-return", source="anaplan", target="erp", export="Export")
    mapping = MappingTable(
        "m",
        [Rule(Dimension.ACCOUNT, RuleKind.DEFAULT, "", "="), Rule(Dimension.COST_CENTER, RuleKind.DEFAULT, "", "=")],
    )
    ctx = SimpleNamespace(
        config=SimpleNamespace(flow=lambda name: flow),
        clients=SimpleNamespace(anaplan=lambda name: FakePlanningModel(EXPORT.format(amount=amount))),
        mapping=lambda flow, name: mapping,
        workdir=tmp_path,
        progress=SilentProgress(),
    )
    run_id = RunLog(store).start("plan")
    audit = AuditTrail(store, run_id)
    by_period = PlanReturnFlow(cast(Any, ctx), "plan")._read(audit, run_id, None)
    assert by_period == {}
    assert audit.counts() == {RecordState.QUARANTINED.value: 1}
