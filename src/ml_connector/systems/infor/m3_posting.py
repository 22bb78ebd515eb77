"""The GLS840MI journal interface layout this client writes (infor.md 2.5).

GLS840MI `AddBatchLine` takes one fixed-width `PARM` string whose layout is the customer's interface
definition (GLS840), named by `INTN` on `AddBatchHead`. There is no standard layout, so the client
expects this one to be configured in the tenant (and the emulator serves it):

    INTN = "GLJOURNAL"
    PARM = ACDT(8, yyyyMMdd) AIT1(10, account) AIT2(10, cost center) CUCD(3) ACAM(17, right-aligned, "-123.45")

A tenant with another GL interface needs a different `parm_line`; the layout is in this one place.
The batch description (`DESC`) is the journal's deterministic reference: GLS840MI gives it to every
posted line as its voucher text (VTXT), which is how `find_journal` finds the journal again.
"""

from __future__ import annotations

from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.infor.values import format_amount, m3_day

# ASSUMPTION: the tenant has a GLS840 interface "GLJOURNAL" with the layout above (no standard one exists).
GL_INTERFACE = "GLJOURNAL"
PARM_LAYOUT = (("ACDT", 8), ("AIT1", 10), ("AIT2", 10), ("CUCD", 3), ("ACAM", 17))


def parm_line(draft: JournalDraft, line: JournalLineDraft) -> str:
    """One PARM record: fields left-aligned and padded, the amount right-aligned."""
    amount = format_amount(line.amount)
    if len(amount) > 17:
        raise ValueError(f"amount {amount} does not fit the 17 characters of ACAM")
    return (
        m3_day(draft.accounting_date)
        + line.account.ljust(10)[:10]
        + line.cost_center.ljust(10)[:10]
        + draft.currency.ljust(3)[:3]
        + amount.rjust(17)
    )


def parse_parm(parm: str) -> dict[str, str]:
    """The fields of a PARM record (for tests and diagnostics)."""
    fields, pos = {}, 0
    for name, width in PARM_LAYOUT:
        fields[name] = parm[pos : pos + width].strip()
        pos += width
    return fields
