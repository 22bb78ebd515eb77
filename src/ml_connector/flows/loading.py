"""Writing a run's cell totals to CSV, loading them with a named import, and joining the rows
Anaplan rejected back to the source records that made them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.staging_area import CellTotal
from ml_connector.engine.states import RecordState
from ml_connector.errors import TaskFailedError
from ml_connector.flows.csvfile import CsvOut, check_columns
from ml_connector.ports import ModelRef, PlanningModel

RowMaker = Callable[[str, list[CellTotal]], dict[str, str]]


@dataclass
class LoadResult:
    """What one import did with one run's cells."""

    import_name: str
    prefix: str
    task_id: str = ""
    rows_sent: int = 0
    rejected_cells: dict[str, str] = field(default_factory=dict)  # cell key -> Anaplan's error
    dry_run: bool = False


def grouped(totals: Iterator[CellTotal]) -> Iterator[tuple[str, list[CellTotal]]]:
    """Totals come ordered by cell; group the measures of one cell into one CSV row."""
    current: str | None = None
    bucket: list[CellTotal] = []
    for total in totals:
        if total.target_key != current and bucket:
            yield current or "", bucket
            bucket = []
        current = total.target_key
        bucket.append(total)
    if bucket:
        yield current or "", bucket


def cell_rows(totals: Iterator[CellTotal], make_row: RowMaker) -> Iterator[tuple[str, dict[str, str]]]:
    for key, cell in grouped(totals):
        yield key, make_row(key, cell)


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[tuple[str, dict[str, str]]]) -> list[str]:
    """Write one CSV row per key; returns the key of each row in file order."""
    keys: list[str] = []
    with CsvOut(path, columns) as out:
        for key, row in rows:
            out.write([row[c] for c in columns])
            keys.append(key)
    return keys


def load_rows(
    planning: PlanningModel,
    ref: ModelRef,
    import_name: str,
    rows: Iterable[tuple[str, dict[str, str]]],
    audit: AuditTrail,
    *,
    prefix: str,
    columns: Sequence[str],
    path: Path,
    ignored_ok: bool = False,
) -> LoadResult:
    """Upload and import rows keyed by target key; mark the records of rejected rows failed.

    Rows Anaplan "ignores" are named nowhere (no dump), so their records cannot be told apart: unless
    the caller says ignoring is harmless (`ignored_ok`), an import that ignored rows is not trusted.

    Raises `TaskFailedError` when the outcome cannot be trusted (task failed, counts do not add up):
    the caller then marks nothing loaded and moves no watermark."""
    ordered = check_columns(planning.import_columns(ref, import_name), columns, import_name)
    keys = write_rows(path, ordered, rows)
    result = LoadResult(import_name, prefix, rows_sent=len(keys))
    if not keys:
        return result
    outcome = planning.load(ref, import_name, path, rows_sent=len(keys))
    result.task_id = outcome.task_id
    unjoined: list[int] = []
    for rejected in outcome.rejected:
        index = rejected.line - 2  # line 1 is the header
        if 0 <= index < len(keys):
            result.rejected_cells[keys[index]] = rejected.error
        else:
            unjoined.append(rejected.line)
    problems = outcome.problems(len(keys))
    if unjoined:
        # A rejected row we cannot join to its cell would leave that cell's records marked loaded.
        problems.append(f"{len(unjoined)} rejected row(s) name no line of the file sent (line {unjoined[0]})")
    if outcome.rows_ignored and not ignored_ok:
        problems.append(
            f"Anaplan ignored {outcome.rows_ignored} row(s) without naming them, so their cells may not hold "
            "what was sent (check the import's settings for items to ignore)"
        )
    if problems:
        raise TaskFailedError(
            f"the import {import_name!r} (task {outcome.task_id}) cannot be trusted: " + "; ".join(problems),
            hint="Nothing was marked loaded and the watermark did not move; check the import, then run again.",
        )
    hint = "Add the missing member or fix the mapping, then `ml-connector replay RUN`."
    audit.move_cells(
        RecordState.STAGED,
        RecordState.FAILED,
        {key: (f"Anaplan rejected the row: {error}", hint) for key, error in result.rejected_cells.items()},
        target_ref=outcome.task_id,
    )
    return result


def refuse_cells(audit: AuditTrail, refused: dict[str, str], hint: str) -> None:
    """Mark the records of cells that were not sent, for a reason of their own, failed."""
    audit.move_cells(RecordState.STAGED, RecordState.FAILED, {key: (reason, hint) for key, reason in refused.items()})
