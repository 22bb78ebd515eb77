"""The Anaplan emulator's backend: tenant, models, files, task queues, tokens. No HTTP here.

One lock guards everything. Each model runs its bulk tasks one at a time from a queue, in a worker
thread that exists while the queue is non-empty; `reset()` bumps a generation so old workers stop.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ml_connector.emulators.anaplan.auth import DEFAULT_TOKEN_TTL, Credentials, TokenStore
from ml_connector.emulators.anaplan.definition import (
    DeleteActionDef,
    ExportDef,
    ImportDef,
    ModelDef,
    ProcessDef,
    TenantDef,
    load_definition,
)
from ml_connector.emulators.anaplan.exceptions import Conflict, NotFound
from ml_connector.emulators.anaplan.files import ModelFile
from ml_connector.emulators.anaplan.planning import PlanningModel
from ml_connector.emulators.anaplan.tasks import TERMINAL, Task, TaskState, execute

IMPORT_BASE, FILE_BASE, EXPORT_BASE = 112_000_000_000, 113_000_000_000, 116_000_000_000
ACTION_BASE, PROCESS_BASE = 117_000_000_000, 118_000_000_000
DEFAULT_TASK_SECONDS = 0.2
DEFAULT_CELL_LIMIT = 100_000
BUSY_MESSAGE = "The model is currently busy processing another action. Try again later."


@dataclass
class ModelState:
    """One model: its planning data, actions by id, files, tasks and queue."""

    definition: ModelDef
    planning: PlanningModel
    imports: dict[str, ImportDef] = field(default_factory=dict)
    import_file_ids: dict[str, str] = field(default_factory=dict)
    exports: dict[str, ExportDef] = field(default_factory=dict)
    processes: dict[str, ProcessDef] = field(default_factory=dict)
    delete_actions: dict[str, DeleteActionDef] = field(default_factory=dict)
    action_ids_by_name: dict[str, str] = field(default_factory=dict)
    files: dict[str, ModelFile] = field(default_factory=dict)
    next_file: int = 0
    tasks: dict[str, Task] = field(default_factory=dict)
    queue: deque[Task] = field(default_factory=deque)
    running: Task | None = None
    worker_active: bool = False
    latest_import_task: dict[str, str] = field(default_factory=dict)
    current_period: str | None = None
    last_modified: float = field(default_factory=time.time)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def name(self) -> str:
        return self.definition.name

    def action_name(self, object_id: str) -> str:
        for table in (self.imports, self.exports, self.processes, self.delete_actions):
            if object_id in table:
                return table[object_id].name
        return ""

    def busy(self) -> bool:
        return self.running is not None


def build_model(definition: ModelDef) -> ModelState:
    """A fresh model state from its definition (ids given out in file order)."""
    state = ModelState(definition=definition, planning=PlanningModel(definition))
    for n, imp in enumerate(definition.imports):
        import_id, file_id = str(IMPORT_BASE + n), str(FILE_BASE + n)
        state.imports[import_id] = imp
        state.import_file_ids[import_id] = file_id
        state.files[file_id] = ModelFile(id=file_id, name=imp.file)
        state.action_ids_by_name[imp.name] = import_id
    state.next_file = len(definition.imports)
    for n, exp in enumerate(definition.exports):
        export_id = str(EXPORT_BASE + n)
        state.exports[export_id] = exp
        # On live Anaplan an export's output file carries the export's own name (anaplan.md 2.2: "ExportGrid -
        # ORG2Test.xls" is both), so clients find the file by the export's name.
        state.files[export_id] = ModelFile(id=export_id, name=exp.name, is_export=True)
        state.action_ids_by_name[exp.name] = export_id
    for n, act in enumerate(definition.actions):
        state.delete_actions[str(ACTION_BASE + n)] = act
        state.action_ids_by_name[act.name] = str(ACTION_BASE + n)
    for n, proc in enumerate(definition.processes):
        state.processes[str(PROCESS_BASE + n)] = proc
    return state


class AnaplanBackend:
    """Everything the emulator knows, behind one lock."""

    def __init__(
        self,
        *,
        definition: TenantDef | Path | str | None = None,
        creds: Credentials,
        token_ttl: float = DEFAULT_TOKEN_TTL,
        task_seconds: float = DEFAULT_TASK_SECONDS,
        seeded_refresh_token: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.tenant = definition if isinstance(definition, TenantDef) else load_definition(definition)
        self.creds = creds
        self.task_seconds = task_seconds
        self.cell_write_limit = DEFAULT_CELL_LIMIT
        self.rate_limit_per_minute: int | None = None
        self.forced_busy: set[str] = set()  # model ids answering 409 to writes as if an action ran
        self.no_access: set[str] = set()  # model ids the user may not see (masked as 404)
        self.tokens = TokenStore(creds, token_ttl)
        self.seeded_refresh_token = self.tokens.seed_refresh_token(seeded_refresh_token)
        self._initial = (task_seconds, token_ttl)
        self.request_times: deque[float] = deque()
        self.generation = 0
        self.started_at = time.time()
        self.models: dict[str, ModelState] = {}
        self.on_auth: Callable[[], None] = lambda: None
        self.reset()

    def kit_record_auth(self) -> None:
        """Count one authentication call (the app wires this to the admin kit's stats)."""
        self.on_auth()

    def reset(self) -> None:
        """Back to the seeded data; running and queued tasks are dropped. Issued tokens stay valid."""
        with self.lock:
            self.generation += 1
            self.models = {m.id: build_model(m) for m in self.tenant.models}
            self.task_seconds, self.tokens.token_ttl = self._initial
            self.cell_write_limit = DEFAULT_CELL_LIMIT
            self.rate_limit_per_minute = None
            self.forced_busy, self.no_access = set(), set()
            self.request_times.clear()
            self.tokens.used_refresh_tokens.discard(self.seeded_refresh_token)
            self.tokens.oauth_clients = {self.creds.oauth_client_id: True}
            self.tokens.seed_refresh_token(self.seeded_refresh_token)

    @property
    def workspace_id(self) -> str:
        return self.tenant.workspace_id

    def model(self, model_id: str, workspace_id: str | None = None, *, metadata_only: bool = False) -> ModelState:
        """The model, or 404. A NO ACCESS model is 404 too, except for its own metadata (`GET /models/{id}`)."""
        if workspace_id is not None and workspace_id != self.workspace_id:
            raise NotFound()
        state = self.models.get(model_id)
        if state is None or (model_id in self.no_access and not metadata_only):
            raise NotFound()
        return state

    def over_rate_limit(self, now: float) -> float | None:
        """Record one API request; if it is over the per-minute limit, the seconds until a slot frees."""
        with self.lock:
            while self.request_times and self.request_times[0] <= now - 60:
                self.request_times.popleft()
            limit = self.rate_limit_per_minute
            if limit is not None and len(self.request_times) >= limit:
                return self.request_times[0] + 60 - now
            self.request_times.append(now)
            return None

    def ensure_idle(self, model: ModelState) -> None:
        """Transactional writes are refused while a bulk action holds the model."""
        if model.busy() or model.id in self.forced_busy:
            # ASSUMPTION: no source shows the 409 body; this uses the documented error envelope.
            raise Conflict(BUSY_MESSAGE)

    # --- files ---------------------------------------------------------------------------------------

    def file_for_upload(self, model: ModelState, id_or_name: str) -> ModelFile:
        """The file by id or name; an unknown one becomes a new private file (as Anaplan does)."""
        found = model.files.get(id_or_name) or next(
            (f for f in model.files.values() if f.name == id_or_name and not f.is_export), None
        )
        if found is not None:
            return found
        file_id = str(FILE_BASE + model.next_file)
        model.next_file += 1
        # ASSUMPTION: the new file takes the next free 113… id (that it differs from the posted id or name is
        # documented: SDK _set_chunk_count).
        created = ModelFile(id=file_id, name=id_or_name)
        model.files[file_id] = created
        return created

    # --- tasks ---------------------------------------------------------------------------------------

    def start_task(self, model: ModelState, kind: str, action_id: str) -> Task:
        task = Task(kind=kind, action_id=action_id, model_id=model.id, duration=self.task_seconds)
        model.tasks[task.task_id] = task
        model.queue.append(task)
        if not model.worker_active:
            model.worker_active = True
            worker = threading.Thread(
                target=self._work, args=(model, self.generation), name=f"anaplan-tasks:{model.id}", daemon=True
            )
            worker.start()
        return task

    def cancel_task(self, model: ModelState, task: Task) -> None:
        if task.state == TaskState.NOT_STARTED:
            task.state = TaskState.CANCELLED
            task.ended = time.time()
        elif task.state == TaskState.IN_PROGRESS:
            task.state = TaskState.CANCELLING
        if task.state in (TaskState.CANCELLED, TaskState.CANCELLING):
            task.cancelled_by = self.creds.user
            task.result = {"successful": False, "failureDumpAvailable": False, "objectId": task.action_id}

    def _work(self, model: ModelState, generation: int) -> None:
        while True:
            with self.lock:
                if generation != self.generation:
                    return
                while model.queue and model.queue[0].state != TaskState.NOT_STARTED:
                    model.queue.popleft()
                if not model.queue:
                    model.worker_active = False
                    return
                task = model.queue.popleft()
                task.state, task.started = TaskState.IN_PROGRESS, time.time()
                model.running = task
                # The import reads the data source as it was when the task started.
                snapshot = {f.id: f.content() for f in model.files.values() if f.chunks and not f.is_export}
            deadline = task.started + task.duration
            while time.time() < deadline and task.state == TaskState.IN_PROGRESS:
                time.sleep(min(0.02, max(0.0, deadline - time.time())))
            with self.lock:
                if generation != self.generation:
                    return
                if task.state == TaskState.CANCELLING:
                    task.state = TaskState.CANCELLED
                else:
                    execute(model, task, snapshot)
                    task.state = TaskState.COMPLETE
                    model.last_modified = time.time()
                task.ended = time.time()
                model.running = None

    def task_records(self) -> list[dict[str, object]]:
        with self.lock:
            tasks = [t for m in self.models.values() for t in m.tasks.values()]
            return [t.record() for t in sorted(tasks, key=lambda t: t.created)]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no model has queued or running tasks (for tests and the demo)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if all(t.state in TERMINAL for m in self.models.values() for t in m.tasks.values()):
                    return True
            time.sleep(0.02)
        return False
