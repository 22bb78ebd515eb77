"""Transactional reads: list members and model status.

`GET .../lists/{id}/items?includeAll=true` returns the whole list (up to 1,000,000 items, no paging);
`listItems` is left out when the list is empty. `GET /models/{id}/status` has no envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.discovery import ModelRef


@dataclass(frozen=True)
class ListMember:
    """One list item: the code the flows map to, its display name, its id."""

    code: str
    name: str
    id: str
    parent: str | None = None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelStatus:
    """What the model is doing: `Open`/`Closed` when idle, `Processing ...` while an action runs."""

    current_step: str
    progress: float | None
    task_id: str | None
    tooltip: str | None

    @property
    def busy(self) -> bool:
        return self.task_id is not None or self.current_step.startswith("Processing")


def list_members(api: AnaplanApi, ref: ModelRef, list_id: str, list_name: str = "") -> list[ListMember]:
    body = api.get(
        f"{ref.path}/lists/{list_id}/items",
        f"reading the items of list {list_name or list_id!r} in model {ref}",
        params={"includeAll": "true"},
    )
    members = []
    for item in body.get("listItems") or []:
        properties: dict[str, Any] = item.get("properties") if isinstance(item.get("properties"), dict) else {}
        members.append(
            ListMember(
                code=str(item.get("code") or ""),
                name=str(item.get("name") or ""),
                id=str(item.get("id") or ""),
                parent=str(item["parent"]) if item.get("parent") else None,
                properties={str(k): str(v) for k, v in properties.items()},
            )
        )
    return members


# ASSUMPTION: the model's monthly Time dimension answers to the id of the cell-write docs' example
# ("20000000003"); the docs name no other id for Time.
TIME_DIMENSION_ID = "20000000003"


def time_periods(api: AnaplanApi, ref: ModelRef) -> list[str]:
    """The labels of the model's time periods (`Jan 26`, ...), as the Time dimension's items name them."""
    body = api.get(f"{ref.path}/dimensions/{TIME_DIMENSION_ID}/items", f"reading the time periods of model {ref}")
    return [str(item.get("name") or "") for item in body.get("items") or []]


def model_status(api: AnaplanApi, ref: ModelRef) -> ModelStatus:
    body = api.get(f"/models/{ref.model_id}/status", f"reading the status of model {ref}")
    raw = body.get("requestStatus")
    status: dict[str, Any] = raw if isinstance(raw, dict) else {}
    progress = status.get("progress")
    return ModelStatus(
        current_step=str(status.get("currentStep") or ""),
        progress=float(progress) if isinstance(progress, int | float) else None,
        task_id=str(status["taskId"]) if status.get("taskId") else None,
        tooltip=str(status["tooltip"]) if status.get("tooltip") else None,
    )
