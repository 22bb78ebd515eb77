"""Admin read-outs: `GET /_emulator/journals` (every journal written through any product line) and suppliers."""

from __future__ import annotations

from typing import Any

from ml_connector.emulators.infor.m3_programs import parm_fields
from ml_connector.emulators.infor.models import InforBackend, M3Batch
from ml_connector.emulators.infor.records import PostedJournal


def journals_readout(backend: InforBackend) -> list[dict[str, Any]]:
    """Journals written through any product line.

    M3 (GLS840MI) batches updated into the GL and FSM (GLTransactionInterface) journals are "posted"; M3
    batches still in the GLS840 interface file are "interface" (not yet validated) or "for review" (CtrlBatch
    passed, waiting for a person to update them); CSI SLJournals entries are grouped by Ref.
    """
    with backend.lock:
        out = [_journal(j) for j in backend.journals]
        out += [_batch(b) for _, b in sorted(backend.m3_batches.items())]
        groups: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in backend.csi_journal_rows.values():
            groups.setdefault((row["Site"], row["Ref"]), []).append(row)
        for (site, ref), rows in sorted(groups.items()):
            out.append(
                {
                    "id": f"CSI-{site}-{ref}",
                    "product": "CSI",
                    "reference": ref,
                    "division": site,
                    "status": "entered",
                    "created": min(r["CreateDate"] for r in rows),
                    "detail": {"Id": rows[0]["Id"]},
                    "lines": [
                        {
                            "acct_date": r["TransDate"][:8],
                            "account": r["Acct"],
                            "cost_center": r["AcctUnit1"],
                            "amount": r["DomAmount"],
                            "currency": r["CurrCode"],
                            "text": r["Ref"],
                        }
                        for r in sorted(rows, key=lambda r: int(r["SeqNo"]) if r["SeqNo"].isdigit() else 0)
                    ],
                }
            )
        return out


def suppliers_readout(backend: InforBackend) -> list[dict[str, Any]]:
    with backend.lock:
        return [
            {
                "id": s.id,
                "name": s.name,
                "tax_id": s.tax_id,
                "terms": s.terms,
                "currency": s.currency,
                "status": s.status,
                "address": s.address,
                "city": s.city,
                "state": s.state,
                "zip": s.zip,
                "country": s.country,
                "changed": s.changed.isoformat() if s.changed else None,
            }
            for s in sorted(backend.suppliers.values(), key=lambda s: s.id)
        ]


def _journal(j: PostedJournal) -> dict[str, Any]:
    return {
        "id": j.id,
        "product": j.product,
        "reference": j.reference,
        "division": j.division,
        "status": j.status,
        "created": j.created.isoformat(),
        "detail": dict(j.detail),
        "lines": [
            {
                "acct_date": ln.acct_date.strftime("%Y%m%d"),
                "account": ln.account,
                "cost_center": ln.cost_center,
                "amount": ln.amount,
                "currency": ln.currency,
                "text": ln.text,
            }
            for ln in j.lines
        ],
    }


def _batch(b: M3Batch) -> dict[str, Any]:
    lines = []
    for number, parm in sorted(b.lines.items()):
        fields = parm_fields(b.interface, parm)
        lines.append(
            {
                "line": number,
                "acct_date": fields["ACDT"],
                "account": fields["AIT1"],
                "cost_center": fields["AIT2"],
                "amount": fields["ACAM"],
                "currency": fields["CUCD"],
                "text": b.description,
            }
        )
    return {
        "id": f"M3-{b.division}-{b.key}",
        "product": "M3",
        "reference": b.description,
        "division": b.division,
        "status": "for review" if b.status == "checked" else "interface",
        "created": b.created.isoformat(),
        "detail": {"KEY1": b.key, "INTN": b.interface, "DESC": b.description, "USID": b.user},
        "lines": lines,
    }
