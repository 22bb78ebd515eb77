"""Compass query API v2 routes behind the gateway: `{ti}/DATAFABRIC/compass/v2/...` (see `datalake.py`).

- `POST jobs/?resultFormat=&records=` with the SQL as a `text/plain` body ("The content-type must be
  text/plain", docs.infor.com datafabrug uan1631199548644) → 202 `{"queryId", "status", "location"}`.
- `GET jobs/{queryId}/status/` → `{"queryId", "status"}` (+ `"message"` when FAILED).
- `GET jobs/{queryId}/result/?offset=&limit=` → the rows of a FINISHED job in its result format; the error
  details of a FAILED one ("Use the GET result API call to retrieve the error details").
- `PUT jobs/{queryId}/cancel/` → 200 (v1 documents PUT; ASSUMPTION: v2 the same).
- `GET ping` → 200.

Every call counts against its per-tenant quota (`DataLake.over_quota`): over it, the gateway's 429 with
Retry-After. An expired query (`result_hours`, or the `expire_results` knob) answers 404 as an unknown one.

ASSUMPTION: the JSON shapes above and the error body `{"error": {"code", "message"}}` are ours: the public
docs name the fields queryId and status only. `records` (seen in public client code as `records=0`) is
accepted and ignored. Trailing slashes are optional, as public clients call both forms.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from ml_connector.emulators.infor.datalake import (
    FAILED,
    FINISHED,
    MAX_PAGE_ROWS,
    RESULT_FORMATS,
    DataLake,
    Job,
)
from ml_connector.emulators.infor.exceptions import gateway_error


def compass_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _int(text: str | None, default: int) -> int | None:
    if text is None or text == "":
        return default
    return int(text) if text.isdigit() else None


def compass_router(tenant: str, lake: DataLake) -> APIRouter:
    router = APIRouter(prefix=f"/{tenant}/DATAFABRIC/compass/v2")

    def refused(method: str) -> JSONResponse | None:
        wait = lake.over_quota(method)
        return gateway_error(429, {"Retry-After": str(wait)}) if wait else None

    @router.get("/ping")
    def ping() -> JSONResponse:
        return JSONResponse({"status": "OK"})

    @router.post("/jobs")
    @router.post("/jobs/")
    async def submit(request: Request) -> Response:
        if (over := refused("jobs")) is not None:
            return over
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        if kind != "text/plain":
            return compass_error(415, "UNSUPPORTED_MEDIA_TYPE", "The content-type must be text/plain")
        result_format = request.query_params.get("resultFormat", "application/json")
        if result_format not in RESULT_FORMATS:
            return compass_error(400, "BAD_REQUEST", f"resultFormat must be one of {', '.join(RESULT_FORMATS)}")
        sql = (await request.body()).decode("utf-8", errors="replace").strip()
        if not sql:
            return compass_error(400, "BAD_REQUEST", "The request body must hold the SQL statement")
        job = lake.submit(sql, result_format)
        location = f"{request.url.path.rstrip('/')}/{job.id}/status/"
        return JSONResponse(
            {"queryId": job.id, "status": job.state(lake.clock()), "location": location}, status_code=202
        )

    def find(query_id: str) -> Job | JSONResponse:
        job = lake.job(query_id)
        if job is None:
            return compass_error(404, "NOT_FOUND", f"Query {query_id} does not exist or its results expired")
        return job

    @router.get("/jobs/{query_id}/status")
    @router.get("/jobs/{query_id}/status/")
    def status(query_id: str) -> JSONResponse:
        if (over := refused("status")) is not None:
            return over
        job = find(query_id)
        if isinstance(job, JSONResponse):
            return job
        state = job.state(lake.clock())
        body = {"queryId": job.id, "status": state}
        if state == FAILED:
            body["message"] = job.failure
        return JSONResponse(body)

    @router.put("/jobs/{query_id}/cancel")
    @router.put("/jobs/{query_id}/cancel/")
    def cancel(query_id: str) -> JSONResponse:
        if (over := refused("cancel")) is not None:
            return over
        job = lake.cancel(query_id)
        if job is None:
            return compass_error(404, "NOT_FOUND", f"Query {query_id} does not exist")
        return JSONResponse({"queryId": job.id, "status": job.state(lake.clock())})

    @router.get("/jobs/{query_id}/result")
    @router.get("/jobs/{query_id}/result/")
    def result(query_id: str, request: Request) -> Response:
        if (over := refused("result")) is not None:
            return over
        job = find(query_id)
        if isinstance(job, JSONResponse):
            return job
        state = job.state(lake.clock())
        if state == FAILED:
            return compass_error(400, "QUERY_FAILED", job.failure)
        if state != FINISHED:
            return compass_error(409, "NOT_FINISHED", f"Query {query_id} is {state}: poll its status first")
        offset = _int(request.query_params.get("offset"), 0)
        limit = _int(request.query_params.get("limit"), MAX_PAGE_ROWS)
        if offset is None or limit is None or not 1 <= limit <= MAX_PAGE_ROWS:
            return compass_error(400, "BAD_REQUEST", f"offset must be 0 or more and limit 1 to {MAX_PAGE_ROWS}")
        rows = list(lake.rows(job, offset, limit))
        lake.served_page(job)
        broken = lake.take_break() and len(rows) > 1
        body = _render(job, rows, broken)
        return StreamingResponse(body, media_type=job.result_format)

    return router


class PageBrokeOff(ConnectionError):
    """Raised inside a page's body: the server drops the connection mid-answer."""


def _lines(job: Job, rows: list[dict[str, str]]) -> Iterator[str]:
    if job.result_format == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(rows[0]) if rows else [])
        for row in rows:
            writer.writerow(list(row.values()))
        yield from out.getvalue().splitlines(keepends=True)
    else:
        for row in rows:
            yield json.dumps(row) + "\n"


def _render(job: Job, rows: list[dict[str, str]], broken: bool) -> Iterator[bytes]:
    """The page's body in chunks of 1,000 lines; a broken page stops half way and drops the connection."""
    if job.result_format == "application/json":
        text = json.dumps(rows)
        if broken:
            yield text[: len(text) // 2].encode()
            raise PageBrokeOff("result page broke off (emulated fault)")
        yield text.encode()
        return
    lines = list(_lines(job, rows))
    cut = len(lines) // 2 if broken else None
    for start in range(0, len(lines), 1000):
        chunk = lines[start : start + 1000]
        if cut is not None and start + len(chunk) > cut:
            yield ("".join(lines[start:cut]) + lines[cut][: len(lines[cut]) // 2]).encode()
            raise PageBrokeOff("result page broke off (emulated fault)")
        yield "".join(chunk).encode()
