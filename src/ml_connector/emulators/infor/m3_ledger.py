"""More M3 reads: EXPORTMI/Select (FGLEDG, FPLEDG, FGLINH, FGLINL), GLS215MI balances, GLS200MI voucher gets.

EXPORTMI/Select takes `QERY` = `select COLS from TABLE where ...` and answers one delimited string per
row in field `REPL` (infor.md 2.4); `SEPC` is the separator and `HDRS=1` adds a header row.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ml_connector.emulators.infor import m3_fields as f
from ml_connector.emulators.infor.calendars import accounting_period
from ml_connector.emulators.infor.exceptions import M3Error
from ml_connector.emulators.infor.filters import FilterError, parse_filter
from ml_connector.emulators.infor.m3_programs import CallContext, Record, Transaction, divisions_for, require_fields

_SELECT = re.compile(r"^\s*select\s+(.+?)\s+from\s+(\w+)(?:\s+where\s+(.+?))?\s*$", re.IGNORECASE | re.DOTALL)


def _fgledg(ctx: CallContext) -> list[Record]:
    with ctx.backend.lock:
        return [{f"EG{k}": v for k, v in f.voucher_line(ln, ctx.company).items()} for ln in ctx.backend.lines]


def _fpledg(ctx: CallContext) -> list[Record]:
    """AP ledger: TRCD 40 invoices and TRCD 50 payments, one row each."""
    # ASSUMPTION: M3 signs AP ledger amounts from the ledger's side: invoices negative, payments positive.
    rows = []
    with ctx.backend.lock:
        for inv in ctx.backend.invoices:
            rec = f.invoice(inv, ctx.company)
            rec["CUAM"] = _negate(inv.amount)
            rows.append(
                {f"EP{k}": v for k, v in rec.items()}
                | {"EPLMDT": f.m3_date(inv.changed.date() if inv.changed else None)}
            )
        for pay in ctx.backend.payments:
            rows.append(
                {
                    "EPCONO": ctx.company,
                    "EPDIVI": pay.division,
                    "EPTRCD": "50",
                    "EPSPYN": pay.supplier,
                    "EPSUNO": pay.supplier,
                    "EPSINO": pay.invoice_no,
                    "EPINYR": str(pay.invoice_year),
                    "EPIVDT": f.m3_date(pay.invoice_date),
                    "EPDUDT": f.m3_date(pay.due_date),
                    "EPACDT": f.m3_date(pay.pay_date),
                    "EPCUCD": pay.currency,
                    "EPCUAM": pay.amount,
                    "EPAPRV": "1",
                    "EPLMDT": f.m3_date(pay.changed.date() if pay.changed else None),
                }
            )
    return rows


# ASSUMPTION: the GLS840 interface file's columns. infor.md names the tables (FGLINH head, FGLINL lines) and the
# MI fields that fill them, not the column names; M3 names a column by a two-letter table prefix and the field,
# so these use "GH" (head) and "GL" (line) with the GLS840MI field names.
def _fglinh(ctx: CallContext) -> list[Record]:
    with ctx.backend.lock:
        return [
            {
                "GHCONO": ctx.company,
                "GHDIVI": b.division,
                "GHKEY1": b.key,
                "GHINTN": b.interface,
                "GHDESC": b.description,
                "GHUSID": b.user,
            }
            for _, b in sorted(ctx.backend.m3_batches.items())
        ]


def _fglinl(ctx: CallContext) -> list[Record]:
    with ctx.backend.lock:
        return [
            {"GLCONO": ctx.company, "GLDIVI": b.division, "GLKEY1": b.key, "GLLINE": str(n), "GLPARM": parm}
            for _, b in sorted(ctx.backend.m3_batches.items())
            for n, parm in sorted(b.lines.items())
        ]


# The columns of tables that can be empty (the interface file usually is), so a query on them still parses.
COLUMNS = {
    "FGLINH": ("GHCONO", "GHDIVI", "GHKEY1", "GHINTN", "GHDESC", "GHUSID"),
    "FGLINL": ("GLCONO", "GLDIVI", "GLKEY1", "GLLINE", "GLPARM"),
}
TABLES = {"FGLEDG": _fgledg, "FPLEDG": _fpledg, "FGLINH": _fglinh, "FGLINL": _fglinl}


def export_select(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "QERY")
    match = _SELECT.match(inputs["QERY"])
    if not match:
        raise M3Error("Query statement is invalid", "WQE0102", "QERY")
    columns_text, table, where = match.group(1), match.group(2).upper(), match.group(3) or ""
    if table not in TABLES:
        raise M3Error(f"Table {table} is not available for export", "WQE0103", "QERY")
    rows = TABLES[table](ctx)
    known = list(rows[0]) if rows else list(COLUMNS.get(table, ()))
    columns = known if columns_text.strip() == "*" else [c.strip().upper() for c in columns_text.split(",")]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise M3Error(f"Field {unknown[0]} does not exist in {table}", "WQE0104", "QERY")
    try:
        predicate = parse_filter(where, known)
    except FilterError as exc:
        raise M3Error(f"Query statement is invalid: {exc}", "WQE0102", "QERY") from None
    sep = inputs.get("SEPC", "") or ";"
    out = [{"REPL": sep.join(columns)}] if inputs.get("HDRS", "").strip() == "1" else []
    out += [{"REPL": sep.join(r.get(c, "") for c in columns)} for r in rows if predicate(r)]
    return out


def _negate(amount: str) -> str:
    try:
        return f"{-Decimal(amount):.2f}"
    except InvalidOperation:
        return amount


# --- GLS215MI: period balances by (dimension 1, dimension 2) -------------------------------------------
# ASSUMPTION: balance key (BAKY) "1" holds accounting dimensions 1 and 2; PTID numbers each combination.


def _balances(ctx: CallContext, divisions: list[str]) -> dict[tuple[str, str, str], dict[tuple[int, int], Decimal]]:
    out: dict[tuple[str, str, str], dict[tuple[int, int], Decimal]] = {}
    with ctx.backend.lock:
        for ln in ctx.backend.lines:
            if ln.division not in divisions:
                continue
            try:
                amount = Decimal(ln.amount)
            except InvalidOperation:
                continue  # a non-numeric amount never reaches the balance file
            cell = out.setdefault((ln.division, ln.account, ln.cost_center), {})
            period = accounting_period(ln.calendar, ln.acct_date)  # balances are kept per accounting period
            cell[period] = cell.get(period, Decimal(0)) + amount
        # Lines in the balance file that no list shows the reader (a tester's knob: `POST /_emulator/m3/hidden`).
        for hidden in ctx.backend.m3_hidden_lines:
            if hidden.division in divisions:
                cell = out.setdefault((hidden.division, hidden.account, hidden.cost_center), {})
                cell[hidden.period] = cell.get(hidden.period, Decimal(0)) + hidden.amount
    return out


def _pointers(ctx: CallContext) -> dict[tuple[str, str, str], int]:
    keys = sorted(_balances(ctx, ctx.backend.division_codes()))
    return {key: n for n, key in enumerate(keys, start=1)}


def lst_per_balances(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "BAKY")
    if inputs["BAKY"].strip() != "1":
        raise M3Error(f"Balance key {inputs['BAKY'].strip()} does not exist", "WBA0103", "BAKY")
    divisions = divisions_for(ctx, inputs)
    pointers = _pointers(ctx)
    out = []
    for (divi, dim1, dim2), periods in sorted(_balances(ctx, divisions).items()):
        if inputs.get("BIT1", "").strip() not in ("", dim1) or inputs.get("BIT2", "").strip() not in ("", dim2):
            continue
        for (year, month), amount in sorted(periods.items()):
            debit, credit = (amount, Decimal(0)) if amount >= 0 else (Decimal(0), -amount)
            out.append(
                {
                    "PTID": str(pointers[(divi, dim1, dim2)]),
                    "VTYP": "0",
                    "BUNO": "0",
                    "BVER": "",
                    "YEA4": str(year),
                    "PERI": str(month),
                    "ACAD": f"{debit:.2f}",
                    "ACAC": f"{-credit:.2f}",
                    "CUAD": f"{debit:.2f}",
                    "CUAC": f"{-credit:.2f}",
                }
            )
    return out


def get_bit_from_ptid(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "PTID")
    for (divi, dim1, dim2), number in _pointers(ctx).items():
        if str(number) == inputs["PTID"].strip():
            return [
                {
                    "DIVI": divi,
                    "BAKY": "1",
                    "BIT1": dim1,
                    "BIT2": dim2,
                    "BIT3": "",
                    "BIT4": "",
                    "BIT5": "",
                    "BIT6": "",
                    "BIT7": "",
                }
            ]
    raise M3Error(f"Pointer ID {inputs['PTID'].strip()} does not exist", "XRE0103", "PTID")


def get_voucher_head(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "YEA4", "VONO")
    lines = [
        r for r in (f.voucher_line(ln, ctx.company) for ln in list(ctx.backend.lines)) if _voucher_match(r, inputs)
    ]
    if not lines:
        raise M3Error(f"Voucher {inputs['VONO'].strip()} does not exist", "WVO0103", "VONO")
    amounts = [Decimal(r["ACAM"]) for r in lines if _numeric(r["ACAM"])]
    foreign = [Decimal(r["CUAM"]) for r in lines if _numeric(r.get("CUAM", ""))]
    # Only the documented outputs (infor.md appendix B, GetVoucherHeadResponse.cs: 14 fields); a voucher's journal,
    # date and text are line fields (LstVoucherLines), not head fields.
    head = {k: lines[0].get(k, "") for k in ("CONO", "DIVI", "YEA4", "VSER", "VONO", "FEID", "FNCN", "TDSC", "VDSC")}
    head |= {"DSUM": f"{sum(a for a in amounts if a > 0):.2f}", "CSUM": f"{sum(a for a in amounts if a < 0):.2f}"}
    head |= {"CUAD": f"{sum(a for a in foreign if a > 0):.2f}", "CUAC": f"{sum(a for a in foreign if a < 0):.2f}"}
    return [head | {"CUCD": lines[0].get("CUCD", "")}]


def get_voucher_line(ctx: CallContext, inputs: Record) -> list[Record]:
    require_fields(inputs, "DIVI", "YEA4", "VONO", "JRNO", "JSNO")
    lines = [
        r for r in (f.voucher_line(ln, ctx.company) for ln in list(ctx.backend.lines)) if _voucher_match(r, inputs)
    ]
    if not lines:
        raise M3Error("Record does not exist", "XRE0103", "JSNO")
    return lines[:1]


def _voucher_match(rec: Record, inputs: Record) -> bool:
    return all(
        rec[k] == inputs[k].strip()
        for k in ("DIVI", "YEA4", "VONO", "VSER", "JRNO", "JSNO")
        if inputs.get(k, "").strip()
    )


def _numeric(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


LEDGER_TRANSACTIONS: dict[str, dict[str, Transaction]] = {
    "EXPORTMI": {"Select": export_select},
    "GLS215MI": {"LstPerBalances": lst_per_balances, "GetBitFromPtid": get_bit_from_ptid},
    "GLS200MI": {"GetVoucherHead": get_voucher_head, "GetVoucherLine": get_voucher_line},
}
