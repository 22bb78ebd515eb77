"""Tasks of imports, exports, processes and actions: start, poll adaptively, cancel, read the result.

States: NOT_STARTED → IN_PROGRESS → COMPLETE, or CANCELLING → CANCELLED. COMPLETE means "finished,
successful or not": `result.successful` tells which. A task that does not start because another
action holds the model stays NOT_STARTED (Anaplan queues it), so waiting is the right response.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ml_connector.errors import ApiError, ModelBusyError, RetriableError, TaskFailedError, UnavailableError
from ml_connector.failpoints import failpoint
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.discovery import ModelRef

TERMINAL = frozenset({"COMPLETE", "CANCELLED"})
LOST_START_ATTEMPTS = 3
LOST_ANSWER_STATUSES = frozenset({None, 502, 504})
# A lost start adopts only a task Anaplan dates at or after our first attempt, with no allowance for
# clock skew, on purpose: a task of ours that Anaplan's clock dates earlier is not adopted and the action
# is started again (an import of the same uploaded file writes the same cells twice, which is harmless),
# while adopting another process's task of the same action would count a load that never happened.
# ASSUMPTION: Anaplan's creationTime is epoch milliseconds on an NTP-synchronised clock.
START_CLOCK_SKEW_SECONDS = 0.0
# Status calls that may fail in a row (each already retried by the session) before the wait gives up.
STATUS_FAILURES = 5
SEGMENTS = {"import": "imports", "export": "exports", "process": "processes", "action": "actions"}


@dataclass(frozen=True)
class TaskPoller:
    """How long to wait between status calls: short at first, backing off, within [initial, maximum].

    Most imports of a run's totals finish in well under a second, so the first calls come soon, as
    Anaplan Connect's do (every 1 s for the first 10 s). After `early_seconds`, Anaplan's guidance
    holds: status "no more than once every 5 seconds" (`settle`), less often for long runs. When the
    task reports progress, the wait aims at the estimated end.
    """

    initial: float = 0.2
    factor: float = 1.5
    maximum: float = 60.0
    settle: float = 5.0
    early_seconds: float = 10.0

    def next_interval(self, polls: int, elapsed: float = 0.0, progress: float | None = None) -> float:
        """Seconds to wait after `polls` status calls, `elapsed` seconds into the task."""
        backoff = self.initial * self.factor ** min(max(polls, 0), 60)
        wait = backoff
        if progress is not None and 0.0 < progress < 1.0 and elapsed > 0:
            remaining = elapsed * (1.0 - progress) / progress
            wait = min(backoff, remaining)
        floor = self.initial if elapsed < self.early_seconds else max(self.initial, min(self.settle, self.maximum))
        return max(floor, min(self.maximum, wait))


@dataclass(frozen=True)
class TaskOutcome:
    """A finished task: its state, success, and the raw `result` (details, nested results)."""

    kind: str
    object_id: str
    task_id: str
    state: str
    successful: bool
    failure_dump_available: bool
    result: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def messages(self) -> list[str]:
        """The human texts of `result.details` (and of nested results)."""
        texts = [str(d.get("localMessageText", "")).strip() for d in _details(self.result)]
        for nested in self.result.get("nestedResults") or []:
            texts += [str(d.get("localMessageText", "")).strip() for d in _details(nested)]
        return [t for t in texts if t]

    @property
    def failed(self) -> bool:
        return self.state == "CANCELLED" or not self.successful

    def describe(self) -> str:
        label = f"{self.kind} {self.name or self.object_id} (task {self.task_id})"
        if self.state == "CANCELLED":
            return f"{label} was cancelled and rolled back"
        status = "succeeded" if self.successful else "did not succeed"
        detail = "; ".join(self.messages)
        return f"{label} {status}" + (f": {detail}" if detail else "")

    def raise_for_failure(self) -> None:
        """Raise `TaskFailedError` for CANCELLED or COMPLETE-but-unsuccessful."""
        if self.failed:
            raise TaskFailedError(self.describe())

    @staticmethod
    def of(kind: str, object_id: str, task: dict[str, Any], name: str = "") -> TaskOutcome:
        raw = task.get("result")
        result: dict[str, Any] = raw if isinstance(raw, dict) else {}
        return TaskOutcome(
            kind=kind,
            object_id=object_id,
            task_id=str(task.get("taskId", "")),
            state=str(task.get("taskState", "")),
            successful=bool(result.get("successful", False)) and task.get("taskState") == "COMPLETE",
            failure_dump_available=bool(result.get("failureDumpAvailable", False)),
            result=result,
            name=name,
        )


def _details(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in result.get("details") or [] if isinstance(d, dict)]


def row_counts(result: dict[str, Any]) -> dict[str, int]:
    """The counts in `result.details[].values` (alternating key, value strings), summed over details."""
    counts: dict[str, int] = {}
    for detail in _details(result):
        values = detail.get("values") or []
        for key, value in zip(values[0::2], values[1::2], strict=False):
            try:
                number = int(str(value))
            except ValueError:
                continue
            counts[str(key)] = counts.get(str(key), 0) + number
    return counts


class TaskRunner:
    """Starts and follows tasks for one connection."""

    def __init__(
        self,
        api: AnaplanApi,
        poller: TaskPoller,
        *,
        timeout: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.api = api
        self.poller = poller
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._wall = wall
        # Task ids this runner started or adopted, by task-list path: never mistaken for a new one.
        self._mine: dict[str, set[str]] = {}

    def start(self, ref: ModelRef, kind: str, object_id: str, name: str = "") -> str:
        """Start a task and return its id.

        A 409 (model busy) is waited out, not raised. A start whose answer is lost is not blindly
        repeated (the action would run twice): only then is the task list read, and a task created
        since our first attempt (that this runner did not start before) is the one we started. The
        model lease keeps our other processes from starting actions on the model meanwhile, so no
        list is read before a start that is answered.
        """
        path = f"{ref.path}/{SEGMENTS[kind]}/{object_id}/tasks"
        what = f"starting {kind} {name or object_id!r} on model {ref}"
        deadline = self._clock() + self.timeout
        mine = self._mine.setdefault(path, set())
        since = self._wall() - START_CLOCK_SKEW_SECONDS
        polls = lost = 0
        while True:
            try:
                body = self.api.json("POST", path, what, json={"localeName": "en_US"})
                break
            except ModelBusyError:
                if self._clock() >= deadline:
                    raise
            except UnavailableError as exc:
                # No answer, or a gateway's 502/504 (it gave up waiting, the start may have run): look.
                lost_on_the_way = exc.context is not None and exc.context.status in LOST_ANSWER_STATUSES
                if not lost_on_the_way or lost >= LOST_START_ATTEMPTS:
                    raise  # a 503 refusal or too many lost answers: do not guess
                lost += 1
                started = [t for t in self._task_ids(path, since) if t not in mine]
                if started:
                    mine.add(started[-1])
                    return started[-1]
            self._sleep(self.poller.next_interval(polls))
            polls += 1
        task = body.get("task") if isinstance(body.get("task"), dict) else body
        task_id = task.get("taskId") if isinstance(task, dict) else None
        if not isinstance(task_id, str) or not task_id:
            raise ApiError(f"Anaplan answered {what} without a task id")
        mine.add(task_id)
        failpoint("anaplan.after_task_start")
        return task_id

    def _task_ids(self, path: str, since: float) -> list[str]:
        """Ids of the action's tasks created at or after `since` (epoch s), oldest first."""
        items = self.api.items(path, "tasks", "listing tasks")
        created = [t for t in items if isinstance(t.get("creationTime"), int | float)]
        # creationTime is whole milliseconds: a task made in the millisecond we sent is ours too.
        floor = math.floor(since * 1000)
        recent = [t for t in created if float(t["creationTime"]) >= floor]
        return [str(t.get("taskId")) for t in sorted(recent, key=lambda t: float(t["creationTime"]))]

    def status(self, ref: ModelRef, kind: str, object_id: str, task_id: str) -> dict[str, Any]:
        body = self.api.get(
            f"{ref.path}/{SEGMENTS[kind]}/{object_id}/tasks/{task_id}", f"reading the status of task {task_id}"
        )
        task = body.get("task")
        if not isinstance(task, dict):
            raise ApiError(f"Anaplan answered the status of task {task_id} without a task")
        return task

    def wait(self, ref: ModelRef, kind: str, object_id: str, task_id: str, name: str = "") -> TaskOutcome:
        """Poll until COMPLETE or CANCELLED; after `timeout` seconds raise `TaskFailedError`."""
        started = self._clock()
        polls = failures = 0
        while True:
            try:
                task = self.status(ref, kind, object_id, task_id)
                failures = 0
            except RetriableError:
                # The task runs on in Anaplan whatever our connection does: keep following it a while.
                failures += 1
                if failures >= STATUS_FAILURES or self._clock() - started >= self.timeout:
                    raise
                self._sleep(self.poller.next_interval(polls))
                polls += 1
                continue
            state = task.get("taskState")
            if state in TERMINAL:
                return TaskOutcome.of(kind, object_id, task, name)
            elapsed = self._clock() - started
            if elapsed >= self.timeout:
                raise TaskFailedError(
                    f"{kind} {name or object_id} (task {task_id}) still {state} after {elapsed:.0f} s",
                    hint="It may still finish in Anaplan; check the model's status, cancel it or raise the timeout.",
                )
            progress = task.get("progress")
            fraction = float(progress) if isinstance(progress, int | float) and state == "IN_PROGRESS" else None
            self._sleep(min(self.poller.next_interval(polls, elapsed, fraction), max(0.0, self.timeout - elapsed)))
            polls += 1

    def run(self, ref: ModelRef, kind: str, object_id: str, name: str = "") -> TaskOutcome:
        return self.wait(ref, kind, object_id, self.start(ref, kind, object_id, name), name)

    def cancel(self, ref: ModelRef, kind: str, object_id: str, task_id: str) -> str:
        """Ask Anaplan to cancel; return the state it reports (CANCELLING, CANCELLED, or already COMPLETE)."""
        body = self.api.json(
            "DELETE", f"{ref.path}/{SEGMENTS[kind]}/{object_id}/tasks/{task_id}", f"cancelling task {task_id}"
        )
        task = body.get("task")
        return str(task.get("taskState", "")) if isinstance(task, dict) else ""
