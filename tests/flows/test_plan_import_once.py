"""issue 14: a plan-return run that gave up while Oracle's journal import (an ESS job) was still running,
followed by another run before the job ends, must not import the journal a second time. The submit is
remembered in the store first; the next run waits for that job instead of submitting again."""

from __future__ import annotations

from collections import Counter

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke
from tests.support.returns import approved_budget, erp_journals, erp_totals


def jobs_running(box: Sandbox) -> int:
    jobs = httpx.get(f"{box.url('oracle')}/_emulator/jobs").json()
    return sum(1 for job in jobs if job["RequestStatus"] == "RUNNING")


def test_a_run_after_a_give_up_waits_for_the_running_import(sandbox: Sandbox) -> None:
    text = sandbox.config_path.read_text(encoding="utf-8")
    sandbox.config_path.write_text(
        text.replace("ess_poll_seconds = 0.1\n", "ess_poll_seconds = 0.05\ness_timeout_seconds = 0.3\n"), "utf-8"
    )
    # Long enough that the first import is still running after both runs, however slow the machine.
    httpx.put(f"{sandbox.url('oracle')}/_emulator/ess", json={"seconds": 600}).raise_for_status()
    for _ in range(2):  # both give up while the first import is still running
        gave_up = invoke(sandbox, "run", "plan-return-oracle")
        assert gave_up.exit_code != 0
        assert jobs_running(sandbox) == 1
    ended = {"seconds": 0.05, "end_running": True}  # the first import ends now
    httpx.put(f"{sandbox.url('oracle')}/_emulator/ess", json=ended).raise_for_status()
    assert jobs_running(sandbox) == 0
    done = invoke(sandbox, "run", "plan-return-oracle")
    assert done.exit_code == 0, done.output
    batches = httpx.get(f"{sandbox.url('oracle')}/_emulator/journals").json()
    per_reference = Counter(b["Reference1"] for b in batches if str(b["Reference1"]).startswith("MLC-"))
    assert per_reference and set(per_reference.values()) == {1}, per_reference
    assert erp_totals(sandbox, "oracle", "3900") == approved_budget(sandbox, "3")
    assert len(erp_journals(sandbox, "oracle")) == 4
