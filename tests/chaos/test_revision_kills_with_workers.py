"""The plan revision on PostgreSQL with two workers: the worker running a revision (a reversal and a new
journal) is killed after the reversal's post, before its audit, then between the reversal and the new
journal, under the suite's faults. Another worker picks the job up, and Oracle ends with each journal once,
the reversal and the new journal both there, and its net figures equal to Anaplan's approved budget."""

from __future__ import annotations

from pathlib import Path

from chaos.scenarios import REVISION_CHAIN, Chaos
from chaos.world import set_faults

from chaos import invariants
from ml_connector.demo.sandbox import Emulators

FLOWS = ["plan-return-oracle"]
CHAINS = {"plan-return-oracle": ["oracle.after_submit"]}


def test_a_revision_killed_between_reversal_and_new_journal_on_two_workers(
    emulators: Emulators, tmp_path: Path, pg_url: str
) -> None:
    del pg_url  # only for its skip when no PostgreSQL server answers; the suite makes its own databases
    chaos = Chaos(emulators, tmp_path, seed=15, flows=FLOWS, chains=CHAINS)
    try:
        chaos.take_baseline()
        tally = chaos.chosen_workers()
    finally:
        set_faults(emulators, None)
    assert tally.violations == []
    assert tally.revised and tally.store == "postgresql"
    revision = [f"plan-return-oracle@{point} (revision)" for point in REVISION_CHAIN]
    assert set(revision) <= set(tally.chosen_fired), tally.chosen_not_reached
    assert tally.kills >= 3 and tally.runs.get("running", 0) == 0
    refs = invariants.returned_journals(emulators, "oracle")
    assert any(ref.endswith("R") for ref in refs) and any(ref.endswith("J") for ref in refs)
