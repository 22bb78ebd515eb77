"""CSI ledger rows read on the site's own calendar (`calendar = "erp"`): the control number's year and
period (ControlYear, ControlPeriod), not the date's month. Site MX1 keeps a 4-4-5 year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ml_connector.records import LedgerLine
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_m3_fiscal_calendars import FOUR_FOUR_FIVE, expected_period


def test_csi_rows_are_in_the_sites_4_4_5_periods(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST_MX1", csi_site="MX1", calendar="erp")
    try:
        lines = [r for r in client.ledger_lines() if isinstance(r, LedgerLine)]
    finally:
        client.close()
    assert lines
    for line in lines:
        assert line.period == expected_period(FOUR_FOUR_FIVE, line.posted_on), line
    accrual = [ln for ln in lines if ln.posted_on == date(2026, 3, 30) and ln.account == "6200"]
    assert [(ln.period, ln.amount) for ln in accrual] == [("2026-P04", Decimal("2345.67"))]
