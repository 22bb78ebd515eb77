"""Import results: counts as reported, rejected rows from the failure dump, and the count check.

The dump is CSV: `_Status_` first, the source columns, then `_Line_` and `_Error_1_` (more `_Error_n_`
columns may follow). Each row becomes a `RejectedRow` with the source line number, the source values
by column, and the error text, so the flow can join it to its source record.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass, field

from ml_connector.errors import ConnectorError, NotFoundError, TaskFailedError
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.discovery import ModelRef
from ml_connector.systems.anaplan.files import download_chunk
from ml_connector.systems.anaplan.tasks import TaskOutcome, row_counts

META_COLUMNS = ("_Status_", "_Line_")


@dataclass(frozen=True)
class RejectedRow:
    """One row Anaplan refused: source line (header is line 1), values by column, error text."""

    line: int
    row: dict[str, str]
    error: str
    status: str = "E"


@dataclass(frozen=True)
class ImportOutcome:
    """What an import reported. `verify(rows_sent)` raises when the numbers do not add up."""

    task: TaskOutcome
    rows_processed: int | None
    rows_ignored: int | None
    rows_failed: int | None
    rows_total: int | None
    rejected: list[RejectedRow] = field(default_factory=list)
    dump_missing: bool = False

    @property
    def task_id(self) -> str:
        return self.task.task_id

    @property
    def successful(self) -> bool:
        return not self.task.failed

    def problems(self, rows_sent: int) -> list[str]:
        """Why the outcome cannot be trusted for `rows_sent` data rows (empty when it can)."""
        out: list[str] = []
        if self.task.failed:
            out.append(self.task.describe())
        if self.rows_processed is None or self.rows_failed is None:
            out.append("the task reported no row counts, so the load cannot be verified")
            return out
        accounted = self.rows_processed + self.rows_failed + (self.rows_ignored or 0)
        if accounted != rows_sent:
            out.append(
                f"{rows_sent} rows were sent but Anaplan accounts for {accounted} "
                f"({self.rows_processed} loaded, {self.rows_failed} failed, {self.rows_ignored or 0} ignored)"
            )
        if rows_sent > 0 and self.rows_processed == 0:
            out.append(f"none of the {rows_sent} rows sent was loaded")
        if self.dump_missing:
            out.append("Anaplan reported a failure dump but it could not be read")
        elif self.rows_failed != len(self.rejected):
            out.append(f"Anaplan reports {self.rows_failed} failed rows but its dump lists {len(self.rejected)}")
        return out

    def verify(self, rows_sent: int) -> None:
        """Raise `TaskFailedError` unless every row sent is loaded, rejected (with its error) or ignored."""
        problems = self.problems(rows_sent)
        if problems:
            raise TaskFailedError(
                f"import {self.task.name or self.task.object_id} (task {self.task_id}) does not add up: "
                + "; ".join(problems),
                hint="Check the import in Anaplan (columns, mapping, target lists); rejected rows are in the dump.",
            )

    @staticmethod
    def of(task: TaskOutcome, rejected: list[RejectedRow], dump_missing: bool = False) -> ImportOutcome:
        counts = row_counts(task.result)
        failed = counts.get("failedCount")
        if failed is None and "invalidCount" in counts:
            failed = counts["invalidCount"]
        return ImportOutcome(
            task=task,
            rows_processed=counts.get("successRowCount"),
            rows_ignored=counts.get("ignoredCount"),
            rows_failed=failed,
            rows_total=counts.get("totalRowCount"),
            rejected=rejected,
            dump_missing=dump_missing,
        )


def parse_dump(text: str) -> list[RejectedRow]:
    """Rejected rows from a failure-dump CSV."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return []
    header = [h.strip() for h in header]
    line_at = header.index("_Line_") if "_Line_" in header else None
    errors_at = [i for i, h in enumerate(header) if h.startswith("_Error_")]
    status_at = header.index("_Status_") if "_Status_" in header else None
    source_at = [i for i, h in enumerate(header) if h not in META_COLUMNS and not h.startswith("_Error_")]
    rows: list[RejectedRow] = []
    for record in reader:
        if not record:
            continue

        def cell(i: int, record: list[str] = record) -> str:
            return record[i] if i < len(record) else ""

        raw_line = cell(line_at) if line_at is not None else ""
        line = int(raw_line) if raw_line.strip().isdigit() else 0
        error = "; ".join(e for e in (cell(i).strip() for i in errors_at) if e)
        rows.append(
            RejectedRow(
                line=line,
                row={header[i]: cell(i) for i in source_at},
                error=error,
                status=cell(status_at) if status_at is not None else "E",
            )
        )
    return rows


def fetch_dump(api: AnaplanApi, ref: ModelRef, import_id: str, task_id: str) -> tuple[list[RejectedRow], bool]:
    """(rejected rows, dump missing) for an import task; chunks are spooled to disk, not memory."""
    return read_dump(api, f"{ref.path}/imports/{import_id}/tasks/{task_id}/dump", task_id)


def fetch_process_dump(
    api: AnaplanApi, ref: ModelRef, process_id: str, task_id: str, object_id: str
) -> tuple[list[RejectedRow], bool]:
    """The same for the import `object_id` run inside a process task (`.../dumps/{objectId}`)."""
    return read_dump(api, f"{ref.path}/processes/{process_id}/tasks/{task_id}/dumps/{object_id}", task_id)


def read_dump(api: AnaplanApi, base: str, task_id: str) -> tuple[list[RejectedRow], bool]:
    """Rejected rows from the dump whose chunks are listed at `{base}/chunks`."""
    try:
        listing = api.get(f"{base}/chunks", f"listing the failure dump of task {task_id}")
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            for chunk in listing.get("chunks") or []:
                # Like a file download: an answer that breaks off mid-body is read again from its start.
                what = f"chunk {chunk.get('id')} of the failure dump of task {task_id}"
                download_chunk(api, f"{base}/chunks/{chunk.get('id')}", spool, what)
            spool.seek(0)
            text = spool.read().decode("utf-8-sig", errors="replace")
    except NotFoundError:
        return [], True
    except ConnectorError as exc:
        if exc.context is not None and exc.context.status == 400:
            return [], True  # live Anaplan answers 400 or 404 when no dump is available
        raise
    return parse_dump(text), False
