"""What must hold after every round, read from the emulators' own read-outs and the store's tables.

No code of the product's flows, engine, mapping or clients is used. The actuals' Anaplan cells are
checked against sums computed here from the ERP emulators' source lines and the mapping CSV
(`chaos.expected`); list items, ERP documents and suppliers against a baseline (the same flows run
cleanly, without faults or kills, against freshly seeded emulators); the returned plans against the
plan itself (`plans_returned`: the ERP's journals net to Anaplan's approved budget).
Every comparison is done here on plain JSON. A violation is a sentence saying what broke.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from chaos import expected
from chaos.world import BUDGETS, SYSTEMS
from ml_connector.demo.sandbox import Emulators

# The record states a run may leave behind (a record is never left `staged`).
FINAL_RECORD_STATES = {"loaded", "unchanged", "posted", "quarantined", "failed", "would-load", "discarded"}
FINAL_RUN_STATES = {"succeeded", "partial", "failed", "interrupted"}


def _get(url: str) -> Any:
    response = httpx.get(url, timeout=60)
    response.raise_for_status()
    return response.json()


@dataclass
class Snapshot:
    """The business state of the three systems, normalised for comparison."""

    cells: dict[str, dict[str, str]]  # "model/module" -> {cell key: value}
    items: dict[str, list[str]]  # "model/list" -> sorted "code|name|properties"
    journals: dict[str, list[str]]  # "system reference" -> [one normalised document per document found]
    suppliers: dict[str, list[str]]  # "system number" -> [one normalised supplier per record found]


def snapshot(emulators: Emulators) -> Snapshot:
    anaplan = emulators.url("anaplan")
    info = _get(f"{anaplan}/_emulator/info")
    cells: dict[str, dict[str, str]] = {}
    items: dict[str, list[str]] = {}
    for model in info["models"]:
        for module in model["modules"]:
            rows = _get(f"{anaplan}/_emulator/models/{model['name']}/modules/{module}/cells")
            cells[f"{model['name']}/{module}"] = {
                "|".join(f"{k}={v}" for k, v in sorted(row.items()) if k != "value"): _value(row["value"])
                for row in rows
            }
        for list_name in model["lists"]:
            found = _get(f"{anaplan}/_emulator/models/{model['name']}/lists/{list_name}/items")
            items[f"{model['name']}/{list_name}"] = sorted(
                f"{i.get('code')}|{i.get('name')}|{sorted((i.get('properties') or {}).items())}" for i in found
            )
    journals: dict[str, list[str]] = defaultdict(list)
    for doc in _get(f"{emulators.url('oracle')}/_emulator/journals"):
        lines = sorted(
            f"{ln.get('AccountCombination')} dr={ln.get('EnteredDr')} cr={ln.get('EnteredCr')}"
            for header in doc.get("headers", [])
            for ln in header.get("lines", [])
        )
        journals[f"oracle {doc.get('Reference1')}"].append(f"{doc.get('DefaultPeriodName')} {lines}")
    for doc in _get(f"{emulators.url('infor')}/_emulator/journals"):
        lines = sorted(f"{ln['account']}/{ln['cost_center']} {Decimal(str(ln['amount']))}" for ln in doc["lines"])
        journals[f"infor {doc['reference']}"].append(f"{doc['status']} {lines}")
    suppliers: dict[str, list[str]] = defaultdict(list)
    for sup in _get(f"{emulators.url('oracle')}/_emulator/suppliers"):
        suppliers[f"oracle {sup.get('SupplierNumber')}"].append(f"{sup.get('Supplier')}|{sup.get('TaxpayerId')}")
    for sup in _get(f"{emulators.url('infor')}/_emulator/suppliers"):
        suppliers[f"infor {sup['id']}"].append(f"{sup['name']}|{sup['tax_id']}|{sup['status']}")
    return Snapshot(cells, items, dict(journals), dict(suppliers))


def compare(expected: Snapshot, found: Snapshot, *, revised: bool = False) -> list[str]:
    """Cells (but the actuals' ones: `actuals_cells` checks those independently), list items, journals and
    suppliers as the clean baseline left them; nothing twice.

    `revised`: the round changed the plan (the Budget module, an input) after its first return, so the
    returned journals are not the baseline's: `plans_returned` checks them against the plan instead."""
    out: list[str] = []
    for where, want in expected.cells.items():
        if (revised and where.endswith("/Budget")) or where in INDEPENDENT_MODULES:
            continue
        got = found.cells.get(where, {})
        wrong = [k for k in set(want) | set(got) if want.get(k) != got.get(k)]
        if wrong:
            k = sorted(wrong)[0]
            out.append(
                f"cells of {where}: {len(wrong)} differ from the sum of the mapped source lines "
                f"(e.g. {k}: expected {want.get(k)}, found {got.get(k)})"
            )
    for where, want_items in expected.items.items():
        if found.items.get(where) != want_items:
            out.append(f"list items of {where} differ from the baseline")
    for ref, docs in found.journals.items():
        if len(docs) > 1:
            out.append(f"{ref}: {len(docs)} ERP documents for one reference")
    for ref, want_docs in expected.journals.items():
        if revised and ref.split(" ", 1)[1].startswith("MLC-"):
            continue
        got_docs = found.journals.get(ref, [])
        if not got_docs:
            out.append(f"{ref}: journal missing")
        elif got_docs[0] != want_docs[0]:
            out.append(f"{ref}: journal differs from the clean baseline ({got_docs[0][:160]} / {want_docs[0][:160]})")
    extra = {r for r in set(found.journals) - set(expected.journals) if not (revised and " MLC-" in r)}
    if extra:
        out.append(f"journals the baseline did not post: {sorted(extra)[:5]}")
    for number, records in found.suppliers.items():
        if len(records) > 1:
            out.append(f"supplier {number} exists {len(records)} times")
    if set(found.suppliers) != set(expected.suppliers):
        out.append(f"suppliers differ: {sorted(set(found.suppliers) ^ set(expected.suppliers))[:5]}")
    return out


MODEL = "FP&A"
# The modules the actuals flows load: checked against sums computed here, never against a baseline.
INDEPENDENT_MODULES = {f"{MODEL}/Actuals", f"{MODEL}/Supplier Spend"}


def actuals_cells(emulators: Emulators, found: Snapshot, flows: list[str]) -> list[str]:
    """The actuals' cells against the sum, per cell, of every mapped source line the ERP emulators hold
    (`chaos.expected`: no product code, the mapping CSV parsed there)."""
    backends = {system: emulators.emulators[system].backend for system in ("oracle", "infor")}
    return expected.compare_cells(expected.expected_cells(backends, flows), found.cells)


# Each plan-return flow of the demo: the ERP, the cost centers it returns (`only`), its balancing cost center.
RETURNS = {"plan-return-oracle": ("oracle", "3", "3900"), "plan-return-infor": ("infor", "1", "1900")}
Cell = tuple[str, str, str]  # (account, cost center, YYYY-MM)


def approved_budget(emulators: Emulators, cost_center_prefix: str) -> dict[Cell, Decimal]:
    """The approved Budget cells of the Anaplan model, read from the emulator, per (account, cc, month)."""
    rows = _get(f"{emulators.url('anaplan')}/_emulator/models/{MODEL}/modules/Budget/cells")
    cells: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    for row in rows:
        cells[(row["GL Accounts"], row["Cost Centers"], row["Time"])][row["line_item"]] = str(row["value"])
    out: dict[Cell, Decimal] = {}
    for (account, cost_center, label), values in cells.items():
        if values.get("Approved", "").lower() != "true" or not cost_center.startswith(cost_center_prefix):
            continue
        amount = Decimal(values.get("Amount", "").replace(",", "") or "0")
        if amount:
            out[(account, cost_center, _month(label, "%b %y"))] = amount
    return out


def returned_journals(emulators: Emulators, system: str) -> dict[str, dict[Cell, Decimal]]:
    """Every journal the connector wrote into an ERP emulator (reference MLC-...), as net figures per cell."""
    out: dict[str, dict[Cell, Decimal]] = {}
    if system == "oracle":
        for batch in _get(f"{emulators.url('oracle')}/_emulator/journals"):
            ref = str(batch.get("Reference1") or "")
            if ref.startswith("MLC-"):
                cells: dict[Cell, Decimal] = defaultdict(Decimal)
                for header in batch["headers"]:
                    period = _month(header["PeriodName"], "%b-%y")
                    for line in header["lines"]:
                        _, cc, account = line["AccountCombination"].split("-")
                        dr, cr = Decimal(str(line["EnteredDr"] or 0)), Decimal(str(line["EnteredCr"] or 0))
                        cells[(account, cc, period)] += dr - cr
                out[ref] = dict(cells)
        return out
    for journal in _get(f"{emulators.url('infor')}/_emulator/journals"):
        ref = str(journal.get("reference") or "")
        if ref.startswith("MLC-"):
            cells = defaultdict(Decimal)
            for line in journal["lines"]:
                period = f"{line['acct_date'][:4]}-{line['acct_date'][4:6]}"
                cells[(line["account"], line["cost_center"], period)] += Decimal(str(line["amount"]))
            out[ref] = dict(cells)
    return out


def plans_returned(emulators: Emulators, flows: list[str]) -> list[str]:
    """Independently of any baseline: each ERP's journals, summed per cell without the balancing lines, equal
    the approved budget in Anaplan (revisions included: a reversal and its new journal net out), and every
    journal balances."""
    out: list[str] = []
    for flow, (system, prefix, balancing) in RETURNS.items():
        if flow not in flows:
            continue
        journals = returned_journals(emulators, system)
        total: dict[Cell, Decimal] = defaultdict(Decimal)
        for ref, cells in journals.items():
            if sum(cells.values(), Decimal(0)) != 0:
                out.append(f"{system} journal {ref} does not balance ({sum(cells.values(), Decimal(0))})")
            for cell, amount in cells.items():
                if cell[1] != balancing:
                    total[cell] += amount
        held = {cell: amount for cell, amount in total.items() if amount}
        want = approved_budget(emulators, prefix)
        wrong = sorted(set(held) | set(want), key=str)
        wrong = [c for c in wrong if held.get(c) != want.get(c)]
        if wrong:
            c = wrong[0]
            out.append(
                f"{system}: {len(wrong)} cell(s) of the returned journals differ from Anaplan's approved budget "
                f"(e.g. {c}: approved {want.get(c)}, in the ERP {held.get(c)})"
            )
    return out


def _month(label: str, fmt: str) -> str:
    """'Dec 26' (or 'Dec-26') as '2026-12'."""
    return datetime.strptime(label, fmt).replace(tzinfo=UTC).strftime("%Y-%m")


def no_overlapping_tasks(emulators: Emulators) -> list[str]:
    """No two actions on one model at once (the Anaplan emulator's task records)."""
    per_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for task in _get(f"{emulators.url('anaplan')}/_emulator/tasks"):
        if task.get("started") is not None:
            per_model[task["model_id"]].append(task)
    out = []
    for model, tasks in per_model.items():
        tasks.sort(key=lambda t: t["started"])
        for before, after in zip(tasks, tasks[1:], strict=False):
            if before.get("ended") is None or after["started"] < before["ended"]:
                out.append(f"model {model}: task {after['task_id']} started while {before['task_id']} ran")
    return out


def within_budget(emulators: Emulators) -> tuple[list[str], dict[str, int]]:
    """The busiest 60 s each emulator saw, against the tenant's requests per minute."""
    out, busiest = [], {}
    for system in SYSTEMS:
        stats = _get(f"{emulators.url(system)}/_emulator/stats")
        busiest[system] = int(stats["max_requests_per_60s"])
        if busiest[system] > BUDGETS[system]:
            out.append(f"{system}: {busiest[system]} requests in the busiest 60 s, budget {BUDGETS[system]}")
    return out, busiest


def store_states(store_url: str) -> tuple[list[str], dict[str, int]]:
    """Every run finished, every record in one final state, no interrupted run with loaded records."""
    engine = create_engine(store_url)
    out: list[str] = []
    try:
        with engine.connect() as conn:
            runs = list(conn.execute(text("SELECT id, flow, state, stage FROM runs")))
            records = list(
                conn.execute(
                    text(
                        "SELECT r.state AS run_state, r.flow LIKE 'actuals%' AS commits, a.state, count(*) AS n "
                        "FROM audit_records a JOIN runs r ON r.id = a.run_id GROUP BY r.state, commits, a.state"
                    )
                )
            )
    finally:
        engine.dispose()
    by_state = Counter(run.state for run in runs)
    for run in runs:
        if run.state not in FINAL_RUN_STATES:
            out.append(f"run {run.id} of {run.flow} left {run.state} (stage {run.stage})")
    for row in records:
        if row.state not in FINAL_RECORD_STATES:
            out.append(f"{row.n} audit record(s) of {row.run_state} runs left {row.state}")
        if row.run_state == "interrupted" and row.commits and row.state == "loaded":
            # An actuals run's records become `loaded` in its commit; a committed run is not interrupted.
            out.append(f"{row.n} record(s) loaded by actuals runs labelled interrupted (history contradicts data)")
    return out, dict(by_state)


def _value(value: Any) -> str:
    """A number in one canonical form (1, 1.0 and "1.00" are one figure); text as it is."""
    try:
        return str(Decimal(str(value)).normalize())
    except ArithmeticError:
        return str(value)
