"""Posting a journal for review through the documented route: `erpintegrations` importBulkData.

The journal becomes a GL_INTERFACE FBDI CSV (no header row, columns by position) in a ZIP; the
`JournalImportLauncher` ESS job imports it and is polled until it ends. The draft's reference travels as
REFERENCE1 (Oracle names the batch "<REFERENCE1> <source> ..."), so `find_journal` finds it by
`BatchName LIKE '<reference> %'` before anything is posted: a retry never creates a second journal.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ml_connector.errors import ConfigurationError, UnavailableError
from ml_connector.http import ApiSession
from ml_connector.records import JournalDraft
from ml_connector.systems.oracle.errors import JournalImportError, JournalImportPendingError
from ml_connector.systems.oracle.paging import FRAMEWORK_HEADERS, parse_page

# 0-based GL_INTERFACE template positions (Oracle's FBDI JournalImportTemplate column order).
COLUMNS = {
    "STATUS": 0,
    "LEDGER_ID": 1,
    "ACCOUNTING_DATE": 2,
    "USER_JE_SOURCE_NAME": 3,
    "USER_JE_CATEGORY_NAME": 4,
    "CURRENCY_CODE": 5,
    "DATE_CREATED": 6,
    "ACTUAL_FLAG": 7,
    **{f"SEGMENT{i}": 7 + i for i in range(1, 31)},
    "ENTERED_DR": 38,
    "ENTERED_CR": 39,
    **{f"REFERENCE{i}": 41 + i for i in range(1, 11)},
    "GROUP_ID": 66,
    "LEDGER_NAME": 91,
}
WIDTH = 95
JOB_NAME = "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher"
DOCUMENT_ACCOUNT = "fin$/generalLedger$/import$"
TERMINAL_OK = frozenset({"SUCCEEDED"})
TERMINAL_BAD = frozenset({"WARNING", "ERROR", "FAILED", "CANCELLED", "CANCELED", "EXPIRED", "VALIDATION_FAILED"})
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


def check_reference(reference: str) -> str:
    """A reference safe inside a `q` literal and an FBDI column; ConfigurationError otherwise."""
    if not REFERENCE.match(reference):
        raise ConfigurationError(
            f"journal reference {reference!r} is not usable in Oracle",
            hint="Use 1-100 letters, digits and . _ : - (no spaces or quotes).",
        )
    return reference


def group_id(reference: str) -> str:
    """A deterministic GROUP_ID for the reference, so the import job picks exactly these rows."""
    return str(zlib.crc32(reference.encode()) % 900_000_000 + 100_000_000)


def interface_rows(
    draft: JournalDraft,
    *,
    ledger_id: int,
    source: str,
    category: str,
    layout_positions: Mapping[int, str],
    cost_center_segment: int,
    account_segment: int,
    now: datetime,
) -> list[list[str]]:
    """The GL_INTERFACE rows for one journal; `layout_positions` fills the segments we do not map."""
    rows = []
    for line in draft.lines:
        row = [""] * WIDTH

        def put(name: str, value: str, row: list[str] = row) -> None:
            row[COLUMNS[name]] = value

        put("STATUS", "NEW")
        put("LEDGER_ID", str(ledger_id))
        put("ACCOUNTING_DATE", draft.accounting_date.strftime("%Y/%m/%d"))
        put("USER_JE_SOURCE_NAME", source)
        put("USER_JE_CATEGORY_NAME", category)
        put("CURRENCY_CODE", draft.currency)
        put("DATE_CREATED", now.strftime("%Y/%m/%d"))
        put("ACTUAL_FLAG", "A")
        segments = dict(layout_positions)
        segments[cost_center_segment] = line.cost_center
        segments[account_segment] = line.account
        for position, value in segments.items():
            put(f"SEGMENT{position}", value)
        if line.amount >= 0:
            put("ENTERED_DR", f"{line.amount:f}")
        else:
            put("ENTERED_CR", f"{-line.amount:f}")
        put("REFERENCE1", draft.reference)
        put("REFERENCE2", draft.description[:240])
        put("REFERENCE4", draft.reference)
        put("REFERENCE5", draft.description[:240])
        put("REFERENCE6", draft.reference)
        put("REFERENCE10", line.description[:240])
        put("GROUP_ID", group_id(draft.reference))
        put("LEDGER_NAME", draft.ledger)
        rows.append(row)
    return rows


def zipped_csv(rows: list[list[str]], name: str = "GlInterface.csv") -> str:
    """Base64 of a ZIP holding the rows as the FBDI CSV."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text.getvalue())
    return base64.b64encode(buffer.getvalue()).decode()


