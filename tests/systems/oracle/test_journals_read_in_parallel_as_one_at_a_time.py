"""`read_parallel`: journals read with several GETs at once give the very lines, in the very order, that a
one-at-a-time read gives, with no extra request, and the GETs do overlap at the emulator."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ml_connector.errors import UnavailableError
from ml_connector.records import LedgerLine, RejectedRecord
from ml_connector.systems.oracle import OracleClient


def _read(admin: httpx.Client, client: OracleClient) -> tuple[list[LedgerLine | RejectedRecord], list[dict[str, Any]]]:
    before = admin.get("/_emulator/stats", params={"events": 1}).json()["events"]
    records = list(client.ledger_lines())
    after = admin.get("/_emulator/stats", params={"events": 1}).json()["events"]
    return records, after[len(before) :]


def _data_paths(events: list[dict[str, Any]]) -> list[str]:
    return sorted(e["path"] for e in events if not e["path"].startswith("/oauth2/"))


def _most_at_once(events: list[dict[str, Any]]) -> int:
    edges = sorted([(e["start"], 1) for e in events] + [(e["end"], -1) for e in events])
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


@pytest.fixture()
def volume(admin: httpx.Client) -> None:
    admin.put("/_emulator/volume", json={"extra_lines": 1500, "seed": 5}).raise_for_status()


@pytest.mark.usefixtures("volume")
def test_parallel_reads_give_the_same_lines_in_the_same_order(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    one, one_requests = _read(admin, make_client(page_size=7, read_parallel=1))
    many, many_requests = _read(admin, make_client(page_size=7, read_parallel=4))
    assert len(one) > 1500
    assert many == one
    # The same data requests. Token requests are left out: the test emulator's tokens live 3 s, so how
    # many a read needs depends on how long it takes on this machine.
    assert _data_paths(many_requests) == _data_paths(one_requests)


@pytest.mark.usefixtures("volume")
def test_parallel_gets_overlap_at_the_source(admin: httpx.Client, make_client: Callable[..., OracleClient]) -> None:
    admin.put("/_emulator/faults", json={"slow_rate": 1.0, "slow_seconds": 0.02, "path_contains": "journal"})
    _, one = _read(admin, make_client(read_parallel=1))
    _, many = _read(admin, make_client(read_parallel=4))
    assert _most_at_once(one) == 1
    assert _most_at_once(many) >= 3


@pytest.mark.usefixtures("volume")
def test_parallel_reads_ride_out_429s_and_5xx_with_the_same_lines(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    clean = list(make_client(read_parallel=1).ledger_lines())
    admin.put("/_emulator/faults", json={"rate_429": 0.15, "retry_after_seconds": 0, "rate_5xx": 0.1, "seed": 3})
    faulted, events = _read(admin, make_client(read_parallel=4))
    assert {e["status"] for e in events} >= {429, 503}
    assert faulted == clean


def test_a_failing_read_stops_with_its_error_and_leaves_no_thread(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    admin.put("/_emulator/faults", json={"rate_5xx": 1.0, "path_contains": "journalLines"}).raise_for_status()
    client = make_client(read_parallel=4, retry_attempts=1)
    with pytest.raises(UnavailableError):
        list(client.ledger_lines())
    client.close()
    lingering = [t for t in threading.enumerate() if t.name.startswith("oracle-")]
    for thread in lingering:
        thread.join(timeout=5)
    assert not any(t.is_alive() for t in lingering)
