"""Shared fixtures: a migrated SQLite store per test, and a fresh PostgreSQL database when asked.

PostgreSQL tests read `ML_CONNECTOR_TEST_PG_URL` (default: the local server's `test` database). They
skip when no server answers, except under `CI=true`, where they must run.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ml_connector import config as config_module
from ml_connector.demo.sandbox import Emulators, Sandbox, configure, start_emulators
from ml_connector.flows.context import FlowContext
from ml_connector.root import Root
from ml_connector.store import Store, upgrade

# No per-example deadline: the suite runs on two processes beside emulators, and a loaded machine made a
# property test fail on time alone. Hypothesis still reports an example that is slow every time.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

PG_URL = os.environ.get("ML_CONNECTOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture()
def store(sqlite_url: str) -> Iterator[Store]:
    made = Store(sqlite_url)
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """The URL of a brand-new PostgreSQL database, dropped afterwards."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"mlc_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL server at {PG_URL}: {exc}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def pg_store(pg_url: str) -> Iterator[Store]:
    made = Store(pg_url)
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures the `ml_connector` logger; put it back so other tests see their logs."""
    logger = logging.getLogger("ml_connector")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logger.propagate = propagate


@pytest.fixture(scope="session")
def emulators() -> Iterator[Emulators]:
    """The three emulators, started once for the whole session (each test resets them)."""
    running = start_emulators()
    yield running
    running.stop()


@pytest.fixture()
def sandbox(emulators: Emulators, tmp_path: Path) -> Sandbox:
    """The three emulators back at the seeded company, and a fresh configured folder and store for them."""
    emulators.reset()
    return configure(emulators, tmp_path / "sandbox")


@pytest.fixture()
def ctx(sandbox: Sandbox) -> Iterator[FlowContext]:
    """A flow context over the sandbox's config and store, from a composition root of its own."""
    root = Root(config_module.load(sandbox.config_path))
    yield root.flow_context()
    root.close()
