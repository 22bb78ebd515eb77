"""Which route an actuals run reads its GL lines by: the ERP's paged API ("rest") or its bulk route ("bulk").

    route = gl_route(erp, flow, since, until)
    lines = route.lines                      # the same canonical records either way (same source keys)
    ceiling = until - route.holdback         # the watermark never passes this

A bulk route that reads a copy of the ERP (the Infor Data Lake) sees a line only some minutes after it was
posted, and not in the order of the lines' change stamps. So a bulk read starts `lake_lag_minutes` before
the usual window, and the watermark it may set stays `lake_lag_minutes` behind the run's start: a line that
reaches the lake late is read by the next run. "auto" picks bulk for a first read (no watermark) and for
windows longer than `AUTO_BULK_WINDOW`, where one query beats paging through the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from ml_connector.config import FlowSection
from ml_connector.errors import ConfigurationError
from ml_connector.ports import ErpClient
from ml_connector.records import LedgerLine, RejectedRecord

AUTO_BULK_WINDOW = timedelta(days=7)


@runtime_checkable
class BulkLedger(Protocol):
    """An ERP client with a bulk route for GL lines."""

    def bulk_ledger_lines(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[LedgerLine | RejectedRecord]: ...


@dataclass(frozen=True)
class GlRoute:
    name: str  # "rest" | "bulk"
    lines: Iterator[LedgerLine | RejectedRecord]
    holdback: timedelta


def wants_bulk(flow: FlowSection, since: datetime | None, until: datetime) -> bool:
    if flow.extract == "auto":
        return since is None or until - since > AUTO_BULK_WINDOW
    return flow.extract == "bulk"


def gl_route(erp: ErpClient, flow: FlowSection, since: datetime | None, until: datetime) -> GlRoute:
    """The GL lines of [since, until) by the flow's `extract` route."""
    if not wants_bulk(flow, since, until):
        return GlRoute("rest", erp.ledger_lines(since, until), timedelta(0))
    if not isinstance(erp, BulkLedger):
        if flow.extract == "auto":
            return GlRoute("rest", erp.ledger_lines(since, until), timedelta(0))
        raise ConfigurationError(
            f"source {flow.source!r} has no bulk route for GL lines",
            hint='Set extract = "rest" (or "auto") on the flow.',
        )
    lag = timedelta(minutes=flow.lake_lag_minutes)
    return GlRoute("bulk", erp.bulk_ledger_lines(since - lag if since else None, until), lag)
