"""`/_emulator/volume` adds actuals cells to the first model deterministically; exports and list reads serve them."""

from __future__ import annotations

import csv
import io

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.emulators.anaplan import build_app
from ml_connector.emulators.anaplan.volume import add_lines

from .conftest import model_path, run_action

EXPORT_ACTUALS = "116000000002"
BACKEND = build_app(task_seconds=0).backend


def _export(api: httpx.Client) -> list[list[str]]:
    assert run_action(api, "exports", EXPORT_ACTUALS)["result"]["successful"]
    files = {f["id"]: f for f in api.get(f"{model_path()}/files").json()["files"]}
    text = "".join(
        api.get(f"{model_path()}/files/{EXPORT_ACTUALS}/chunks/{n}").text
        for n in range(files[EXPORT_ACTUALS]["chunkCount"])
    )
    return list(csv.reader(io.StringIO(text)))[1:]


def test_extra_cells_are_exported_and_the_same_for_the_same_seed(api: httpx.Client, http: httpx.Client) -> None:
    before = _export(api)
    answer = http.put("/_emulator/volume", json={"extra_lines": 2500, "seed": 9}).json()
    assert answer["extra_lines"] == 2500 and answer["journals"] > 1  # new cost centers for the cells
    first = _export(api)
    assert len(first) == len(before) + 2500
    added = [row for row in first if row[1].startswith("V")]
    assert len(added) == 2500 and len({row[1] for row in added}) == answer["journals"]
    members = http.get(f"/_emulator/models/{model_path().rsplit('/', 1)[-1]}/lists/Cost Centers/items").json()
    assert {row[1] for row in added} <= {m["code"] for m in members}
    http.post("/_emulator/reset").raise_for_status()
    assert _export(api) == before
    http.put("/_emulator/volume", json={"extra_lines": 2500, "seed": 9}).raise_for_status()
    assert _export(api) == first


def test_bad_volume_requests_are_refused(http: httpx.Client) -> None:
    for body in ({"extra_lines": -1}, {"extra_lines": "many"}, {"extra_lines": 10**9, "seed": 1}):
        answer = http.put("/_emulator/volume", json=body)
        assert answer.status_code == 400 and "extra lines" in answer.json()["error"].replace("_", " ")


@settings(max_examples=15, deadline=None)
@given(count=st.integers(min_value=0, max_value=600), seed=st.integers(min_value=0, max_value=2**31))
def test_exactly_n_cells_are_added_on_new_members_only(count: int, seed: int) -> None:
    BACKEND.reset()
    planning = next(iter(BACKEND.models.values())).planning
    module = planning.modules["Actuals"]
    seeded = dict(module.cells)
    add_lines(BACKEND, count, seed)
    new = {k: v for k, v in module.cells.items() if k not in seeded}
    assert len(module.cells) == len(seeded) + count and len(new) == count
    assert all(module.cells[k] == v for k, v in seeded.items())
    assert all(planning.member_exists(dim, code) for k in new for dim, code in zip(module.dimensions, k, strict=True))
