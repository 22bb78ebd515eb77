"""The Data Lake route skips what the REST readers skip: CSI rows posted from the plan journal and FSM lines
of the plan journals' system code (a reviewer's posting of a returned budget never comes back as actuals),
and it refuses a connection on an ERP fiscal calendar rather than place lines by date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.records import LedgerLine
from ml_connector.systems.infor import InforSettings, IonApiCredentials
from ml_connector.systems.infor.lake_lines import csi_record, fsm_record, lake_ledger_lines
from tests.systems.infor.test_ionapi import GOOD

NEEDS = {"csi": {"mongoose_config": "ACME_PRD_US1"}, "m3": {"company": "100"}, "fsm": {}}


def settings(product: str, **extra: Any) -> InforSettings:
    values: dict[str, Any] = NEEDS[product] | extra
    return InforSettings(credentials=IonApiCredentials.from_dict(GOOD), product=product, **values)


CSI_ROW = {
    "trans_num": "71",
    "site_ref": "US1",
    "acct": "6100",
    "acct_unit1": "1100",
    "trans_date": "20260315 00:00:00.000",
    "dom_amount": "125.00",
    "curr_code": "USD",
    "ref": "Budget review",
    "vend_num": "",
    "from_id": "PLAN",
    "RecordDate": "20260316 08:00:00.000",
}
FSM_ROW = {
    "GLTransactionDetail": "88",
    "AccountingEntity": "100",
    "AccountingUnit": "1100",
    "Account": "6100",
    "PostingDate": "20260315",
    "TransactionAmount": "125.00",
    "CurrencyCode": "USD",
    "Description": "Budget review",
    "VendorGroupAndVendor": "",
    "System": "PL",
    "UpdateStamp": "2026-03-16T08:00:00.000Z",
}


def test_csi_rows_of_the_plan_journal_are_skipped() -> None:
    assert csi_record(settings("csi"), CSI_ROW) is None
    assert isinstance(csi_record(settings("csi"), CSI_ROW | {"from_id": "GL"}), LedgerLine)
    assert isinstance(csi_record(settings("csi", csi_plan_journal=""), CSI_ROW), LedgerLine)


def test_fsm_lines_of_the_plan_system_are_skipped() -> None:
    assert fsm_record(settings("fsm"), FSM_ROW, None, None) is None
    assert isinstance(fsm_record(settings("fsm"), FSM_ROW | {"System": "GL"}, None, None), LedgerLine)
    assert isinstance(fsm_record(settings("fsm", fsm_plan_system=""), FSM_ROW, None, None), LedgerLine)


def test_a_fiscal_calendar_connection_is_refused_on_the_lake_route() -> None:
    with pytest.raises(ConfigurationError, match="fiscal periods"):
        list(lake_ledger_lines(settings("m3", calendar="erp"), lambda sql: iter(()), None, datetime.now(UTC)))
