"""Every command draws from the tenant's one budget kept in the store, so `run` started by cron beside
another `run`, `serve` or workers stays inside the tenant's requests per minute (the bucket itself is
proven across processes in tests/store/test_budget_processes.py)."""

from __future__ import annotations

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Sandbox
from ml_connector.store import Store
from ml_connector.store.budget import budget_levels
from tests.support.cli import invoke


def test_a_manual_run_spends_from_the_budget_kept_in_the_store(sandbox: Sandbox) -> None:
    result = invoke(sandbox, "run", "reference-oracle")
    assert result.exit_code == 0, result.output
    store = Store(config_module.load(sandbox.config_path).store_url)
    try:
        tenants = {tenant for tenant, _left in budget_levels(store)}
    finally:
        store.dispose()
    assert tenants == {f"anaplan:{sandbox.url('anaplan')}/2/0", f"oracle:{sandbox.url('oracle').split('//')[1]}"}
