"""`erpintegrations` exportBulkData: a journal lines extract run as an ESS job, its output a zipped CSV.

Oracle documents the outbound pattern in "Export Financials Data" (farfa): `POST erpintegrations` with
`OperationName=exportBulkData`, a `JobName` ("<package>,<job definition>"), a `ParameterList`
(submit.argument1..N, comma-separated, `#NULL` for none, values with commas in double quotes), `JobOptions`,
`CallbackURL` and `NotificationCode`; the answer carries the ESS request id (`ReqstId`). The job runs the
report, then "Upload Interface Error and Output Details to UCM" zips the output as
`ExportBulkData_<JobName>_<ReqstId>.zip`; the client polls `ESSJobStatusRF` and downloads the zip (base64)
through `ESSJobExecutionDetailsRF` with `fileType=OUT`.

GL journal lines have no seeded extract job: integrators deploy a BI Publisher report over GL_JE_BATCHES,
GL_JE_HEADERS and GL_JE_LINES and wrap it in an ESS job. ASSUMPTION: this pod has one such job,
`JOURNAL_LINES_JOB`, whose arguments are (1) ledger name, (2) lines of batches updated at or after this
ISO 8601 stamp, (3) and before this one; its CSV has a header row with the columns of `EXTRACT_COLUMNS`,
named after the GL tables' columns. The rows come from the very journals the REST resources serve.

Supplier invoices and payments likewise: ASSUMPTION: two more such jobs, `INVOICES_JOB` over AP_INVOICES_ALL
and `PAYMENTS_JOB` over AP_CHECKS_ALL, with the same three arguments (the ledger is not an attribute of a
Payables document: it is accepted and not applied, as the REST resources are not filtered by it), one row per
document updated in [from, before), in id order, from the documents `invoices` and `payablesPayments` serve.
Flags are written Y / N, as Oracle's tables hold them.
"""

from __future__ import annotations

import base64
import csv
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.journals import lines_of
from ml_connector.emulators.oracle.rendering import json_value
from ml_connector.emulators.oracle.resources import Item

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

JOURNAL_LINES_JOB = "/oracle/apps/ess/custom/mlconnector,JournalLinesExtract"
INVOICES_JOB = "/oracle/apps/ess/custom/mlconnector,InvoicesExtract"
PAYMENTS_JOB = "/oracle/apps/ess/custom/mlconnector,PaymentsExtract"
# (CSV column, attribute of the REST resource's item)
INVOICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("INVOICE_ID", "InvoiceId"),
    ("INVOICE_NUM", "InvoiceNumber"),
    ("INVOICE_AMOUNT", "InvoiceAmount"),
    ("INVOICE_CURRENCY_CODE", "InvoiceCurrency"),
    ("INVOICE_DATE", "InvoiceDate"),
    ("GL_DATE", "AccountingDate"),
    ("VENDOR_NUM", "SupplierNumber"),
    ("CANCELLED_FLAG", "CanceledFlag"),
    ("LIABILITY_ACCOUNT", "LiabilityDistribution"),
    ("LAST_UPDATE_DATE", "LastUpdateDate"),
)
PAYMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("CHECK_ID", "CheckId"),
    ("CHECK_NUMBER", "PaymentNumber"),
    ("PAYMENT_REFERENCE", "PaymentReference"),
    ("AMOUNT", "PaymentAmount"),
    ("CURRENCY_CODE", "PaymentCurrency"),
    ("CHECK_DATE", "PaymentDate"),
    ("GL_DATE", "AccountingDate"),
    ("VENDOR_NUM", "SupplierNumber"),
    ("LAST_UPDATE_DATE", "LastUpdateDate"),
)
# (CSV column, where the value lives: "batch", "header" or "line", attribute name)
EXTRACT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("JE_BATCH_ID", "batch", "JeBatchId"),
    ("BATCH_NAME", "batch", "BatchName"),
    ("BATCH_STATUS", "batch", "Status"),
    ("ACTUAL_FLAG", "batch", "ActualFlagMeaning"),
    ("POSTED_DATE", "batch", "PostedDate"),
    ("BATCH_LAST_UPDATE_DATE", "batch", "LastUpdateDate"),
    ("JE_HEADER_ID", "header", "JeHeaderId"),
    ("JOURNAL_NAME", "header", "JournalName"),
    ("LEDGER_NAME", "header", "LedgerName"),
    ("LEDGER_CURRENCY_CODE", "header", "LedgerCurrencyCode"),
    ("PERIOD_NAME", "header", "PeriodName"),
    ("DEFAULT_EFFECTIVE_DATE", "header", "DefaultEffectiveDate"),
    ("JE_LINE_NUM", "line", "JeLineNumber"),
    ("ACCOUNT_COMBINATION", "line", "AccountCombination"),
    ("ENTERED_DR", "line", "EnteredDr"),
    ("ENTERED_CR", "line", "EnteredCr"),
    ("ACCOUNTED_DR", "line", "AccountedDr"),
    ("ACCOUNTED_CR", "line", "AccountedCr"),
    ("CURRENCY_CODE", "line", "CurrencyCode"),
    ("DESCRIPTION", "line", "Description"),
    ("LAST_UPDATE_DATE", "line", "LastUpdateDate"),
)


def _arguments(text: str) -> list[str | None]:
    values = next(csv.reader([text or ""]), [])
    return [None if v.strip() in ("", "#NULL") else v.strip() for v in values]


