from __future__ import annotations

from datetime import datetime

import httpx

from tests.emulators.oracle.conftest import REST

V2 = {"REST-Framework-Version": "2"}


def _all_lines(api: httpx.Client) -> int:
    total = 0
    for batch in api.get(f"{REST}/journalBatches", params={"limit": 500}).json()["items"]:
        href = next(x["href"] for x in batch["links"] if x["name"] == "journalHeaders")
        for header in api.get(href, params={"limit": 500}).json()["items"]:
            lines_href = next(x["href"] for x in header["links"] if x["name"] == "journalLines")
            total += api.get(lines_href, params={"limit": 500}).json()["count"]
    return total


def test_default_page_and_envelope(api: httpx.Client) -> None:
    body = api.get(f"{REST}/journalBatches").json()
    assert body["count"] == 25 == len(body["items"]) and body["limit"] == 25 and body["offset"] == 0
    assert body["hasMore"] is True and "totalResults" not in body
    assert body["links"][0]["rel"] == "self" and body["links"][0]["kind"] == "collection"
    first = body["items"][0]
    assert isinstance(first["JeBatchId"], int) and len(str(first["JeBatchId"])) == 15
    rels = {link["rel"] for link in first["links"]}
    assert rels == {"self", "canonical", "child"}
    assert "changeIndicator" in first["links"][0]["properties"]


def test_limit_is_capped_silently_and_paging_reaches_the_end(api: httpx.Client) -> None:
    body = api.get(f"{REST}/journalBatches", params={"limit": 5000, "totalResults": "true"}).json()
    # 65 batches of the EU ledger and 6 of the UK ledger (4-4-5 calendar)
    assert body["limit"] == 500 and body["count"] == body["totalResults"] == 71 and body["hasMore"] is False
    api.put("/_emulator/paging", json={"limit_cap": 10}).raise_for_status()
    seen, offset = [], 0
    while True:
        page = api.get(f"{REST}/journalBatches", params={"limit": 50, "offset": offset, "onlyData": "true"}).json()
        assert page["limit"] == 10 and page["offset"] == offset and "links" not in page
        seen += [i["JeBatchId"] for i in page["items"]]
        if not page["hasMore"]:
            break
        offset += page["count"]
    assert len(seen) == len(set(seen)) == 71


def test_total_results_and_past_the_end(api: httpx.Client) -> None:
    body = api.get(f"{REST}/suppliers", params={"totalResults": "true", "offset": 10}).json()
    assert body["totalResults"] == 12 and body["count"] == 2 and body["hasMore"] is False
    empty = api.get(f"{REST}/suppliers", params={"offset": 100}).json()
    assert empty["count"] == 0 and empty["items"] == [] and empty["hasMore"] is False


def test_has_more_quirks(api: httpx.Client) -> None:
    api.put("/_emulator/paging", json={"has_more": "true_on_last_page"}).raise_for_status()
    last = api.get(f"{REST}/suppliers", params={"limit": 5, "offset": 10}).json()
    assert last["count"] == 2 and last["hasMore"] is True  # a client must stop on count < limit
    assert api.get(f"{REST}/suppliers", params={"limit": 5, "offset": 12}).json()["hasMore"] is False
    api.put("/_emulator/paging", json={"has_more": "false_when_full"}).raise_for_status()
    full = api.get(f"{REST}/suppliers", params={"limit": 5, "totalResults": "true"}).json()
    assert full["count"] == 5 and full["hasMore"] is False and full["totalResults"] == 12
    api.put("/_emulator/paging", json={}).raise_for_status()
    assert api.get(f"{REST}/suppliers", params={"limit": 5}).json()["hasMore"] is True


