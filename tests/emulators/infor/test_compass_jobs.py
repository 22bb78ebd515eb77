"""The Data Lake Compass API of the Infor emulator: job states, paging, the SQL subset, the lake's delay."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.emulators.infor.datalake_sql import CompassSqlError, matcher, parse
from tests.emulators.infor.conftest import Infor

JOBS = "DATAFABRIC/compass/v2/jobs/"


def submit(infor: Infor, sql: str, fmt: str = "application/x-ndjson") -> str:
    params = {"resultFormat": fmt, "records": "0"}
    r = infor.api.post(JOBS, params=params, content=sql, headers={"Content-Type": "text/plain"})
    assert r.status_code == 202, r.text
    assert r.json()["status"] in ("RUNNING", "TRANSFORMING")
    query_id: str = r.json()["queryId"]
    return query_id


def wait(infor: Infor, query_id: str) -> dict[str, Any]:
    for _ in range(100):
        body: dict[str, Any] = infor.api.get(f"{JOBS}{query_id}/status/").json()
        if body["status"] not in ("RUNNING", "TRANSFORMING"):
            return body
        time.sleep(0.02)
    raise AssertionError("job never finished")


def rows(infor: Infor, query_id: str, offset: int = 0, limit: int = 100_000) -> list[dict[str, str]]:
    r = infor.api.get(f"{JOBS}{query_id}/result/", params={"offset": offset, "limit": limit})
    assert r.status_code == 200, r.text
    return [json.loads(line) for line in r.text.splitlines()]


def test_a_job_runs_then_finishes_and_its_result_is_read_by_offset_and_limit(infor: Infor) -> None:
    query_id = submit(infor, "SELECT DIVI, YEA4, JRNO, JSNO, ACAM FROM FGLEDG WHERE DIVI = 'US1' ORDER BY JRNO")
    assert wait(infor, query_id)["status"] == "FINISHED"
    everything = rows(infor, query_id)
    assert everything and {r["DIVI"] for r in everything} == {"US1"}
    assert list(everything[0]) == ["DIVI", "YEA4", "JRNO", "JSNO", "ACAM"]
    pages = rows(infor, query_id, 0, 7) + rows(infor, query_id, 7, 7) + rows(infor, query_id, 14, 100_000)
    assert pages == everything
    assert rows(infor, query_id, len(everything), 10) == []


def test_the_lake_holds_the_same_lines_as_the_m3_api(infor: Infor) -> None:
    query_id = submit(infor, "SELECT DIVI, YEA4, JRNO, JSNO FROM FGLEDG")
    wait(infor, query_id)
    lake = {(r["DIVI"], r["YEA4"], r["JRNO"], r["JSNO"]) for r in rows(infor, query_id)}
    with infor.app.backend.lock:
        erp = {(ln.division, str(ln.year), str(ln.journal_no), str(ln.journal_seq)) for ln in infor.app.backend.lines}
    assert lake == erp


def test_csv_results_have_a_header_row(infor: Infor) -> None:
    query_id = submit(infor, "SELECT trans_num, acct, dom_amount FROM ledger WHERE site_ref = 'US1'", "text/csv")
    wait(infor, query_id)
    r = infor.api.get(f"{JOBS}{query_id}/result/", params={"limit": 5})
    table = list(csv.reader(io.StringIO(r.text)))
    assert table[0] == ["trans_num", "acct", "dom_amount"] and len(table) == 6


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("SELECT a FROM FGLEDG WHERE DIVI = 'US1' OR DIVI = 'MX1'", "OR is not supported"),
        ("SELECT DIVI FROM NOSUCH", "table NOSUCH does not exist"),
        ("SELECT NOPE FROM FGLEDG", "column NOPE does not exist"),
        ("DELETE FROM FGLEDG", "only SELECT"),
    ],
)
def test_a_query_outside_the_subset_fails_with_its_reason(infor: Infor, sql: str, says: str) -> None:
    query_id = submit(infor, sql)
    status = wait(infor, query_id)
    assert status["status"] == "FAILED" and says in status["message"]
    r = infor.api.get(f"{JOBS}{query_id}/result/")
    assert r.status_code == 400 and says in r.json()["error"]["message"]


def test_submitting_needs_text_plain_and_paging_is_capped(infor: Infor) -> None:
    r = infor.api.post(JOBS, json={"sql": "SELECT DIVI FROM FGLEDG"})
    assert r.status_code == 415
    query_id = submit(infor, "SELECT DIVI FROM FGLEDG")
    wait(infor, query_id)
    assert infor.api.get(f"{JOBS}{query_id}/result/", params={"limit": 100_001}).status_code == 400
    assert infor.api.get(f"{JOBS}nope/status/").status_code == 404


def test_a_running_job_is_cancelled_and_its_result_is_refused(infor: Infor) -> None:
    infor.admin.put("/_emulator/datalake", json={"job_seconds": 30}).raise_for_status()
    query_id = submit(infor, "SELECT DIVI FROM FGLEDG")
    assert infor.api.get(f"{JOBS}{query_id}/result/").status_code == 409
    assert infor.api.put(f"{JOBS}{query_id}/cancel/").json()["status"] == "CANCELLED"
    assert infor.api.get(f"{JOBS}{query_id}/status/").json()["status"] == "CANCELLED"


def test_a_line_booked_with_a_delay_reaches_the_lake_only_after_it(infor: Infor) -> None:
    infor.admin.put("/_emulator/datalake", json={"delay_minutes": 30}).raise_for_status()
    booked = {"division": "US1", "lines": [{"account": "6100", "cost_center": "1100", "amount": "5.00"}]}
    booked["lines"].append({"account": "1000", "cost_center": "1100", "amount": "-5.00"})
    infor.admin.post("/_emulator/ledger", json=booked).raise_for_status()
    sql = "SELECT JRNO FROM FGLEDG WHERE VTXT = 'Manual entry'"
    query_id = submit(infor, sql)
    wait(infor, query_id)
    assert rows(infor, query_id) == []
    assert infor.admin.post("/_emulator/datalake/catch-up").json() == {"arrived": 2}
    query_id = submit(infor, sql)
    wait(infor, query_id)
    assert len(rows(infor, query_id)) == 2


def test_a_broken_page_drops_the_connection_part_way(infor: Infor) -> None:
    query_id = submit(infor, "SELECT DIVI, JRNO, JSNO FROM FGLEDG")
    wait(infor, query_id)
    infor.admin.put("/_emulator/datalake", json={"break_pages": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        infor.api.get(f"{JOBS}{query_id}/result/", params={"limit": 50})
    assert len(rows(infor, query_id, 0, 50)) == 50  # the next read of the same page is whole


def test_a_job_made_to_fail_says_so(infor: Infor) -> None:
    infor.admin.put("/_emulator/datalake", json={"fail_jobs": 1}).raise_for_status()
    assert wait(infor, submit(infor, "SELECT DIVI FROM FGLEDG"))["status"] == "FAILED"
    assert wait(infor, submit(infor, "SELECT DIVI FROM FGLEDG"))["status"] == "FINISHED"


@given(
    value=st.text(alphabet="ab'0", max_size=6),
    other=st.text(alphabet="ab'0", max_size=6),
    op=st.sampled_from(["=", "<>", "<", "<=", ">", ">="]),
)
def test_a_quoted_literal_compares_as_python_compares_text(value: str, other: str, op: str) -> None:
    quoted = "'" + other.replace("'", "''") + "'"
    query = parse(f"SELECT A FROM T WHERE A {op} {quoted}")  # noqa: S608 - the parser under test
    expected = {"=": value == other, "<>": value != other, "<": value < other}
    expected |= {"<=": value <= other, ">": value > other, ">=": value >= other}
    assert matcher(query, {"A"})({"A": value}) is expected[op]


def test_a_condition_on_an_unknown_column_is_refused() -> None:
    with pytest.raises(CompassSqlError, match="column B"):
        matcher(parse("SELECT A FROM T WHERE B = 1"), {"A"})


def test_calls_over_the_tenants_quota_get_429_with_the_wait(infor: Infor) -> None:
    infor.admin.put("/_emulator/datalake", json={"quota_jobs": 2, "quota_status": 3}).raise_for_status()
    first = submit(infor, "SELECT DIVI FROM FGLEDG LIMIT 1")
    submit(infor, "SELECT DIVI FROM FGLEDG LIMIT 1")
    refused = infor.api.post(JOBS, content="SELECT DIVI FROM FGLEDG", headers={"Content-Type": "text/plain"})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Quota" in refused.text
    statuses = [infor.api.get(f"{JOBS}{first}/status/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # each method has its own quota
    assert infor.admin.get("/_emulator/datalake/jobs").json()["refused"] == 2


def test_a_result_is_gone_once_it_expires(infor: Infor) -> None:
    infor.admin.put("/_emulator/datalake", json={"expire_results": 1}).raise_for_status()
    query_id = submit(infor, "SELECT DIVI, JRNO FROM FGLEDG")
    wait(infor, query_id)
    assert len(rows(infor, query_id, 0, 5)) == 5  # the first page is served
    gone = infor.api.get(f"{JOBS}{query_id}/result/", params={"offset": 5, "limit": 5})
    assert gone.status_code == 404 and "expired" in gone.text
    assert infor.api.get(f"{JOBS}{query_id}/status/").status_code == 404
    again = submit(infor, "SELECT DIVI, JRNO FROM FGLEDG")  # the knob was for one query only
    wait(infor, again)
    assert len(rows(infor, again, 0, 5)) == 5 and len(rows(infor, again, 5, 5)) == 5
    # The documented lifetime: about 20 hours after FINISHED (here set to none at all).
    infor.admin.put("/_emulator/datalake", json={"result_hours": 0}).raise_for_status()
    assert infor.api.get(f"{JOBS}{again}/status/").status_code == 404
