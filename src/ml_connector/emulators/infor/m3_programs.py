"""M3 MI transactions over the backend: GLS200MI, CRS630MI, CRS620MI, APS200MI, APS130MI, GLS840MI.

Each transaction takes the call context and its input fields and returns output records (before
`maxrecs`/`returncols` are applied) or raises `M3Error`. Inputs follow infor.md appendix A.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ml_connector.emulators.infor import m3_fields as f
from ml_connector.emulators.infor.exceptions import M3Error
from ml_connector.emulators.infor.m3_budgets import TRANSACTIONS as budget_transactions
from ml_connector.emulators.infor.m3_date_index import lines_between, lines_changed_between
from ml_connector.emulators.infor.m3_metadata import output_fields
from ml_connector.emulators.infor.models import InforBackend, M3Batch
from ml_connector.emulators.infor.records import JournalLine

Record = dict[str, str]

# ASSUMPTION: the interface definitions (GLS840) configured in this tenant, by name: each field of the fixed-width
# PARM record as (field, first position, last position), 1-based and inclusive as GLS840 shows them. infor.md 2.5:
# the layout is the customer's, no standard one exists. GL journals use "GLJOURNAL": ACDT 1-8 (yyyyMMdd), AIT1
# 9-18, AIT2 19-28, CUCD 29-31, ACAM 32-48 (right-aligned, signed "-123.45"); anything after 48 is ignored.
# tests/golden/infor/gls840_batch.json is a sample batch for it. Every posted line takes the batch description
# (DESC, the caller's reference) as its voucher text VTXT, so GLS200MI lists and SearchGenLedger find the journal.
INTERFACES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "GLJOURNAL": (("ACDT", 1, 8), ("AIT1", 9, 18), ("AIT2", 19, 28), ("CUCD", 29, 31), ("ACAM", 32, 48)),
}


def parm_fields(interface: str, parm: str) -> dict[str, str]:
    """The fields of one PARM record under the interface's definition, stripped."""
    return {name: parm[first - 1 : last].strip() for name, first, last in INTERFACES[interface]}


@dataclass
class CallContext:
    """Company/division context of one MI call (matrix `cono`/`divi` or the input fields)."""

    backend: InforBackend
    company: str
    division: str  # "" = every division the user can see
    maxrecs: int = 0  # the call's `maxrecs` (0 = no limit): a program may stop early, `_run` cuts the rest


Transaction = Callable[[CallContext, Record], list[Record]]


def require_fields(inputs: Record, *names: str) -> None:
    for name in names:
        if not inputs.get(name, "").strip():
            raise M3Error(f"Field {name} must be entered", "WFL0101", name, request_level=True)


