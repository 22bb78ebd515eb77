"""Jobs of a dead worker go back into the queue, so another worker finishes them.

A worker killed with -9, or a machine that vanished, leaves its job `doing` for ever, and (since the
job holds its model's procrastinate `lock`) every later job on that model waiting behind it. Each
worker sends a heartbeat every few seconds; every worker also runs this recovery loop, which finds
jobs whose worker has sent no heartbeat for `stalled_after` seconds and queues them again.

Running the job again is safe: the dead run never merged its staged lines nor moved its watermark.
The next run of the flow waits for the dead run's flow lease to lapse (its heartbeats stopped too),
marks the dead run `interrupted`, discards its staged lines, and reads the same records again; the
Anaplan load overwrites period totals, so nothing is counted twice and nothing is missed.

Only one worker at a time recovers (a lease in the store): two workers that both saw the same
stalled job must not both put it back, or the second could snatch it from the worker that just
picked it up again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from concurrent.futures import Future

from procrastinate import App
from procrastinate.exceptions import ConnectorException

from ml_connector.errors import LockTimeoutError
from ml_connector.locking import ModelLocks
from ml_connector.workers.jobs import QUEUE

log = logging.getLogger("ml_connector.workers.recovery")

RECOVERY_LEASE = "workers:stalled-job-recovery"


class StalledJobRecovery:
    """Every `every` s (default `stalled_after / 3`), queue again the jobs of workers silent for
    `stalled_after` s. `locks` must be shared by all workers (store leases)."""

    def __init__(self, app: App, locks: ModelLocks, *, stalled_after: float = 30.0, every: float | None = None) -> None:
        if stalled_after <= 0:
            raise ValueError("stalled_after must be positive")
        self.app = app
        self.locks = locks
        self.stalled_after = stalled_after
        self.every = every if every is not None else stalled_after / 3

    async def run_forever(self) -> None:
        """The loop a worker runs beside procrastinate's; ends only when cancelled."""
        while True:
            # Jitter: workers started together should not all knock on the lease at once.
            await asyncio.sleep(self.every * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security
            try:
                await self.recover_once()
            except (ConnectorException, OSError) as exc:
                log.warning("could not look for stalled jobs, trying again later: %s", exc)

    async def recover_once(self) -> list[int]:
        """One pass: the ids of the jobs queued again (empty when another worker is recovering)."""
        loop = asyncio.get_running_loop()
        # The lease is synchronous (SQLAlchemy, a heartbeat thread): hold it in a thread and run the
        # queue's coroutines back on this loop, where procrastinate's connection pool lives.
        return await asyncio.to_thread(self._under_lease, loop)

    def _under_lease(self, loop: asyncio.AbstractEventLoop) -> list[int]:
        try:
            with self.locks.hold(RECOVERY_LEASE, timeout=0):
                future: Future[list[int]] = asyncio.run_coroutine_threadsafe(self._requeue_stalled(), loop)
                return future.result()
        except LockTimeoutError:
            return []

    async def _requeue_stalled(self) -> list[int]:
        manager = self.app.job_manager
        stalled = await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=self.stalled_after)
        requeued = []
        for job in stalled:
            if job.id is None:  # pragma: no cover - jobs read from the database have ids
                continue
            try:
                await manager.retry_job(job)
            except ConnectorException as exc:
                # It finished or was put back between our read and now: nothing to do.
                log.info("stalled job %s was no longer doing: %s", job.id, exc)
                continue
            requeued.append(job.id)
            log.warning(
                "job %s (%s) was left running by a worker that stopped sending heartbeats; queued again",
                job.id,
                job.call_string,
                extra={"job_id": job.id, "task_kwargs": job.task_kwargs},
            )
        # Forget the dead workers too, so the table lists only live ones.
        await manager.prune_stalled_workers(self.stalled_after)
        return requeued
