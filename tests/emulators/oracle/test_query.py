from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from tests.emulators.oracle.conftest import REST

V2 = {"REST-Framework-Version": "2"}
V3 = {"REST-Framework-Version": "3"}
V4 = {"REST-Framework-Version": "4"}


def _items(api: httpx.Client, resource: str, headers: dict[str, str] | None = None, **params: str) -> list[dict]:
    answer = api.get(f"{REST}/{resource}", params={"limit": "500", "onlyData": "true", **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_q_v1_query_by_example(api: httpx.Client) -> None:
    rows = _items(api, "suppliers", q="SupplierNumber=5004")
    assert [r["Supplier"] for r in rows] == ["Aciers du Rhone SA"]
    rows = _items(api, "journalBatches", q="DefaultPeriodName=Mar-26;UserJeSourceName=Payables")
    assert len(rows) == 2 and all(r["DefaultPeriodName"] == "Mar-26" for r in rows)


def test_q_v2_expressions(api: httpx.Client) -> None:
    rows = _items(api, "suppliers", V2, q="SupplierNumber='5004' or SupplierNumber='5005'")
    assert {r["SupplierNumber"] for r in rows} == {"5004", "5005"}
    assert len(_items(api, "suppliers", V2, q="Supplier LIKE 'Acier%'")) == 1
    assert len(_items(api, "suppliers", V2, q="SupplierNumber IN ('5001','5002','5003')")) == 3
    assert len(_items(api, "suppliers", V2, q="SupplierNumber BETWEEN '5001' AND '5003'")) == 3
    assert len(_items(api, "suppliers", V2, q="(SupplierId>=300000047274001 and <=300000047274004)")) == 4
    assert len(_items(api, "suppliers", V2, q="InactiveDate IS NULL and not (TaxpayerCountryCode='DE')")) == 9
    assert len(_items(api, "suppliers", V2, q="AlternateName IS NOT NULL")) == 0


def test_q_on_timestamps_compares_instants(api: httpx.Client) -> None:
    mark = "2026-06-01T00:00:00+00:00"
    rows = _items(api, "journalBatches", V2, q=f"LastUpdateDate > '{mark}'")
    cutoff = datetime(2026, 6, 1, tzinfo=UTC)
    assert rows and all(datetime.fromisoformat(r["LastUpdateDate"]) > cutoff for r in rows)
    shifted = _items(api, "journalBatches", V2, q="LastUpdateDate > '2026-06-01T02:00:00+02:00'")
    assert [r["JeBatchId"] for r in shifted] == [r["JeBatchId"] for r in rows]
    assert len(_items(api, "journalBatches", V2, q="LastUpdateDate >= '2026-06-01'")) == len(rows)
    stamp = rows[0]["LastUpdateDate"]
    assert stamp.endswith("+00:00") and "." in stamp  # milliseconds and an offset


@pytest.mark.parametrize(
    ("q", "version"),
    [
        ("SupplierNumber=5004;Supplier=x", "2"),  # the v1 form under v2
        ("Nope=1", "2"),
        ("Nope=1", "1"),
        ("SupplierId='abc'", "2"),
        ("LastUpdateDate > '2026-06-01T00:00:00 00:00'", "2"),  # an un-encoded '+' arrives as a space
    ],
)
def test_bad_q_is_a_400(api: httpx.Client, q: str, version: str) -> None:
    answer = api.get(f"{REST}/suppliers", params={"q": q}, headers={"REST-Framework-Version": version})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")


def test_error_body_follows_framework_version(api: httpx.Client) -> None:
    v1 = api.get(f"{REST}/suppliers", params={"q": "Nope=1"})
    assert v1.headers["content-type"].startswith("text/plain") and "Nope" in v1.text
    v4 = api.get(f"{REST}/suppliers", params={"q": "Nope=1"}, headers=V4)
    assert v4.headers["content-type"].startswith("application/vnd.oracle.adf.error+json")
    body = v4.json()
    assert body["status"] == "400" and body["title"] == "Bad Request"
    assert "Nope" in body["o:errorDetails"][0]["detail"]
    missing = api.get(f"{REST}/suppliers/1", headers=V4)
    assert missing.status_code == 404 and missing.json()["status"] == "404"
    assert api.get(f"{REST}/noSuchThing").status_code == 404
    assert api.get("/fscmRestApi/resources/11.1.0/suppliers").status_code == 404
    assert api.get(f"{REST}/suppliers", headers={"REST-Framework-Version": "x"}).status_code == 400


def test_latest_alias_and_version_root(api: httpx.Client) -> None:
    assert api.get("/fscmRestApi/resources/latest/ledgersLOV").json()["items"][0]["CurrencyCode"] == "EUR"
    root = api.get("/fscmRestApi/resources/").json()
    assert root["items"][0]["version"] == "11.13.18.05"


def test_finders(api: httpx.Client) -> None:
    value_sets = _items(api, "valueSets", finder="ValueSetCodeFinder;ValueSetCode=ACME_EU_COST_CENTER")
    assert len(value_sets) == 1
    values = api.get(f"{REST}/valueSets/{value_sets[0]['ValueSetId']}/child/values", params={"onlyData": "true"})
    found = {v["Value"]: v for v in values.json()["items"]}
    assert set(found) == {"3100", "3200", "3300", "3900", "3999", "EUPL", "EUAD"}
    assert {v for v, row in found.items() if row["SummaryFlag"] == "Y"} == {"EUPL", "EUAD"}  # the parents
    assert found["3100"]["Description"] == "Stuttgart plant" and found["3999"]["EnabledFlag"] == "N"
    assert len(_items(api, "journalBatches", finder="JournalsFinder;AccountingPeriod=Nov-25")) == 5
    assert len(_items(api, "suppliers", finder="PrimaryKey;SupplierId=300000047274001")) == 1
    assert api.get(f"{REST}/suppliers", params={"finder": "Nope;x=1"}).status_code == 400


def test_order_by(api: httpx.Client) -> None:
    rows = _items(api, "suppliers", orderBy="SupplierNumber:desc")
    assert [r["SupplierNumber"] for r in rows][:2] == ["5012", "5011"]
    assert api.get(f"{REST}/suppliers", params={"orderBy": "Nope"}).status_code == 400


def test_fields_wins_over_expand_and_can_reach_children(api: httpx.Client) -> None:
    rows = _items(api, "suppliers", fields="SupplierId,Supplier", expand="all", limit="2")
    assert set(rows[0]) == {"SupplierId", "Supplier"}
    with_sites = _items(api, "suppliers", fields="Supplier;sites:SupplierSite,PaymentTerms", limit="1")
    assert set(with_sites[0]) == {"Supplier", "sites"}
    assert set(with_sites[0]["sites"][0]) == {"SupplierSite", "PaymentTerms"}
    links_only = api.get(f"{REST}/suppliers", params={"fields": "", "limit": "1"}).json()["items"][0]
    assert set(links_only) == {"links"}
    assert api.get(f"{REST}/suppliers", params={"fields": "Nope"}).status_code == 400


def test_expand_arrays_before_v3_and_collections_from_v3(api: httpx.Client) -> None:
    v1 = _items(api, "journalBatches", expand="journalHeaders.journalLines", limit="1")[0]
    assert isinstance(v1["journalHeaders"], list)
    assert isinstance(v1["journalHeaders"][0]["journalLines"], list)
    v3 = _items(api, "journalBatches", V3, expand="journalHeaders.journalLines", limit="1")[0]
    headers = v3["journalHeaders"]
    assert isinstance(headers, dict) and {"items", "count", "hasMore", "limit", "offset"} <= set(headers)
    assert isinstance(headers["items"][0]["journalLines"]["items"], list)
    plain = _items(api, "journalBatches", limit="1")[0]
    assert "journalHeaders" not in plain


def _period_activity(api: httpx.Client, period: str, combination: str) -> float:
    total = 0.0
    batches = _items(api, "journalBatches", finder=f"JournalsFinder;AccountingPeriod={period}")
    for batch in batches:
        for header in api.get(f"{REST}/journalBatches/{batch['JeBatchId']}/child/journalHeaders").json()["items"]:
            lines_href = next(x["href"] for x in header["links"] if x["name"] == "journalLines")
            for line in api.get(lines_href, params={"limit": 500}).json()["items"]:
                if line["AccountCombination"] == combination:
                    total += (line["AccountedDr"] or 0) - (line["AccountedCr"] or 0)
    return round(total, 2)


def test_ledger_balances_are_strings_and_match_posted_journals(api: httpx.Client) -> None:
    finder = (
        "AccountBalanceFinder;accountCombination=300-3100-6100,accountingPeriod=Mar-26,"
        "currency=EUR,ledgerName=Acme EU Ledger"
    )
    rows = _items(api, "ledgerBalances", finder=finder)
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row["PeriodActivity"], str) and isinstance(row["EndingBalance"], str)
    assert float(row["PeriodActivity"]) == _period_activity(api, "Mar-26", "300-3100-6100")
    detail = _items(
        api,
        "ledgerBalances",
        finder="AccountBalanceFinder;accountCombination=300-%-6100,accountingPeriod=Mar-26,mode=Detail",
    )
    assert {r["DetailAccountCombination"] for r in detail} == {
        f"300-{cc}-6100" for cc in ("3100", "3200", "3300", "3900")
    }
    assert api.get(f"{REST}/ledgerBalances").status_code == 400


def test_describe(api: httpx.Client) -> None:
    answer = api.get(f"{REST}/journalBatches/describe")
    assert answer.status_code == 200
    resource = answer.json()["Resources"]["journalBatches"]
    names = {a["name"]: a for a in resource["attributes"]}
    assert names["LastUpdateDate"]["type"] == "datetime" and names["LastUpdateDate"]["queryable"] is True
    assert "journalLines" in resource["children"]["journalHeaders"]["children"]
    assert "JournalsFinder" in {f["name"] for f in resource["collection"]["finders"]}


@pytest.mark.parametrize(
    "q", ["Supplier LIKE 'Rhein*'", "Supplier=Rhein*", "Supplier='*Werkstoffe*'", "Supplier=Rhein%"]
)
def test_q_v1_query_by_example_takes_star_as_the_wildcard(api: httpx.Client, q: str) -> None:
    assert [r["Supplier"] for r in _items(api, "suppliers", q=q)] == ["Rheinstahl Werkstoffe GmbH"]


def test_q_v2_like_takes_percent_as_the_wildcard(api: httpx.Client) -> None:
    assert len(_items(api, "suppliers", V2, q="Supplier LIKE 'Rhein%'")) == 1
    assert len(_items(api, "suppliers", V2, q="Supplier LIKE 'Rhein_tahl%'")) == 1


def test_q_v1_unknown_attribute_or_bad_clause_is_a_400(api: httpx.Client) -> None:
    assert api.get(f"{REST}/suppliers", params={"q": "Nope LIKE 'x*'"}).status_code == 400
    assert api.get(f"{REST}/suppliers", params={"q": "Supplier"}).status_code == 400
