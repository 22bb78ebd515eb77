"""Admin routes of the Data Lake emulator (under `/_emulator/`), for tests and the benchmark.

- `GET|PUT datalake`: `{"delay_minutes", "job_seconds", "fail_jobs", "break_pages"}` (PUT takes any of them).
- `GET datalake/jobs`: `{"refused": calls refused for the quota, "jobs": [{"queryId", "status", "sql"}]}`.
- `POST datalake/catch-up`: every line still on its way reaches the lake now (time passing, in one call).
- `POST ledger`: a person books a balanced journal in the ERP (not through the API, so not one of ours):
  `{"division": "US1", "text": "Manual entry", "lines": [{"account", "cost_center", "amount", "date"}]}`.
  It reaches the lake after the delay set when it is booked.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ml_connector.emulators.infor.datalake import DataLake, LakeSettings
from ml_connector.emulators.infor.records import JournalLine


def _settings(lake: DataLake) -> dict[str, Any]:
    return {"delay_minutes": lake.delay_minutes} | asdict(lake.settings)


def add_datalake_routes(r: APIRouter, lake: DataLake) -> None:
    @r.get("/datalake")
    def get_lake() -> dict[str, Any]:
        return _settings(lake)

    @r.put("/datalake")
    async def put_lake(request: Request) -> JSONResponse:
        body = await request.json()
        known = {"delay_minutes", *asdict(LakeSettings())}
        if not isinstance(body, dict) or not set(body) <= known:
            return JSONResponse({"error": f"body must be an object with keys among {sorted(known)}"}, 400)
        values = [v for v in body.values() if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0]
        if values:
            return JSONResponse({"error": "every value must be a number, 0 or more"}, 400)
        if "delay_minutes" in body:
            lake.set_delay(float(body.pop("delay_minutes")))
        lake.settings = LakeSettings(**(asdict(lake.settings) | body))
        return JSONResponse(_settings(lake))

    @r.get("/datalake/jobs")
    def lake_jobs() -> dict[str, Any]:
        now = lake.clock()
        jobs = [{"queryId": j.id, "status": j.state(now), "sql": j.sql} for j in list(lake.jobs.values())]
        return {"refused": lake.refused, "jobs": jobs}

    @r.post("/datalake/catch-up")
    def catch_up() -> dict[str, int]:
        return {"arrived": lake.catch_up()}

    @r.post("/ledger")
    async def book(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            division = str(body["division"])
            text = str(body.get("text", "Manual entry"))
            lines = [
                JournalLine(
                    acct_date=date.fromisoformat(str(x.get("date") or datetime.now(UTC).date().isoformat())),
                    account=str(x["account"]),
                    cost_center=str(x.get("cost_center", "")),
                    amount=str(x["amount"]),
                    currency="",
                    text=text,
                )
                for x in body["lines"]
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return JSONResponse({"error": f"expected division and lines of account, amount: {exc}"}, 400)
        problems = lake.backend.check_lines(lines)
        if problems:
            return JSONResponse({"error": "; ".join(problems)}, 400)
        journal = lake.backend.post_journal("M3", "", division, lines, {})
        return JSONResponse({"journal": journal.id, "lines": len(lines)})
