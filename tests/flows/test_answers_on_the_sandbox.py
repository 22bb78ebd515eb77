"""Clear answers that need the emulators: a replay with nothing left to replay, a flow whose mapping set
was never imported, and a hint for a bad source record that says what will actually fix it."""

from __future__ import annotations

import json

from ml_connector.demo.sandbox import Sandbox
from ml_connector.engine.mappings import replace_mapping
from ml_connector.flows.context import FlowContext
from tests.support.cli import invoke


def last_run(box: Sandbox, flow: str) -> str:
    result = invoke(box, "runs", "--flow", flow, "--limit", "1", width=200)
    return result.output.split("\n")[3].split("│")[1].strip()


def test_a_replay_with_nothing_to_replay_says_so_and_makes_no_run(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0  # the seed maps every Infor member
    run_id = last_run(sandbox, "reference-infor")
    before = invoke(sandbox, "runs", "--limit", "50").output.count("\n")
    result = invoke(sandbox, "replay", run_id)
    assert result.exit_code == 0 and "nothing to replay" in result.output, result.output
    assert invoke(sandbox, "runs", "--limit", "50").output.count("\n") == before


def test_a_mapping_set_never_imported_stops_the_run_before_it_reads(sandbox: Sandbox, ctx: FlowContext) -> None:
    replace_mapping(ctx.store, "oracle", [])
    result = invoke(sandbox, "run", "actuals-oracle")
    assert result.exit_code == 2, result.output
    assert "mapping set 'oracle'" in result.output and "mapping import oracle" in result.output
    assert "Traceback" not in result.output


def test_a_bad_infor_amount_says_to_fix_it_in_infor_not_to_replay(sandbox: Sandbox) -> None:
    assert invoke(sandbox, "run", "reference-infor").exit_code == 0
    invoke(sandbox, "run", "actuals-infor")
    run_id = last_run(sandbox, "actuals-infor")
    lines = invoke(sandbox, "audit", run_id, "--state", "quarantined", "--json", "--limit", "0").output.splitlines()
    bad = [json.loads(line) for line in lines if "is not a number" in line]
    assert bad, lines[:3]
    assert all("next run" in r["hint"] and "then replay" not in r["hint"] for r in bad)
