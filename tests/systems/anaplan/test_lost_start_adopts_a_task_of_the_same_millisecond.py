"""A start whose answer was lost adopts the task Anaplan made for it even when Anaplan dates it in the very
millisecond our first attempt was sent: `creationTime` is whole milliseconds, so the comparison is too.
(On a fast machine the emulator made the task within that millisecond, and the import ran twice.)"""

from __future__ import annotations

from typing import Any, cast

from ml_connector.errors import ApiContext, UnavailableError
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.discovery import ModelRef
from ml_connector.systems.anaplan.tasks import TaskPoller, TaskRunner

SENT_AT = 1_767_225_600.1234567  # epoch seconds with a fraction of a millisecond


class LostStart:
    """An Anaplan whose first start answer is lost after it made the task 0.2 ms later."""

    def __init__(self) -> None:
        self.starts = 0
        self.tasks: list[dict[str, Any]] = []

    def json(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        self.starts += 1
        task = {"taskId": f"T{self.starts}", "creationTime": int((SENT_AT + 0.0002) * 1000)}
        self.tasks.append(task)
        if self.starts == 1:
            raise UnavailableError("no answer", context=ApiContext("anaplan", method, path))
        return {"task": task}

    def items(self, path: str, key: str, what: str, limit: int = 0) -> list[dict[str, Any]]:
        return list(self.tasks)


def test_the_task_made_in_the_same_millisecond_is_adopted_not_started_again() -> None:
    anaplan = LostStart()
    runner = TaskRunner(cast(AnaplanApi, anaplan), TaskPoller(), timeout=5, sleep=lambda _: None, wall=lambda: SENT_AT)
    ref = ModelRef("W1", "M1", "Acme", "FP&A")
    assert runner.start(ref, "import", "112000000003") == "T1"
    assert anaplan.starts == 1
