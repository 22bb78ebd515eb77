"""Tasks of bulk actions: their states, their JSON, and running one action against a model.

States: NOT_STARTED (queued behind the model's running task), IN_PROGRESS, COMPLETE; or CANCELLING,
CANCELLED when cancelled. `result` appears only once a task is terminal. Effects are applied at the
end of IN_PROGRESS, so a cancelled task changes nothing (Anaplan rolls cancelled tasks back).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.anaplan import bulk
from ml_connector.emulators.anaplan.bulk import ActionOutcome

if TYPE_CHECKING:
    from ml_connector.emulators.anaplan.models import ModelState


class TaskState(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"


TERMINAL = {TaskState.COMPLETE, TaskState.CANCELLED}
KINDS = ("imports", "exports", "processes", "actions")


@dataclass
class Task:
    """One run of an import, export, process or delete action."""

    kind: str
    action_id: str
    model_id: str
    duration: float
    task_id: str = field(default_factory=lambda: uuid.uuid4().hex.upper())
    state: TaskState = TaskState.NOT_STARTED
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    result: dict[str, Any] | None = None
    cancelled_by: str | None = None
    dumps: dict[str, bytes] = field(default_factory=dict)  # objectId -> failure dump CSV

    def progress(self) -> float:
        if self.state in TERMINAL:
            return 1.0
        if self.started is None:
            return 0.0
        if self.duration <= 0:
            return 0.99
        # ASSUMPTION: progress grows linearly with the configured task time and stays below 1.0 until COMPLETE (docs:
        # 0.0 to 1.0).
        return round(min(0.99, (time.time() - self.started) / self.duration), 4)

    def summary(self) -> dict[str, Any]:
        return {"taskId": self.task_id, "taskState": str(self.state), "creationTime": int(self.created * 1000)}

    def as_json(self) -> dict[str, Any]:
        steps = {
            TaskState.NOT_STARTED: "Waiting to start",
            TaskState.IN_PROGRESS: "Processing ...",
            TaskState.COMPLETE: "Complete.",
            # ASSUMPTION: "Waiting to start" is Anaplan Connect's label and "Complete." the documented step; the
            # cancel labels are ours.
            TaskState.CANCELLING: "Cancelling ...",
            TaskState.CANCELLED: "Cancelled.",
        }
        out: dict[str, Any] = {
            "type": "taskInformation",
            **self.summary(),
            "currentStep": steps[self.state],
            "progress": self.progress(),
        }
        if self.cancelled_by:
            out["cancelledBy"] = self.cancelled_by
        if self.result is not None and self.state in TERMINAL:
            out["result"] = self.result
        return out

    def record(self) -> dict[str, Any]:
        """What `GET /_emulator/tasks` shows: enough to prove two tasks on a model never overlapped."""
        return {
            "model_id": self.model_id,
            "kind": self.kind,
            "action_id": self.action_id,
            "task_id": self.task_id,
            "state": str(self.state),
            "created": self.created,
            "started": self.started,
            "ended": self.ended,
        }


def _result(object_id: str, outcome: ActionOutcome, object_name: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "successful": outcome.successful,
        "failureDumpAvailable": outcome.dump is not None,
        "objectId": object_id,
        "objectName": object_name,
    }
    if outcome.detail:
        result["details"] = [outcome.detail]
    return result


def execute(model: ModelState, task: Task, file_snapshot: dict[str, bytes]) -> None:
    """Apply the task's action to the model and set `task.result` (and its dumps)."""
    if task.kind == "processes":
        process = model.processes[task.action_id]
        nested = []
        for action_name in process.actions:
            object_id = model.action_ids_by_name[action_name]
            outcome = _run_one(model, object_id, file_snapshot, task)
            nested.append(_result(object_id, outcome, action_name))
        task.result = {
            "successful": all(n["successful"] for n in nested),
            "failureDumpAvailable": any(n["failureDumpAvailable"] for n in nested),
            "objectId": task.action_id,
            "objectName": process.name,
            "nestedResults": nested,
        }
        return
    outcome = _run_one(model, task.action_id, file_snapshot, task)
    task.result = _result(task.action_id, outcome, model.action_name(task.action_id))


def _run_one(model: ModelState, object_id: str, file_snapshot: dict[str, bytes], task: Task) -> ActionOutcome:
    if object_id in model.imports:
        imp = model.imports[object_id]
        file_id = model.import_file_ids[object_id]
        content = file_snapshot.get(file_id)
        if content is None:
            outcome = ActionOutcome(
                successful=False,
                detail={
                    "localMessageText": "The import data source has no content; upload the file first",
                    "occurrences": 0,
                    # ASSUMPTION: an import with no uploaded content completes unsuccessfully with this detail; the
                    # type code is ours (the code catalogue was not retrieved).
                    "type": "importFailed",
                    "values": [],
                },
            )
        else:
            outcome = bulk.run_import(model.planning, imp, content)
        if outcome.dump is not None:
            task.dumps[object_id] = outcome.dump
        # A newer run of the same import replaces (or, without errors, removes) the older dump.
        model.latest_import_task[object_id] = task.task_id
        return outcome
    if object_id in model.exports:
        outcome = bulk.run_export(model.planning, model.exports[object_id])
        model.files[object_id].set_content(outcome.output or b"")
        return outcome
    return bulk.run_delete(model.planning, model.delete_actions[object_id])
