"""a gateway 502/504 to a task start is an answer lost on the way, not a refusal.

The start may have reached Anaplan (the gateway gave up waiting) or not; either way the runner must find
out from the task list, not fail the load while an import it cannot see runs on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.systems.anaplan import AnaplanClient

from .conftest import base_settings
from .test_faults import load_one, tasks_of


class GatewayTimeoutAfterStart(httpx.BaseTransport):
    """Forwards every request; the first task start is answered 504 after Anaplan has run it."""

    def __init__(self, status: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.status = status
        self.starts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/tasks"):
            self.starts += 1
            if self.starts == 1:
                response.read()
                response.close()
                return httpx.Response(self.status, text="<html>Gateway Time-out</html>", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("status", [502, 504])
def test_start_answered_by_a_gateway_error_after_it_ran_is_adopted(
    facts: dict[str, Any], admin: httpx.Client, tmp_path: Path, status: int
) -> None:
    transport = GatewayTimeoutAfterStart(status)
    client = AnaplanClient(base_settings(facts), transport=transport)
    try:
        client.discovery.objects(client.model(), "import")
        load_one(client, tmp_path)
    finally:
        client.close()
        transport.close()
    assert transport.starts == 1
    assert len(tasks_of(admin, "imports")) == 1


def test_start_refused_by_a_gateway_504_is_started_again(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    client = make_client()
    client.discovery.objects(client.model(), "import")
    admin.put("/faults", json={"next_5xx": 1, "status_5xx": 504, "path_contains": "/imports/112000000003/tasks"})
    load_one(client, tmp_path)
    assert len(tasks_of(admin, "imports")) == 1
