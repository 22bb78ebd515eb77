"""Paths and readers for the golden files (see tests/golden/README.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
GL_INTERFACE_CSV = HERE / "oracle" / "GlInterface.csv"
GL_BUDGET_INTERFACE_CSV = HERE / "oracle" / "GlBudgetInterface.csv"
GLS840_BATCH = HERE / "infor" / "gls840_batch.json"
JOURNAL_LINES_EXTRACT = HERE / "oracle" / "JournalLinesExtract.csv"


def gl_interface_rows() -> list[list[str]]:
    """The rows of the sample FBDI journal-import CSV, as written (no header row)."""
    with GL_INTERFACE_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def gl_budget_interface_rows() -> list[list[str]]:
    """The rows of the sample FBDI budget balance import CSV, as written (no header row)."""
    with GL_BUDGET_INTERFACE_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def journal_lines_extract() -> list[dict[str, str]]:
    """The rows of the sample journal lines extract (exportBulkData output), keyed by its header row."""
    with JOURNAL_LINES_EXTRACT.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def gls840_calls() -> list[dict[str, Any]]:
    """The GLS840MI transactions of the sample batch, in order: {"transaction", "inputs"}."""
    calls: list[dict[str, Any]] = json.loads(GLS840_BATCH.read_text(encoding="utf-8"))["calls"]
    return calls


ANAPLAN_OBJECT_IDS = HERE / "anaplan" / "object_ids.json"


def anaplan_object_ids() -> dict[str, Any]:
    """Documented sample ids by kind, and the documented prefix of each 12-digit kind (`prefix_table`)."""
    ids: dict[str, Any] = json.loads(ANAPLAN_OBJECT_IDS.read_text(encoding="utf-8"))
    return ids
