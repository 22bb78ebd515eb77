"""an import whose end we could not see must not fail as "retriable".

Workers re-run a job that failed with a `RetriableError`; the re-run looks the journal up, does not find
it while the first ESS job is still queued or running, and imports it a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from ml_connector.errors import ApiError, RetriableError
from ml_connector.systems.oracle import OracleClient

from .test_posting import _draft


@pytest.fixture()
def slow_ess(admin: httpx.Client) -> Iterator[None]:
    admin.put("/_emulator/ess", json={"seconds": 30}).raise_for_status()
    yield
    admin.put("/_emulator/ess", json={"seconds": 0.5}).raise_for_status()


@pytest.mark.usefixtures("slow_ess")
def test_an_import_still_running_at_the_timeout_is_not_retriable(make_client: Callable[..., OracleClient]) -> None:
    oracle = make_client(ess_timeout_seconds=0.3, ess_poll_seconds=0.05)
    with pytest.raises(ApiError) as info:
        oracle.post_journal(_draft("PLAN-R1"))
    assert not isinstance(info.value, RetriableError)
    assert "Scheduled Processes" in info.value.hint


@pytest.mark.usefixtures("slow_ess")
def test_a_lost_import_answer_without_the_journal_is_not_retriable(
    admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    oracle = make_client(ess_timeout_seconds=0.3, ess_poll_seconds=0.05)
    admin.put("/_emulator/faults", json={"next_lost_response": 1, "path_contains": "erpintegrations"})
    with pytest.raises(ApiError) as info:
        oracle.post_journal(_draft("PLAN-R2"))
    assert not isinstance(info.value, RetriableError)
    assert len(admin.get("/_emulator/jobs").json()) == 1
