"""Parents for the reference flow: where they come from (the ERP's hierarchy, or the flow's parents_file
where the ERP publishes none) and which members cannot be sent under them.

Anaplan keeps a hierarchy as lists one level apart: a member of `GL Accounts` sits under a member of its
parent list (`Account Groups`). So the parents are loaded first, into the parent list, and each member goes
with a Parent column naming one of them. A member whose parent is unknown, is itself, or leads back to
it (a cycle) is quarantined with the reason, never sent under a wrong parent.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ml_connector.errors import ConfigurationError
from ml_connector.records import Hierarchy

DIMENSIONS = ("account", "cost_center")
FILE_COLUMNS = ("kind", "code", "parent", "name")
FIX = "Fix the hierarchy in the ERP (or the flow's parents_file), then run the reference flow again."


def read_parents_file(path: Path) -> dict[str, Hierarchy]:
    """The hierarchies of a parents file: CSV `kind,code,parent,name`.

    `account` and `cost_center` rows give a member's parent; `account_group` and `cost_center_group` rows
    declare a parent member and its name. Example::

        kind,code,parent,name
        account_group,OPEX,,Operating expenses
        account,6100,OPEX,
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the parents file {str(path)!r}: {exc.strerror}",
            hint="Set the flow's parents_file to a CSV kind,code,parent,name (relative to the config file).",
        ) from exc
    if not rows or [c.strip().lower() for c in rows[0]][: len(FILE_COLUMNS)] != list(FILE_COLUMNS):
        raise ConfigurationError(
            f"the parents file {str(path)!r} must start with the header {','.join(FILE_COLUMNS)}",
            hint="Write one row per member (kind account or cost_center) and per parent (account_group ...).",
        )
    parents: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}
    groups: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        kind, code, parent, name = ([c.strip() for c in row] + [""] * 4)[:4]
        if kind in DIMENSIONS and code:
            parents[kind][code] = parent
        elif kind.removesuffix("_group") in DIMENSIONS and kind.endswith("_group") and code:
            groups[kind.removesuffix("_group")][code] = name or code
        else:
            raise ConfigurationError(
                f"{path.name}, line {line}: {row!r} is not a member or parent row",
                hint="kind is account, cost_center, account_group or cost_center_group, and code is not blank.",
            )
    return {d: Hierarchy(parents[d], groups[d]) for d in DIMENSIONS if parents[d] or groups[d]}


def parent_problem(code: str, hierarchy: Hierarchy, members: set[str]) -> str | None:
    """Why `code` cannot be sent under its parent (None when it can, or when it has none)."""
    parent = hierarchy.parents.get(code, "")
    if not parent or parent in hierarchy.groups:
        return None
    if parent == code:
        return f"{code!r} is its own parent"
    chain, current = [code], parent
    while current and current not in hierarchy.groups and current not in chain:
        chain.append(current)
        current = hierarchy.parents.get(current, "")
    if current == code:  # the walk came back to the member itself: it is in a loop
        return f"its parents form a cycle: {' -> '.join([*chain, code])}"
    if parent in members:
        return f"its parent {parent!r} is itself a member of the list, not one of the parent members"
    return f"its parent {parent!r} is unknown: no parent member has that code"
