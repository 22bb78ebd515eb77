"""The commit: after Anaplan's load is verified, one transaction makes it the store's truth.

In it: the staged lines are merged into the loaded lines (except those of cells Anaplan rejected), the
watermark advances, the loaded records are marked `loaded` (and stop marking staged lines, in that same
row write), and the run is marked committed. A stop
before it leaves the store as it was (the next run redoes the work); a stop after it leaves a run whose
every effect is in place, and the next run's clean-up finishes it as it was, not as interrupted.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ml_connector.engine import watermarks
from ml_connector.engine.audit import AuditTrail
from ml_connector.engine.runs import mark_committed
from ml_connector.engine.staging_area import StagingArea
from ml_connector.engine.states import RecordState
from ml_connector.failpoints import failpoint
from ml_connector.store.database import Store


class Loaded(Protocol):
    """One verified import of a run: the cells under `prefix`, loaded by task `task_id`."""

    @property
    def prefix(self) -> str: ...

    @property
    def task_id(self) -> str: ...

    @property
    def rejected_cells(self) -> Collection[str]: ...


@dataclass(frozen=True)
class WatermarkMove:
    """Where the source's cursor goes once the run's load is verified (never backwards)."""

    source: str
    to: datetime


def commit(
    store: Store,
    flow: str,
    run_id: str,
    staging: StagingArea,
    audit: AuditTrail,
    loads: Sequence[Loaded],
    watermark: WatermarkMove | None,
) -> None:
    rejected = {cell for load in loads for cell in load.rejected_cells}
    failpoint("commit.before")
    with store.session() as session:
        staging.merge(session, exclude_target_keys=rejected)
        failpoint("commit.inside")
        if watermark is not None:
            watermarks.advance(session, flow, watermark.source, watermark.to, run_id)
        for load in loads:
            audit.move(
                RecordState.STAGED,
                RecordState.LOADED,
                target_prefix=load.prefix,
                target_ref=load.task_id,
                unstage=True,
                session=session,
            )
        mark_committed(session, run_id)
