"""Imports with rejected rows and dumps, count checks, failed and cancelled tasks, busy models, processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.errors import TaskFailedError
from ml_connector.systems.anaplan import AnaplanClient, ImportFailedError

from .conftest import write_csv

HEADER = ["GL Account", "Cost Center", "Period", "Amount"]


def cells(admin: httpx.Client, facts: dict[str, Any]) -> list[dict[str, Any]]:
    return list(admin.get(f"/models/{facts['model_id']}/modules/Actuals/cells").json())


def test_load_with_rejected_rows(
    client: AnaplanClient, admin: httpx.Client, facts: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        ["4000", "1100", "Jan 27", "1000.50"],
        ["9999", "1100", "Jan 27", "5.00"],  # no such account
        ["5000", "1200", "Feb 27", "-20.25"],
        ["6000", "8888", "Feb 27", "7.00"],  # no such cost center
    ]
    path = write_csv(tmp_path / "actuals.csv", HEADER, rows)
    ref = client.model()
    outcome = client.load(ref, "Load Actuals", path, rows_sent=4)
    assert outcome.successful and outcome.task_id
    assert (outcome.rows_processed, outcome.rows_failed) == (2, 2)
    assert [r.line for r in outcome.rejected] == [3, 5]
    first = outcome.rejected[0]
    assert first.row == {"GL Account": "9999", "Cost Center": "1100", "Period": "Jan 27", "Amount": "5.00"}
    assert "9999" in first.error
    outcome.verify(4)  # every row is loaded or rejected with its error
    with pytest.raises(TaskFailedError, match="5 rows were sent but Anaplan accounts for 4"):
        outcome.verify(5)
    assert len(cells(admin, facts)) == 2


def test_load_that_loads_nothing_is_reported(client: AnaplanClient, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "actuals.csv", HEADER, [["9999", "1100", "Jan 27", "1"]])
    outcome = client.load(client.model(), "Load Actuals", path, rows_sent=1)
    with pytest.raises(TaskFailedError, match="none of the 1 rows sent was loaded"):
        outcome.verify(1)


def test_rows_lost_on_the_way_are_reported(client: AnaplanClient, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "actuals.csv", HEADER, [["4000", "1100", "Jan 27", "1"]])
    outcome = client.load(client.model(), "Load Actuals", path, rows_sent=3)
    with pytest.raises(TaskFailedError, match="3 rows were sent but Anaplan accounts for 1"):
        outcome.verify(3)


def test_unsuccessful_import_raises_with_details(client: AnaplanClient, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wrong.csv", ["Account", "Value"], [["4000", "1"]])
    with pytest.raises(ImportFailedError, match="did not succeed: Source columns not found") as caught:
        client.load(client.model(), "Load Actuals", path, rows_sent=1)
    assert caught.value.outcome.task.state == "COMPLETE"


def test_rerun_overwrites_not_adds(
    client: AnaplanClient, admin: httpx.Client, facts: dict[str, Any], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "actuals.csv", HEADER, [["4000", "1100", "Jan 27", "10"]])
    ref = client.model()
    client.load(ref, "Load Actuals", path, rows_sent=1).verify(1)
    client.load(ref, "Load Actuals", path, rows_sent=1).verify(1)
    (cell,) = cells(admin, facts)
    assert float(cell["value"]) == 10.0


def test_cancel_a_running_task(make_client: Callable[..., AnaplanClient], admin: httpx.Client) -> None:
    admin.put("/settings", json={"task_seconds": 1.0})
    client = make_client()
    ref = client.model()
    object_id, task_id = client.start(ref, "export", "Export Actuals")
    time.sleep(0.1)
    assert client.model_status(ref).busy
    assert client.cancel(ref, ("export", object_id, task_id)) in ("CANCELLING", "CANCELLED")
    outcome = client.wait(ref, "export", object_id, task_id)
    assert outcome.state == "CANCELLED" and outcome.failed
    with pytest.raises(TaskFailedError, match="cancelled and rolled back"):
        outcome.raise_for_failure()
    assert not client.model_status(ref).busy


def test_busy_model_waits_its_turn(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    admin.put("/settings", json={"task_seconds": 0.4})
    other = make_client()
    client = make_client()
    ref = client.model()
    # Another tool (outside our lock) starts an action: ours queues behind it and still succeeds.
    other.start(ref, "export", "Export Actuals")
    path = write_csv(tmp_path / "actuals.csv", HEADER, [["4000", "1100", "Jan 27", "1"]])
    client.load(ref, "Load Actuals", path, rows_sent=1).verify(1)
    tasks = admin.get("/tasks").json()
    assert [t["kind"] for t in tasks] == ["exports", "imports"]
    assert tasks[1]["started"] >= tasks[0]["ended"]


def test_model_lock_serialises_threads(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    admin.put("/settings", json={"task_seconds": 0.1})
    client = make_client()
    ref = client.model()
    paths = [write_csv(tmp_path / f"a{n}.csv", HEADER, [["4000", "1100", "Jan 27", str(n)]]) for n in range(3)]
    errors: list[BaseException] = []

    def load(path: Path) -> None:
        try:
            client.load(ref, "Load Actuals", path, rows_sent=1).verify(1)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    tasks = admin.get("/tasks").json()
    assert len(tasks) == 3
    # Under the lock, each upload+import finished before the next upload: tasks never queued.
    for before, after in zip(tasks, tasks[1:], strict=False):
        assert after["created"] >= before["ended"]


def test_process_and_its_outcome(client: AnaplanClient, tmp_path: Path) -> None:
    ref = client.model()
    client.upload(ref, "actuals.csv", write_csv(tmp_path / "a.csv", HEADER, [["4000", "1100", "Jan 27", "1"]]))
    client.upload(
        ref,
        "supplier_spend.csv",
        write_csv(tmp_path / "s.csv", ["Supplier", "Period", "Invoiced", "Paid"], [["S10001", "Jan 27", "5", "4"]]),
    )
    outcome = client.run_process(ref, "Refresh Actuals")
    assert outcome.successful and len(outcome.result["nestedResults"]) == 2
    assert all(inner.rejected == [] for inner in client.process_rejected(ref, outcome).values())


def test_process_rejected_rows(client: AnaplanClient, tmp_path: Path) -> None:
    ref = client.model()
    rows = [["4000", "1100", "Jan 27", "1"], ["0000", "1100", "Jan 27", "2"]]
    client.upload(ref, "actuals.csv", write_csv(tmp_path / "a.csv", HEADER, rows))
    spend = [["S10001", "Jan 27", "5", "4"]]
    client.upload(
        ref, "supplier_spend.csv", write_csv(tmp_path / "s.csv", ["Supplier", "Period", "Invoiced", "Paid"], spend)
    )
    outcome = client.run_process(ref, "Refresh Actuals")
    inner = client.process_rejected(ref, outcome)
    actuals = inner["112000000003"]
    assert [(r.line, r.row["GL Account"]) for r in actuals.rejected] == [(3, "0000")]
    actuals.verify(2)
    inner["112000000004"].verify(1)


def test_task_timeout(make_client: Callable[..., AnaplanClient], admin: httpx.Client) -> None:
    admin.put("/settings", json={"task_seconds": 2.0})
    client = make_client(task_timeout_seconds=0.3)
    ref = client.model()
    with pytest.raises(TaskFailedError, match="still IN_PROGRESS"):
        client.export(ref, "Export Actuals", Path("never.csv"))


def test_token_expires_while_a_load_waits(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, tmp_path: Path
) -> None:
    admin.put("/settings", json={"task_seconds": 0.5})
    client = make_client()
    ref = client.model()
    path = write_csv(tmp_path / "actuals.csv", HEADER, [["4000", "1100", "Jan 27", "3"]])
    timer = threading.Timer(0.25, lambda: admin.post("/expire-tokens"))
    timer.start()
    try:
        client.load(ref, "Load Actuals", path, rows_sent=1).verify(1)
    finally:
        timer.cancel()
    stats = admin.get("/stats").json()
    assert stats["auth_calls"] == 2
    assert sum(v.get("401", 0) for v in stats["requests"].values()) == 1


def test_columns_are_read_again_after_a_load_that_was_not_clean(
    client: AnaplanClient, admin: httpx.Client, tmp_path: Path
) -> None:
    ref = client.model()
    metadata = f"GET /2/0{ref.path}/imports/{client.discovery.object(ref, 'import', 'Load Actuals')['id']}"

    def metadata_reads() -> int:
        return sum(admin.get("/stats").json()["requests"].get(metadata, {}).values())

    assert client.import_columns(ref, "Load Actuals") == HEADER
    assert client.import_columns(ref, "Load Actuals") == HEADER
    assert metadata_reads() == 1  # kept for the process
    path = write_csv(tmp_path / "a.csv", HEADER, [["9999", "1100", "Jan 27", "5.00"]])  # no such account
    client.load(ref, "Load Actuals", path, rows_sent=1)
    assert client.import_columns(ref, "Load Actuals") == HEADER
    assert metadata_reads() == 2  # the import may have changed: read again
