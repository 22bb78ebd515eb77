"""Canonical records: what flows carry between systems, so no system module knows another.

Amounts are `Decimal`, never float; times are timezone-aware. A period is a calendar month "YYYY-MM" (a
ledger on calendar months), or a period of the ERP's own fiscal calendar, "YYYY-Pnn" (`FiscalPeriod`: the
ERP's fiscal year and period number, 1-13, for 4-4-5 and 13-period years). A source record that cannot
become a canonical record is not dropped: it becomes a `RejectedRecord` that carries its raw payload and the
reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FISCAL_PATTERN = re.compile(r"^(\d{4})-P(0[1-9]|1[0-3])$")
MOST_PERIODS = 13  # periods in a fiscal year: 12 (months, 4-4-5) or 13 (four-week periods)


class EntryKind(StrEnum):
    GL = "gl"
    INVOICE = "invoice"
    PAYMENT = "payment"


def period_of(day: date) -> str:
    """The canonical period ("YYYY-MM") of a date."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, order=True, slots=True)
class FiscalPeriod:
    """A period of the ERP's fiscal calendar: the fiscal year as the ERP numbers it, and the period's number
    in it (1-13). Written "2026-P04"; a 4-4-5 period may start on a month's last days, so it is never
    derived from a date, only read from the ERP (Oracle PeriodYear/PeriodNumber, M3 ACYP)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or not 1 <= self.number <= MOST_PERIODS:
            raise ValueError(f"period {self.number} of year {self.year} is not a fiscal period (1-{MOST_PERIODS})")

    def __str__(self) -> str:
        return f"{self.year:04d}-P{self.number:02d}"

    @classmethod
    def parse(cls, text: str) -> FiscalPeriod | None:
        """'2026-P04' as a FiscalPeriod; None for any other shape (such as a calendar month '2026-04')."""
        match = FISCAL_PATTERN.match(text)
        return cls(int(match.group(1)), int(match.group(2))) if match else None


def is_period(text: str) -> bool:
    """Whether `text` is a canonical period: a calendar month "YYYY-MM" or a fiscal period "YYYY-Pnn"."""
    return bool(PERIOD_PATTERN.match(text) or FISCAL_PATTERN.match(text))


class PeriodStatus(StrEnum):
    """Where an accounting period stands in the ERP's close."""

    OPEN = "open"  # still taking postings: its figures are preliminary
    CLOSED = "closed"  # closed (or permanently closed): its figures are final
    FUTURE = "future"  # not opened yet (future-enterable or never opened)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One posted amount: a GL journal line, a supplier invoice, or a payment.

    `source_key` is unique and stable within `source` (e.g. batch/header/line ids): it is the key for
    de-duplication across overlapping reads and for the audit trail. `ledger` is the entity the line
    belongs to (Oracle ledger, M3 division, CSI site, FSM accounting entity); `amount` is accounted, in
    that entity's functional `currency`.
    """

    source: str
    source_key: str
    ledger: str
    period: str  # "YYYY-MM", or "YYYY-Pnn" (a `FiscalPeriod`) when the ledger is read on the ERP's calendar
    posted_on: date
    account: str
    cost_center: str
    amount: Decimal
    currency: str
    kind: EntryKind = EntryKind.GL
    supplier: str | None = None
    updated_at: datetime | None = None
    description: str = ""
    # The amount as entered, in the currency of the transaction, where the ERP gives it apart from the
    # accounted `amount` (which is in `currency`, the ledger's or company's functional currency).
    entered_amount: Decimal | None = None
    entered_currency: str = ""


@dataclass(frozen=True, slots=True)
class CurrencyRate:
    """One of the ERP's daily rates: one `from_currency` is `rate` / `divided_by` of `to_currency` on `day`.
    A rate quoted the other way round (M3's multiply method: so many local units per unit of the reporting
    currency) keeps its quote as `divided_by`, so a conversion divides by it exactly instead of multiplying by
    a rounded inverse."""

    from_currency: str
    to_currency: str
    rate_type: str
    day: date
    rate: Decimal
    divided_by: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """The ERP's own period activity of one account and cost center of a ledger (accounted amounts)."""

    ledger: str
    period: str
    account: str
    cost_center: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A source record that could not be read as a canonical record (e.g. a non-numeric amount)."""

    source: str
    source_key: str
    kind: str
    reason: str
    hint: str
    payload: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """One dimension's hierarchy as the ERP keeps it: each member's parent (`parents`, member code ->
    parent code) and the parent members themselves (`groups`, code -> name). A parent that is not in
    `groups` is unknown; the reference flow quarantines the members under it."""

    parents: dict[str, str]
    groups: dict[str, str]


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    name: str
    account_type: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class CostCenter:
    code: str
    name: str
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Supplier:
    """A supplier master record. `number` is the ERP's supplier number (Oracle SupplierNumber, M3 SUNO)."""

    number: str
    name: str
    tax_id: str = ""
    payment_terms: str = ""
    status: str = "Active"
    address: str = ""  # street line
    city: str = ""
    postal_code: str = ""
    country: str = ""  # ISO 3166 alpha-2


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One approved budget or forecast figure out of Anaplan."""

    version: str
    period: str
    account: str
    cost_center: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class JournalLineDraft:
    account: str
    cost_center: str
    amount: Decimal  # positive = debit, negative = credit
    description: str = ""


@dataclass(frozen=True, slots=True)
class JournalDraft:
    """A journal to post into an ERP for review. `reference` is deterministic: the same figures give the
    same reference, so a journal is looked up by it before it is posted and never posted twice."""

    reference: str
    ledger: str
    period: str
    accounting_date: date
    currency: str
    description: str
    lines: tuple[JournalLineDraft, ...]

    @property
    def balanced(self) -> bool:
        return sum((line.amount for line in self.lines), Decimal(0)) == 0


@dataclass(frozen=True, slots=True)
class BudgetDraft:
    """Budget amounts for one period, loaded into the ERP's budget (not its journals): each line's amount
    replaces what the budget held for its account and cost center. `reference` names the load (run name)."""

    reference: str
    budget: str
    ledger: str
    period: str  # YYYY-MM
    currency: str
    lines: tuple[JournalLineDraft, ...]


@dataclass(frozen=True, slots=True)
class PostResult:
    """What posting a journal did: `created` is False when one with the same reference already existed."""

    reference: str
    document_id: str
    created: bool


@dataclass(frozen=True, slots=True)
class SupplierWriteResult:
    """The outcome of writing one supplier back to the ERP."""

    number: str
    ok: bool
    action: str = ""  # "created" | "updated" | "" on failure
    error: str = ""
