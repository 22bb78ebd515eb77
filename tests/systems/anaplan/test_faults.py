"""429 storms with and without Retry-After, 503s, dropped connections and lost answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.errors import RateLimitedError
from ml_connector.systems.anaplan import AnaplanClient

from .conftest import base_settings, write_csv

HEADER = ["GL Account", "Cost Center", "Period", "Amount"]


class RecordingSleep:
    """Records the waits asked for and sleeps only briefly, so tests stay fast."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
        threading.Event().wait(min(seconds, 0.01))


def tasks_of(admin: httpx.Client, kind: str) -> list[dict[str, Any]]:
    return [t for t in admin.get("/tasks").json() if t["kind"] == kind]


def load_one(client: AnaplanClient, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "actuals.csv", HEADER, [["4000", "1100", "Jan 27", "1"], ["5000", "1200", "Jan 27", "2"]]
    )
    client.load(client.model(), "Load Actuals", path, rows_sent=2).verify(2)


def test_retry_after_is_honoured(facts: dict[str, Any], admin: httpx.Client) -> None:
    sleep = RecordingSleep()
    admin.put("/faults", json={"next_429": 3, "retry_after_seconds": 2})
    settings = base_settings(facts, retry_after_max_seconds=10)
    with AnaplanClient(settings, sleep=sleep) as client:
        client.ping()
    assert sleep.waits[:3] == [2.0, 2.0, 2.0]


def test_429_without_retry_after_backs_off_with_jitter(facts: dict[str, Any], admin: httpx.Client) -> None:
    sleep = RecordingSleep()
    admin.put("/faults", json={"rate_429_no_retry_after": 1.0, "path_contains": "/workspaces"})
    with AnaplanClient(base_settings(facts, retry_attempts=7), sleep=sleep) as client:
        client.auth.token()
        with pytest.raises(RateLimitedError):
            client.discover()
    assert len(sleep.waits) == 7 and all(0 < w <= 0.05 for w in sleep.waits)
    assert sleep.waits[-1] > sleep.waits[0] / 2  # grows towards the cap


def test_load_through_a_429_storm(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    admin.put("/faults", json={"rate_429": 0.3, "rate_429_no_retry_after": 0.2, "retry_after_seconds": 0, "seed": 7})
    client = make_client()
    load_one(client, tmp_path)
    stats = admin.get("/stats").json()
    assert sum(v.get("429", 0) for v in stats["requests"].values()) > 0
    assert len(tasks_of(admin, "imports")) == 1


def test_load_through_503s_and_dropped_chunk_uploads(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    admin.put("/faults", json={"next_5xx": 2, "next_drop": 1, "path_contains": "/chunks/"})
    client = make_client()
    load_one(client, tmp_path)
    assert len(tasks_of(admin, "imports")) == 1


@pytest.mark.parametrize("fault", ["next_lost_response", "next_drop"])
def test_start_with_lost_or_dropped_answer_runs_once(
    make_client: Callable[..., AnaplanClient],
    admin: httpx.Client,
    tmp_path: Path,
    fault: str,
) -> None:
    client = make_client()
    client.discovery.objects(client.model(), "import")
    admin.put("/faults", json={fault: 1, "path_contains": "/imports/112000000003/tasks"})
    load_one(client, tmp_path)
    stats = admin.get("/stats").json()["requests"]
    started = sum(sum(c.values()) for k, c in stats.items() if k.startswith("POST ") and k.endswith("/tasks"))
    imports = tasks_of(admin, "imports")
    assert len(imports) == 1
    # A lost answer: the task exists and is adopted. A drop: it never arrived and is started again.
    assert started == (1 if fault == "next_lost_response" else 2)


def test_a_dropped_start_right_after_a_load_does_not_adopt_that_loads_task(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    client = make_client()
    load_one(client, tmp_path)
    admin.put("/faults", json={"next_drop": 1, "path_contains": "/imports/112000000003/tasks"})
    load_one(client, tmp_path)  # the first load's task is seconds old: it is not this start's
    assert len(tasks_of(admin, "imports")) == 2


def test_broken_download_restarts_the_chunk(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    client = make_client()
    admin.put("/faults", json={"next_drop": 1, "path_contains": "/files/116000000002/chunks/0"})
    dest = client.export(client.model(), "Export Actuals", tmp_path / "actuals.csv")
    assert dest.read_text().startswith("GL Account,Cost Center,Period,Amount")


def test_wait_rides_out_failing_status_calls(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    client = make_client()
    ref = client.model()
    admin.put("/settings", json={"task_seconds": 0.3})
    object_id, task_id = client.start(ref, "export", "Export Actuals")
    # More 503s than one status call retries (6 attempts): the wait goes on rather than giving up.
    admin.put("/faults", json={"next_5xx": 9, "path_contains": f"/tasks/{task_id}"})
    outcome = client.wait(ref, "export", object_id, task_id)
    assert outcome.successful
