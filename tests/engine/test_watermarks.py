"""Watermarks keep the instant they were given, whatever its offset (SQLite stores naive wall time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ml_connector.engine import watermarks
from ml_connector.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest) -> Store:
    made: Store = request.getfixturevalue("store" if request.param == "sqlite" else "pg_store")
    return made


def test_an_offset_watermark_reads_back_as_the_same_instant(any_store: Store) -> None:
    east = timezone(timedelta(hours=5))
    moment = datetime(2026, 3, 1, 10, 0, tzinfo=east)  # 05:00 UTC
    with any_store.session() as session:
        watermarks.advance(session, "f", "erp", moment, "r1")
    assert watermarks.read(any_store, "f", "erp") == moment
    later = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # after 05:00 UTC: it must move
    with any_store.session() as session:
        watermarks.advance(session, "f", "erp", later, "r2")
    assert watermarks.read(any_store, "f", "erp") == later
