"""GL journal records (batch → headers → lines), shared by the seed and by journal import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.resources import Item

_STATUS_MEANING = {"P": "Posted", "U": "Unposted"}
_BALANCE_TYPE = {"A": "Actual", "B": "Budget", "E": "Encumbrance"}


@dataclass(frozen=True)
class LineInput:
    """One journal line to create: account combination string and entered debit or credit."""

    combination: str
    debit: Decimal | None
    credit: Decimal | None
    description: str | None = None


@dataclass(frozen=True)
class HeaderInput:
    """One journal (header) to create, with its lines."""

    name: str
    category: str
    effective_date: date
    lines: list[LineInput]
    description: str | None = None
    external_reference: str | None = None


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _totals(lines: list[Item]) -> dict[str, float]:
    dr = sum((Decimal(str(x.data["EnteredDr"])) for x in lines if x.data["EnteredDr"] is not None), Decimal(0))
    cr = sum((Decimal(str(x.data["EnteredCr"])) for x in lines if x.data["EnteredCr"] is not None), Decimal(0))
    return {
        "RunningTotalDr": float(dr),
        "RunningTotalCr": float(cr),
        "RunningTotalAccountedDr": float(dr),
        "RunningTotalAccountedCr": float(cr),
    }


def new_batch(
    *,
    batch_id: int,
    first_header_id: int,
    name: str,
    period: str,
    source: str,
    status: str,
    headers: list[HeaderInput],
    ledger: dict[str, Any],
    coa_name: str,
    user: str,
    created: datetime,
    description: str | None = None,
    posted: date | None = None,
    request_id: int | None = None,
    actual_flag: str = "A",
) -> Item:
    """A journal batch with its headers and lines, totals computed, all stamped `created`."""
    who = {"CreatedBy": user, "CreationDate": created, "LastUpdatedBy": user, "LastUpdateDate": created}
    batch = Item(
        res.JOURNAL_BATCHES,
        {
            "JeBatchId": batch_id,
            "BatchName": name,
            "BatchDescription": description,
            "DefaultPeriodName": period,
            "AccountedPeriodType": "Month",
            "Status": status,
            "StatusMeaning": _STATUS_MEANING[status],
            "CompletionStatusMeaning": "Complete",
            "ApprovalStatusMeaning": "Not required",
            "FundsStatusMeaning": "Not attempted",
            "ActualFlagMeaning": _BALANCE_TYPE.get(actual_flag, "Actual"),
            "UserJeSourceName": source,
            "ChartOfAccountsName": coa_name,
            "UserPeriodSetName": ledger["period_set"],
            "ControlTotal": None,
            "PostedDate": posted,
            "PostingRunId": None,
            "RequestId": request_id,
            "ErrorMessage": None,
            "ReversalFlag": None,
            "ReversalDate": None,
            "ReversalPeriod": None,
            "ReversalMethodMeaning": None,
            "ParentJeBatchName": None,
            "ApproverEmployeeName": None,
            **who,
        },
    )
    all_lines: list[Item] = []
    for offset, h in enumerate(headers):
        header_id = first_header_id + offset
        header = Item(
            res.JOURNAL_HEADERS,
            {
                "JeHeaderId": header_id,
                "JeBatchId": batch_id,
                "JournalName": h.name,
                "JournalDescription": h.description,
                "LedgerName": ledger["name"],
                "LedgerCurrencyCode": ledger["currency"],
                "LegalEntityName": None,
                "CurrencyCode": ledger["currency"],
                "PeriodName": period,
                "DefaultEffectiveDate": h.effective_date,
                "UserJeCategoryName": h.category,
                "UserCurrencyConversionType": None,
                "CurrencyConversionDate": None,
                "CurrencyConversionRate": None,
                "ControlTotal": None,
                "ExternalReference": h.external_reference,
                "AccrualReversalStatus": None,
                **who,
            },
        )
        lines = header.child_items("journalLines")
        for number, line in enumerate(h.lines, start=1):
            lines.append(
                Item(
                    res.JOURNAL_LINES,
                    {
                        "JeHeaderId": header_id,
                        "JeLineNumber": number,
                        "AccountCombination": line.combination,
                        "EnteredDr": _num(line.debit),
                        "EnteredCr": _num(line.credit),
                        "AccountedDr": _num(line.debit),
                        "AccountedCr": _num(line.credit),
                        "StatAmount": None,
                        "CurrencyCode": ledger["currency"],
                        "CurrencyConversionDate": None,
                        "CurrencyConversionRate": None,
                        "Description": line.description,
                        "ChartOfAccountsName": coa_name,
                        "ReconciliationReference": None,
                        "jgzzReconStatusMeaning": None,
                        **who,
                    },
                )
            )
        header.data.update(_totals(lines))
        all_lines.extend(lines)
        batch.child_items("journalHeaders").append(header)
    batch.data.update(_totals(all_lines))
    return batch


def touch(item: Item, when: datetime, user: str) -> None:
    """Record an update: new `LastUpdateDate`, new change indicator."""
    item.data["LastUpdateDate"] = when
    item.data["LastUpdatedBy"] = user
    item.version += 1


def lines_of(batch: Item) -> list[tuple[Item, Item]]:
    """(header, line) pairs of a batch, in order."""
    return [(h, line) for h in batch.child_items("journalHeaders") for line in h.child_items("journalLines")]


def readout(batch: Item) -> dict[str, Any]:
    """The `/_emulator/journals` view of one batch: what was created, with the caller's references."""
    headers = []
    for h in batch.child_items("journalHeaders"):
        headers.append(
            {
                "JournalName": h.data["JournalName"],
                "ExternalReference": h.data["ExternalReference"],
                "PeriodName": h.data["PeriodName"],
                "LedgerName": h.data["LedgerName"],
                "DefaultEffectiveDate": str(h.data["DefaultEffectiveDate"]),
                "UserJeCategoryName": h.data["UserJeCategoryName"],
                "lines": [
                    {
                        "JeLineNumber": x.data["JeLineNumber"],
                        "AccountCombination": x.data["AccountCombination"],
                        "EnteredDr": x.data["EnteredDr"],
                        "EnteredCr": x.data["EnteredCr"],
                        "Description": x.data["Description"],
                    }
                    for x in h.child_items("journalLines")
                ],
            }
        )
    return {
        "JeBatchId": batch.data["JeBatchId"],
        "BatchName": batch.data["BatchName"],
        "Reference1": batch.data.get("Reference1"),
        "BatchDescription": batch.data["BatchDescription"],
        "GroupId": batch.data.get("GroupId"),
        "RequestId": batch.data["RequestId"],
        "Status": batch.data["Status"],
        "UserJeSourceName": batch.data["UserJeSourceName"],
        "DefaultPeriodName": batch.data["DefaultPeriodName"],
        "RunningTotalDr": batch.data["RunningTotalDr"],
        "RunningTotalCr": batch.data["RunningTotalCr"],
        "headers": headers,
    }
