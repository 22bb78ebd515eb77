"""`journalBatches/{id}/child/journalErrors` and `.../journalActionLogs` answer with their documented attributes.

Oracle REST API for Financials, "Journal Batches/Errors" and "Journal Batches/Action Logs"; attribute lists in
oracle.md 2.2. The emulator's batches import and post cleanly, so both collections are empty.
"""

from __future__ import annotations

import httpx
import pytest

from tests.emulators.oracle.conftest import REST

DOCUMENTED = {
    "journalErrors": "BatchName HeaderName ErrorNumber JeLineNumber ErrorMessage ErrorMessageName CreationDate "
    "LastUpdateDate",
    "journalActionLogs": "ActionCodeMeaning ActionDate UserName CreationDate LastUpdateDate",
}


def _batch_id(api: httpx.Client) -> int:
    answer = api.get(f"{REST}/journalBatches", params={"limit": "1", "fields": "JeBatchId", "onlyData": "true"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["items"][0]["JeBatchId"])


@pytest.mark.parametrize("child", sorted(DOCUMENTED))
def test_child_collection_is_served_and_described(api: httpx.Client, child: str) -> None:
    batch = _batch_id(api)
    fields = ",".join(DOCUMENTED[child].split())
    answer = api.get(f"{REST}/journalBatches/{batch}/child/{child}", params={"fields": fields})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["items"] == [] and body["count"] == 0 and body["hasMore"] is False
    described = api.get(f"{REST}/journalBatches/describe").json()["Resources"]["journalBatches"]["children"][child]
    assert {a["name"] for a in described["attributes"]} == set(DOCUMENTED[child].split())


def test_an_undocumented_child_field_fails_the_request(api: httpx.Client) -> None:
    batch = _batch_id(api)
    answer = api.get(f"{REST}/journalBatches/{batch}/child/journalErrors", params={"fields": "ErrorNumber,ErrorCode"})
    assert answer.status_code == 400 and "ErrorCode" in answer.text
