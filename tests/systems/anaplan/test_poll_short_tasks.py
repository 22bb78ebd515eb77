"""With the shipped poll settings, a 0.2 s import is followed by a few status calls, not waited on for seconds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from ml_connector.systems.anaplan import AnaplanClient
from ml_connector.systems.anaplan.settings import AnaplanSettings

from .conftest import base_settings
from .test_faults import load_one


def test_a_fifth_of_a_second_import_is_polled_from_a_fifth_of_a_second(
    facts: dict[str, Any], admin: httpx.Client, tmp_path: Path
) -> None:
    shipped = AnaplanSettings.model_fields
    settings = base_settings(
        facts,
        poll_initial_seconds=shipped["poll_initial_seconds"].default,
        poll_max_seconds=shipped["poll_max_seconds"].default,
        poll_factor=shipped["poll_factor"].default,
    )
    before = admin.get("/settings").json()["task_seconds"]
    admin.put("/settings", json={"task_seconds": 0.2}).raise_for_status()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    try:
        with AnaplanClient(settings, sleep=sleep) as client:
            load_one(client, tmp_path)
    finally:
        admin.put("/settings", json={"task_seconds": before}).raise_for_status()
    # The first wait is the shipped 0.2 s; the task is seen COMPLETE within a few backed-off calls.
    assert waits and waits[0] == 0.2
    status = admin.get("/stats").json()["requests"]
    polls = sum(
        sum(c.values())
        for path, c in status.items()
        if path.startswith("GET ") and "/imports/" in path and "/tasks/" in path
    )
    assert 1 <= polls <= 5, polls
