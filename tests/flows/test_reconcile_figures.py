"""Reconcile reads Anaplan figures written with thousands separators, as plan-return does."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from ml_connector.config import FlowSection
from ml_connector.flows.context import SilentProgress
from ml_connector.flows.reconcile import reconcile
from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.records import LedgerLine
from tests.support.planning import FakePlanningModel
from tests.support.records import gl_line

EXPORT = 'GL Account,Cost Center,Period,Amount\n4000,1100,Jan 26,"1,234.50"\n'


class FakeErp:
    def ledger_lines(self, since: object, until: object) -> list[LedgerLine]:
        return [gl_line("1234.50", source_key="k1")]


def test_figures_with_thousands_separators_reconcile(tmp_path: Path) -> None:
    flow = FlowSection(kind="actuals", source="erp", target="anaplan")
    mapping = MappingTable(
        "m",
        [Rule(Dimension.ACCOUNT, RuleKind.DEFAULT, "", "="), Rule(Dimension.COST_CENTER, RuleKind.DEFAULT, "", "=")],
    )
    ctx = SimpleNamespace(
        config=SimpleNamespace(flow=lambda name: flow),
        clients=SimpleNamespace(erp=lambda name: FakeErp(), anaplan=lambda name: FakePlanningModel(EXPORT)),
        mapping=lambda flow, name: mapping,
        workdir=tmp_path,
        progress=SilentProgress(),
    )
    result = reconcile(cast(Any, ctx), "actuals")
    assert result.differences == [] and result.matched == 1
