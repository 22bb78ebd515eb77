"""One planning model's data: lists with members, modules with cells keyed by members and periods.

Pure in-memory state with no locking of its own; `models.AnaplanBackend` holds the lock. Values keep
their exact form: numbers as `Decimal`, booleans as `bool`, text as `str`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ml_connector.emulators.anaplan.definition import TIME, ListDef, ModelDef, ModuleDef

Value = Decimal | bool | str
# ASSUMPTION: the Time dimension id follows the 11-digit example of the cell-write docs ("20000000003").
TIME_DIMENSION_ID = "20000000003"
LIST_ID_BASE = 101_000_000_000
MODULE_ID_BASE = 102_000_000_000
LINE_ITEM_ID_BASE = 206_000_000_000
# ASSUMPTION: list items get 12-digit ids "2nn000000001", nn = 10 + the list's position, so ids are
# unique in a model and never collide with line items (206…).
ITEM_ID_PREFIX = 210


class ValueRejected(ValueError):
    """A value that does not fit its line item's format."""


@dataclass
class ListItem:
    id: str
    code: str
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    parent: str = ""  # the code of its parent, a member of the list's parent list; "" at the top


@dataclass
class PlanList:
    """A list's members in insertion order, indexed by code, id and name (bulk loads stay linear)."""

    id: str
    name: str
    properties: tuple[str, ...]
    number: int
    parent_list: str | None = None  # the list one level up in the hierarchy (Anaplan: a list's "parent")
    items: dict[str, ListItem] = field(default_factory=dict)  # by code, in insertion order
    next_item: int = 1
    _by_id: dict[str, ListItem] = field(default_factory=dict)
    _by_name: dict[str, ListItem] = field(default_factory=dict)

    def by_code(self, code: str) -> ListItem | None:
        return self.items.get(code)

    def by_id(self, item_id: str) -> ListItem | None:
        return self._by_id.get(item_id)

    def by_name(self, name: str) -> ListItem | None:
        return self._by_name.get(name)

    def add(self, code: str, name: str, properties: dict[str, str] | None = None, parent: str = "") -> ListItem:
        item_id = f"{ITEM_ID_PREFIX + self.number}{self.next_item:09d}"
        self.next_item += 1
        item = ListItem(id=item_id, code=code, name=name or code, properties=dict(properties or {}), parent=parent)
        self.items[code] = item
        self._by_id[item_id] = item
        self._by_name.setdefault(item.name, item)
        return item

    def rename(self, item: ListItem, name: str) -> None:
        if self._by_name.get(item.name) is item:
            del self._by_name[item.name]
        item.name = name
        self._by_name.setdefault(name, item)

    def remove(self, code: str) -> None:
        item = self.items.pop(code)
        self._by_id.pop(item.id, None)
        if self._by_name.get(item.name) is item:
            del self._by_name[item.name]

    def as_json(self, item: ListItem, parent: ListItem | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": item.id, "name": item.name, "code": item.code}
        if parent is not None:
            # The items GET documents `parent` (the parent's name) and `parentId` as optional fields.
            out |= {"parent": parent.name, "parentId": parent.id}
        return out | {
            "listId": self.id,
            "listName": self.name,
            "properties": {p: item.properties.get(p, "") for p in self.properties},
        }


@dataclass
class LineItem:
    id: str
    name: str
    format: str

    def parse(self, raw: object) -> Value:
        """Turn a file or JSON value into this line item's value, or raise `ValueRejected`."""
        if self.format == "BOOLEAN":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no", ""):
                return False
            raise ValueRejected(f"Invalid boolean: {raw}")
        if self.format == "NUMBER":
            if isinstance(raw, bool):
                raise ValueRejected(f"Invalid number: {raw}")
            text = str(raw).strip()
            if text == "":
                # ASSUMPTION: an empty numeric field blanks the cell, which Anaplan shows as 0.
                return Decimal(0)
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueRejected(f"Invalid number: {raw}") from None
            if not number.is_finite():
                raise ValueRejected(f"Invalid number: {raw}")
            return number
        return str(raw)


def render(value: Value) -> str:
    """A cell value as text (exports, read-outs): numbers exactly as stored, booleans lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


@dataclass
class Module:
    id: str
    name: str
    dimensions: tuple[str, ...]
    line_items: dict[str, LineItem]
    cells: dict[tuple[str, ...], dict[str, Value]] = field(default_factory=dict)

    def line_item_by_id(self, line_item_id: str) -> LineItem | None:
        return next((li for li in self.line_items.values() if li.id == line_item_id), None)


class PlanningModel:
    """Lists, the time dimension and modules of one model, built from its `ModelDef`."""

    def __init__(self, definition: ModelDef) -> None:
        self.definition = definition
        self.periods = definition.periods
        self._period_set = frozenset(definition.periods)
        self.lists: dict[str, PlanList] = {}
        self.modules: dict[str, Module] = {}
        for n, ldef in enumerate(definition.lists):
            self.lists[ldef.name] = self._build_list(n, ldef)
        line_item_seq = 0
        for n, mdef in enumerate(definition.modules):
            line_items = {}
            for li in mdef.line_items:
                line_items[li.name] = LineItem(str(LINE_ITEM_ID_BASE + line_item_seq), li.name, li.format)
                line_item_seq += 1
            module = Module(str(MODULE_ID_BASE + n), mdef.name, mdef.dimensions, line_items)
            self.modules[mdef.name] = module
            self._seed_cells(module, mdef)

    @staticmethod
    def _build_list(n: int, ldef: ListDef) -> PlanList:
        plan_list = PlanList(str(LIST_ID_BASE + n), ldef.name, ldef.properties, number=n, parent_list=ldef.parent)
        for raw in ldef.items:
            props = {str(k): str(v) for k, v in (raw.get("properties") or {}).items()}
            plan_list.add(str(raw["code"]), str(raw.get("name") or raw["code"]), props, str(raw.get("parent") or ""))
        return plan_list

    def parent_of(self, plan_list: PlanList, item: ListItem) -> ListItem | None:
        """The member of the parent list that `item` sits under (None at the top of the hierarchy)."""
        if not item.parent or plan_list.parent_list is None:
            return None
        return self.lists[plan_list.parent_list].by_code(item.parent)

    def _seed_cells(self, module: Module, mdef: ModuleDef) -> None:
        for raw in mdef.cells:
            key = tuple(str(raw[d]) for d in module.dimensions)
            for dim, code in zip(module.dimensions, key, strict=True):
                if not self.member_exists(dim, code):
                    raise ValueError(f"module {module.name!r} seed cell names unknown {dim} member {code!r}")
            for li_name, li in module.line_items.items():
                if li_name in raw:
                    module.cells.setdefault(key, {})[li_name] = li.parse(raw[li_name])

    # --- members -----------------------------------------------------------------------------------

    def member_exists(self, dimension: str, code: str) -> bool:
        if dimension == TIME:
            return code in self._period_set
        plan_list = self.lists.get(dimension)
        return plan_list is not None and code in plan_list.items

    def dimension_id(self, dimension: str) -> str:
        return TIME_DIMENSION_ID if dimension == TIME else self.lists[dimension].id

    def dimension_by_id(self, dimension_id: str) -> str | None:
        if dimension_id == TIME_DIMENSION_ID:
            return TIME
        return next((n for n, x in self.lists.items() if x.id == dimension_id), None)

    def period_id(self, label: str) -> str:
        # ASSUMPTION: time item ids are opaque numbers; these are stable per label position.
        return str(5_000_000_000 + self.periods.index(label))

    def resolve_member(self, dimension: str, entry: dict[str, Any]) -> str | None:
        """The member code for a cell-write dimension entry (`itemId`, `itemName` or `itemCode`)."""
        if dimension == TIME:
            for key in ("itemName", "itemCode"):
                if str(entry.get(key)) in self.periods:
                    return str(entry[key])
            if "itemId" in entry:
                return next((p for p in self.periods if self.period_id(p) == str(entry["itemId"])), None)
            return None
        plan_list = self.lists[dimension]
        item = None
        if "itemId" in entry:
            item = plan_list.by_id(str(entry["itemId"]))
        elif "itemCode" in entry:
            item = plan_list.by_code(str(entry["itemCode"]))
        elif "itemName" in entry:
            item = plan_list.by_name(str(entry["itemName"]))
        return item.code if item else None

    def delete_members(self, plan_list: PlanList, codes: set[str]) -> None:
        """Remove members and every cell that was keyed by one of them."""
        for code in codes:
            plan_list.remove(code)
        for module in self.modules.values():
            if plan_list.name not in module.dimensions:
                continue
            pos = module.dimensions.index(plan_list.name)
            for key in [k for k in module.cells if k[pos] in codes]:
                del module.cells[key]

    # --- read-outs ---------------------------------------------------------------------------------

    def ordered_cells(self, module: Module) -> Iterator[tuple[tuple[str, ...], dict[str, Value]]]:
        """Cells in model order: list members in list order, then periods in time order."""

        positions = [
            {c: n for n, c in enumerate(self.periods if dim == TIME else self.lists[dim].items)}
            for dim in module.dimensions
        ]

        def order(key: tuple[str, ...]) -> tuple[int, ...]:
            return tuple(pos.get(code, -1) for pos, code in zip(positions, key, strict=True))

        for key in sorted(module.cells, key=order):
            yield key, module.cells[key]

    def cell_rows(self, module: Module) -> list[dict[str, str]]:
        """One row per (cell, line item): `{dimension names..., "line_item", "value"}`."""
        rows = []
        for key, values in self.ordered_cells(module):
            for li_name in module.line_items:
                if li_name in values:
                    row = dict(zip(module.dimensions, key, strict=True))
                    row.update(line_item=li_name, value=render(values[li_name]))
                    rows.append(row)
        return rows
