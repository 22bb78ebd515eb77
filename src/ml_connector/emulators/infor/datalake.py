"""`DataLake`: the Infor Data Lake and its Compass query jobs, in memory (no HTTP; see `compass.py`).

What it models (docs.infor.com, "Version 2 Compass APIs to page a query result", bca1622476381846, and
"Version 1 Compass APIs", kem1622476501178):

- A job runs the query once; its result is static ("the result does not change when data is added or
  updated in the Data Lake") and is read in pages of at most 100,000 rows by offset and limit.
- Job states RUNNING, TRANSFORMING (results being prepared), FINISHED, FAILED; a cancelled job is CANCELLED
  (ASSUMPTION: the state's name; the docs say only that cancel answers OK).
- The lake's delay: a line posted while `delay` is set reaches the lake `delay` later (`lake_arrival`);
  until then no query sees it. Data Fabric loads the lake in batches (a third-party connector documents
  "every 10 minutes"), so arrival does not follow the ERP's change stamps, which is why clients read
  behind their watermark. Lines posted with no delay, seeded lines and volume lines are in the lake at once.

- "Query results are available for roughly 20 hours after receiving the FINISHED status" (bca1622476381846):
  after `result_hours` a job is gone, its status and result calls answer 404 (ASSUMPTION: the code and
  wording; the docs do not say what an expired query answers).
- Quotas per tenant: jobs 100, status 1,000, result 10,000, cancel 1,000 calls a minute (same page). A call
  over its quota gets the gateway's 429 ("Quota policy", infor.md 5.1) with Retry-After, the seconds until
  the window frees (ASSUMPTION, as the gateway emulation does: no Infor source mentions Retry-After).
  ASSUMPTION: a sliding window of `quota_window_seconds` (60); no concurrent-query limit is documented, so
  none is emulated.

Test knobs (admin `/_emulator/datalake`): `delay_minutes`, `job_seconds` (RUNNING time), `fail_jobs` (the
next N jobs end FAILED, as an engine error would), `break_pages` (the next N result pages break off after
half their rows), `catch_up` (every pending line arrives now), `expire_results` (the results of the next N
jobs expire once their first result page is served: a read that outlives the 20 hours, without waiting
them), `result_hours`, `quota_jobs|status|result|cancel` and `quota_window_seconds`.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ml_connector.emulators.infor.datalake_sql import CompassSqlError, Query, matcher, parse
from ml_connector.emulators.infor.datalake_tables import TABLES, LakeTable
from ml_connector.emulators.infor.models import InforBackend

RUNNING, TRANSFORMING, FINISHED, FAILED, CANCELLED = "RUNNING", "TRANSFORMING", "FINISHED", "FAILED", "CANCELLED"
MAX_PAGE_ROWS = 100_000  # "a maximum limit of 100,000 rows with a 10 MB size cap"
RESULT_FORMATS = ("application/json", "application/x-ndjson", "text/csv")


@dataclass
class LakeSettings:
    job_seconds: float = 0.05
    fail_jobs: int = 0
    break_pages: int = 0
    expire_results: int = 0
    result_hours: float = 20.0
    quota_jobs: int = 100
    quota_status: int = 1000
    quota_result: int = 10_000
    quota_cancel: int = 1000
    quota_window_seconds: float = 60.0


@dataclass
class Job:
    id: str
    sql: str
    result_format: str
    submitted: datetime
    ready_at: datetime
    table: LakeTable | None = None
    columns: list[str] = field(default_factory=list)  # upper-cased names, in the order selected
    lines: list[Any] = field(default_factory=list)  # GL lines, or a table's prepared rows
    failure: str = ""
    cancelled: bool = False
    expire_after_page: bool = False  # the `expire_results` knob: gone once a result page has been served
    expired: bool = False

    def gone(self, now: datetime, result_hours: float) -> bool:
        """Whether the job's result has expired ("roughly 20 hours after receiving the FINISHED status")."""
        return self.expired or now > self.ready_at + timedelta(hours=result_hours)

    def state(self, now: datetime) -> str:
        if self.cancelled:
            return CANCELLED
        if now < self.ready_at:
            return RUNNING if now < self.ready_at - (self.ready_at - self.submitted) / 4 else TRANSFORMING
        return FAILED if self.failure else FINISHED


