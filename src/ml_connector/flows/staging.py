"""Turning canonical ledger lines into staged cell contributions (or quarantined records)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from ml_connector.config import FlowSection
from ml_connector.engine.audit import AuditEntry, AuditTrail
from ml_connector.engine.keys import CellKey, CellKind, GapKey
from ml_connector.engine.staging_area import Segment, StagedLine, StagingArea, to_micros
from ml_connector.engine.states import RecordState
from ml_connector.errors import ConfigurationError, InvalidRecordError, RecordError, UnmappedError
from ml_connector.flows.rates import Conversion, RateTable, convert
from ml_connector.mapping import Dimension, MappingTable
from ml_connector.mapping.signs import SignRule
from ml_connector.records import EntryKind, LedgerLine, PeriodStatus, RejectedRecord

BATCH = 1000
CELL_CACHE = 50_000  # mapping results a run remembers (a line's codes -> its cell)
CURRENCY = re.compile(r"^[A-Z]{3}$")
T = TypeVar("T")
GL_PREFIX = CellKind.GL.prefix
SUPPLIER_PREFIX = CellKind.SUPPLIER.prefix
MEASURES = {EntryKind.INVOICE: "Invoiced", EntryKind.PAYMENT: "Paid"}


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


LINE_FIELDS = tuple(f.name for f in fields(LedgerLine))


def line_payload(line: LedgerLine) -> dict[str, Any]:
    """The line as plain JSON-able values (asdict's deep copies cost half a run's time)."""
    data: dict[str, Any] = {name: getattr(line, name) for name in LINE_FIELDS}
    data["amount"] = str(line.amount)
    data["kind"] = line.kind.value
    data["posted_on"] = line.posted_on.isoformat()
    data["updated_at"] = line.updated_at.isoformat() if line.updated_at else None
    # Left out when the ERP gave none, so lines read before they existed keep their payload hash.
    if line.entered_amount is None:
        del data["entered_amount"]
    else:
        data["entered_amount"] = str(line.entered_amount)
    if not line.entered_currency:
        del data["entered_currency"]
    return data


def line_from_payload(payload: dict[str, Any]) -> LedgerLine:
    return LedgerLine(
        source=payload["source"],
        source_key=payload["source_key"],
        ledger=payload["ledger"],
        period=payload["period"],
        posted_on=date.fromisoformat(str(payload["posted_on"])),
        account=payload["account"],
        cost_center=payload["cost_center"],
        amount=Decimal(payload["amount"]),
        currency=payload["currency"],
        kind=EntryKind(payload["kind"]),
        supplier=payload.get("supplier"),
        updated_at=datetime.fromisoformat(payload["updated_at"]) if payload.get("updated_at") else None,
        description=payload.get("description", ""),
        entered_amount=Decimal(payload["entered_amount"]) if payload.get("entered_amount") is not None else None,
        entered_currency=payload.get("entered_currency", ""),
    )


def amount_of(
    flow: FlowSection, line: LedgerLine, rates: RateTable | None = None
) -> tuple[Decimal, str, Conversion | None]:
    """The amount a flow loads for a line, its currency, and the conversion when it was converted:
    accounted (`amounts = "ledger"`), as entered, or accounted and converted to the reporting
    currency. A line whose ERP gives one amount only has it in both."""
    if flow.amounts == "entered" and line.entered_amount is not None:
        amount, currency = line.entered_amount, line.entered_currency
    else:
        amount, currency = line.amount, line.currency
    currency = currency.strip().upper()
    if currency and not CURRENCY.match(currency):
        raise InvalidRecordError(
            f"currency {currency!r} of {line.source_key} is not an ISO 4217 code",
            hint="Fix the line's currency at the source, then replay.",
        )
    if not currency and (flow.columns.currency or flow.amounts == "reporting"):
        raise InvalidRecordError(
            f"{line.source_key} names no currency, and the flow needs one",
            hint="Fix the line's currency at the source, then replay.",
        )
    if flow.amounts != "reporting":
        return amount, currency, None
    if rates is None:
        raise ConfigurationError("a reporting-currency flow was run without its rates")  # a bug, not bad data
    done = convert(rates, line, amount, currency, flow.reporting_currency, flow.rate_type, flow.rate_date)
    return done.amount, done.currency, done


def conversion_payload(done: Conversion) -> dict[str, str]:
    """What the audit keeps of a conversion: the amount before, its currency, the rate, type and date (and,
    for a rate quoted the other way round, what the amount is divided by: converted = amount x rate / it)."""
    kept = {
        "amount": str(done.original_amount),
        "currency": done.original_currency,
        "rate": str(done.rate),
        "rate_type": done.rate_type,
        "rate_date": done.rate_date.isoformat(),
        "converted": str(done.amount),
        "to": done.currency,
    }
    if done.divided_by != 1:
        kept["divided_by"] = str(done.divided_by)
    return kept


def cell_currency(flow: FlowSection, line: LedgerLine) -> str:
    """The currency part of a line's cell (empty without a currency column)."""
    if not flow.columns.currency:
        return ""
    if flow.amounts == "reporting":
        return flow.reporting_currency
    return amount_of(flow, line)[1]