def test_records_updated_during_paging_move_behind_the_cursor(api: httpx.Client) -> None:
    params = {"orderBy": "LastUpdateDate:asc,JeBatchId:asc", "limit": 20, "onlyData": "true"}
    before = [
        i["JeBatchId"] for i in api.get(f"{REST}/journalBatches", params={**params, "limit": 500}).json()["items"]
    ]
    seen = [i["JeBatchId"] for i in api.get(f"{REST}/journalBatches", params=params).json()["items"]]
    touched = api.post("/_emulator/journals/touch", json={"count": 3}).json()["touched"]
    assert [t["JeBatchId"] for t in touched] == before[:3]
    offset = 20
    while True:
        page = api.get(f"{REST}/journalBatches", params={**params, "offset": offset}).json()
        seen += [i["JeBatchId"] for i in page["items"]]
        if not page["hasMore"]:
            break
        offset += page["count"]
    # Naive offset paging over a moving ordering skips rows and sees the touched ones twice.
    assert set(before) - set(seen) == set(before[20:23])
    assert sorted(seen.count(b) for b in before[:3]) == [2, 2, 2]
    after = api.get(f"{REST}/journalBatches", params={**params, "limit": 500}).json()["items"]
    stamps = [datetime.fromisoformat(i["LastUpdateDate"]) for i in after]
    assert stamps == sorted(stamps) and [i["JeBatchId"] for i in after[-3:]] == before[:3]


def test_journal_tree_through_hash_keys(api: httpx.Client) -> None:
    batch = api.get(f"{REST}/journalBatches", params={"limit": 1}).json()["items"][0]
    headers = api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders").json()["items"]
    self_href = headers[0]["links"][0]["href"]
    key = self_href.rsplit("/", 1)[1]
    assert all(c in "0123456789ABCDEF" for c in key) and len(key) > 20
    assert api.get(self_href).json()["JournalName"] == headers[0]["JournalName"]
    lines = api.get(f"{self_href}/child/journalLines").json()["items"]
    assert lines[0]["AccountCombination"].startswith("300-")
    company, cost_center, account = lines[0]["AccountCombination"].split("-")
    assert cost_center in {"3100", "3200", "3300", "3900"} and len(account) == 4
    line = api.get(lines[0]["links"][0]["href"]).json()
    assert line["JeLineNumber"] == lines[0]["JeLineNumber"]
    debit = sum(x["EnteredDr"] or 0 for x in lines)
    credit = sum(x["EnteredCr"] or 0 for x in lines)
    assert round(debit, 2) == round(credit, 2)
    assert api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders/12345").status_code == 404


def test_seed_shape(api: httpx.Client) -> None:
    assert 400 <= _all_lines(api) <= 800
    batches = api.get(f"{REST}/journalBatches", params={"limit": 500}).json()["items"]
    periods = {b["DefaultPeriodName"] for b in batches if b["UserPeriodSetName"] == "Acme Calendar"}
    assert len(periods) == 13 and {"Nov-25", "Nov-26"} <= periods
    # The second ledger's period set (4-4-5) names its periods P01-26 ..
    uk = {b["DefaultPeriodName"] for b in batches if b["UserPeriodSetName"] == "Acme 4-4-5"}
    assert uk == {"P02-26", "P03-26", "P04-26", "P05-26"}
    combos = api.get(
        f"{REST}/accountCombinationsLOV", params={"q": "Segment2=3999", "onlyData": "true"}, headers=V2
    ).json()["items"]
    assert combos and combos[0]["Segment3"] == "6300"
    assert api.get(f"{REST}/invoices", params={"limit": 1}).json()["count"] == 1
    assert api.get(f"{REST}/payablesPayments", params={"limit": 1}).json()["count"] == 1


def test_lines_updated_after_creation_exist(api: httpx.Client) -> None:
    batch_id = None
    for batch in api.get(f"{REST}/journalBatches", params={"limit": 500, "onlyData": "true"}).json()["items"]:
        if batch["LastUpdateDate"] != batch["CreationDate"]:
            batch_id = batch["JeBatchId"]
            break
    assert batch_id is not None
