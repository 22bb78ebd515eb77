"""The kills: chains of chosen failpoints per flow, and random moments, on SQLite (CLI runs) and on
PostgreSQL (two workers); after each kill the flow runs again until it succeeds."""

from __future__ import annotations

import random
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaos import invariants
from chaos.world import Round, TokenExpirer, fault_settings, jitter, new_round, set_budget, set_faults
from ml_connector.demo.sandbox import Emulators

ORDER = [
    "reference-oracle",
    "reference-infor",
    "actuals-oracle",
    "actuals-infor",
    "plan-return-oracle",
    "plan-return-infor",
    "suppliers-return-oracle",
    "suppliers-return-infor",
]
LOAD = ["anaplan.after_upload", "anaplan.after_task_start", "anaplan.after_import_done"]
# Each flow's chosen points, in the order a run passes them; every point fires once per chain.
CHAINS: dict[str, list[str]] = {
    "reference-oracle": [
        "run.after_start", "reference.staging_batch", *LOAD, "reference.before_audit", "run.after_body",
    ],
    "reference-infor": ["reference.staging_batch", *LOAD, "reference.before_audit"],
    "actuals-oracle": [
        "actuals.staging_batch", "staging.segment_commit", "actuals.after_staging", *LOAD,
        "actuals.before_commit", "commit.before", "commit.inside", "run.after_body",
    ],
    "actuals-infor": ["actuals.after_staging", "anaplan.after_import_done", "commit.inside", "run.after_body"],
    "plan-return-oracle": [
        "anaplan.after_export_done", "plan_return.before_post", "oracle.after_submit",
        "oracle.after_import_job", "plan_return.after_post", "run.after_body",
    ],
    "plan-return-infor": [
        "anaplan.after_export_done", "plan_return.before_post", "m3.after_batch_head",
        "m3.before_ctrl_batch", "plan_return.after_post", "run.after_body",
    ],
    "suppliers-return-oracle": ["oracle.supplier_batch", "suppliers.during_batch", "run.after_body"],
    "suppliers-return-infor": ["m3.after_supplier_write", "suppliers.during_batch", "run.after_body"],
}  # fmt: skip
# After the chains, a planner changes one approved cell per ERP and the plan-return flows run again: a
# revision is a reversal (R) and a new journal (J). Killed after R is posted but before its audit, then
# between R and J (the second post of the next run).
REVISION_CHAIN = ["plan_return.after_post", "plan_return.before_post:2"]
REVISED_CELLS = {"plan-return-oracle": ("4000", "3100"), "plan-return-infor": ("4000", "1100")}
MAX_ATTEMPTS = 12


