"""A stand-in for the `PlanningModel` port: answers the flows' questions with what a test chooses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ml_connector.ports import ImportOutcome, ListMember, ModelRef

MODEL = ModelRef("8a868cdd7c5e2f0a017c6e1f2b3d0001", "75A40874E6B64FA3AE0B0D8F8E3C2B4A", "Acme", "FP&A")
Loader = Callable[[str, Path, int], ImportOutcome]


def month_labels(first: int, last: int) -> list[str]:
    """Anaplan's monthly labels (`Jan 26`) from January of `first` to December of `last`."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return [f"{m} {y % 100:02d}" for y in range(first, last + 1) for m in months]


def no_load(name: str, path: Path, rows_sent: int) -> ImportOutcome:
    raise AssertionError(f"the test did not expect the import {name!r} to run")


@dataclass
class FakePlanningModel:
    """Exports write `export_text`; imports read `columns` and answer through `loader`."""

    export_text: str = ""
    columns: list[str] = field(default_factory=list)
    loader: Loader = no_load
    members: dict[str, list[ListMember]] = field(default_factory=dict)
    loads: list[dict[str, Any]] = field(default_factory=list)
    periods: list[str] = field(default_factory=lambda: month_labels(2020, 2030))

    def ping(self) -> str:
        return "fake planning model"

    def discover(self) -> dict[str, Any]:
        return {}

    def model(self, workspace: str | None = None, model: str | None = None) -> ModelRef:
        return MODEL

    def import_columns(self, ref: ModelRef, import_name: str) -> list[str]:
        return list(self.columns)

    def list_members(self, ref: ModelRef, list_name: str) -> list[ListMember]:
        return list(self.members.get(list_name, []))

    def time_periods(self, ref: ModelRef) -> list[str]:
        return list(self.periods)

    def load(self, ref: ModelRef, import_name: str, path: Path, rows_sent: int) -> ImportOutcome:
        self.loads.append({"import": import_name, "text": path.read_text(encoding="utf-8"), "rows": rows_sent})
        return self.loader(import_name, path, rows_sent)

    def export(self, ref: ModelRef, export_name: str, dest: Path) -> Path:
        dest.write_text(self.export_text, encoding="utf-8")
        return dest

    def close(self) -> None:
        return None
