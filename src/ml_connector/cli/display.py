"""Rich output shared by the commands: a live progress line and the summary tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ml_connector.engine.runs import RunInfo

# Data (codes, keys, reasons) is never read as Rich markup or emoji: ":100:" in an Infor key stays as it is.
console = Console(width=140, emoji=False, highlight=False)


def plain(value: object) -> str:
    """A value shown in a table cell, escaped so that Rich prints it as it is (no markup, no emoji)."""
    return escape(str(value))


class LiveProgress:
    """A spinner with the current stage and the count of records read (implements flows' `Progress`)."""

    def __init__(self, title: str, enabled: bool = True) -> None:
        self.title = title
        self.records = 0
        self.started = time.monotonic()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[records]} records"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not (enabled and console.is_terminal),
        )
        self._task = self._progress.add_task(title, records=0)

    def stage(self, text: str) -> None:
        self._progress.update(self._task, description=f"{self.title}: {text}")

    def advance(self, records: int) -> None:
        self.records += records
        self._progress.update(self._task, records=self.records)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._progress.stop()


STATE_STYLES = {"succeeded": "green", "partial": "yellow", "failed": "red", "interrupted": "red", "running": "cyan"}


def run_summary(run: RunInfo, redact: Callable[[str], str]) -> Table:
    seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at else 0.0
    style = STATE_STYLES.get(run.state, "")
    title = f"run {run.id} · {plain(run.flow)} · [{style}]{run.state}[/] · {seconds:.1f} s"
    table = Table(title=title, title_justify="left")
    table.add_column("records")
    table.add_column("count", justify="right")
    for state, count in sorted(run.counts.items()):
        table.add_row(state, str(count))
    if run.error:
        table.caption = plain(redact(run.error))
    return table


def runs_table(runs: list[RunInfo]) -> Table:
    table = Table("run", "flow", "state", "trigger", "started", "seconds", "records")
    for run in runs:
        seconds = f"{(run.ended_at - run.started_at).total_seconds():.1f}" if run.ended_at else ""
        counts = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items()))
        style = STATE_STYLES.get(run.state, "")
        label = f"{run.state} (dry run)" if run.dry_run else run.state
        table.add_row(
            run.id[:8],
            plain(run.flow),
            f"[{style}]{label}[/]",
            run.trigger,
            run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            seconds,
            counts,
        )
    return table
