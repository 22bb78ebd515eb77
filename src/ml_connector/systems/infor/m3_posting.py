"""GLS840MI journal batches: the interface layout this client writes (infor.md 2.5) and how a batch is written.

GLS840MI `AddBatchLine` takes one fixed-width `PARM` string whose layout is the customer's interface
definition (GLS840), named by `INTN` on `AddBatchHead`. There is no standard layout, so the client
expects this one to be configured in the tenant (and the emulator serves it):

    INTN = "GLJOURNAL"
    PARM = ACDT(8, yyyyMMdd) AIT1(10, account) AIT2(10, cost center) CUCD(3) ACAM(17, right-aligned, "-123.45")

A tenant with another GL interface needs a different `parm_line`; the layout is in this one place.

Plan figures are posted "for review": the batch is added to the interface file (FGLINH/FGLINL) and
validated with CtrlBatch (GLS840 option 6), and a person updates it in GLS840 (option 9). Only with
`m3_update_batch` does the client run UpdBatch itself. KEY1 is a hash of the journal's reference, so a
repeated post meets its own batch: AddBatchHead and AddBatchLine answer "record already exists" for what an
earlier attempt wrote, and only the missing lines are added. That makes a retry after a crash or a lost
answer converge on one complete batch. The batch description (`DESC`) is the reference: GLS840MI gives it to
every updated line as its voucher text (VTXT), which is how an updated journal is found in the GL.
"""

from __future__ import annotations

from collections.abc import Callable

from ml_connector.failpoints import failpoint
from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.infor.errors import M3TransactionError
from ml_connector.systems.infor.values import format_amount, m3_day

# ASSUMPTION: the tenant has a GLS840 interface "GLJOURNAL" with the layout above (no standard one exists).
GL_INTERFACE = "GLJOURNAL"
PARM_LAYOUT = (("ACDT", 8), ("AIT1", 10), ("AIT2", 10), ("CUCD", 3), ("ACAM", 17))
# ASSUMPTION: M3's duplicate-key answer to an Add transaction (the notes give no GLS840MI-specific one).
ALREADY_EXISTS = "XRE0104"
# ASSUMPTION: the interface head table's columns are the GLS840MI fields behind M3's two-letter prefix ("GH");
# infor.md names the table FGLINH but not its columns.
INTERFACE_HEAD = "FGLINH"

MiCall = Callable[[str, str, dict[str, str]], list[dict[str, str]]]


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


def write_batch(call: MiCall, draft: JournalDraft, base: dict[str, str]) -> bool:
    """Add the head and every line that is not there yet, then validate; True when anything was added.

    `base` holds CONO, DIVI and KEY1. A head that exists is the same batch (KEY1 comes from the reference),
    possibly left half-written by a crash: its lines are added by number, and the numbers already there
    answer "already exists", so the batch ends with exactly the draft's lines and no line twice.
    """
    head = base | {"INTN": GL_INTERFACE, "DESC": draft.reference, "USID": "MLCONN"}
    added = _add(call, "AddBatchHead", head, "KEY1")
    failpoint("m3.after_batch_head")
    for number, line in enumerate(draft.lines, start=1):
        added = (
            _add(call, "AddBatchLine", base | {"LINE": str(number), "PARM": parm_line(draft, line)}, "LINE") or added
        )
    # Option 6 again is harmless on a validated batch, and validates one whose CtrlBatch a crash cut off.
    failpoint("m3.before_ctrl_batch")
    call("GLS840MI", "CtrlBatch", base)
    return added


def _add(call: MiCall, transaction: str, inputs: dict[str, str], key_field: str) -> bool:
    try:
        call("GLS840MI", transaction, inputs)
    except M3TransactionError as exc:
        if exc.code == ALREADY_EXISTS and exc.field in (key_field, ""):
            return False
        raise
    return True


def interface_query(company: str, division: str, key: str) -> str:
    """The EXPORTMI query for one batch head still in the interface file."""
    if not all(part.isalnum() for part in (company, key, division or "X")):
        raise ValueError(f"company {company!r}, division {division!r} and KEY1 {key!r} must be plain codes")
    where = f"GHCONO = '{company}' and GHKEY1 = '{key}'" + (f" and GHDIVI = '{division}'" if division else "")
    return f"select GHDIVI, GHKEY1, GHDESC from {INTERFACE_HEAD} where {where}"  # noqa: S608 - plain codes only
