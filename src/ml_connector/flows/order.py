"""Flow order: a flow runs only after the flows it names in `after` have succeeded.

Before a flow runs (by hand, by `serve` or by a worker), each flow it comes after is looked at: one
running now is waited for; one whose latest real run did not succeed (or that never ran) is run
first. A flow whose prerequisite still does not succeed does not run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ml_connector.engine.queries import run_history
from ml_connector.engine.runs import RunInfo
from ml_connector.engine.states import RunState
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import FlowContext

DONE = (RunState.SUCCEEDED, RunState.PARTIAL)
POLL_SECONDS = 0.5


class PrerequisiteError(ConnectorError):
    """A flow named in `after` did not succeed, so the flow that comes after it did not run."""

    exit_code = 6


def latest_run(ctx: FlowContext, flow: str) -> RunInfo | None:
    """The newest run of `flow` that was not a dry run."""
    return next((r for r in run_history(ctx.store, flow, limit=50) if not r.dry_run), None)


def pending(ctx: FlowContext, name: str) -> list[tuple[str, str]]:
    """The flows `name` comes after that it would wait for or run first, each with why."""
    out = []
    for before in ctx.config.flow(name).after:
        latest = latest_run(ctx, before)
        if latest is None:
            out.append((before, "it has not run yet: it runs first"))
        elif latest.state is RunState.RUNNING:
            out.append((before, "it is running: waiting for it"))
        elif latest.state not in DONE:
            out.append((before, f"its last run {latest.id[:8]} {latest.state.value}: it runs again first"))
    return out


def settle(ctx: FlowContext, flow: str) -> RunInfo | None:
    """The latest run of `flow`, once it is no longer running (waits up to the context's lock timeout)."""
    deadline = time.monotonic() + (ctx.lock_timeout or 0)
    latest = latest_run(ctx, flow)
    while latest is not None and latest.state is RunState.RUNNING and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        latest = latest_run(ctx, flow)
    return latest


def run_prerequisites(ctx: FlowContext, name: str, run: Callable[[str], RunInfo]) -> None:
    """Wait for or run (with `run`) each flow `name` comes after; PrerequisiteError if one fails."""
    for before in ctx.config.flow(name).after:
        latest = settle(ctx, before)
        if latest is not None and latest.state in DONE:
            continue
        ctx.progress.stage(f"{name} runs after {before}: running {before} first")
        latest = run(before)
        if latest.state not in DONE:
            raise PrerequisiteError(
                f"flow {name!r} runs after {before!r}, whose run {latest.id[:8]} {latest.state.value}",
                hint=f"See `ml-connector audit {latest.id[:8]}`, fix it, then run {name} again.",
            )
