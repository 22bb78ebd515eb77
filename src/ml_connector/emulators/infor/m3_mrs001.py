"""MRS001MI, M3's metadata program: the transactions of a program and the fields of a transaction.

Sources: infor.md 2.1 (the official M3 SDK fetches typed output metadata with `MRS001MI/LstAdtFieldInf`, inputs
MINM, TRNM, TRTP='O', outputs FLNM, TYPE, LENG, FLDS; public VBA code calls `MRS001MI/LstTransactions` with MINM and
`returncols=MINM,TRNM,SIMU`). Field types and lengths come from `m3_metadata` (infor.md appendix B).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ml_connector.emulators.infor.exceptions import M3Error
from ml_connector.emulators.infor.m3_metadata import output_fields
from ml_connector.emulators.infor.m3_programs import CallContext, Record, require_fields

Transaction = Callable[[CallContext, Record], list[Record]]


def mrs001_transactions(programs: Mapping[str, Mapping[str, Transaction]]) -> dict[str, Transaction]:
    """MRS001MI's transactions over the programs the emulator serves (MRS001MI itself included)."""

    def served() -> dict[str, list[str]]:
        listing = {p: list(t) for p, t in programs.items()}
        listing["MRS001MI"] = ["LstAdtFieldInf", "LstTransactions"]
        return listing

    def lst_transactions(ctx: CallContext, inputs: Record) -> list[Record]:
        require_fields(inputs, "MINM")
        program = inputs["MINM"].strip().upper()
        names = served().get(program)
        if names is None:
            # ASSUMPTION: the NOK for an unknown program mirrors the "does not exist" family of M3 messages.
            raise M3Error(f"Program {program} does not exist", "WMI0103", "MINM")
        # ASSUMPTION: SIMU is M for a transaction that lists many records (Lst*, Search*), S for one record.
        return [
            {"MINM": program, "TRNM": name, "SIMU": "M" if name.startswith(("Lst", "Search")) else "S"}
            for name in sorted(names)
        ]

    def lst_adt_field_inf(ctx: CallContext, inputs: Record) -> list[Record]:
        require_fields(inputs, "MINM", "TRNM")
        program, transaction = inputs["MINM"].strip().upper(), inputs["TRNM"].strip()
        kind = inputs.get("TRTP", "").strip().upper() or "O"
        if transaction not in served().get(program, []):
            raise M3Error(f"Transaction {program}/{transaction} does not exist", "WTR0103", "TRNM")
        if kind != "O":
            # ASSUMPTION: only output metadata is modelled (the SDK asks for TRTP=O); input metadata is refused.
            raise M3Error(f"Transaction type {kind} is not available", "WTR0203", "TRTP")
        fields = output_fields(program, transaction)
        if fields is None:
            # ASSUMPTION: transactions whose outputs the notes do not list answer no fields rather than guessed ones.
            return []
        return [
            {
                "MINM": program,
                "TRNM": transaction,
                "FLNM": f.name,
                "TYPE": f.type,
                "LENG": str(f.length),
                "FLDS": f.description,
            }
            for f in fields.values()
        ]

    return {"LstTransactions": lst_transactions, "LstAdtFieldInf": lst_adt_field_inf}
