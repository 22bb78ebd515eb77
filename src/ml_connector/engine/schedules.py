"""Schedule cursors: the last fire time each flow's schedule was acted on (kept across restarts)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ml_connector.store.database import Store
from ml_connector.store.models import ScheduleState


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ScheduleBook:
    """`ScheduleState` rows: the last fire time each flow's schedule was acted on."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def last(self, flow: str) -> datetime | None:
        with self.store.session() as session:
            value = session.execute(select(ScheduleState.last_fired_at).where(ScheduleState.flow == flow)).scalar()
        return _aware(value) if value is not None else None

    def mark(self, flow: str, moment: datetime) -> None:
        """Move the flow's cursor to `moment`, never backwards."""
        with self.store.session() as session:
            row = session.get(ScheduleState, flow)
            if row is None:
                session.add(ScheduleState(flow=flow, last_fired_at=moment))
            elif _aware(row.last_fired_at) < moment:
                row.last_fired_at = moment
