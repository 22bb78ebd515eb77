"""Watermarks: how far a flow has read a source. Moved only in the transaction that merges a verified load."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ml_connector.store.database import Store
from ml_connector.store.models import Watermark


def read(store: Store, flow: str, source: str) -> datetime | None:
    with store.session() as session:
        value = session.execute(
            select(Watermark.value).where(Watermark.flow == flow, Watermark.source == source)
        ).scalar_one_or_none()
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    return value


def advance(session: Session, flow: str, source: str, value: datetime, run_id: str) -> None:
    """Set the watermark inside the caller's transaction; never moves it backwards."""
    # SQLite keeps the wall time and drops the offset: store UTC, which `read` assumes.
    value = value.astimezone(UTC)
    row = session.get(Watermark, (flow, source))
    now = datetime.now(UTC)
    if row is None:
        session.add(Watermark(flow=flow, source=source, value=value, run_id=run_id, updated_at=now))
        return
    current = row.value if row.value.tzinfo else row.value.replace(tzinfo=UTC)
    if value > current:
        row.value, row.run_id, row.updated_at = value, run_id, now
