"""`erpintegrations`: the documented route for creating GL journals (FBDI journal import), and ESS job status.

`POST erpintegrations` with `OperationName=importBulkData`, a base64 zip holding `GlInterface.csv`
(the GL_INTERFACE FBDI layout: no header row, columns by position) and the `JournalImportLauncher` job
loads the rows and submits Import Journals. The answer carries `ReqstId`; the job is `RUNNING` for
`ess_seconds` (journals appear when it ends, as on a pod where a client must poll); its state comes
from `GET erpintegrations?finder=ESSJobStatusRF;requestId=<id>` and its log from
`finder=ESSJobExecutionDetailsRF;requestId=<id>,fileType=LOG`.

Import rules, from Oracle General Ledger's docs ("What happens when multiple journals with the same
batch name ... are uploaded", faugl) and a public FBDI fixture's notes: rows are picked by the group id
in the job's ParameterList (argument 4) and the journal source (argument 2); rows sharing REFERENCE1 form
one batch, named "<REFERENCE1> <source> <balance type> <group id> <process id> N"; a batch with an
unknown segment value or a journal that does not balance is rejected whole (its rows stay in the
interface), the others import.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import time
import zipfile
from collections import OrderedDict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.oracle.budget_import import is_budget_load, run_budget_load
from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.journals import HeaderInput, LineInput, new_batch
from ml_connector.emulators.oracle.periods import period_name

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

# The GL_INTERFACE sheet of Oracle's FBDI "Journal Import" template (JournalImportTemplate.xlsm, File-Based
# Data Import for Oracle Financials Cloud, "Import Journals"), column by column: the CSV has no header row, so a
# value's place in this sequence is its meaning. tests/golden/oracle/GlInterface.csv is a sample written from
# the same page. ASSUMPTION: columns after PERIOD_NAME (none of which the emulator reads) are not listed.
TEMPLATE: tuple[str, ...] = (
    "STATUS",
    "LEDGER_ID",
    "ACCOUNTING_DATE",
    "USER_JE_SOURCE_NAME",
    "USER_JE_CATEGORY_NAME",
    "CURRENCY_CODE",
    "DATE_CREATED",
    "ACTUAL_FLAG",
    *(f"SEGMENT{i}" for i in range(1, 31)),
    "ENTERED_DR",
    "ENTERED_CR",
    "ACCOUNTED_DR",
    "ACCOUNTED_CR",
    *(f"REFERENCE{i}" for i in range(1, 11)),
    *(f"REFERENCE{i}" for i in range(21, 31)),
    "STAT_AMOUNT",
    "USER_CURRENCY_CONVERSION_TYPE",
    "CURRENCY_CONVERSION_DATE",
    "CURRENCY_CONVERSION_RATE",
    "GROUP_ID",
    "ATTRIBUTE_CATEGORY",
    *(f"ATTRIBUTE{i}" for i in range(1, 21)),
    "ATTRIBUTE_CATEGORY3",
    "AVERAGE_JOURNAL_FLAG",
    "ORIGINATING_BAL_SEG_VALUE",
    "LEDGER_NAME",
    "ENCUMBRANCE_TYPE_ID",
    "JGZZ_RECON_REF",
    "PERIOD_NAME",
)
_PLACE = {name: place for place, name in enumerate(TEMPLATE)}


def _field(row: list[str], name: str) -> str:
    place = _PLACE[name]
    return row[place].strip() if place < len(row) else ""


def _rows(document: str) -> list[list[str]]:
    try:
        raw = base64.b64decode(document, validate=True)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise bad_request("The ZIP file has no CSV data file.")
            text = archive.read(names[0]).decode("utf-8-sig")
    except (binascii.Error, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        # ASSUMPTION: an unreadable DocumentContent fails the POST with 400 rather than failing the ESS job later.
        raise bad_request("DocumentContent is not a base64-encoded ZIP file.", path="DocumentContent") from exc
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and rows[0] and rows[0][0].strip().upper() in ("STATUS", "JOURNAL_STATUS"):
        # ASSUMPTION: the FBDI file has no header row; a header line is skipped rather than imported.
        rows = rows[1:]
    return rows


def _date(text: str) -> date:
    return date.fromisoformat(text.replace("/", "-"))


def _params(text: str) -> list[str]:
    return [p.strip() for p in next(csv.reader([text or ""]), [])]


class _Batch:
    def __init__(self, reference: str, source: str, actual: str, group: str) -> None:
        self.reference, self.source, self.actual, self.group = reference, source, actual, group
        self.headers: OrderedDict[str, list[tuple[LineInput, str, date, str | None, str | None]]] = OrderedDict()
        self.errors: list[str] = []
        self.period: str | None = None
        self.ledger: dict[str, Any] | None = None  # the ledger of its rows (ledgersLOV)


def import_bulk_data(backend: OracleBackend, payload: dict[str, Any], user: str) -> dict[str, Any]:
    """Accept `importBulkData`: the file is checked now, the ESS job runs `backend.ess_seconds` later."""
    job_name = str(payload.get("JobName") or "")
    is_journal = "JournalImportLauncher" in job_name
    is_budget = is_budget_load(payload)
    rows = _rows(str(payload.get("DocumentContent") or "")) if is_journal or is_budget else []
    request_id = backend.next_id("request")
    job: dict[str, Any] = {
        "ReqstId": str(request_id),
        "log": [],
        "RequestStatus": "RUNNING",
        "batches": [],
        "due": time.monotonic() + backend.ess_seconds,
        "run": None,
    }
    if is_budget:
        job["run"] = lambda: run_budget_load(backend, job, rows)
    elif not is_journal:
        # ASSUMPTION: other import jobs (suppliers, invoices) are accepted and succeed without effect.
        job["log"].append(f"Job {job_name} accepted; no data imported by the emulator.")
        job["run"] = lambda: "SUCCEEDED"
    else:
        params = _params(str(payload.get("ParameterList") or ""))
        job["run"] = lambda: _run_import(backend, job, rows, params, user)
    backend.jobs[request_id] = job
    return job


# ASSUMPTION: a job reports RUNNING until it ends (no WAIT/READY stages), then its terminal state:
# SUCCEEDED, WARNING (some batches rejected) or ERROR (nothing imported).
def finish_due_jobs(backend: OracleBackend) -> None:
    """Complete every ESS job whose time has come (called under the backend lock on each request)."""
    now = time.monotonic()
    for job in backend.jobs.values():
        if job["RequestStatus"] == "RUNNING" and job["due"] <= now:
            job["RequestStatus"] = job["run"]()


def _run_import(
    backend: OracleBackend, job: dict[str, Any], rows: list[list[str]], params: list[str], user: str
) -> str:
    want_source = params[1] if len(params) > 1 and params[1] not in ("", "#NULL") else None
    want_group = params[3] if len(params) > 3 and params[3] not in ("", "#NULL") else None
    batches = _group(backend, rows, want_source, want_group, job["log"])
    imported = 0
    for batch in batches.values():
        if batch.errors:
            job["log"].extend(batch.errors)
            continue
        _create(backend, batch, int(job["ReqstId"]), user)
        job["batches"].append(backend.created_batches[-1])
        imported += 1
    rejected = len(batches) - imported
    job["log"].append(f"Journal batches imported: {imported}; rejected: {rejected}.")
    if not batches:
        job["log"].append("No GL_INTERFACE rows matched the group id and journal source of this request.")
        return "ERROR"
    if rejected:
        return "WARNING" if imported else "ERROR"
    return "SUCCEEDED"


def _group(
    backend: OracleBackend, rows: list[list[str]], source: str | None, group: str | None, log: list[str]
) -> OrderedDict[tuple[str, str], _Batch]:
    seeded = backend.seeded
    ledger = seeded.ledger
    batches: OrderedDict[tuple[str, str], _Batch] = OrderedDict()
    for number, row in enumerate(rows, start=1):
        row_source, row_group = _field(row, "USER_JE_SOURCE_NAME"), _field(row, "GROUP_ID")
        if (source and row_source != source) or (group and row_group != group):
            log.append(f"Row {number}: not selected (source {row_source!r}, group id {row_group!r}).")
            continue
        reference = _field(row, "REFERENCE1")
        batch = batches.setdefault(
            (row_group, reference), _Batch(reference, row_source, _field(row, "ACTUAL_FLAG") or "A", row_group)
        )
        try:
            line, category, effective, period = _line(row, seeded.delimiter, seeded.segments_valid)
        except ValueError as exc:
            batch.errors.append(f"Row {number} ({reference}): {exc}")
            continue
        row_ledger = _row_ledger(backend, _field(row, "LEDGER_ID"), _field(row, "LEDGER_NAME")) or {}
        if not row_ledger:
            batch.errors.append(f"Row {number} ({reference}): EL01 the ledger is not valid.")
        elif row_ledger["id"] != ledger["id"] and not _field(row, "PERIOD_NAME"):
            # Journal Import takes the period from the ledger's accounting calendar (its period set): on a 4-4-5
            # ledger a journal dated 30 March is in P04-26, not in a month.
            named = _period_holding(backend, row_ledger["id"], effective)
            if named is None:
                # ASSUMPTION: the wording of this rejection (EP01) mimics the execution report; not in the notes.
                batch.errors.append(f"Row {number} ({reference}): EP01 {effective} is in no period of the ledger.")
            period = named or period
        currency = row_ledger.get("currency", ledger["currency"])
        if _field(row, "CURRENCY_CODE") != currency:
            batch.errors.append(f"Row {number} ({reference}): EC01 currency must be {currency}.")
        batch.ledger = batch.ledger or row_ledger or None
        batch.period = batch.period or period
        # ASSUMPTION: REFERENCE4 becomes the journal name as given (blank: the category), REFERENCE5 its
        # description, REFERENCE6 (journal entry reference) the header's ExternalReference.
        journal = _field(row, "REFERENCE4") or category
        batch.headers.setdefault(journal, []).append(
            (line, category, effective, _field(row, "REFERENCE5") or None, _field(row, "REFERENCE6") or None)
        )
    for batch in batches.values():
        for journal, lines in batch.headers.items():
            dr = sum((x[0].debit or Decimal(0) for x in lines), Decimal(0))
            cr = sum((x[0].credit or Decimal(0) for x in lines), Decimal(0))
            if dr != cr:
                batch.errors.append(f"WU01 journal {journal!r} in {batch.reference!r} is unbalanced ({dr} vs {cr}).")
    return batches


def _line(row: list[str], delim: str, valid: dict[str, set[str]]) -> tuple[LineInput, str, date, str]:
    segments = [_field(row, f"SEGMENT{i}") for i in range(1, 31)]
    company, cost_center, account = segments[:3]
    if any(segments[3:]):
        # ASSUMPTION: the EF04/EN01/EN02/ED01 rejection codes and texts mimic Journal Import's execution report; no
        # source in the notes lists them.
        raise ValueError("EF04 the chart of accounts has three segments.")
    for role, value in (("company", company), ("cost_center", cost_center), ("account", account)):
        if value not in valid[role]:
            raise ValueError(f"EF04 FLEX-VALUE DOES NOT EXIST (SEGMENT={role}) (VALUE={value}).")
    try:
        debit = Decimal(_field(row, "ENTERED_DR")) if _field(row, "ENTERED_DR") else None
        credit = Decimal(_field(row, "ENTERED_CR")) if _field(row, "ENTERED_CR") else None
    except InvalidOperation as exc:
        raise ValueError("EN01 ENTERED_DR / ENTERED_CR is not a number.") from exc
    if (debit is None) == (credit is None):
        raise ValueError("EN02 enter either a debit or a credit amount.")
    try:
        effective = _date(_field(row, "ACCOUNTING_DATE"))
    except ValueError as exc:
        raise ValueError("ED01 ACCOUNTING_DATE must be YYYY/MM/DD.") from exc
    period = _field(row, "PERIOD_NAME") or period_name(effective.year, effective.month)
    category = _field(row, "USER_JE_CATEGORY_NAME") or "Adjustment"
    description = _field(row, "REFERENCE10") or None
    return (
        LineInput(delim.join((company, cost_center, account)), debit, credit, description),
        category,
        effective,
        period,
    )


def _row_ledger(backend: OracleBackend, ledger_id: str, name: str) -> dict[str, Any] | None:
    """The ledger a GL_INTERFACE row names (LEDGER_ID, else LEDGER_NAME), as `new_batch` takes it."""
    first = backend.seeded.ledger
    if ledger_id == str(first["id"]) or (not ledger_id and name == first["name"]):
        return dict(first)
    for item in backend.roots["ledgersLOV"]:
        data = item.data
        if (ledger_id and ledger_id == str(data.get("LedgerId"))) or (not ledger_id and name == data.get("Name")):
            return {
                "id": data["LedgerId"],
                "name": data["Name"],
                "currency": data["CurrencyCode"],
                "period_set": data["PeriodSetName"],
            }
    return None


def _period_holding(backend: OracleBackend, ledger_id: Any, day: date) -> str | None:
    """The name of the ledger's (non-adjusting) period whose dates hold `day` (accountingPeriodStatusLOV)."""
    for item in backend.roots["accountingPeriodStatusLOV"]:
        data = item.data
        if data.get("LedgerId") != ledger_id or data.get("AdjustmentPeriodFlag") == "Y":
            continue
        if data["StartDate"] <= day <= data["EndDate"]:
            return str(data["PeriodNameId"])
    return None


