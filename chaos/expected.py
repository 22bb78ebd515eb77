"""The Anaplan cells the actuals flows must leave, computed independently of the product.

Nothing of the product's extraction, mapping, staging or totals code is used: the source lines are read
from the emulators' own seeded state (the ERP emulators run in the suite's process), the demo's mapping
sets are parsed here from their CSV text, and every mapped line is summed per cell to the cent.

- GL (module `Actuals`, line item `Amount`): every Oracle journal line of a posted batch in the
  connection's ledger (accounted debit minus credit, in the header's period) and every Infor M3 ledger
  line of the US divisions the connection reads (its amount, in the month of its accounting date),
  keyed by account, cost center and month.
- Supplier spend (module `Supplier Spend`): every invoice (`Invoiced`, in the month of its accounting
  date) and every payment (`Paid`, Oracle: its accounting date, Infor: its pay date), per supplier.
- A line whose cost center or account has no rule, or whose amount is not a number, is in no cell
  (the product quarantines it).
"""

from __future__ import annotations

import csv
import fnmatch
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ml_connector.demo import mappings  # the demo's mapping CSV files (text), parsed below

MODEL = "FP&A"
ORACLE_LEDGER = "Acme EU Ledger"
# Each actuals flow of the demo: its ERP and the text of its mapping set's CSV file.
ACTUALS = {"actuals-oracle": ("oracle", mappings.ORACLE), "actuals-infor": ("infor", mappings.INFOR)}
# The M3 divisions the demo's Infor connection reads (`divisions = "US1,US2"` in its config): the US company in
# USD. Monterrey (MX1, in MXN) is another flow's (`actuals-mexico`) and is not summed here.
INFOR_DIVISIONS = ("US1", "US2")
Cells = dict[str, dict[str, str]]  # "model/module" -> {"dim=member|...|line_item=X": value}
Mapper = Callable[[str, str], str | None]


def mapper(csv_text: str) -> Mapper:
    """(dimension, source code) -> the Anaplan member, or None when no rule maps it.

    Exact rules win over patterns; a pattern is a glob (`*`, `?`); the target `=` keeps the code."""
    exact: dict[tuple[str, str], str] = {}
    patterns: list[tuple[str, str, str]] = []
    for row in csv.DictReader(io.StringIO(csv_text)):
        dimension, kind, source, target = (row[k].strip() for k in ("dimension", "kind", "source", "target"))
        if kind == "exact":
            exact[(dimension, source)] = target
        elif kind == "pattern":
            patterns.append((dimension, source, target))
        else:
            raise ValueError(f"mapping kind {kind!r} is not known to the fault suite")

    def resolve(dimension: str, code: str) -> str | None:
        target = exact.get((dimension, code))
        if target is None:
            target = next((t for d, s, t in patterns if d == dimension and fnmatch.fnmatchcase(code, s)), None)
        if target is None:
            return None
        return code if target == "=" else target

    return resolve


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return None


def _label(day: date) -> str:
    return day.strftime("%b %y")


def _gl_key(account: str, cost_center: str, label: str) -> str:
    return f"Cost Centers={cost_center}|GL Accounts={account}|Time={label}|line_item=Amount"


def _spend_key(supplier: str, label: str, measure: str) -> str:
    return f"Suppliers={supplier}|Time={label}|line_item={measure}"


def oracle_lines(backend: Any) -> Iterable[tuple[str, str, str, Decimal | None]]:
    """(account, cost center, month label, amount) of every posted journal line of the ledger."""
    with backend.lock:
        for batch in backend.roots["journalBatches"]:
            if batch.data.get("Status") != "P":
                continue
            for header in batch.child_items("journalHeaders"):
                if header.data.get("LedgerName") != ORACLE_LEDGER:
                    continue
                period = datetime.strptime(header.data["PeriodName"], "%b-%y").replace(tzinfo=UTC)
                for line in header.child_items("journalLines"):
                    _, cost_center, account = str(line.data["AccountCombination"]).split("-")
                    dr, cr = _amount(line.data.get("AccountedDr")), _amount(line.data.get("AccountedCr"))
                    amount = None if dr is None or cr is None else dr - cr
                    yield account, cost_center, _label(period.date()), amount


def oracle_spend(backend: Any) -> Iterable[tuple[str, str, str, Decimal | None]]:
    """(supplier number, month label, measure, amount) of every invoice and payment."""
    with backend.lock:
        for invoice in backend.roots["invoices"]:
            d = invoice.data
            yield str(d["SupplierNumber"]), _label(d["AccountingDate"]), "Invoiced", _amount(d["InvoiceAmount"])
        for payment in backend.roots["payablesPayments"]:
            d = payment.data
            yield str(d["SupplierNumber"]), _label(d["AccountingDate"]), "Paid", _amount(d["PaymentAmount"])


def infor_lines(backend: Any) -> Iterable[tuple[str, str, str, Decimal | None]]:
    with backend.lock:
        for line in backend.lines:
            if line.division not in INFOR_DIVISIONS:
                continue
            yield str(line.account), str(line.cost_center), _label(line.acct_date), _amount(line.amount)


def infor_spend(backend: Any) -> Iterable[tuple[str, str, str, Decimal | None]]:
    with backend.lock:
        for invoice in backend.invoices:
            if invoice.division not in INFOR_DIVISIONS:
                continue
            yield str(invoice.supplier), _label(invoice.acct_date), "Invoiced", _amount(invoice.amount)
        for payment in backend.payments:
            if payment.division not in INFOR_DIVISIONS:
                continue
            yield str(payment.supplier), _label(payment.pay_date), "Paid", _amount(payment.amount)


def expected_cells(backends: dict[str, Any], flows: Iterable[str]) -> Cells:
    """The Actuals and Supplier Spend cells of the model after `flows` (zero cells left out)."""
    gl: dict[str, Decimal] = defaultdict(Decimal)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for flow in flows:
        if flow not in ACTUALS:
            continue
        system, csv_text = ACTUALS[flow]
        resolve = mapper(csv_text)
        backend = backends[system]
        lines, spends = (oracle_lines, oracle_spend) if system == "oracle" else (infor_lines, infor_spend)
        for account, cost_center, label, amount in lines(backend):
            member_account, member_cc = resolve("account", account), resolve("cost_center", cost_center)
            if amount is None or member_account is None or member_cc is None:
                continue
            gl[_gl_key(member_account, member_cc, label)] += amount
        for supplier, label, measure, amount in spends(backend):
            member = resolve("supplier", supplier)
            if amount is None or member is None:
                continue
            spend[_spend_key(member, label, measure)] += amount
    return {
        f"{MODEL}/Actuals": {k: _canonical(v) for k, v in gl.items() if v},
        f"{MODEL}/Supplier Spend": {k: _canonical(v) for k, v in spend.items() if v},
    }


def compare_cells(expected: Cells, found: Cells) -> list[str]:
    """Every expected module's cells against the found ones; a zero cell counts as absent."""
    out: list[str] = []
    for where, want in expected.items():
        got = {k: v for k, v in found.get(where, {}).items() if _canonical_or_text(v) != "0"}
        wrong = sorted(k for k in set(want) | set(got) if want.get(k) != _canonical_or_text(got.get(k)))
        if wrong:
            k = wrong[0]
            out.append(
                f"cells of {where}: {len(wrong)} differ from the independent sum of the mapped source lines "
                f"(e.g. {k}: expected {want.get(k)}, found {got.get(k)})"
            )
    return out


def _canonical(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def _canonical_or_text(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return _canonical(Decimal(value.replace(",", "")))
    except InvalidOperation:
        return value
