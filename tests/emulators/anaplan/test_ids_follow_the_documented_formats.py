"""Every id the emulator gives out has the documented format of its kind (golden tests/golden/anaplan/object_ids.json).

The emulator keeps its own numbering (`models.py`, `planning.py`); this checks it against the documented prefixes
and cases, never against the client's table.
"""

from __future__ import annotations

import re

import httpx

from tests.golden.files import anaplan_object_ids

from .conftest import WS, model_path

GOLDEN = anaplan_object_ids()
COLLECTIONS = {"list": "lists", "module": "modules", "import": "imports", "file": "files", "export": "exports"}
COLLECTIONS |= {"action": "actions", "process": "processes"}


def test_object_ids_carry_the_documented_prefix_of_their_kind(api: httpx.Client) -> None:
    for kind, collection in COLLECTIONS.items():
        answer = api.get(f"{model_path()}/{collection}")
        assert answer.status_code == 200, (collection, answer.text)
        ids = [item["id"] for item in answer.json()[collection]]
        assert ids, collection
        prefixes = {GOLDEN["prefix_table"][kind]}
        if kind == "file":  # an export's output file has the export's id (anaplan.md 1.5)
            prefixes.add(GOLDEN["prefix_table"]["export"])
        assert all(i[:3] in prefixes and re.fullmatch(r"\d{12}", i) for i in ids), (kind, ids)


def test_workspace_ids_are_lowercase_and_model_ids_uppercase_hex(api: httpx.Client) -> None:
    case = {"workspace": "[0-9a-f]{32}", "model": "[0-9A-F]{32}"}
    assert all(re.fullmatch(case[k], s) for k in case for s in GOLDEN[k])  # the documented samples themselves
    workspaces = [w["id"] for w in api.get("/2/0/workspaces").json()["workspaces"]]
    models = [m["id"] for m in api.get(f"/2/0/workspaces/{WS}/models").json()["models"]]
    assert workspaces and all(re.fullmatch(case["workspace"], w) for w in workspaces)
    assert models and all(re.fullmatch(case["model"], m) for m in models)
