"""What every Infor journal poster shares: the checks on a draft and the look-up-before-post loop.

A journal is posted only when no journal with its deterministic reference exists (DESIGN 2.2). When a
write's answer is lost (a dropped connection, a 5xx after the write), the poster does not guess: it
looks the reference up again, and posts again only if the journal is still not there.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal

from ml_connector.errors import InvalidRecordError, RetriableError
from ml_connector.records import JournalDraft, PostResult

log = logging.getLogger("ml_connector.systems.infor")
POST_ATTEMPTS = 3


def check_draft(draft: JournalDraft, *, max_reference: int, max_account: int = 0) -> None:
    """Refuse a draft the product line cannot carry, naming what is wrong (a record-level error)."""
    problems = []
    if not draft.reference.strip():
        problems.append("the reference is empty")
    elif len(draft.reference) > max_reference:
        problems.append(f"reference {draft.reference!r} is longer than {max_reference} characters")
    if not draft.lines:
        problems.append("the journal has no lines")
    elif not draft.balanced:
        total = sum((line.amount for line in draft.lines), Decimal(0))
        problems.append(f"the lines do not balance (they sum to {total})")
    if max_account:
        for n, line in enumerate(draft.lines, start=1):
            if len(line.account) > max_account or len(line.cost_center) > max_account:
                problems.append(f"line {n}: account or cost center longer than {max_account} characters")
    if problems:
        raise InvalidRecordError(
            f"Journal {draft.reference!r} cannot be posted to Infor: " + "; ".join(problems),
            hint="Fix the plan figures or the reference rule, then replay the run.",
        )


def batch_key(reference: str, length: int = 10) -> str:
    """A short deterministic key for a reference (M3 KEY1): the same reference always gives the same key."""
    return hashlib.sha256(reference.encode()).hexdigest()[:length].upper()


def post_once(
    reference: str,
    find: Callable[[], str | None],
    write: Callable[[], str],
) -> PostResult:
    """Look up, then write; after a lost answer look up again before writing again."""
    existing = find()
    if existing is not None:
        return PostResult(reference=reference, document_id=existing, created=False)
    for attempt in range(1, POST_ATTEMPTS + 1):
        try:
            return PostResult(reference=reference, document_id=write(), created=True)
        except RetriableError:
            # The write may have been applied before the answer was lost: only the source knows.
            existing = find()
            if existing is not None:
                log.info("infor journal found after a lost answer", extra={"reference": reference})
                return PostResult(reference=reference, document_id=existing, created=True)
            if attempt == POST_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
