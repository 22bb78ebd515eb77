"""The Data Lake tables the Compass emulator answers, as column getters over the backend's ledger lines.

The lake holds what the ERP published, so every table reads the same `InforBackend.lines` the M3, CSI and
FSM routes read (the volume option applies). One table per product line's GL:

- M3 `FGLEDG` (GL transactions). ASSUMPTION: the lake names M3 columns without the table's two-letter
  prefix (EGACAM is ACAM): public Compass queries on M3 tables select `PLPN, PLPS, FACI` from MMOPLP.
- CSI `ledger` (SyteLine's ledger table). ASSUMPTION: SyteLine replicates its SQL tables under their names,
  with their snake_case columns and the Mongoose audit columns RecordDate and CreateDate.
- FSM `GLTransactionDetail`. ASSUMPTION: Landmark publishes business classes under their own names and fields.

Every table also has `deleted` ('false' here: Compass answers the latest variation of a record, and the
emulator keeps no deleted ones) and `infor_lake_arrival`, when the row reached the lake (see `datalake`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ml_connector.emulators.infor import m3_fields as f
from ml_connector.emulators.infor.fsm_views import ENTERPRISE_GROUP, LEDGER, fsm_date, fsm_stamp
from ml_connector.emulators.infor.ido_views import csi_date
from ml_connector.emulators.infor.records import LedgerLine

Getter = Callable[[LedgerLine, str], str]


@dataclass(frozen=True)
class LakeTable:
    name: str
    columns: dict[str, tuple[str, Getter]]  # upper-cased name -> (name as published, value of a line)

    def names(self) -> list[str]:
        return [display for display, _ in self.columns.values()]


def _changed(line: LedgerLine) -> datetime | None:
    return line.changed or line.created


def _table(name: str, columns: list[tuple[str, Getter]]) -> LakeTable:
    common: list[tuple[str, Getter]] = [("deleted", lambda line, company: "false")]
    return LakeTable(name, {display.upper(): (display, get) for display, get in columns + common})


FGLEDG = _table(
    "FGLEDG",
    [
        ("CONO", lambda line, company: company),
        ("DIVI", lambda line, company: line.division),
        ("YEA4", lambda line, company: str(line.year)),
        ("JRNO", lambda line, company: str(line.journal_no)),
        ("JSNO", lambda line, company: str(line.journal_seq)),
        ("TRCD", lambda line, company: str(line.trans_code)),
        ("ACDT", lambda line, company: f.m3_date(line.acct_date)),
        ("VSER", lambda line, company: line.voucher_series),
        ("VONO", lambda line, company: str(line.voucher_no)),
        ("AIT1", lambda line, company: line.account),
        ("AIT2", lambda line, company: line.cost_center),
        ("CUCD", lambda line, company: line.currency),
        ("ACAM", lambda line, company: line.amount),
        ("CUAM", lambda line, company: line.amount),
        ("VTXT", lambda line, company: line.text[:40]),
        ("RGDT", lambda line, company: f.m3_date(line.created.date() if line.created else None)),
        ("LMDT", lambda line, company: f.m3_date(d.date() if (d := _changed(line)) else None)),
        # ASSUMPTION: LMTS, M3's change timestamp (yyyyMMddHHmmssfff, UTC), is published with the table.
        ("LMTS", lambda line, company: f.m3_timestamp(_changed(line))),
    ],
)

LEDGER_CSI = _table(
    "ledger",
    [
        ("trans_num", lambda line, company: str(line.trans_num)),
        ("site_ref", lambda line, company: line.division),
        ("acct", lambda line, company: line.account),
        ("acct_unit1", lambda line, company: line.cost_center),
        ("trans_date", lambda line, company: csi_date(line.acct_date)),
        ("dom_amount", lambda line, company: line.amount),
        ("curr_code", lambda line, company: line.currency),
        ("ref", lambda line, company: line.reference or line.text),
        ("vend_num", lambda line, company: line.supplier),
        ("control_number", lambda line, company: str(line.journal_no)),
        # ASSUMPTION: the journal a row was posted from, as the SLLedgers IDO's FromId shows it.
        ("from_id", lambda line, company: line.journal_id),
        ("CreateDate", lambda line, company: csi_date(line.created)),
        ("RecordDate", lambda line, company: csi_date(_changed(line))),
    ],
)

GL_TRANSACTION_DETAIL = _table(
    "GLTransactionDetail",
    [
        ("GLTransactionDetail", lambda line, company: str(line.trans_num)),
        ("FinanceEnterpriseGroup", lambda line, company: ENTERPRISE_GROUP),
        ("PrimaryLedger", lambda line, company: LEDGER),
        ("AccountingEntity", lambda line, company: company),
        ("AccountingUnit", lambda line, company: line.cost_center),
        ("Account", lambda line, company: line.account),
        ("PostingDate", lambda line, company: fsm_date(line.acct_date)),
        ("TransactionAmount", lambda line, company: line.amount),
        ("CurrencyCode", lambda line, company: line.currency),
        ("Description", lambda line, company: line.text),
        ("Reference", lambda line, company: line.reference or line.text),
        ("System", lambda line, company: line.system),
        (
            "VendorGroupAndVendor",
            lambda line, company: f"{ENTERPRISE_GROUP} {line.supplier}" if line.supplier else "",
        ),
        ("CreateStamp", lambda line, company: fsm_stamp(line.created)),
        ("UpdateStamp", lambda line, company: fsm_stamp(_changed(line))),
    ],
)

TABLES = {t.name.upper(): t for t in (FGLEDG, LEDGER_CSI, GL_TRANSACTION_DETAIL)}