def _create(backend: OracleBackend, batch: _Batch, request_id: int, user: str) -> None:
    headers = [
        HeaderInput(
            name=journal,
            category=lines[0][1],
            effective_date=lines[0][2],
            lines=[x[0] for x in lines],
            description=lines[0][3],
            external_reference=lines[0][4],
        )
        for journal, lines in batch.headers.items()
    ]
    parts = [batch.reference, batch.source, batch.actual, batch.group, str(request_id), "N"]
    batch_id = backend.next_id("batch")
    first_header = backend.next_id("header")
    for _ in headers[1:]:
        backend.next_id("header")
    item = new_batch(
        batch_id=batch_id,
        first_header_id=first_header,
        name=" ".join(p for p in parts if p),
        description=None,
        period=batch.period or "",
        source=batch.source,
        # ASSUMPTION: imported journals arrive unposted (Status U) and need posting, as Journal Import does not post.
        status="U",  # imported journals wait for review and posting
        headers=headers,
        ledger=batch.ledger or backend.seeded.ledger,
        coa_name=backend.seeded.coa_name,
        user=user,
        created=backend.now(),
        request_id=request_id,
        actual_flag=batch.actual,
    )
    item.data["GroupId"] = batch.group or None
    item.data["Reference1"] = batch.reference or None
    backend.roots["journalBatches"].append(item)
    backend.created_batches.append(batch_id)


def job_item(job: dict[str, Any], *, with_log: bool, file_type: str = "LOG") -> dict[str, Any]:
    """The `erpintegrations` item for an ESS job (status finder or execution details finder)."""
    out: dict[str, Any] = {"ReqstId": job["ReqstId"], "RequestStatus": job["RequestStatus"]}
    if with_log:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            # ASSUMPTION: the execution details zip holds one <ReqstId>.log text file (the notes only say
            # DocumentContent is a base64 zip).
            archive.writestr(f"{job['ReqstId']}.log", "\n".join(job["log"]) + "\n")
        out.update({"DocumentContent": base64.b64encode(buffer.getvalue()).decode(), "FileType": file_type})
    return out
