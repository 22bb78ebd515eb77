"""A budget changed in Anaplan after plan-return reaches the ERP as a reversal and a new journal (or one
delta), exactly once, and the ERP's totals equal Anaplan's; an emptied cell is reversed; a run cut short
between the reversal and the new journal converges on the next run."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke
from tests.support.returns import approved_budget, erp_journals, erp_totals, set_budget

# flow -> (ERP emulator, cost centers it returns, balancing cost center, a cell to change)
FLOWS = {
    "plan-return-oracle": ("oracle", "3", "3900", ("4000", "3100")),
    "plan-return-infor": ("infor", "1", "1900", ("4000", "1100")),
}


def run(box: Sandbox, flow: str, *extra: str) -> str:
    result = invoke(box, "run", flow, *extra, width=200)
    assert result.exit_code == 0, result.output
    return result.output


def run_id(output: str) -> str:
    found = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.sub(r"\s", "", output))
    assert found, output
    return found.group(0)


def december(refs: dict[str, object]) -> list[str]:
    return sorted(r for r in refs if "-2026-12" in r)


def short_leases(box: Sandbox) -> None:
    """Leases of 2 s (`[store] lease_ttl_seconds`): the run after a SIGKILL waits 2 s, not 30 s, for the
    dead run's flow lease."""
    text = box.config_path.read_text(encoding="utf-8")
    box.config_path.write_text(text.replace("[store]\n", "[store]\nlease_ttl_seconds = 2\n", 1), encoding="utf-8")


def set_revisions(box: Sandbox, flow: str, mode: str) -> None:
    text = box.config_path.read_text(encoding="utf-8")
    text = text.replace(f"[flows.{flow}]\n", f'[flows.{flow}]\nrevisions = "{mode}"\n')
    box.config_path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_a_changed_budget_is_reversed_and_posted_again_once(sandbox: Sandbox, flow: str) -> None:
    system, prefix, balancing, (account, cc) = FLOWS[flow]
    run(sandbox, flow)
    first = erp_journals(sandbox, system)
    set_budget(sandbox, account, cc, "Dec 26", "999999.99")
    out = run(sandbox, flow)
    assert "revised" in out
    run(sandbox, flow)  # and again: nothing more
    journals = erp_journals(sandbox, system)
    new = sorted(set(journals) - set(first))
    assert len(new) == 2 and new[0].endswith("-2R") and new[1].endswith("-3J"), new
    base = new[0].removesuffix("-2R")
    assert journals[new[0]] == {c: -v for c, v in first[base].items()}  # the reversal takes back all of it
    assert erp_totals(sandbox, system, balancing) == approved_budget(sandbox, prefix)
    audit = invoke(sandbox, "audit", run_id(out), "--state", "revised", "--json", "--limit", "0")
    reasons = [json.loads(line)["reason"] for line in audit.output.splitlines() if line.startswith("{")]
    assert len(reasons) == 1 and "999,999.99" in reasons[0] and base in reasons[0] and new[1] in reasons[0]


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_delta_mode_posts_one_adjusting_journal(sandbox: Sandbox, flow: str) -> None:
    system, prefix, balancing, (account, cc) = FLOWS[flow]
    set_revisions(sandbox, flow, "delta")
    run(sandbox, flow)
    before = erp_journals(sandbox, system)
    seeded = approved_budget(sandbox, prefix)[(account, cc, "2026-12")]
    set_budget(sandbox, account, cc, "Dec 26", str(seeded + 1000))
    run(sandbox, flow)
    run(sandbox, flow)
    journals = erp_journals(sandbox, system)
    new = sorted(set(journals) - set(before))
    assert len(new) == 1 and new[0].endswith("-2D"), new
    assert journals[new[0]][(account, cc, "2026-12")] == 1000
    assert erp_totals(sandbox, system, balancing) == approved_budget(sandbox, prefix)


def test_an_emptied_cell_is_reversed(sandbox: Sandbox) -> None:
    system, prefix, balancing, (account, cc) = FLOWS["plan-return-infor"]
    run(sandbox, "plan-return-infor")
    set_budget(sandbox, account, cc, "Dec 26", None)
    run(sandbox, "plan-return-infor")
    totals = erp_totals(sandbox, system, balancing)
    assert (account, cc, "2026-12") not in totals
    assert totals == approved_budget(sandbox, prefix)


def test_dry_run_says_what_would_be_revised(sandbox: Sandbox, tmp_path: Path) -> None:
    run(sandbox, "plan-return-oracle")
    set_budget(sandbox, "4000", "3100", "Dec 26", "5.00")
    before = erp_journals(sandbox, "oracle")
    out = run(sandbox, "plan-return-oracle", "--dry-run")
    assert "would-load" in out
    assert erp_journals(sandbox, "oracle") == before


