"""The world the suite runs in: the three emulators (threads of this process), their faults, one
store per round (a SQLite folder or a fresh PostgreSQL database) and the `ml-connector` processes."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ml_connector.demo.sandbox import Emulators, configure, copy_to_store

CLI = str(Path(sys.executable).parent / "ml-connector")
SYSTEMS = ("anaplan", "oracle", "infor")
PG_ADMIN_URL = os.environ.get("ML_CONNECTOR_CHAOS_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Oracle and Infor budgets as the sandbox sets them; Anaplan's is the connection default.
BUDGETS = {"anaplan": 600, "oracle": 6000, "infor": 6000}
# Every process's leases (`ML_CONNECTOR_LEASE_TTL_SECONDS`): a killed run's flow and model leases lapse
# after this, so the run after a kill waits seconds, not the default 30 s. Renewed every third of it.
LEASE_TTL_SECONDS = "4"
# Retries of a refused or failed request per connection, under the injected faults (see `new_round`).
RETRY_ATTEMPTS = 10


def fault_settings(seed: int) -> dict[str, Any]:
    """30 % 429s, 5 % 503s (of all requests: the 503 draw only sees the 70 % not refused), drops, lost answers."""
    return {
        "rate_429": 0.30,
        "retry_after_seconds": 0,
        "rate_5xx": round(0.05 / 0.70, 4),
        "status_5xx": 503,
        "drop_rate": 0.02,
        "lost_response_rate": 0.02,
        "seed": seed,
    }


def set_faults(emulators: Emulators, settings: dict[str, Any] | None) -> None:
    for system in SYSTEMS:
        httpx.put(f"{emulators.url(system)}/_emulator/faults", json=settings or {}, timeout=30).raise_for_status()


class TokenExpirer:
    """Expires every issued token of the three emulators every `every` seconds while running."""

    def __init__(self, emulators: Emulators, every: float = 2.5) -> None:
        self.emulators, self.every = emulators, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.expiries = 0

    def __enter__(self) -> TokenExpirer:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            for system in SYSTEMS:
                httpx.post(f"{self.emulators.url(system)}/_emulator/expire-tokens", timeout=30)
            self.expiries += 1


@dataclass
class Outcome:
    code: int | None  # None: still running when the harness killed it
    seconds: float

    @property
    def killed(self) -> bool:
        return self.code == -signal.SIGKILL


@dataclass
class Round:
    """One fresh store and config against freshly reset emulators."""

    emulators: Emulators
    folder: Path
    store_url: str
    config_path: Path
    env: dict[str, str]
    pg_database: str | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)
    worker_env: dict[str, str] = field(default_factory=dict)

    # -- CLI runs (SQLite) --------------------------------------------------------------------------

    def cli(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, "--config", str(self.config_path), *args],
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=timeout,
            check=False,
        )

    def run(self, flow: str, *, env: dict[str, str] | None = None, kill_after: float | None = None) -> Outcome:
        """`ml-connector run FLOW`; SIGKILL it after `kill_after` seconds if it is still running."""
        started = time.monotonic()
        log = (self.folder / "runs.log").open("ab")
        try:
            proc = subprocess.Popen(
                [CLI, "--config", str(self.config_path), "run", flow],
                env={**self.env, **(env or {})},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            try:
                code = proc.wait(timeout=kill_after if kill_after is not None else 600)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                code = -signal.SIGKILL
        finally:
            log.close()
        return Outcome(code, time.monotonic() - started)

    # -- workers (PostgreSQL) -----------------------------------------------------------------------

    def start_worker(self, index: int) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{index}.log").open("ab")
        args = [CLI, "--config", str(self.config_path), "--log-level", "INFO", "worker"]
        args += ["--heartbeat-seconds", "0.5", "--stalled-after-seconds", "3"]  # leases: LEASE_TTL_SECONDS
        args += ["--poll-seconds", "0.3", "--workdir", str(self.folder / f"work-{index}")]
        proc = subprocess.Popen(args, env={**self.env, **self.worker_env}, stdout=log, stderr=subprocess.STDOUT)
        if index < len(self.workers):
            self.workers[index] = proc
            self.logs[index].close()
            self.logs[index] = log
        else:
            self.workers.append(proc)
            self.logs.append(log)
        return proc

    def restart_workers(self, env: dict[str, str]) -> None:
        self.stop_workers()
        self.worker_env = env
        for index in range(2):
            self.start_worker(index)

    def revive_dead_workers(self) -> int:
        """Start again every worker that died; returns how many died since the last look."""
        dead = 0
        for index, proc in enumerate(self.workers):
            if proc.poll() is not None:
                dead += 1
                self.start_worker(index)
        return dead

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()
        self.workers.clear()
        self.logs.clear()

    def query(self, sql: str, **params: Any) -> list[Any]:
        engine = create_engine(self.store_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params))
        finally:
            engine.dispose()

    def execute(self, sql: str, **params: Any) -> int:
        """One statement in its own transaction; the rows it changed."""
        engine = create_engine(self.store_url)
        try:
            with engine.begin() as conn:
                return int(conn.execute(text(sql), params).rowcount)
        finally:
            engine.dispose()

    def close(self) -> None:
        self.stop_workers()
        if self.pg_database:
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)'))
            finally:
                admin.dispose()


def new_round(emulators: Emulators, folder: Path, store: str) -> Round:
    """Reset the emulators and make a fresh configured folder; on PostgreSQL a fresh database too."""
    emulators.reset()
    box = configure(emulators, folder)
    # A journal import whose answer was lost is looked for until the ESS timeout; the emulated job takes
    # half a second, so 20 s keeps a lost submit from holding a run for Oracle's default half hour.
    text_ = box.config_path.read_text(encoding="utf-8")
    text_ = text_.replace("[connections.oracle]\n", "[connections.oracle]\ness_timeout_seconds = 20\n", 1)
    # A tenant that refuses 30 % of requests is one a user gives more retries (`retry_attempts`, default 5):
    # with 6 tries a run of a thousand requests would give up most of the time, and only the kills are the test.
    text_ = re.sub(
        r"^(\[connections\.[A-Za-z0-9_-]+\]\n)", rf"\g<1>retry_attempts = {RETRY_ATTEMPTS}\n", text_, flags=re.M
    )
    # The harness queues every run itself. The demo's schedules (06:00 and 06:15 UTC) would have workers
    # started in the ten minutes after one queue that flow too, and its figures land in a round that does
    # not expect them (a revision round failed so between 06:22 and 06:31).
    text_ = re.sub(r"^schedule = .*\n", "", text_, flags=re.M)
    box.config_path.write_text(text_, "utf-8")
    env = dict(os.environ)
    env.pop("ML_CONNECTOR_CONFIG", None)
    for name in ("ML_CONNECTOR_FAILPOINTS", "ML_CONNECTOR_FAILPOINTS_ONCE"):
        env.pop(name, None)
    env["ML_CONNECTOR_LEASE_TTL_SECONDS"] = LEASE_TTL_SECONDS
    sqlite_url = f"sqlite:///{folder / 'ml-connector.db'}"
    if store == "sqlite":
        env.pop("ML_CONNECTOR_STORE_URL", None)
        return Round(emulators, folder, sqlite_url, box.config_path, env)
    database = f"mlc_chaos_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    pg_url = make_url(PG_ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    copy_to_store(box, pg_url)
    path = folder / "chaos-pg.toml"
    path.write_text(box.config_path.read_text(encoding="utf-8").replace(f'"{sqlite_url}"', f'"{pg_url}"'), "utf-8")
    env["ML_CONNECTOR_STORE_URL"] = pg_url
    made = Round(emulators, folder, pg_url, path, env, pg_database=database)
    done = made.cli("db", "upgrade")
    if done.returncode != 0:
        raise RuntimeError(f"db upgrade failed: {done.stderr}")
    return made


def set_budget(emulators: Emulators, account: str, cost_center: str, label: str, amount: str) -> None:
    """A planner changes one approved Budget cell in the Anaplan emulator (its model, not through the API)."""
    backend = emulators.emulators["anaplan"].backend
    with backend.lock:
        model = next(m for m in backend.models.values() if m.name == "FP&A")
        module = model.planning.modules["Budget"]
        cell = module.cells.setdefault((account, cost_center, label), {})
        cell["Amount"] = module.line_items["Amount"].parse(amount)
        cell["Approved"] = module.line_items["Approved"].parse(True)


def jitter(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()
