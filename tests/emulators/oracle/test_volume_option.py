"""`/_emulator/volume` adds posted, balanced journal batches that clients page through like the seeded ones."""

from __future__ import annotations

import httpx

from tests.emulators.oracle.conftest import REST


def _batches(api: httpx.Client) -> list[dict[str, object]]:
    params = {"q": "BatchName LIKE 'Volume *'", "limit": "500", "onlyData": "true", "orderBy": "JeBatchId:asc"}
    answer = api.get(f"{REST}/journalBatches", params=params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_extra_lines_make_balanced_posted_batches_deterministically(api: httpx.Client) -> None:
    assert _batches(api) == []
    answer = api.put("/_emulator/volume", json={"extra_lines": 400, "seed": 3}).json()
    first = _batches(api)
    assert len(first) == answer["journals"] and all(b["Status"] == "P" for b in first)
    assert all(b["RunningTotalDr"] == b["RunningTotalCr"] for b in first)
    headers = api.get(f"{REST}/journalBatches/{first[0]['JeBatchId']}/child/journalHeaders").json()["items"]
    lines_href = next(x["href"] for x in headers[0]["links"] if x["name"] == "journalLines")
    assert len(api.get(lines_href, params={"limit": "100"}).json()["items"]) >= 2
    api.post("/_emulator/reset").raise_for_status()
    api.put("/_emulator/volume", json={"extra_lines": 400, "seed": 3}).raise_for_status()
    again = _batches(api)
    strip = [{k: v for k, v in b.items() if k != "links"} for b in again]
    assert strip == [{k: v for k, v in b.items() if k != "links"} for b in first]
