"""Every behaviour an emulator lists holds against the running emulator; `--list-behaviours` prints them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from typer.testing import CliRunner

from ml_connector.cli.main import app
from ml_connector.demo.sandbox import Emulators
from ml_connector.emulators.anaplan import behaviours as anaplan
from ml_connector.emulators.common.conformance import Behaviour, ConformanceError, expect
from ml_connector.emulators.infor import behaviours as infor
from ml_connector.emulators.oracle import behaviours as oracle

SYSTEMS: dict[str, tuple[list[Behaviour], Callable[[str], httpx.Client]]] = {
    "anaplan": (anaplan.BEHAVIOURS, anaplan.probe_client),
    "oracle": (oracle.BEHAVIOURS, oracle.probe_client),
    "infor": (infor.BEHAVIOURS, infor.probe_client),
}
CASES = [(system, b) for system, (behaviours, _) in SYSTEMS.items() for b in behaviours]


@pytest.mark.parametrize(("system", "behaviour"), CASES, ids=[f"{s}: {b.name}" for s, b in CASES])
def test_behaviour_holds(emulators: Emulators, system: str, behaviour: Behaviour) -> None:
    emulators.reset()
    with SYSTEMS[system][1](emulators.url(system)) as client:
        behaviour.probe(client)


def test_a_failed_expectation_names_what_was_expected() -> None:
    with pytest.raises(ConformanceError, match="CONO is N3"):
        expect(False, "CONO is N3")


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_list_behaviours_prints_each_with_its_source_and_the_assumptions(system: str) -> None:
    result = CliRunner().invoke(app, ["emulate", system, "--list-behaviours"])
    assert result.exit_code == 0, result.output
    for behaviour in SYSTEMS[system][0]:
        assert behaviour.name in result.output and f"source: {behaviour.source}" in result.output
    assert "assumptions (no source says" in result.output and f"{system}/" in result.output
