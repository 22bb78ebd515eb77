"""The fault suite, short: real `ml-connector run` processes killed with SIGKILL right after Oracle's
journal import was submitted, once its job ended, and after a journal was posted but before its audit,
under 429s, 503s, dropped connections, lost answers and token expiry; then the plan changes and the
revision (a reversal and a new journal) is killed after the reversal's post and between the two. After
each kill the flow runs again until it succeeds, and the emulators' read-outs show every journal once,
the ERP's net figures equal to Anaplan's approved budget, no overlapping model action, the budget kept
and no run left running.

The whole suite is `make chaos` (README, "Fault suite")."""

from __future__ import annotations

from pathlib import Path

from chaos.scenarios import REVISION_CHAIN, Chaos
from chaos.world import set_faults

from chaos import invariants
from ml_connector.demo.sandbox import Emulators

FLOWS = ["plan-return-oracle"]
CHAINS = {"plan-return-oracle": ["oracle.after_submit", "oracle.after_import_job", "plan_return.after_post"]}


def test_kills_at_chosen_and_random_points_leave_no_duplicate_and_no_run_running(
    emulators: Emulators, tmp_path: Path
) -> None:
    chaos = Chaos(emulators, tmp_path, seed=14, flows=FLOWS, chains=CHAINS)
    try:
        chaos.take_baseline()
        chosen = chaos.chosen_cli("sqlite")
    finally:
        set_faults(emulators, None)
    assert chosen.violations == []
    expected = [f"{flow}@{point}" for flow, ps in CHAINS.items() for point in ps]
    expected += [f"{flow}@{point} (revision)" for flow in FLOWS for point in REVISION_CHAIN]
    assert sorted(chosen.chosen_fired) == sorted(expected)
    assert chosen.revised and chosen.kills >= 5
    assert chosen.runs.get("interrupted", 0) >= 5 and chosen.runs.get("running", 0) == 0
    # The journals were checked against the plan itself, not only the baseline: the revision is in the ERP.
    refs = invariants.returned_journals(emulators, "oracle")
    assert any(ref.endswith("R") for ref in refs) and any(ref.endswith("J") for ref in refs)
