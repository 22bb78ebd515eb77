"""Work the console starts (replays, repairs) runs one job at a time in a background thread, so a page answers
at once and the job's page shows its progress until it is done."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from ml_connector.errors import ConnectorError
from ml_connector.http.redaction import Redactor

log = logging.getLogger(__name__)
KEEP = 200  # finished jobs remembered for their pages


class JobKind(StrEnum):
    """What a job's steps are: runs to replay (one replay run each), or flows to repair (one repair run
    each, or none when every cell already agrees)."""

    REPLAY = "replay"
    REPAIR = "repair"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: str
    title: str
    by: str
    steps: list[str]  # what it will do: one run id per replay, one flow name per repair
    kind: JobKind = JobKind.REPLAY
    state: JobState = JobState.QUEUED
    done: list[tuple[str, str]] = field(default_factory=list)  # (step, the run it made)
    error: str = ""
    queued_at: datetime = field(default_factory=lambda: datetime.now(UTC))


Step = Callable[[str], str]  # one step's argument -> the id of the run it made


class JobQueue:
    def __init__(self, redactor: Redactor) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-job")
        self._jobs: dict[str, Job] = {}
        self._guard = threading.Lock()
        self._redactor = redactor

    def submit(self, title: str, by: str, steps: list[str], step: Step, kind: JobKind = JobKind.REPLAY) -> Job:
        job = Job(str(uuid.uuid4()), title, by, list(steps), kind)
        with self._guard:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP]:
                del self._jobs[old]
        self._pool.submit(self._run, job, step)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._guard:
            return self._jobs.get(job_id)

    def recent(self) -> list[Job]:
        with self._guard:
            return list(reversed(self._jobs.values()))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, step: Step) -> None:
        job.state = JobState.RUNNING
        try:
            for argument in job.steps:
                job.done.append((argument, step(argument)))
        except ConnectorError as exc:
            job.error = self._redactor.redact(str(exc))
            job.state = JobState.FAILED
            return
        except Exception as exc:  # noqa: BLE001 - a job's failure is shown on its page, never raised into the pool
            log.exception("console job %s failed", job.id)
            job.error = self._redactor.redact(f"{type(exc).__name__}: {exc}")
            job.state = JobState.FAILED
            return
        job.state = JobState.DONE
