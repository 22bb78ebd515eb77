"""Reading an Anaplan export file: streamed CSV rows, with the line number for the audit."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ml_connector.errors import ConfigurationError


def export_rows(path: Path, required: list[str], export_name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; a clear error if a required column is missing."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise ConfigurationError(
                f"the export {export_name!r} has columns {header}, missing {missing}",
                hint="Change the export's layout in Anaplan or the flow's column names.",
            )
        for number, row in enumerate(reader, start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k is not None}
