"""Anaplan requests at the floor: an import's metadata is read once per import by a process, however
many runs it makes (the poller's short first waits are proven in tests/systems/anaplan/test_pure.py)."""

from __future__ import annotations

import re

import httpx

from ml_connector.demo.sandbox import Sandbox
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow

IMPORT_METADATA = re.compile(r"^GET .*/imports/[^/]+$")


def test_import_metadata_is_read_once_per_import_per_process(sandbox: Sandbox, ctx: FlowContext) -> None:
    for _ in range(2):
        run_flow(ctx, "reference-oracle")
        run_flow(ctx, "actuals-oracle")
    stats = httpx.get(f"{sandbox.url('anaplan')}/_emulator/stats").json()
    reads = {path: sum(codes.values()) for path, codes in stats["requests"].items() if IMPORT_METADATA.match(path)}
    # three list imports, the actuals import and the supplier-spend import: each read once, not per run
    assert len(reads) == 5 and set(reads.values()) == {1}, reads
