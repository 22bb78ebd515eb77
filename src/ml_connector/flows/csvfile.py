"""Writing the CSV an Anaplan import reads: streamed row by row, never held in memory."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from ml_connector.errors import ConfigurationError


class CsvOut:
    """A CSV file with a header; counts its data rows."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.header = list(header)
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(self.header)

    def write(self, row: Sequence[str]) -> int:
        """Write one row; returns its line number in the file (the header is line 1)."""
        self._writer.writerow(row)
        self.rows += 1
        return self.rows + 1

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def check_columns(expected: Sequence[str], ours: Sequence[str], import_name: str) -> list[str]:
    """Our columns in the order the import expects them; a clear error if the sets differ."""
    if not expected:
        return list(ours)
    missing = [c for c in expected if c not in ours]
    extra = [c for c in ours if c not in expected]
    if missing or extra:
        raise ConfigurationError(
            f"the import {import_name!r} expects columns {list(expected)}, the flow writes {list(ours)}"
            + (f"; missing {missing}" if missing else "")
            + (f"; not in the import {extra}" if extra else ""),
            hint="Set the flow's `columns` to the import's column names, or fix the import in Anaplan.",
        )
    return list(expected)
