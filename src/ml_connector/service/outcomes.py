"""The alerts a finished (or failed) run calls for, the same whether `serve` or a worker ran it."""

from __future__ import annotations

from datetime import datetime

from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RecordState, RunState
from ml_connector.service.alerts import Alert, AlertKind


def run_alerts(info: RunInfo) -> list[Alert]:
    """A failed run is a `failed` alert; a run with quarantined or refused records a `quarantined` one."""
    if info.state == RunState.FAILED:
        return [failed_alert(info.flow, info.error, "", info.id)]
    quarantined = info.counts.get(RecordState.QUARANTINED.value, 0)
    refused = info.counts.get(RecordState.FAILED.value, 0)
    if not (quarantined or refused):
        return []
    what = f"The run of {info.flow} finished {info.state}: {quarantined} record(s) quarantined"
    what += f", {refused} refused by the target." if refused else "."
    states = [s for s, n in (("quarantined", quarantined), ("failed", refused)) if n]
    listing = " and ".join(f"`ml-connector audit {info.id} --state {s}`" for s in states)
    action = (
        f"{listing} list each record with its reason and fix "
        f"(`ml-connector mapping gaps` for missing mappings); then `ml-connector replay {info.id}`."
    )
    return [Alert(AlertKind.QUARANTINED, what, action, flow=info.flow, run_id=info.id)]


def failed_alert(flow: str, error: str, hint: str, run_id: str | None, at: datetime | None = None) -> Alert:
    what = f"The scheduled run of {flow} failed: {error[:500]}"
    action = (hint + " " if hint else "") + (
        f"See `ml-connector audit {run_id} --state failed`, fix the cause, then `ml-connector run {flow}` "
        "(the watermark did not move: the next run reads the same records again)."
        if run_id
        else f"Fix the cause, then `ml-connector run {flow}`."
    )
    if at is None:
        return Alert(AlertKind.FAILED, what, action, flow=flow, run_id=run_id)
    return Alert(AlertKind.FAILED, what, action, flow=flow, run_id=run_id, at=at)
