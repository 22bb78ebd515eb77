"""GL journal lines in bulk: `erpintegrations` exportBulkData, polled, downloaded and read as a stream.

The documented outbound route ("Export Financials Data", farfa): POST `erpintegrations` with
`OperationName=exportBulkData` and an ESS job (a BI Publisher report over GL_JE_BATCHES, GL_JE_HEADERS
and GL_JE_LINES, deployed on the pod; `OracleSettings.bulk_job_name`), poll `ESSJobStatusRF` until the
job ends, and download its output zip with `ESSJobExecutionDetailsRF` (`fileType=OUT`).

Memory stays flat at any size: the answer (JSON with the zip as base64) is decoded as it arrives into
a temporary file (never held whole), the zip is checked end to end
(CRC of every member) before the first record leaves, and the CSV is read row by row. Each row becomes
the batch, header and line attributes the REST reader sees, and goes through the same `wanted_batch` and
`line_record`: same source keys, same rules, so a switch between REST and bulk never counts a line twice.

A run that stops while the job runs (`http.cancel.CancelToken`) stops polling at once. The job itself keeps
running: the `erpintegrations` REST resource documents no cancel of an ESS request (only the ESS SOAP web
service, ESSWebService cancelRequest, does, and the product speaks REST only); the request id is logged so
an administrator can cancel it in Scheduled Processes. It only reads, so letting it finish harms nothing.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import logging
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ml_connector.http import ApiSession
from ml_connector.http.cancel import CancelToken
from ml_connector.records import LedgerLine, RejectedRecord
from ml_connector.systems.oracle.amounts import parse_id
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import BulkExtractError
from ml_connector.systems.oracle.journals import SOURCE, batch_query, line_record, wanted_batch
from ml_connector.systems.oracle.paging import FRAMEWORK_HEADERS, parse_page
from ml_connector.systems.own_journals import posted_by_us

log = logging.getLogger("ml_connector.systems.oracle")

# The extract's CSV columns (header row) and the REST attribute each one is: (part, attribute).
# ASSUMPTION: the report names its columns after GL_JE_BATCHES / GL_JE_HEADERS / GL_JE_LINES columns;
# tests/golden/oracle/JournalLinesExtract.csv is the sample both this reader and the emulator are held to.
COLUMNS: dict[str, tuple[str, str]] = {
    "JE_BATCH_ID": ("batch", "JeBatchId"),
    "BATCH_NAME": ("batch", "BatchName"),
    "BATCH_STATUS": ("batch", "Status"),
    "ACTUAL_FLAG": ("batch", "ActualFlagMeaning"),
    "POSTED_DATE": ("batch", "PostedDate"),
    "BATCH_LAST_UPDATE_DATE": ("batch", "LastUpdateDate"),
    "JE_HEADER_ID": ("header", "JeHeaderId"),
    "JOURNAL_NAME": ("header", "JournalName"),
    "LEDGER_NAME": ("header", "LedgerName"),
    "LEDGER_CURRENCY_CODE": ("header", "LedgerCurrencyCode"),
    "PERIOD_NAME": ("header", "PeriodName"),
    "DEFAULT_EFFECTIVE_DATE": ("header", "DefaultEffectiveDate"),
    "JE_LINE_NUM": ("line", "JeLineNumber"),
    "ACCOUNT_COMBINATION": ("line", "AccountCombination"),
    "ENTERED_DR": ("line", "EnteredDr"),
    "ENTERED_CR": ("line", "EnteredCr"),
    "ACCOUNTED_DR": ("line", "AccountedDr"),
    "ACCOUNTED_CR": ("line", "AccountedCr"),
    "CURRENCY_CODE": ("line", "CurrencyCode"),
    "DESCRIPTION": ("line", "Description"),
    "LAST_UPDATE_DATE": ("line", "LastUpdateDate"),
}
REQUIRED = ("JE_BATCH_ID", "JE_HEADER_ID", "JE_LINE_NUM", "ACCOUNT_COMBINATION", "BATCH_STATUS")
TERMINAL_OK = frozenset({"SUCCEEDED"})
# WARNING is a failure for an extract: the report may have stopped part-way, and nothing says where.
TERMINAL_BAD = frozenset({"WARNING", "ERROR", "FAILED", "CANCELLED", "CANCELED", "EXPIRED", "VALIDATION_FAILED"})
MARKER = b'"DocumentContent"'
# Journal batches updated since the watermark times this is the line count `extract = "auto"` weighs.
# ASSUMPTION: 12 lines per batch, the middle of what the issue measured (most journals are small).
LINES_PER_BATCH = 12


def export_request(job_name: str, ledger: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """The exportBulkData body: arguments (1) ledger, (2) updated from, (3) updated before; #NULL for none."""
    args = [ledger or "#NULL", since.isoformat() if since else "#NULL", until.isoformat() if until else "#NULL"]
    quoted = [f'"{a}"' if "," in a else a for a in args]
    return {
        "OperationName": "exportBulkData",
        "JobName": job_name,
        "ParameterList": ",".join(quoted),
        "JobOptions": "",
        "CallbackURL": "#NULL",
        "NotificationCode": "10",
    }


