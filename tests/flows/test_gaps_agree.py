"""`mapping gaps` and the dashboard's gaps page list the same gaps, before and after the fix: an
unmapped cost center stays a gap through a later run that does not load it, and closes once the
mapping is fixed and the run replayed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import Result
from fastapi.testclient import TestClient

from ml_connector.demo.sandbox import Sandbox
from ml_connector.flows.context import FlowContext
from ml_connector.http import Redactor
from ml_connector.web import build_app
from tests.support.cli import invoke
from tests.support.console import signed_in


def cli(box: Sandbox, *args: str) -> Result:
    result = invoke(box, *args, width=200)
    assert result.exit_code == 0, result.output
    return result


def cli_gaps(box: Sandbox) -> set[tuple[str, str, str]]:
    output = cli(box, "mapping", "gaps").output
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in output.splitlines() if "│" in line]
    return {(r[0], r[1], r[2]) for r in rows if r and r[0] != "flow"}


def web_gaps(web: TestClient) -> set[tuple[str, str, str]]:
    page = web.get("/gaps")
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    return {(c[0], c[1], c[2]) for c in cells if len(c) == 5}


def test_cli_and_dashboard_agree_on_gaps(sandbox: Sandbox, ctx: FlowContext, tmp_path: Path) -> None:
    web = TestClient(build_app(ctx.store, Redactor()))
    signed_in(web, ctx.store)
    cli(sandbox, "run", "reference-infor")
    cli(sandbox, "run", "actuals-infor")
    first = cli(sandbox, "runs", "--flow", "actuals-infor", "--limit", "1").output.split("\n")[3].split("│")[1].strip()
    gap = ("actuals-infor", "cost_center", "1999")
    assert gap in cli_gaps(sandbox)
    assert cli_gaps(sandbox) == web_gaps(web)
    # A later run that reads nothing new leaves the record waiting: still a gap for both.
    cli(sandbox, "run", "actuals-infor")
    assert gap in cli_gaps(sandbox)
    assert cli_gaps(sandbox) == web_gaps(web)
    # Fix the mapping and replay the first run: the record loads, the gap closes for both.
    fixed = tmp_path / "infor.csv"
    fixed.write_text(cli(sandbox, "mapping", "export", "infor").output + "cost_center,exact,1999,1900\n")
    cli(sandbox, "mapping", "import", "infor", str(fixed))
    cli(sandbox, "replay", first)
    assert gap not in cli_gaps(sandbox)
    assert cli_gaps(sandbox) == web_gaps(web)
    assert "1999" not in web.get("/gaps").text
    assert "no mapping gaps" in cli(sandbox, "mapping", "gaps", "--flow", "actuals-infor").output
