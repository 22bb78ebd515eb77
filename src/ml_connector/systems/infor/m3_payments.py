"""M3 payments through APS130MI, in bulk calls.

APS130MI lists payments by proposal (PRPN) and payment order (PYON) and takes one proposal number per
transaction; no transaction lists the proposals (infor.md appendix A). So the proposals are asked for by number,
many per `POST .../execute` (infor.md 2.1 bulk), and their payment orders' invoices likewise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ml_connector.systems.infor.errors import M3TransactionError

Record = dict[str, str]
# ASSUMPTION: payment proposals (APS130MI PRPN) are numbered upwards per division; the scan stops after
# this many numbers in a row that do not exist. The notes name no transaction that lists proposals.
PROPOSAL_GAP = 3
BULK = 100  # transactions per bulk call, as inforion sends them (infor.md 2.1, MaxChunk = 100)


class BulkCall(Protocol):
    """`M3Lines.call_bulk`: each transaction's records, or its own error."""

    def __call__(
        self, program: str, transactions: list[tuple[str, dict[str, str]]], *, maxrecs: int = 0
    ) -> list[list[Record] | M3TransactionError]: ...


def payment_lines(call_bulk: BulkCall, divisions: list[str]) -> Iterator[tuple[str, Record]]:
    """(division, paid invoice) of every payment proposal, read in bulk calls (infor.md 2.1).

    Proposals are asked for PRPN 1, 2, ... per division until PROPOSAL_GAP numbers in a row do not exist,
    a chunk of numbers per call; then LstInvByPayDate for every payment order found, `BULK` per call.
    """
    heads: list[tuple[str, str, str]] = []  # (division, proposal, payment order)
    next_number = dict.fromkeys(divisions, 1)
    misses = dict.fromkeys(divisions, 0)
    while next_number:
        share = max(1, BULK // len(next_number))
        asked = [(divi, number) for divi, first in next_number.items() for number in range(first, first + share)]
        answers = call_bulk("APS130MI", [("LstProposal", {"DIVI": d, "PRPN": str(n)}) for d, n in asked], maxrecs=0)
        for (divi, number), answer in zip(asked, answers, strict=True):
            if divi not in next_number or number < next_number[divi]:
                continue  # the division's scan ended earlier in this chunk
            if isinstance(answer, M3TransactionError):
                if answer.field != "PRPN":
                    raise answer
                misses[divi] += 1
            else:
                misses[divi] = 0
                heads += [(divi, str(number), head.get("PYON", "")) for head in answer]
            next_number[divi] = number + 1
            if misses[divi] >= PROPOSAL_GAP:
                del next_number[divi]
    for at in range(0, len(heads), BULK):
        chunk = heads[at : at + BULK]
        calls = [("LstInvByPayDate", {"DIVI": d, "PRPN": p, "PYON": o}) for d, p, o in chunk]
        for (divi, _, _), answer in zip(chunk, call_bulk("APS130MI", calls, maxrecs=0), strict=True):
            if isinstance(answer, M3TransactionError):
                raise answer
            yield from ((divi, rec) for rec in answer)
