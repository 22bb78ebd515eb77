"""A fleet: the sandbox's emulators, a fresh PostgreSQL store holding the sandbox's secrets and
mappings, a config with flows on both Anaplan models, and `ml-connector worker` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import text

from ml_connector.demo.sandbox import Sandbox, copy_to_store, start
from ml_connector.store import Store
from ml_connector.workers.schema import apply_queue_schema

CLI = str(Path(sys.executable).parent / "ml-connector")


@pytest.fixture(autouse=True)
def no_daily_prune_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers made in a test's process queue the daily prune of finished jobs when they start within
    10 minutes after its time (03:17 UTC): tests that count jobs failed in those minutes. Here the prune
    is due 12 hours from now; tests that prune defer it themselves."""
    later = datetime.now(UTC) + timedelta(hours=12)
    monkeypatch.setattr("ml_connector.workers.app.PRUNE_CRON", f"{later.minute} {later.hour} * * *")


MODELS = {"FP&A": "fpa", "FP&A Sandbox": "sbx"}


def fleet_flows(models: dict[str, str]) -> str:
    """Reference and actuals flows from both ERPs into each model, plus a supplier return per model."""
    out = []
    for model, tag in models.items():
        common = f'workspace = "Acme Finance"\nmodel = "{model}"\n'
        for erp in ("oracle", "infor"):
            out.append(f'[flows.reference-{erp}-{tag}]\nkind = "reference"\nsource = "{erp}"\ntarget = "anaplan"\n')
            out.append(f'mapping = "{erp}"\n{common}')
        for erp in ("oracle", "infor"):
            out.append(f'[flows.actuals-{erp}-{tag}]\nkind = "actuals"\nsource = "{erp}"\ntarget = "anaplan"\n')
            out.append(f'mapping = "{erp}"\ninclude = ["gl", "invoice", "payment"]\n')
            out.append(f'supplier_import = "Load Supplier Spend"\n{common}')
    out.append(
        '[flows.suppliers-return-oracle-fpa]\nkind = "suppliers-return"\nsource = "anaplan"\ntarget = "oracle"\n'
        'mapping = "oracle"\nexport = "Export Supplier List"\nonly = "5*"\nworkspace = "Acme Finance"\n'
        'model = "FP&A"\n'
    )
    out.append(
        '[flows.suppliers-return-infor-sbx]\nkind = "suppliers-return"\nsource = "anaplan"\ntarget = "infor"\n'
        'mapping = "infor"\nexport = "Export Supplier List"\nonly = "S*"\nworkspace = "Acme Finance"\n'
        'model = "FP&A Sandbox"\n'
    )
    return "\n".join(out)


def write_fleet_config(box: Sandbox, store_url: str, requests_per_minute: int) -> Path:
    """The sandbox's connections (budget lowered) with the fleet's flows, on the PostgreSQL store."""
    sandbox_text = box.config_path.read_text(encoding="utf-8")
    head, _, rest = sandbox_text.partition("\n[flows.")
    _, _, connections = rest.partition("\n[connections.")
    connections = "[connections." + connections
    connections = connections.replace(
        "[connections.anaplan]\n", f"[connections.anaplan]\nrequests_per_minute = {requests_per_minute}\n", 1
    )
    head = head.replace(f'url = "sqlite:///{box.folder / "ml-connector.db"}"', f'url = "{store_url}"')
    path = box.folder / "fleet.toml"
    path.write_text(f"{head}\n{fleet_flows(MODELS)}\n{connections}", encoding="utf-8")
    return path


@dataclass
class Fleet:
    box: Sandbox
    config_path: Path
    store_url: str
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, "--config", str(self.config_path), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )

    def start_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        index = len(self.workers)
        log = (self.box.folder / f"worker-{index}.log").open("wb")
        args = [CLI, "--config", str(self.config_path), "--log-level", "INFO", "worker"]
        args += ["--heartbeat-seconds", "0.5", "--stalled-after-seconds", "3", "--lease-ttl-seconds", "5"]
        args += ["--poll-seconds", "0.5", "--workdir", str(self.box.folder / f"work-{index}"), *extra]
        proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(proc)
        self.logs.append(log)
        return proc

    def query(self, sql: str, **params: Any) -> list[Any]:
        store = Store(self.store_url)
        try:
            with store.engine.connect() as conn:
                return list(conn.execute(text(sql), params))
        finally:
            store.dispose()

    def stop(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.workers:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()

    def worker_logs(self) -> str:
        return "\n".join(
            f"--- worker {i}\n" + (self.box.folder / f"worker-{i}.log").read_text(errors="replace")[-4000:]
            for i in range(len(self.workers))
        )


@pytest.fixture()
def fleet_factory(tmp_path: Path, pg_url: str) -> Iterator[Any]:
    made: list[Fleet] = []

    def make(requests_per_minute: int = 600) -> Fleet:
        box = start(tmp_path / "sandbox", task_seconds=0.05)
        copy_to_store(box, pg_url)
        path = write_fleet_config(box, pg_url, requests_per_minute)
        env = dict(os.environ, ML_CONNECTOR_STORE_URL=pg_url)
        env.pop("ML_CONNECTOR_CONFIG", None)
        fleet = Fleet(box, path, pg_url, env)
        made.append(fleet)
        return fleet

    yield make
    for fleet in made:
        fleet.stop()
        fleet.box.stop()


@pytest.fixture()
def queue_store(pg_store: Store) -> Store:
    assert apply_queue_schema(pg_store) is True
    assert apply_queue_schema(pg_store) is False  # a second `db upgrade` leaves it alone
    return pg_store