def _date(inputs: Record, name: str) -> date:
    try:
        return datetime.strptime(inputs[name].strip(), "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise M3Error(f"Date {inputs[name]} is invalid", "WDT0102", name, request_level=True) from None


def divisions_for(ctx: CallContext, inputs: Record) -> list[str]:
    # ASSUMPTION: a blank DIVI (input and matrix) lists every division; real M3 uses the user's default division.
    divi = inputs.get("DIVI", "").strip() or ctx.division
    known = ctx.backend.division_codes()
    if divi and divi not in known:
        raise M3Error(f"Division {divi} does not exist", "WDI0103", "DIVI")
    return [divi] if divi else known


# --- GLS200MI ----------------------------------------------------------------------------------------


def lst_vouchers_by_dt(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "FRDT", "TODT")
    start, end = _date(inputs, "FRDT"), _date(inputs, "TODT")
    if start > end:
        raise M3Error("From date must not be later than to date", "WFR0201", "FRDT")
    divisions = divisions_for(ctx, inputs)
    # ASSUMPTION: list order is division, accounting date, then journal keys (M3's file order is not documented).
    with ctx.backend.lock:
        # maxrecs before formatting: a call for 100 lines of a range of a million formats (and copies) 100.
        lines = lines_between(ctx.backend, divisions, start, end, ctx.maxrecs)
    return [f.voucher_line(ln, ctx.company) for ln in lines]


def lst_voucher_lines(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "YEA4", "VONO")
    divisions = divisions_for(ctx, inputs)
    want = {k: inputs[k].strip() for k in ("YEA4", "VONO", "VSER", "JRNO") if inputs.get(k, "").strip()}
    out = []
    with ctx.backend.lock:
        for ln in ctx.backend.lines:
            rec = f.voucher_line(ln, ctx.company)
            if ln.division in divisions and all(rec[k] == v for k, v in want.items()):
                out.append(rec)
    if not out:
        raise M3Error(f"Voucher {want['VONO']} does not exist", "WVO0103", "VONO")
    return out


def search_gen_ledger(ctx: CallContext, inputs: Record) -> list[Record]:
    """GL search. A change-date range (`LMDT:[20261101 TO 20261130]`, optionally with `DIVI:US1`) is served from
    the change-date index, so an incremental read does not scan the ledger; any other query is matched line by
    line.

    ASSUMPTION: the GL search index holds the voucher line's fields under their MI names, LMDT (change date)
    among them (every M3 table carries RGDT/LMDT/CHNO, and GLS200MI lists LMDT), and answers in division,
    change date and journal order. The notes give SearchGenLedger's input (SQRY) only.
    """
    require_fields(inputs, "SQRY")
    query = inputs["SQRY"]
    terms = _TERM.findall(query)
    changed = [t for t in terms if t[0].upper() == "LMDT" and (t[2] or t[3])]
    with ctx.backend.lock:
        if changed:
            low, high = _search_day(changed[0][2], date.min), _search_day(changed[0][3], date.max)
            divisions = [t[4] or t[1] for t in terms if t[0].upper() == "DIVI"] or ctx.backend.division_codes()
            only_index = all(t[0].upper() in ("LMDT", "DIVI") for t in terms)
            lines = lines_changed_between(ctx.backend, divisions, low, high, ctx.maxrecs if only_index else 0)
        else:
            lines = list(ctx.backend.lines)
        records = [f.voucher_line(ln, ctx.company) for ln in lines]
    return [r for r in records if _matches(r, query)]


def _search_day(text: str, open_end: date) -> date:
    if text == "*":
        return open_end
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise M3Error(f"Search query date {text!r} is invalid", "WSQ0102", "SQRY", request_level=True) from None


# --- CRS630MI ----------------------------------------------------------------------------------------


def lst_account_id(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "AITP")
    dim = _dimension(inputs)
    start = inputs.get("AITM", "").strip()
    with ctx.backend.lock:
        accounts = sorted(ctx.backend.accounts.get(dim, {}).values(), key=lambda a: a.code)
    return [f.account_id(a, ctx.company) for a in accounts if a.code >= start]


def get_account_id(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "AITP", "AITM")
    dim, code = _dimension(inputs), inputs["AITM"].strip()
    with ctx.backend.lock:
        acc = ctx.backend.accounts.get(dim, {}).get(code)
    if acc is None:
        raise M3Error(f"Accounting identity {code} does not exist", "WAI0103", "AITM")
    return [f.account_id(acc, ctx.company)]


def _dimension(inputs: Record) -> int:
    text = inputs["AITP"].strip()
    if not text.isdigit() or not 1 <= int(text) <= 7:
        raise M3Error(f"Accounting dimension {text} is invalid", "WAI0102", "AITP", request_level=True)
    return int(text)


# --- CRS620MI ----------------------------------------------------------------------------------------


def lst_suppliers(ctx: CallContext, inputs: Record) -> list[Record]:
    start, stop = inputs.get("FRSU", "").strip(), inputs.get("TOSU", "").strip()
    since = inputs.get("LMTS", "").strip()
    with ctx.backend.lock:
        sups = sorted(ctx.backend.suppliers.values(), key=lambda s: s.id)
        records = [f.supplier(s, ctx.company) for s in sups]
    chosen = [
        r
        for r in records
        if r["SUNO"] >= start and (not stop or r["SUNO"] <= stop) and (not since or r["LMTS"] > since)
    ]
    # Only LstSuppliers' documented outputs (infor.md appendix B, 71 fields): no STAT, no VRNO, no address and no
    # LMTS there (GetBasicData has STAT and VRNO; LMTS is only an input).
    documented = output_fields("CRS620MI", "LstSuppliers") or {}
    return [{k: v for k, v in r.items() if k in documented} for r in chosen]


def get_basic_data(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "SUNO")
    with ctx.backend.lock:
        sup = ctx.backend.suppliers.get(inputs["SUNO"].strip())
        if sup is None:
            raise M3Error(f"Supplier number {inputs['SUNO'].strip()} does not exist", "WSU0103", "SUNO")
        record = f.supplier(sup, ctx.company)
    # Only GetBasicData's documented outputs (infor.md appendix B): the address lives in CRS622MI, not here.
    documented = output_fields("CRS620MI", "GetBasicData") or record
    return [{k: v for k, v in record.items() if k in documented}]


SUPPLIER_INPUTS = {
    "SUNM": "name",
    "CSCD": "country",
    "ECAR": "state",
    "CUCD": "currency",
    "TEPY": "terms",
    "VRNO": "tax_id",
    "TINO": "tax_id",
    "STAT": "status",
    "ADR1": "address",
    "TOWN": "city",
    "PONO": "zip",
}


def add_supplier(ctx: CallContext, inputs: Record) -> list[Record]:
    # ASSUMPTION: only SUNO and SUNM are enforced; the tenant's supplier template defaults the rest.
    require_fields(inputs, "SUNO", "SUNM")
    suno = inputs["SUNO"].strip()
    changes = {attr: inputs[k].strip() for k, attr in SUPPLIER_INPUTS.items() if inputs.get(k, "").strip()}
    with ctx.backend.lock:
        if suno in ctx.backend.suppliers:
            raise M3Error(f"Supplier number {suno} already exists", "WSU0104", "SUNO")
        ctx.backend.upsert_supplier(suno, changes, create=True)
    return []


def upd_supplier(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "SUNO")
    suno = inputs["SUNO"].strip()
    changes = {attr: inputs[k].strip() for k, attr in SUPPLIER_INPUTS.items() if inputs.get(k, "").strip()}
    try:
        ctx.backend.upsert_supplier(suno, changes, create=False)
    except KeyError:
        raise M3Error(f"Supplier number {suno} does not exist", "WSU0103", "SUNO") from None
    return []


# --- APS200MI / APS130MI -----------------------------------------------------------------------------


def get_invoice(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "YEA4", "JRNO", "JSNO")
    divisions = divisions_for(ctx, inputs)
    key = (inputs["YEA4"].strip(), inputs["JRNO"].strip(), inputs["JSNO"].strip())
    with ctx.backend.lock:
        for inv in ctx.backend.invoices:
            if inv.division in divisions and (str(inv.year), str(inv.journal_no), str(inv.journal_seq)) == key:
                return [f.invoice(inv, ctx.company)]
    raise M3Error("Record does not exist", "XRE0103", "JRNO")


def get_inv_tot_info(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "SPYN", "SINO", "INYR", "SUNO")
    with ctx.backend.lock:
        for inv in ctx.backend.invoices:
            rec = f.invoice(inv, ctx.company)
            if all(rec[k] == inputs[k].strip() for k in ("DIVI", "SPYN", "SINO", "INYR", "SUNO")):
                return [rec]
    raise M3Error(f"Invoice {inputs['SINO'].strip()} does not exist", "WSI0103", "SINO")


def search_sup_invoic(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "SQRY")
    with ctx.backend.lock:
        records = [f.invoice(inv, ctx.company) for inv in ctx.backend.invoices]
    return [r for r in records if _matches(r, inputs["SQRY"])]


def lst_proposal(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "PRPN")
    rows = _payments(ctx, inputs)
    seen: dict[str, Record] = {}
    for rec in rows:
        head = seen.setdefault(rec["PYON"], {k: rec[k] for k in ("CONO", "DIVI", "PRPN", "PYON", "PYDT", "CUCD")})
        head["NBDO"] = str(int(head.get("NBDO", "0")) + 1)
    return list(seen.values())


def lst_inv_by_pay_date(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "PRPN", "PYON")
    rows = _payments(ctx, inputs)
    return [r for r in rows if r["PYON"] == inputs["PYON"].strip()]


def _payments(ctx: CallContext, inputs: Record) -> list[Record]:
    divisions = divisions_for(ctx, inputs)
    with ctx.backend.lock:
        rows = [f.payment_line(p, ctx.company) for p in ctx.backend.payments if p.division in divisions]
    filters = {k: inputs[k].strip() for k in ("PRPN", "PYDT", "PDNB", "SPYN") if inputs.get(k, "").strip()}
    rows = [r for r in rows if all(r[k] == v for k, v in filters.items())]
    if not rows:
        raise M3Error(f"Payment proposal {inputs['PRPN'].strip()} does not exist", "WPR0103", "PRPN")
    return rows


# --- GLS840MI ----------------------------------------------------------------------------------------


def _batch(ctx: CallContext, inputs: Record) -> M3Batch:
    require_fields(inputs, "CONO", "KEY1")
    key = (inputs.get("DIVI", "").strip() or ctx.division, inputs["KEY1"].strip())
    batch = ctx.backend.m3_batches.get(key)
    if batch is None:
        raise M3Error(f"Key value {key[1]} does not exist", "XRE0103", "KEY1")
    return batch


def add_batch_head(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "CONO", "KEY1", "INTN", "DESC")
    if inputs["INTN"].strip() not in INTERFACES:
        raise M3Error(f"Interface {inputs['INTN'].strip()} does not exist", "WIN0103", "INTN")
    divi = inputs.get("DIVI", "").strip() or ctx.division
    if not divi:
        raise M3Error("Field DIVI must be entered", "WFL0101", "DIVI", request_level=True)
    if divi not in ctx.backend.division_codes():
        raise M3Error(f"Division {divi} does not exist", "WDI0103", "DIVI")
    key = (divi, inputs["KEY1"].strip())
    with ctx.backend.lock:
        if key in ctx.backend.m3_batches:
            # ASSUMPTION: M3's usual duplicate-key NOK (XRE0104 "Record already exists"), as for every Add
            # transaction; the notes give no GLS840MI-specific message.
            raise M3Error(f"Record already exists, key value {key[1]}", "XRE0104", "KEY1")
        ctx.backend.m3_batches[key] = M3Batch(
            division=divi,
            key=key[1],
            interface=inputs["INTN"].strip(),
            description=inputs["DESC"].strip(),
            user=inputs.get("USID", "").strip(),
            created=ctx.backend.clock(),
        )
    return [{"CONO": ctx.company}]


def add_batch_line(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "CONO", "KEY1", "LINE", "PARM")
    with ctx.backend.lock:
        batch = _batch(ctx, inputs)
        line = inputs["LINE"].strip()
        if not line.isdigit():
            raise M3Error(f"Line number {line} is invalid", "WLI0102", "LINE", request_level=True)
        if int(line) in batch.lines:
            # ASSUMPTION: FGLINL is keyed by (CONO, DIVI, KEY1, LINE), so a repeated LINE is a duplicate key.
            raise M3Error(f"Record already exists, line {line}", "XRE0104", "LINE")
        batch.lines[int(line)] = inputs["PARM"]
        batch.status = "new"
    return [{"CONO": ctx.company}]


def ctrl_batch(ctx: CallContext, inputs: Record) -> list[Record]:
    with ctx.backend.lock:
        batch = _batch(ctx, inputs)
        lines, errors = _parse_batch(ctx, batch)
        if errors:
            raise M3Error(errors[0], "WGL0201", "PARM")
        batch.status = "checked"
        del lines
    return [{"CONO": ctx.company}]


def upd_batch(ctx: CallContext, inputs: Record) -> list[Record]:
    with ctx.backend.lock:
        batch = _batch(ctx, inputs)
        lines, errors = _parse_batch(ctx, batch)
        if errors:
            raise M3Error(errors[0], "WGL0201", "PARM")
        detail = {"KEY1": batch.key, "INTN": batch.interface, "DESC": batch.description}
        journal = ctx.backend.post_journal("M3", batch.description, batch.division, lines, detail)
        # ASSUMPTION: UpdBatch posts the whole batch as one journal, or nothing if any line fails; CtrlBatch only
        # validates. The docs say only "Run option 6/9 from GLS840".
        # Updated batches leave the interface file, as GLS840 option 9 does; KEY1 can be used again.
        del ctx.backend.m3_batches[(batch.division, batch.key)]
        del journal
    return [{"CONO": ctx.company}]


def _parse_batch(ctx: CallContext, batch: M3Batch) -> tuple[list[JournalLine], list[str]]:
    lines: list[JournalLine] = []
    errors: list[str] = []
    for number, parm in sorted(batch.lines.items()):
        fields = parm_fields(batch.interface, parm)
        try:
            day = datetime.strptime(fields["ACDT"], "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            errors.append(f"Line {number}: accounting date {fields['ACDT']!r} is invalid")
            continue
        lines.append(
            JournalLine(day, fields["AIT1"], fields["AIT2"], fields["ACAM"], fields["CUCD"], batch.description)
        )
    return lines, errors + (ctx.backend.check_lines(lines) if not errors else [])


# --- search queries ----------------------------------------------------------------------------------

_TERM = re.compile(r'(\w+):(?:"([^"]*)"|\[(\S+) TO (\S+)\]|(\S+))')


def _matches(record: Record, query: str) -> bool:
    """ASSUMPTION: SQRY is Lucene-like: `FIELD:value`, `FIELD:"a b"`, `FIELD:[from TO to]`, all ANDed."""
    terms = _TERM.findall(query)
    if not terms:
        raise M3Error(f"Search query {query!r} is invalid", "WSQ0102", "SQRY", request_level=True)
    for name, quoted, low, high, plain in terms:
        value = record.get(name.upper())
        if value is None:
            return False
        if low or high:
            if not (low == "*" or value >= low) or not (high == "*" or value <= high):
                return False
        elif (quoted or plain) != value:
            return False
    return True


TRANSACTIONS: dict[str, dict[str, Transaction]] = {
    "GLS200MI": {
        "LstVouchersByDt": lst_vouchers_by_dt,
        "LstVoucherLines": lst_voucher_lines,
        "SearchGenLedger": search_gen_ledger,
    },
    "CRS630MI": {"LstAccountID": lst_account_id, "GetAccountID": get_account_id},
    "CRS620MI": {
        "LstSuppliers": lst_suppliers,
        "GetBasicData": get_basic_data,
        "AddSupplier": add_supplier,
        "UpdSupplier": upd_supplier,
    },
    "APS200MI": {"GetInvoice": get_invoice, "GetInvTotInfo": get_inv_tot_info, "SearchSupInvoic": search_sup_invoic},
    "APS130MI": {"LstProposal": lst_proposal, "LstInvByPayDate": lst_inv_by_pay_date},
    "BUS100MI": budget_transactions,
    "GLS840MI": {
        "AddBatchHead": add_batch_head,
        "AddBatchLine": add_batch_line,
        "CtrlBatch": ctrl_batch,
        "UpdBatch": upd_batch,
    },
}
