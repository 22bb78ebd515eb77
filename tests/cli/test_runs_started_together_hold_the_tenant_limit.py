"""Four real `ml-connector run` processes started together on one SQLite store, each a different flow
on one Anaplan tenant of 60 requests a minute: the Anaplan emulator's own record of the requests it
received shows no 60 s window above the limit, and the busiest at 90 % of it or more (together they
want about 70 requests, more than a minute of budget, so they are backlogged for that minute).

About 80 s of wall time: marked `minute`, so a quick pass can leave it out (`-m "not minute"`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ml_connector.demo.sandbox import Sandbox
from ml_connector.store.budget_file import budget_file_path
from ml_connector.store.database import Store
from tests.support.budget import anaplan_requests, busiest_minute

CLI = str(Path(sys.executable).parent / "ml-connector")
LIMIT = 60
# Five flows started together: together they want well over a minute of a 60/min Anaplan budget (about 77
# requests on the demo; the test checks that they want at least LIMIT + 5).
FLOWS = ("reference-oracle", "reference-infor", "actuals-oracle", "actuals-infor", "actuals-mexico")


@pytest.mark.minute
def test_runs_started_together_hold_the_tenant_limit_and_use_it(sandbox: Sandbox) -> None:
    config = sandbox.config_path.read_text(encoding="utf-8")
    anaplan = '[connections.anaplan]\nsystem = "anaplan"\n'
    assert anaplan in config
    sandbox.config_path.write_text(
        config.replace(anaplan, f"{anaplan}requests_per_minute = {LIMIT}\n"), encoding="utf-8"
    )
    runs = [
        subprocess.Popen(  # noqa: S603 - our own CLI
            [CLI, "--config", str(sandbox.config_path), "run", flow],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for flow in FLOWS
    ]
    for run in runs:
        out, _ = run.communicate(timeout=280)
        assert run.returncode == 0, out

    starts, emulator_busiest = anaplan_requests(sandbox.url("anaplan"))
    assert len(starts) >= LIMIT + 5, "the runs must want more than a minute of budget"
    assert emulator_busiest <= LIMIT
    busiest = busiest_minute(starts)
    print(f"anaplan requests {len(starts)}, busiest 60 s {busiest} of {LIMIT}")
    assert 0.9 * LIMIT <= busiest <= LIMIT

    # The budget was kept beside the store, not in it.
    store = Store(f"sqlite:///{sandbox.folder.resolve() / 'ml-connector.db'}")
    path = budget_file_path(store)
    store.dispose()
    assert path is not None and path.exists()
