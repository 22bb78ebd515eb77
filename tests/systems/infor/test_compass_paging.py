"""`CompassQuery` against a scripted Compass answer: every row once and in order, whatever the page size and
wherever pages break off; a job that keeps failing is reported with the lake's reason; a result that
expires mid-read is submitted again and read on only if the new result still starts with the rows given."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.errors import RetriableError
from ml_connector.http import ApiSession
from ml_connector.http.retry import RetryPolicy
from ml_connector.systems.infor.datalake import CompassQuery, LakeJobFailed

FAST = RetryPolicy(attempts=1, base=0.0, cap=0.0)


class BrokenBody(httpx.SyncByteStream):
    """A body that sends `data` and then drops the connection."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self.data
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


class ScriptedLake:
    """Compass over `rows`; the n-th result call (0-based) in `breaks` stops after `breaks[n]` bytes' worth
    of whole rows plus half a row; a job's status is FAILED for the first `failures` submits."""

    def __init__(self, rows: int, breaks: dict[int, int], failures: int = 0, expire_after: int | None = None) -> None:
        self.rows = [{"N": str(n), "X": f"row {n}"} for n in range(rows)]
        self.breaks = breaks
        self.failures = failures
        self.submits = self.result_calls = 0
        # The `expiring` jobs' results are gone (404, as the lake answers for an expired result) once this
        # many result pages have been read; `posted` rows (index, row) reach the lake before the next submit.
        self.expire_after = expire_after
        self.expiring = {"q1"}
        self.posted: list[tuple[int, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/jobs/"):
            if self.submits:
                for index, row in self.posted:
                    self.rows.insert(index, row)
                self.posted = []
            self.submits += 1
            assert request.headers["content-type"] == "text/plain"
            return httpx.Response(202, json={"queryId": f"q{self.submits}", "status": "RUNNING"})
        query_id = path.split("/jobs/")[1].split("/")[0]
        failed = int(query_id[1:]) <= self.failures
        if path.endswith("/status/"):
            status = {"queryId": query_id, "status": "FAILED" if failed else "FINISHED"}
            return httpx.Response(200, json=status | ({"message": "engine out of memory"} if failed else {}))
        if failed:
            return httpx.Response(400, json={"error": {"code": "QUERY_FAILED", "message": "engine out of memory"}})
        if query_id in self.expiring and self.expire_after is not None and self.result_calls >= self.expire_after:
            return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "query result expired"}})
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        lines = [json.dumps(r) + "\n" for r in self.rows[offset : offset + limit]]
        call, self.result_calls = self.result_calls, self.result_calls + 1
        if call in self.breaks and lines:
            keep = min(self.breaks[call], len(lines) - 1)
            data = "".join(lines[:keep]) + lines[keep][: len(lines[keep]) // 2]
            return httpx.Response(200, stream=BrokenBody(data.encode()))
        return httpx.Response(200, content="".join(lines).encode())


def query(lake: ScriptedLake, page_rows: int) -> CompassQuery:
    session = ApiSession("infor", "http://lake.test/T", transport=httpx.MockTransport(lake), policy=FAST)
    return CompassQuery(session, page_rows=page_rows, sleep=lambda s: None)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 60),
    page_rows=st.integers(1, 25),
    breaks=st.dictionaries(st.integers(0, 12), st.integers(0, 30), max_size=4),
)
def test_every_row_comes_once_in_order_wherever_pages_break(rows: int, page_rows: int, breaks: dict[int, int]) -> None:
    # At most two breaks in a row at the same row, so the reader always gets on (three in a row fail the read).
    lake = ScriptedLake(rows, {k: v for k, v in breaks.items() if k + 2 not in breaks or k + 1 not in breaks})
    got = [r["N"] for r in query(lake, page_rows).rows("SELECT N, X FROM T")]
    assert got == [str(n) for n in range(rows)]


def test_a_page_that_keeps_breaking_at_the_same_row_fails_the_read() -> None:
    lake = ScriptedLake(10, {0: 3, 1: 0, 2: 0})
    with pytest.raises(Exception, match="broke off 3 times at row 3"):
        list(query(lake, 10).rows("SELECT N FROM T"))


def test_a_failed_job_is_submitted_once_more_then_reported_with_the_lakes_reason() -> None:
    lake = ScriptedLake(5, {}, failures=1)
    assert len(list(query(lake, 10).rows("SELECT N FROM T"))) == 5 and lake.submits == 2
    lake = ScriptedLake(5, {}, failures=2)
    with pytest.raises(LakeJobFailed, match="engine out of memory"):
        list(query(lake, 10).rows("SELECT N FROM T"))


def test_an_expired_result_is_submitted_again_and_read_on_from_the_row_reached() -> None:
    lake = ScriptedLake(10, {}, expire_after=1)
    got = [r["N"] for r in query(lake, 4).rows("SELECT N FROM T ORDER BY N")]
    assert got == [str(n) for n in range(10)] and lake.submits == 2


def test_rows_posted_after_the_row_reached_are_read_with_the_rest() -> None:
    lake = ScriptedLake(10, {}, expire_after=1)
    lake.posted = [(10, {"N": "10", "X": "posted while the first result was read"})]
    got = [r["N"] for r in query(lake, 4).rows("SELECT N FROM T ORDER BY N")]
    assert got == [str(n) for n in range(11)]


@pytest.mark.parametrize("index", [0, 2, 3])
def test_a_resubmitted_query_whose_rows_shifted_fails_the_read_instead_of_skipping_or_doubling(index: int) -> None:
    # A line posted before the row reached (4 rows were given) shifts the new result: going on from row 4
    # would give row 3 again (a doubled line) or skip one. The read fails; the run loads nothing of it.
    lake = ScriptedLake(10, {}, expire_after=1)
    lake.posted = [(index, {"N": "new", "X": "posted while the first result was read"})]
    given: list[str] = []
    with pytest.raises(RetriableError, match="no longer gives the same rows"):
        given.extend(r["N"] for r in query(lake, 4).rows("SELECT N FROM T ORDER BY N"))
    assert given == ["0", "1", "2", "3"] and lake.submits == 2


def test_a_result_that_keeps_expiring_fails_the_read() -> None:
    lake = ScriptedLake(10, {}, expire_after=0)
    lake.expiring = {"q1", "q2", "q3"}
    with pytest.raises(RetriableError, match="expired 3 times"):
        list(query(lake, 4).rows("SELECT N FROM T"))