def gl_columns(flow: FlowSection) -> list[str]:
    """The import's columns a GL row fills, in the key's order (entity and currency when configured)."""
    cols = flow.columns
    named = [cols.entity, cols.account, cols.cost_center, cols.period, cols.currency, cols.amount]
    return [c for c in named if c]


def gl_cell(flow: FlowSection, mapping: MappingTable, line: LedgerLine, period: str) -> CellKey:
    """The GL cell of a line: the entity and the currency are parts only when the import has their
    columns (otherwise empty, and the cell adds up every entity of one currency)."""
    entity = mapping.resolve(Dimension.ENTITY, line.ledger) if flow.columns.entity else ""
    currency = cell_currency(flow, line)
    return CellKey.of(
        CellKind.GL,
        entity=entity,
        account=mapping.resolve(Dimension.ACCOUNT, line.account),
        cost_center=mapping.resolve(Dimension.COST_CENTER, line.cost_center),
        period=period,
        currency=currency,
    )


def gap_key(exc: RecordError) -> str:
    """Quarantined for a missing mapping: the gap's key, so `mapping gaps` can count them."""
    if isinstance(exc, UnmappedError) and exc.dimension:
        return GapKey(exc.dimension, exc.code).encode()
    return ""


class Stager:
    """Maps each line to its cell and stages it; quarantines what cannot be mapped or read."""

    def __init__(
        self,
        flow: FlowSection,
        mapping: MappingTable,
        ledger: StagingArea,
        audit: AuditTrail,
        *,
        periods: set[str] | None = None,
        with_suppliers: bool = False,
        signs: SignRule | None = None,
        only_cells: frozenset[str] | None = None,
        statuses: dict[str, PeriodStatus] | None = None,
        rates: RateTable | None = None,
    ) -> None:
        self.signs = signs or SignRule()
        self.flow = flow
        self.mapping = mapping
        self.periods = flow.period_mapping()
        self.only_periods = periods
        self.ledger = ledger
        self.audit = audit
        self.with_suppliers = with_suppliers
        # A repair restages every line of these cells, loaded or not, and nothing else.
        self.only_cells = only_cells
        self.seen: set[str] = set()
        self.cells: dict[tuple[object, ...], tuple[str, str]] = {}
        self.statuses = statuses or {}
        self.rates = rates
        self.preliminary: set[str] = set()  # open periods whose lines were staged
        self.gl_periods: set[str] = set()  # periods of the GL lines staged
        self.latest_update: datetime | None = None
        self.read = 0

    def check_period(self, line: LedgerLine) -> None:
        """RecordError when the flow must not load the line's period (future, or open when it loads
        closed periods only); notes an open period it loads as preliminary."""
        status = self.statuses.get(line.period)
        if status is PeriodStatus.FUTURE:
            raise InvalidRecordError(
                f"period {line.period} is a future period in the ERP's calendar",
                hint="Check the line's accounting date at the source.",
            )
        if self.flow.periods == "closed" and status is not PeriodStatus.CLOSED:
            state = "still open" if status is PeriodStatus.OPEN else "not in the ERP's calendar"
            raise RecordError(
                f"period {line.period} is {state}; this flow loads closed periods only",
                hint='Replay this run once the period is closed, or set periods = "open-and-closed".',
            )
        if status is PeriodStatus.OPEN:
            self.preliminary.add(line.period)

    def target(self, line: LedgerLine) -> tuple[str, str]:
        """(cell key, measure) of a line; RecordError if it cannot be mapped. Remembered for the run by
        everything the mapping reads of the line (a run's lines share few cells); a failure is not."""
        key = (
            line.kind,
            line.ledger,
            line.account,
            line.cost_center,
            line.period,
            line.supplier,
            line.currency,
            line.entered_currency,
            line.entered_amount is None,
        )
        found = self.cells.get(key)
        if found is None:
            found = self._target(line)
            if len(self.cells) >= CELL_CACHE:
                self.cells.clear()  # memory stays bounded on a run with very many distinct cells
            self.cells[key] = found
        return found

    def _target(self, line: LedgerLine) -> tuple[str, str]:
        period = self.periods.to_anaplan(line.period)
        if line.kind is EntryKind.GL:
            return gl_cell(self.flow, self.mapping, line, period).encode(), ""
        if not line.supplier:
            raise RecordError(f"{line.kind.value} {line.source_key} names no supplier", hint="Fix it at the source.")
        supplier = self.mapping.resolve(Dimension.SUPPLIER, line.supplier)
        return CellKey.of(CellKind.SUPPLIER, supplier=supplier, period=period).encode(), MEASURES[line.kind]

    def wanted(self, record: LedgerLine | RejectedRecord) -> bool:
        if isinstance(record, LedgerLine):
            if record.kind is not EntryKind.GL and not self.with_suppliers:
                return False
            if self.only_periods is not None and record.period not in self.only_periods:
                return False
        return True

    def take(self, records: list[LedgerLine | RejectedRecord], *, segment: Segment | None = None) -> None:
        """Map and stage one batch (in the segment's open transaction when `segment` is given)."""
        entries: list[AuditEntry] = []
        # By source key, so a key read twice in the batch counts as its last version, good or bad.
        staged: dict[str, StagedLine] = {}
        dropped: dict[str, str] = {}
        for record in records:
            if not self.wanted(record):
                continue
            self.read += 1
            if record.updated_at is not None and (self.latest_update is None or record.updated_at > self.latest_update):
                self.latest_update = record.updated_at
            if isinstance(record, RejectedRecord):
                entry = AuditEntry(
                    record.source,
                    record.source_key,
                    record.kind,
                    record.payload,
                    RecordState.QUARANTINED,
                    reason=record.reason,
                    hint=record.hint,
                )
                entries.append(entry)
                staged.pop(record.source_key, None)
                dropped[record.source_key] = entry.hash
                continue
            payload = line_payload(record)
            entry = AuditEntry(record.source, record.source_key, record.kind.value, payload, RecordState.STAGED)
            try:
                self.check_period(record)
                entry.target_key, measure = self.target(record)
                amount, currency, conversion = amount_of(self.flow, record, self.rates)
                micros = to_micros(self.signs.plan_amount(record.account, amount))
                if conversion is not None:
                    payload["conversion"] = conversion_payload(conversion)
            except RecordError as exc:
                entry.state, entry.reason, entry.hint = RecordState.QUARANTINED, exc.message, exc.hint
                entry.target_key = gap_key(exc)
                staged.pop(record.source_key, None)
                dropped[record.source_key] = entry.hash
            else:
                if self.only_cells is not None and entry.target_key not in self.only_cells:
                    continue
                if self.only_cells is not None:  # a repair: which lines the ERP still has (memory stays flat otherwise)
                    self.seen.add(record.source_key)
                if record.kind is EntryKind.GL:
                    self.gl_periods.add(record.period)
                dropped.pop(record.source_key, None)
                staged[record.source_key] = StagedLine(
                    record.source_key, entry.target_key, micros, measure, entry.hash, currency
                )
            entries.append(entry)
        if self.only_cells is not None:
            # Only the lines of the cells repaired are audited and staged: nothing else may change.
            entries = [e for e in entries if e.source_key in staged]
            dropped = {}
        self.ledger.take(
            self.audit,
            entries,
            list(staged.values()),
            dropped,
            skip_unchanged=self.only_cells is None,
            session=segment.session if segment is not None else None,
        )
