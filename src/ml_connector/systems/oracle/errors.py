"""Oracle error bodies → readable text, and the Oracle-specific errors the engine treats differently.

Framework 4+ answers `application/vnd.oracle.adf.error+json` with `title` and `o:errorDetails[]`;
earlier versions answer `text/plain`; 500s may have no body at all.
"""

from __future__ import annotations

from typing import Any

from ml_connector.errors import ApiError, RecordError


class PagingError(ApiError):
    """The server's paging metadata cannot be trusted (a page came back twice, or paging never ended)."""

    default_hint = "Re-run the read; if it repeats, narrow the window (since/until) or report it to Oracle support."


class JournalImportError(ApiError):
    """The ESS journal import ended without creating the journal."""

    default_hint = "Read the job log in Oracle (Scheduled Processes); fix the lines and post again."


class JournalImportPendingError(ApiError):
    """A journal import was (or may have been) submitted, but its end was not seen.

    Not retriable on purpose: a re-run would look the journal up before the ESS job has created it and
    import it a second time.
    """

    default_hint = (
        "The import may still create the journal: check Scheduled Processes in Oracle and run again only "
        "after the job has ended (the journal is looked up first, so it is not posted twice then)."
    )


class BulkExtractError(ApiError):
    """A bulk extract (exportBulkData) did not deliver a readable file: its job failed, or its output broke."""

    default_hint = "Nothing was loaded and the watermark did not move; read the job log in Oracle, then run again."


class BudgetLoadError(RecordError):
    """The budget balance load ended without loading the period's amounts (its job log says why)."""

    default_hint = "Read the job log in Oracle (Scheduled Processes); fix the figures or the mapping, then run again."


def error_text(body: Any) -> str:
    """The most useful message in an Oracle error body (dict from JSON, or plain text)."""
    if isinstance(body, str):
        return " ".join(body.split())[:500]
    if not isinstance(body, dict):
        return ""
    details = body.get("o:errorDetails")
    if isinstance(details, list) and details:
        parts = []
        for d in details:
            if isinstance(d, dict):
                text = str(d.get("detail") or d.get("title") or "")
                code = d.get("o:errorCode")
                path = d.get("o:errorPath")
                parts.append(" ".join(x for x in (f"[{code}]" if code else "", text, f"({path})" if path else "") if x))
        if parts:
            return "; ".join(parts)
    for name in ("detail", "title", "message"):
        if body.get(name):
            return str(body[name])
    return ""
