"""The fault suite checks the actuals' Anaplan cells against sums it computes itself from the ERP
emulators' source lines and the mapping CSV, not against a run of the product: the product's cells
pass, and one wrong, missing or extra cell is a violation."""

from __future__ import annotations

from chaos.expected import mapper

from chaos import expected, invariants
from ml_connector.demo import mappings
from ml_connector.demo.sandbox import Emulators, Sandbox
from tests.support.cli import invoke

FLOWS = ["actuals-infor", "actuals-oracle"]


def test_the_products_actuals_cells_equal_the_independent_sums(sandbox: Sandbox, emulators: Emulators) -> None:
    for flow in ["reference-oracle", "reference-infor", *FLOWS]:  # the lists first, as a user sets up
        result = invoke(sandbox, "run", flow)
        assert result.exit_code == 0, result.output
    found = invariants.snapshot(emulators)
    assert len(found.cells["FP&A/Actuals"]) > 100 and found.cells["FP&A/Supplier Spend"]
    assert invariants.actuals_cells(emulators, found, FLOWS) == []


def test_a_wrong_a_missing_and_an_extra_cell_are_violations(sandbox: Sandbox, emulators: Emulators) -> None:
    backends = {system: emulators.emulators[system].backend for system in ("oracle", "infor")}
    want = expected.expected_cells(backends, FLOWS)
    assert expected.compare_cells(want, want) == []
    gl = want["FP&A/Actuals"]
    key = sorted(gl)[0]
    wrong = {**want, "FP&A/Actuals": {**gl, key: str(expected.Decimal(gl[key]) + expected.Decimal("0.01"))}}
    (found,) = expected.compare_cells(want, wrong)
    assert "cells of FP&A/Actuals: 1 differ" in found and key in found
    missing = {**want, "FP&A/Actuals": {k: v for k, v in gl.items() if k != key}}
    assert expected.compare_cells(want, missing) != []
    extra = {
        **want,
        "FP&A/Supplier Spend": {**want["FP&A/Supplier Spend"], "Suppliers=X|Time=Nov 25|line_item=Paid": "1"},
    }
    assert expected.compare_cells(want, extra) != []
    # A cell loaded twice (doubled) is as wrong as a lost one.
    doubled = {**want, "FP&A/Actuals": {**gl, key: str(2 * expected.Decimal(gl[key]))}}
    assert expected.compare_cells(want, doubled) != []


def test_the_mapping_csv_is_read_without_the_products_parser() -> None:
    resolve = mapper(mappings.INFOR)
    assert resolve("cost_center", "1100") == "1100"
    assert resolve("cost_center", "1999") is None  # no rule: the line is in no cell
    assert resolve("account", "6200") == "6200"  # pattern `*` with target `=`
    assert mapper("dimension,kind,source,target\ncost_center,pattern,1*,X\n")("cost_center", "1400") == "X"
