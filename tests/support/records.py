"""Canonical records for tests: one GL line with every field set, and what a test changes of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ml_connector.mapping import Dimension, MappingTable, Rule, RuleKind
from ml_connector.records import LedgerLine

BASE = LedgerLine(
    source="erp",
    source_key="b1/h1/l1",
    ledger="L",
    period="2026-01",
    posted_on=date(2026, 1, 5),
    account="4000",
    cost_center="1100",
    amount=Decimal("25.00"),
    currency="USD",
    updated_at=datetime(2026, 1, 5, tzinfo=UTC),
)


def gl_line(amount: str = "25.00", **changes: Any) -> LedgerLine:
    """A GL line of 2026-01, account 4000, cost center 1100, USD; `changes` override any field."""
    return replace(BASE, amount=Decimal(amount), **changes)


def identity_mapping(name: str = "m") -> MappingTable:
    """Every account and cost center maps to the member of the same code."""
    return MappingTable(
        name,
        [Rule(Dimension.ACCOUNT, RuleKind.DEFAULT, "", "="), Rule(Dimension.COST_CENTER, RuleKind.DEFAULT, "", "=")],
    )
