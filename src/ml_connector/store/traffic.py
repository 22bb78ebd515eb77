"""Request and lock-wait counts kept in the store, added to by every process on it, so `/metrics`
of any one process reports the whole fleet's requests, 429s and lock waits (a worker has no page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ml_connector.store.database import Store
from ml_connector.store.models import TrafficCount

REQUEST = "request"
LOCK_WAIT = "lock_wait"


@dataclass(frozen=True)
class Tally:
    count: int
    seconds: float = 0.0


Key = tuple[str, str, str]  # (kind, name, outcome)


def add_traffic(store: Store, counts: Mapping[Key, Tally]) -> None:
    """Add `counts` to the kept totals in one transaction (an upsert per key)."""
    if not counts:
        return
    with store.engine.begin() as conn:
        for (kind, name, outcome), tally in sorted(counts.items()):
            values = {
                "kind": kind,
                "name": name[:200],
                "outcome": outcome,
                "count": tally.count,
                "seconds": tally.seconds,
            }
            insert: Any = postgresql.insert(TrafficCount) if store.is_postgres else sqlite.insert(TrafficCount)
            conn.execute(
                insert.values(values).on_conflict_do_update(
                    index_elements=["kind", "name", "outcome"],
                    set_={
                        "count": TrafficCount.count + insert.excluded.count,
                        "seconds": TrafficCount.seconds + insert.excluded.seconds,
                    },
                )
            )


def traffic_totals(store: Store) -> dict[Key, Tally]:
    columns = (TrafficCount.kind, TrafficCount.name, TrafficCount.outcome, TrafficCount.count, TrafficCount.seconds)
    with store.engine.connect() as conn:
        rows = conn.execute(select(*columns))
        return {
            (kind, name, outcome): Tally(int(count), float(seconds)) for kind, name, outcome, count, seconds in rows
        }
