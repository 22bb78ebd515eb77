from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox, start
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import build_context
from ml_connector.store import Store


@pytest.fixture()
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = start(tmp_path / "sandbox")
    yield box
    box.stop()


@pytest.fixture()
def ctx(sandbox: Sandbox) -> Iterator[FlowContext]:
    cfg = config_module.load(sandbox.config_path)
    store = Store(cfg.store.url)
    context = build_context(cfg, store)
    yield context
    context.clients.close()
    store.dispose()