@dataclass
class Tally:
    scenario: str
    store: str
    kills: int = 0
    chosen_fired: list[str] = field(default_factory=list)
    chosen_not_reached: list[str] = field(default_factory=list)
    reruns: int = 0
    gave_up: list[str] = field(default_factory=list)  # flows that failed MAX_ATTEMPTS times under faults
    violations: list[str] = field(default_factory=list)
    revised: bool = False  # the plan changed after its first return (reversal pairs)
    runs: dict[str, int] = field(default_factory=dict)
    busiest_60s: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class Chaos:
    def __init__(
        self,
        emulators: Emulators,
        workdir: Path,
        seed: int,
        flows: list[str] | None = None,
        chains: dict[str, list[str]] | None = None,
    ) -> None:
        self.emulators, self.workdir = emulators, workdir
        self.chains = chains or CHAINS
        self.rng = random.Random(seed)  # noqa: S311 - choosing kill moments, not security
        self.seed = seed
        self.flows = flows or ORDER
        self.durations: dict[str, float] = {}
        self.startup = 0.0  # how long `ml-connector` takes before a run begins (imports, config, store)
        self.rounds = 0
        self.baseline: invariants.Snapshot | None = None

    # -- rounds ---------------------------------------------------------------------------------------

    def _round(self, store: str) -> Round:
        self.rounds += 1
        made = new_round(self.emulators, self.workdir / f"round-{self.rounds}-{store}", store)
        for flow in [f for f in ("reference-oracle", "reference-infor") if self.needs_lists]:
            # The lists first, as a user sets up: actuals rows then find their members whatever the order.
            outcome = made.run(flow)
            if outcome.code != 0:
                raise RuntimeError(f"set-up run of {flow} failed ({outcome.code}); see {made.folder}/runs.log")
        return made

    @property
    def needs_lists(self) -> bool:
        return any(f.startswith("actuals") for f in self.flows)

    def take_baseline(self) -> None:
        """Every flow run cleanly twice (a fixed point), no faults: the expected state of the systems."""
        made = self._round("sqlite")
        try:
            # Twice when the lists are loaded again after the supplier returns added suppliers.
            for _ in range(2 if any(f.startswith("reference") for f in self.flows) else 1):
                for flow in self.flows:
                    outcome = made.run(flow)
                    if outcome.code != 0:
                        raise RuntimeError(f"baseline run of {flow} failed ({outcome.code}); see {made.folder}")
                    self.durations[flow] = min(self.durations.get(flow, 1e9), outcome.seconds)
            self.baseline = invariants.snapshot(self.emulators)
            wrong = invariants.actuals_cells(self.emulators, self.baseline, self.flows)
            if wrong:  # the product is wrong without any fault: no round could pass
                raise RuntimeError(f"the clean baseline's actuals cells are wrong: {wrong}")
            began = time.monotonic()
            made.cli("runs", "--limit", "1")
            self.startup = time.monotonic() - began
        finally:
            made.close()

    def _finish(self, made: Round, tally: Tally) -> None:
        """Faults off, every flow once more as cron would, then the invariants."""
        set_faults(self.emulators, None)
        made.stop_workers()
        for flow in self.flows:
            for _ in range(3):
                if made.run(flow).code == 0:
                    break
            else:
                tally.violations.append(f"{flow} does not succeed once the faults are off (see {made.folder})")
        assert self.baseline is not None
        found = invariants.snapshot(self.emulators)
        tally.violations += invariants.compare(self.baseline, found, revised=tally.revised)
        tally.violations += invariants.actuals_cells(self.emulators, found, self.flows)
        tally.violations += invariants.plans_returned(self.emulators, self.flows)
        tally.violations += invariants.no_overlapping_tasks(self.emulators)
        budget, tally.busiest_60s = invariants.within_budget(self.emulators)
        tally.violations += budget
        states, runs = invariants.store_states(made.store_url)
        tally.violations += states
        for state, count in runs.items():  # summed over the rounds of the scenario
            tally.runs[state] = tally.runs.get(state, 0) + count

    def _faults_on(self) -> None:
        set_faults(self.emulators, fault_settings(self.rng.randrange(1 << 30)))

    # -- SQLite: CLI runs -------------------------------------------------------------------------------

    def until_success(self, made: Round, flow: str, tally: Tally, env: dict[str, str] | None = None) -> None:
        """Run `flow` until it succeeds; kills do not count against the patience, failures do.

        A run that gives up under the injected faults (retries spent) is not a broken invariant; a flow
        that still fails once the faults are off is (see `_finish`)."""
        failures = 0
        while failures < MAX_ATTEMPTS:
            outcome = made.run(flow, env=env)
            if outcome.code == 0:
                return
            tally.reruns += 1
            if outcome.killed:
                tally.kills += 1
            else:
                failures += 1
        tally.gave_up.append(f"{flow}: {MAX_ATTEMPTS} runs failed under faults in a row (see {made.folder})")

    def _armed(self, made: Round, flow: str, chain: list[str] | None = None) -> tuple[Path, dict[str, str]]:
        """A folder that remembers which points fired, and the environment arming the flow's chain once."""
        once = Path(tempfile.mkdtemp(prefix=f"{flow}-", dir=made.folder))
        points = ",".join(chain or self.chains[flow])
        return once, {"ML_CONNECTOR_FAILPOINTS": points, "ML_CONNECTOR_FAILPOINTS_ONCE": str(once)}

    def _revisions(self) -> list[str]:
        """The plan-return flows of this suite, after one approved cell of each changed (as a planner would)."""
        flows = [f for f in self.flows if f in REVISED_CELLS]
        for flow in flows:
            account, cost_center = REVISED_CELLS[flow]
            set_budget(self.emulators, account, cost_center, "Dec 26", "4321.09")
        return flows

    def chosen_cli(self, store: str = "sqlite", flows: list[str] | None = None) -> Tally:
        tally = Tally("chosen points", store)
        started = time.monotonic()
        made = self._round(store)
        try:
            self._faults_on()
            with TokenExpirer(self.emulators):
                for flow in flows or self.flows:
                    once, env = self._armed(made, flow)
                    self.until_success(made, flow, tally, env)
                    self._note_chain(flow, once, tally)
                for flow in self._revisions():
                    tally.revised = True
                    once, env = self._armed(made, flow, REVISION_CHAIN)
                    self.until_success(made, flow, tally, env)
                    self._note_chain(flow, once, tally, REVISION_CHAIN, "revision")
            self._finish(made, tally)
        finally:
            made.close()
        tally.seconds = round(time.monotonic() - started, 1)
        return tally

    def random_cli(self, kills: int, store: str = "sqlite", rounds: int = 1) -> Tally:
        tally = Tally("random moments", store)
        started = time.monotonic()
        per_round = [kills // rounds + (1 if i < kills % rounds else 0) for i in range(rounds)]
        for target in per_round:
            made = self._round(store)
            try:
                self._faults_on()
                with TokenExpirer(self.emulators):
                    got = tally.kills
                    while tally.kills - got < target:
                        flow = self.rng.choice(self.flows)
                        # A kill anywhere in a typical run, after the process's start-up (80 %) or during it.
                        low = self.startup * 0.8 if self.rng.random() < 0.8 else 0.3
                        outcome = made.run(flow, kill_after=jitter(self.rng, low, 1.2 * self.durations[flow]))
                        if outcome.killed:
                            tally.kills += 1
                        if outcome.code != 0:
                            self.until_success(made, flow, tally)
                self._finish(made, tally)
            finally:
                made.close()
        tally.seconds = round(time.monotonic() - started, 1)
        return tally

    def _note_chain(self, flow: str, once: Path, tally: Tally, chain: list[str] | None = None, label: str = "") -> None:
        for point in chain or self.chains[flow]:
            fired = (once / f"{point.partition(':')[0]}.fired").exists()
            name = f"{flow}@{point}" + (f" ({label})" if label else "")
            (tally.chosen_fired if fired else tally.chosen_not_reached).append(name)

    # -- PostgreSQL: two workers ------------------------------------------------------------------------

    def _job(self, made: Round, flow: str) -> str | None:
        rows = made.query(
            "SELECT status FROM procrastinate_jobs WHERE args->>'flow' = :flow ORDER BY id DESC LIMIT 1", flow=flow
        )
        return str(rows[0].status) if rows else None

    @staticmethod
    def _hurry_retries(made: Round) -> None:
        """A job the workers' backoff put off (10, 20, 40, 80 s) runs now: the retry is the same run, only
        the wait is cut, so the kills, not the waits, fill the suite's minutes."""
        made.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo' AND scheduled_at > now()"
        )

    def _enqueue(self, made: Round, *flows: str) -> None:
        done = made.cli("enqueue", *flows)
        if done.returncode != 0:
            raise RuntimeError(f"enqueue failed: {done.stderr}")

    def _drain(self, made: Round, flows: set[str], tally: Tally, timeout: float = 600) -> None:
        """Wait until the last job of each flow succeeded, reviving dead workers, re-queueing failed jobs."""
        deadline = time.monotonic() + timeout
        requeued: dict[str, int] = {}
        while time.monotonic() < deadline:
            made.revive_dead_workers()
            self._hurry_retries(made)
            states = {flow: self._job(made, flow) for flow in flows}
            if all(s == "succeeded" for s in states.values()):
                return
            for flow, state in states.items():
                if state in ("failed", "aborted", "cancelled"):
                    requeued[flow] = requeued.get(flow, 0) + 1
                    tally.reruns += 1
                    if requeued[flow] > MAX_ATTEMPTS:
                        tally.violations.append(f"{flow}: the workers never got a run to succeed")
                        return
                    self._enqueue(made, flow)  # as cron would, at its next fire
            time.sleep(0.3)
        tally.violations.append(f"the workers did not finish {sorted(flows)} in {timeout:.0f} s")

    def chosen_workers(self, flows: list[str] | None = None) -> Tally:
        tally = Tally("chosen points", "postgresql")
        started = time.monotonic()
        made = self._round("postgresql")
        try:
            self._faults_on()
            with TokenExpirer(self.emulators):
                for flow in flows or self.flows:
                    once, env = self._armed(made, flow)
                    made.restart_workers(env)
                    self._enqueue(made, flow)
                    self._drain(made, {flow}, tally)
                    before = len(tally.chosen_fired)
                    self._note_chain(flow, once, tally)
                    tally.kills += len(tally.chosen_fired) - before
                for flow in self._revisions():
                    tally.revised = True
                    once, env = self._armed(made, flow, REVISION_CHAIN)
                    made.restart_workers(env)
                    self._enqueue(made, flow)
                    self._drain(made, {flow}, tally)
                    before = len(tally.chosen_fired)
                    self._note_chain(flow, once, tally, REVISION_CHAIN, "revision")
                    tally.kills += len(tally.chosen_fired) - before
            self._finish(made, tally)
        finally:
            made.close()
        tally.seconds = round(time.monotonic() - started, 1)
        return tally

    def random_workers(self, kills: int, rounds: int = 1) -> Tally:
        tally = Tally("random moments", "postgresql")
        started = time.monotonic()
        per_round = [kills // rounds + (1 if i < kills % rounds else 0) for i in range(rounds)]
        for target in per_round:
            made = self._round("postgresql")
            try:
                self._faults_on()
                made.restart_workers({})
                with TokenExpirer(self.emulators):
                    got, queued = tally.kills, set[str]()
                    while tally.kills - got < target:
                        states = {f: self._job(made, f) for f in queued}
                        failed = [f for f, state in states.items() if state == "failed"]
                        if failed:  # a run that gave up under faults: cron queues it again
                            tally.reruns += len(failed)
                            self._enqueue(made, *failed)
                        elif all(state == "succeeded" for state in states.values()):
                            batch = self.rng.sample(self.flows, min(4, len(self.flows)))
                            self._enqueue(made, *batch)
                            queued = set(batch)
                        time.sleep(jitter(self.rng, 0.2, 2.0))
                        made.revive_dead_workers()
                        self._hurry_retries(made)
                        if self._kill_a_running_worker(made):
                            tally.kills += 1
                    self._drain(made, queued, tally)
                self._finish(made, tally)
            finally:
                made.close()
        tally.seconds = round(time.monotonic() - started, 1)
        return tally

    def _kill_a_running_worker(self, made: Round) -> bool:
        """SIGKILL a worker that holds a running run, if one does."""
        holders = {str(r.holder) for r in made.query("SELECT holder FROM runs WHERE state = 'running'")}
        pids = {int(h.rsplit(":", 1)[1]) for h in holders if h.rsplit(":", 1)[-1].isdigit()}
        live = [p for p in made.workers if p.poll() is None and p.pid in pids]
        if not live:
            return False
        victim = self.rng.choice(live)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        return True
