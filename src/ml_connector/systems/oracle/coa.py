"""Chart of accounts: splitting an account combination, and segment values as accounts and cost centers.

`AccountCombination` on a journal line is the segment values joined by the chart's delimiter in segment
order (e.g. `300-3100-6100`); which position is the cost center and which the natural account comes from
the connection settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ml_connector.errors import ConfigurationError
from ml_connector.http import ApiSession
from ml_connector.records import Account, CostCenter, Hierarchy
from ml_connector.systems.oracle.paging import read_collection
from ml_connector.systems.oracle.settings import OracleSettings


@dataclass(frozen=True)
class SegmentLayout:
    """Where the cost center and the account sit in an account combination (1-based positions)."""

    delimiter: str = "-"
    cost_center: int = 2
    account: int = 3

    def split(self, combination: str) -> tuple[str, str]:
        """(account, cost center) of a combination; ValueError when it has too few segments."""
        values = combination.split(self.delimiter)
        needed = max(self.cost_center, self.account)
        if len(values) < needed or not combination:
            raise ValueError(
                f"account combination {combination!r} has {len(values)} segment(s) split on "
                f"{self.delimiter!r}; expected at least {needed}"
            )
        account, cost_center = values[self.account - 1].strip(), values[self.cost_center - 1].strip()
        if not account or not cost_center:
            raise ValueError(f"account combination {combination!r} has an empty account or cost center segment")
        return account, cost_center

    @staticmethod
    def of(settings: OracleSettings) -> SegmentLayout:
        return SegmentLayout(settings.segment_delimiter, settings.cost_center_segment, settings.account_segment)


def value_sets(session: ApiSession, page_size: int) -> list[dict[str, Any]]:
    """Every value set the user can see (segment value sets among them)."""
    return list(read_collection(session, "valueSets", {"onlyData": "true"}, page_size=page_size))


def pick_value_set(sets: list[dict[str, Any]], configured: str, role: str) -> dict[str, Any]:
    """The value set for `role` ("cost center" or "account"): the configured code, else a name match."""
    if configured:
        for vs in sets:
            if vs.get("ValueSetCode") == configured:
                return vs
        raise ConfigurationError(
            f"Oracle has no value set {configured!r} for the {role} segment",
            hint="Set the connection's value set code to one listed by `ml-connector discover`.",
        )
    # ASSUMPTION: without a configured code, the segment's value set is the one whose code names the
    # role (…COST_CENTER…, …ACCOUNT…); the REST resources do not expose segment qualifiers.
    wanted = ("COST_CENTER", "COSTCENTER", "_CC") if role == "cost center" else ("ACCOUNT",)
    for vs in sets:
        code = str(vs.get("ValueSetCode") or "").upper()
        if any(w in code for w in wanted):
            return vs
    raise ConfigurationError(
        f"cannot tell which Oracle value set holds the {role} segment",
        hint=f"Set {'cost_center_value_set' if role == 'cost center' else 'account_value_set'} on the connection.",
    )


def segment_values(session: ApiSession, value_set: dict[str, Any], page_size: int) -> Iterator[dict[str, Any]]:
    """The values of one value set."""
    path = f"valueSets/{int(value_set['ValueSetId'])}/child/values"
    yield from read_collection(session, path, {"onlyData": "true"}, page_size=page_size)


def _enabled(row: dict[str, Any]) -> bool:
    return str(row.get("EnabledFlag") or "Y").upper() == "Y" and not row.get("EndDateActive")


def read_accounts(session: ApiSession, settings: OracleSettings) -> Iterator[Account]:
    """Natural account values as canonical accounts (summary values skipped)."""
    vs = pick_value_set(value_sets(session, settings.page_size), settings.account_value_set, "account")
    for row in segment_values(session, vs, settings.page_size):
        if str(row.get("SummaryFlag") or "N").upper() == "Y" or not row.get("Value"):
            continue
        yield Account(
            code=str(row["Value"]),
            name=str(row.get("Description") or row["Value"]),
            account_type=str(row.get("AccountType") or ""),
            enabled=_enabled(row),
        )


def read_cost_centers(session: ApiSession, settings: OracleSettings) -> Iterator[CostCenter]:
    """Cost center segment values as canonical cost centers (summary values skipped)."""
    vs = pick_value_set(value_sets(session, settings.page_size), settings.cost_center_value_set, "cost center")
    for row in segment_values(session, vs, settings.page_size):
        if str(row.get("SummaryFlag") or "N").upper() == "Y" or not row.get("Value"):
            continue
        yield CostCenter(
            code=str(row["Value"]), name=str(row.get("Description") or row["Value"]), enabled=_enabled(row)
        )


TREE_STRUCTURE = "GL_ACCT_FLEX"  # the tree structure of account hierarchies (chart of accounts segments)


def read_hierarchy(session: ApiSession, settings: OracleSettings, dimension: str) -> Hierarchy | None:
    """The parents of the account or cost center values, from the tree the connection names (fndTreeNodes);
    the parents' names from their summary values in the segment's value set. None without a tree.

    Only a node's immediate parent is kept: the Anaplan list of members sits under one parent list."""
    tree = settings.account_tree if dimension == "account" else settings.cost_center_tree
    if not tree:
        return None
    q = f"TreeStructureCode='{TREE_STRUCTURE}' and TreeCode='{tree}'"
    if settings.tree_version:
        q += f" and TreeVersionId='{settings.tree_version}'"
    nodes = list(read_collection(session, "fndTreeNodes", {"q": q, "onlyData": "true"}, page_size=settings.page_size))
    if not nodes:
        raise ConfigurationError(
            f"Oracle has no account hierarchy {tree!r} (tree structure {TREE_STRUCTURE}) to read",
            hint=f"Set {dimension}_tree on the connection to a tree code from Manage Account Hierarchies.",
        )
    versions = sorted({str(n.get("TreeVersionId") or "") for n in nodes})
    if len(versions) > 1:
        raise ConfigurationError(
            f"the Oracle account hierarchy {tree!r} has {len(versions)} versions ({', '.join(versions)})",
            hint="Set tree_version on the connection to the version to send.",
        )
    parents: dict[str, str] = {}
    for node in nodes:
        value, parent = str(node.get("Pk1StartValue") or ""), str(node.get("ParentPk1Value") or "")
        if value and parent:
            parents[value] = parent
    role = "account" if dimension == "account" else "cost center"
    configured = settings.account_value_set if dimension == "account" else settings.cost_center_value_set
    vs = pick_value_set(value_sets(session, settings.page_size), configured, role)
    groups = {
        str(row["Value"]): str(row.get("Description") or row["Value"])
        for row in segment_values(session, vs, settings.page_size)
        if str(row.get("SummaryFlag") or "N").upper() == "Y" and row.get("Value")
    }
    return Hierarchy(parents=parents, groups=groups)
