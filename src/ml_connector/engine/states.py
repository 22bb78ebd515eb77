"""Closed vocabularies for runs and records."""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # finished; some records quarantined or failed (see the audit)
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the process died or stopped; nothing merged, the next run redoes it


class RunStage(StrEnum):
    """Where a running run is; `committed` means its effects are all in the store (see engine.commit)."""

    EXTRACT = "extract"
    LOAD = "load"
    COMMIT = "commit"
    COMMITTED = "committed"
    DONE = "done"


class Trigger(StrEnum):
    """What started a run."""

    MANUAL = "manual"  # `ml-connector run`
    SCHEDULE = "schedule"  # `serve` at a scheduled time (or a worker's periodic task)
    CATCH_UP = "catch-up"  # `serve` making up a fire missed while it was down
    RESUME = "resume"  # `serve` redoing a scheduled run that its stop interrupted
    QUEUED = "queued"  # `ml-connector enqueue`, run by a worker
    REPLAY = "replay"  # `ml-connector replay`
    REPAIR = "repair"  # `ml-connector reconcile --repair`: resends the cells that differ


SCHEDULED_TRIGGERS = frozenset({Trigger.SCHEDULE, Trigger.CATCH_UP, Trigger.RESUME})


class RecordState(StrEnum):
    """Where a source record ended. Every record read ends in exactly one of the final states."""

    STAGED = "staged"  # in flight: mapped and summed, load not yet verified
    LOADED = "loaded"  # its cell total is in Anaplan
    UNCHANGED = "unchanged"  # read again in the overlap window, identical to what is already loaded
    POSTED = "posted"  # written to the ERP (journal line, supplier)
    REVISED = "revised"  # a changed plan figure: its earlier journal reversed (or a delta posted)
    QUARANTINED = "quarantined"  # bad or unmapped: reason and hint say what would fix it
    FAILED = "failed"  # the target refused it: error says why
    WOULD_LOAD = "would-load"  # dry run: would be loaded
    DISCARDED = "discarded"  # its run was interrupted before the load; a later run reads it again


FINAL_STATES = frozenset(
    {
        RecordState.LOADED,
        RecordState.UNCHANGED,
        RecordState.POSTED,
        RecordState.REVISED,
        RecordState.QUARANTINED,
        RecordState.FAILED,
        RecordState.WOULD_LOAD,
        RecordState.DISCARDED,
    }
)
REPLAYABLE_STATES = frozenset({RecordState.QUARANTINED, RecordState.FAILED})
