"""Extra volume: N more loaded actuals cells in the first model, for large-volume reads and exports.

Anaplan holds no posted lines; what a large ERP gives it is many actuals cells (one per account, cost center and
month). So `--extra-lines N` adds N cells to the first model's first module that has a Time dimension, a list
dimension and a NUMBER line item (the seeded "Actuals"): the last list dimension (the seeded "Cost Centers")
gets new members, each filled for every member of the other lists and every period, in model order, until N
cells exist; the last member may be partly filled. Amounts are deterministic for the seed. The members and cells
are ordinary ones: views, large-volume read requests, list reads and exports serve them like the seeded data;
`POST /_emulator/reset` drops them. `PUT /_emulator/volume` answers in the shape every emulator shares; its
`journals` count is, here, the number of list members added.
"""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import product
from typing import TYPE_CHECKING

from ml_connector.emulators.anaplan.definition import TIME

if TYPE_CHECKING:
    from ml_connector.emulators.anaplan.models import AnaplanBackend
    from ml_connector.emulators.anaplan.planning import Module, PlanningModel

MAX_CELLS = 10_000_000
# ASSUMPTION: volume members are numbered cost centers "V0000001"... named "Volume cost center 1"..., so they
# never collide with a seeded code and are plain to recognise in a read-out.
CODE_PREFIX = "V"


def _target(planning: PlanningModel) -> tuple[Module, str, str]:
    """The module to fill, the list dimension to grow and the NUMBER line item to fill."""
    for module in planning.modules.values():
        lists = [d for d in module.dimensions if d != TIME]
        numbers = [li.name for li in module.line_items.values() if li.format == "NUMBER"]
        if TIME in module.dimensions and lists and numbers:
            return module, lists[-1], numbers[0]
    raise ValueError("the first model has no module with a Time dimension, a list and a NUMBER line item")


def add_lines(backend: AnaplanBackend, count: int, seed: int) -> int:
    """Add `count` actuals cells to the first model; the number of list members added for them."""
    if count < 0 or count > MAX_CELLS:
        raise ValueError(f"extra lines must be between 0 and {MAX_CELLS}, not {count}")
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    with backend.lock:
        state = backend.models[backend.tenant.models[0].id]
        planning = state.planning
        module, grown, line_item = _target(planning)
        plan_list = planning.lists[grown]
        others = [
            list(planning.periods) if d == TIME else list(planning.lists[d].items)
            for d in module.dimensions
            if d != grown
        ]
        at = module.dimensions.index(grown)
        per_member = [tuple(combo) for combo in product(*others)]
        if not per_member:
            raise ValueError(f"module {module.name!r} has an empty dimension: no cell can be added")
        added = members = 0
        number = len(plan_list.items)
        while added < count:
            number += 1
            code = f"{CODE_PREFIX}{number:07d}"
            while plan_list.by_code(code) is not None:
                number += 1
                code = f"{CODE_PREFIX}{number:07d}"
            plan_list.add(code, f"Volume cost center {number}")
            members += 1
            for combo in per_member[: count - added]:
                key = (*combo[:at], code, *combo[at:])
                module.cells[key] = {line_item: Decimal(rng.randint(-500_000, 2_500_000)) / 100}
            added += min(len(per_member), count - added)
        return members
