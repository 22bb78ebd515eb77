"""`CompassQuery`: one SQL query over the Infor Data Lake, through the Compass API v2 behind the ION gateway.

    for row in CompassQuery(session).rows("SELECT DIVI, ACAM FROM FGLEDG WHERE DIVI = 'US1'"):
        ...                                       # dict of column -> text, streamed page by page

Documented (docs.infor.com, Data Fabric "Using Compass query APIs" uan1631199548644 and ION "Version 2
Compass APIs to page a query result" bca1622476381846, "Version 1 Compass APIs" kem1622476501178):
`POST DATAFABRIC/compass/v2/jobs/` with the SQL as a `text/plain` body answers a `queryId`; `GET
jobs/{queryId}/status/` says RUNNING, TRANSFORMING, FINISHED or FAILED (FAILED: "use the GET result API call
to retrieve the error details"); `GET jobs/{queryId}/result/?offset=&limit=` reads the static result in pages
of at most 100,000 rows (10 MB); `PUT jobs/{queryId}/cancel` stops a job; a query times out after 60
minutes; quotas per tenant: 100 submits, 1,000 status and 10,000 result calls a minute.

Pages are read as newline-delimited JSON (`resultFormat=application/x-ndjson`, the format public clients
ask for) and streamed line by line, so memory does not grow with the result. A page that breaks off is read
again from the first row not yet given ("re-retrieve a portion of the result in the event of a connection
failure"). A FAILED job is submitted once more, then the read fails with the lake's reason.

Also documented there: "Query results are available for roughly 20 hours after receiving the FINISHED
status", and the per-tenant quotas above are enforced by the gateway (429, "Quota policy"). A 429 is waited
out and retried by the session within the run's retry policy (`Retry-After` when the gateway sends one). A
result that has expired (404 on its result or status call) is submitted again; a read that had already
given rows goes on from the same offset only when the new result's row before it is the last row given
(the result is static per job, but a new job sees the lake as it is now): otherwise the read fails cleanly
(`RetriableError`), the watermark stays, and the next run reads the window again.

With a `CancelToken` (`ml_connector.http.cancel`), a run that stops while the job is RUNNING cancels it
(`PUT jobs/{queryId}/cancel`, documented) and stops polling.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx

from ml_connector.errors import ApiError, ConnectorError, NotFoundError, RetriableError
from ml_connector.http import ApiSession
from ml_connector.http.cancel import CancelToken

log = logging.getLogger("ml_connector.systems.infor")
JOBS = "DATAFABRIC/compass/v2/jobs/"
MAX_PAGE_ROWS = 100_000
QUERY_TIMEOUT_SECONDS = 60 * 60  # "If a query takes longer than 60 minutes a timeout occurs"
JOB_ATTEMPTS = 2  # a FAILED job is submitted once more
EXPIRED_ATTEMPTS = 3  # submits of a query whose result expired before it was read to the end
PAGE_ATTEMPTS = 3  # reads of one stretch of a page that break off before any new row arrives
WAITING = {"RUNNING", "TRANSFORMING"}
HINT = 'Run again later, or set extract = "rest" on the flow to read through the ERP\'s own API.'


class LakeJobFailed(ApiError):
    """The lake refused or could not run a query (FAILED or CANCELLED), after the retries."""


class CompassQuery:
    """Submit, poll and page one Compass query; `page_rows` rows per result call."""

    def __init__(
        self,
        session: ApiSession,
        *,
        page_rows: int = 50_000,
        poll_first: float = 0.05,
        poll_max: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        cancel: CancelToken | None = None,
    ) -> None:
        self.session = session
        self.token = cancel
        self.page_rows = max(1, min(page_rows, MAX_PAGE_ROWS))
        self.poll_first = poll_first
        self.poll_max = poll_max
        self.sleep = sleep

    def rows(self, sql: str) -> Iterator[dict[str, str]]:
        """Every row of the query's result, in the lake's order, as column -> text."""
        query_id = self._finished_job(sql)
        given, last = 0, None
        for expired in range(EXPIRED_ATTEMPTS):
            try:
                for row in self._pages(query_id, given, last):
                    given, last = given + 1, row
                    yield row
                return
            except NotFoundError:
                log.warning("the result of Data Lake query %s expired at row %d; submitting it again", query_id, given)
                if expired + 1 == EXPIRED_ATTEMPTS:
                    break
                query_id = self._finished_job(sql)
        raise RetriableError(
            f"the Data Lake's results of the query expired {EXPIRED_ATTEMPTS} times before they were read",
            hint=HINT,
        )

    # --- the job -------------------------------------------------------------------------------------

    def _finished_job(self, sql: str) -> str:
        reason = ""
        for attempt in range(1, JOB_ATTEMPTS + 1):
            query_id = self._submit(sql)
            # The run stopping while the job runs cancels it in the lake (documented cancel call).
            forget = self.token.on_cancel(partial(self._cancel, query_id)) if self.token else None
            try:
                state, reason = self._wait(query_id)
            finally:
                if forget is not None:
                    forget()
            if state == "FINISHED":
                return query_id
            log.warning("Data Lake query %s ended %s (attempt %d): %s", query_id, state, attempt, reason)
        raise LakeJobFailed(f"the Infor Data Lake could not run the query: {reason}", hint=HINT)

    def _submit(self, sql: str) -> str:
        response = self.session.request(
            "POST",
            JOBS,
            params={"resultFormat": "application/x-ndjson", "records": "0"},
            content=sql.encode(),
            headers={"Content-Type": "text/plain", "Accept": "application/json"},
            safe_to_repeat=True,  # a read-only query: a second job only costs the lake some work
        )
        query_id = _json(response.text).get("queryId")
        if not isinstance(query_id, str) or not query_id:
            raise ApiError("the Infor Data Lake accepted a query but answered no queryId", hint=HINT)
        return query_id

    def _wait(self, query_id: str) -> tuple[str, str]:
        """Poll until the job leaves RUNNING/TRANSFORMING: (state, reason when it did not finish)."""
        deadline = time.monotonic() + QUERY_TIMEOUT_SECONDS
        pause = self.poll_first
        while True:
            body = _json(self.session.request("GET", f"{JOBS}{query_id}/status/").text)
            state = str(body.get("status", "")).upper()
            if state == "FINISHED":
                return state, ""
            if state in ("FAILED", "CANCELLED"):
                return state, str(body.get("message") or self._failure(query_id) or state.lower())
            if state not in WAITING:
                raise ApiError(f"the Infor Data Lake answered an unknown query status {state!r}", hint=HINT)
            if time.monotonic() > deadline:
                self._cancel(query_id)
                return "CANCELLED", "the query ran longer than the lake's 60 minutes"
            if self.token is not None:
                self.token.sleep(pause, f"Data Lake query {query_id}")
            else:
                self.sleep(pause)
            pause = min(pause * 2, self.poll_max)

    def _failure(self, query_id: str) -> str:
        """The error details of a FAILED job, from its result call."""
        try:
            self.session.request("GET", f"{JOBS}{query_id}/result/", params={"offset": "0", "limit": "1"})
        except ConnectorError as exc:
            context = exc.context
            body = _json(context.body_excerpt) if context is not None else {}
            error = body.get("error")
            return str(error.get("message", "")) if isinstance(error, dict) else str(exc)
        return ""

    def _cancel(self, query_id: str) -> None:
        try:
            self.session.request("PUT", f"{JOBS}{query_id}/cancel/", safe_to_repeat=True)
        except ConnectorError as exc:  # best effort: the lake ends it at 60 minutes anyway
            log.warning("cancelling Data Lake query %s failed: %s", query_id, exc)

    # --- the result ----------------------------------------------------------------------------------

    def _pages(self, query_id: str, offset: int = 0, last: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
        """The rows from `offset` on; with `last` (a resubmitted query), its row before `offset` must be `last`."""
        if offset and last is not None:
            before = list(self._page(query_id, offset - 1, 1))
            if before != [last]:
                raise RetriableError(
                    f"the Data Lake query submitted again (its result expired at row {offset}) no longer gives the "
                    "same rows; nothing was loaded from it",
                    hint="Run again: the next run reads the whole window afresh.",
                )
        failures = 0
        while True:
            start, page_end = offset, offset + self.page_rows
            try:
                for row in self._page(query_id, offset, page_end - offset):
                    offset += 1
                    failures = 0
                    yield row
            except (httpx.TransportError, ValueError) as exc:
                failures = failures + 1 if offset == start else 1
                if failures >= PAGE_ATTEMPTS:
                    raise RetriableError(
                        f"a result page of Data Lake query {query_id} broke off {failures} times at row {offset}",
                        hint=HINT,
                    ) from None
                log.warning("a Data Lake result page broke off at row %d (%s); reading on from there", offset, exc)
                continue
            if offset < page_end:
                return  # a short page is the last one
            # A full page: the next one may be empty, which ends the read.

    def _page(self, query_id: str, offset: int, limit: int) -> Iterator[dict[str, str]]:
        params = {"offset": str(offset), "limit": str(limit)}
        with self.session.stream("GET", f"{JOBS}{query_id}/result/", params=params) as response:
            for line in response.iter_lines():
                if not line.strip():
                    continue
                row = json.loads(line)  # a line cut short raises ValueError: the page broke off
                if not isinstance(row, dict):
                    raise ValueError(f"a result line is not an object: {line[:80]!r}")
                yield {str(k): "" if v is None else str(v) for k, v in row.items()}


def _json(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
