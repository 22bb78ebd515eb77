from __future__ import annotations

import httpx

from tests.emulators.oracle.conftest import REST


def test_429_storm_with_and_without_retry_after(api: httpx.Client) -> None:
    api.put("/_emulator/faults", json={"next_429": 3, "retry_after_seconds": 2}).raise_for_status()
    answers = [api.get(f"{REST}/journalBatches") for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200]
    assert answers[0].headers["Retry-After"] == "2"
    assert answers[0].headers["content-type"].startswith("text/plain")
    api.put("/_emulator/faults", json={"rate_429_no_retry_after": 1.0}).raise_for_status()
    bare = api.get(f"{REST}/journalBatches")
    assert bare.status_code == 429 and "Retry-After" not in bare.headers
    api.put("/_emulator/faults", json={}).raise_for_status()
    stats = api.get("/_emulator/stats").json()
    assert stats["requests"][f"GET {REST}/journalBatches"]["429"] == 4


def test_503_and_504_storms(api: httpx.Client) -> None:
    api.put("/_emulator/faults", json={"next_5xx": 2, "status_5xx": 503}).raise_for_status()
    assert [api.get(f"{REST}/suppliers").status_code for _ in range(3)] == [503, 503, 200]
    api.put(
        "/_emulator/faults", json={"next_5xx": 1, "status_5xx": 504, "path_contains": "journalBatches"}
    ).raise_for_status()
    assert api.get(f"{REST}/suppliers").status_code == 200
    assert api.get(f"{REST}/journalBatches").status_code == 504


def test_token_endpoint_is_faulted_too(raw: httpx.Client) -> None:
    raw.put("/_emulator/faults", json={"next_429": 1}).raise_for_status()
    answer = raw.post("/oauth2/v1/token", data={"grant_type": "client_credentials"})
    assert answer.status_code == 429


def test_per_minute_quota(api: httpx.Client) -> None:
    api.put("/_emulator/throttle", json={"per_minute": 3}).raise_for_status()
    answers = [api.get(f"{REST}/ledgersLOV") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    api.put("/_emulator/throttle", json={"per_minute": None}).raise_for_status()
    assert api.get(f"{REST}/ledgersLOV").status_code == 200


def test_role_and_data_access_gaps(api: httpx.Client) -> None:
    api.put("/_emulator/access", json={"suppliers": "forbidden", "invoices": "empty"}).raise_for_status()
    assert api.get(f"{REST}/suppliers").status_code == 403
    empty = api.get(f"{REST}/invoices").json()
    assert empty["count"] == 0 and empty["hasMore"] is False
    api.put("/_emulator/access", json={}).raise_for_status()
    assert api.get(f"{REST}/suppliers").status_code == 200