def _stamp(value: str | None, place: str) -> datetime | None:
    if value is None:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        # ASSUMPTION: a bad argument fails the submit with 400 (a pod would fail the ESS job instead).
        raise bad_request(
            f"ParameterList {place} {value!r} is not an ISO 8601 timestamp.", path="ParameterList"
        ) from exc
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    shown = json_value(value)
    return "" if shown is None else str(shown)


def extract_rows(
    batches: list[Item], ledger: str | None, since: datetime | None, until: datetime | None
) -> Iterator[list[str]]:
    """The report's rows: every line of every batch (in JeBatchId order) updated in [since, until)."""
    for batch in batches:
        updated = batch.data["LastUpdateDate"]
        if (since is not None and updated < since) or (until is not None and updated >= until):
            continue
        for header, line in lines_of(batch):
            if ledger is not None and header.data.get("LedgerName") != ledger:
                continue
            where = {"batch": batch.data, "header": header.data, "line": line.data}
            yield [_cell(where[part].get(name)) for _, part, name in EXTRACT_COLUMNS]


def document_rows(
    items: list[Item], key: str, columns: tuple[tuple[str, str], ...], since: datetime | None, until: datetime | None
) -> Iterator[list[str]]:
    """A Payables report's rows: every document (in `key` order) updated in [since, until)."""
    for item in sorted(items, key=lambda i: int(i.data[key])):
        updated = item.data["LastUpdateDate"]
        if (since is not None and updated < since) or (until is not None and updated >= until):
            continue
        yield [_cell(item.data.get(name)) for _, name in columns]


def output_zip(rows: Iterator[list[str]], member: str, head: list[str] | None = None) -> tuple[bytes, int]:
    """A ZIP holding the CSV (header row first); and the number of data rows."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(head if head is not None else [c for c, _, _ in EXTRACT_COLUMNS])
        for row in rows:
            writer.writerow(row)
            count += 1
        text.flush()
        text.detach()
    return buffer.getvalue(), count


def export_bulk_data(backend: OracleBackend, payload: dict[str, Any]) -> dict[str, Any]:
    """Accept exportBulkData: the request is checked now; the extract is made when the ESS job ends
    (`backend.ess_seconds` later), from the journals as they are then."""
    job_name = str(payload.get("JobName") or "")
    if job_name not in (JOURNAL_LINES_JOB, INVOICES_JOB, PAYMENTS_JOB):
        # ASSUMPTION: a job this pod does not have fails the submit with 400 naming it.
        raise bad_request(f"The job {job_name or '(none)'} was not found.", path="JobName")
    args = _arguments(str(payload.get("ParameterList") or ""))
    args += [None] * (3 - len(args))
    ledger, since, until = args[0], _stamp(args[1], "argument2"), _stamp(args[2], "argument3")
    request_id = str(backend.next_id("request"))
    job: dict[str, Any] = {
        "ReqstId": request_id,
        "JobName": job_name,
        "log": [],
        "RequestStatus": "RUNNING",
        "batches": [],
        "due": time.monotonic() + backend.ess_seconds,
        "run": None,
    }
    job_definition = job_name.rsplit(",", 1)[-1]
    failing = backend.export_faults.get("fail", 0) > 0
    if failing:
        backend.export_faults["fail"] -= 1
    built = threading.Event()
    batches = sorted(backend.roots["journalBatches"], key=lambda b: int(b.data["JeBatchId"]))
    invoices, payments = list(backend.roots["invoices"]), list(backend.roots["payablesPayments"])

    def report() -> tuple[Iterator[list[str]], list[str] | None]:
        if job_name == INVOICES_JOB:
            rows = document_rows(invoices, "InvoiceId", INVOICE_COLUMNS, since, until)
            return rows, [c for c, _ in INVOICE_COLUMNS]
        if job_name == PAYMENTS_JOB:
            return document_rows(payments, "CheckId", PAYMENT_COLUMNS, since, until), [c for c, _ in PAYMENT_COLUMNS]
        return extract_rows(batches, ledger, since, until), None

    def build() -> None:
        # The report runs beside the pod's requests, as an ESS job does: a large extract never holds up
        # the status polls. ASSUMPTION: it reads the batches as they were at submit (rows updated meanwhile
        # show their new values; a batch created meanwhile is not in it).
        member = f"{job_definition}_{request_id}.csv"
        rows, head = report()
        job["output"], count = output_zip(rows, member, head)
        job["output_name"] = f"ExportBulkData_{job_definition}_{request_id}.zip"
        job["log"].append(f"Report rows written: {count}.")
        built.set()

    def run() -> str:
        if failing:
            job["log"].append("ORA-01652: unable to extend temp segment by 128 in tablespace FUSION_TEMP")
            return "ERROR"
        return "SUCCEEDED" if built.is_set() else "RUNNING"

    if not failing:
        threading.Thread(target=build, name=f"oracle-export-{request_id}", daemon=True).start()
    job["run"] = run
    backend.jobs[int(request_id)] = job
    return job


def output_document(backend: OracleBackend, job: dict[str, Any]) -> str | None:
    """The job's output zip as base64 (None when it has none); cut short when a fault is armed."""
    data: bytes | None = job.get("output")
    if data is None:
        return None
    if backend.export_faults.get("corrupt", 0) > 0:
        backend.export_faults["corrupt"] -= 1
        data = data[: len(data) // 2]  # a transfer that broke off: the zip's central directory is gone
    return base64.b64encode(data).decode()
