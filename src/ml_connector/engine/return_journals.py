"""What a return flow has posted to an ERP, per (flow, version, period): the memory behind revisions.

Each journal is kept by its deterministic reference with its own lines, in the order it was (or is to be)
posted. A revision is planned here as `intended` rows in one transaction before anything is written, so a
run that dies between a reversal and its new journal leaves the rest of the plan for the next run to finish.
`submitted` marks a write whose effect can land after its answer is lost (Oracle's journal import), with the
ERP's request id once known: the next run resolves it before it may submit again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import delete, select

from ml_connector.store.database import Store
from ml_connector.store.models import ReturnJournal

Cell = tuple[str, str]  # (account, cost center) in ERP codes


class JournalKind(StrEnum):
    JOURNAL = "journal"  # the period's figures
    REVERSAL = "reversal"  # takes back everything posted for the period so far
    DELTA = "delta"  # the difference between what was posted and the figures now
    BUDGET = "budget"  # budget amounts through the ERP's budget route: each replaces its cell's amount


class JournalState(StrEnum):
    INTENDED = "intended"
    SUBMITTED = "submitted"
    POSTED = "posted"


@dataclass
class ReturnRecord:
    reference: str
    seq: int
    kind: JournalKind
    lines: dict[Cell, Decimal]
    reverses: str = ""
    state: JournalState = JournalState.INTENDED
    document_id: str = ""
    request_id: str = ""


@dataclass
class PeriodHistory:
    records: list[ReturnRecord] = field(default_factory=list)

    @property
    def net(self) -> dict[Cell, Decimal]:
        """What the ERP holds for the period from our journals (all of them, posted or about to be)."""
        total: dict[Cell, Decimal] = {}
        for record in self.records:
            for cell, amount in record.lines.items():
                if record.kind == JournalKind.BUDGET:
                    total[cell] = amount
                else:
                    total[cell] = total.get(cell, Decimal(0)) + amount
        return {cell: amount for cell, amount in total.items() if amount}

    @property
    def next_seq(self) -> int:
        return max((r.seq for r in self.records), default=0) + 1

    @property
    def pending(self) -> list[ReturnRecord]:
        return [r for r in self.records if r.state != JournalState.POSTED]

    def last_journal(self) -> ReturnRecord | None:
        return next((r for r in reversed(self.records) if r.kind != JournalKind.REVERSAL), None)


def _encode(lines: dict[Cell, Decimal]) -> str:
    return json.dumps([[a, c, f"{amount:f}"] for (a, c), amount in sorted(lines.items())])


def _decode(text: str) -> dict[Cell, Decimal]:
    return {(str(a), str(c)): Decimal(str(v)) for a, c, v in json.loads(text)}


class ReturnJournals:
    def __init__(self, store: Store, flow: str, version: str) -> None:
        self.store, self.flow, self.version = store, flow, version

    def history(self, period: str) -> PeriodHistory:
        with self.store.session() as session:
            rows = session.scalars(
                select(ReturnJournal)
                .where(
                    ReturnJournal.flow == self.flow,
                    ReturnJournal.version == self.version,
                    ReturnJournal.period == period,
                )
                .order_by(ReturnJournal.seq)
            ).all()
            return PeriodHistory(
                [
                    ReturnRecord(
                        r.reference,
                        r.seq,
                        JournalKind(r.kind),
                        _decode(r.lines),
                        r.reverses,
                        JournalState(r.state),
                        r.document_id,
                        r.request_id,
                    )
                    for r in rows
                ]
            )

    def periods(self) -> set[str]:
        """Every period this flow and version has journals for."""
        with self.store.session() as session:
            return set(
                session.scalars(
                    select(ReturnJournal.period)
                    .where(ReturnJournal.flow == self.flow, ReturnJournal.version == self.version)
                    .distinct()
                ).all()
            )

    def intend(self, period: str, records: Sequence[ReturnRecord], run_id: str) -> None:
        """Plan a revision: every journal of it in one transaction, before any is written."""
        now = datetime.now(UTC)
        with self.store.session() as session:
            for record in records:
                session.add(
                    ReturnJournal(
                        reference=record.reference,
                        flow=self.flow,
                        version=self.version,
                        period=period,
                        seq=record.seq,
                        kind=record.kind.value,
                        reverses=record.reverses,
                        lines=_encode(record.lines),
                        state=JournalState.INTENDED.value,
                        document_id="",
                        request_id="",
                        run_id=run_id,
                        updated_at=now,
                    )
                )

    def mark(self, reference: str, state: JournalState, *, document_id: str = "", request_id: str = "") -> None:
        with self.store.session() as session:
            row = session.get(ReturnJournal, reference)
            if row is None:
                return
            row.state = state.value
            if document_id:
                row.document_id = document_id
            if request_id:
                row.request_id = request_id
            row.updated_at = datetime.now(UTC)

    def request_of(self, reference: str) -> str | None:
        """None when never submitted; the ERP's request id ('' when its answer was lost) otherwise."""
        with self.store.session() as session:
            row = session.get(ReturnJournal, reference)
            if row is None or row.state == JournalState.INTENDED.value:
                return None
            return row.request_id

    def forget_pending(self, period: str) -> None:
        """Drop the unposted rest of a plan the ERP refused: nothing of it was written."""
        with self.store.session() as session:
            session.execute(
                delete(ReturnJournal).where(
                    ReturnJournal.flow == self.flow,
                    ReturnJournal.version == self.version,
                    ReturnJournal.period == period,
                    ReturnJournal.state != JournalState.POSTED.value,
                )
            )


class SubmitMemory:
    """The store's side of `ports.SubmitLog` for one flow: remembered before, resolved after."""

    def __init__(self, journals: ReturnJournals) -> None:
        self.journals = journals

    def submitted_request(self, reference: str) -> str | None:
        return self.journals.request_of(reference)

    def submitting(self, reference: str) -> None:
        self.journals.mark(reference, JournalState.SUBMITTED)

    def submitted(self, reference: str, request_id: str) -> None:
        self.journals.mark(reference, JournalState.SUBMITTED, request_id=request_id)

    def forget(self, reference: str) -> None:
        """The submitted job ended without the journal: it may be submitted again."""
        self.journals.mark(reference, JournalState.INTENDED)
