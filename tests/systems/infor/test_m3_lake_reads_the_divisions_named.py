"""The Data Lake route reads the divisions a connection names, as the MI reader does: a US connection
(`divisions = "US1,US2"`) leaves Monterrey's (MX1) peso lines out on either route."""

from __future__ import annotations

from typing import Any

from ml_connector.records import LedgerLine
from ml_connector.systems.infor import InforSettings, IonApiCredentials
from ml_connector.systems.infor.lake_lines import m3_invoice_sql, m3_record
from tests.systems.infor.test_ionapi import GOOD


def settings(**extra: Any) -> InforSettings:
    return InforSettings(credentials=IonApiCredentials.from_dict(GOOD), product="m3", company="100", **extra)


def row(division: str, currency: str) -> dict[str, str]:
    return {
        "CONO": "100",
        "DIVI": division,
        "YEA4": "2026",
        "JRNO": "7",
        "JSNO": "1",
        "ACDT": "20260315",
        "AIT1": "6100",
        "AIT2": "1200" if division == "MX1" else "1100",
        "ACAM": "1000.00",
        "CUCD": currency,
        "VTXT": "Rent",
        "LMDT": "20260316",
        "RGDT": "20260316",
    }


def test_only_the_named_divisions_are_read() -> None:
    us = settings(divisions=("US1", "US2"))
    assert m3_record(us, row("MX1", "MXN")) is None
    kept = m3_record(us, row("US1", "USD"))
    assert isinstance(kept, LedgerLine) and (kept.ledger, kept.currency) == ("US1", "USD")


def test_without_divisions_every_division_is_read() -> None:
    line = m3_record(settings(), row("MX1", "MXN"))
    assert isinstance(line, LedgerLine) and (line.ledger, line.currency) == ("MX1", "MXN")


def test_lake_invoices_are_asked_for_the_named_divisions_only() -> None:
    assert "DIVI IN ('US1', 'US2')" in m3_invoice_sql(settings(divisions=("US1", "US2")), None, None)
    assert "DIVI" not in m3_invoice_sql(settings(), None, None).split("WHERE", 1)[1]
