"""`AnaplanClient`: the facade the flows use. Names in, canonical results out; no httpx types leak.

Every call goes through the tenant's shared budget and retry (`ApiSession`); every import, export
and process runs under the per-model lock, and `load` holds that lock across upload → import → wait →
dump, so no other run can overwrite the data-source file in between.

Example::

    client = AnaplanClient(AnaplanSettings(...))
    ref = client.model("Acme Finance", "FP&A")
    outcome = client.load(ref, "Load Actuals", Path("actuals.csv"), rows_sent=1200)
    outcome.verify(1200)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ml_connector.errors import AuthenticationError, ConfigurationError, ConnectorError
from ml_connector.failpoints import failpoint
from ml_connector.http import ApiSession, BudgetRegistry, Redactor, Traffic
from ml_connector.locking import ModelLocks, ProcessModelLocks
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.auth import KeptTokens, RefreshTokenSink
from ml_connector.systems.anaplan.discovery import Discovery, ModelRef
from ml_connector.systems.anaplan.errors import ImportFailedError
from ml_connector.systems.anaplan.files import ChunkedUpload, UploadResult, download
from ml_connector.systems.anaplan.imports import ImportOutcome, RejectedRow, fetch_dump, fetch_process_dump
from ml_connector.systems.anaplan.lists import ListMember, ModelStatus, list_members, model_status, time_periods
from ml_connector.systems.anaplan.settings import AnaplanSettings
from ml_connector.systems.anaplan.tasks import TaskOutcome, TaskPoller, TaskRunner

SYSTEM = "anaplan"


class AnaplanClient:
    """One Anaplan connection: a kept token, discovery, files, tasks, lists.

    `budgets`, `kept_tokens` and `redactor` come from the composition root (`ml_connector.root`), so
    every client of a tenant draws from one budget, every client of a credential uses one token, and
    every secret they see is masked wherever the root's parts write; without them the client keeps its own.
    """

    system = SYSTEM

    def __init__(
        self,
        settings: AnaplanSettings,
        *,
        locks: ModelLocks | None = None,
        transport: httpx.BaseTransport | None = None,
        on_refresh_token: RefreshTokenSink | None = None,
        sleep: Callable[[float], None] = time.sleep,
        budgets: BudgetRegistry | None = None,
        kept_tokens: KeptTokens | None = None,
        redactor: Redactor | None = None,
        traffic: Traffic | None = None,
    ) -> None:
        self.settings = settings
        self.locks: ModelLocks = locks or ProcessModelLocks()
        registry = budgets if budgets is not None else BudgetRegistry()
        budget = registry.get(settings.budget_key, settings.requests_per_minute)
        # One kept token per credential for the whole root, whichever client asks; a client given no
        # kept tokens keeps (and closes) its own.
        self._own_tokens: KeptTokens | None = None
        if kept_tokens is None:
            kept_tokens = self._own_tokens = KeptTokens(redactor)
        elif redactor is not None and redactor is not kept_tokens.redactor:
            raise ValueError("the kept tokens and the client must share one redactor (both come from one root)")
        self.redactor = kept_tokens.redactor
        self.auth = kept_tokens.get(
            settings,
            budget=budget,
            transport=transport,
            on_refresh_token=on_refresh_token,
            sleep=sleep,
        )
        self._session = ApiSession(
            SYSTEM,
            settings.api_url,
            auth=self.auth,
            budget=budget,
            policy=settings.retry_policy,
            transport=transport,
            sleep=sleep,
            redactor=self.redactor,
            traffic=traffic,
        )
        self.api = AnaplanApi(self._session)
        self.discovery = Discovery(self.api)
        self._columns: dict[tuple[str, str, str], list[str]] = {}
        self.poller = TaskPoller(settings.poll_initial_seconds, settings.poll_factor, settings.poll_max_seconds)
        self.tasks = TaskRunner(self.api, self.poller, timeout=settings.task_timeout_seconds, sleep=sleep)

    # --- connection -------------------------------------------------------------------------------

    def ping(self) -> str:
        """Authenticate and read the user and workspaces; say plainly which step failed."""
        try:
            self.auth.token()
        except ConnectorError as exc:
            if isinstance(exc, AuthenticationError | ConfigurationError):
                raise
            raise type(exc)(
                f"could not reach the Anaplan authentication service at {self.settings.auth_url}: {exc.message}",
                context=exc.context,
            ) from exc
        try:
            user = self.api.get("/users/me", "reading the signed-in user").get("user") or {}
            workspaces = self.discovery.workspaces()
        except AuthenticationError as exc:
            raise AuthenticationError(
                f"logged in, but the Integration API at {self.settings.api_url} refused the token: {exc.message}",
                context=exc.context,
            ) from exc
        who = user.get("email") or self.settings.user or self.settings.oauth_client_id or "the user"
        return (
            f"Anaplan at {self.settings.api_url}: signed in as {who} ({self.settings.auth.value}); "
            f"{len(workspaces)} workspace(s) visible"
        )

    def discover(self) -> dict[str, Any]:
        """Workspaces → models → imports/exports/processes/actions/files/lists, with names and ids."""
        return self.discovery.tree()

    def model(self, workspace: str | None = None, model: str | None = None) -> ModelRef:
        """A model by names or ids (defaults: the connection's `workspace` and `model`)."""
        ws = workspace or self.settings.workspace
        name = model or self.settings.model
        if not ws or not name:
            raise ConfigurationError(
                "no Anaplan workspace or model given",
                hint="Pass them, or set workspace and model on the connection.",
            )
        return self.discovery.model(ws, name)

    # --- metadata ---------------------------------------------------------------------------------

    def import_columns(self, ref: ModelRef, import_name: str) -> list[str]:
        """The source-file header the import expects, from its metadata (read once per import per client)."""
        key = (ref.workspace_id, ref.model_id, import_name)
        cached = self._columns.get(key)
        if cached is None:
            cached = self._read_import_columns(ref, import_name)
            self._columns[key] = cached
        return list(cached)

    def _read_import_columns(self, ref: ModelRef, import_name: str) -> list[str]:
        imp = self.discovery.object(ref, "import", import_name)
        body = self.api.get(f"{ref.path}/imports/{imp['id']}", f"reading import {imp.get('name')!r}")
        source = (body.get("importMetadata") or {}).get("source") or {}
        names = source.get("headerNames")
        if not isinstance(names, list) or not names:
            raise ConfigurationError(
                f"import {imp.get('name')!r} in model {ref} does not describe its source columns",
                hint="Check that the import reads a file (not another model).",
            )
        return [str(n) for n in names]

    def list_members(self, ref: ModelRef, list_name: str) -> list[ListMember]:
        found = self.discovery.object(ref, "list", list_name)
        return list_members(self.api, ref, str(found["id"]), str(found.get("name", "")))

    def time_periods(self, ref: ModelRef) -> list[str]:
        return time_periods(self.api, ref)

    def model_status(self, ref: ModelRef) -> ModelStatus:
        return model_status(self.api, ref)

    # --- files and actions ------------------------------------------------------------------------

    def upload(self, ref: ModelRef, file_name: str, path: Path) -> UploadResult:
        """Upload `path` to an existing model file (by name or id), overwriting its content."""
        found = self.discovery.object(ref, "file", file_name)
        return self._uploader().upload(ref, str(found["id"]), path)

    def load(self, ref: ModelRef, import_name: str, path: Path, rows_sent: int) -> ImportOutcome:
        """Upload `path` to the import's data source, run the import, wait, fetch rejected rows.

        Raises `ImportFailedError` (with `.outcome`) if the task is cancelled or unsuccessful.
        The caller checks the counts with `outcome.verify(rows_sent)`.
        """
        imp = self.discovery.object(ref, "import", import_name)
        import_id, name = str(imp["id"]), str(imp.get("name", ""))
        file_id = imp.get("importDataSourceId")
        if not isinstance(file_id, str) or not file_id:
            raise ConfigurationError(
                f"import {name!r} in model {ref} has no data-source file",
                hint="Check that the import reads an uploaded file.",
            )
        with self.locks.hold(ref.lock_key, self.settings.lock_timeout_seconds):
            self._uploader().upload(ref, file_id, path)
            failpoint("anaplan.after_upload")
            task = self.tasks.run(ref, "import", import_id, name)
            failpoint("anaplan.after_import_done")
            rejected: list[RejectedRow] = []
            missing = False
            if task.failure_dump_available:
                rejected, missing = fetch_dump(self.api, ref, import_id, task.task_id)
        outcome = ImportOutcome.of(task, rejected, missing)
        if task.failed or outcome.rows_failed or outcome.rows_ignored:
            # Not a clean load: the import may have changed in the model; read its columns afresh next time.
            self._columns.pop((ref.workspace_id, ref.model_id, import_name), None)
        if task.failed:
            raise ImportFailedError(f"{task.describe()} ({rows_sent} rows sent)", outcome)
        return outcome

    def export(self, ref: ModelRef, export_name: str, dest: Path) -> Path:
        """Run the export under the model lock and stream its file (id = export id) to `dest`."""
        exp = self.discovery.object(ref, "export", export_name)
        export_id = str(exp["id"])
        with self.locks.hold(ref.lock_key, self.settings.lock_timeout_seconds):
            outcome = self.tasks.run(ref, "export", export_id, str(exp.get("name", "")))
            outcome.raise_for_failure()
            failpoint("anaplan.after_export_done")
            return download(self.api, ref, export_id, dest)

    def run_process(self, ref: ModelRef, name: str) -> TaskOutcome:
        """Run a process under the model lock; raise `TaskFailedError` if it fails or is cancelled."""
        proc = self.discovery.object(ref, "process", name)
        with self.locks.hold(ref.lock_key, self.settings.lock_timeout_seconds):
            outcome = self.tasks.run(ref, "process", str(proc["id"]), str(proc.get("name", "")))
        outcome.raise_for_failure()
        return outcome

    def process_rejected(self, ref: ModelRef, outcome: TaskOutcome) -> dict[str, ImportOutcome]:
        """For each import inside a finished process: its counts and rejected rows, by import id."""
        out: dict[str, ImportOutcome] = {}
        for nested in outcome.result.get("nestedResults") or []:
            object_id = str(nested.get("objectId", ""))
            if not object_id.startswith("112"):
                continue
            inner = TaskOutcome.of("import", object_id, {**outcome_task(outcome), "result": nested})
            rejected: list[RejectedRow] = []
            missing = False
            if inner.failure_dump_available:
                rejected, missing = fetch_process_dump(self.api, ref, outcome.object_id, outcome.task_id, object_id)
            out[object_id] = ImportOutcome.of(inner, rejected, missing)
        return out

    def start(self, ref: ModelRef, kind: str, name: str) -> tuple[str, str]:
        """Start an import/export/process/action without waiting; returns (object id, task id).

        Not under the model lock: for tools that watch or cancel tasks, not for the flows.
        """
        found = self.discovery.object(ref, kind, name)
        object_id = str(found["id"])
        return object_id, self.tasks.start(ref, kind, object_id, str(found.get("name", "")))

    def wait(self, ref: ModelRef, kind: str, object_id: str, task_id: str) -> TaskOutcome:
        return self.tasks.wait(ref, kind, object_id, task_id)

    def cancel(self, ref: ModelRef, task: TaskOutcome | tuple[str, str, str]) -> str:
        """Cancel a task given as an outcome or (kind, object id, task id); returns the state reported."""
        kind, object_id, task_id = (task.kind, task.object_id, task.task_id) if isinstance(task, TaskOutcome) else task
        return self.tasks.cancel(ref, kind, object_id, task_id)

    def close(self) -> None:
        self._session.close()
        if self._own_tokens is not None:
            self._own_tokens.close()

    def __enter__(self) -> AnaplanClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _uploader(self) -> ChunkedUpload:
        s = self.settings
        return ChunkedUpload(self.api, chunk_bytes=s.chunk_bytes, compress=s.gzip, parallel=s.upload_parallel)


def outcome_task(outcome: TaskOutcome) -> dict[str, Any]:
    """The task fields of an outcome, to build the outcome of one of its nested results."""
    return {"taskId": outcome.task_id, "taskState": outcome.state}