def spool_document(chunks: Iterable[bytes], out: IO[bytes]) -> int:
    """Decode the base64 `DocumentContent` string of a JSON answer arriving in `chunks` into `out`,
    without holding the answer; the number of bytes written. ValueError when there is none or it is
    not base64."""
    state, carry, pending, written = "seek", b"", b"", 0
    for chunk in chunks:
        data = carry + chunk
        carry = b""
        if state == "seek":
            at = data.find(MARKER)
            if at < 0:
                carry = data[-(len(MARKER) + 8) :]
                continue
            state, data = "colon", data[at + len(MARKER) :]
        if state == "colon":
            stripped = data.lstrip(b" \t\r\n:")
            if not stripped:
                continue
            if stripped[:1] == b"n":  # "DocumentContent": null
                raise ValueError("the job has no output file")
            if stripped[:1] != b'"':
                raise ValueError("DocumentContent is not a string")
            state, data = "body", stripped[1:]
        end = data.find(b'"')
        body = data if end < 0 else data[:end]
        pending += body.replace(b"\\", b"")  # a JSON writer may send '/' as '\/'
        usable = len(pending) - len(pending) % 4
        if usable:
            written += out.write(_b64(pending[:usable]))
            pending = pending[usable:]
        if end >= 0:
            state = "done"
            break
    if state != "done":
        raise ValueError("the answer ended before DocumentContent did" if state == "body" else "no DocumentContent")
    if pending:
        raise ValueError("DocumentContent is not valid base64 (its length is not a multiple of 4)")
    return written


def _b64(data: bytes) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"DocumentContent is not valid base64: {exc}") from exc


