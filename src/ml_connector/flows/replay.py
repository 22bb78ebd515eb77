"""Replay: send again the records of a run that were quarantined or failed, from their stored payloads.

Actuals: each record goes through today's mapping again; what now maps is staged and its cells are
reloaded as totals (so a replay can never double a number); what still cannot be mapped stays
quarantined in the replay run. A record a later run has already loaded is left alone (its newer
version is in Anaplan). Other flows are idempotent as a whole (list upserts, journals looked up by
reference, supplier upserts), so their replay runs the flow again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from ml_connector.engine.queries import replayable_records
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import REPLAYABLE_STATES, Trigger
from ml_connector.errors import ConfigurationError
from ml_connector.flows.actuals import ActualsFlow, RunOptions
from ml_connector.flows.context import FlowContext
from ml_connector.flows.runner import run_flow
from ml_connector.flows.staging import line_from_payload
from ml_connector.records import EntryKind, LedgerLine, RejectedRecord

LINE_KINDS = {k.value for k in EntryKind}


def replay(ctx: FlowContext, run_id: str, only: Collection[str] | None = None) -> RunInfo | None:
    """Send the run's quarantined and failed records again (with `only`: those of these source keys).
    None when the run has nothing left to replay (no run is made then)."""
    parent = RunLog(ctx.store).get(run_id)
    if parent.dry_run:
        raise ConfigurationError(f"run {parent.id} was a dry run", hint="Run the flow for real instead.")
    flow = ctx.config.flow(parent.flow)
    waiting = sum(parent.counts.get(state.value, 0) for state in REPLAYABLE_STATES)
    if not waiting:
        return None
    if flow.kind != "actuals":
        return run_flow(ctx, parent.flow, trigger=Trigger.REPLAY)
    records = [r for r in _replayable(ctx, parent.id, parent.flow) if only is None or r.source_key in only]
    if not records:
        return None  # every one was read again and loaded (or superseded) by a later run
    options = RunOptions(trigger=Trigger.REPLAY, parent_run_id=parent.id, replay_records=records)
    return ActualsFlow(ctx, parent.flow).run(options)


def _replayable(ctx: FlowContext, run_id: str, flow: str) -> Iterator[LedgerLine | RejectedRecord]:
    for record in replayable_records(ctx.store, run_id, flow):
        payload = record.payload
        if record.kind in LINE_KINDS and "amount" in payload and "period" in payload:
            yield line_from_payload(payload)
        else:
            yield RejectedRecord(
                record.source,
                record.source_key,
                record.kind,
                record.reason,
                "The source record itself is bad: fix it in the ERP; the next run reads it again.",
                payload,
            )
