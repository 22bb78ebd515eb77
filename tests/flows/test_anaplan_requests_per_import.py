"""An actuals run asks Anaplan for no more than each import needs, read from the emulator's own record:
one metadata read per import, one start, a few status calls, and no task list before a start."""

from __future__ import annotations

import re
from collections import Counter

import httpx

from ml_connector.demo.sandbox import Sandbox
from tests.support.cli import invoke

TASK = re.compile(r"/imports/(\w+)/tasks/\w+$")


def test_an_actuals_run_makes_the_floor_of_anaplan_requests_per_import(sandbox: Sandbox) -> None:
    result = invoke(sandbox, "run", "actuals-oracle")
    assert result.exit_code == 0, result.output
    stats = httpx.get(f"{sandbox.url('anaplan')}/_emulator/stats", params={"events": 1}).json()
    calls = [(e["method"], e["path"]) for e in stats["events"]]

    starts = Counter(
        re.sub(r".*/imports/(\w+)/tasks$", r"\1", p) for m, p in calls if m == "POST" and p.endswith("/tasks")
    )
    assert starts and all(n == 1 for n in starts.values()), starts
    # No task list is read: a start whose answer arrived needs none.
    assert [p for m, p in calls if m == "GET" and p.endswith("/tasks")] == []
    # The import's columns: one metadata read per import for the whole run.
    metadata = Counter(p.rsplit("/", 1)[1] for m, p in calls if m == "GET" and re.search(r"/imports/\w+$", p))
    assert set(metadata) <= set(starts) and all(n == 1 for n in metadata.values()), metadata
    # Status calls: the demo's tasks take 0.05 s and it polls from 0.05 s, so a handful per import.
    polls = Counter(match.group(1) for m, p in calls if m == "GET" and (match := TASK.search(p)))
    assert set(polls) == set(starts) and all(n <= 6 for n in polls.values()), polls