def check_zip(path: Path) -> str:
    """The CSV member of a downloaded extract after checking every member's CRC; ValueError if broken."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise ValueError(f"member {bad} fails its CRC check")
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"the zip cannot be read ({exc})") from exc
    if len(names) != 1:
        raise ValueError(f"the zip holds {len(names)} CSV files, not one")
    return names[0]


def extract_rows(path: Path, member: str) -> Iterator[dict[str, dict[str, Any]]]:
    """Each CSV row as {"batch": ..., "header": ..., "line": ...} attribute dicts, read incrementally.
    ValueError when a column the reader needs is missing."""
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        head = next(reader, None) or []
        missing = [c for c in REQUIRED if c not in head]
        if missing:
            raise ValueError(f"the extract has no column {', '.join(missing)} (columns: {', '.join(head)[:300]})")
        places = [(i, COLUMNS[name]) for i, name in enumerate(head) if name in COLUMNS]
        for row in reader:
            parts: dict[str, dict[str, Any]] = {"batch": {}, "header": {}, "line": {}}
            for i, (part, attr) in places:
                value = row[i] if i < len(row) else ""
                parts[part][attr] = value if value != "" else None
            yield parts


def records_of(
    rows: Iterable[dict[str, dict[str, Any]]], layout: SegmentLayout, ledger_name: str, until: datetime | None
) -> Iterator[LedgerLine | RejectedRecord]:
    """The REST reader's rules over extract rows: posted actual batches, not our own journals, the ledger
    asked for, keys `oracle:<JeBatchId>:<JeHeaderId>:<JeLineNumber>`."""
    for parts in rows:
        batch, header, line = parts["batch"], parts["header"], parts["line"]
        if not wanted_batch(batch, until):
            continue
        if ledger_name and header.get("LedgerName") not in (None, ledger_name):
            continue
        if posted_by_us(line.get("Description")):
            continue
        # The REST reader's key is built from JSON integers; the CSV's digits are the same text.
        key = (
            f"{SOURCE}:{_digits(batch.get('JeBatchId'))}:{header.get('JeHeaderId')}:{_digits(line.get('JeLineNumber'))}"
        )
        yield line_record(key, batch, header, line, layout)


def _digits(value: Any) -> Any:
    try:
        return parse_id(value)
    except ValueError:
        return value  # line_record rejects what it cannot read; the key still names the row


class BulkExtract:
    """Submit, poll (starting short, backing off, bounded), download and read one journal lines extract.

    A job that ends badly is submitted again, an output that arrives broken is downloaded again, up to
    `attempts` tries in all; then a `BulkExtractError` fails the run before any record has left."""

    def __init__(
        self,
        session: ApiSession,
        *,
        job_name: str,
        poll_seconds: float,
        timeout_seconds: float,
        attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.job_name = job_name
        self.poll_seconds = poll_seconds
        self.timeout_seconds = timeout_seconds
        self.attempts = attempts
        self._sleep = sleep

    def estimate_lines(self, since: datetime | None) -> int:
        """Journal lines a read since `since` would meet, estimated from one `totalResults` read of batches."""
        params = {**batch_query(since), "limit": "1", "totalResults": "true", "fields": "JeBatchId"}
        response = self.session.request("GET", "journalBatches", params=params, headers=FRAMEWORK_HEADERS)
        total = parse_page(response.text, "journalBatches").get("totalResults")
        return int(total or 0) * LINES_PER_BATCH

    def lines(
        self,
        layout: SegmentLayout,
        *,
        ledger_name: str,
        since: datetime | None,
        until: datetime | None,
        cancel: CancelToken | None = None,
    ) -> Iterator[LedgerLine | RejectedRecord]:
        """The journal lines of batches updated in [since, until), as the REST reader yields them."""
        with tempfile.TemporaryDirectory(prefix="ml-connector-extract-") as folder:
            path = Path(folder) / "extract.zip"
            member = self._fetch(path, export_request(self.job_name, ledger_name, since, until), cancel=cancel)
            try:
                yield from records_of(extract_rows(path, member), layout, ledger_name, until)
            except (ValueError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
                raise BulkExtractError(f"Oracle's journal lines extract could not be read: {exc}") from exc

    def table(
        self,
        job_name: str,
        *,
        ledger_name: str,
        since: datetime | None,
        until: datetime | None,
        what: str,
        cancel: CancelToken | None = None,
    ) -> Iterator[dict[str, str | None]]:
        """Each row of another extract job (same arguments: ledger, updated from, updated before) as column ->
        text (None when empty), read from the checked zip row by row; `what` names it in errors."""
        with tempfile.TemporaryDirectory(prefix="ml-connector-extract-") as folder:
            path = Path(folder) / "extract.zip"
            member = self._fetch(path, export_request(job_name, ledger_name, since, until), what, cancel)
            try:
                with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
                    reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
                    head = next(reader, None) or []
                    for row in reader:
                        yield {name: (row[i] if i < len(row) and row[i] != "" else None) for i, name in enumerate(head)}
            except (ValueError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
                raise BulkExtractError(f"Oracle's {what} extract could not be read: {exc}") from exc

    def _fetch(
        self, path: Path, body: dict[str, Any], what: str = "journal lines", cancel: CancelToken | None = None
    ) -> str:
        problems: list[str] = []
        request_id: str | None = None
        for _ in range(self.attempts):
            if request_id is None:
                request_id = self._submit(body)
                status = self._wait(request_id, cancel)
                if status not in TERMINAL_OK:
                    problems.append(f"job {request_id} ended {status}")
                    request_id = None
                    continue
            try:
                self._download(request_id, path)
                return check_zip(path)
            except ValueError as exc:
                problems.append(f"the output of job {request_id} arrived broken: {exc}")
        raise BulkExtractError(
            f"Oracle's {what} extract failed {self.attempts} times: {'; '.join(problems)}",
            hint=(
                "Nothing was loaded and the watermark did not move. Read the job log in Oracle (Scheduled "
                'Processes), then run again; extract = "rest" reads the same lines page by page.'
            ),
        )

    def _submit(self, body: dict[str, Any]) -> str:
        # Safe to repeat: a second extract job only reads; it writes nothing in Oracle.
        response = self.session.request("POST", "erpintegrations", safe_to_repeat=True, json=body)
        return str(response.json()["ReqstId"])

    def _wait(self, request_id: str, cancel: CancelToken | None = None) -> str:
        forget = cancel.on_cancel(lambda: _left_running(request_id)) if cancel is not None else None
        try:
            return self._poll(request_id, cancel)
        finally:
            if forget is not None:
                forget()

    def _poll(self, request_id: str, cancel: CancelToken | None) -> str:
        deadline = time.monotonic() + self.timeout_seconds
        pause = min(0.2, self.poll_seconds)
        while True:
            status = self._status(request_id)
            if status in TERMINAL_OK or status in TERMINAL_BAD:
                return status
            if time.monotonic() >= deadline:
                raise BulkExtractError(
                    f"Oracle's extract job {request_id} is still {status} after {self.timeout_seconds:.0f} s",
                    hint="Check the job in Scheduled Processes; raise ess_timeout_seconds for very large extracts.",
                )
            if cancel is not None:
                cancel.sleep(pause, f"Oracle's extract job {request_id}")
            else:
                self._sleep(pause)
            pause = min(pause * 1.6, self.poll_seconds)

    def _status(self, request_id: str) -> str:
        params = {"finder": f"ESSJobStatusRF;requestId={request_id}", "onlyData": "true"}
        response = self.session.request("GET", "erpintegrations", params=params, headers=FRAMEWORK_HEADERS)
        items = parse_page(response.text, "erpintegrations").get("items") or []
        return str(items[0].get("RequestStatus") or "UNKNOWN").upper() if items else "UNKNOWN"

    def _download(self, request_id: str, path: Path) -> None:
        params = {"finder": f"ESSJobExecutionDetailsRF;requestId={request_id},fileType=OUT", "onlyData": "true"}
        with (
            self.session.stream("GET", "erpintegrations", params=params, headers=FRAMEWORK_HEADERS) as response,
            path.open("wb") as out,
        ):
            spool_document(response.iter_bytes(), out)


def _left_running(request_id: str) -> None:
    log.warning(
        "the run stopped while Oracle's extract job %s ran; the erpintegrations REST resource documents no cancel, "
        "so it runs to its end (cancel it in Scheduled Processes if needed; it only reads)",
        request_id,
    )
