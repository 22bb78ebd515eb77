"""Distributed workers: flow runs queued in PostgreSQL and run by any number of `ml-connector worker`s.

The work queue is procrastinate, in the store's own PostgreSQL database:

- `app.py`        the procrastinate `App` (connector from the store URL) with the one flow-run task
- `jobs.py`       what a job does (run the flow in this worker's context) and how one is queued
                  (`lock` per Anaplan model, `queueing_lock` per flow)
- `backoff.py`    which failures are retried, and when (exponential backoff with jitter)
- `schedules.py`  `[flows.X] schedule` → procrastinate periodic tasks
- `recovery.py`   jobs of a worker that died (kill -9, lost machine) are queued again
- `process.py`    one worker process: shared budget, leases, context, recovery, procrastinate's worker
- `schema.py`     procrastinate's tables, applied by `ml-connector db upgrade`
"""

from __future__ import annotations
