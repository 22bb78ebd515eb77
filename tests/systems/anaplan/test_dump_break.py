"""an answer that breaks off mid-body while the failure dump is read is restarted, not leaked as httpx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from ml_connector.systems.anaplan import AnaplanClient

from .conftest import base_settings, write_csv

HEADER = ["GL Account", "Cost Center", "Period", "Amount"]


class BrokenBody(httpx.SyncByteStream):
    def __init__(self, first: bytes) -> None:
        self.first = first

    def __iter__(self) -> Iterator[bytes]:
        yield self.first
        raise httpx.ReadError("connection reset mid-body")


class BreakFirstDumpChunk(httpx.BaseTransport):
    """Forwards every request; the first dump chunk answer breaks off after a few bytes."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.broken = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/dump/chunks/" in request.url.path and self.broken == 0:
            self.broken += 1
            body = response.read()
            response.close()
            return httpx.Response(200, headers=response.headers, stream=BrokenBody(body[:20]), request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_dump_chunk_broken_mid_body_is_read_again(facts: dict[str, Any], tmp_path: Path) -> None:
    rows = [["4000", "1100", "Jan 27", "1000.50"], ["9999", "1100", "Jan 27", "5.00"]]
    path = write_csv(tmp_path / "actuals.csv", HEADER, rows)
    transport = BreakFirstDumpChunk()
    client = AnaplanClient(base_settings(facts), transport=transport)
    try:
        outcome = client.load(client.model(), "Load Actuals", path, rows_sent=2)
    finally:
        client.close()
        transport.close()
    assert transport.broken == 1
    assert [r.line for r in outcome.rejected] == [3]
    assert "9999" in outcome.rejected[0].error
    outcome.verify(2)
