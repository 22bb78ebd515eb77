"""Which route an actuals run reads its GL lines by: the ERP's paged API ("rest") or its bulk route ("bulk").

    route = gl_route(erp, flow, since, until)
    lines = route.lines                      # the same canonical records either way (same source keys)
    ceiling = until - route.holdback         # the watermark never passes this

Oracle's bulk route (one exportBulkData extract) reads the ERP itself. Infor's (one Data Lake Compass
query) reads a copy that sees a line only some minutes after it was posted, and not in the order of the
lines' change stamps: so such a read starts `lake_lag_minutes` before the usual window, and the watermark
it may set stays `lake_lag_minutes` behind the run's start; a line that reaches the lake late is read by
the next run. "auto" picks bulk when the ERP's estimate of the lines since the watermark exceeds
`bulk_above_lines` (Oracle: a totalResults read); an ERP that cannot estimate takes bulk for a first read
(no watermark) and for windows longer than `AUTO_BULK_WINDOW`, where one query beats paging.

Supplier invoices and payments take the same route as the GL lines of the run (`payables_route`): "auto"
decides once, on the GL estimate (or the window when the flow reads no GL), and the watermark's holdback is
the largest of the routes taken. An ERP whose bulk route has no invoices or payments (`bulk_payables`
False) reads them through REST whatever `extract` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from ml_connector.config import FlowSection
from ml_connector.errors import ConfigurationError
from ml_connector.ports import BulkLedger, BulkPayables, ErpClient, LineEstimate
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord

AUTO_BULK_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class GlRoute:
    name: str  # "rest" | "bulk"
    lines: Iterator[LedgerLine | RejectedRecord]
    holdback: timedelta
    estimate: int | None = None  # the ERP's estimate of the lines, when "auto" asked for one
    how: str = ""  # what the bulk read is ("one exportBulkData extract"), for the run summary


def wants_bulk(flow: FlowSection, since: datetime | None, until: datetime, estimate: int | None = None) -> bool:
    if flow.extract == "auto":
        if estimate is not None:
            return estimate > flow.bulk_above_lines
        return since is None or until - since > AUTO_BULK_WINDOW
    return flow.extract == "bulk"


def gl_route(erp: ErpClient, flow: FlowSection, since: datetime | None, until: datetime) -> GlRoute:
    """The GL lines of [since, until) by the flow's `extract` route."""
    if flow.extract == "rest":
        return GlRoute("rest", erp.ledger_lines(since, until), timedelta(0))
    if not isinstance(erp, BulkLedger):
        if flow.extract == "auto":
            return GlRoute("rest", erp.ledger_lines(since, until), timedelta(0))
        raise ConfigurationError(
            f"source {flow.source!r} has no bulk route for GL lines",
            hint='Set extract = "rest" (or "auto") on the flow.',
        )
    estimate = erp.estimate_lines(since) if flow.extract == "auto" and isinstance(erp, LineEstimate) else None
    if not wants_bulk(flow, since, until, estimate):
        return GlRoute("rest", erp.ledger_lines(since, until), timedelta(0), estimate)
    lag = timedelta(minutes=flow.lake_lag_minutes) if erp.bulk_lags else timedelta(0)
    lines = erp.bulk_ledger_lines(since - lag if since else None, until)
    return GlRoute("bulk", lines, lag, estimate, erp.bulk_route)


def payables_route(
    erp: ErpClient, flow: FlowSection, kind: EntryKind, since: datetime | None, until: datetime, bulk: bool | None
) -> GlRoute:
    """The supplier invoices or payments changed since `since` by the flow's route. `bulk`: what "auto" chose
    for the run's GL lines (None when the flow reads none: then the window decides)."""

    def rest() -> GlRoute:
        lines = erp.invoices(since) if kind is EntryKind.INVOICE else erp.payments(since)
        return GlRoute("rest", lines, timedelta(0))

    if flow.extract == "rest" or not isinstance(erp, BulkPayables) or not erp.bulk_payables:
        # Without a bulk route for them on this ERP: REST, as before; the run's detail says so.
        return rest()
    if flow.extract == "auto" and not (wants_bulk(flow, since, until) if bulk is None else bulk):
        return rest()
    lag = timedelta(minutes=flow.lake_lag_minutes) if isinstance(erp, BulkLedger) and erp.bulk_lags else timedelta(0)
    start = since - lag if since else None
    read = erp.bulk_invoices if kind is EntryKind.INVOICE else erp.bulk_payments
    how = erp.bulk_route if isinstance(erp, BulkLedger) else "bulk"
    return GlRoute("bulk", read(start, until), lag, None, how)
