"""SqlTokenBucket across real processes ("spawn"), on a SQLite file and on PostgreSQL.

Three processes draw 40 requests from one tenant's bucket of 600/min (Anaplan's default) with a burst
of 10, each in blocks through its own reserve. If the bucket were not shared, or an update were lost
between processes, they would get more than one burst at once. The check is the bucket's own bound:
any window of w seconds holds at most burst + refill * (w + hold) grants (a reserved token may be
spent up to `hold` seconds after it left the bucket), which for w = 60 is at most the budget; and
the whole draw takes as long as the refill rate says, so no process starves.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from ml_connector.http.budget import bucket_shape
from ml_connector.http.reserve import RESERVE_HOLD_SECONDS
from ml_connector.store import Store, upgrade
from tests.store import children

SPAWN = multiprocessing.get_context("spawn")
PER_MINUTE, BURST, COUNTS = 600, 10, (14, 13, 13)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    store = Store(url)
    upgrade(store)
    store.dispose()
    yield url


def _draw(url: str, tmp_path: Path) -> list[tuple[float, int]]:
    start_line = SPAWN.Barrier(len(COUNTS) + 1)
    outs = [tmp_path / f"granted-{n}.json" for n in range(len(COUNTS))]
    procs = [
        SPAWN.Process(
            target=children.draw_budget, args=(url, "anaplan:acme", PER_MINUTE, BURST, count, start_line, str(out))
        )
        for count, out in zip(COUNTS, outs, strict=True)
    ]
    for proc in procs:
        proc.start()
    start_line.wait(60)
    for proc in procs:
        proc.join(90)
        assert proc.exitcode == 0, f"child {proc.pid} ended with {proc.exitcode}"
    granted: list[tuple[float, int]] = []
    for out, count in zip(outs, COUNTS, strict=True):
        seen = json.loads(out.read_text())
        assert len(seen["granted"]) == count
        granted += [(at, seen["pid"]) for at in seen["granted"]]
    return sorted(granted)


def test_processes_share_one_tenant_budget(shared_url: str, tmp_path: Path) -> None:
    capacity, refill = bucket_shape(PER_MINUTE, BURST, RESERVE_HOLD_SECONDS)
    granted = _draw(shared_url, tmp_path)
    times = [at for at, _ in granted]
    total = sum(COUNTS)
    assert len(times) == total
    assert len({pid for _, pid in granted}) == len(COUNTS)

    # Any window [times[i], times[j]] holds j - i + 1 grants. The times were noted just after each
    # grant, so one can look up to `late` seconds later than it was: allow that, and one for rounding.
    late = 0.25
    for i in range(total):
        for j in range(i, total):
            in_window = j - i + 1
            assert in_window <= capacity + refill * (times[j] - times[i] + late + RESERVE_HOLD_SECONDS) + 1, (
                f"{in_window} grants in {times[j] - times[i]:.2f} s"
            )
            if times[j] - times[i] <= 60:
                assert in_window <= PER_MINUTE

    # The rate: the burst at once, the rest at the refill rate, shared fairly enough that nobody waits
    # far longer than the bucket requires.
    expected = (total - capacity) / refill
    took = times[-1] - times[0]
    assert took >= expected - late, f"{total} grants in {took:.2f} s, the budget allows no fewer than {expected:.2f}"
    assert took <= expected * 1.25 + 1.0, f"{total} grants took {took:.2f} s, the refill needs {expected:.2f}"
