"""Reconcile reads Anaplan figures written with thousands separators, as plan-return does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from ml_connector.config import FlowSection
from ml_connector.flows.context import SilentProgress
from ml_connector.flows.reconcile import reconcile
from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.records import LedgerLine
from tests.support.planning import FakePlanningModel

EXPORT = 'GL Account,Cost Center,Period,Amount\n4000,1100,Jan 26,"1,234.50"\n'


class FakeErp:
    def ledger_lines(self, since: object, until: object) -> list[LedgerLine]:
        return [
            LedgerLine(
                source="erp",
                source_key="k1",
                ledger="L",
                period="2026-01",
                posted_on=date(2026, 1, 5),
                account="4000",
                cost_center="1100",
                amount=Decimal("1234.50"),
                currency="USD",
                updated_at=datetime(2026, 1, 5, tzinfo=UTC),
            )
        ]


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