def import_request(document: str, *, source: str, ledger_id: int, group: str) -> dict[str, Any]:
    """The `erpintegrations` importBulkData body for a GL_INTERFACE file."""
    # ParameterList: data access set, source, ledger, group id, post errors to suspense, summarize, DFF.
    return {
        "OperationName": "importBulkData",
        "DocumentContent": document,
        "ContentType": "zip",
        "FileName": "GlInterface.zip",
        "DocumentAccount": DOCUMENT_ACCOUNT,
        "JobName": JOB_NAME,
        "ParameterList": f"#NULL,{source},{ledger_id},{group},N,N,N",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
        "JobOptions": "ExtractFileType=ALL",
    }


class JournalPoster:
    """Looks a journal up by reference, imports it when absent, waits for the ESS job."""

    def __init__(
        self,
        session: ApiSession,
        *,
        poll_seconds: float,
        timeout_seconds: float,
        lost_answer_seconds: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.lost_answer_seconds = min(lost_answer_seconds, timeout_seconds)
        self.poll_seconds = poll_seconds
        self.timeout_seconds = timeout_seconds
        self._sleep = sleep

    def find(self, reference: str) -> str | None:
        """The JeBatchId of the batch imported with `reference` (REFERENCE1), or None."""
        check_reference(reference)
        params = {"q": f"BatchName LIKE '{reference} %'", "onlyData": "true", "orderBy": "JeBatchId:asc"}
        response = self.session.request("GET", "journalBatches", params=params, headers=FRAMEWORK_HEADERS)
        items = parse_page(response.text, "journalBatches").get("items") or []
        for item in items:
            # LIKE 'REF %' would also match "REF extra ..." names only if REF were a prefix token; check exactly.
            if str(item.get("BatchName") or "").split(" ", 1)[0] == reference:
                return str(item["JeBatchId"])
        return None

    def submit(self, body: dict[str, Any], reference: str) -> str:
        """POST the import; on a lost answer, look for the journal instead of posting again."""
        try:
            # Not safe to repeat blindly: a lost answer may still have created the job.
            response = self.session.request("POST", "erpintegrations", safe_to_repeat=False, json=body)
        except UnavailableError as error:
            status = error.context.status if error.context is not None else None
            # No answer, or a gateway that gave up waiting: the import may be running. 503 was refused.
            if status not in (None, 502, 504):
                raise
            found = self.wait_for_journal(reference, self.lost_answer_seconds)
            if found is not None:
                return f"journal:{found}"
            raise JournalImportPendingError(
                f"Oracle's answer to the import of {reference} was lost and the journal has not appeared "
                f"after {self.lost_answer_seconds:.0f} s; the import may still be queued",
                context=error.context,
            ) from error
        return str(response.json()["ReqstId"])

    def wait_for_journal(self, reference: str, seconds: float) -> str | None:
        """Look the journal up until it appears or `seconds` pass (the import job takes a while)."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.find(reference)
            if found is not None or time.monotonic() >= deadline:
                return found
            self._sleep(self.poll_seconds)

    def wait(self, request_id: str) -> str:
        """Poll the ESS job until it ends; its terminal status."""
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            status = self.status(request_id)
            if status in TERMINAL_OK or status in TERMINAL_BAD:
                return status
            if time.monotonic() >= deadline:
                raise JournalImportPendingError(
                    f"Oracle ESS job {request_id} still {status} after {self.timeout_seconds:.0f} s"
                )
            self._sleep(self.poll_seconds)

    def status(self, request_id: str) -> str:
        """The ESS job's RequestStatus (UNKNOWN when Oracle does not list it)."""
        params = {"finder": f"ESSJobStatusRF;requestId={request_id}", "onlyData": "true"}
        response = self.session.request("GET", "erpintegrations", params=params, headers=FRAMEWORK_HEADERS)
        items = parse_page(response.text, "erpintegrations").get("items") or []
        return str(items[0].get("RequestStatus") or "UNKNOWN").upper() if items else "UNKNOWN"

    def log(self, request_id: str) -> str:
        """The ESS job's log text, unzipped ('' when there is none)."""
        params = {"finder": f"ESSJobExecutionDetailsRF;requestId={request_id},fileType=LOG", "onlyData": "true"}
        response = self.session.request("GET", "erpintegrations", params=params, headers=FRAMEWORK_HEADERS)
        items = parse_page(response.text, "erpintegrations").get("items") or []
        if not items or not items[0].get("DocumentContent"):
            return ""
        try:
            raw = base64.b64decode(str(items[0]["DocumentContent"]))
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except (ValueError, zipfile.BadZipFile):
            return ""

    def failure(self, request_id: str, status: str, reference: str) -> JournalImportError:
        """The error for an import that did not create the journal, with the job log."""
        log = " ".join(self.log(request_id).split())[:800]
        return JournalImportError(f"Oracle journal import {request_id} for {reference} ended {status}: {log}")


def now_utc() -> datetime:
    return datetime.now(UTC)
