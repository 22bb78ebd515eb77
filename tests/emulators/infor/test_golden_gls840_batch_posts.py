"""The emulator's GLS840MI reads the golden batch (tests/golden/README.md) and posts it as one journal."""

from __future__ import annotations

from tests.emulators.infor.conftest import Infor
from tests.emulators.infor.test_m3 import EXEC, records
from tests.golden.files import gls840_calls


def test_the_golden_batch_is_validated_then_updated_into_the_gl(infor: Infor) -> None:
    calls = gls840_calls()
    for step in calls:
        records(infor.api.get(f"{EXEC}/GLS840MI/{step['transaction']}", params=step["inputs"]))
    head = calls[0]["inputs"]
    journal = infor.admin.get("/_emulator/journals").json()[0]
    assert (journal["reference"], journal["status"]) == ("PLAN-FY27-0042", "for review")
    assert [
        (ln["line"], ln["acct_date"], ln["account"], ln["cost_center"], ln["currency"], ln["amount"])
        for ln in journal["lines"]
    ] == [
        (1, "20261231", "6200", "1100", "USD", "1200.00"),
        (2, "20261231", "6300", "1100", "USD", "799.50"),
        (3, "20261231", "2000", "1900", "USD", "-1999.50"),
    ]
    base = {k: head[k] for k in ("CONO", "DIVI", "KEY1")}
    records(infor.api.get(f"{EXEC}/GLS840MI/UpdBatch", params=base))
    found = records(infor.api.get(f"{EXEC}/GLS200MI/SearchGenLedger", params={"SQRY": 'VTXT:"PLAN-FY27-0042"'}))
    assert sorted(r["ACAM"].strip() for r in found) == ["-1999.50", "1200.00", "799.50"]
