"""Build the seeded Acme Components (Americas) company from `seed/acme.yaml` with a fixed RNG.

The YAML holds master data (divisions, chart of accounts, cost centers, suppliers); the postings are
generated here, deterministically: balanced GL journals, supplier invoices and their payments over 13
monthly periods, with entry and change timestamps spread over time and some lines changed after entry.
Two bad records are planted for the quarantine demo: a posting on cost center 1999 (no mapping covers
it) and a posting whose amount is the text "12O.50" (M3 answers every field as a string).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml

from ml_connector.emulators.infor.records import Account, LedgerLine, Payment, Supplier, SupplierInvoice

# The seed's "today": timestamps never run past it, so the data looks like an export taken then.
AS_OF = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
GL, AP_INVOICE, AP_PAYMENT = 10, 40, 50  # ASSUMPTION: TRCD 10 = GL journal (40 invoice per infor.md, 50 payment)


@dataclass
class SeedData:
    """Everything the backend starts with."""

    company: str
    company_name: str
    currency: str
    divisions: list[dict[str, str]]
    accounts: list[Account]
    cost_centers: list[Account]
    suppliers: list[Supplier]
    lines: list[LedgerLine] = field(default_factory=list)
    invoices: list[SupplierInvoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    # CRS055MI: per currency its conversion method (DMCU), rate factor (RAFA) and rates by (type, date).
    currency_rates: list[dict[str, Any]] = field(default_factory=list)


def load_seed() -> SeedData:
    """Read the YAML and generate the postings."""
    text = resources.files("ml_connector.emulators.infor").joinpath("seed/acme.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    stamp = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
    data = SeedData(
        company=str(raw["company"]),
        company_name=str(raw["name"]),
        currency=str(raw["currency"]),
        divisions=[{k: str(v) for k, v in d.items()} for d in raw["divisions"]],
        currency_rates=list(raw.get("currency_rates") or []),
        accounts=[Account(1, str(a["code"]), a["name"], a["type"], stamp) for a in raw["accounts"]],
        cost_centers=[Account(2, str(c["code"]), c["name"], "", stamp) for c in raw["cost_centers"]],
        suppliers=[
            Supplier(
                id=s["id"],
                name=s["name"],
                tax_id=str(s["tax_id"]),
                terms=str(s["terms"]),
                address=s["address"],
                city=s["city"],
                state=s["state"],
                zip=str(s["zip"]),
                country=s["country"],
                currency="MXN" if s["country"] == "MX" else "USD",
                changed=stamp,
            )
            for s in raw["suppliers"]
        ],
    )
    _Generator(data, raw).run()
    return data


class _Generator:
    def __init__(self, data: SeedData, raw: dict[str, Any]) -> None:
        self.data = data
        self.rng = random.Random(int(raw["rng_seed"]))  # noqa: S311 - deterministic test data
        self.periods = _periods(str(raw["first_period"]), int(raw["periods"]))
        self.admin = raw["admin"]
        self.supplier_accounts: dict[str, str] = {k: str(v) for k, v in raw["supplier_accounts"].items()}
        self.journal_no: dict[tuple[str, int], int] = {}
        self.voucher_no: dict[tuple[str, int, str], int] = {}
        self.trans_num = 0
        self.proposal_seq: dict[str, int] = {}  # payment proposals numbered 1, 2, ... per division
        self.calendars = {d["code"]: d.get("calendar", "months") for d in data.divisions}
        # Each division books in its own local currency (MNS100 LOCD), the company's unless the seed names one.
        self.currencies = {d["code"]: d.get("currency") or data.currency for d in data.divisions}
        self.scales = {d["code"]: Decimal(d.get("amount_scale") or "1") for d in data.divisions}

    def run(self) -> None:
        open_invoices: list[SupplierInvoice] = []
        for year, month in self.periods:
            last = year == AS_OF.year and month == AS_OF.month
            for div in self.data.divisions:
                cc = div["cost_center"]
                scale = self.scales[div["code"]]
                self._journal(
                    div["code"],
                    self._day(year, month, last),
                    "GL",
                    [
                        ("1000", cc, self._amount(80_000, 140_000, scale=scale)),
                        ("4000", cc, None),
                        ("4100", cc, self._amount(5_000, 15_000, neg=True, scale=scale)),
                    ],
                    "Sales receipts",
                )
                self._journal(
                    div["code"],
                    self._day(year, month, last),
                    "GL",
                    [
                        ("5100", cc, self._amount(30_000, 45_000, scale=scale)),
                        ("6000", cc, self._amount(12_000, 20_000, scale=scale)),
                        ("1000", cc, None),
                    ],
                    "Payroll",
                )
                self._journal(
                    div["code"],
                    self._day(year, month, last),
                    "GL",
                    [
                        ("7000", cc, self._amount(4_000, 6_000, scale=scale)),
                        ("1000", cc, None),
                    ],
                    "Depreciation",
                )
                for _ in range(2):
                    open_invoices.append(self._invoice(div["code"], cc, year, month, last))
            admin_div, admin_cc = self.admin["division"], str(self.admin["cost_center"])
            self._journal(
                admin_div,
                self._day(year, month, last),
                "GL",
                [
                    ("6300", admin_cc, self._amount(1_500, 4_000)),
                    ("6500", admin_cc, self._amount(2_000, 6_000)),
                    ("1000", admin_cc, None),
                ],
                "Admin expenses",
            )
            self._payments(open_invoices, year, month)
            if (year, month) == (2026, 3):
                # Bad record 1: cost center 1999 is in no mapping (and not in the dimension list either).
                self._journal(
                    "US1",
                    date(2026, 3, 17),
                    "GL",
                    [("6300", "1999", "845.20"), ("1000", "1900", "-845.20")],
                    "Travel accrual, unassigned",
                )
            if (year, month) == (2026, 5):
                # Bad record 2: an amount that is not a number, as M3 can return any field as free text. In a US
                # division (Toledo), so that the US flow shows both bad records of the quarantine demo.
                self._journal(
                    "US2",
                    date(2026, 5, 12),
                    "GL",
                    [("6200", "1300", "12O.50"), ("1000", "1300", "-120.50")],
                    "Utilities correction",
                )
        # Last, so the lines above keep their random draws: a Monterrey (4-4-5) accrual dated 30 March 2026,
        # a month's last days that are already in fiscal period 4 (period 3 ended on 28 March).
        self._journal(
            "MX1",
            date(2026, 3, 30),
            "GL",
            [("6200", "1200", "2345.67"), ("1000", "1200", "-2345.67")],
            "Power accrual, period 4",
        )

    def _day(self, year: int, month: int, last: bool) -> date:
        return date(year, month, self.rng.randint(1, 18 if last else 28))

    def _amount(self, low: int, high: int, neg: bool = False, scale: Decimal = Decimal(1)) -> str:
        # One draw whatever the scale, so every other posting keeps its figures when a scale changes.
        value = (Decimal(self.rng.randint(low * 100, high * 100)) / 100 * scale).quantize(Decimal("0.01"))
        return f"{-value if neg else value:.2f}"

    def _next_journal(self, division: str, year: int, series: str) -> tuple[int, int]:
        jrno = self.journal_no.get((division, year), 0) + 1
        self.journal_no[(division, year)] = jrno
        vono = self.voucher_no.get((division, year, series), 0) + 1
        self.voucher_no[(division, year, series)] = vono
        return jrno, vono

    def _stamps(self, day: date) -> tuple[datetime, datetime, int]:
        created = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC) + timedelta(
            days=self.rng.randint(0, 3), minutes=self.rng.randint(0, 600)
        )
        created = min(created, AS_OF - timedelta(hours=1))
        if self.rng.random() < 0.12:
            changed = min(created + timedelta(days=self.rng.randint(1, 20), minutes=self.rng.randint(0, 300)), AS_OF)
            return created, changed, 1
        return created, created, 0

    def _journal(
        self,
        division: str,
        day: date,
        series: str,
        parts: list[tuple[str, str, str | None]],
        text: str,
        trans_code: int = GL,
        supplier: str = "",
        invoice_no: str = "",
    ) -> tuple[int, int]:
        known = sum(Decimal(a) for _, _, a in parts if a is not None and _numeric(a))
        jrno, vono = self._next_journal(division, day.year, series)
        created, changed, change_no = self._stamps(day)
        for seq, (account, cc, amount) in enumerate(parts, start=1):
            self.trans_num += 1
            self.data.lines.append(
                LedgerLine(
                    division=division,
                    year=day.year,
                    journal_no=jrno,
                    journal_seq=seq,
                    voucher_series=series,
                    voucher_no=vono,
                    acct_date=day,
                    account=account,
                    cost_center=cc,
                    amount=amount if amount is not None else f"{-known:.2f}",
                    currency=self.currencies.get(division, self.data.currency),
                    text=text,
                    trans_code=trans_code,
                    supplier=supplier,
                    invoice_no=invoice_no,
                    created=created,
                    changed=changed if seq == 1 else created,
                    change_no=change_no if seq == 1 else 0,
                    trans_num=self.trans_num,
                    calendar=self.calendars.get(division, "months"),
                )
            )
        return jrno, vono

    def _invoice(self, division: str, cc: str, year: int, month: int, last: bool) -> SupplierInvoice:
        supplier = self.rng.choice(self.data.suppliers)
        day = self._day(year, month, last)
        amount = self._amount(800, 25_000, scale=self.scales[division])
        number = f"INV-{supplier.id[-3:]}-{year % 100:02d}{month:02d}{self.rng.randint(100, 999)}"
        account = self.supplier_accounts[supplier.id]
        jrno, vono = self._journal(
            division,
            day,
            "AP",
            [(account, cc, amount), ("2000", cc, None)],
            f"{supplier.name[:24]} {number}",
            AP_INVOICE,
            supplier.id,
            number,
        )
        invoice = SupplierInvoice(
            division=division,
            supplier=supplier.id,
            invoice_no=number,
            invoice_year=year,
            invoice_date=day,
            due_date=day + timedelta(days=int(supplier.terms)),
            acct_date=day,
            amount=amount,
            vat="0.00",
            currency=self.currencies[division],
            year=year,
            journal_no=jrno,
            journal_seq=1,
            voucher_no=vono,
            terms=supplier.terms,
            changed=self._stamps(day)[1],
        )
        self.data.invoices.append(invoice)
        return invoice

    def _payments(self, open_invoices: list[SupplierInvoice], year: int, month: int) -> None:
        """Pay, once a month per division, every open invoice due by that month's run date."""
        run_day = date(year, month, 25 if (year, month) != (AS_OF.year, AS_OF.month) else 18)
        by_division: dict[str, list[SupplierInvoice]] = {}
        for inv in open_invoices:
            if not inv.paid and inv.due_date <= run_day:
                by_division.setdefault(inv.division, []).append(inv)
        for division, invoices in sorted(by_division.items()):
            self.proposal_seq[division] = self.proposal_seq.get(division, 0) + 1
            cc = next(d["cost_center"] for d in self.data.divisions if d["code"] == division)
            for doc, inv in enumerate(invoices, start=1):
                inv.paid = True
                self._journal(
                    division,
                    run_day,
                    "PY",
                    [("2000", cc, inv.amount), ("1000", cc, None)],
                    f"Payment {inv.invoice_no}",
                    AP_PAYMENT,
                    inv.supplier,
                    inv.invoice_no,
                )
                self.data.payments.append(
                    Payment(
                        division=division,
                        proposal=self.proposal_seq[division],
                        order=1,
                        document=doc,
                        supplier=inv.supplier,
                        invoice_no=inv.invoice_no,
                        invoice_year=inv.invoice_year,
                        invoice_date=inv.invoice_date,
                        due_date=inv.due_date,
                        pay_date=run_day,
                        amount=inv.amount,
                        currency=inv.currency,
                        account="2000",
                        cost_center=cc,
                        changed=self._stamps(run_day)[0],
                    )
                )


def _periods(first: str, count: int) -> list[tuple[int, int]]:
    year, month = (int(p) for p in first.split("-"))
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _numeric(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
