"""Journals this product posted itself (plan-return), recognised wherever an ERP shows them to a reader.

Every return journal carries its deterministic reference (`MLC-<3 letters>-<8 hex>-<YYYY-MM>`, then
`-<n><J|R|D>` for revisions): Oracle names the batch after it (REFERENCE1) and keeps it as each line's
description (REFERENCE10); M3 gives it to each updated line as the voucher text (VTXT); CSI keeps it in `Ref`
and enters plan journals in a journal of their own (`csi_plan_journal`, whose posted rows carry it as FromId);
FSM in each line's `Description` (its run group, FSM's batch name, is the reference too) and journalizes plan
journals under a system code of their own (`fsm_plan_system`, the GL lines' `System`). Actuals readers
skip these lines, so a budget posted for review, and later posted by a reviewer, never comes back into Anaplan
as actuals.
"""

from __future__ import annotations

import re

OWN_REFERENCE = re.compile(r"MLC-[A-Z0-9]{1,3}-[0-9a-f]{8}-\d{4}-\d{2}(?:-\d{1,3}[JRD])?(?:\s|$)")


def posted_by_us(*texts: object) -> bool:
    """True when any of the texts (batch name, voucher text, reference, line description) starts with a
    return-journal reference."""
    return any(isinstance(text, str) and OWN_REFERENCE.match(text.strip()) is not None for text in texts)