class DataLake:
    """The lake over one `InforBackend`, with its Compass jobs. Thread-safe (the backend's lock)."""

    def __init__(self, backend: InforBackend, clock: Callable[[], datetime] | None = None) -> None:
        self.backend = backend
        self.clock = clock or (lambda: datetime.now(UTC))
        self.settings = LakeSettings()
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}
        self.refused = 0  # calls refused for the quota (429), for tests

    def reset(self) -> None:
        with self._lock:
            self.settings = LakeSettings()
            self.jobs.clear()
            self._calls.clear()
            self.refused = 0

    def over_quota(self, method: str) -> int:
        """Count a call of `method` (jobs, status, result, cancel): 0 when within its quota, else the whole
        seconds until the window frees (the call is refused and not counted)."""
        now = time.monotonic()
        with self._lock:
            allowed = int(getattr(self.settings, f"quota_{method}"))
            window = self.settings.quota_window_seconds
            calls = self._calls.setdefault(method, deque())
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) >= allowed:
                self.refused += 1
                return max(1, math.ceil(calls[0] + window - now))
            calls.append(now)
            return 0

    @property
    def delay_minutes(self) -> float:
        return self.backend.lake_delay.total_seconds() / 60

    def set_delay(self, minutes: float) -> None:
        self.backend.lake_delay = timedelta(minutes=minutes)

    def catch_up(self) -> int:
        """Every line still on its way arrives now; how many did."""
        with self.backend.lock:
            pending = [ln for ln in self.backend.lines if ln.lake_arrival is not None]
            for ln in pending:
                ln.lake_arrival = None
            return len(pending)

    # --- jobs ----------------------------------------------------------------------------------------

    def submit(self, sql: str, result_format: str) -> Job:
        now = self.clock()
        with self._lock:
            job_id = str(uuid.uuid4())
            fail = self.settings.fail_jobs > 0
            if fail:
                self.settings.fail_jobs -= 1
            expire = self.settings.expire_results > 0 and not fail
            if expire:
                self.settings.expire_results -= 1
            ready = now + timedelta(seconds=self.settings.job_seconds)
        job = Job(job_id, sql, result_format, now, ready, expire_after_page=expire)
        if fail:
            # ASSUMPTION: the wording of an engine failure; the docs only say FAILED carries error details.
            job.failure = "Query execution failed: the query engine ran out of resources. Submit the query again."
        else:
            self._run(job, now)
        with self._lock:
            self.jobs[job.id] = job
        return job

    def _run(self, job: Job, now: datetime) -> None:
        try:
            query = parse(job.sql)
            table = TABLES.get(query.table)
            if table is None:
                raise CompassSqlError(f"table {query.table} does not exist in the Data Lake")
            job.table = table
            job.columns = list(query.columns) or list(table.columns)
            for name in job.columns + list(query.order):
                if name not in table.columns:
                    raise CompassSqlError(f"column {name} does not exist in table {table.name}")
            job.lines = self._select(query, table, now)
        except CompassSqlError as exc:
            job.failure = str(exc)

    def _select(self, query: Query, table: LakeTable, now: datetime) -> list[Any]:
        match = matcher(query, set(table.columns))
        company = self.backend.company
        getters = {c.column: table.columns[c.column][1] for c in query.conditions}
        with self.backend.lock:
            out = []
            for line in table.records(self.backend, company):
                if getattr(line, "lake_arrival", None) is not None and line.lake_arrival > now:
                    continue  # not in the lake yet
                if not getters or match({name: get(line, company) for name, get in getters.items()}):
                    out.append(line)
        for column in reversed(query.order):
            get = table.columns[column][1]
            out.sort(key=lambda ln, g=get: g(ln, company))  # type: ignore[misc]
        return out[: query.limit] if query.limit is not None else out

    def job(self, job_id: str) -> Job | None:
        """The job, or None when there is none or its result has expired."""
        with self._lock:
            job = self.jobs.get(job_id)
            hours = self.settings.result_hours
        return None if job is None or job.gone(self.clock(), hours) else job

    def served_page(self, job: Job) -> None:
        """A result page of `job` was served: with `expire_results`, its result is now gone."""
        if job.expire_after_page:
            job.expired = True

    def cancel(self, job_id: str) -> Job | None:
        job = self.job(job_id)
        if job is not None and job.state(self.clock()) in (RUNNING, TRANSFORMING):
            job.cancelled = True
        return job

    def take_break(self) -> bool:
        """Whether the page now being served breaks off (the `break_pages` knob)."""
        with self._lock:
            if self.settings.break_pages > 0:
                self.settings.break_pages -= 1
                return True
            return False

    def rows(self, job: Job, offset: int, limit: int) -> Iterator[dict[str, str]]:
        """The rows [offset, offset + limit) of a finished job, columns named as published."""
        if job.table is None:
            return
        company = self.backend.company
        chosen = [job.table.columns[c] for c in job.columns]
        for line in job.lines[offset : offset + limit]:
            yield {display: get(line, company) for display, get in chosen}
