"""What a tenant's budget tests read: the busiest 60 s of request times, and the Anaplan emulator's own record."""

from __future__ import annotations

import httpx


def busiest_minute(times: list[float]) -> int:
    """The most requests in any closed 60 s window."""
    times = sorted(times)
    busiest = start = 0
    for end, at in enumerate(times):
        while times[start] < at - 60.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


def anaplan_requests(anaplan_url: str) -> tuple[list[float], int]:
    """(start time of every API request, the emulator's own busiest 60 s) from the Anaplan emulator's record."""
    stats = httpx.get(f"{anaplan_url}/_emulator/stats", params={"events": 1}).json()
    starts = [e["start"] for e in stats["events"] if not e["path"].startswith("/_emulator")]
    return starts, int(stats["max_requests_per_60s"])
