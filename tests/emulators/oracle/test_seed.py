from __future__ import annotations

import httpx

from ml_connector.emulators.oracle.journals import lines_of
from ml_connector.emulators.oracle.seeding import build_seeded
from tests.emulators.oracle.conftest import REST


def _fingerprint() -> list[tuple[object, ...]]:
    seeded = build_seeded()
    return [
        (b.data["JeBatchId"], h.key, x.key, x.data["EnteredDr"], x.data["EnteredCr"], x.data["LastUpdateDate"])
        for b in seeded.roots["journalBatches"]
        for h, x in lines_of(b)
    ]


def test_seed_is_deterministic_and_balanced() -> None:
    first = _fingerprint()
    assert first == _fingerprint()
    seeded = build_seeded()
    for batch in seeded.roots["journalBatches"]:
        for header in batch.child_items("journalHeaders"):
            assert header.data["RunningTotalDr"] == header.data["RunningTotalCr"]
    invoices = seeded.roots["invoices"]
    assert all(i.data["SupplierNumber"] in {str(n) for n in range(5001, 5013)} for i in invoices)


def test_reset_undoes_touches(api: httpx.Client) -> None:
    params = {"orderBy": "LastUpdateDate:desc", "limit": 1, "onlyData": "true"}
    newest = api.get(f"{REST}/journalBatches", params=params).json()["items"][0]
    api.post("/_emulator/journals/touch", json={"count": 2}).raise_for_status()
    assert api.get(f"{REST}/journalBatches", params=params).json()["items"][0] != newest
    api.post("/_emulator/reset").raise_for_status()
    assert api.get(f"{REST}/journalBatches", params=params).json()["items"][0] == newest


def test_method_override(api: httpx.Client) -> None:
    supplier = api.get(f"{REST}/suppliers", params={"limit": 1}).json()["items"][0]
    answer = api.post(
        f"{REST}/suppliers/{supplier['SupplierId']}",
        json={"AlternateName": "Alias"},
        headers={"X-HTTP-Method-Override": "PATCH"},
    )
    assert answer.status_code == 200 and answer.json()["AlternateName"] == "Alias"


def test_journal_batches_patch_but_no_create(api: httpx.Client) -> None:
    # journalBatches documents GET, PATCH and DELETE on a batch; journals are created through journal import.
    batch = api.get(f"{REST}/journalBatches", params={"limit": 1}).json()["items"][0]
    url = f"{REST}/journalBatches/{batch['JeBatchId']}"
    patched = api.patch(url, json={"BatchDescription": "Reviewed"})
    assert patched.status_code == 200 and patched.json()["BatchDescription"] == "Reviewed"
    assert patched.headers["ETag"] != batch["links"][0]["properties"]["changeIndicator"]
    assert api.patch(url, json={"Status": "P"}).status_code == 400  # derived, read-only
    refused = api.post(f"{REST}/journalBatches", json={"BatchName": "x"})
    assert refused.status_code == 400 and "Invalid operation create" in refused.text