def m3_batches(box: Sandbox) -> list[dict[str, Any]]:
    journals = httpx.get(f"{box.url('infor')}/_emulator/journals").json()
    return [j for j in journals if j["product"] == "M3" and str(j["reference"]).startswith("MLC-")]


def test_a_run_killed_between_reversal_and_new_journal_converges(sandbox: Sandbox) -> None:
    system, prefix, balancing, (account, cc) = FLOWS["plan-return-infor"]
    short_leases(sandbox)
    run(sandbox, "plan-return-infor")
    set_budget(sandbox, account, cc, "Dec 26", "123.45")
    faults = {"slow_rate": 1.0, "slow_seconds": 0.5, "path_contains": "AddBatchHead"}
    httpx.put(f"{sandbox.url('infor')}/_emulator/faults", json=faults).raise_for_status()
    cli = Path(sys.executable).with_name("ml-connector")
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [str(cli), "--config", str(sandbox.config_path), "run", "plan-return-infor"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not any(b["reference"].endswith("-2R") and b["status"] == "for review" for b in m3_batches(sandbox)):
            assert process.poll() is None, "the run ended before its reversal was validated"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    httpx.put(f"{sandbox.url('infor')}/_emulator/faults", json={}).raise_for_status()
    run(sandbox, "plan-return-infor")
    run(sandbox, "plan-return-infor")
    december_refs = december(erp_journals(sandbox, system))
    assert [r[-2:] for r in december_refs[1:]] == ["2R", "3J"], december_refs
    assert erp_totals(sandbox, system, balancing) == approved_budget(sandbox, prefix)
    for batch in m3_batches(sandbox):  # every batch one complete, validated version
        assert sum(Decimal(line["amount"]) for line in batch["lines"]) == 0
        assert batch["status"] == "for review", batch


def test_one_more_approved_cell_never_mixes_versions_in_an_m3_batch(sandbox: Sandbox) -> None:
    """issue 14 (b): a period already returned gets one more approved cell; the next run used to add it to the
    same GLS840 batch, which then failed CtrlBatch on every run."""
    system, prefix, balancing, _ = FLOWS["plan-return-infor"]
    run(sandbox, "plan-return-infor")
    held = approved_budget(sandbox, prefix)
    new_cell = next(
        (a, c)
        for a in ("4000", "4100", "5000", "5100", "5200", "6000", "6100", "6200", "6300", "6400", "6500", "7000")
        for c in ("1100", "1200", "1300")
        if (a, c, "2026-12") not in held
    )
    set_budget(sandbox, new_cell[0], new_cell[1], "Dec 26", "500.00")
    run(sandbox, "plan-return-infor")
    run(sandbox, "plan-return-infor")
    assert erp_totals(sandbox, system, balancing) == approved_budget(sandbox, prefix)
    for batch in m3_batches(sandbox):
        assert sum(Decimal(line["amount"]) for line in batch["lines"]) == 0
        assert batch["status"] == "for review", batch


def test_a_run_killed_while_writing_a_batch_then_a_changed_plan_leave_complete_batches(sandbox: Sandbox) -> None:
    """issue 14 (a): killed while a GLS840 batch is half-written, then the plan changes: the next run used to
    add the new version's lines to the half-written batch, which then failed CtrlBatch for good."""
    system, prefix, balancing, (account, cc) = FLOWS["plan-return-infor"]
    short_leases(sandbox)
    faults = {"slow_rate": 1.0, "slow_seconds": 0.3, "path_contains": "AddBatchLine"}
    httpx.put(f"{sandbox.url('infor')}/_emulator/faults", json=faults).raise_for_status()
    cli = Path(sys.executable).with_name("ml-connector")
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [str(cli), "--config", str(sandbox.config_path), "run", "plan-return-infor"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not any(len(b["lines"]) >= 3 for b in m3_batches(sandbox)):
            assert process.poll() is None, "the run ended before its first batch was half-written"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    httpx.put(f"{sandbox.url('infor')}/_emulator/faults", json={}).raise_for_status()
    set_budget(sandbox, account, cc, "Dec 26", "4242.00")
    run(sandbox, "plan-return-infor")
    run(sandbox, "plan-return-infor")
    assert erp_totals(sandbox, system, balancing) == approved_budget(sandbox, prefix)
    for batch in m3_batches(sandbox):
        assert sum(Decimal(line["amount"]) for line in batch["lines"]) == 0, batch["reference"]
        assert batch["status"] == "for review", batch
