"""GL journals updated since a watermark, as canonical ledger lines.

Batches are read with `LastUpdateDate >= since`, ordered by the immutable `JeBatchId` so that a batch
updated while we page keeps its place (ordering by `LastUpdateDate` would move it to the end and shift
every later row back, skipping one). Headers and lines are followed through their `self` links (hash
keys the client must not build). Within one read every line is yielded once, keyed
`oracle:<JeBatchId>:<JeHeaderId>:<JeLineNumber>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from typing import Any, NamedTuple

from ml_connector.http import ApiSession
from ml_connector.http.in_order import in_order
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord, period_of
from ml_connector.systems.oracle.amounts import (
    net_amount,
    parse_date,
    parse_id,
    parse_timestamp,
    period_from_name,
    q_timestamp,
)
from ml_connector.systems.oracle.calendar import LedgerCalendar
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.paging import Opening, first_page, local_link, read_collection, self_link
from ml_connector.systems.own_journals import posted_by_us

SOURCE = "oracle"
AMOUNT_HINT = "Correct the journal line's amounts in Oracle, or replay once it is fixed."


class Journal(NamedTuple):
    """A journal (header) of a batch, and where its lines are."""

    batch: dict[str, Any]
    batch_id: int
    header: dict[str, Any]
    header_key: str
    lines_path: str


def batch_query(since: datetime | None) -> dict[str, str]:
    params = {"orderBy": "JeBatchId:asc", "onlyData": "true"}
    if since is not None:
        params["q"] = f"LastUpdateDate >= {q_timestamp(since)}"
    return params


def wanted_batch(batch: dict[str, Any], until: datetime | None) -> bool:
    # ASSUMPTION: actuals are posted ("P") journals of the Actual balance type; unposted batches (such as
    # the ones we import for review) and budget/encumbrance batches are not actuals.
    if str(batch.get("Status") or "") != "P":
        return False
    if posted_by_us(batch.get("BatchName")):  # a plan journal we posted, posted by a reviewer: not actuals
        return False
    if str(batch.get("ActualFlagMeaning") or "Actual") != "Actual":
        return False
    if until is not None:
        try:
            updated = parse_timestamp(batch.get("LastUpdateDate"))
        except ValueError:
            return True  # its lines are read and rejected one by one, naming the bad stamp
        # Updated at or after `until`: the next read (since = watermark - overlap) picks it up.
        if updated is not None and updated >= until:
            return False
    return True


def read_ledger_lines(
    session: ApiSession,
    layout: SegmentLayout,
    *,
    ledger_name: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int = 499,
    calendar: LedgerCalendar | None = None,
    parallel: int = 1,
) -> Iterator[LedgerLine | RejectedRecord]:
    """Every line of the posted journal batches updated in [since, until), once per read. With `calendar`,
    a line's period is the ledger's fiscal period its PeriodName names ("YYYY-Pnn").

    With `parallel` above 1, that many GETs are sent at once: the headers of the next batches and the
    first page of lines of the next journals are read while this one's lines are taken (`in_order`), and
    the lines come in the order a one-at-a-time read gives. Both are closed on the way out, error or
    not, so no reading thread outlives the read.

    Memory stays flat: a batch met twice (the paging shifted under a deleted batch) is skipped by its
    id, and a line met twice can only be in its own batch, so line keys are remembered per batch."""
    read = _Reader(session, page_size)
    batches = _batches(read, since, until)
    with (
        closing(in_order(batches, read.headers, workers=parallel, name="oracle-headers")) as listed,
        closing(
            in_order(_journals(listed, ledger_name, session), read.opening, workers=parallel, name="oracle-lines")
        ) as opened,
    ):
        batch_id, seen = -1, set[str]()
        for journal, lines in opened:
            if journal.batch_id != batch_id:
                batch_id, seen = journal.batch_id, set()
            for line in lines.all(session):
                if posted_by_us(line.get("Description")):
                    continue
                key = f"{SOURCE}:{batch_id}:{journal.header_key}:{line.get('JeLineNumber')}"
                if key in seen:
                    continue
                seen.add(key)
                yield line_record(key, journal.batch, journal.header, line, layout, calendar)


class _Reader:
    """The GETs of a journal read, each safe to run on a thread of its own."""

    def __init__(self, session: ApiSession, page_size: int) -> None:
        self.session = session
        self.page_size = page_size

    def collection(self, path: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        return read_collection(self.session, path, params, page_size=self.page_size)

    def headers(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.collection(f"journalBatches/{parse_id(batch['JeBatchId'])}/child/journalHeaders"))

    def opening(self, journal: Journal) -> Opening:
        return first_page(self.session, journal.lines_path, page_size=self.page_size)


def _batches(read: _Reader, since: datetime | None, until: datetime | None) -> Iterator[dict[str, Any]]:
    seen: set[int] = set()
    for batch in read.collection("journalBatches", batch_query(since)):
        if not wanted_batch(batch, until):
            continue
        batch_id = parse_id(batch["JeBatchId"])
        if batch_id not in seen:
            seen.add(batch_id)
            yield batch


def _journals(
    listed: Iterator[tuple[dict[str, Any], list[dict[str, Any]]]], ledger_name: str, session: ApiSession
) -> Iterator[Journal]:
    for batch, headers in listed:
        for header in headers:
            if ledger_name and header.get("LedgerName") not in (None, ledger_name):
                continue
            link = self_link(header)
            if link is not None:
                key = str(header.get("JeHeaderId") or link.rsplit("/", 1)[-1])
                path = local_link(f"{link}/child/journalLines", session.base_url)
                yield Journal(batch, parse_id(batch["JeBatchId"]), header, key, path)


def line_record(
    key: str,
    batch: dict[str, Any],
    header: dict[str, Any],
    line: dict[str, Any],
    layout: SegmentLayout,
    calendar: LedgerCalendar | None = None,
) -> LedgerLine | RejectedRecord:
    """One journal line as a ledger line, or a rejected record saying what is wrong with it."""
    payload = {"batch": batch.get("BatchName"), "journal": header.get("JournalName"), **_plain(line)}
    try:
        updated = parse_timestamp(line.get("LastUpdateDate")) or parse_timestamp(batch.get("LastUpdateDate"))
    except ValueError as exc:
        hint = (
            "Oracle sent a LastUpdateDate that is not an ISO 8601 stamp; report it: the next run reads the line again."
        )
        return RejectedRecord(SOURCE, key, EntryKind.GL.value, f"LastUpdateDate: {exc}", hint, payload, None)
    try:
        # Accounted amounts are in the ledger currency, which is what plans are kept in.
        entered = None
        if line.get("EnteredDr") is not None or line.get("EnteredCr") is not None:
            entered = net_amount(line.get("EnteredDr"), line.get("EnteredCr"))
        if line.get("AccountedDr") is None and line.get("AccountedCr") is None:
            amount = net_amount(line.get("EnteredDr"), line.get("EnteredCr"))  # neither: a rejected line
            currency = line.get("CurrencyCode")
        else:
            amount = net_amount(line.get("AccountedDr"), line.get("AccountedCr"))
            currency = header.get("LedgerCurrencyCode") or line.get("CurrencyCode")
    except ValueError as exc:
        return RejectedRecord(SOURCE, key, EntryKind.GL.value, str(exc), AMOUNT_HINT, payload, updated)
    try:
        account, cost_center = layout.split(str(line.get("AccountCombination") or ""))
    except ValueError as exc:
        hint = "Check the connection's segment_delimiter, cost_center_segment and account_segment."
        return RejectedRecord(SOURCE, key, EntryKind.GL.value, str(exc), hint, payload, updated)
    try:
        posted_on = parse_date(header.get("DefaultEffectiveDate")) or parse_date(batch.get("PostedDate"))
    except ValueError as exc:
        hint = "The journal's accounting date is not a YYYY-MM-DD date; check it in Oracle."
        return RejectedRecord(SOURCE, key, EntryKind.GL.value, f"accounting date: {exc}", hint, payload, updated)
    if posted_on is None:
        hint = "The journal has no accounting date; check it in Oracle."
        return RejectedRecord(SOURCE, key, EntryKind.GL.value, "no accounting date", hint, payload, updated)
    if calendar is not None:
        fiscal = calendar.period_named(header.get("PeriodName"))
        if fiscal is None:
            reason = f"period {header.get('PeriodName')!r} is not a period of the ledger's calendar"
            hint = "Check the journal's period in Oracle (accountingPeriodStatusLOV lists the ledger's periods)."
            return RejectedRecord(SOURCE, key, EntryKind.GL.value, reason, hint, payload, updated)
        period = str(fiscal)
    else:
        period = period_from_name(header.get("PeriodName")) or period_of(posted_on)
    return LedgerLine(
        source=SOURCE,
        source_key=key,
        ledger=str(header.get("LedgerName") or ""),
        period=period,
        posted_on=posted_on,
        account=account,
        cost_center=cost_center,
        amount=amount,
        currency=str(currency or ""),
        kind=EntryKind.GL,
        updated_at=updated,
        description=str(line.get("Description") or ""),
        entered_amount=entered,
        entered_currency=str(line.get("CurrencyCode") or "") if entered is not None else "",
    )


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (str(v) if v is not None and not isinstance(v, str | int | bool) else v)
        for k, v in item.items()
        if k != "links"
    }
